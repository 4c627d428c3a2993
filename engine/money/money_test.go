package money

import "testing"

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
	} {
		if got := string(AppendMinor(nil, c.v, c.digits)); got != c.want {
			t.Errorf("AppendMinor(%d, %d) = %s, want %s", c.v, c.digits, got, c.want)
		}
	}
}
