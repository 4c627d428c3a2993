package verify

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"datasynth.dev/verify/checksum"
	"datasynth.dev/verify/manifest"
)

// Options tune a check. The zero value is ready to use.
type Options struct {
	// Workers is how many files are hashed at once; zero means one per
	// available core (GOMAXPROCS).
	Workers int
	// StripPrefix is removed from every name in a checksum list before it
	// is matched against a folder, for lists made from outside the folder
	// (`sha256sum original-output/*.csv`). A name without the prefix is an
	// error.
	StripPrefix string
	// Logger receives progress and throughput at debug and info level; nil
	// discards them.
	Logger *slog.Logger
}

func (o Options) workers() int {
	if o.Workers > 0 {
		return o.Workers
	}
	return runtime.GOMAXPROCS(0)
}

func (o Options) logger() *slog.Logger {
	if o.Logger != nil {
		return o.Logger
	}
	return slog.New(slog.DiscardHandler)
}

// Kind is what a path is on one side.
type Kind int

// Kinds of entries. Only regular files have content that is compared.
const (
	File Kind = iota + 1
	Symlink
	Other
)

func (k Kind) String() string {
	switch k {
	case File:
		return "file"
	case Symlink:
		return "symlink"
	case Other:
		return "other"
	}
	return "unknown"
}

// Entry is one path on one side of a comparison.
type Entry struct {
	Kind Kind
	// Size is the length in bytes; -1 when the side does not know it (a
	// checksum list).
	Size int64
	// SHA256 is the lower-case hex digest, empty when the file was not
	// read (see the package comment for when that is).
	SHA256 string
	// Target is the text of a symbolic link.
	Target string
	// Dangling is true for a link whose target does not exist.
	Dangling bool
	// Mode holds the type bits of an Other entry (named pipe, socket,
	// device).
	Mode fs.FileMode
	// Err is why the entry could not be read, if it could not.
	Err error
}

// Source is one side of a comparison: a folder, or a set of expected
// checksums (a checksum list, a manifest, a lock).
type Source struct {
	// Role names the side in messages: ORIGINAL, RECOVERED, ...
	Role string
	// Name is the path as the user gave it.
	Name string
	// Kind describes the side: "folder", "checksum list", "run manifest"
	// or "lock file".
	Kind string
	// Entries maps slash-separated relative paths to what is there.
	Entries map[string]*Entry
	// BrokenDirs maps folders that could not be listed to the reason; the
	// paths below them are unknown.
	BrokenDirs map[string]error
	// Manifest is the folder's run_manifest.json when it has a valid one;
	// ManifestErr says why not otherwise (fs.ErrNotExist when absent).
	Manifest    *manifest.Manifest
	ManifestErr error

	fsys fs.FS
	root *os.Root
}

// Close releases the folder handle of a folder source.
func (s *Source) Close() error {
	if s.root == nil {
		return nil
	}
	return s.root.Close()
}

// IsFolder reports whether the side is a folder on disk.
func (s *Source) IsFolder() bool { return s.fsys != nil }

// Open opens the path name as one side of a comparison: a folder is walked,
// a file is read as a checksum list. role names the side in messages.
func Open(name, role string, opts Options) (*Source, error) {
	info, err := os.Stat(name)
	if err != nil {
		return nil, describeOpenError(name, role, "the dataset folder, or a checksum list made with sha256sum", err)
	}
	switch {
	case info.IsDir():
		return OpenFolder(name, role)
	case info.Mode().IsRegular():
		src, err := openList(name, role, opts)
		if err != nil {
			if errors.Is(err, checksum.ErrInvalid) {
				return nil, fmt.Errorf("%s %s is a file, not a folder, and not a checksum list either: %w; give a folder, or a list made with sha256sum", role, QuoteName(name), err)
			}
			return nil, fmt.Errorf("%s %s: %w", role, QuoteName(name), err)
		}
		return src, nil
	default:
		return nil, fmt.Errorf("%s %s is a %s, not a folder or a checksum list", role, QuoteName(name), TypeName(info.Mode()))
	}
}

