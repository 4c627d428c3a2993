package verify

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"datasynth.dev/verify/generator"
	"datasynth.dev/verify/lock"
	"datasynth.dev/verify/manifest"
)

func lockFor(t *testing.T, dir string) *lock.Lock {
	t.Helper()
	m, err := manifest.Read(filepath.Join(dir, manifest.FileName))
	if err != nil {
		t.Fatal(err)
	}
	return &lock.Lock{
		Format: lock.Format, ProgramVersion: m.ProgramVersion, GeneratorVersion: m.GeneratorVersion,
		Config: "config.yaml", ConfigHash: m.ConfigHash, Seed: m.Seed, GitTag: "v0.5.0",
		OutputFiles: m.OutputFiles,
	}
}

func TestCheckLock(t *testing.T) {
	ctx := context.Background()
	files := map[string]string{"a.csv": "a", "b.csv": "b"}
	pinned := &generator.Installed{Path: "/usr/bin/datasynth-data", Program: "v0.5.0", Generator: "1.2.0"}

	t.Run("match", func(t *testing.T) {
		dir := t.TempDir()
		dataset(t, dir, files, nil)
		r, err := CheckLock(ctx, LockCheck{Lock: lockFor(t, dir), LockFile: "ops/datasynth.lock", Dir: dir, Installed: pinned}, Options{})
		if err != nil {
			t.Fatal(err)
		}
		if !r.Identical() || r.Counts().Files != 2 {
			t.Fatalf("dataset does not match its own lock:\n%s", text(t, r, true))
		}
	})

	t.Run("newer program, same generator", func(t *testing.T) {
		dir := t.TempDir()
		dataset(t, dir, files, nil)
		newer := *pinned
		newer.Program = "v0.6.0"
		r, err := CheckLock(ctx, LockCheck{Lock: lockFor(t, dir), LockFile: "datasynth.lock", Dir: dir, Installed: &newer}, Options{})
		if err != nil {
			t.Fatal(err)
		}
		if !r.Identical() || len(r.Notes) != 1 || !strings.Contains(r.Notes[0], "both carry generator 1.2.0") {
			t.Fatalf("report:\n%s", text(t, r, false))
		}
	})

	t.Run("everything differs", func(t *testing.T) {
		dir := t.TempDir()
		dataset(t, dir, files, nil)
		l := lockFor(t, dir)
		l.GeneratorVersion, l.Seed, l.ConfigHash = "1.1.0", 7, strings.Repeat("cd", 32)
		writeTree(t, dir, map[string]string{"a.csv": "A", "stray": "s"})
		r, err := CheckLock(ctx, LockCheck{Lock: l, LockFile: "datasynth.lock", Dir: dir, Installed: pinned}, Options{})
		if err != nil {
			t.Fatal(err)
		}
		out := text(t, r, false)
		for _, want := range []string{
			"mismatch: datasynth.lock pins generator 1.1.0 (datasynth-data v0.5.0), but the installed program is datasynth-data v0.5.0 (generator 1.2.0) at /usr/bin/datasynth-data; fetch it with: git fetch --tags && git checkout v0.5.0 && make build\n",
			"mismatch: " + dir + " was produced by generator 1.2.0, datasynth.lock pins 1.1.0: see docs/pinning.md\n",
			"mismatch: " + dir + " was generated from a different config (config hash abababababab) than datasynth.lock records for config.yaml (cdcdcdcdcdcd)\n",
			"mismatch: " + dir + " used seed 42, datasynth.lock pins seed 7\n",
			"* a.csv (same size 1 byte, different content)\n",
			"+ stray\n",
			"different: 3 files compared, 1 identical, 1 different, 0 only in datasynth.lock, 1 only in folder, 0 unreadable, 4 mismatched with the lock\n",
		} {
			if !strings.Contains(out, want) {
				t.Errorf("output lacks %q:\n%s", want, out)
			}
		}
	})

	t.Run("no generator, no manifest", func(t *testing.T) {
		dir := t.TempDir()
		dataset(t, dir, files, nil)
		l := lockFor(t, dir)
		os.Remove(filepath.Join(dir, manifest.FileName))
		probeErr := errors.New("datasynth-data not found")
		r, err := CheckLock(ctx, LockCheck{Lock: l, LockFile: "datasynth.lock", Dir: dir, InstalledErr: probeErr}, Options{})
		if err != nil {
			t.Fatal(err)
		}
		if r.Identical() || len(r.Mismatches) != 2 ||
			!strings.HasPrefix(r.Mismatches[0], "the installed datasynth-data cannot be checked: datasynth-data not found; datasynth.lock pins datasynth-data v0.5.0 (generator 1.2.0), fetch it with: git fetch") ||
			r.Mismatches[1] != dir+" has no run_manifest.json, so what produced it cannot be checked; regenerate it with dsops regenerate" {
			t.Fatalf("report:\n%s", text(t, r, false))
		}
		if r.Counts().Identical != 2 {
			t.Fatalf("the files were not compared:\n%s", text(t, r, true))
		}
	})

	t.Run("folder missing", func(t *testing.T) {
		dir := t.TempDir()
		dataset(t, dir, files, nil)
		_, err := CheckLock(ctx, LockCheck{Lock: lockFor(t, dir), LockFile: "datasynth.lock", Dir: filepath.Join(dir, "nope"), Installed: pinned}, Options{})
		if err == nil || !strings.Contains(err.Error(), "DIR "+dir+"/nope does not exist") {
			t.Fatalf("err = %v", err)
		}
	})
}
