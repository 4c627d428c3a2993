package bulk

import (
	"bytes"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"datasynth.dev/verify/atomicfile"
)

// RemoveStale removes the staging folders no process holds, and only
// folders named exactly so: a held one (a running server's), files,
// symbolic links and look-alike names stay.
func TestRemoveStale(t *testing.T) {
	dir := t.TempDir()
	mk := func(name string) string {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Join(p, "dataset"), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(p, "dataset", "journal_entries.csv"), []byte("partial"), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	stale := mk(".datasynth-bulk-123456")
	held, err := atomicfile.MkdirTemp(dir, stagePrefix)
	if err != nil {
		t.Fatal(err)
	}
	defer held.Remove()
	for _, name := range []string{".datasynth-bulk-12x", ".datasynth-bulk-", "datasynth-bulk-99", ".datasynth.tmp-5"} {
		mk(name)
	}
	if err := os.WriteFile(filepath.Join(dir, ".datasynth-bulk-777"), []byte("a file"), 0o644); err != nil {
		t.Fatal(err)
	}
	target := mk("elsewhere")
	if err := os.Symlink(target, filepath.Join(dir, ".datasynth-bulk-888")); err != nil {
		t.Fatal(err)
	}

	var log bytes.Buffer
	RemoveStale(dir, slog.New(slog.NewTextHandler(&log, nil)))

	if _, err := os.Stat(stale); !os.IsNotExist(err) {
		t.Fatalf("stale staging folder still there: %v", err)
	}
	if !strings.Contains(log.String(), "removed a staging folder left by a stopped server") || !strings.Contains(log.String(), stale) {
		t.Fatalf("removal not logged:\n%s", log.String())
	}
	for _, name := range []string{filepath.Base(held.Path), ".datasynth-bulk-12x", ".datasynth-bulk-", "datasynth-bulk-99",
		".datasynth.tmp-5", ".datasynth-bulk-777", ".datasynth-bulk-888", "elsewhere/dataset/journal_entries.csv"} {
		if _, err := os.Lstat(filepath.Join(dir, name)); err != nil {
			t.Errorf("%s was touched: %v", name, err)
		}
	}
}
