// Package table writes rows of typed values in every output format: CSV,
// JSON (one array), JSON Lines and Parquet. A table is a list of columns,
// each with a kind; a row is one Value per column. The same rows give the
// same values in every format: CSV and JSON hold their exact text, Parquet
// their typed form (dates as DATE, amounts as DECIMAL(18,4), exchange
// rates as DECIMAL(18,6), booleans as BOOLEAN, integers as INT64, text as
// UTF-8 strings, a missing optional value as null).
//
// Tables with few rows (chart, master data, labels) use it directly; the
// journal, which has most of the rows, has encoders of its own in package
// ledger built on the same conventions.
package table

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"reflect"
	"strconv"
	"time"
	"unsafe"

	"datasynth.dev/engine/internal/csvrow"
	"datasynth.dev/engine/money"
	"github.com/parquet-go/parquet-go"
)

// Kind is the type of a column.
type Kind uint8

const (
	Text   Kind = iota // a string
	Int                // a whole number
	Bool               // true or false
	Date               // days since 1970-01-01, written YYYY-MM-DD
	Amount             // minor units with Digits fractional digits
	JSON               // JSON text: a value in JSON, a string elsewhere
	Rate               // an exchange rate in millionths, written with six decimals
)

// AmountScale is the scale of every DECIMAL column in Parquet: four
// fractional digits hold every ISO 4217 currency's minor unit.
const AmountScale = 4

// Column is one column of a table.
type Column struct {
	Name string
	Kind Kind
	// Optional columns may hold Null values (empty in CSV, null in JSON
	// and Parquet).
	Optional bool
}

// Value is one cell. Int holds Int, Bool (0 or 1), Date and Amount values.
type Value struct {
	Str    string
	Int    int64
	Digits int8
	Null   bool
}

// Str, I, B, D, A and Null make values.
func Str(s string) Value              { return Value{Str: s} }
func I(v int64) Value                 { return Value{Int: v} }
func D(days int32) Value              { return Value{Int: int64(days)} }
func A(minor int64, digits int) Value { return Value{Int: minor, Digits: int8(digits)} }
func Null() Value                     { return Value{Null: true} }
func R(micro int64) Value             { return Value{Int: micro} }
func B(v bool) Value {
	if v {
		return Value{Int: 1}
	}
	return Value{}
}

// OptStr is Str, or Null for "".
func OptStr(s string) Value {
	if s == "" {
		return Null()
	}
	return Str(s)
}

var epoch = time.Date(1970, 1, 1, 0, 0, 0, 0, time.UTC)

// Days returns t as days since 1970-01-01.
func Days(t time.Time) int32 { return int32(t.Sub(epoch).Hours() / 24) }

// AppendDate appends day (days since 1970-01-01) as YYYY-MM-DD, for years
// 0..9999, with integer arithmetic only (the civil-from-days algorithm of
// the proleptic Gregorian calendar).
func AppendDate(b []byte, day int64) []byte {
	z := day + 719468
	era := z / 146097
	if z < 0 {
		era = (z - 146096) / 146097
	}
	doe := z - era*146097
	yoe := (doe - doe/1460 + doe/36524 - doe/146096) / 365
	y := yoe + era*400
	doy := doe - (365*yoe + yoe/4 - yoe/100)
	mp := (5*doy + 2) / 153
	d := doy - (153*mp+2)/5 + 1
	m := mp + 3
	if m > 12 {
		m -= 12
	}
	if m <= 2 {
		y++
	}
	if y < 0 || y > 9999 {
		return epoch.AddDate(0, 0, int(day)).AppendFormat(b, time.DateOnly)
	}
	return append(b, byte('0'+y/1000), byte('0'+y/100%10), byte('0'+y/10%10), byte('0'+y%10), '-',
		byte('0'+m/10), byte('0'+m%10), '-', byte('0'+d/10), byte('0'+d%10))
}

// AppendText appends the text of v as CSV and JSON strings hold it.
func AppendText(b []byte, k Kind, v Value) []byte {
	switch k {
	case Int:
		return strconv.AppendInt(b, v.Int, 10)
	case Bool:
		return strconv.AppendBool(b, v.Int != 0)
	case Date:
		return AppendDate(b, v.Int)
	case Amount:
		return money.AppendMinor(b, v.Int, int(v.Digits))
	case Rate:
		return money.AppendMinor(b, v.Int, money.RateScale)
	}
	return append(b, v.Str...)
}

// Writer writes the rows of one table to one file.
type Writer interface {
	// Write writes one row; it may keep a reference to nothing in it.
	Write(row []Value) error
	// Close writes what the format needs at the end (it does not close
	// the underlying writer).
	Close() error
	// Rows is the number of rows written.
	Rows() int64
}

