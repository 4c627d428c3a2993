package money

import (
	"fmt"
	"math/big"
	"slices"
)

// Currency is an ISO 4217 currency: its code, the digits of its minor unit
// and a fixed exchange rate.
type Currency struct {
	Code   string
	Digits int
	// PerUSD is how many units buy one US dollar, an exact decimal. The
	// rates are round figures of the kind seen in 2024: synthetic data
	// needs plausible, fixed rates, not live ones, so that a dataset never
	// depends on the day it was made.
	PerUSD string
}

// currencies holds the active ISO 4217 codes (funds included, precious
// metals and testing codes excluded).
var currencies = []Currency{
	{"AED", 2, "3.6725"}, {"AFN", 2, "70"}, {"ALL", 2, "93"}, {"AMD", 2, "390"}, {"ANG", 2, "1.79"},
	{"AOA", 2, "910"}, {"ARS", 2, "1000"}, {"AUD", 2, "1.53"}, {"AWG", 2, "1.79"}, {"AZN", 2, "1.7"},
	{"BAM", 2, "1.8"}, {"BBD", 2, "2"}, {"BDT", 2, "120"}, {"BGN", 2, "1.8"}, {"BHD", 3, "0.376"},
	{"BIF", 0, "2900"}, {"BMD", 2, "1"}, {"BND", 2, "1.34"}, {"BOB", 2, "6.91"}, {"BOV", 2, "6.91"},
	{"BRL", 2, "5.8"}, {"BSD", 2, "1"}, {"BTN", 2, "84"}, {"BWP", 2, "13.6"}, {"BYN", 2, "3.27"},
	{"BZD", 2, "2"}, {"CAD", 2, "1.39"}, {"CDF", 2, "2850"}, {"CHE", 2, "0.88"}, {"CHF", 2, "0.88"},
	{"CHW", 2, "0.88"}, {"CLF", 4, "0.035"}, {"CLP", 0, "950"}, {"CNY", 2, "7.2"}, {"COP", 2, "4300"},
	{"COU", 2, "11.6"}, {"CRC", 2, "510"}, {"CUP", 2, "24"}, {"CVE", 2, "101"}, {"CZK", 2, "23.5"},
	{"DJF", 0, "178"}, {"DKK", 2, "6.9"}, {"DOP", 2, "60"}, {"DZD", 2, "134"}, {"EGP", 2, "49"},
	{"ERN", 2, "15"}, {"ETB", 2, "120"}, {"EUR", 2, "0.92"}, {"FJD", 2, "2.27"}, {"FKP", 2, "0.79"},
	{"GBP", 2, "0.79"}, {"GEL", 2, "2.75"}, {"GHS", 2, "15.5"}, {"GIP", 2, "0.79"}, {"GMD", 2, "71"},
	{"GNF", 0, "8600"}, {"GTQ", 2, "7.72"}, {"GYD", 2, "209"}, {"HKD", 2, "7.78"}, {"HNL", 2, "25.3"},
	{"HTG", 2, "131"}, {"HUF", 2, "390"}, {"IDR", 2, "15800"}, {"ILS", 2, "3.7"}, {"INR", 2, "84"},
	{"IQD", 3, "1310"}, {"IRR", 2, "42000"}, {"ISK", 0, "138"}, {"JMD", 2, "158"}, {"JOD", 3, "0.709"},
	{"JPY", 0, "150"}, {"KES", 2, "129"}, {"KGS", 2, "86.5"}, {"KHR", 2, "4050"}, {"KMF", 0, "460"},
	{"KPW", 2, "900"}, {"KRW", 0, "1390"}, {"KWD", 3, "0.307"}, {"KYD", 2, "0.833"}, {"KZT", 2, "495"},
	{"LAK", 2, "21900"}, {"LBP", 2, "89500"}, {"LKR", 2, "292"}, {"LRD", 2, "185"}, {"LSL", 2, "18"},
	{"LYD", 3, "4.85"}, {"MAD", 2, "10"}, {"MDL", 2, "18"}, {"MGA", 2, "4650"}, {"MKD", 2, "57"},
	{"MMK", 2, "2100"}, {"MNT", 2, "3400"}, {"MOP", 2, "8"}, {"MRU", 2, "39.7"}, {"MUR", 2, "46.5"},
	{"MVR", 2, "15.4"}, {"MWK", 2, "1735"}, {"MXN", 2, "20"}, {"MXV", 2, "2.44"}, {"MYR", 2, "4.45"},
	{"MZN", 2, "63.9"}, {"NAD", 2, "18"}, {"NGN", 2, "1650"}, {"NIO", 2, "36.8"}, {"NOK", 2, "11"},
	{"NPR", 2, "135"}, {"NZD", 2, "1.7"}, {"OMR", 3, "0.385"}, {"PAB", 2, "1"}, {"PEN", 2, "3.77"},
	{"PGK", 2, "3.97"}, {"PHP", 2, "58.7"}, {"PKR", 2, "278"}, {"PLN", 2, "4.05"}, {"PYG", 0, "7800"},
	{"QAR", 2, "3.64"}, {"RON", 2, "4.7"}, {"RSD", 2, "108"}, {"RUB", 2, "100"}, {"RWF", 0, "1370"},
	{"SAR", 2, "3.75"}, {"SBD", 2, "8.4"}, {"SCR", 2, "13.7"}, {"SDG", 2, "601"}, {"SEK", 2, "10.9"},
	{"SGD", 2, "1.34"}, {"SHP", 2, "0.79"}, {"SLE", 2, "22.7"}, {"SOS", 2, "571"}, {"SRD", 2, "35"},
	{"SSP", 2, "1200"}, {"STN", 2, "22.6"}, {"SVC", 2, "8.75"}, {"SYP", 2, "13000"}, {"SZL", 2, "18"},
	{"THB", 2, "34.5"}, {"TJS", 2, "10.7"}, {"TMT", 2, "3.5"}, {"TND", 3, "3.15"}, {"TOP", 2, "2.36"},
	{"TRY", 2, "34.5"}, {"TTD", 2, "6.78"}, {"TWD", 2, "32.5"}, {"TZS", 2, "2650"}, {"UAH", 2, "41.3"},
	{"UGX", 0, "3670"}, {"USD", 2, "1"}, {"USN", 2, "1"}, {"UYI", 0, "42.5"}, {"UYU", 2, "42.5"},
	{"UYW", 4, "26.5"}, {"UZS", 2, "12800"}, {"VED", 2, "47"}, {"VES", 2, "47"}, {"VND", 0, "25400"},
	{"VUV", 0, "119"}, {"WST", 2, "2.75"}, {"XAF", 0, "605"}, {"XCD", 2, "2.7"}, {"XOF", 0, "605"},
	{"XPF", 0, "110"}, {"YER", 2, "250"}, {"ZAR", 2, "18"}, {"ZMW", 2, "27.5"}, {"ZWG", 2, "26"},
}

