// Package csvrow appends RFC 4180 CSV fields to a byte slice.
//
// encoding/csv is correct but allocates per record and cannot reuse a
// pre-formatted prefix; the journal-entry writer formats a document header
// once and copies it onto every line, which is most of its speed. This
// package is the small piece of CSV that needs: quoting when a field holds a
// comma, quote, CR or LF, and nothing else.
package csvrow

import (
	"strconv"

	"datasynth.dev/engine/money"
)

// NeedsQuote reports whether s must be quoted in CSV.
func NeedsQuote(s string) bool {
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case ',', '"', '\n', '\r':
			return true
		}
	}
	return false
}

// Field appends s as one CSV field (without separator).
func Field(b []byte, s string) []byte {
	if !NeedsQuote(s) {
		return append(b, s...)
	}
	b = append(b, '"')
	for i := 0; i < len(s); i++ {
		if s[i] == '"' {
			b = append(b, '"')
		}
		b = append(b, s[i])
	}
	return append(b, '"')
}

// Quoted returns s as it must appear in a CSV file.
func Quoted(s string) string { return string(Field(nil, s)) }

// Row builds one record.
type Row struct {
	B     []byte
	start bool
}

// Reset starts a new record, keeping the buffer's memory.
func (r *Row) Reset() { r.B, r.start = r.B[:0], false }

func (r *Row) sep() {
	if r.start {
		r.B = append(r.B, ',')
	}
	r.start = true
}

// Str appends a text field.
func (r *Row) Str(s string) { r.sep(); r.B = Field(r.B, s) }

// Int appends an integer field.
func (r *Row) Int(v int64) { r.sep(); r.B = strconv.AppendInt(r.B, v, 10) }

// Bool appends true or false.
func (r *Row) Bool(v bool) { r.sep(); r.B = strconv.AppendBool(r.B, v) }

// Minor appends an amount held in minor units with the given number of
// fractional digits, such as 123456 with 2 digits as "1234.56".
func (r *Row) Minor(v int64, digits int) { r.sep(); r.B = money.AppendMinor(r.B, v, digits) }

// End terminates the record with a newline.
func (r *Row) End() { r.B = append(r.B, '\n'); r.start = false }

// Header returns a header line for the given column names.
func Header(cols ...string) []byte {
	var r Row
	for _, c := range cols {
		r.Str(c)
	}
	r.End()
	return r.B
}
