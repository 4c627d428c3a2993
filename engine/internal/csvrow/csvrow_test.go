package csvrow

import (
	"encoding/csv"
	"strings"
	"testing"
)

func TestAppendMinor(t *testing.T) {
	for _, c := range []struct {
		v      int64
		digits int
		want   string
	}{
		{0, 2, "0.00"}, {5, 2, "0.05"}, {123456, 2, "1234.56"}, {-100, 2, "-1.00"},
		{7, 0, "7"}, {1001, 3, "1.001"}, {1000, 3, "1.000"}, {99, 3, "0.099"},
	} {
		if got := string(AppendMinor(nil, c.v, c.digits)); got != c.want {
			t.Errorf("AppendMinor(%d, %d) = %q, want %q", c.v, c.digits, got, c.want)
		}
	}
}

// TestRowReadsBackWithEncodingCSV checks our quoting against the standard
// library's reader.
func TestRowReadsBackWithEncodingCSV(t *testing.T) {
	fields := []string{"plain", "with, comma", `with "quote"`, "line\nbreak", "", "cr\rx"}
	var r Row
	for _, f := range fields {
		r.Str(f)
	}
	r.Int(-42)
	r.Bool(true)
	r.Minor(1234, 2)
	r.End()
	got, err := csv.NewReader(strings.NewReader(string(r.B))).Read()
	if err != nil {
		t.Fatal(err)
	}
	want := append(fields, "-42", "true", "12.34")
	// encoding/csv turns \r inside quotes into \r as written.
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Fatalf("read back %q, want %q", got, want)
	}
}
