package ledger

import (
	"bytes"
	"encoding/json"

	"datasynth.dev/engine/internal/csvrow"
	"datasynth.dev/engine/internal/docid"
)

// field is a text value as each format writes it, formatted once: the CSV
// field (quoted where needed) and the JSON string (quoted and escaped by
// encoding/json).
type field struct {
	csv, json string
}

func newField(s string) field { return field{csv: csvrow.Quoted(s), json: jsonString(s)} }

// jsonString returns s as a JSON string literal, without the HTML escaping
// that json.Marshal adds.
func jsonString(s string) string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(s); err != nil {
		panic("ledger: encoding a string as JSON: " + err.Error())
	}
	return string(bytes.TrimSuffix(b.Bytes(), []byte("\n")))
}

// idPrefix writes identifiers made of a fixed prefix and a zero-padded
// number, such as vendor "V-1000-000042" (masterdata.VendorID), without
// building a string per document. The number never needs quoting, so the
// prefix alone decides how the whole value is quoted.
type idPrefix struct {
	raw   string // "V-1000-"
	width int    // minimum digits
	quote bool   // the CSV field must be quoted
	csv   string // the prefix inside a CSV field (quotes doubled when quoted)
	json  string // the prefix inside a JSON string, escaped, without quotes
}

func newIDPrefix(prefix string, width int) idPrefix {
	p := idPrefix{raw: prefix, width: width, quote: csvrow.NeedsQuote(prefix), csv: prefix}
	if p.quote {
		q := csvrow.Quoted(prefix)
		p.csv = q[1 : len(q)-1]
	}
	j := jsonString(prefix)
	p.json = j[1 : len(j)-1]
	return p
}

// appendNumber appends the one-based number of index i, zero-padded.
func (p *idPrefix) appendNumber(b []byte, i int32) []byte {
	return docid.AppendPadded(b, int64(i)+1, p.width)
}

// appendCSV appends the identifier of index i as one CSV field.
func (p *idPrefix) appendCSV(b []byte, i int32) []byte {
	if p.quote {
		b = append(b, '"')
	}
	b = append(b, p.csv...)
	b = p.appendNumber(b, i)
	if p.quote {
		b = append(b, '"')
	}
	return b
}

// appendJSON appends the identifier of index i as a JSON string.
func (p *idPrefix) appendJSON(b []byte, i int32) []byte {
	b = append(b, '"')
	b = append(b, p.json...)
	b = p.appendNumber(b, i)
	return append(b, '"')
}

// appendUUID appends a version-4-shaped UUID built from two random words.
func appendUUID(b []byte, hi, lo uint64) []byte { return docid.AppendUUID(b, hi, lo) }
