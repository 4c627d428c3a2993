package verify

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"datasynth.dev/verify/manifest"
)

// writeTree creates files under dir; a value starting with "->" makes a
// symbolic link to the rest of the value.
func writeTree(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, content := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		var err error
		if target, ok := strings.CutPrefix(content, "->"); ok {
			err = os.Symlink(target, p)
		} else {
			err = os.WriteFile(p, []byte(content), 0o644)
		}
		if err != nil {
			t.Fatal(err)
		}
	}
}

func open(t *testing.T, name, role string) *Source {
	t.Helper()
	s, err := Open(name, role, Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func compareDirs(t *testing.T, a, b string) *Report {
	t.Helper()
	r, err := Compare(context.Background(), open(t, a, "ORIGINAL"), open(t, b, "RECOVERED"), Options{Workers: 2})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// statuses maps each path of r to its status, for compact assertions.
func statuses(r *Report) map[string]Status {
	m := map[string]Status{}
	for _, f := range r.Files {
		m[f.Path] = f.Status
	}
	return m
}

func assertStatuses(t *testing.T, r *Report, want map[string]Status) {
	t.Helper()
	got := statuses(r)
	if len(got) != len(want) {
		t.Errorf("got %d paths %v, want %d %v", len(got), got, len(want), want)
	}
	for p, s := range want {
		if got[p] != s {
			t.Errorf("%s: status %q, want %q", p, got[p], s)
		}
	}
}

func text(t *testing.T, r *Report, verbose bool) string {
	t.Helper()
	var buf bytes.Buffer
	if err := r.WriteText(&buf, verbose); err != nil {
		t.Fatal(err)
	}
	return buf.String()
}

func TestCompareIdenticalIgnoresModTimes(t *testing.T) {
	a, b := t.TempDir(), t.TempDir()
	files := map[string]string{"a.csv": "a", "master_data/vendors.csv": "vendors", "deep/er/x": "", "link": "->a.csv"}
	writeTree(t, a, files)
	writeTree(t, b, files)
	old := time.Date(2001, 1, 1, 0, 0, 0, 0, time.UTC)
	if err := os.Chtimes(filepath.Join(b, "a.csv"), old, old); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(filepath.Join(b, "master_data", "vendors.csv"), 0o600); err != nil {
		t.Fatal(err)
	}
	r := compareDirs(t, a, b)
	if !r.Identical() {
		t.Fatalf("not identical:\n%s", text(t, r, true))
	}
	assertStatuses(t, r, map[string]Status{"a.csv": Identical, "master_data/vendors.csv": Identical, "deep/er/x": Identical, "link": Identical})
	if got := text(t, r, false); got != "identical: 4 files compared\n" {
		t.Fatalf("text output = %q", got)
	}
	if r.FilesHashed != 6 {
		t.Errorf("hashed %d files, want 6 (3 regular files on each side)", r.FilesHashed)
	}
}

func TestCompareDifferences(t *testing.T) {
	a, b := t.TempDir(), t.TempDir()
	writeTree(t, a, map[string]string{
		"same.csv": "same", "content.csv": "aaaa", "size.csv": "short", "gone.csv": "x",
		"sub/nested.csv": "1", "link": "->same.csv", "kind": "file", "with space.csv": "a",
	})
	writeTree(t, b, map[string]string{
		"same.csv": "same", "content.csv": "aaab", "size.csv": "longer", "new.csv": "y",
		"sub/nested.csv": "2", "link": "->content.csv", "kind": "->same.csv", "with space.csv": "b",
	})
	r := compareDirs(t, a, b)
	assertStatuses(t, r, map[string]Status{
		"same.csv": Identical, "content.csv": Different, "size.csv": Different, "gone.csv": Missing,
		"new.csv": Extra, "sub/nested.csv": Different, "link": Different, "kind": Different, "with space.csv": Different,
	})
	for _, f := range r.Files {
		if f.Path == "size.csv" && (f.Left.SHA256 != "" || f.Right.SHA256 != "") {
			t.Errorf("size.csv was hashed although its sizes differ")
		}
	}
	want := strings.Join([]string{
		"* content.csv (same size 4 bytes, different content)",
		"- gone.csv",
		"* kind (ORIGINAL: regular file of 4 bytes, RECOVERED: symbolic link to same.csv)",
		"* link (ORIGINAL: symbolic link to same.csv, RECOVERED: symbolic link to content.csv)",
		"+ new.csv",
		"* size.csv (ORIGINAL 5 bytes, RECOVERED 6 bytes)",
		"* sub/nested.csv (same size 1 byte, different content)",
		`* "with space.csv" (same size 1 byte, different content)`,
		"different: 9 files compared, 1 identical, 6 different, 1 only in ORIGINAL, 1 only in RECOVERED, 0 unreadable",
		"",
	}, "\n")
	if got := text(t, r, false); got != want {
		t.Fatalf("text output:\n%s\nwant:\n%s", got, want)
	}
	if got := text(t, r, true); !strings.Contains(got, "= same.csv\n") || !strings.Contains(got, "note: hashed ") {
		t.Fatalf("verbose output lacks identical files or throughput:\n%s", got)
	}
}

func TestCompareJSON(t *testing.T) {
	a, b := t.TempDir(), t.TempDir()
	writeTree(t, a, map[string]string{"same": "s", "diff": "a", "gone": "g"})
	writeTree(t, b, map[string]string{"same": "s", "diff": "b"})
	r := compareDirs(t, a, b)
	var buf bytes.Buffer
	if err := r.WriteJSON(&buf, false); err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Result        string
		FilesCompared int `json:"files_compared"`
		Differences   []struct {
			Path, Status, Mark string
			Left, Right        *struct{ SHA256 string }
		}
		Summary Counts
	}
	if err := json.Unmarshal(buf.Bytes(), &doc); err != nil {
		t.Fatalf("%v\n%s", err, buf.String())
	}
	if doc.Result != "different" || doc.FilesCompared != 3 || len(doc.Differences) != 2 {
		t.Fatalf("unexpected document: %+v", doc)
	}
	d := doc.Differences[0]
	if d.Path != "diff" || d.Status != "different" || d.Mark != "*" || d.Left.SHA256 != sumA || d.Right.SHA256 != sumB {
		t.Fatalf("first difference = %+v", d)
	}
	if doc.Differences[1].Right != nil || doc.Summary.Missing != 1 || doc.Summary.Identical != 1 {
		t.Fatalf("missing file not reported as such: %+v", doc)
	}
}

// faultyFS wraps a folder and fails chosen opens and listings, the way an
// unreadable file or folder does for a user without permission.
type faultyFS struct {
	fs.FS
	failOpen, failList map[string]bool
}

func (f faultyFS) Open(name string) (fs.File, error) {
	if f.failOpen[name] {
		return nil, &fs.PathError{Op: "openat", Path: name, Err: fs.ErrPermission}
	}
	return f.FS.Open(name)
}

func (f faultyFS) ReadDir(name string) ([]fs.DirEntry, error) {
	if f.failList[name] {
		return nil, &fs.PathError{Op: "openat", Path: name, Err: fs.ErrPermission}
	}
	return fs.ReadDir(f.FS, name)
}

func (f faultyFS) ReadLink(name string) (string, error) { return fs.ReadLink(f.FS, name) }

func TestCompareUnreadable(t *testing.T) {
	a, b := t.TempDir(), t.TempDir()
	files := map[string]string{"ok.csv": "1", "locked.csv": "2", "secret/a.csv": "3", "secret/b.csv": "4"}
	writeTree(t, a, files)
	writeTree(t, b, files)
	left := open(t, a, "ORIGINAL")
	right, err := walkFolder(b, "RECOVERED", faultyFS{os.DirFS(b), map[string]bool{"locked.csv": true}, map[string]bool{"secret": true}})
	if err != nil {
		t.Fatal(err)
	}
	r, err := Compare(context.Background(), left, right, Options{})
	if err != nil {
		t.Fatal(err)
	}
	assertStatuses(t, r, map[string]Status{
		"ok.csv": Identical, "locked.csv": Unreadable,
		"secret/": Unreadable, "secret/a.csv": Unreadable, "secret/b.csv": Unreadable,
	})
	out := text(t, r, false)
	for _, line := range []string{
		"! locked.csv (RECOVERED: open: permission denied)\n",
		"! secret/ (RECOVERED: open: permission denied)\n",
		"! secret/a.csv (RECOVERED: folder secret could not be read)\n",
	} {
		if !strings.Contains(out, line) {
			t.Errorf("output lacks %q:\n%s", line, out)
		}
	}
}

func TestCompareRootUnreadable(t *testing.T) {
	dir := t.TempDir()
	_, err := walkFolder(dir, "RECOVERED", faultyFS{os.DirFS(dir), nil, map[string]bool{".": true}})
	if err == nil || !strings.Contains(err.Error(), "RECOVERED "+dir+" cannot be listed") {
		t.Fatalf("err = %v", err)
	}
}

func TestCompareDanglingLinks(t *testing.T) {
	a, b := t.TempDir(), t.TempDir()
	writeTree(t, a, map[string]string{"broken": "->nowhere.csv"})
	writeTree(t, b, map[string]string{"broken": "->nowhere.csv", "extra": "->gone"})
	r := compareDirs(t, a, b)
	assertStatuses(t, r, map[string]Status{"broken": Identical, "extra": Extra})
	if got := text(t, r, true); !strings.Contains(got, "= broken (symbolic link to nowhere.csv, which does not exist)\n") ||
		!strings.Contains(got, "+ extra (symbolic link to gone, which does not exist)\n") {
		t.Fatalf("output:\n%s", got)
	}
}

func TestCompareEmptyFolders(t *testing.T) {
	a, b := t.TempDir(), t.TempDir()
	r := compareDirs(t, a, b)
	if !r.Identical() || len(r.Notes) != 2 || !strings.Contains(r.Notes[0], "ORIGINAL "+a+" is an empty folder") {
		t.Fatalf("report: %+v", r)
	}
	writeTree(t, b, map[string]string{"x": "1"})
	r = compareDirs(t, a, b)
	if r.Identical() || len(r.Notes) != 1 {
		t.Fatalf("report: %+v", r)
	}
}

func TestHashLargerThanBuffer(t *testing.T) {
	dir := t.TempDir()
	data := bytes.Repeat([]byte("datasynth"), readBufferBytes/4)
	if err := os.WriteFile(filepath.Join(dir, "big"), data, 0o644); err != nil {
		t.Fatal(err)
	}
	want := sha256.Sum256(data)
	list := filepath.Join(t.TempDir(), "sums")
	if err := os.WriteFile(list, []byte(hex.EncodeToString(want[:])+"  big\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	r, err := Compare(context.Background(), open(t, list, "ORIGINAL"), open(t, dir, "RECOVERED"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if !r.Identical() || r.BytesHashed != int64(len(data)) {
		t.Fatalf("report: %+v %s", r, text(t, r, true))
	}
}

func TestCompareCancelled(t *testing.T) {
	a, b := t.TempDir(), t.TempDir()
	writeTree(t, a, map[string]string{"x": "1"})
	writeTree(t, b, map[string]string{"x": "2"})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := Compare(ctx, open(t, a, "ORIGINAL"), open(t, b, "RECOVERED"), Options{})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
}

func TestOpenErrors(t *testing.T) {
	dir := t.TempDir()
	csv := filepath.Join(dir, "data.csv")
	empty := filepath.Join(dir, "empty")
	writeTree(t, dir, map[string]string{"data.csv": "id,amount\n1,2\n", "empty": ""})
	for _, tc := range []struct {
		name, want string
	}{
		{filepath.Join(dir, "missing"), "ORIGINAL " + dir + "/missing does not exist; give the dataset folder, or a checksum list made with sha256sum"},
		{csv, "ORIGINAL " + csv + " is a file, not a folder, and not a checksum list either: " + csv + `:1: "id,amount" is not "<sha256>  <name>"`},
		{empty, "ORIGINAL " + empty + " is a file, not a folder, and not a checksum list either: " + empty + ": the file is empty"},
	} {
		_, err := Open(tc.name, "ORIGINAL", Options{})
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Open(%s) error = %v\nwant it to contain %q", tc.name, err, tc.want)
		}
	}
	if _, err := OpenFolder(csv, "DIR"); err == nil || err.Error() != "DIR "+csv+" is a file, not a folder; give the dataset folder" {
		t.Errorf("OpenFolder(file) error = %v", err)
	}
}

func TestCompareWithList(t *testing.T) {
	dir := t.TempDir()
	writeTree(t, dir, map[string]string{"a.csv": "a", "sub/b.csv": "b", "extra": "e"})
	lists := t.TempDir()
	writeTree(t, lists, map[string]string{
		"plain":    sumA + "  a.csv\n" + sumB + "  ./sub/b.csv\n" + sumA + "  missing.csv\n",
		"prefixed": sumA + "  out/a.csv\n" + sumB + "  out/sub/b.csv\n",
		"dup":      sumA + "  a.csv\n" + sumA + "  ./a.csv\n",
	})
	r, err := Compare(context.Background(), open(t, filepath.Join(lists, "plain"), "ORIGINAL"), open(t, dir, "RECOVERED"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	assertStatuses(t, r, map[string]Status{"a.csv": Identical, "sub/b.csv": Identical, "missing.csv": Missing, "extra": Extra})

	prefixed := filepath.Join(lists, "prefixed")
	r, err = Compare(context.Background(), open(t, prefixed, "ORIGINAL"), open(t, dir, "RECOVERED"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if r.Counts().Identical != 0 || len(r.Notes) != 1 || !strings.Contains(r.Notes[0], "add --strip-prefix out/") {
		t.Fatalf("no prefix hint: %+v", r.Notes)
	}
	opts := Options{StripPrefix: "out/"}
	left, err := Open(prefixed, "ORIGINAL", opts)
	if err != nil {
		t.Fatal(err)
	}
	r, err = Compare(context.Background(), left, open(t, dir, "RECOVERED"), opts)
	if err != nil {
		t.Fatal(err)
	}
	assertStatuses(t, r, map[string]Status{"a.csv": Identical, "sub/b.csv": Identical, "extra": Extra})

	_, err = Open(filepath.Join(lists, "dup"), "ORIGINAL", Options{})
	if err == nil || !strings.Contains(err.Error(), `dup:2: ./a.csv names the same file as line 1`) {
		t.Fatalf("err = %v", err)
	}
}

// dataset writes files and a run manifest describing them into dir.
func dataset(t *testing.T, dir string, files map[string]string, edit func(*manifest.Manifest)) {
	t.Helper()
	writeTree(t, dir, files)
	m := &manifest.Manifest{
		Format: manifest.Format, GeneratorVersion: "1.2.0", ProgramVersion: "v0.5.0",
		ConfigHash: strings.Repeat("ab", 32), Seed: 42,
		Run: &manifest.Run{RunID: dir, StartedAt: time.Now().String()},
	}
	for _, name := range []string{"a.csv", "b.csv"} {
		sum := sha256.Sum256([]byte(files[name]))
		m.OutputFiles = append(m.OutputFiles, manifest.File{Path: name, Format: "csv", SizeBytes: int64(len(files[name])), SHA256: hex.EncodeToString(sum[:])})
	}
	if edit != nil {
		edit(m)
	}
	data, err := manifest.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	writeTree(t, dir, map[string]string{manifest.FileName: string(data)})
}

func TestCompareManifests(t *testing.T) {
	files := map[string]string{"a.csv": "a", "b.csv": "b"}
	t.Run("run block ignored", func(t *testing.T) {
		a, b := t.TempDir(), t.TempDir()
		dataset(t, a, files, nil)
		dataset(t, b, files, nil)
		r := compareDirs(t, a, b)
		if !r.Identical() {
			t.Fatalf("two runs of the same inputs differ:\n%s", text(t, r, true))
		}
		if got := text(t, r, true); !strings.Contains(got, "= run_manifest.json (equal apart from the run block)\n") {
			t.Fatalf("output:\n%s", got)
		}
	})
	t.Run("program version alone differs", func(t *testing.T) {
		a, b := t.TempDir(), t.TempDir()
		dataset(t, a, files, nil)
		dataset(t, b, files, func(m *manifest.Manifest) { m.ProgramVersion = "v0.6.0" })
		r := compareDirs(t, a, b)
		got := text(t, r, true)
		if !r.Identical() {
			t.Fatalf("a new release with the same generator counts as different:\n%s", got)
		}
		for _, want := range []string{
			"= run_manifest.json (equal apart from the run block and program_version)\n",
			"note: RECOVERED was written by datasynth-data v0.6.0, ORIGINAL by v0.5.0; both use generator 1.2.0, which alone decides the bytes",
		} {
			if !strings.Contains(got, want) {
				t.Fatalf("output lacks %q:\n%s", want, got)
			}
		}
	})
	t.Run("generator and seed differ", func(t *testing.T) {
		a, b := t.TempDir(), t.TempDir()
		dataset(t, a, files, nil)
		dataset(t, b, map[string]string{"a.csv": "A", "b.csv": "b"}, func(m *manifest.Manifest) {
			m.GeneratorVersion, m.Seed, m.ConfigHash = "1.3.0", 7, strings.Repeat("cd", 32)
		})
		r := compareDirs(t, a, b)
		out := text(t, r, false)
		for _, want := range []string{
			"note: RECOVERED was produced by generator 1.3.0, ORIGINAL by 1.2.0: different generator versions can write different bytes for the same config and seed; see docs/pinning.md\n",
			"note: ORIGINAL and RECOVERED were generated from different configs (config hash abababababab and cdcdcdcdcdcd)",
			"note: ORIGINAL used seed 42, RECOVERED seed 7: set global.seed to 42 in the config to reproduce ORIGINAL\n",
			"* a.csv (same size 1 byte, different content)\n",
			"* run_manifest.json (differs in generator_version, config_hash, seed, output_files (the run block and program_version are not compared))\n",
		} {
			if !strings.Contains(out, want) {
				t.Errorf("output lacks %q:\n%s", want, out)
			}
		}
	})
	t.Run("same inputs, changed file", func(t *testing.T) {
		a, b := t.TempDir(), t.TempDir()
		dataset(t, a, files, nil)
		dataset(t, b, files, nil)
		writeTree(t, b, map[string]string{"a.csv": "z"})
		r := compareDirs(t, a, b)
		out := text(t, r, false)
		for _, want := range []string{
			"note: both datasets record generator 1.2.0, config hash abababababab and seed 42, so they should be byte-identical",
			"* a.csv (same size 1 byte, different content; RECOVERED does not match its run_manifest.json)\n",
		} {
			if !strings.Contains(out, want) {
				t.Errorf("output lacks %q:\n%s", want, out)
			}
		}
	})
	t.Run("invalid manifest", func(t *testing.T) {
		a, b := t.TempDir(), t.TempDir()
		dataset(t, a, files, nil)
		dataset(t, b, files, nil)
		writeTree(t, b, map[string]string{manifest.FileName: `{"format": "datasynth-run`})
		r := compareDirs(t, a, b)
		if len(r.Notes) != 1 || !strings.Contains(r.Notes[0], "RECOVERED's run manifest cannot be used") || statuses(r)[manifest.FileName] != Different {
			t.Fatalf("report:\n%s", text(t, r, false))
		}
	})
}

func TestCheckManifest(t *testing.T) {
	files := map[string]string{"a.csv": "a", "b.csv": "b"}
	ctx := context.Background()
	dir := t.TempDir()
	dataset(t, dir, files, nil)
	r, err := CheckManifest(ctx, dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if !r.Identical() || r.Counts().Files != 2 {
		t.Fatalf("fresh dataset does not match its manifest:\n%s", text(t, r, true))
	}

	writeTree(t, dir, map[string]string{"b.csv": "B", "stray.tmp": "x"})
	os.Remove(filepath.Join(dir, "a.csv"))
	r, err = CheckManifest(ctx, dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	want := "- a.csv\n* b.csv (same size 1 byte, different content)\n+ stray.tmp\n" +
		"different: 3 files compared, 0 identical, 1 different, 1 only in run_manifest.json, 1 only in folder, 0 unreadable\n"
	if got := text(t, r, false); got != want {
		t.Fatalf("output:\n%s\nwant:\n%s", got, want)
	}

	writeTree(t, dir, map[string]string{manifest.FileName: "{}"})
	if _, err := CheckManifest(ctx, dir, Options{}); err == nil || !strings.Contains(err.Error(), "cannot check against the run manifest") || !errors.Is(err, manifest.ErrInvalid) {
		t.Fatalf("invalid manifest: err = %v", err)
	}
	empty := t.TempDir()
	if _, err := CheckManifest(ctx, empty, Options{}); err == nil || err.Error() != empty+" has no run_manifest.json: --manifest checks a dataset folder written by datasynth-data" {
		t.Fatalf("no manifest: err = %v", err)
	}
}

func TestCompareListWithRegeneratedManifest(t *testing.T) {
	files := map[string]string{"a.csv": "a", "b.csv": "b"}
	original, regenerated := t.TempDir(), t.TempDir()
	dataset(t, original, files, nil)
	dataset(t, regenerated, files, nil) // same inputs, another run block
	list := filepath.Join(t.TempDir(), "original.sha256")
	var lines []string
	for _, name := range []string{"a.csv", "b.csv", manifest.FileName} {
		data, err := os.ReadFile(filepath.Join(original, name))
		if err != nil {
			t.Fatal(err)
		}
		sum := sha256.Sum256(data)
		lines = append(lines, hex.EncodeToString(sum[:])+"  "+name+"\n")
	}
	writeTree(t, filepath.Dir(list), map[string]string{"original.sha256": strings.Join(lines, "")})

	r, err := Compare(context.Background(), open(t, list, "ORIGINAL"), open(t, regenerated, "RECOVERED"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if !r.Identical() || !strings.Contains(text(t, r, true), "= run_manifest.json (its bytes differ from the list, as between any two runs (run block), and every file it records matches the list)\n") {
		t.Fatalf("regenerated dataset against the original's list:\n%s", text(t, r, true))
	}

	// A changed data file leaves the manifest unsettled as well.
	writeTree(t, regenerated, map[string]string{"b.csv": "B"})
	r, err = Compare(context.Background(), open(t, list, "ORIGINAL"), open(t, regenerated, "RECOVERED"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	assertStatuses(t, r, map[string]Status{"a.csv": Identical, "b.csv": Different, manifest.FileName: Different})
	if got := text(t, r, false); !strings.Contains(got, "a checksum list records the manifest whole, run block included, so only a copy of the same run matches it)\n") {
		t.Fatalf("output:\n%s", got)
	}
}

// Linux names are bytes. Files whose names are not UTF-8 are hashed and
// compared like any other (in subfolders too), and the JSON report keeps
// two such names apart: a JSON string cannot carry the bytes, so each gets
// its base64 form beside the readable one.
func TestNamesThatAreNotUTF8(t *testing.T) {
	a, b := t.TempDir(), t.TempDir()
	writeTree(t, a, map[string]string{"same\xff.csv": "x", "d\xc3/in.csv": "y", "only\xfe.csv": "1", "link\xff": "->same\xff.csv"})
	writeTree(t, b, map[string]string{"same\xff.csv": "x", "d\xc3/in.csv": "y", "only\xfd.csv": "1", "link\xff": "->same\xff.csv"})
	r := compareDirs(t, a, b)
	assertStatuses(t, r, map[string]Status{
		"same\xff.csv": Identical, "d\xc3/in.csv": Identical, "link\xff": Identical,
		"only\xfe.csv": Missing, "only\xfd.csv": Extra,
	})
	var buf bytes.Buffer
	if err := r.WriteJSON(&buf, true); err != nil {
		t.Fatal(err)
	}
	var j struct {
		Differences []struct {
			Path       string `json:"path"`
			PathBase64 string `json:"path_base64"`
		} `json:"differences"`
	}
	if err := json.Unmarshal(buf.Bytes(), &j); err != nil {
		t.Fatal(err)
	}
	if len(j.Differences) != 2 || j.Differences[0].Path != j.Differences[1].Path {
		t.Fatalf("differences %+v: want two entries with the same readable path", j.Differences)
	}
	got := map[string]bool{}
	for _, d := range j.Differences {
		raw, err := base64.StdEncoding.DecodeString(d.PathBase64)
		if err != nil {
			t.Fatal(err)
		}
		got[string(raw)] = true
	}
	if !got["only\xfe.csv"] || !got["only\xfd.csv"] {
		t.Errorf("path_base64 values decode to %v, want both original names", got)
	}
}
