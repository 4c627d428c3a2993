package bulk

import (
	"bytes"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
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
	held, err := newStage(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer held.remove()
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
	for _, name := range []string{filepath.Base(held.dir), ".datasynth-bulk-12x", ".datasynth-bulk-", "datasynth-bulk-99",
		".datasynth.tmp-5", ".datasynth-bulk-777", ".datasynth-bulk-888", "elsewhere/dataset/journal_entries.csv"} {
		if _, err := os.Lstat(filepath.Join(dir, name)); err != nil {
			t.Errorf("%s was touched: %v", name, err)
		}
	}
}

// A stage is locked while held: another process (here another open file
// description) cannot take its lock.
func TestStageLocked(t *testing.T) {
	st, err := newStage(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(st.dir)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err == nil {
		t.Fatal("a held staging folder could be locked")
	}
	st.remove()
	if _, err := os.Stat(st.dir); !os.IsNotExist(err) {
		t.Fatalf("removed stage still there: %v", err)
	}
}
