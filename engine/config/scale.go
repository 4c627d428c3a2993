package config

import (
	"fmt"
	"math/big"
	"slices"
)

// WithTotalEntries returns a copy of c whose companies together get exactly
// n journal entries over the same period. Everything else is unchanged.
//
// The rule: n is split over the companies in proportion to the entries each
// gets in c, by largest remainder (ties go to the earlier company); a
// company whose share rounds to 0 gets one entry, taken from the largest
// share, so n must be at least the number of companies. Each company's annual_transaction_volume becomes {custom: V}
// with V = ceil(share x 12 / period_months), the volume that gives the share
// over the period, and volume_weight 1. Where period_months is above 12 and
// no whole V gives the share exactly, the weight is lowered to the smallest
// six-decimal value that does. The result is an ordinary config: written
// out with YAML and run by datasynth-data it gives the same dataset.
func (c *Config) WithTotalEntries(n int64) (*Config, error) {
	k := int64(len(c.Companies))
	if n < k {
		return nil, fmt.Errorf("%d entries cannot be shared by %d companies; ask for at least %d", n, k, k)
	}
	total := c.TotalEntries()
	out := *c
	out.Companies = slices.Clone(c.Companies)
	out.Warnings = slices.Clone(c.Warnings)
	if n == total {
		return &out, nil
	}
	shares := apportion(n, c, total)
	p := int64(c.Global.PeriodMonths)
	for i := range out.Companies {
		v, w, err := volumeFor(shares[i], p)
		if err != nil {
			return nil, fmt.Errorf("company %s: %w", out.Companies[i].Code, err)
		}
		co := &out.Companies[i]
		co.VolumeName, co.AnnualVolume, co.VolumeWeight = "custom", v, w
		if got := co.Entries(c.Global.PeriodMonths); got != shares[i] {
			return nil, fmt.Errorf("company %s: volume %d x weight %s gives %d entries, not %d", co.Code, v, w, got, shares[i])
		}
	}
	return &out, nil
}

// apportion splits n over the companies of c in proportion to their
// entries, by largest remainder; a company whose share rounds to 0 gets one
// entry, taken from the largest share.
func apportion(n int64, c *Config, total int64) []int64 {
	k := len(c.Companies)
	shares := make([]int64, k)
	rems := make([]*big.Int, k)
	var given int64
	for i, co := range c.Companies {
		e := co.Entries(c.Global.PeriodMonths)
		q, r := new(big.Int).QuoRem(new(big.Int).Mul(big.NewInt(n), big.NewInt(e)), big.NewInt(total), new(big.Int))
		shares[i], rems[i] = q.Int64(), r
		given += q.Int64()
	}
	order := make([]int, k)
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return rems[b].Cmp(rems[a]) })
	for i := int64(0); i < n-given; i++ {
		shares[order[i]]++
	}
	for i := range shares {
		if shares[i] == 0 {
			shares[i] = 1
			shares[slices.Index(shares, slices.Max(shares))]--
		}
	}
	return shares
}

// volumeFor finds an annual volume and weight that give exactly e entries
// over p months.
func volumeFor(e, p int64) (int64, Decimal, error) {
	entries := func(v int64, w int64) int64 { return Decimal{w}.MulDiv(v*p, 12) }
	v0 := (e*12 + p - 1) / p
	if entries(v0, MicroPerUnit) == e {
		return v0, Decimal{MicroPerUnit}, nil
	}
	// p > 12: try nearby volumes with the smallest weight that reaches e.
	for v := v0; v < v0+4096 && v <= MaxCustomVolume; v++ {
		w := ceilDiv(big.NewInt(e), big.NewInt(v*p), MicroPerUnit*12)
		if w >= 1 && w <= MicroPerUnit && entries(v, w) == e {
			return v, Decimal{w}, nil
		}
	}
	// Small volumes always have a weight: one micro-step of weight moves
	// the count by v*p/12e6 < 1 entry.
	v := min(int64(MicroPerUnit*12)/p, MaxCustomVolume)
	w := ceilDiv(big.NewInt(e), big.NewInt(v*p), MicroPerUnit*12)
	if w >= 1 && w <= 1000*MicroPerUnit && entries(v, w) == e {
		return v, Decimal{w}, nil
	}
	return 0, Decimal{}, fmt.Errorf("no volume and weight give exactly %d entries over %d months", e, p)
}

// ceilDiv returns ceil(a * scale / b) for positive values.
func ceilDiv(a, b *big.Int, scale int64) int64 {
	x := new(big.Int).Mul(a, big.NewInt(scale))
	x.Add(x, new(big.Int).Sub(b, big.NewInt(1)))
	return x.Quo(x, b).Int64()
}
