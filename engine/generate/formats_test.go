package generate

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"encoding/binary"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"datasynth.dev/engine/ledger"
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/decimal128"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet"
	"github.com/apache/arrow-go/v18/parquet/compress"
	pqfile "github.com/apache/arrow-go/v18/parquet/file"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"
	"github.com/klauspost/compress/zstd"
)

// open returns a reader of a dataset file, decompressed by its extension.
func open(t *testing.T, path string) []byte {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	switch {
	case strings.HasSuffix(path, ".gz"):
		r, err := gzip.NewReader(bytes.NewReader(data)) // reads every member
		if err != nil {
			t.Fatal(err)
		}
		if data, err = io.ReadAll(r); err != nil {
			t.Fatal(err)
		}
	case strings.HasSuffix(path, ".zst"):
		d, err := zstd.NewReader(nil)
		if err != nil {
			t.Fatal(err)
		}
		if data, err = d.DecodeAll(data, nil); err != nil {
			t.Fatal(err)
		}
	}
	return data
}

// readCSVRows reads a CSV file (any compression) as header and rows.
func readCSVRows(t *testing.T, path string) ([]string, [][]string) {
	t.Helper()
	recs, err := csv.NewReader(bytes.NewReader(open(t, path))).ReadAll()
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return recs[0], recs[1:]
}

// readArrowTable opens a Parquet file with Apache Arrow's reader (not the
// library that wrote it) and reads it whole; release frees both.
func readArrowTable(t *testing.T, path string) (rdr *pqfile.Reader, tbl arrow.Table, release func()) {
	t.Helper()
	rdr, err := pqfile.OpenParquetFile(path, false)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	fr, err := pqarrow.NewFileReader(rdr, pqarrow.ArrowReadProperties{}, memory.DefaultAllocator)
	if err != nil {
		rdr.Close()
		t.Fatal(err)
	}
	if tbl, err = fr.ReadTable(context.Background()); err != nil {
		rdr.Close()
		t.Fatalf("%s: %v", path, err)
	}
	return rdr, tbl, func() { tbl.Release(); rdr.Close() }
}

// readParquetRows reads a Parquet file with Apache Arrow's reader (not the
// library that wrote it) and renders every value as the CSV writes it.
func readParquetRows(t *testing.T, path string) ([]string, [][]string) {
	t.Helper()
	_, tbl, release := readArrowTable(t, path)
	defer release()
	var names []string
	for _, f := range tbl.Schema().Fields() {
		names = append(names, f.Name)
	}
	rows := make([][]string, tbl.NumRows())
	for i := range rows {
		rows[i] = make([]string, len(names))
	}
	for c := range names {
		r := 0
		for _, chunk := range tbl.Column(c).Data().Chunks() {
			for i := 0; i < chunk.Len(); i++ {
				rows[r][c] = arrowText(t, chunk, i)
				r++
			}
		}
	}
	return names, rows
}

func arrowText(t *testing.T, a arrow.Array, i int) string {
	if a.IsNull(i) {
		return ""
	}
	switch a := a.(type) {
	case *array.String:
		return a.Value(i)
	case *array.Binary:
		return string(a.Value(i))
	case *array.Boolean:
		return strconv.FormatBool(a.Value(i))
	case *array.Int32:
		return strconv.Itoa(int(a.Value(i)))
	case *array.Int64:
		return strconv.FormatInt(a.Value(i), 10)
	case *array.Date32:
		return a.Value(i).ToTime().Format(time.DateOnly)
	case *array.Decimal128:
		scale := a.DataType().(*arrow.Decimal128Type).Scale
		return decimalText(a.Value(i), scale)
	}
	t.Fatalf("unexpected Arrow type %s", a.DataType())
	return ""
}

// decimalText renders a decimal without trailing zeros beyond the point,
// for comparison with the CSV's currency digits.
func decimalText(v decimal128.Num, scale int32) string {
	s := v.ToString(scale)
	if strings.Contains(s, ".") {
		s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	}
	return s
}

