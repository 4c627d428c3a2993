// Package atomicfile writes files so that nothing half-written is ever
// visible under its final name.
//
// A File is a temporary file in the destination folder. Commit flushes it to
// disk, closes it, renames it over the final name and then flushes the folder
// itself, so that the rename survives a power cut. Abort removes the temporary
// file. Keeping the temporary file in the destination folder guarantees the
// rename never crosses a file system boundary.
//
// github.com/google/renameio does the first three steps but not the folder
// sync, which is why this small package exists.
package atomicfile

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// File is a pending file. Write to it, then call Commit or Abort exactly once;
// Abort after Commit is a no-op, so `defer f.Abort()` is always safe.
type File struct {
	*os.File
	final string
	done  bool
}

// Create opens a temporary file beside path with the given permissions. The
// permissions are set explicitly, so the umask cannot widen or narrow them:
// secrets stay 0600.
func Create(path string, perm os.FileMode) (*File, error) {
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	f, err := os.CreateTemp(dir, "."+base+".tmp-*")
	if err != nil {
		return nil, err
	}
	if err := f.Chmod(perm); err != nil {
		f.Close()
		os.Remove(f.Name())
		return nil, err
	}
	return &File{File: f, final: path}, nil
}

// Commit makes the written content visible under the final name.
func (f *File) Commit() error {
	if f.done {
		return errors.New("atomicfile: Commit after Commit or Abort")
	}
	f.done = true
	tmp := f.Name()
	if err := f.Sync(); err != nil {
		f.Close()
		os.Remove(tmp)
		return fmt.Errorf("flushing %s: %w", f.final, err)
	}
	if err := f.Close(); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("closing %s: %w", f.final, err)
	}
	if err := os.Rename(tmp, f.final); err != nil {
		os.Remove(tmp)
		return err
	}
	return SyncDir(filepath.Dir(f.final))
}

// Abort discards the temporary file. It is a no-op after Commit.
func (f *File) Abort() {
	if f.done {
		return
	}
	f.done = true
	f.Close()
	os.Remove(f.Name())
}

// WriteFile is the atomic counterpart of os.WriteFile.
func WriteFile(path string, data []byte, perm os.FileMode) error {
	f, err := Create(path, perm)
	if err != nil {
		return err
	}
	defer f.Abort()
	if _, err := f.Write(data); err != nil {
		return err
	}
	return f.Commit()
}

// SyncDir flushes a folder's entries (new names, removed names) to disk.
func SyncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	if err := d.Sync(); err != nil {
		return fmt.Errorf("flushing folder %s: %w", dir, err)
	}
	return nil
}
