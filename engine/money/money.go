// Package money holds what the generator knows about amounts: they are
// integers counted in a currency's minor unit (cents for USD, yen for JPY,
// fils for KWD), so no rounding ever happens; Pow10 scales between units and
// minor units, and AppendMinor writes an amount as the exact decimal text
// that every output format uses.
package money

import (
	"math/bits"
	"strconv"
)

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
// Every journal line has three amounts: the fraction, whose width is
// fixed, is written digit by digit in place rather than through a second
// strconv call and a copy.
func AppendMinor(b []byte, v int64, digits int) []byte {
	u := uint64(v)
	if v < 0 {
		b = append(b, '-')
		u = -u
	}
	if digits == 0 {
		return strconv.AppendUint(b, u, 10)
	}
	p := uint64(Pow10(digits))
	b = strconv.AppendUint(b, u/p, 10)
	frac := u % p
	n := len(b) + 1
	b = append(b, ".000000000000000000"[:digits+1]...)
	for i := n + digits - 1; i >= n; i-- {
		b[i] = byte('0' + frac%10)
		frac /= 10
	}
	return b
}

// MulDiv returns a*b/d for non-negative a, b and positive d, rounded down,
// without overflow in the product (shares and ratios of amounts); a result
// beyond int64 saturates.
func MulDiv(a, b, d int64) int64 {
	hi, lo := bits.Mul64(uint64(a), uint64(b))
	if hi >= uint64(d) {
		return 1<<63 - 1
	}
	q, _ := bits.Div64(hi, lo, uint64(d))
	if q > 1<<63-1 {
		return 1<<63 - 1
	}
	return int64(q)
}
