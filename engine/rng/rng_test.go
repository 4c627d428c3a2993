package rng

import (
	"math"
	"testing"
)

func TestKeyDistinguishesLabels(t *testing.T) {
	cases := []struct {
		seed   uint64
		labels []string
	}{
		{1, nil},
		{2, nil},
		{1, []string{"ab", "c"}},
		{1, []string{"a", "bc"}},
		{1, []string{"abc"}},
		{1, []string{"journal", "C001"}},
		{1, []string{"journal", "C002"}},
	}
	seen := map[[32]byte]int{}
	for i, c := range cases {
		k := Key(c.seed, c.labels...)
		if j, dup := seen[k]; dup {
			t.Fatalf("case %d and %d share a key", i, j)
		}
		seen[k] = i
		if Key(c.seed, c.labels...) != k {
			t.Fatalf("case %d: key not stable", i)
		}
	}
}

// TestStreamGolden pins the first values of a stream: if this changes, every
// dataset changes, and the generator version must be bumped.
func TestStreamGolden(t *testing.T) {
	r := New(42, "golden")
	got := []uint64{r.Uint64(), r.Uint64(), r.Uint64()}
	want := []uint64{0x6233a93bb0dff65e, 0x7094fbfaf3affd05, 0x524d508a31094a33}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("stream value %d = %#x, want %#x", i, got[i], want[i])
		}
	}
}

func TestWeighted(t *testing.T) {
	w := NewWeighted([]uint64{0, 1, 3, 0})
	r := New(7, "weighted")
	var n [4]int
	for range 40000 {
		n[w.Pick(r)]++
	}
	if n[0] != 0 || n[3] != 0 {
		t.Fatalf("zero-weight choices picked: %v", n)
	}
	if ratio := float64(n[2]) / float64(n[1]); ratio < 2.8 || ratio > 3.2 {
		t.Fatalf("weights 1:3 gave %v", n)
	}
}

func TestLogTableMatchesPow(t *testing.T) {
	for i, v := range logTable {
		want := math.Pow(10, float64(i)/1024) * 1e12
		if math.Abs(float64(v)-want) > 1 {
			t.Fatalf("logTable[%d] = %d, want %.1f", i, v, want)
		}
	}
}

func TestLogUniformBoundsAndBenford(t *testing.T) {
	for _, c := range []struct{ min, max uint64 }{
		{100, 100_000_000}, {1, 10}, {12345, 67890}, {5, 5}, {999, 1001}, {1, MaxLogUniform},
	} {
		l := NewLogUniform(c.min, c.max)
		r := New(1, "lu")
		var first [10]int
		const n = 50000
		for range n {
			v := l.Draw(r)
			if v < c.min || v > c.max {
				t.Fatalf("[%d,%d]: drew %d", c.min, c.max, v)
			}
			for v >= 10 {
				v /= 10
			}
			first[v]++
		}
		if c.min == 100 || c.min == 1 && c.max == MaxLogUniform {
			// Whole decades: first digits must follow Benford closely.
			mad := 0.0
			for d := 1; d <= 9; d++ {
				mad += math.Abs(float64(first[d])/n - math.Log10(1+1/float64(d)))
			}
			if mad/9 > 0.006 {
				t.Fatalf("[%d,%d]: Benford MAD %.4f > 0.006: %v", c.min, c.max, mad/9, first)
			}
		}
	}
}
