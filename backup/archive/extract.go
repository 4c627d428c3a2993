package archive

import (
	"archive/tar"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"sort"
	"strings"
	"time"

	"github.com/klauspost/pgzip"
)

var (
	// ErrUnsafe marks an archive entry that would write outside the target
	// folder or create something other than a file, folder or link.
	ErrUnsafe = errors.New("unsafe archive entry")
	// ErrCorrupt marks an archive whose content does not match its manifest
	// or cannot be decompressed.
	ErrCorrupt = errors.New("archive is damaged")
	// ErrNotArchive marks a file that is not a dsops backup archive.
	ErrNotArchive = errors.New("not a dsops backup archive")
)

// ReadManifest reads the manifest at the start of an archive. name is used
// in errors. Only the first entry is decompressed.
func ReadManifest(r io.Reader, name string) (*Manifest, error) {
	zr, err := pgzip.NewReader(r)
	if err != nil {
		return nil, fmt.Errorf("%s: %w: %v", name, ErrNotArchive, err)
	}
	defer zr.Close()
	return readManifest(tar.NewReader(zr), name)
}

func readManifest(tr *tar.Reader, name string) (*Manifest, error) {
	hdr, err := tr.Next()
	if err != nil {
		return nil, fmt.Errorf("%s: %w: %v", name, ErrNotArchive, err)
	}
	if hdr.Name != ManifestName || hdr.Typeflag != tar.TypeReg {
		return nil, fmt.Errorf("%s: %w: first entry is %q, not %s", name, ErrNotArchive, hdr.Name, ManifestName)
	}
	if hdr.Size > MaxManifestBytes {
		return nil, fmt.Errorf("%s: %w: the manifest is %d bytes, more than the %d MiB this program reads; the archive was not written by dsops, or is damaged", name, ErrInvalidManifest, hdr.Size, MaxManifestBytes>>20)
	}
	return ParseManifest(name, tr)
}

// Extract reads the archive in r and recreates its content under dir, which
// should be a new, empty folder. name is used in errors. Every entry is
// checked against the manifest while it is written; on error dir holds a
// partial tree that the caller must remove.
func Extract(ctx context.Context, r io.Reader, name, dir string, progress func(int64)) (*Manifest, error) {
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, err
	}
	defer root.Close()
	buf := make([]byte, 1<<20)
	mtimes := map[string]time.Time{}
	m, err := walk(ctx, r, name, func(p string, e Entry, hdr *tar.Header, body io.Reader) error {
		if parent := path.Dir(p); parent != "." {
			if err := root.MkdirAll(parent, 0o700); err != nil {
				return err
			}
		}
		switch e.Type {
		case TypeDir:
			if err := root.Mkdir(p, 0o700); err != nil && !errors.Is(err, fs.ErrExist) {
				return err
			}
		case TypeSymlink:
			return root.Symlink(hdr.Linkname, p)
		case TypeFile:
			if err := extractFile(root, body, p, e, buf, progress); err != nil {
				return err
			}
		}
		mtimes[p] = hdr.ModTime
		return nil
	})
	if err != nil {
		return nil, err
	}
	return m, finish(root, m, mtimes)
}

// Verify reads the whole archive in r and checks it as Extract would, every
// file against its size and SHA-256 in the manifest, without writing
// anything. name is used in errors.
func Verify(ctx context.Context, r io.Reader, name string) (*Manifest, error) {
	buf := make([]byte, 1<<20)
	return walk(ctx, r, name, func(p string, e Entry, hdr *tar.Header, body io.Reader) error {
		if e.Type != TypeFile {
			return nil
		}
		h := sha256.New()
		src := &sourceReader{r: body}
		n, err := io.CopyBuffer(h, src, buf)
		if err != nil {
			return fmt.Errorf("%w: %v", ErrCorrupt, err)
		}
		return checkSum(n, hex.EncodeToString(h.Sum(nil)), e)
	})
}

