package archive

import (
	"archive/tar"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"time"

	"github.com/klauspost/pgzip"

	"datasynth.dev/verify/atomicfile"
)

// DefaultLevel is the compression level used unless one is given. Level 5 of
// klauspost's deflate compresses typical generated CSV data to within a few
// per cent of gzip -6 at several times its speed (see docs/benchmarks.md).
const DefaultLevel = 5

// Options tune Write and Create.
type Options struct {
	// Level is a gzip level, 1 (fastest) to 9 (smallest); 0 means
	// DefaultLevel.
	Level int
	// Progress, if set, is called with the number of source bytes read since
	// the previous call.
	Progress func(n int64)
}

// ErrChanged marks a source file that changed between Scan and Write.
var ErrChanged = errors.New("file changed during backup")

// Info describes a finished archive file.
type Info struct {
	Path   string
	Size   int64
	SHA256 string
}

// Create writes the archive of root described by m to path, atomically, with
// permissions perm, and returns its size and SHA-256.
func Create(ctx context.Context, path, root string, m *Manifest, perm os.FileMode, opts Options) (Info, error) {
	f, err := atomicfile.Create(path, perm)
	if err != nil {
		return Info{}, err
	}
	defer f.Abort()
	h := sha256.New()
	cw := &countWriter{w: io.MultiWriter(f, h)}
	if err := Write(ctx, cw, root, m, opts); err != nil {
		return Info{}, err
	}
	if err := f.Commit(); err != nil {
		return Info{}, err
	}
	return Info{Path: path, Size: cw.n, SHA256: hex.EncodeToString(h.Sum(nil))}, nil
}

// Write streams the archive of root described by m to w.
func Write(ctx context.Context, w io.Writer, root string, m *Manifest, opts Options) error {
	level := opts.Level
	if level == 0 {
		level = DefaultLevel
	}
	zw, err := pgzip.NewWriterLevel(w, level)
	if err != nil {
		return fmt.Errorf("compression level %d: %w", level, err)
	}
	if err := zw.SetConcurrency(1<<20, 2*runtime.GOMAXPROCS(0)); err != nil {
		return err
	}
	tw := tar.NewWriter(zw)
	if err := writeEntries(ctx, tw, root, m, opts.Progress); err != nil {
		zw.Close()
		return err
	}
	if err := tw.Close(); err != nil {
		zw.Close()
		return err
	}
	return zw.Close()
}

func writeEntries(ctx context.Context, tw *tar.Writer, root string, m *Manifest, progress func(int64)) error {
	mj, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return err
	}
	if len(mj) > MaxManifestBytes {
		return fmt.Errorf("%s: %w: its %d entries need a %d MiB manifest, more than the %d MiB restore reads; archive fewer files (for example one folder per backup)", root, ErrUnsupportedFile, len(m.Entries), len(mj)>>20, MaxManifestBytes>>20)
	}
	mtime := m.CreatedAt
	if err := tw.WriteHeader(&tar.Header{
		Typeflag: tar.TypeReg, Name: ManifestName, Size: int64(len(mj)),
		Mode: 0o644, ModTime: mtime, Format: tar.FormatPAX,
	}); err != nil {
		return err
	}
	if _, err := tw.Write(mj); err != nil {
		return err
	}
	buf := make([]byte, 1<<20)
	for _, e := range m.Entries {
		if err := ctx.Err(); err != nil {
			return err
		}
		src := e.source(root)
		hdr := &tar.Header{Name: e.Path, Mode: int64(e.Mode), Format: tar.FormatPAX}
		if fi, err := os.Lstat(src); err == nil {
			hdr.ModTime = fi.ModTime().Truncate(time.Second)
		} else {
			return fmt.Errorf("%s: %w: %v", src, ErrChanged, err)
		}
		switch e.Type {
		case TypeDir:
			hdr.Typeflag, hdr.Name = tar.TypeDir, e.Path+"/"
			if err := tw.WriteHeader(hdr); err != nil {
				return err
			}
		case TypeSymlink:
			hdr.Typeflag, hdr.Linkname = tar.TypeSymlink, e.Link
			if err := tw.WriteHeader(hdr); err != nil {
				return err
			}
		case TypeFile:
			hdr.Typeflag, hdr.Size = tar.TypeReg, e.Size
			if err := tw.WriteHeader(hdr); err != nil {
				return err
			}
			if err := copyFile(tw, src, e, buf, progress); err != nil {
				return err
			}
		}
	}
	return nil
}

// copyFile copies exactly e.Size bytes of src into w and checks that they
// hash to e.SHA256 and that the file has no more bytes.
func copyFile(w io.Writer, src string, e Entry, buf []byte, progress func(int64)) error {
	f, err := os.Open(src)
	if err != nil {
		return fmt.Errorf("%s: %w: %v", src, ErrChanged, err)
	}
	defer f.Close()
	h := sha256.New()
	var r io.Reader = io.LimitReader(f, e.Size)
	if progress != nil {
		r = &progressReader{r: r, fn: progress}
	}
	n, err := io.CopyBuffer(io.MultiWriter(w, h), r, buf)
	if err != nil {
		return fmt.Errorf("archiving %s: %w", src, err)
	}
	var extra [1]byte
	if n != e.Size {
		return fmt.Errorf("%s: %w: it shrank from %d to %d bytes; run the backup again once the output is complete", src, ErrChanged, e.Size, n)
	}
	if k, _ := f.Read(extra[:]); k > 0 {
		return fmt.Errorf("%s: %w: it grew beyond %d bytes; run the backup again once the output is complete", src, ErrChanged, e.Size)
	}
	if got := hex.EncodeToString(h.Sum(nil)); got != e.SHA256 {
		return fmt.Errorf("%s: %w: its SHA-256 changed; run the backup again once the output is complete", src, ErrChanged)
	}
	return nil
}

type countWriter struct {
	w io.Writer
	n int64
}

func (c *countWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

type progressReader struct {
	r  io.Reader
	fn func(int64)
}

func (p *progressReader) Read(b []byte) (int, error) {
	n, err := p.r.Read(b)
	if n > 0 {
		p.fn(int64(n))
	}
	return n, err
}
