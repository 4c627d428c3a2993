package masterdata

import (
	"math/big"

	"datasynth.dev/engine/money"
)

// usdScaler converts amounts drawn in US cents into a company currency's
// minor units at money's fixed rate, so that a credit limit or a machine
// costs about as much in yen as in dollars. The arithmetic is exact
// (big.Int) and rounds half up: no float decides an output byte.
type usdScaler struct {
	num, den *big.Int
	tmp, rem big.Int
	half     *big.Int
}

func newUSDScaler(currency string) *usdScaler {
	cur, _ := money.Lookup(currency)
	per, ok := new(big.Rat).SetString(cur.PerUSD)
	if !ok {
		per = big.NewRat(1, 1)
	}
	// minor = cents * perUSD * 10^digits / 100
	f := new(big.Rat).Mul(per, big.NewRat(money.Pow10(cur.Digits), 100))
	s := &usdScaler{num: new(big.Int).Set(f.Num()), den: new(big.Int).Set(f.Denom())}
	s.half = new(big.Int).Rsh(s.den, 1)
	return s
}

// minor returns cents US cents in the company currency's minor units,
// at least 1 when cents is positive.
func (s *usdScaler) minor(cents uint64) int64 {
	s.tmp.SetUint64(cents)
	s.tmp.Mul(&s.tmp, s.num)
	s.tmp.Add(&s.tmp, s.half)
	s.tmp.QuoRem(&s.tmp, s.den, &s.rem)
	v := s.tmp.Int64()
	if v == 0 && cents > 0 {
		v = 1
	}
	return v
}