// walk reads an archive: the manifest first, then every entry, refusing
// anything unsafe or not as the manifest lists it, and calls visit for each
// entry that passes (with the file's content as body). It checks at the end
// that every listed entry was there.
func walk(ctx context.Context, r io.Reader, name string, visit func(p string, e Entry, hdr *tar.Header, body io.Reader) error) (*Manifest, error) {
	zr, err := pgzip.NewReader(r)
	if err != nil {
		return nil, fmt.Errorf("%s: %w: %v", name, ErrNotArchive, err)
	}
	defer zr.Close()
	tr := tar.NewReader(zr)
	m, err := readManifest(tr, name)
	if err != nil {
		return nil, err
	}
	want := make(map[string]Entry, len(m.Entries))
	for _, e := range m.Entries {
		want[e.Path] = e
	}
	seen := make(map[string]bool, len(m.Entries))
	for {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		hdr, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w: %v", name, ErrCorrupt, err)
		}
		p := strings.TrimSuffix(hdr.Name, "/")
		if err := CheckPath(p); err != nil {
			return nil, fmt.Errorf("%s: entry %q: %w: %v", name, hdr.Name, ErrUnsafe, err)
		}
		e, ok := want[p]
		if !ok {
			return nil, fmt.Errorf("%s: entry %q: %w: not listed in the manifest", name, hdr.Name, ErrUnsafe)
		}
		if seen[p] {
			return nil, fmt.Errorf("%s: entry %q: %w: appears twice", name, hdr.Name, ErrUnsafe)
		}
		seen[p] = true
		if typ := entryType(hdr.Typeflag); typ != e.Type {
			if typ == "" {
				return nil, fmt.Errorf("%s: entry %q: %w: %s entries are never restored", name, hdr.Name, ErrUnsafe, typeName(hdr.Typeflag))
			}
			return nil, fmt.Errorf("%s: entry %q: %w: archive holds a %s, manifest lists a %s", name, hdr.Name, ErrUnsafe, typ, e.Type)
		}
		switch e.Type {
		case TypeSymlink:
			if hdr.Linkname != e.Link {
				return nil, fmt.Errorf("%s: entry %q: %w: link target %q differs from the manifest's %q", name, hdr.Name, ErrUnsafe, hdr.Linkname, e.Link)
			}
			if err := CheckLink(p, hdr.Linkname); err != nil {
				return nil, fmt.Errorf("%s: entry %q: %w: %v", name, hdr.Name, ErrUnsafe, err)
			}
		case TypeFile:
			if hdr.Size != e.Size {
				return nil, fmt.Errorf("%s: file %q: %w: %d bytes in the archive, %d in the manifest", name, p, ErrCorrupt, hdr.Size, e.Size)
			}
		}
		if err := visit(p, e, hdr, tr); err != nil {
			if e.Type == TypeFile {
				return nil, fmt.Errorf("%s: file %q: %w", name, p, err)
			}
			return nil, fmt.Errorf("%s: entry %q: %w", name, hdr.Name, err)
		}
	}
	for _, e := range m.Entries {
		if !seen[e.Path] {
			return nil, fmt.Errorf("%s: %w: %q is listed in the manifest but missing from the archive", name, ErrCorrupt, e.Path)
		}
	}
	return m, nil
}

func extractFile(root *os.Root, r io.Reader, p string, e Entry, buf []byte, progress func(int64)) error {
	f, err := root.OpenFile(p, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	h := sha256.New()
	if progress != nil {
		r = &progressReader{r: r, fn: progress}
	}
	src := &sourceReader{r: r}
	n, err := io.CopyBuffer(io.MultiWriter(f, h), src, buf)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		if src.err != nil {
			return fmt.Errorf("%w: %v", ErrCorrupt, err)
		}
		return err
	}
	return checkSum(n, hex.EncodeToString(h.Sum(nil)), e)
}

func checkSum(n int64, sum string, e Entry) error {
	if n != e.Size {
		return fmt.Errorf("%w: %d bytes, manifest says %d", ErrCorrupt, n, e.Size)
	}
	if sum != e.SHA256 {
		return fmt.Errorf("%w: SHA-256 is %s, manifest says %s", ErrCorrupt, sum, e.SHA256)
	}
	return nil
}

// finish sets final modes and times, deepest paths first, so that a folder
// without write permission is closed only after its content is in place.
func finish(root *os.Root, m *Manifest, mtimes map[string]time.Time) error {
	entries := append([]Entry(nil), m.Entries...)
	sort.SliceStable(entries, func(i, j int) bool {
		return strings.Count(entries[i].Path, "/") > strings.Count(entries[j].Path, "/")
	})
	for _, e := range entries {
		if e.Type == TypeSymlink {
			continue
		}
		if err := root.Chmod(e.Path, fs.FileMode(e.Mode)); err != nil {
			return err
		}
		if t, ok := mtimes[e.Path]; ok && !t.IsZero() {
			if err := root.Chtimes(e.Path, t, t); err != nil {
				return err
			}
		}
	}
	return nil
}

func entryType(flag byte) string {
	switch flag {
	case tar.TypeReg:
		return TypeFile
	case tar.TypeDir:
		return TypeDir
	case tar.TypeSymlink:
		return TypeSymlink
	}
	return ""
}

func typeName(flag byte) string {
	switch flag {
	case tar.TypeLink:
		return "hard link"
	case tar.TypeChar:
		return "character device"
	case tar.TypeBlock:
		return "block device"
	case tar.TypeFifo:
		return "named pipe"
	}
	return fmt.Sprintf("tar type %q", flag)
}

// sourceReader remembers a read error, so that a failure to decompress (a
// damaged archive) is told apart from a failure to write (a full disk).
type sourceReader struct {
	r   io.Reader
	err error
}

func (s *sourceReader) Read(p []byte) (int, error) {
	n, err := s.r.Read(p)
	if err != nil && err != io.EOF {
		s.err = err
	}
	return n, err
}
