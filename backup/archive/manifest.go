package archive

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"strconv"
	"strings"
	"time"
)

// ManifestName is the name of the manifest entry, always the first entry of
// an archive. Restore consumes it; it never appears in a restored folder.
const ManifestName = ".dsops-backup-manifest.json"

// Format identifies the manifest layout.
const Format = "dsops-backup-manifest/1"

// Entry types recorded in a manifest.
const (
	TypeFile    = "file"
	TypeDir     = "dir"
	TypeSymlink = "symlink"
)

// Manifest lists every entry of an archive with what restore must check.
type Manifest struct {
	Format    string    `json:"format"`
	Kind      string    `json:"kind"`
	Source    string    `json:"source"`
	CreatedAt time.Time `json:"created_at"`
	// RootMode is the permission set of the archived folder itself, given
	// back to the restored folder; zero (absent) for ScanFiles archives.
	RootMode Mode    `json:"root_mode,omitempty"`
	Files    int     `json:"files"`
	Bytes    int64   `json:"bytes"`
	Entries  []Entry `json:"entries"`
}

// Entry describes one file, folder or symbolic link. Path is slash-separated
// and relative to the archived folder.
type Entry struct {
	Path   string `json:"path"`
	Type   string `json:"type"`
	Mode   Mode   `json:"mode"`
	Size   int64  `json:"size,omitempty"`
	SHA256 string `json:"sha256,omitempty"`
	Link   string `json:"link,omitempty"`
	// src is where Write reads a file from when it is not under the
	// archived folder (ScanFiles).
	src string
}

func (e Entry) same(o Entry) bool {
	return e.Path == o.Path && e.Type == o.Type && e.Mode == o.Mode && e.Size == o.Size && e.SHA256 == o.SHA256 && e.Link == o.Link
}

// Mode is a permission set (the 0777 bits; set-id and sticky bits are not
// kept), written in JSON as an octal string ("0644") so a
// person reading the manifest sees what ls would show.
type Mode fs.FileMode

// MarshalJSON writes the mode as a four-digit octal string.
func (m Mode) MarshalJSON() ([]byte, error) {
	return json.Marshal(fmt.Sprintf("%04o", uint32(m)))
}

// UnmarshalJSON reads an octal string written by MarshalJSON.
func (m *Mode) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	v, err := strconv.ParseUint(s, 8, 32)
	if err != nil || v > 0o777 {
		return fmt.Errorf("mode %q is not an octal permission set", s)
	}
	*m = Mode(v)
	return nil
}

// SameContent reports whether two manifests describe the same tree: the same
// paths, types, modes, sizes, checksums and link targets. Creation time and
// source folder are ignored.
func (m *Manifest) SameContent(o *Manifest) bool {
	if m == nil || o == nil || len(m.Entries) != len(o.Entries) {
		return false
	}
	for i := range m.Entries {
		if !m.Entries[i].same(o.Entries[i]) {
			return false
		}
	}
	return true
}

// ErrInvalidManifest marks a manifest that cannot be trusted.
var ErrInvalidManifest = errors.New("invalid backup manifest")

// ParseManifest decodes and checks a manifest. name is used in errors.
func ParseManifest(name string, r io.Reader) (*Manifest, error) {
	data, err := io.ReadAll(io.LimitReader(r, 256<<20))
	if err != nil {
		return nil, fmt.Errorf("%s: reading manifest: %w", name, err)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var m Manifest
	if err := dec.Decode(&m); err != nil {
		return nil, fmt.Errorf("%s: %w: %v", name, ErrInvalidManifest, err)
	}
	if err := m.check(); err != nil {
		return nil, fmt.Errorf("%s: %w: %v", name, ErrInvalidManifest, err)
	}
	return &m, nil
}

func (m *Manifest) check() error {
	if m.Format != Format {
		return fmt.Errorf("format is %q, this program reads %q", m.Format, Format)
	}
	seen := make(map[string]bool, len(m.Entries))
	files := 0
	var size int64
	for i, e := range m.Entries {
		if err := CheckPath(e.Path); err != nil {
			return fmt.Errorf("entries[%d]: %v", i, err)
		}
		if seen[e.Path] {
			return fmt.Errorf("entries[%d]: %q is listed twice", i, e.Path)
		}
		seen[e.Path] = true
		switch e.Type {
		case TypeFile:
			if len(e.SHA256) != 64 || strings.Trim(e.SHA256, "0123456789abcdef") != "" {
				return fmt.Errorf("entries[%d]: %q has no valid sha256", i, e.Path)
			}
			if e.Size < 0 {
				return fmt.Errorf("entries[%d]: %q has a negative size", i, e.Path)
			}
			files++
			size += e.Size
		case TypeDir:
		case TypeSymlink:
			if err := CheckLink(e.Path, e.Link); err != nil {
				return fmt.Errorf("entries[%d]: %v", i, err)
			}
		default:
			return fmt.Errorf("entries[%d]: %q has unknown type %q", i, e.Path, e.Type)
		}
	}
	if files != m.Files || size != m.Bytes {
		return fmt.Errorf("totals say %d files and %d bytes, entries add up to %d files and %d bytes", m.Files, m.Bytes, files, size)
	}
	return nil
}

// CheckPath rejects a path that is not a clean, relative, slash-separated
// path inside the archived folder: absolute paths, ".." components and the
// manifest's own name.
func CheckPath(p string) error {
	switch {
	case p == "" || p == ".":
		return fmt.Errorf("empty path")
	case strings.HasPrefix(p, "/"):
		return fmt.Errorf("%q is an absolute path", p)
	case path.Clean(p) != p:
		return fmt.Errorf("%q is not a clean path", p)
	case p == ".." || strings.HasPrefix(p, "../"):
		return fmt.Errorf("%q climbs out of the folder (a \"..\" component)", p)
	case p == ManifestName:
		return fmt.Errorf("%q is reserved for the manifest", p)
	}
	return nil
}

// CheckLink rejects a symbolic link at p whose target is absolute or leaves
// the folder when resolved from p's folder.
func CheckLink(p, target string) error {
	if target == "" {
		return fmt.Errorf("symbolic link %q has no target", p)
	}
	if path.IsAbs(target) {
		return fmt.Errorf("symbolic link %q points to absolute path %q", p, target)
	}
	resolved := path.Join(path.Dir(p), target)
	if resolved == ".." || strings.HasPrefix(resolved, "../") {
		return fmt.Errorf("symbolic link %q points to %q, outside the folder", p, target)
	}
	return nil
}
