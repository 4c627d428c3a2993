package table

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/klauspost/compress/zstd"
)

func TestCountRecords(t *testing.T) {
	dir := t.TempDir()
	gz := func(parts ...string) []byte {
		var b bytes.Buffer
		for _, p := range parts { // one member each, as the journal's blocks
			w := gzip.NewWriter(&b)
			w.Write([]byte(p))
			w.Close()
		}
		return b.Bytes()
	}
	zst := func(parts ...string) []byte {
		var out []byte
		enc, _ := zstd.NewWriter(nil)
		for _, p := range parts { // one frame each
			out = enc.EncodeAll([]byte(p), out)
		}
		return out
	}
	for _, c := range []struct {
		name, format string
		data         []byte
		want         int64
	}{
		{"a.csv", "csv", []byte("a,b\n1,\"two\nlines\"\n3,4\n"), 2},
		{"header.csv", "csv", []byte("a,b\n"), 0},
		{"a.csv.gz", "csv", gz("a,b\n1,2\n", "3,4\n5,6\n"), 3},
		{"a.jsonl", "json_lines", []byte("{\"a\":1}\n{\"a\":2}"), 2},
		{"a.jsonl.zst", "json_lines", zst("{\"a\":1}\n", "{\"a\":2}\n{\"a\":3}\n"), 3},
		{"a.json", "json", []byte("[\n{\"a\":[1,2]},\n{\"a\":{\"b\":3}}\n]\n"), 2},
		{"empty.json", "json", []byte("[]\n"), 0},
		{"object.json", "json", []byte("{\"checks\":[1,2,3],\"ok\":true}\n"), 1},
	} {
		p := filepath.Join(dir, c.name)
		if err := os.WriteFile(p, c.data, 0o644); err != nil {
			t.Fatal(err)
		}
		got, err := CountRecords(context.Background(), p, c.format)
		if err != nil || got != c.want {
			t.Errorf("%s: %d records, %v; want %d", c.name, got, err, c.want)
		}
	}
	for _, c := range []struct{ name, format, data string }{
		{"bad.csv", "csv", "a,b\n1,\"open\n"},
		{"bad.json", "json", "[{\"a\":1},"},
		{"bad.parquet", "parquet", "PAR1 not really"},
		{"bad.csv.gz", "csv", "plain text"},
		{"x.txt", "text", "x"},
		{"two.json", "json", "[1,2] [3]"},
		{"trailing.json", "json", "{\"a\":1} garbage"},
		{"blank.jsonl", "json_lines", "{\"a\":1}\n\n{\"a\":2}\n"},
		{"text.jsonl", "json_lines", "{\"a\":1}\nnot json\n"},
	} {
		p := filepath.Join(dir, c.name)
		os.WriteFile(p, []byte(c.data), 0o644)
		if n, err := CountRecords(context.Background(), p, c.format); err == nil {
			t.Errorf("%s: counted %d records, want an error", c.name, n)
		}
	}
}

// TestCountRecordsOnlyFiles: a folder or a named pipe where a file should
// be is refused without opening it (opening a pipe would block), and a
// cancelled context stops the reading.
func TestCountRecordsOnlyFiles(t *testing.T) {
	dir := t.TempDir()
	pipe := filepath.Join(dir, "pipe.csv")
	if err := syscall.Mkfifo(pipe, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{dir, pipe} {
		if _, err := CountRecords(context.Background(), p, "csv"); err == nil || !strings.Contains(err.Error(), "not a file") {
			t.Errorf("%s: %v, want not a file", p, err)
		}
	}
	big := filepath.Join(dir, "big.csv")
	os.WriteFile(big, bytes.Repeat([]byte("a,b\n"), 1<<20), 0o644)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := CountRecords(ctx, big, "csv"); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: %v, want context.Canceled", err)
	}
}