// NewWriter returns a Writer of format (csv, json, json_lines, parquet) for
// the columns. codec is Parquet's page compression ("" for none).
func NewWriter(format string, w io.Writer, cols []Column, codec string, level int) (Writer, error) {
	switch format {
	case "csv":
		tw := &textWriter{w: w, cols: cols, format: format}
		tw.buf = csvrow.Header(columnNames(cols)...)
		return tw, nil
	case "json":
		return &textWriter{w: w, cols: cols, format: format, buf: []byte("[\n")}, nil
	case "json_lines":
		return &textWriter{w: w, cols: cols, format: format}, nil
	case "parquet":
		return newParquetWriter(w, cols, codec, level)
	}
	return nil, fmt.Errorf("table: unknown format %q", format)
}

// Names returns the column names.
func Names(cols []Column) []string { return columnNames(cols) }

func columnNames(cols []Column) []string {
	out := make([]string, len(cols))
	for i, c := range cols {
		out[i] = c.Name
	}
	return out
}

// textWriter writes CSV, JSON and JSON Lines.
type textWriter struct {
	w      io.Writer
	cols   []Column
	format string
	buf    []byte
	rows   int64
	keys   [][]byte // `"name":` per column, for JSON
}

func (t *textWriter) Rows() int64 { return t.rows }

func (t *textWriter) Write(row []Value) error {
	b := t.buf
	switch t.format {
	case "csv":
		b = AppendCSV(b, t.cols, row)
	default:
		if t.format == "json" && t.rows > 0 {
			b = append(b, ",\n"...)
		}
		b = t.appendObject(b, row)
		if t.format == "json_lines" {
			b = append(b, '\n')
		}
	}
	t.rows++
	t.buf = b[:0]
	_, err := t.w.Write(b)
	return err
}

// AppendCSV appends a row as one CSV record, newline included.
func AppendCSV(b []byte, cols []Column, row []Value) []byte {
	for i, c := range cols {
		if i > 0 {
			b = append(b, ',')
		}
		v := row[i]
		if v.Null {
			continue
		}
		if c.Kind == Text || c.Kind == JSON {
			b = csvrow.Field(b, v.Str)
		} else {
			b = AppendText(b, c.Kind, v)
		}
	}
	return append(b, '\n')
}

// appendObject appends a row as a JSON object, keys in column order.
func (t *textWriter) appendObject(b []byte, row []Value) []byte {
	if t.keys == nil {
		t.keys = JSONKeys(t.cols)
	}
	return AppendObject(b, t.cols, t.keys, row)
}

// JSONKeys returns the `"name":` prefix of each column, for AppendObject.
func JSONKeys(cols []Column) [][]byte {
	keys := make([][]byte, len(cols))
	for i, c := range cols {
		keys[i] = append(AppendJSONString(nil, c.Name), ':')
	}
	return keys
}

// AppendObject appends a row as the JSON object that the json and
// json_lines formats write, keys (from JSONKeys) in column order.
func AppendObject(b []byte, cols []Column, keys [][]byte, row []Value) []byte {
	b = append(b, '{')
	for i, c := range cols {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, keys[i]...)
		v := row[i]
		switch {
		case v.Null:
			b = append(b, "null"...)
		case c.Kind == Int || c.Kind == Bool:
			b = AppendText(b, c.Kind, v)
		case c.Kind == JSON:
			b = append(b, v.Str...)
		case c.Kind == Text:
			b = AppendJSONString(b, v.Str)
		default: // dates and exact amounts are strings
			b = append(b, '"')
			b = AppendText(b, c.Kind, v)
			b = append(b, '"')
		}
	}
	return append(b, '}')
}

func (t *textWriter) Close() error {
	if t.format == "csv" && t.rows == 0 {
		// An empty table still has its header.
		_, err := t.w.Write(t.buf)
		return err
	}
	if t.format == "json" {
		// The opening "[\n" goes out with the first row; an empty table
		// is an empty array.
		end := "[]\n"
		if t.rows > 0 {
			end = "\n]\n"
		}
		_, err := io.WriteString(t.w, end)
		return err
	}
	return nil
}

// parquetWriter writes rows to a Parquet file whose schema follows the
// columns, in their order. Rows are converted to Parquet values as they
// come and handed to the library parquetBatch at a time: its WriteRows
// costs about as much for one row as for a batch.
type parquetWriter struct {
	w    *parquet.GenericWriter[any]
	cols []Column
	// batch holds the rows not yet written; each row's values are reused.
	batch []parquet.Row
	n     int
	rows  int64
}

