package generate

import (
	"bytes"
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"datasynth.dev/engine/balance"
	"datasynth.dev/engine/config"
	"datasynth.dev/verify/manifest"
	"golang.org/x/sys/unix"
)

// TestOverwriteMountPoint replaces the dataset in a real bind mount, which
// the kernel refuses to rename (EBUSY): the run must fill it in place, keep
// it a mount point, and put nothing beside it. It needs root (mount(2)); it
// proves the behaviour on a same-filesystem bind mount, the case that the
// device numbers alone cannot show.
func TestOverwriteMountPoint(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("bind mounts need root; CI runs this test as root")
	}
	dir := t.TempDir()
	src, mnt := filepath.Join(dir, "src"), filepath.Join(dir, "mnt")
	mkdirs(t, src, mnt)
	if err := unix.Mount(src, mnt, "", unix.MS_BIND, ""); err != nil {
		t.Skipf("bind mount refused here (%v); CI runs this test as root with mount rights", err)
	}
	t.Cleanup(func() { unix.Unmount(mnt, unix.MNT_DETACH) })
	if err := os.Rename(mnt, filepath.Join(dir, "moved")); err == nil {
		t.Fatal("the kernel renamed a mount point: this test would prove nothing")
	}
	cfg := load(t, "testdata/golden/manufacturing-small.yaml")
	// An earlier dataset on the mount, which --overwrite may replace.
	os.Remove(filepath.Join(mnt, "partial.csv"))
	if _, err := Run(context.Background(), Options{Config: cfg, Seed: 2, Output: mnt, Threads: 2}); err != nil {
		t.Fatal(err)
	}
	before := names(t, dir)

	if _, err := Run(context.Background(), Options{Config: cfg, Seed: 1, Output: mnt, Threads: 2}); err == nil {
		t.Fatal("a non-empty mount point was replaced without Overwrite")
	}
	res, err := Run(context.Background(), Options{Config: cfg, Seed: 1, Output: mnt, Threads: 2, Overwrite: true})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"balance", balance.ValidationFile, "chart_of_accounts.csv", "document_flows", "fx", "journal_entries.csv", "labels", "master_data", "period_close", manifest.FileName, "subledger"}
	if got := names(t, mnt); !slices.Equal(got, want) {
		t.Fatalf("mount point holds %v, want %v", got, want)
	}
	if got := names(t, src); !slices.Equal(got, want) {
		t.Fatalf("the mounted folder holds %v, want %v: the data did not land on the mount", got, want)
	}
	if got := names(t, dir); !slices.Equal(got, before) {
		t.Fatalf("entries beside the mount point changed from %v to %v", before, got)
	}
	if m, err := isMountPoint(mnt); err != nil || !m {
		t.Fatalf("isMountPoint after the run = %v, %v", m, err)
	}
	if _, err := manifest.Read(filepath.Join(mnt, manifest.FileName)); err != nil || res.Manifest.Statistics.JournalEntries == 0 {
		t.Fatalf("manifest: %v", err)
	}
}

func TestIsMountPoint(t *testing.T) {
	dir := t.TempDir()
	if m, err := isMountPoint(dir); err != nil || m {
		t.Fatalf("isMountPoint(%s) = %v, %v; a plain folder", dir, m, err)
	}
	if m, err := isMountPoint("/"); err != nil || !m {
		t.Fatalf(`isMountPoint("/") = %v, %v`, m, err)
	}
}

// TestOutputFullParquet fills a small tmpfs while the Parquet files are
// written through their lanes on four threads (the journal's file fails
// first, when it flushes a row group): the run must fail
// with the disk's error, not hang with blocks waiting for a turn that the
// failed block never passes on, and leave nothing in the folder. It needs
// root (mount(2)).
func TestOutputFullParquet(t *testing.T) {
	dir := mountTmpfs(t, "400k")
	// Enough entries that the journal's Parquet file flushes row groups
	// (65,536 rows each) while the blocks go through the lanes, on a disk
	// that holds the master data and not much more.
	data, err := os.ReadFile("testdata/golden/parquet-default.yaml")
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Parse("parquet-default.yaml", bytes.Replace(data, []byte("custom: 12000"), []byte("custom: 400000"), 1))
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() {
		_, err := Run(context.Background(), Options{Config: cfg, Seed: 1, Output: filepath.Join(dir, "out"), Threads: 4})
		done <- err
	}()
	select {
	case err := <-done:
		if !errors.Is(err, unix.ENOSPC) {
			t.Fatalf("run on a full disk: %v, want %v", err, unix.ENOSPC)
		}
		// The failure must come from the journal's lane, not from the
		// master data before it, or this test would not exercise the lanes.
		if rel := failedFile(t, err); rel != "journal_entries.parquet" {
			t.Fatalf("run on a full disk failed on %s, not in the journal's Parquet lane: %v", rel, err)
		}
	case <-time.After(2 * time.Minute):
		t.Fatal("the run hung after the disk filled")
	}
	if got := names(t, dir); len(got) != 0 {
		t.Fatalf("the full folder holds %v after the failed run, want nothing", got)
	}
}

// TestOutputFullMasterData fills a tmpfs while the master data is written
// in Parquet: the error must start with the file that failed, not with the
// table whose first row was being written when the previous table closed.
func TestOutputFullMasterData(t *testing.T) {
	dir := mountTmpfs(t, "32k")
	cfg := load(t, "testdata/golden/parquet-default.yaml")
	_, err := Run(context.Background(), Options{Config: cfg, Seed: 1, Output: filepath.Join(dir, "out"), Threads: 2})
	if !errors.Is(err, unix.ENOSPC) {
		t.Fatalf("run on a full disk: %v, want %v", err, unix.ENOSPC)
	}
	if rel := failedFile(t, err); !strings.HasPrefix(rel, "master_data/") {
		t.Fatalf("failed on %s, want a master-data file: the disk is too large for this test: %v", rel, err)
	}
	if got := names(t, dir); len(got) != 0 {
		t.Fatalf("the full folder holds %v after the failed run, want nothing", got)
	}
}

// failedFile returns the dataset path of the file whose write failed in
// err, after checking that err's message starts by naming it ("writing
// master_data/customers.parquet: ...").
func failedFile(t *testing.T, err error) string {
	t.Helper()
	var pe *fs.PathError
	if !errors.As(err, &pe) {
		t.Fatalf("%v: no file named in the error", err)
	}
	_, rest, ok := strings.Cut(pe.Path, ".tmp-")
	_, rel, ok2 := strings.Cut(rest, "/")
	if !ok || !ok2 {
		t.Fatalf("%v: the failed file %s is not in the run's temporary folder", err, pe.Path)
	}
	if !strings.HasPrefix(err.Error(), "writing "+rel+": ") {
		t.Fatalf("the error does not start with the file that failed (%s): %v", rel, err)
	}
	return rel
}

// mountTmpfs mounts a tmpfs of size (mount(8)'s form, "400k") on a new
// temporary folder and returns it; it is unmounted when the test ends. It
// needs root, which CI has; elsewhere the test is skipped.
func mountTmpfs(t *testing.T, size string) string {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("mounting a tmpfs needs root; CI runs this test as root")
	}
	dir := t.TempDir()
	if err := unix.Mount("tmpfs", dir, "tmpfs", 0, "size="+size); err != nil {
		t.Skipf("tmpfs mount refused here (%v); CI runs this test as root with mount rights", err)
	}
	t.Cleanup(func() { unix.Unmount(dir, unix.MNT_DETACH) })
	return dir
}