// sameAmount compares CSV text with Parquet text numerically where both
// are decimals ("12.50" and "12.5", "7" and "7").
func sameValue(csvText, pqText string) bool {
	if csvText == pqText {
		return true
	}
	if strings.Contains(csvText, ".") {
		trimmed := strings.TrimRight(strings.TrimRight(csvText, "0"), ".")
		if trimmed == "-0" || trimmed == "" {
			trimmed = "0"
		}
		return trimmed == pqText
	}
	return false
}

// TestFormatsAgree reads every file of the Parquet and JSON reference
// datasets and checks it against the same table in CSV: Parquet row by
// row and value by value through Apache Arrow's reader, JSON Lines and
// JSON by their record counts and the journal's amounts. The manifest's
// record counts must match what is in the files.
func TestFormatsAgree(t *testing.T) {
	cfg := load(t, "testdata/golden/parquet-zstd.yaml")
	cfg.Output.Formats = []string{"parquet", "csv", "json", "json_lines"}
	res := gen(t, cfg, 3)
	counts := map[string]int64{}
	for _, f := range res.Manifest.OutputFiles {
		counts[f.Path] = f.RecordCount
	}
	for _, f := range res.Manifest.OutputFiles {
		if f.Format != "parquet" {
			continue
		}
		base := strings.TrimSuffix(f.Path, ".parquet")
		pqNames, pqRows := readParquetRows(t, filepath.Join(res.Dir, f.Path))
		csvNames, csvRows := readCSVRows(t, filepath.Join(res.Dir, base+".csv.zst"))
		if strings.Join(pqNames, ",") != strings.Join(csvNames, ",") {
			t.Fatalf("%s: Parquet columns %v, CSV %v", base, pqNames, csvNames)
		}
		if len(pqRows) != len(csvRows) || int64(len(pqRows)) != f.RecordCount {
			t.Fatalf("%s: %d Parquet rows, %d CSV rows, manifest %d", base, len(pqRows), len(csvRows), f.RecordCount)
		}
		for i := range pqRows {
			for c := range pqNames {
				if !sameValue(csvRows[i][c], pqRows[i][c]) {
					t.Fatalf("%s row %d %s: Parquet %q, CSV %q", base, i, pqNames[c], pqRows[i][c], csvRows[i][c])
				}
			}
		}
		// JSON Lines: one object per record (per entry for the journal).
		lines := 0
		sc := bufio.NewScanner(bytes.NewReader(open(t, filepath.Join(res.Dir, base+".jsonl.zst"))))
		sc.Buffer(nil, 64<<20)
		for sc.Scan() {
			if !json.Valid(sc.Bytes()) {
				t.Fatalf("%s.jsonl line %d is not JSON", base, lines+1)
			}
			lines++
		}
		var all []json.RawMessage
		if err := json.Unmarshal(open(t, filepath.Join(res.Dir, base+".json.zst")), &all); err != nil {
			t.Fatalf("%s.json: %v", base, err)
		}
		want := int64(len(csvRows))
		if base == "journal_entries" {
			want = res.Manifest.Statistics.JournalEntries
		}
		if int64(lines) != want || int64(len(all)) != want ||
			counts[base+".jsonl.zst"] != want || counts[base+".json.zst"] != want {
			t.Fatalf("%s: %d JSON Lines, %d JSON records, manifest %d/%d, want %d", base, lines, len(all),
				counts[base+".jsonl.zst"], counts[base+".json.zst"], want)
		}
	}
	// The JSON journal nests lines under their document, DataSynth's shape:
	// the lines of the CSV, in order.
	var entries []struct {
		Header map[string]any   `json:"header"`
		Lines  []map[string]any `json:"lines"`
	}
	if err := json.Unmarshal(open(t, filepath.Join(res.Dir, "journal_entries.json.zst")), &entries); err != nil {
		t.Fatal(err)
	}
	_, csvRows := readCSVRows(t, filepath.Join(res.Dir, "journal_entries.csv.zst"))
	next := 0
	for _, e := range entries {
		for _, line := range e.Lines {
			row := csvRows[next]
			next++
			for i, col := range ledger.Columns {
				v, ok := e.Header[col]
				if i >= ledger.HeaderColumns {
					v, ok = line[col]
				}
				got := ""
				if ok && v != nil {
					got = fmt.Sprint(v)
				}
				if got != row[i] {
					t.Fatalf("entry %v %s: JSON %q, CSV %q", e.Header["document_id"], col, got, row[i])
				}
			}
		}
	}
	if next != len(csvRows) {
		t.Fatalf("JSON entries hold %d lines, CSV %d", next, len(csvRows))
	}
}

