package table

import (
	"bufio"
	"compress/gzip"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"datasynth.dev/verify"
	"github.com/klauspost/compress/zstd"
	"github.com/parquet-go/parquet-go"
)

// CountRecords reads the file at path, written in format ("csv", "json",
// "json_lines" or "parquet", as a run manifest records it), and returns
// its records as the manifest counts them: CSV rows after the header
// (quoted fields may span lines), JSON Lines lines (each one JSON value),
// the elements of a JSON array (1 for a single object), Parquet rows from
// the footer. A text file whose name ends in .gz or .zst is read through
// its compression, every member or frame of it. Reading stops when ctx is
// done. Only regular files are opened: a FIFO would block.
func CountRecords(ctx context.Context, path, format string) (int64, error) {
	st, err := os.Stat(path)
	if err != nil {
		return 0, err
	}
	if !st.Mode().IsRegular() {
		return 0, fmt.Errorf("a %s, not a file", verify.TypeName(st.Mode()))
	}
	f, err := os.Open(path)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	if format == "parquet" {
		pf, err := parquet.OpenFile(f, st.Size(), parquet.SkipPageIndex(true), parquet.SkipBloomFilters(true))
		if err != nil {
			return 0, fmt.Errorf("not a Parquet file: %w", err)
		}
		return pf.NumRows(), nil
	}
	var r io.Reader = bufio.NewReaderSize(ctxReader{ctx, f}, 1<<20)
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

// countLines counts the lines of JSON Lines, each of which must be one JSON
// value; a last line without its newline counts too.
func countLines(r io.Reader) (int64, error) {
	br := bufio.NewReaderSize(r, 1<<16)
	var n int64
	for {
		line, err := br.ReadBytes('\n')
		if len(line) > 0 {
			n++
			if !json.Valid(line) {
				return 0, fmt.Errorf("line %d is not one JSON value", n)
			}
		}
		if err == io.EOF {
			return n, nil
		}
		if err != nil {
			return 0, err
		}
	}
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
		if err := end(dec); err != nil {
			return 0, err
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
	if err := end(dec); err != nil {
		return 0, err
	}
	return n, nil
}

// end checks that nothing but white space follows the JSON value read.
func end(dec *json.Decoder) error {
	if _, err := dec.Token(); err != io.EOF {
		return errors.New("more after the JSON value")
	}
	return nil
}

// ctxReader stops reading when its context is done.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}