// OpenFolder walks the folder name. It fails when name is not a folder or
// cannot be listed; files and subfolders that cannot be read are recorded in
// the Source instead.
func OpenFolder(name, role string) (*Source, error) {
	info, err := os.Stat(name)
	if err != nil {
		return nil, describeOpenError(name, role, "the dataset folder", err)
	}
	if !info.IsDir() {
		return nil, fmt.Errorf("%s %s is a file, not a folder; give the dataset folder", role, QuoteName(name))
	}
	root, err := os.OpenRoot(name)
	if err != nil {
		return nil, fmt.Errorf("%s %s: %w", role, QuoteName(name), err)
	}
	s, err := walkFolder(name, role, rootFS{root})
	if err != nil {
		root.Close()
		return nil, err
	}
	s.root = root
	return s, nil
}

// rootFS is root.FS() without fs.ValidPath's refusal of names that are not
// UTF-8: Linux names are bytes, and a dataset must be comparable whatever
// its names hold. Paths still go through the os.Root, so none leads out of
// the folder.
type rootFS struct{ r *os.Root }

func (f rootFS) Open(name string) (fs.File, error) { return f.r.Open(name) }

func (f rootFS) ReadDir(name string) ([]fs.DirEntry, error) {
	d, err := f.r.Open(name)
	if err != nil {
		return nil, err
	}
	defer d.Close()
	entries, err := d.ReadDir(-1)
	slices.SortFunc(entries, func(a, b fs.DirEntry) int { return strings.Compare(a.Name(), b.Name()) })
	return entries, err
}

func (f rootFS) ReadLink(name string) (string, error) { return f.r.Readlink(name) }

func (f rootFS) Lstat(name string) (fs.FileInfo, error) { return f.r.Lstat(name) }

// describeOpenError explains why name cannot be opened; want says what
// the user should give instead.
func describeOpenError(name, role, want string, err error) error {
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return fmt.Errorf("%s %s does not exist; give %s", role, QuoteName(name), want)
	case errors.Is(err, fs.ErrPermission):
		return fmt.Errorf("%s %s: permission denied; run as a user who can read it", role, QuoteName(name))
	}
	return fmt.Errorf("%s %s: %w", role, QuoteName(name), err)
}

// walkFolder lists fsys without following links. dir is the folder's path
// on disk, used for messages and to tell dangling links.
func walkFolder(dir, role string, fsys fs.FS) (*Source, error) {
	s := &Source{
		Role: role, Name: dir, Kind: "folder",
		Entries:     map[string]*Entry{},
		BrokenDirs:  map[string]error{},
		fsys:        fsys,
		ManifestErr: fs.ErrNotExist,
	}
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if p == "." {
				return err
			}
			s.BrokenDirs[p] = err
			return nil
		}
		if p == "." {
			return nil
		}
		switch t := d.Type(); {
		case t.IsDir():
			return nil
		case t.IsRegular():
			e := &Entry{Kind: File, Size: -1}
			if info, err := d.Info(); err != nil {
				e.Err = err
			} else {
				e.Size = info.Size()
			}
			s.Entries[p] = e
		case t&fs.ModeSymlink != 0:
			e := &Entry{Kind: Symlink, Size: -1}
			e.Target, e.Err = fs.ReadLink(fsys, p)
			if e.Err == nil {
				_, statErr := os.Stat(filepath.Join(dir, filepath.FromSlash(p)))
				e.Dangling = errors.Is(statErr, fs.ErrNotExist)
			}
			s.Entries[p] = e
		default:
			s.Entries[p] = &Entry{Kind: Other, Size: -1, Mode: t}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("%s %s cannot be listed: %w", role, QuoteName(dir), err)
	}
	s.readManifest()
	return s, nil
}

// maxManifestBytes bounds what is read as run_manifest.json; real manifests
// are a few kilobytes.
const maxManifestBytes = 64 << 20

