// Package atomicfile is the one way this repository writes a file that
// must never be seen half-written: a backup archive, a sidecar, a lock, a
// config written by `init`, a metrics file.
//
// Create opens a temporary file in the destination folder (so the final
// rename never crosses a file system). Commit flushes it, closes it, renames
// it over the final name and then flushes the folder, so that the rename
// itself survives a power cut. github.com/google/renameio does the first
// three steps; this package adds the folder flush, which renameio leaves to
// the caller, and fixed permissions that the umask cannot change (a secret
// written 0600 stays 0600).
//
// TempDir is the same for a temporary folder: see its doc.
//
// A temporary file is named "." + the final name + digits. A program killed
// between Create and Commit leaves one behind; IsTemp recognises them so the
// program that owns the folder can remove its own leftovers on its next run.
package atomicfile

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"

	"github.com/google/renameio/v2"
)

// File is a pending file. Write to it, then call Commit or Abort exactly
// once; Abort after Commit is a no-op, so `defer f.Abort()` is always safe.
type File struct {
	*renameio.PendingFile
	final string
}

// Create opens a temporary file beside path with exactly the permissions
// perm.
func Create(path string, perm os.FileMode) (*File, error) {
	dir := filepath.Dir(path)
	pf, err := renameio.NewPendingFile(path, renameio.WithTempDir(dir), renameio.WithStaticPermissions(perm))
	if err != nil {
		return nil, err
	}
	return &File{PendingFile: pf, final: path}, nil
}

// Commit makes the written content visible under the final name and
// flushes the folder.
func (f *File) Commit() error {
	if err := f.CloseAtomicallyReplace(); err != nil {
		f.Cleanup()
		return fmt.Errorf("writing %s: %w", f.final, err)
	}
	return SyncDir(filepath.Dir(f.final))
}

// Abort discards the temporary file. It is a no-op after Commit.
func (f *File) Abort() { f.Cleanup() }

// WriteFile is the atomic counterpart of os.WriteFile.
func WriteFile(path string, data []byte, perm os.FileMode) error {
	f, err := Create(path, perm)
	if err != nil {
		return err
	}
	defer f.Abort()
	if _, err := f.Write(data); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	return f.Commit()
}

// SyncDir flushes a folder's entries (new names, removed names) to disk.
func SyncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	err = d.Sync()
	if cerr := d.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("flushing folder %s: %w", dir, err)
	}
	return nil
}

// IsTemp reports whether name (a base name) is a temporary file that Create
// made for the final base name final.
func IsTemp(name, final string) bool {
	rest, ok := strings.CutPrefix(name, "."+final)
	return ok && rest != "" && strings.Trim(rest, "0123456789") == ""
}

// TempDir is a temporary folder that its process claims, with a lock held
// on the folder itself (flock), for as long as it works in it. The kernel
// drops the lock when the process ends, however it ends: a program killed
// while it works leaves the folder behind, unclaimed, and RemoveStale
// removes such folders on the program's next run, never one that a running
// process still claims.
type TempDir struct {
	// Path is the folder's path.
	Path string
	f    *os.File
}

// MkdirTemp creates a folder in parent named prefix followed by digits (as
// os.MkdirTemp(parent, prefix) names it) and claims it.
func MkdirTemp(parent, prefix string) (*TempDir, error) {
	// RemoveStale running at the same moment may claim and remove the
	// folder between its creation and our claim; then make another.
	for range 3 {
		p, err := os.MkdirTemp(parent, prefix)
		if err != nil {
			return nil, err
		}
		f, err := claim(p, syscall.LOCK_EX|syscall.LOCK_NB)
		if err != nil {
			continue
		}
		if fi, err := os.Stat(p); err == nil {
			if held, err := f.Stat(); err == nil && os.SameFile(fi, held) {
				return &TempDir{Path: p, f: f}, nil
			}
		}
		f.Close()
	}
	return nil, fmt.Errorf("temporary folders in %s keep disappearing; is another program removing them?", parent)
}

// Release gives up the claim and leaves the folder where it is (after its
// content has been moved into place, say). It is safe to call twice.
func (d *TempDir) Release() {
	if d.f != nil {
		d.f.Close()
		d.f = nil
	}
}

// Remove deletes the folder and its content, then releases it.
func (d *TempDir) Remove() error {
	err := os.RemoveAll(d.Path)
	d.Release()
	return err
}

// IsTempDirName reports whether name is prefix followed by digits: the name
// of a folder MkdirTemp(parent, prefix) made.
func IsTempDirName(name, prefix string) bool {
	rest, ok := strings.CutPrefix(name, prefix)
	return ok && rest != "" && strings.Trim(rest, "0123456789") == ""
}

// RemoveStale removes the folders in parent that MkdirTemp made with
// prefix and that no running process claims, and returns their paths.
// Nothing else is touched: not a link, not a file, not a folder whose name
// is not exactly prefix and digits.
func RemoveStale(parent, prefix string) ([]string, error) {
	entries, err := os.ReadDir(parent)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, nil
		}
		return nil, err
	}
	var removed []string
	for _, e := range entries {
		if !e.IsDir() || !IsTempDirName(e.Name(), prefix) {
			continue
		}
		p := filepath.Join(parent, e.Name())
		f, err := claim(p, syscall.LOCK_EX|syscall.LOCK_NB)
		if err != nil {
			continue // claimed by a running process, or gone
		}
		err = os.RemoveAll(p)
		f.Close()
		if err != nil {
			return removed, fmt.Errorf("removing %s, left by an interrupted run: %w", p, err)
		}
		removed = append(removed, p)
	}
	return removed, nil
}

// claim opens the folder p and takes a flock on it. The lock lives as long
// as the returned file is open.
func claim(p string, how int) (*os.File, error) {
	f, err := os.Open(p)
	if err != nil {
		return nil, err
	}
	if err := syscall.Flock(int(f.Fd()), how); err != nil {
		f.Close()
		return nil, err
	}
	return f, nil
}
