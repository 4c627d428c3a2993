package money

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

func TestPow10(t *testing.T) {
	want := int64(1)
	for n := 0; n <= MaxPow10; n++ {
		if got := Pow10(n); got != want {
			t.Fatalf("Pow10(%d) = %d, want %d", n, got, want)
		}
		want *= 10
	}
}

func TestAppendMinor(t *testing.T) {
	for _, c := range []struct {
		v      int64
		digits int
		want   string
	}{
		{123456, 2, "1234.56"}, {5, 2, "0.05"}, {-5, 3, "-0.005"}, {0, 2, "0.00"}, {42, 0, "42"},
		{-100, 2, "-1.00"}, {7, 0, "7"}, {1001, 3, "1.001"}, {99, 3, "0.099"}, {1000, 3, "1.000"}, {9_223_372_036_854_775_807, 4, "922337203685477.5807"},
		{-9_223_372_036_854_775_808, 4, "-922337203685477.5808"}, {-9_223_372_036_854_775_808, 18, "-9.223372036854775808"},
		{123, 6, "0.000123"}, {-1_234_567, 6, "-1.234567"}, {10, 1, "1.0"}, {-99, 1, "-9.9"},
	} {
		if got := string(AppendMinor(nil, c.v, c.digits)); got != c.want {
			t.Errorf("AppendMinor(%d, %d) = %s, want %s", c.v, c.digits, got, c.want)
		}
	}
}

// TestAppendMinorRandom compares AppendMinor with fmt on random amounts of
// every size and 0 to 18 digits.
func TestAppendMinorRandom(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for range 20000 {
		v := r.Int64() >> r.IntN(64)
		if r.IntN(2) == 0 {
			v = -v
		}
		digits := r.IntN(MaxPow10 + 1)
		u, sign := uint64(v), ""
		if v < 0 {
			u, sign = -u, "-"
		}
		p := uint64(Pow10(digits))
		want := fmt.Sprintf("%s%d.%0*d", sign, u/p, digits, u%p)
		if digits == 0 {
			want = fmt.Sprintf("%d", v)
		}
		if got := string(AppendMinor([]byte{}, v, digits)); got != want {
			t.Fatalf("AppendMinor(%d, %d) = %s, want %s", v, digits, got, want)
		}
	}
}

func TestCurrencies(t *testing.T) {
	seen := map[string]bool{}
	for _, c := range currencies {
		if len(c.Code) != 3 || seen[c.Code] || c.Digits < 0 || c.Digits > 4 {
			t.Errorf("bad entry %+v", c)
		}
		seen[c.Code] = true
		if Rate(c.Code, c.Code) != Pow10(RateScale) {
			t.Errorf("%s to itself: %d", c.Code, Rate(c.Code, c.Code))
		}
		if Rate(c.Code, "USD") <= 0 {
			t.Errorf("%s to USD rounds to 0", c.Code)
		}
	}
	for _, c := range []struct {
		from, to string
		want     int64
	}{{"EUR", "USD", 1_086_957}, {"USD", "EUR", 920_000}, {"JPY", "USD", 6_667}, {"USD", "JPY", 150_000_000}, {"KWD", "JPY", 488_599_349}} {
		if got := Rate(c.from, c.to); got != c.want {
			t.Errorf("Rate(%s, %s) = %d, want %d", c.from, c.to, got, c.want)
		}
	}
	if c, ok := Lookup("TRY"); !ok || c.Digits != 2 {
		t.Fatal("TRY missing")
	}
	if _, ok := Lookup("XXX"); ok {
		t.Fatal("XXX known")
	}
}

func TestMulDiv(t *testing.T) {
	for _, c := range []struct{ a, b, d, want int64 }{
		{10, 3, 4, 7},
		{1 << 62, 4, 8, 1 << 61},
		{1 << 62, 1 << 62, 1, 1<<63 - 1}, // saturates
		{0, 5, 3, 0},
	} {
		if got := MulDiv(c.a, c.b, c.d); got != c.want {
			t.Errorf("MulDiv(%d, %d, %d) = %d, want %d", c.a, c.b, c.d, got, c.want)
		}
	}
}
