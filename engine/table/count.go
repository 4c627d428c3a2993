package table

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/klauspost/compress/zstd"
	"github.com/parquet-go/parquet-go"
)

// CountRecords reads the file at path, written in format ("csv", "json",
// "json_lines" or "parquet", as a run manifest records it), and returns
// its records as the manifest counts them: CSV rows after the header
// (quoted fields may span lines), JSON Lines lines, the elements of a JSON
// array (1 for a single object), Parquet rows from the footer. A text file
// whose name ends in .gz or .zst is read through its compression, every
// member or frame of it.
func CountRecords(path, format string) (int64, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	if format == "parquet" {
		st, err := f.Stat()
		if err != nil {
			return 0, err
		}
		pf, err := parquet.OpenFile(f, st.Size(), parquet.SkipPageIndex(true), parquet.SkipBloomFilters(true))
		if err != nil {
			return 0, fmt.Errorf("not a Parquet file: %w", err)
		}
		return pf.NumRows(), nil
	}
	var r io.Reader = bufio.NewReaderSize(f, 1<<20)
	switch {
	case strings.HasSuffix(path, ".gz"):
		zr, err := gzip.NewReader(r)
		if err != nil {
			return 0, fmt.Errorf("not gzip: %w", err)
		}
		defer zr.Close()
		r = zr
	case strings.HasSuffix(path, ".zst"):
		zr, err := zstd.NewReader(r, zstd.WithDecoderConcurrency(1))
		if err != nil {
			return 0, err
		}
		defer zr.Close()
		r = zr
	}
	switch format {
	case "csv":
		return countCSV(r)
	case "json_lines":
		return countLines(r)
	case "json":
		return countJSON(r)
	}
	return 0, fmt.Errorf("unknown format %q", format)
}

func countCSV(r io.Reader) (int64, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	var n int64
	for {
		_, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return 0, err
		}
		n++
	}
	if n == 0 {
		return 0, errors.New("no header row")
	}
	return n - 1, nil
}

// countLines counts newline-terminated lines; a last line without its
// newline counts too.
func countLines(r io.Reader) (int64, error) {
	var n int64
	buf := make([]byte, 1<<16)
	last := byte('\n')
	for {
		k, err := r.Read(buf)
		n += int64(bytes.Count(buf[:k], []byte{'\n'}))
		if k > 0 {
			last = buf[k-1]
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			return 0, err
		}
	}
	if last != '\n' {
		n++
	}
	return n, nil
}

func countJSON(r io.Reader) (int64, error) {
	dec := json.NewDecoder(r)
	tok, err := dec.Token()
	if err != nil {
		return 0, err
	}
	if tok != json.Delim('[') {
		var rest json.RawMessage
		if tok == json.Delim('{') {
			// The object's members up to its closing brace.
			for dec.More() {
				if _, err := dec.Token(); err != nil {
					return 0, err
				}
				if err := dec.Decode(&rest); err != nil {
					return 0, err
				}
			}
			if _, err := dec.Token(); err != nil {
				return 0, err
			}
		}
		return 1, nil
	}
	var n int64
	var elem json.RawMessage
	for dec.More() {
		if err := dec.Decode(&elem); err != nil {
			return 0, err
		}
		n++
	}
	if _, err := dec.Token(); err != nil {
		return 0, err
	}
	return n, nil
}
