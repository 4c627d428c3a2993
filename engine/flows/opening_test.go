package flows

import (
	"testing"

	"datasynth.dev/engine/rng"
)

// TestOpeningSplit: the opening open items add up to what planOpening
// says they carry, which is the target unless the target needs more than
// limit invoices; every invoice stays within the amount limits.
func TestOpeningSplit(t *testing.T) {
	g := gen{r: rng.New(1, "opening-test")}
	for _, c := range []struct {
		target, lo, hi int64
		limit          int
		cut            bool
	}{
		{target: 42_000_00, lo: 1_00, hi: 1_000_000_00, limit: 64},
		{target: 5_00, lo: 1_00, hi: 1_000_000_00, limit: 64},
		{target: 99, lo: 1_00, hi: 1_000_000_00, limit: 64, cut: true},
		{target: 900_000_000_00, lo: 1_00, hi: 1_000_000_00, limit: 64, cut: true},
		{target: 2_000_000_00, lo: 1_00, hi: 1_000_000_00, limit: 1, cut: true},
		{target: 2_000_000_00, lo: 500_000_00, hi: 1_000_000_00, limit: 64, cut: true}, // no split within a third and three times the average fits
		{target: 123_456_789, lo: 1, hi: 100, limit: 64, cut: true},
		{target: 7_777_777, lo: 10, hi: 9_000_000, limit: 3},
	} {
		p := planOpening(c.target, span{1_000_00, 50_000_00}, 1900, c.lo, c.hi, c.limit)
		if p.n > c.limit || (p.total != c.target) != c.cut || p.total > c.target || (p.n == 0) != (p.total == 0) {
			t.Errorf("%+v: %d invoices carry %d", c, p.n, p.total)
			continue
		}
		if p.n == 0 {
			continue
		}
		var sum int64
		for _, a := range g.splitOpening(p.total, p.n) {
			if a < c.lo || a > c.hi {
				t.Errorf("%+v: an invoice of %d", c, a)
			}
			sum += a
		}
		if sum != p.total {
			t.Errorf("%+v: invoices add up to %d, want %d", c, sum, p.total)
		}
	}
}
