package rng

import (
	"math/rand/v2"

	"datasynth.dev/engine/money"
)

//go:generate go run gen_logtable.go

// MaxLogUniform is the largest bound LogUniform accepts (10^17 minor units).
const MaxLogUniform = 1e17

// LogUniform draws integers whose logarithm is uniform on [min, max]. Such
// values follow Benford's law for first digits when the range spans whole
// decades, which is how real ledger amounts behave.
type LogUniform struct {
	min, max   uint64
	kmin, kmax int // decades: 10^k <= value < 10^(k+1)
}

// NewLogUniform returns a sampler for 1 <= min <= max <= MaxLogUniform.
func NewLogUniform(min, max uint64) LogUniform {
	if min < 1 || min > max || max > MaxLogUniform {
		panic("rng: NewLogUniform bounds out of range")
	}
	return LogUniform{min: min, max: max, kmin: decade(min), kmax: decade(max)}
}

func decade(v uint64) int {
	k := 0
	for k < money.MaxPow10 && uint64(money.Pow10(k+1)) <= v {
		k++
	}
	return k
}

// Draw returns one value in [min, max].
func (l LogUniform) Draw(r *rand.Rand) uint64 {
	// Rejection from the enclosing whole decades keeps the log-uniform
	// shape exactly. The attempt limit only matters for ranges far narrower
	// than a decade, where the shape is irrelevant; the fallback is still
	// deterministic.
	for range 64 {
		k := l.kmin + int(r.Uint64N(uint64(l.kmax-l.kmin+1)))
		x := r.Uint64()
		i := x >> 54                 // 10 bits: table slot
		f := (x >> 34) & (1<<20 - 1) // 20 bits: position inside the slot
		m := logTable[i] + ((logTable[i+1]-logTable[i])*f)>>20
		var v uint64
		if k <= 12 {
			v = m / uint64(money.Pow10(12-k))
		} else {
			v = m * uint64(money.Pow10(k-12))
		}
		if v >= l.min && v <= l.max {
			return v
		}
	}
	return l.Uniform(r)
}

// Uniform returns a value drawn uniformly from [min, max], for configs that
// switch Benford-shaped amounts off.
func (l LogUniform) Uniform(r *rand.Rand) uint64 {
	return l.min + r.Uint64N(l.max-l.min+1)
}