// parquetBatch is the number of rows parquetWriter hands to the library at
// once: the library's own chunk (it checks whether to cut a column's page
// once per 64 rows of a call), so a larger batch would save nothing more.
const parquetBatch = 64

// Schema returns the Parquet schema of the columns, fields in column order.
func Schema(name string, cols []Column) *parquet.Schema {
	fields := make([]reflect.StructField, len(cols))
	for i, c := range cols {
		var typ reflect.Type
		tag := c.Name
		switch c.Kind {
		case Int:
			typ = reflect.TypeFor[int64]()
		case Bool:
			typ = reflect.TypeFor[bool]()
		case Date:
			typ, tag = reflect.TypeFor[int32](), tag+",date"
		case Amount:
			typ, tag = reflect.TypeFor[int64](), tag+fmt.Sprintf(",decimal(%d:18)", AmountScale)
		case Rate:
			typ, tag = reflect.TypeFor[int64](), tag+fmt.Sprintf(",decimal(%d:18)", money.RateScale)
		default:
			typ = reflect.TypeFor[string]()
		}
		if c.Optional {
			tag += ",optional"
		}
		fields[i] = reflect.StructField{Name: fmt.Sprintf("F%d", i), Type: typ, Tag: reflect.StructTag(`parquet:"` + tag + `"`)}
	}
	return parquet.NewSchema(name, parquet.SchemaOf(reflect.New(reflect.StructOf(fields)).Interface()))
}

func newParquetWriter(w io.Writer, cols []Column, codec string, level int) (*parquetWriter, error) {
	opts, err := ParquetOptions(codec, level)
	if err != nil {
		return nil, err
	}
	opts = append(opts, Schema("row", cols))
	batch := make([]parquet.Row, parquetBatch)
	for i := range batch {
		batch[i] = make(parquet.Row, len(cols))
	}
	return &parquetWriter{w: parquet.NewGenericWriter[any](w, opts...), cols: cols, batch: batch}, nil
}

func (p *parquetWriter) Rows() int64 { return p.rows }

// Write converts row to Parquet values. Text values refer to the bytes of
// their strings rather than a copy: strings never change, and the library
// copies the bytes into its column buffers when the batch is written.
func (p *parquetWriter) Write(row []Value) error {
	r := p.batch[p.n]
	for i, c := range p.cols {
		v := row[i]
		var pv parquet.Value
		switch {
		case v.Null:
			// A null's definition level is 0, the zero Value's.
			r[i] = parquet.NullValue()
			r[i].SetColumnIndex(i)
			continue
		case c.Kind == Int:
			pv = parquet.Int64Value(v.Int)
		case c.Kind == Bool:
			pv = parquet.BooleanValue(v.Int != 0)
		case c.Kind == Date:
			pv = parquet.Int32Value(int32(v.Int))
		case c.Kind == Amount:
			pv = parquet.Int64Value(v.Int * money.Pow10(AmountScale-int(v.Digits)))
		case c.Kind == Rate:
			pv = parquet.Int64Value(v.Int)
		default:
			pv = parquet.ByteArrayValue(unsafe.Slice(unsafe.StringData(v.Str), len(v.Str)))
		}
		if c.Optional {
			pv.SetDefinitionLevel(1)
		}
		pv.SetColumnIndex(i)
		r[i] = pv
	}
	p.rows++
	if p.n++; p.n == len(p.batch) {
		return p.flush()
	}
	return nil
}

// flush writes the batched rows.
func (p *parquetWriter) flush() error {
	if p.n == 0 {
		return nil
	}
	_, err := p.w.WriteRows(p.batch[:p.n])
	p.n = 0
	return err
}

func (p *parquetWriter) Close() error {
	if err := p.flush(); err != nil {
		return err
	}
	return p.w.Close()
}

// AppendJSONString appends s as a JSON string, as encoding/json writes it
// but without its HTML escaping. Most strings are plain (PlainJSON) and
// are copied between quotes; the others go through encoding/json.
func AppendJSONString(b []byte, s string) []byte {
	if PlainJSON(s) {
		return append(append(append(b, '"'), s...), '"')
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(s); err != nil {
		panic("table: encoding a string as JSON: " + err.Error())
	}
	return append(b, bytes.TrimSuffix(buf.Bytes(), []byte("\n"))...)
}

// PlainJSON reports whether s stands in a JSON string as it is: printable
// ASCII without quote or backslash, which encoding/json (HTML escaping
// off) never escapes.
func PlainJSON(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c > 0x7e || c == '"' || c == '\\' {
			return false
		}
	}
	return true
}
