package generate

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"datasynth.dev/verify/atomicfile"
	"datasynth.dev/verify/manifest"
)

func names(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range entries {
		out = append(out, e.Name())
	}
	return out
}

func mkdirs(t *testing.T, paths ...string) {
	t.Helper()
	for _, p := range paths {
		if err := os.MkdirAll(p, 0o755); err != nil {
			t.Fatal(err)
		}
		os.WriteFile(filepath.Join(p, "partial.csv"), []byte("x"), 0o644)
	}
}

// TestStaleTemporariesBeside: temporary folders of killed runs beside the
// target (".out.tmp-N", whether a dataset being built or a previous one
// moved aside by a killed replacement) are removed by the next run for that
// target; look-alikes, other targets' folders and a folder that a live
// process claims are kept.
func TestStaleTemporariesBeside(t *testing.T) {
	cfg := load(t, "testdata/golden/manufacturing-small.yaml")
	dir := t.TempDir()
	mkdirs(t, filepath.Join(dir, ".out.tmp-111"), filepath.Join(dir, ".out.tmp-222", "out"),
		filepath.Join(dir, ".out.tmp-333.old"), filepath.Join(dir, ".out.tmp-mine"), filepath.Join(dir, ".other.tmp-444"))
	os.WriteFile(filepath.Join(dir, ".out.tmp-555"), []byte("a file, not a run's folder"), 0o644)
	live, err := atomicfile.MkdirTemp(dir, ".out.tmp-")
	if err != nil {
		t.Fatal(err)
	}
	defer live.Release()

	for _, overwrite := range []bool{false, true} {
		if _, err := Run(context.Background(), Options{Config: cfg, Seed: 1, Output: filepath.Join(dir, "out"), Threads: 2, Overwrite: overwrite}); err != nil {
			t.Fatal(err)
		}
		want := []string{".other.tmp-444", ".out.tmp-333.old", ".out.tmp-555", ".out.tmp-mine", filepath.Base(live.Path), "out"}
		slices.Sort(want)
		if got := names(t, dir); !slices.Equal(got, want) {
			t.Fatalf("after the run (overwrite %v) the parent holds %v, want %v", overwrite, got, want)
		}
	}
}

// TestStaleTemporariesInside: a killed in-place run leaves
// ".datasynth.tmp-N" inside the output folder; the next run without
// --overwrite does not count it as content, removes it and succeeds.
func TestStaleTemporariesInside(t *testing.T) {
	cfg := load(t, "testdata/golden/manufacturing-small.yaml")
	out := filepath.Join(t.TempDir(), "out")
	mkdirs(t, filepath.Join(out, ".datasynth.tmp-987654"))
	if _, err := Run(context.Background(), Options{Config: cfg, Seed: 1, Output: out, Threads: 2}); err != nil {
		t.Fatal(err)
	}
	if got := names(t, out); slices.Contains(got, ".datasynth.tmp-987654") || !slices.Contains(got, manifest.FileName) {
		t.Fatalf("output holds %v", got)
	}

	// A look-alike that is not a run's folder is content: refused.
	out2 := filepath.Join(t.TempDir(), "out2")
	mkdirs(t, filepath.Join(out2, ".datasynth.tmp-notmine"))
	if _, err := Run(context.Background(), Options{Config: cfg, Seed: 1, Output: out2, Threads: 2}); err == nil {
		t.Fatal("a folder holding .datasynth.tmp-notmine was taken as empty")
	}
}