var byCode = func() map[string]*Currency {
	m := make(map[string]*Currency, len(currencies))
	for i := range currencies {
		m[currencies[i].Code] = &currencies[i]
	}
	return m
}()

// Lookup returns the currency with an ISO 4217 code.
func Lookup(code string) (Currency, bool) {
	c, ok := byCode[code]
	if !ok {
		return Currency{}, false
	}
	return *c, true
}

// Codes lists every known code, sorted.
func Codes() []string {
	out := make([]string, 0, len(currencies))
	for _, c := range currencies {
		out = append(out, c.Code)
	}
	slices.Sort(out)
	return out
}

// RateScale is the number of decimals of an exchange rate.
const RateScale = 6

// Rate returns the rate that converts an amount in currency from into
// currency to, in millionths, rounded half up: what one unit of from is
// worth in to, from the fixed table. Both codes must be known.
func Rate(from, to string) int64 {
	f, t := byCode[from], byCode[to]
	if f == nil || t == nil {
		panic(fmt.Sprintf("money: rate %s to %s: unknown currency", from, to))
	}
	pf, _ := new(big.Rat).SetString(f.PerUSD)
	pt, _ := new(big.Rat).SetString(t.PerUSD)
	r := new(big.Rat).Quo(pt, pf)
	r.Mul(r, big.NewRat(Pow10(RateScale), 1))
	// Round half up: floor(r + 1/2).
	r.Add(r, big.NewRat(1, 2))
	q := new(big.Int).Quo(r.Num(), r.Denom())
	return q.Int64()
}