// TestParquetDefaults checks the Parquet written when no compression is
// configured: every column chunk in zstd, the journal equal to the CSV row
// by row through Apache Arrow's reader, and bounds (chunk statistics) on
// every column, the random identifiers and free text included.
func TestParquetDefaults(t *testing.T) {
	cfg := load(t, "testdata/golden/parquet-default.yaml")
	cfg.Output.Formats = []string{"parquet", "csv"}
	res := gen(t, cfg, 2)
	path := filepath.Join(res.Dir, "journal_entries.parquet")
	names, pqRows := readParquetRows(t, path)
	_, csvRows := readCSVRows(t, filepath.Join(res.Dir, "journal_entries.csv"))
	if len(pqRows) != len(csvRows) || len(pqRows) == 0 {
		t.Fatalf("%d Parquet rows, %d CSV rows", len(pqRows), len(csvRows))
	}
	for i := range pqRows {
		for c := range names {
			if !sameValue(csvRows[i][c], pqRows[i][c]) {
				t.Fatalf("row %d %s: Parquet %q, CSV %q", i, names[c], pqRows[i][c], csvRows[i][c])
			}
		}
	}

	rdr, err := pqfile.OpenParquetFile(path, false)
	if err != nil {
		t.Fatal(err)
	}
	defer rdr.Close()
	md := rdr.MetaData()
	bounded := map[string]bool{"document_id": true, "header_text": true, "line_text": true,
		"posting_date": true, "gl_account": true, "local_amount": true}
	for rg := range md.NumRowGroups() {
		for c := range md.RowGroup(rg).NumColumns() {
			cc, err := md.RowGroup(rg).ColumnChunk(c)
			if err != nil {
				t.Fatal(err)
			}
			name := cc.PathInSchema().String()
			if cc.Compression() != compress.Codecs.Zstd {
				t.Errorf("row group %d %s: compression %v, want zstd", rg, name, cc.Compression())
			}
			if !bounded[name] {
				continue
			}
			stats, err := cc.Statistics()
			if err != nil {
				t.Fatal(err)
			}
			if stats == nil || !stats.HasMinMax() {
				t.Errorf("row group %d %s: no bounds in the chunk statistics", rg, name)
			}
		}
	}
}

// TestParquetPageBounds checks the page index of every Parquet file of a
// dataset with Apache Arrow's reader: each column's column index, where
// the file has one, must bound every value of each page (the pages found
// through the offset index), and mark as null pages only pages of nulls.
// A reader that prunes pages by the column index (Spark, DataFusion) would
// otherwise skip pages holding the values asked for: a page index of empty
// bounds made `document_id = '...'` match nothing.
func TestParquetPageBounds(t *testing.T) {
	cfg := load(t, "testdata/golden/parquet-default.yaml")
	res := gen(t, cfg, 2)
	var files []string
	for _, f := range res.Manifest.OutputFiles {
		if f.Format == "parquet" {
			files = append(files, filepath.Join(res.Dir, filepath.FromSlash(f.Path)))
		}
	}
	if len(files) < 10 {
		t.Fatalf("%d Parquet files, want the journal and the flow tables", len(files))
	}
	kinds := map[parquet.Type]int{}
	for _, path := range files {
		for k, n := range checkPageBounds(t, path) {
			kinds[k] += n
		}
	}
	for _, k := range []parquet.Type{parquet.Types.ByteArray, parquet.Types.Int32, parquet.Types.Int64, parquet.Types.Boolean} {
		if kinds[k] == 0 {
			t.Errorf("no %s page had a column index to check", k)
		}
	}
}

// boundValue is a value of a column as its page bounds order it: text by
// its bytes, integers (dates, decimals' unscaled values, booleans as 0
// and 1) by their signed value.
type boundValue struct {
	null, text bool
	s          string
	i          int64
}

