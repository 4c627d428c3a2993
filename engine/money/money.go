// Package money holds what the generator knows about amounts: they are
// integers counted in a currency's minor unit (cents for USD, yen for JPY,
// fils for KWD), so no rounding ever happens; Pow10 scales between units and
// minor units, and AppendMinor writes an amount as the exact decimal text
// that every output format uses.
package money

import "strconv"

// pow10 holds 10^0 through 10^18, every power of ten an int64 holds.
var pow10 = [...]int64{1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12,
	1e13, 1e14, 1e15, 1e16, 1e17, 1e18}

// MaxPow10 is the largest n that Pow10 accepts.
const MaxPow10 = len(pow10) - 1

// Pow10 returns 10^n for 0 <= n <= MaxPow10 and panics otherwise: callers
// pass currency digits or decades, which are small by construction.
func Pow10(n int) int64 { return pow10[n] }

// AppendMinor appends v, an amount in minor units with the given number of
// fractional digits, as a decimal number: 123456 with 2 digits is
// "1234.56", -5 with 3 digits is "-0.005", 42 with 0 digits is "42".
func AppendMinor(b []byte, v int64, digits int) []byte {
	if v < 0 {
		b = append(b, '-')
		v = -v
	}
	if digits == 0 {
		return strconv.AppendInt(b, v, 10)
	}
	p := Pow10(digits)
	b = strconv.AppendInt(b, v/p, 10)
	b = append(b, '.')
	frac := v % p
	for q := p / 10; q > 1 && frac < q; q /= 10 {
		b = append(b, '0')
	}
	return strconv.AppendInt(b, frac, 10)
}
