package archive

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"datasynth.dev/verify"
)

// ManifestName is the name of the manifest entry, always the first entry of
// an archive. Restore consumes it; it never appears in a restored folder.
const ManifestName = ".dsops-backup-manifest.json"

// Format identifies the manifest layout.
const Format = "dsops-backup-manifest/1"

// MaxManifestBytes bounds the manifest this package writes and reads. A
// manifest takes about 200 bytes a file, so the bound allows some 150,000
// files; a crafted archive cannot make restore read, and hold in memory,
// more than this before anything is checked.
const MaxManifestBytes = 32 << 20

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
//
// Path and Link hold the names' bytes exactly as the file system gave them.
// JSON strings can only hold UTF-8, and Linux allows any bytes but "/" and
// NUL in a name, so a name that is not valid UTF-8 is written as
// "path_base64" (or "link_base64") beside a readable "path" in which each
// invalid byte shows as U+FFFD. Readers use the base64 form when it is there.
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

// entryJSON is Entry as it is stored.
type entryJSON struct {
	Path       string `json:"path"`
	PathBase64 string `json:"path_base64,omitempty"`
	Type       string `json:"type"`
	Mode       Mode   `json:"mode"`
	Size       int64  `json:"size,omitempty"`
	SHA256     string `json:"sha256,omitempty"`
	Link       string `json:"link,omitempty"`
	LinkBase64 string `json:"link_base64,omitempty"`
}

// MarshalJSON stores names losslessly (see Entry).
func (e Entry) MarshalJSON() ([]byte, error) {
	j := entryJSON{Type: e.Type, Mode: e.Mode, Size: e.Size, SHA256: e.SHA256}
	j.Path, j.PathBase64 = verify.JSONName(e.Path)
	j.Link, j.LinkBase64 = verify.JSONName(e.Link)
	return json.Marshal(j)
}

// UnmarshalJSON reads what MarshalJSON wrote.
func (e *Entry) UnmarshalJSON(b []byte) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	var j entryJSON
	if err := dec.Decode(&j); err != nil {
		return err
	}
	p, err := decodeName("path", j.Path, j.PathBase64)
	if err != nil {
		return err
	}
	l, err := decodeName("link", j.Link, j.LinkBase64)
	if err != nil {
		return err
	}
	*e = Entry{Path: p, Type: j.Type, Mode: j.Mode, Size: j.Size, SHA256: j.SHA256, Link: l}
	return nil
}

func decodeName(field, shown, raw string) (string, error) {
	if raw == "" {
		return shown, nil
	}
	b, err := base64.StdEncoding.DecodeString(raw)
	if err != nil {
		return "", fmt.Errorf("%s_base64 %q: %v", field, raw, err)
	}
	if n := string(b); utf8.ValidString(n) || strings.ToValidUTF8(n, "\uFFFD") != shown {
		return "", fmt.Errorf("%s_base64 %q does not match %s %q", field, raw, field, shown)
	}
	return string(b), nil
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
	data, err := io.ReadAll(io.LimitReader(r, MaxManifestBytes+1))
	if err != nil {
		return nil, fmt.Errorf("%s: reading manifest: %w", name, err)
	}
	if len(data) > MaxManifestBytes {
		return nil, fmt.Errorf("%s: %w: the manifest is larger than the %d MiB this program reads", name, ErrInvalidManifest, MaxManifestBytes>>20)
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
	return CheckLinks(m.Entries)
}

// maxLinkHops bounds how many links one path may pass through, as the
// kernel's own limit (40) does, so a loop of links is refused rather than
// followed forever.
const maxLinkHops = 40

// CheckLinks follows every symbolic link in entries through the other links
// in entries, as the file system will once they are all restored, and
// rejects a link that ends outside the folder or in a loop. Checking each
// link's text alone is not enough: with d/l -> .. and m -> d/l/.., each
// target stays inside on its own, but m leads to the folder's parent.
func CheckLinks(entries []Entry) error {
	links := map[string]string{}
	for _, e := range entries {
		if e.Type == TypeSymlink {
			links[e.Path] = e.Link
		}
	}
	for _, e := range entries {
		if e.Type != TypeSymlink {
			continue
		}
		hops := 0
		// Joined as text: path.Join would clean "l/.." away before l is
		// followed.
		if _, err := resolve(links, path.Dir(e.Path)+"/"+e.Link, &hops); err != nil {
			return fmt.Errorf("symbolic link %q (-> %q): %v", e.Path, e.Link, err)
		}
	}
	return nil
}

// resolve returns where the relative path p leads from the folder's root
// ("" for the root itself) when every component that is a link in links is
// followed.
func resolve(links map[string]string, p string, hops *int) (string, error) {
	var cur []string
	for _, c := range strings.Split(p, "/") {
		switch c {
		case "", ".":
			continue
		case "..":
			if len(cur) == 0 {
				return "", fmt.Errorf("it leads outside the folder")
			}
			cur = cur[:len(cur)-1]
			continue
		}
		at := strings.Join(append(cur, c), "/")
		target, isLink := links[at]
		if !isLink {
			cur = append(cur, c)
			continue
		}
		if *hops++; *hops > maxLinkHops {
			return "", fmt.Errorf("it passes through more than %d links (a loop)", maxLinkHops)
		}
		if path.IsAbs(target) {
			return "", fmt.Errorf("it passes through %q, which points to the absolute path %q", at, target)
		}
		next, err := resolve(links, strings.Join(cur, "/")+"/"+target, hops)
		if err != nil {
			return "", err
		}
		cur = nil
		if next != "" {
			cur = strings.Split(next, "/")
		}
	}
	return strings.Join(cur, "/"), nil
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
