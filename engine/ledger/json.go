package ledger

import (
	"errors"
	"fmt"
	"unicode/utf8"
)

// headerFields is the number of document-level columns at the start of
// every journal_entries.csv record; the rest describe the line item.
const headerFields = 17

// jsonKind says how a column is written in JSON: numbers and booleans bare,
// everything else, amounts included, as strings (amounts are exact decimal
// text, which a float would not keep).
type jsonKind uint8

const (
	jsonString jsonKind = iota
	jsonNumber
	jsonBool
)

var columnKinds = map[string]jsonKind{
	"fiscal_year": jsonNumber, "fiscal_period": jsonNumber, "line_number": jsonNumber,
	"is_fraud": jsonBool, "is_anomaly": jsonBool,
}

// jsonKeys holds `"name":` for every column, pre-formatted.
var jsonKeys = func() [][]byte {
	keys := make([][]byte, len(Columns))
	for i, c := range Columns {
		keys[i] = append(appendJSONString(nil, c), ':')
	}
	return keys
}()

// ErrMalformedCSV reports CSV that was not produced by this package.
var ErrMalformedCSV = errors.New("malformed journal-entry CSV")

// EntryEncoder turns the CSV of a Block into one JSON object per journal
// entry (document): the header fields by their CSV names, then "lines", an
// array of the line items. Amounts and the exchange rate are strings holding
// the exact decimal of the CSV; fiscal_year, fiscal_period and line_number
// are numbers; is_fraud and is_anomaly are booleans. The zero value is ready
// to use; an EntryEncoder reuses its memory between blocks and is not safe
// for concurrent use.
type EntryEncoder struct {
	fields [][]byte
	buf    []byte
	obj    []byte
}

// Encode calls emit with the JSON object of each document of csv, in order.
// The slice passed to emit is reused after emit returns.
func (e *EntryEncoder) Encode(csv []byte, emit func(entry []byte) error) error {
	var doc []byte // document_id of the open object
	open := false
	for len(csv) > 0 {
		var err error
		e.fields, csv, err = e.record(csv)
		if err != nil {
			return err
		}
		if len(e.fields) != len(Columns) {
			return fmt.Errorf("%w: a record has %d fields, want %d", ErrMalformedCSV, len(e.fields), len(Columns))
		}
		if !open || string(e.fields[0]) != string(doc) {
			if open {
				e.obj = append(e.obj, "]}"...)
				if err := emit(e.obj); err != nil {
					return err
				}
			}
			doc = append(doc[:0], e.fields[0]...)
			open = true
			e.obj = append(e.obj[:0], '{')
			for i := range headerFields {
				if i > 0 {
					e.obj = append(e.obj, ',')
				}
				e.obj = appendValue(e.obj, i, e.fields[i])
			}
			e.obj = append(e.obj, `,"lines":[`...)
		} else {
			e.obj = append(e.obj, ',')
		}
		e.obj = append(e.obj, '{')
		for i := headerFields; i < len(Columns); i++ {
			if i > headerFields {
				e.obj = append(e.obj, ',')
			}
			e.obj = appendValue(e.obj, i, e.fields[i])
		}
		e.obj = append(e.obj, '}')
	}
	if open {
		e.obj = append(e.obj, "]}"...)
		return emit(e.obj)
	}
	return nil
}

func appendValue(b []byte, col int, v []byte) []byte {
	b = append(b, jsonKeys[col]...)
	switch columnKinds[Columns[col]] {
	case jsonNumber:
		if isDigits(v) {
			return append(b, v...)
		}
	case jsonBool:
		if string(v) == "true" || string(v) == "false" {
			return append(b, v...)
		}
	}
	return appendJSONString(b, string(v))
}

func isDigits(v []byte) bool {
	if len(v) == 0 || len(v) > 18 {
		return false
	}
	for _, c := range v {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// record splits the first CSV record off data. Fields are slices of data,
// or of e.buf for quoted fields that needed unescaping.
func (e *EntryEncoder) record(data []byte) ([][]byte, []byte, error) {
	fields := e.fields[:0]
	e.buf = e.buf[:0]
	i := 0
	for {
		if i < len(data) && data[i] == '"' {
			start := len(e.buf)
			i++
			for {
				j := i
				for j < len(data) && data[j] != '"' {
					j++
				}
				if j == len(data) {
					return nil, nil, fmt.Errorf("%w: unterminated quoted field", ErrMalformedCSV)
				}
				e.buf = append(e.buf, data[i:j]...)
				if j+1 < len(data) && data[j+1] == '"' {
					e.buf = append(e.buf, '"')
					i = j + 2
					continue
				}
				i = j + 1
				break
			}
			// If e.buf grows into a new array, the old one keeps these
			// bytes unchanged, so the slice stays valid for this record.
			fields = append(fields, e.buf[start:len(e.buf):len(e.buf)])
		} else {
			j := i
			for j < len(data) && data[j] != ',' && data[j] != '\n' {
				j++
			}
			fields = append(fields, data[i:j:j])
			i = j
		}
		if i == len(data) {
			return nil, nil, fmt.Errorf("%w: a record does not end in a newline", ErrMalformedCSV)
		}
		switch data[i] {
		case ',':
			i++
		case '\n':
			return fields, data[i+1:], nil
		default:
			return nil, nil, fmt.Errorf("%w: unexpected %q after a quoted field", ErrMalformedCSV, data[i])
		}
	}
}

const hexDigits16 = "0123456789abcdef"

// appendJSONString appends s as a JSON string, as encoding/json would,
// without its HTML escaping: invalid UTF-8 becomes U+FFFD.
func appendJSONString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hexDigits16[c>>4], hexDigits16[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hexDigits16[r&0xf])
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}
