package ratelimit

import (
	"testing"
	"time"
)

func TestAllow(t *testing.T) {
	l := New(4, 2)
	t0 := time.Unix(1_000_000, 0)
	steps := []struct {
		client    string
		at        time.Duration
		allowed   bool
		remaining int
		retry     time.Duration
	}{
		{"a", 0, true, 1, 0},
		{"a", time.Millisecond, true, 0, 0},
		{"a", 2 * time.Millisecond, false, 0, 248 * time.Millisecond},
		{"b", 2 * time.Millisecond, true, 1, 0},
		{"a", 252 * time.Millisecond, true, 0, 0},
		{"a", 253 * time.Millisecond, false, 0, 247 * time.Millisecond},
	}
	for i, s := range steps {
		d := l.Allow(s.client, t0.Add(s.at))
		if d.Allowed != s.allowed || d.Remaining != s.remaining || d.RetryAfter.Round(time.Millisecond) != s.retry || d.Limit != 4 || d.Burst != 2 {
			t.Errorf("step %d: %+v, want allowed %v remaining %d retry %v", i, d, s.allowed, s.remaining, s.retry)
		}
	}
}

func TestIdleBucketsAreDropped(t *testing.T) {
	l := New(10, 5)
	t0 := time.Unix(1_000_000, 0)
	for i := range 100 {
		l.Allow(string(rune('a'+i%26))+string(rune('a'+i/26)), t0)
	}
	if l.Clients() != 100 {
		t.Fatalf("%d buckets, want 100", l.Clients())
	}
	// Two minutes later every bucket is full again: the next call sweeps
	// them and keeps only the caller's.
	l.Allow("new", t0.Add(2*time.Minute))
	if l.Clients() != 1 {
		t.Fatalf("%d buckets after the sweep, want 1", l.Clients())
	}
}
