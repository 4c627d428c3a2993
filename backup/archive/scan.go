package archive

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"time"

	"datasynth.dev/verify"
	"golang.org/x/sync/errgroup"
)

// ErrUnsupportedFile marks a folder entry that cannot be backed up: a device,
// pipe, socket, or a link leaving the folder.
var ErrUnsupportedFile = errors.New("unsupported file")

// Scan walks root and returns its manifest, hashing files on all cores.
// Entries are in lexical order, parents before children.
func Scan(ctx context.Context, root, kind string, now time.Time) (*Manifest, error) {
	if abs, err := filepath.Abs(root); err == nil {
		root = abs
	}
	m := &Manifest{Format: Format, Kind: kind, Source: root, CreatedAt: now.UTC().Truncate(time.Second)}
	if fi, err := os.Stat(root); err == nil {
		m.RootMode = Mode(fi.Mode().Perm())
	}
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if p == root {
			return nil
		}
		rel, err := filepath.Rel(root, p)
		if err != nil {
			return err
		}
		rel = filepath.ToSlash(rel)
		if rel == ManifestName {
			return fmt.Errorf("%s: %w: the name is reserved for the backup manifest; rename or remove it", p, ErrUnsupportedFile)
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		e := Entry{Path: rel, Mode: Mode(info.Mode().Perm())}
		switch t := info.Mode().Type(); {
		case t == 0:
			e.Type = TypeFile
			e.Size = info.Size()
		case t == fs.ModeDir:
			e.Type = TypeDir
		case t == fs.ModeSymlink:
			e.Type = TypeSymlink
			e.Mode = 0o777
			if e.Link, err = os.Readlink(p); err != nil {
				return err
			}
			if err := CheckLink(rel, filepath.ToSlash(e.Link)); err != nil {
				return fmt.Errorf("%s: %w: %v; replace the link with the file it points to", p, ErrUnsupportedFile, err)
			}
			e.Link = filepath.ToSlash(e.Link)
		default:
			return fmt.Errorf("%s: %w: it is a %s, not a file, folder or link; move it out of the folder", p, ErrUnsupportedFile, verify.TypeName(t))
		}
		m.Entries = append(m.Entries, e)
		return nil
	})
	if err != nil {
		return nil, err
	}
	if err := CheckLinks(m.Entries); err != nil {
		return nil, fmt.Errorf("%s: %w: %v; replace the link with the file it points to", root, ErrUnsupportedFile, err)
	}
	if err := hashAll(ctx, root, m.Entries); err != nil {
		return nil, err
	}
	for _, e := range m.Entries {
		if e.Type == TypeFile {
			m.Files++
			m.Bytes += e.Size
		}
	}
	return m, nil
}

// ScanFiles returns the manifest of an archive holding the given files
// under their base names, as for generation configs gathered from several
// folders. Two files with the same base name are refused.
func ScanFiles(ctx context.Context, files []string, kind string, now time.Time) (*Manifest, error) {
	m := &Manifest{Format: Format, Kind: kind, Source: strings.Join(files, ","), CreatedAt: now.UTC().Truncate(time.Second)}
	seen := map[string]string{}
	for _, f := range files {
		base := filepath.Base(f)
		if prev, ok := seen[base]; ok {
			return nil, fmt.Errorf("%s and %s: both would be stored as %q; rename one", prev, f, base)
		}
		seen[base] = f
		info, err := os.Stat(f)
		if err != nil {
			return nil, err
		}
		if !info.Mode().IsRegular() {
			return nil, fmt.Errorf("%s: %w: not a regular file", f, ErrUnsupportedFile)
		}
		if err := CheckPath(base); err != nil {
			return nil, fmt.Errorf("%s: %w: %v", f, ErrUnsupportedFile, err)
		}
		m.Entries = append(m.Entries, Entry{Path: base, Type: TypeFile, Mode: Mode(info.Mode().Perm()), Size: info.Size(), src: f})
	}
	slices.SortFunc(m.Entries, func(a, b Entry) int { return strings.Compare(a.Path, b.Path) })
	if err := hashAll(ctx, "", m.Entries); err != nil {
		return nil, err
	}
	for _, e := range m.Entries {
		m.Files++
		m.Bytes += e.Size
	}
	return m, nil
}

func (e *Entry) source(root string) string {
	if e.src != "" {
		return e.src
	}
	return filepath.Join(root, filepath.FromSlash(e.Path))
}

func hashAll(ctx context.Context, root string, entries []Entry) error {
	g, ctx := errgroup.WithContext(ctx)
	g.SetLimit(runtime.GOMAXPROCS(0))
	for i := range entries {
		if entries[i].Type != TypeFile {
			continue
		}
		e := &entries[i]
		g.Go(func() error {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			sum, n, err := verify.HashFile(e.source(root))
			if err != nil {
				return err
			}
			e.SHA256, e.Size = sum, n
			return nil
		})
	}
	return g.Wait()
}
