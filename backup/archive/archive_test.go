package archive

import (
	"archive/tar"
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"datasynth.dev/verify"

	"github.com/klauspost/pgzip"
)

var now = time.Date(2026, 11, 25, 2, 0, 0, 0, time.UTC)

// makeTree builds a small output folder with nested folders, an empty
// folder, a link and files of different modes.
func makeTree(t *testing.T) string {
	t.Helper()
	root := filepath.Join(t.TempDir(), "output")
	files := map[string]string{
		"run_manifest.json":         `{"format":"x"}`,
		"journal/entries.csv":       strings.Repeat("id,amount\n1,2\n", 500),
		"journal/2026/q1/lines.csv": "a,b\n",
		"empty.txt":                 "",
		`odd name\x:1.csv`:          "a,b\n",
	}
	for p, body := range files {
		full := filepath.Join(root, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Chmod(filepath.Join(root, "empty.txt"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(filepath.Join(root, "scratch"), 0o750); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("journal/entries.csv", filepath.Join(root, "latest.csv")); err != nil {
		t.Fatal(err)
	}
	return root
}

func createArchive(t *testing.T, root string) (string, *Manifest) {
	t.Helper()
	ctx := context.Background()
	m, err := Scan(ctx, root, "output", now)
	if err != nil {
		t.Fatal(err)
	}
	dst := filepath.Join(t.TempDir(), "output-2026-11-25.tar.gz")
	info, err := Create(ctx, dst, root, m, 0o640, Options{})
	if err != nil {
		t.Fatal(err)
	}
	sum, n, err := verify.HashFile(dst)
	if err != nil {
		t.Fatal(err)
	}
	if sum != info.SHA256 || n != info.Size {
		t.Fatalf("Create reported %s/%d, file is %s/%d", info.SHA256, info.Size, sum, n)
	}
	return dst, m
}

func TestRoundTrip(t *testing.T) {
	root := makeTree(t)
	dst, m := createArchive(t, root)
	if m.Files != 5 {
		t.Errorf("manifest counts %d files, want 5", m.Files)
	}
	fi, err := os.Stat(dst)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o640 {
		t.Errorf("archive mode %v, want 0640", fi.Mode().Perm())
	}

	f, _ := os.Open(dst)
	defer f.Close()
	got, err := ReadManifest(f, dst)
	if err != nil {
		t.Fatal(err)
	}
	if !got.SameContent(m) {
		t.Errorf("ReadManifest differs from the scanned manifest")
	}

	out := filepath.Join(t.TempDir(), "restored")
	if err := os.Mkdir(out, 0o700); err != nil {
		t.Fatal(err)
	}
	f2, _ := os.Open(dst)
	defer f2.Close()
	var read int64
	if _, err := Extract(context.Background(), f2, dst, out, func(n int64) { read += n }); err != nil {
		t.Fatal(err)
	}
	if read != m.Bytes {
		t.Errorf("progress reported %d bytes, manifest has %d", read, m.Bytes)
	}
	again, err := Scan(context.Background(), out, "output", now)
	if err != nil {
		t.Fatal(err)
	}
	if !again.SameContent(m) {
		a, _ := json.MarshalIndent(again.Entries, "", " ")
		b, _ := json.MarshalIndent(m.Entries, "", " ")
		t.Errorf("restored tree differs:\n%s\nwant\n%s", a, b)
	}
	if _, err := os.Stat(filepath.Join(out, ManifestName)); !os.IsNotExist(err) {
		t.Errorf("manifest leaked into the restored folder: %v", err)
	}
}

func TestScanRefusesSpecialFiles(t *testing.T) {
	tests := []struct {
		name  string
		setup func(root string) error
		want  string
	}{
		{"fifo", func(root string) error { return syscall.Mkfifo(filepath.Join(root, "pipe"), 0o644) }, "named pipe"},
		{"link out", func(root string) error { return os.Symlink("../../etc/passwd", filepath.Join(root, "pw")) }, "outside the folder"},
		{"absolute link", func(root string) error { return os.Symlink("/etc/passwd", filepath.Join(root, "pw")) }, "absolute path"},
		{"reserved name", func(root string) error { return os.WriteFile(filepath.Join(root, ManifestName), nil, 0o644) }, "reserved"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			root := t.TempDir()
			if err := tt.setup(root); err != nil {
				t.Fatal(err)
			}
			_, err := Scan(context.Background(), root, "output", now)
			if !errors.Is(err, ErrUnsupportedFile) || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Scan error = %v, want ErrUnsupportedFile mentioning %q", err, tt.want)
			}
		})
	}
}

func TestWriteDetectsChangedFile(t *testing.T) {
	root := makeTree(t)
	m, err := Scan(context.Background(), root, "output", now)
	if err != nil {
		t.Fatal(err)
	}
	changed := filepath.Join(root, "journal", "2026", "q1", "lines.csv")
	if err := os.WriteFile(changed, []byte("x,y\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	dst := filepath.Join(t.TempDir(), "a.tar.gz")
	_, err = Create(context.Background(), dst, root, m, 0o640, Options{})
	if !errors.Is(err, ErrChanged) || !strings.Contains(err.Error(), "lines.csv") {
		t.Fatalf("Create error = %v, want ErrChanged naming lines.csv", err)
	}
	if entries, _ := os.ReadDir(filepath.Dir(dst)); len(entries) != 0 {
		t.Errorf("failed Create left %d files behind", len(entries))
	}
}

func TestExtractRefusesDamagedArchive(t *testing.T) {
	root := makeTree(t)
	noise := make([]byte, 256<<10)
	rand.Read(noise)
	if err := os.WriteFile(filepath.Join(root, "noise.bin"), noise, 0o644); err != nil {
		t.Fatal(err)
	}
	dst, _ := createArchive(t, root)
	data, err := os.ReadFile(dst)
	if err != nil {
		t.Fatal(err)
	}
	data[len(data)*2/3] ^= 0xff
	out := t.TempDir()
	_, err = Extract(context.Background(), bytes.NewReader(data), "damaged.tar.gz", out, nil)
	if !errors.Is(err, ErrCorrupt) && !errors.Is(err, ErrNotArchive) {
		t.Fatalf("Extract error = %v, want ErrCorrupt", err)
	}
	if !strings.Contains(err.Error(), "damaged.tar.gz") {
		t.Errorf("error %q does not name the archive", err)
	}
}

type tarEntry struct {
	hdr  tar.Header
	body string
}

// craft builds an archive by hand, with a manifest listing manifestEntries
// and tar entries that may disagree with it.
func craft(t *testing.T, manifestEntries []Entry, entries []tarEntry) []byte {
	t.Helper()
	m := Manifest{Format: Format, Kind: "output", CreatedAt: now, Entries: manifestEntries}
	for _, e := range manifestEntries {
		if e.Type == TypeFile {
			m.Files++
			m.Bytes += e.Size
		}
	}
	mj, _ := json.Marshal(m)
	var buf bytes.Buffer
	zw := pgzip.NewWriter(&buf)
	tw := tar.NewWriter(zw)
	all := append([]tarEntry{{tar.Header{Name: ManifestName, Typeflag: tar.TypeReg, Mode: 0o644}, string(mj)}}, entries...)
	for _, e := range all {
		h := e.hdr
		h.Size = int64(len(e.body))
		if err := tw.WriteHeader(&h); err != nil {
			t.Fatal(err)
		}
		if _, err := tw.Write([]byte(e.body)); err != nil {
			t.Fatal(err)
		}
	}
	tw.Close()
	zw.Close()
	return buf.Bytes()
}

const helloSum = "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824"

func TestExtractRefusesUnsafeEntries(t *testing.T) {
	ok := Entry{Path: "a.txt", Type: TypeFile, Mode: 0o644, Size: 5, SHA256: helloSum}
	tests := []struct {
		name     string
		manifest []Entry
		entries  []tarEntry
		want     string
		sentinel error
	}{
		{"dotdot entry", []Entry{ok}, []tarEntry{{tar.Header{Name: "../evil", Typeflag: tar.TypeReg, Mode: 0o644}, "hello"}}, `"../evil"`, ErrUnsafe},
		{"absolute entry", []Entry{ok}, []tarEntry{{tar.Header{Name: "/tmp/evil", Typeflag: tar.TypeReg, Mode: 0o644}, "hello"}}, `"/tmp/evil"`, ErrUnsafe},
		{"unlisted entry", []Entry{ok}, []tarEntry{{tar.Header{Name: "b.txt", Typeflag: tar.TypeReg, Mode: 0o644}, "hello"}}, `"b.txt"`, ErrUnsafe},
		{"device", []Entry{{Path: "dev", Type: TypeFile, Mode: 0o644, SHA256: helloSum}}, []tarEntry{{tar.Header{Name: "dev", Typeflag: tar.TypeChar, Devmajor: 1, Devminor: 3}, ""}}, "character device", ErrUnsafe},
		{"hard link", []Entry{ok, {Path: "h", Type: TypeFile, Mode: 0o644, SHA256: helloSum}}, []tarEntry{{tar.Header{Name: "h", Typeflag: tar.TypeLink, Linkname: "/etc/passwd"}, ""}}, "hard link", ErrUnsafe},
		{"escaping link", []Entry{ok, {Path: "l", Type: TypeSymlink, Mode: 0o777, Link: "x"}}, []tarEntry{{tar.Header{Name: "l", Typeflag: tar.TypeSymlink, Linkname: "../../etc"}, ""}}, `"l"`, ErrUnsafe},
		{"manifest lists traversal", []Entry{{Path: "../evil", Type: TypeFile, Mode: 0o644, Size: 5, SHA256: helloSum}}, nil, `"../evil"`, ErrInvalidManifest},
		{"wrong checksum", []Entry{{Path: "a.txt", Type: TypeFile, Mode: 0o644, Size: 5, SHA256: strings.Repeat("0", 64)}}, []tarEntry{{tar.Header{Name: "a.txt", Typeflag: tar.TypeReg, Mode: 0o644}, "hello"}}, `"a.txt"`, ErrCorrupt},
		{"missing file", []Entry{ok}, nil, `"a.txt"`, ErrCorrupt},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data := craft(t, tt.manifest, tt.entries)
			parent := t.TempDir()
			out := filepath.Join(parent, "out")
			if err := os.Mkdir(out, 0o700); err != nil {
				t.Fatal(err)
			}
			_, err := Extract(context.Background(), bytes.NewReader(data), "evil.tar.gz", out, nil)
			if !errors.Is(err, tt.sentinel) || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Extract error = %v, want %v naming %s", err, tt.sentinel, tt.want)
			}
			assertNothingOutside(t, parent, out)
		})
	}
}

// TestExtractLinkChainStaysInside builds a chain of links that is harmless
// when each is checked on its own (l2 -> l1/.. looks like "."), but escapes
// once l1 -> "." is followed. os.Root must stop the write.
func TestExtractLinkChainStaysInside(t *testing.T) {
	manifest := []Entry{
		{Path: "l1", Type: TypeSymlink, Mode: 0o777, Link: "."},
		{Path: "l2", Type: TypeSymlink, Mode: 0o777, Link: "l1/.."},
		{Path: "l2/evil", Type: TypeFile, Mode: 0o644, Size: 5, SHA256: helloSum},
	}
	entries := []tarEntry{
		{tar.Header{Name: "l1", Typeflag: tar.TypeSymlink, Linkname: "."}, ""},
		{tar.Header{Name: "l2", Typeflag: tar.TypeSymlink, Linkname: "l1/.."}, ""},
		{tar.Header{Name: "l2/evil", Typeflag: tar.TypeReg, Mode: 0o644}, "hello"},
	}
	data := craft(t, manifest, entries)
	parent := t.TempDir()
	out := filepath.Join(parent, "out")
	if err := os.Mkdir(out, 0o700); err != nil {
		t.Fatal(err)
	}
	_, err := Extract(context.Background(), bytes.NewReader(data), "chain.tar.gz", out, nil)
	if err == nil || !strings.Contains(err.Error(), "l2/evil") {
		t.Fatalf("Extract error = %v, want a refusal naming l2/evil", err)
	}
	assertNothingOutside(t, parent, out)
}

func assertNothingOutside(t *testing.T, parent, out string) {
	t.Helper()
	filepath.WalkDir(parent, func(p string, d fs.DirEntry, err error) error {
		if p != parent && p != out && !strings.HasPrefix(p, out+string(filepath.Separator)) {
			t.Errorf("extraction wrote %s outside the target", p)
		}
		return nil
	})
}

func TestModeJSON(t *testing.T) {
	b, err := json.Marshal(Mode(0o640))
	if err != nil || string(b) != `"0640"` {
		t.Fatalf("Marshal = %s, %v", b, err)
	}
	var m Mode
	if err := json.Unmarshal([]byte(`"0755"`), &m); err != nil || m != 0o755 {
		t.Fatalf("Unmarshal = %o, %v", m, err)
	}
	if err := json.Unmarshal([]byte(`"7777"`), &m); err == nil {
		t.Error("Unmarshal accepted set-id bits")
	}
}

func TestScanFiles(t *testing.T) {
	a, b := t.TempDir(), t.TempDir()
	os.WriteFile(filepath.Join(a, "retail.yaml"), []byte("seed: 1\n"), 0o644)
	os.WriteFile(filepath.Join(b, "manufacturing.yaml"), []byte("seed: 42\n"), 0o600)
	os.WriteFile(filepath.Join(b, "retail.yaml"), []byte("seed: 2\n"), 0o644)
	ctx := context.Background()
	files := []string{filepath.Join(a, "retail.yaml"), filepath.Join(b, "manufacturing.yaml")}
	m, err := ScanFiles(ctx, files, "config", now)
	if err != nil {
		t.Fatal(err)
	}
	if m.Files != 2 || m.Entries[0].Path != "manufacturing.yaml" || m.Entries[0].Mode != 0o600 {
		t.Fatalf("manifest = %+v", m)
	}
	dst := filepath.Join(t.TempDir(), "config-2026-11-25.tar.gz")
	if _, err := Create(ctx, dst, "", m, 0o640, Options{}); err != nil {
		t.Fatal(err)
	}
	out := t.TempDir()
	f, _ := os.Open(dst)
	defer f.Close()
	if _, err := Extract(ctx, f, dst, out, nil); err != nil {
		t.Fatal(err)
	}
	got, _ := os.ReadFile(filepath.Join(out, "manufacturing.yaml"))
	if string(got) != "seed: 42\n" {
		t.Errorf("restored config = %q", got)
	}
	_, err = ScanFiles(ctx, append(files, filepath.Join(b, "retail.yaml")), "config", now)
	if err == nil || !strings.Contains(err.Error(), "rename one") {
		t.Errorf("duplicate base names: error = %v", err)
	}
	_, err = ScanFiles(ctx, []string{filepath.Join(a, "missing.yaml")}, "config", now)
	if !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("missing file: error = %v", err)
	}
}
