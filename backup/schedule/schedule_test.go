package schedule

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func TestParse(t *testing.T) {
	for _, ok := range []string{"0 2 * * *", "*/15 * * * *", "@daily", "@every 6h", "30 1 * * 1-5"} {
		if _, err := Parse(ok); err != nil {
			t.Errorf("Parse(%q) = %v", ok, err)
		}
	}
	for _, bad := range []string{"", "0 2 * *", "61 * * * *", "0 0 2 * * *", "tomorrow"} {
		_, err := Parse(bad)
		if err == nil || !strings.Contains(err.Error(), "--schedule") || !strings.Contains(err.Error(), "0 2 * * *") {
			t.Errorf("Parse(%q) error = %v, want one naming --schedule with an example", bad, err)
		}
	}
}

// syncBuffer is a log sink safe for the scheduler's goroutines.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func TestRunNeverOverlapsAndSurvivesFailures(t *testing.T) {
	var logs syncBuffer
	log := slog.New(slog.NewTextHandler(&logs, nil))
	ctx, cancel := context.WithTimeout(context.Background(), 4500*time.Millisecond)
	defer cancel()
	var running, maxRunning, runs atomic.Int32
	job := func(ctx context.Context) error {
		n := running.Add(1)
		defer running.Add(-1)
		if n > maxRunning.Load() {
			maxRunning.Store(n)
		}
		r := runs.Add(1)
		select {
		case <-time.After(1500 * time.Millisecond):
		case <-ctx.Done():
		}
		if r == 1 {
			return errors.New("disk full")
		}
		return nil
	}
	if err := Run(ctx, "@every 1s", job, log); err != nil {
		t.Fatal(err)
	}
	if maxRunning.Load() != 1 {
		t.Errorf("%d runs overlapped", maxRunning.Load())
	}
	if runs.Load() < 2 {
		t.Errorf("%d runs in 4.5s, want at least 2 (the failed first run must not stop the scheduler)", runs.Load())
	}
	out := logs.String()
	for _, want := range []string{"backup run skipped", "backup run failed", "disk full", "backup run finished", "scheduler stopping"} {
		if !strings.Contains(out, want) {
			t.Errorf("log lacks %q:\n%s", want, out)
		}
	}
	if running.Load() != 0 {
		t.Error("Run returned while a job was still running")
	}
}

func TestRunRejectsBadSchedule(t *testing.T) {
	err := Run(context.Background(), "every night", func(context.Context) error { return nil }, slog.New(slog.DiscardHandler))
	if err == nil {
		t.Fatal("bad schedule accepted")
	}
}
