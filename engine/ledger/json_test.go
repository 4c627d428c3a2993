package ledger

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"datasynth.dev/engine/chart"
	"datasynth.dev/engine/config"
)

// TestEntryEncoderMatchesCSV decodes every JSON entry of generated blocks
// and compares each value with what encoding/csv reads from the same CSV.
func TestEntryEncoderMatchesCSV(t *testing.T) {
	cfg, err := config.Demo()
	if err != nil {
		t.Fatal(err)
	}
	ch, err := chart.Build(cfg.Global.Industry, 100)
	if err != nil {
		t.Fatal(err)
	}
	l := New(cfg, 7, ch)
	var enc EntryEncoder
	var blk Block
	for b := range int64(3) {
		l.Generate(0, b, &blk)
		recs, err := csv.NewReader(bytes.NewReader(blk.CSV)).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		next := 0
		docs := 0
		err = enc.Encode(blk.CSV, func(entry []byte) error {
			docs++
			var doc map[string]any
			dec := json.NewDecoder(bytes.NewReader(entry))
			dec.UseNumber()
			if err := dec.Decode(&doc); err != nil {
				t.Fatalf("invalid JSON %s: %v", entry, err)
			}
			lines := doc["lines"].([]any)
			for _, ln := range lines {
				rec := recs[next]
				next++
				for i, col := range Columns {
					v := doc[col]
					if i >= headerFields {
						v = ln.(map[string]any)[col]
					}
					var got string
					switch x := v.(type) {
					case string:
						got = x
					case json.Number:
						got = x.String()
					case bool:
						got = map[bool]string{true: "true", false: "false"}[x]
					default:
						t.Fatalf("%s: unexpected %T", col, v)
					}
					if got != rec[i] {
						t.Fatalf("%s: JSON %q, CSV %q", col, got, rec[i])
					}
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if next != len(recs) || int64(docs) != blk.Entries {
			t.Fatalf("block %d: %d of %d lines, %d of %d documents", b, next, len(recs), docs, blk.Entries)
		}
	}
}

func TestEntryEncoderQuotedFields(t *testing.T) {
	row := func(doc, text string) string {
		f := []string{doc, "C1", "2024", "1", "2024-01-02", "2024-01-02", "SA", "USD", "1.000000", "R1", text, "U1", "manual", "R2R", "0L", "false", "false",
			"1", "4000", "1.00", "0.00", "1.00", "", "", `Sales, "net"`}
		var b bytes.Buffer
		w := csv.NewWriter(&b)
		if err := w.Write(f); err != nil {
			t.Fatal(err)
		}
		w.Flush()
		return strings.ReplaceAll(b.String(), "\r\n", "\n")
	}
	in := row("d1", "two\nlines, \"quoted\" \u00e9 \u2028") + row("d1", "x") + row("d2", "bad \xff byte")
	var got []map[string]any
	var enc EntryEncoder
	err := enc.Encode([]byte(in), func(e []byte) error {
		var m map[string]any
		if err := json.Unmarshal(e, &m); err != nil {
			return err
		}
		got = append(got, m)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0]["header_text"] != "two\nlines, \"quoted\" \u00e9 \u2028" || len(got[0]["lines"].([]any)) != 2 {
		t.Fatalf("got %v", got)
	}
	if got[1]["header_text"] != "bad \ufffd byte" {
		t.Fatalf("invalid UTF-8: got %q", got[1]["header_text"])
	}
	if l := got[0]["lines"].([]any)[0].(map[string]any); l["line_text"] != `Sales, "net"` || l["line_number"] != 1.0 {
		t.Fatalf("line: %v", l)
	}
}

func TestEntryEncoderRejects(t *testing.T) {
	var enc EntryEncoder
	for _, in := range []string{"a,b\n", `"open` + "\n", "a,b", `"x"y` + "\n"} {
		if err := enc.Encode([]byte(in), func([]byte) error { return nil }); !errors.Is(err, ErrMalformedCSV) {
			t.Errorf("%q: got %v, want ErrMalformedCSV", in, err)
		}
	}
}

func TestAppendJSONStringMatchesEncodingJSON(t *testing.T) {
	for _, s := range []string{"", "plain", "quote\" back\\slash", "ctl \x00\x01\x1f\t\r\n", "ütf-8 ✓", "\u2028\u2029", "<html>&"} {
		want, _ := json.Marshal(s)
		want = bytes.ReplaceAll(want, []byte(`\u003c`), []byte("<"))
		want = bytes.ReplaceAll(want, []byte(`\u003e`), []byte(">"))
		want = bytes.ReplaceAll(want, []byte(`\u0026`), []byte("&"))
		if got := appendJSONString(nil, s); !bytes.Equal(got, want) {
			t.Errorf("%q: got %s, want %s", s, got, want)
		}
	}
}
