package checksum

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

const (
	sumA = "ca978112ca1bbdcafac231b39a23dc4da786eff8147c4e72b9807785afee48bb" // sha256("a")
	sumB = "3e23e8160039594a33894f6564e1b1348bbd7a0088d42c4acb73eeaed59c009d" // sha256("b")
)

func TestParse(t *testing.T) {
	for _, tc := range []struct {
		name string
		in   string
		want []Entry
	}{
		{"text mode", sumA + "  a.csv\n", []Entry{{"a.csv", sumA, 1}}},
		{"binary mode", sumA + " *a.csv\n", []Entry{{"a.csv", sumA, 1}}},
		{"tagged", "SHA256 (a b.csv) = " + sumA + "\n", []Entry{{"a b.csv", sumA, 1}}},
		{"upper-case digest", strings.ToUpper(sumA) + "  a\n", []Entry{{"a", sumA, 1}}},
		{"dot slash kept", sumA + "  ./dir/a\n" + sumB + "  ./b\n", []Entry{{"./dir/a", sumA, 1}, {"./b", sumB, 2}}},
		{"name with leading space", sumA + "   lead\n", []Entry{{" lead", sumA, 1}}},
		{"escaped newline", `\` + sumA + `  two\nlines` + "\n", []Entry{{"two\nlines", sumA, 1}}},
		{"escaped backslash and cr", `\` + sumA + `  back\\slash\r` + "\n", []Entry{{"back\\slash\r", sumA, 1}}},
		{"escaped tagged", `\SHA256 (a\nb) = ` + sumA + "\n", []Entry{{"a\nb", sumA, 1}}},
		{"tab in name", sumA + "  a\tb\n", []Entry{{"a\tb", sumA, 1}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Parse("sums", strings.NewReader(tc.in))
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("Parse = %+v, want %+v", got, tc.want)
			}
		})
	}
}

func TestParseRejects(t *testing.T) {
	for _, tc := range []struct {
		name string
		in   string
		line int
		want string
	}{
		{"empty file", "", 0, "the file is empty"},
		{"truncated last line", sumA + "  a\n" + sumB[:20], 2, "looks truncated"},
		{"truncated name", sumA + "  a\n" + sumB + "  b", 2, "looks truncated"},
		{"short digest", sumA[:63] + "  a\n", 1, "not 64 hex digits"},
		{"not hex", strings.Repeat("g", 64) + "  a\n", 1, "not 64 hex digits"},
		{"one space", sumA + " a\n", 1, "followed by two spaces"},
		{"no space", sumA + "\n", 1, `is not "<sha256>  <name>"`},
		{"csv given by mistake", "id,amount\n1,2\n", 1, `is not "<sha256>  <name>"`},
		{"blank line", sumA + "  a\n\n", 2, "empty line"},
		{"duplicate", sumA + "  a\n" + sumB + " *a\n", 2, `"a" is listed twice (first on line 1)`},
		{"empty name", sumA + "  \n", 1, "name is empty"},
		{"bad escape", `\` + sumA + `  a\tb` + "\n", 1, "backslash"},
		{"tagged without digest", "SHA256 (a)\n", 1, `without ") = "`},
		{"tagged md5", "MD5 (a) = 0cc175b9c0f1b6a831c399e269772661\n", 1, "this is a MD5 checksum; only SHA-256"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse("sums.txt", strings.NewReader(tc.in))
			var pe *ParseError
			if !errors.As(err, &pe) || !errors.Is(err, ErrInvalid) {
				t.Fatalf("Parse error = %v, want a *ParseError", err)
			}
			if pe.Line != tc.line || pe.Name != "sums.txt" || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Parse error = %q (line %d), want line %d mentioning %q", err, pe.Line, tc.line, tc.want)
			}
		})
	}
}

func TestParseRejectsLongLine(t *testing.T) {
	in := bytes.Repeat([]byte("x"), MaxLineBytes+10)
	_, err := Parse("big.bin", bytes.NewReader(in))
	if err == nil || !strings.Contains(err.Error(), "big.bin:1: line is longer than") {
		t.Fatalf("Parse error = %v, want a too-long line error", err)
	}
}

func TestWriteRoundTrip(t *testing.T) {
	in := []Entry{
		{Name: "plain.csv", SHA256: sumA},
		{Name: "with space.csv", SHA256: sumB},
		{Name: "new\nline", SHA256: sumA},
		{Name: `back\slash`, SHA256: sumB},
		{Name: "car\rriage", SHA256: sumA},
	}
	var buf bytes.Buffer
	if err := Write(&buf, in); err != nil {
		t.Fatal(err)
	}
	got, err := Parse("round", &buf)
	if err != nil {
		t.Fatal(err)
	}
	for i := range got {
		got[i].Line = 0
	}
	if !reflect.DeepEqual(got, in) {
		t.Fatalf("round trip = %+v, want %+v", got, in)
	}
}

// TestReadsGNUOutput checks the parser against what the installed GNU
// sha256sum writes, escaped names included.
func TestReadsGNUOutput(t *testing.T) {
	bin, err := exec.LookPath("sha256sum")
	if err != nil {
		t.Fatalf("this test needs GNU sha256sum (coreutils) on PATH: %v", err)
	}
	dir := t.TempDir()
	files := map[string]string{"a.csv": "a", "sp ace": "b", "new\nline": "a", `back\slash`: "b"}
	var names []string
	for name, content := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		names = append(names, name)
	}
	for _, flags := range [][]string{nil, {"--tag"}, {"--binary"}} {
		cmd := exec.Command(bin, append(flags, names...)...)
		cmd.Dir = dir
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("sha256sum %v: %v", flags, err)
		}
		got, err := Parse("gnu", bytes.NewReader(out))
		if err != nil {
			t.Fatalf("sha256sum %v output: %v\n%s", flags, err, out)
		}
		if len(got) != len(files) {
			t.Fatalf("sha256sum %v: parsed %d entries, want %d", flags, len(got), len(files))
		}
		for _, e := range got {
			sum := sha256.Sum256([]byte(files[e.Name]))
			if e.SHA256 != hex.EncodeToString(sum[:]) {
				t.Errorf("sha256sum %v: %q has %s, want %x", flags, e.Name, e.SHA256, sum)
			}
		}
	}
}