// readManifest parses the folder's run_manifest.json, if it has one, and
// records its size and checksum so the file is not read a second time.
func (s *Source) readManifest() {
	e := s.Entries[manifest.FileName]
	if e == nil {
		return
	}
	if e.Kind != File || e.Err != nil {
		s.ManifestErr = fmt.Errorf("%s is not a readable regular file", manifest.FileName)
		return
	}
	if e.Size > maxManifestBytes {
		s.ManifestErr = fmt.Errorf("%s is %d bytes, too large to be a run manifest", manifest.FileName, e.Size)
		return
	}
	f, err := s.fsys.Open(manifest.FileName)
	if err != nil {
		e.Err, s.ManifestErr = err, err
		return
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxManifestBytes+1))
	if err != nil {
		e.Err, s.ManifestErr = err, err
		return
	}
	sum := sha256.Sum256(data)
	e.Size, e.SHA256 = int64(len(data)), hex.EncodeToString(sum[:])
	s.Manifest, s.ManifestErr = manifest.Parse(path.Join(s.Name, manifest.FileName), data)
}

// openList reads a checksum list into a Source.
func openList(name, role string, opts Options) (*Source, error) {
	data, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer data.Close()
	list, err := checksum.Parse(name, data)
	if err != nil {
		return nil, err
	}
	s := &Source{Role: role, Name: name, Kind: "checksum list", Entries: map[string]*Entry{}, ManifestErr: fs.ErrNotExist}
	lines := map[string]int{}
	for _, e := range list {
		p, msg := listPath(e.Name, opts.StripPrefix)
		if msg != "" {
			return nil, fmt.Errorf("%s:%d: %s", name, e.Line, msg)
		}
		if first, dup := lines[p]; dup {
			return nil, fmt.Errorf("%s:%d: %s names the same file as line %d", name, e.Line, QuoteName(e.Name), first)
		}
		lines[p] = e.Line
		s.Entries[p] = &Entry{Kind: File, Size: -1, SHA256: e.SHA256}
	}
	return s, nil
}

// listPath turns a name from a checksum list into a path relative to the
// folder it describes, or explains why it cannot.
func listPath(name, strip string) (string, string) {
	if strip != "" {
		rest, ok := strings.CutPrefix(name, strip)
		if !ok {
			return "", fmt.Sprintf("%s does not start with --strip-prefix %s", QuoteName(name), QuoteName(strip))
		}
		name = rest
	}
	if path.IsAbs(name) {
		return "", fmt.Sprintf("%s is an absolute path; names must be relative to the folder (make the list inside the folder, or remove the leading folders with --strip-prefix)", QuoteName(name))
	}
	p := path.Clean(name)
	if p == "." || p == ".." || strings.HasPrefix(p, "../") {
		return "", fmt.Sprintf("%s is not a file inside the folder", QuoteName(name))
	}
	return p, ""
}

// TypeName names the type of a file that is neither regular nor a folder.
func TypeName(m fs.FileMode) string {
	switch {
	case m&fs.ModeSymlink != 0:
		return "symbolic link"
	case m&fs.ModeNamedPipe != 0:
		return "named pipe"
	case m&fs.ModeSocket != 0:
		return "socket"
	case m&fs.ModeCharDevice != 0:
		return "character device"
	case m&fs.ModeDevice != 0:
		return "device"
	case m.IsDir():
		return "folder"
	case m.IsRegular():
		return "regular file"
	}
	return "special file"
}

// commonDir returns the first path element shared by every path, or "".
func commonDir(paths map[string]*Entry) string {
	var dir string
	for p := range paths {
		first, _, ok := strings.Cut(p, "/")
		if !ok || (dir != "" && first != dir) {
			return ""
		}
		dir = first
	}
	return dir
}

// QuoteName returns p unchanged when it can be read back from a line of
// output, and in Go double-quoted form when it has spaces, tabs, newlines,
// quotes, backslashes, control characters or invalid UTF-8.
func QuoteName(p string) string {
	if needsQuote(p) {
		return fmt.Sprintf("%q", p)
	}
	return p
}

func needsQuote(p string) bool {
	if p == "" || !utf8.ValidString(p) {
		return true
	}
	for _, r := range p {
		if r == ' ' || r == '"' || r == '\\' || !unicode.IsPrint(r) {
			return true
		}
	}
	return false
}
