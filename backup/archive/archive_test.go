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
// once l1 -> "." is followed. The manifest check refuses l2 before anything
// is written (and os.Root would stop the write if it did not).
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
	if !errors.Is(err, ErrInvalidManifest) || !strings.Contains(err.Error(), `"l2"`) {
		t.Fatalf("Extract error = %v, want a refusal naming l2", err)
	}
	assertNothingOutside(t, parent, out)
}

// A chain of links, each of which stays inside when read on its own text,
// must not lead outside once restored: d1/l -> .. is the folder itself, and
// m -> d1/l/.. is then its parent. Backup refuses to archive it, and restore
// refuses an archive that holds it.
func TestLinkChainLeadingOutsideIsRefused(t *testing.T) {
	root := t.TempDir()
	src := filepath.Join(root, "output")
	if err := os.MkdirAll(filepath.Join(src, "d1"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("..", filepath.Join(src, "d1", "l")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("d1/l/..", filepath.Join(src, "m")); err != nil {
		t.Fatal(err)
	}
	if target, err := filepath.EvalSymlinks(filepath.Join(src, "m")); err != nil || target != root {
		t.Fatalf("the fixture's m resolves to %q (%v), want the folder's parent %q", target, err, root)
	}
	_, err := Scan(context.Background(), src, "output", time.Now())
	if !errors.Is(err, ErrUnsupportedFile) || !strings.Contains(err.Error(), `"m"`) {
		t.Fatalf("Scan error = %v, want a refusal naming m", err)
	}

	manifest := []Entry{
		{Path: "d1", Type: TypeDir, Mode: 0o755},
		{Path: "d1/l", Type: TypeSymlink, Mode: 0o777, Link: ".."},
		{Path: "m", Type: TypeSymlink, Mode: 0o777, Link: "d1/l/.."},
	}
	entries := []tarEntry{
		{tar.Header{Name: "d1/", Typeflag: tar.TypeDir, Mode: 0o755}, ""},
		{tar.Header{Name: "d1/l", Typeflag: tar.TypeSymlink, Linkname: ".."}, ""},
		{tar.Header{Name: "m", Typeflag: tar.TypeSymlink, Linkname: "d1/l/.."}, ""},
	}
	parent := t.TempDir()
	out := filepath.Join(parent, "out")
	if err := os.Mkdir(out, 0o700); err != nil {
		t.Fatal(err)
	}
	_, err = Extract(context.Background(), bytes.NewReader(craft(t, manifest, entries)), "chain.tar.gz", out, nil)
	if !errors.Is(err, ErrInvalidManifest) || !strings.Contains(err.Error(), `"m"`) {
		t.Fatalf("Extract error = %v, want a refusal naming m", err)
	}
	if _, err := os.Lstat(filepath.Join(out, "m")); err == nil {
		t.Error("the escaping link was created")
	}
}

func TestCheckLinks(t *testing.T) {
	link := func(p, target string) Entry { return Entry{Path: p, Type: TypeSymlink, Mode: 0o777, Link: target} }
	dir := func(p string) Entry { return Entry{Path: p, Type: TypeDir, Mode: 0o755} }
	tests := []struct {
		name    string
		entries []Entry
		want    string // "" means accepted
	}{
		{"sibling", []Entry{dir("a"), link("a/l", "../b")}, ""},
		{"the folder itself", []Entry{dir("a"), link("a/l", "..")}, ""},
		{"through a link, still inside", []Entry{dir("a"), dir("a/b"), link("x", "a/b"), link("y", "x/..")}, ""},
		{"parent by text", []Entry{link("l", "..")}, "outside"},
		{"parent through a link", []Entry{dir("d1"), link("d1/l", ".."), link("m", "d1/l/..")}, "outside"},
		{"two links deep", []Entry{dir("a"), link("a/up", ".."), link("b", "a/up"), link("c", "b/../..")}, "outside"},
		{"loop", []Entry{link("a", "b"), link("b", "a")}, "loop"},
		{"absolute through a link", []Entry{link("a", "/etc"), link("b", "a/passwd")}, "absolute"},
	}
	for _, tt := range tests {
		err := CheckLinks(tt.entries)
		switch {
		case tt.want == "" && err != nil:
			t.Errorf("%s: %v, want accepted", tt.name, err)
		case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
			t.Errorf("%s: %v, want an error containing %q", tt.name, err, tt.want)
		}
	}
}

// Linux allows any bytes but "/" and NUL in a name. A name that is not
// UTF-8 must come back byte for byte, and two such names that differ only
// in their invalid bytes must stay two names.
func TestNamesThatAreNotUTF8RoundTrip(t *testing.T) {
	src := filepath.Join(t.TempDir(), "output")
	names := []string{"bad\xff.csv", "bad\xfe.csv", "dir\xc3/inner\x80.csv"}
	for i, n := range names {
		p := filepath.Join(src, n)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte{byte('a' + i)}, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Symlink("bad\xff.csv", filepath.Join(src, "link\xff")); err != nil {
		t.Fatal(err)
	}
	m, err := Scan(context.Background(), src, "output", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := Write(context.Background(), &buf, src, m, Options{}); err != nil {
		t.Fatal(err)
	}
	got, err := ReadManifest(bytes.NewReader(buf.Bytes()), "x.tar.gz")
	if err != nil {
		t.Fatal(err)
	}
	if !got.SameContent(m) {
		t.Fatalf("manifest read back differs:\n got %+v\nwant %+v", got.Entries, m.Entries)
	}
	out := filepath.Join(t.TempDir(), "out")
	if err := os.Mkdir(out, 0o700); err != nil {
		t.Fatal(err)
	}
	if _, err := Extract(context.Background(), bytes.NewReader(buf.Bytes()), "x.tar.gz", out, nil); err != nil {
		t.Fatalf("Extract: %v", err)
	}
	for i, n := range names {
		b, err := os.ReadFile(filepath.Join(out, n))
		if err != nil || len(b) != 1 || b[0] != byte('a'+i) {
			t.Errorf("%q restored as %q, %v", n, b, err)
		}
	}
	if l, err := os.Readlink(filepath.Join(out, "link\xff")); err != nil || l != "bad\xff.csv" {
		t.Errorf("link restored as %q, %v", l, err)
	}
}

// A manifest entry whose base64 name does not match its shown name is a
// forgery or damage, not something to guess at.
func TestMismatchedBase64NameIsRefused(t *testing.T) {
	var e Entry
	err := json.Unmarshal([]byte(`{"path":"good.csv","path_base64":"YmFk/y5jc3Y=","type":"file","mode":"0644"}`), &e)
	if err == nil || !strings.Contains(err.Error(), "does not match") {
		t.Fatalf("Unmarshal error = %v, want a mismatch", err)
	}
}

// A crafted archive can declare a manifest of hundreds of MiB that
// compresses to almost nothing; it is refused from its header, before any
// of it is read.
func TestOversizedManifestIsRefusedBeforeReading(t *testing.T) {
	var buf bytes.Buffer
	zw := pgzip.NewWriter(&buf)
	tw := tar.NewWriter(zw)
	const size = 250 << 20
	if err := tw.WriteHeader(&tar.Header{Name: ManifestName, Typeflag: tar.TypeReg, Mode: 0o644, Size: size}); err != nil {
		t.Fatal(err)
	}
	zeros := make([]byte, 1<<20)
	for range size >> 20 {
		tw.Write(zeros)
	}
	tw.Close()
	zw.Close()
	if buf.Len() > 1<<20 {
		t.Fatalf("crafted archive is %d bytes, want a small one", buf.Len())
	}
	_, err := ReadManifest(bytes.NewReader(buf.Bytes()), "bomb.tar.gz")
	if !errors.Is(err, ErrInvalidManifest) || !strings.Contains(err.Error(), "32 MiB") {
		t.Fatalf("ReadManifest error = %v, want a refusal naming the limit", err)
	}
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
