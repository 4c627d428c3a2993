// Package money holds what the generator knows about amounts: they are
// integers counted in a currency's minor unit (cents for USD, yen for JPY,
// fils for KWD), so no rounding ever happens; Pow10 scales between units and
// minor units, and AppendMinor writes an amount as the exact decimal text
// that every output format uses.
package money

import (
	"math/bits"
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
// Every journal line has three amounts and most flow rows several: the
// text is written right to left, two digits at a time, into an array and
// appended with one copy, rather than through strconv and separate
// appends of the sign, the point and the fraction.
func AppendMinor(b []byte, v int64, digits int) []byte {
	// 19 digits of the largest amount, a sign, a point and the leading
	// zero of an amount below one unit with 18 digits.
	var buf [22]byte
	i := len(buf)
	u := uint64(v)
	if v < 0 {
		u = -u
	}
	if digits > 0 {
		p := uint64(pow10[digits])
		frac := u % p
		u /= p
		n := digits
		for ; n >= 2; n -= 2 {
			r := frac % 100
			frac /= 100
			i -= 2
			buf[i], buf[i+1] = pairs[2*r], pairs[2*r+1]
		}
		if n == 1 {
			i--
			buf[i] = byte('0' + frac)
		}
		i--
		buf[i] = '.'
	}
	for u >= 100 {
		r := u % 100
		u /= 100
		i -= 2
		buf[i], buf[i+1] = pairs[2*r], pairs[2*r+1]
	}
	if u >= 10 {
		i -= 2
		buf[i], buf[i+1] = pairs[2*u], pairs[2*u+1]
	} else {
		i--
		buf[i] = byte('0' + u)
	}
	if v < 0 {
		i--
		buf[i] = '-'
	}
	return append(b, buf[i:]...)
}

// pairs holds the two decimal digits of 0 through 99.
const pairs = "00010203040506070809" +
	"10111213141516171819" +
	"20212223242526272829" +
	"30313233343536373839" +
	"40414243444546474849" +
	"50515253545556575859" +
	"60616263646566676869" +
	"70717273747576777879" +
	"80818283848586878889" +
	"90919293949596979899"

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
