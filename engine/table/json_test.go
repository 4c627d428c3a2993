package table

import (
	"bytes"
	"encoding/json"
	"math/rand/v2"
	"testing"
)

// TestAppendJSONString compares AppendJSONString, whose plain strings skip
// encoding/json, with encoding/json on every byte alone and on random
// strings of bytes that need escaping and bytes that do not.
func TestAppendJSONString(t *testing.T) {
	var cases []string
	for c := range 256 {
		cases = append(cases, string([]byte{'a', byte(c), 'z'}))
	}
	cases = append(cases, "", "U-1000-00042", "A,\"b", "tab\there", "\u2028", "ünï", "<&>")
	r := rand.New(rand.NewPCG(7, 8))
	alphabet := []byte("ab09 -_,.\"\\\n\x01\x7f\xc3\xa9\xff<")
	for range 2000 {
		b := make([]byte, r.IntN(12))
		for i := range b {
			b[i] = alphabet[r.IntN(len(alphabet))]
		}
		cases = append(cases, string(b))
	}
	plain := 0
	for _, s := range cases {
		var buf bytes.Buffer
		enc := json.NewEncoder(&buf)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(s); err != nil {
			t.Fatal(err)
		}
		want := bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
		if got := AppendJSONString([]byte("x"), s); string(got) != "x"+string(want) {
			t.Fatalf("AppendJSONString(%q) = %s, want x%s", s, got, want)
		}
		if PlainJSON(s) {
			plain++
			if string(want) != `"`+s+`"` {
				t.Fatalf("PlainJSON(%q) but encoding/json writes %s", s, want)
			}
		}
	}
	if plain < 100 || plain == len(cases) {
		t.Fatalf("%d of %d strings plain: the test covers too little", plain, len(cases))
	}
}

// TestJSONTables: a JSON table is one array, empty or not, that
// encoding/json reads back with every row.
func TestJSONTables(t *testing.T) {
	cols := []Column{{Name: "id"}, {Name: "n", Kind: Int}}
	for _, rows := range []int{0, 1, 3} {
		var buf bytes.Buffer
		w, err := NewWriter("json", &buf, cols, "", 0)
		if err != nil {
			t.Fatal(err)
		}
		for i := range rows {
			if err := w.Write([]Value{Str("r"), I(int64(i))}); err != nil {
				t.Fatal(err)
			}
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		var got []map[string]any
		if err := json.Unmarshal(buf.Bytes(), &got); err != nil || len(got) != rows {
			t.Errorf("%d rows: %q reads as %d rows, %v", rows, buf.String(), len(got), err)
		}
	}
}