// columnValues reads a column's values with Arrow.
func columnValues(t *testing.T, col *arrow.Column) []boundValue {
	t.Helper()
	var vals []boundValue
	for _, chunk := range col.Data().Chunks() {
		for i := range chunk.Len() {
			if chunk.IsNull(i) {
				vals = append(vals, boundValue{null: true})
				continue
			}
			var v boundValue
			switch a := chunk.(type) {
			case *array.String:
				v.s, v.text = a.Value(i), true
			case *array.Int32:
				v.i = int64(a.Value(i))
			case *array.Date32:
				v.i = int64(a.Value(i))
			case *array.Int64:
				v.i = a.Value(i)
			case *array.Decimal128:
				v.i = int64(a.Value(i).LowBits()) // precision 18 fits
			case *array.Boolean:
				if a.Value(i) {
					v.i = 1
				}
			default:
				t.Fatalf("column %s: unexpected Arrow type %s", col.Name(), chunk.DataType())
			}
			vals = append(vals, v)
		}
	}
	return vals
}

// decodeBound decodes a column-index bound of a physical type (PLAIN
// encoding, as the format stores them).
func decodeBound(t *testing.T, typ parquet.Type, b []byte) boundValue {
	switch typ {
	case parquet.Types.ByteArray:
		return boundValue{s: string(b), text: true}
	case parquet.Types.Int32:
		return boundValue{i: int64(int32(binary.LittleEndian.Uint32(b)))}
	case parquet.Types.Int64:
		return boundValue{i: int64(binary.LittleEndian.Uint64(b))}
	case parquet.Types.Boolean:
		return boundValue{i: int64(b[0])}
	}
	t.Fatalf("unexpected physical type %s", typ)
	return boundValue{}
}

func (v boundValue) less(w boundValue) bool {
	if v.s != w.s {
		return v.s < w.s
	}
	return v.i < w.i
}

func (v boundValue) String() string {
	if v.text {
		return strconv.Quote(v.s)
	}
	return strconv.FormatInt(v.i, 10)
}

// checkPageBounds checks the column index of every column of a file
// against its values and returns the number of pages checked by physical
// type.
func checkPageBounds(t *testing.T, path string) map[parquet.Type]int {
	t.Helper()
	rdr, tbl, release := readArrowTable(t, path)
	defer release()
	md := rdr.MetaData()
	pir := rdr.GetPageIndexReader()
	name := filepath.Base(path)
	checked := map[parquet.Type]int{}
	for c := range md.Schema.NumColumns() {
		typ := md.Schema.Column(c).PhysicalType()
		vals := columnValues(t, tbl.Column(c))
		col := md.Schema.Column(c).Name()
		var start int64 // the row group's first row
		for rg := range md.NumRowGroups() {
			rows := md.RowGroup(rg).NumRows()
			rgr, err := pir.RowGroup(rg)
			if err != nil {
				t.Fatal(err)
			}
			ci, err := rgr.GetColumnIndex(c)
			if err != nil {
				t.Fatalf("%s %s row group %d: %v", name, col, rg, err)
			}
			oi, err := rgr.GetOffsetIndex(c)
			if err != nil {
				t.Fatalf("%s %s row group %d: %v", name, col, rg, err)
			}
			if ci == nil || oi == nil {
				start += rows
				continue
			}
			locs, mins, maxs, nulls := oi.GetPageLocations(), ci.GetMinValues(), ci.GetMaxValues(), ci.GetNullPages()
			for p, loc := range locs {
				end := rows
				if p+1 < len(locs) {
					end = locs[p+1].FirstRowIndex
				}
				var lo, hi boundValue
				if !nulls[p] {
					lo, hi = decodeBound(t, typ, mins[p]), decodeBound(t, typ, maxs[p])
				}
				for r := start + loc.FirstRowIndex; r < start+end; r++ {
					v := vals[r]
					switch {
					case v.null:
					case nulls[p]:
						t.Fatalf("%s %s row %d: %v on a page the column index calls all null", name, col, r, v)
					case v.less(lo) || hi.less(v):
						t.Fatalf("%s %s row %d: %v outside its page's bounds [%v, %v] in the column index", name, col, r, v, lo, hi)
					}
				}
				checked[typ]++
			}
			start += rows
		}
	}
	return checked
}
