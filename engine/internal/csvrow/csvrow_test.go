package csvrow

import (
	"encoding/csv"
	"strings"
	"testing"
)

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
