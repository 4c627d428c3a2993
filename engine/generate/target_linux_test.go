package generate

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
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
	if os.Geteuid() != 0 {
		t.Skip("mounting a tmpfs needs root; CI runs this test as root")
	}
	dir := t.TempDir()
	if err := unix.Mount("tmpfs", dir, "tmpfs", 0, "size=400k"); err != nil {
		t.Skipf("tmpfs mount refused here (%v); CI runs this test as root with mount rights", err)
	}
	t.Cleanup(func() { unix.Unmount(dir, unix.MNT_DETACH) })
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
		t.Log(err)
	case <-time.After(2 * time.Minute):
		t.Fatal("the run hung after the disk filled")
	}
	if got := names(t, dir); len(got) != 0 {
		t.Fatalf("the full folder holds %v after the failed run, want nothing", got)
	}
}
