package config

import (
	"errors"
	"math/big"
	"strconv"
	"strings"

	"datasynth.dev/engine/money"
)

// Decimal is an exact decimal with six fractional digits, stored as an
// integer count of millionths. Config numbers that decide generated values
// are Decimals so that no floating-point rounding reaches the output.
type Decimal struct{ Micro int64 }

// MicroPerUnit is the scale of Decimal.
const MicroPerUnit = 1_000_000

var errDecimal = errors.New("not a decimal number with at most 6 fractional digits")

// ParseDecimal reads s exactly (for example "0.005", "12", "1e-3").
// big.Rat does the parsing: it is exact, unlike strconv.ParseFloat.
func ParseDecimal(s string) (Decimal, error) {
	if strings.ContainsRune(s, '/') {
		return Decimal{}, errDecimal
	}
	r, ok := new(big.Rat).SetString(s)
	if !ok {
		return Decimal{}, errDecimal
	}
	r.Mul(r, big.NewRat(MicroPerUnit, 1))
	if !r.IsInt() || !r.Num().IsInt64() {
		return Decimal{}, errDecimal
	}
	return Decimal{r.Num().Int64()}, nil
}

// String formats d without trailing zeros: "1.5", "0.005", "12".
func (d Decimal) String() string {
	neg := d.Micro < 0
	v := d.Micro
	if neg {
		v = -v
	}
	s := strconv.FormatInt(v/MicroPerUnit, 10)
	if frac := v % MicroPerUnit; frac != 0 {
		f := strconv.FormatInt(frac+MicroPerUnit, 10)[1:]
		s += "." + strings.TrimRight(f, "0")
	}
	if neg {
		s = "-" + s
	}
	return s
}

// MulDiv returns floor(d * n / div) exactly, for non-negative values.
func (d Decimal) MulDiv(n, div int64) int64 {
	x := new(big.Int).Mul(big.NewInt(d.Micro), big.NewInt(n))
	x.Quo(x, new(big.Int).Mul(big.NewInt(MicroPerUnit), big.NewInt(div)))
	return x.Int64()
}

// Minor converts an amount in currency units to minor units (cents for two
// digits), rounding down.
func (d Decimal) Minor(digits int) int64 { return d.MulDiv(money.Pow10(digits), 1) }
