package fx

import (
	"testing"
	"time"

	"datasynth.dev/engine/money"
)

var start = time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC) // a Monday

func TestWalk(t *testing.T) {
	pairs := []Pair{{"EUR", "USD"}, {"JPY", "USD"}, {"USD", "GBP"}}
	tb := New(7, pairs, start, 366)
	for i, p := range pairs {
		base := money.Rate(p.From, p.To)
		if got := tb.Rate(i, 0); got != base {
			t.Errorf("%v starts at %d, want the fixed rate %d", p, got, base)
		}
		distinct := map[int64]bool{}
		lo, hi := base, base
		for d := range tb.Days {
			r := tb.Rate(i, d)
			distinct[r] = true
			lo, hi = min(lo, r), max(hi, r)
			day := start.AddDate(0, 0, d)
			if wd := day.Weekday(); wd == time.Saturday || wd == time.Sunday {
				if r != tb.Rate(i, d-1) {
					t.Fatalf("%v moves on %s, a weekend day", p, day.Format(time.DateOnly))
				}
			}
			// The inverse is the same rate the other way round, within
			// the rounding of six decimals.
			prod := float64(r) * float64(tb.inverse[i][d]) / 1e12
			if prod < 0.999 || prod > 1.001 {
				t.Fatalf("%v on day %d: rate %d, inverse %d", p, d, r, tb.inverse[i][d])
			}
		}
		// A year of weekdays moves: about 260 steps, each of 0.6%.
		if len(distinct) < 150 {
			t.Errorf("%v takes only %d distinct values in a year", p, len(distinct))
		}
		// Mean reversion keeps the rate near its level (the stationary
		// spread is about 2%).
		if float64(lo) < 0.85*float64(base) || float64(hi) > 1.15*float64(base) || lo == hi {
			t.Errorf("%v ranges %d..%d around %d", p, lo, hi, base)
		}
	}
}

// TestPairsIndependent: a pair's walk depends on the seed and the pair
// alone, not on the other pairs of the run.
func TestPairsIndependent(t *testing.T) {
	a := New(7, []Pair{{"EUR", "USD"}}, start, 100)
	b := New(7, []Pair{{"CHF", "USD"}, {"EUR", "USD"}}, start, 100)
	c := New(8, []Pair{{"EUR", "USD"}}, start, 100)
	same := true
	for d := range 100 {
		if a.Rate(0, d) != b.Rate(1, d) {
			t.Fatalf("day %d: EUR/USD %d alone, %d beside CHF", d, a.Rate(0, d), b.Rate(1, d))
		}
		same = same && a.Rate(0, d) == c.Rate(0, d)
	}
	if same {
		t.Fatal("seeds 7 and 8 give the same walk")
	}
}
