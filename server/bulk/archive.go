package bulk

import (
	"archive/tar"
	"bufio"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path"
	"path/filepath"
	"syscall"
	"time"

	"datasynth.dev/engine/generate"
	"datasynth.dev/server/httpapi"
	"datasynth.dev/verify/atomicfile"
	"datasynth.dev/verify/manifest"
	"github.com/dustin/go-humanize"
)

// Staged is a dataset that Stage generated into a staging folder under
// WorkDir, exactly as datasynth-data writes it. The folder stays claimed
// (and so safe from RemoveStale) until Remove.
type Staged struct {
	// Dir is the dataset folder; Top names it in an archive.
	Dir      string
	Top      string
	Manifest *manifest.Manifest
	tmp      *atomicfile.TempDir
}

// Remove deletes the staging folder.
func (st *Staged) Remove() { st.tmp.Remove() }

// Stage estimates the size of the dataset of p, holds that much of the
// work folder while it generates (refusing with 507 when that would leave
// less than MinFreeDisk free), and generates it with generate.Run into a
// new staging folder. A client's problem comes back as an
// *httpapi.RequestError; the end of ctx as its error; anything else is
// the server's.
func (s *Service) Stage(ctx context.Context, p *Plan) (*Staged, error) {
	need, err := estimate(ctx, p)
	if err != nil {
		return nil, err
	}
	release, rerr := s.reserve(need, p)
	if rerr != nil {
		return nil, rerr
	}
	defer release()
	tmp, err := atomicfile.MkdirTemp(s.opts.WorkDir, stagePrefix)
	if err != nil {
		return nil, &httpapi.RequestError{Status: http.StatusInsufficientStorage, Body: httpapi.Error{Code: "no_space",
			Message: fmt.Sprintf("cannot stage the dataset in %s: %v", s.opts.WorkDir, err)}}
	}
	dir := filepath.Join(tmp.Path, "dataset")
	res, err := generate.Run(ctx, generate.Options{
		Config: p.Config, Seed: p.Seed, Output: dir, Threads: s.opts.Threads,
		ProgramVersion: s.opts.ProgramVersion, Logger: s.opts.Log,
	})
	if err != nil {
		tmp.Remove()
		if errors.Is(err, syscall.ENOSPC) && ctx.Err() == nil {
			return nil, &httpapi.RequestError{Status: http.StatusInsufficientStorage, Body: httpapi.Error{Code: "no_space",
				Message: fmt.Sprintf("the work folder %s ran out of space while staging the dataset", s.opts.WorkDir)}}
		}
		return nil, err
	}
	return &Staged{Dir: dir, Top: "datasynth-" + p.Config.Hash(p.Seed)[:12], Manifest: res.Manifest, tmp: tmp}, nil
}

// CheckSpace tells, with Stage's 507, whether the dataset of p would fit
// in the work folder now, without holding the space: the job queue
// refuses up front what it could not stage.
func (s *Service) CheckSpace(ctx context.Context, p *Plan) error {
	need, err := estimate(ctx, p)
	if err != nil {
		return err
	}
	release, rerr := s.reserve(need, p)
	if rerr != nil {
		return rerr
	}
	release()
	return nil
}

// writeArchive stages the dataset of p and sends it as a tar.gz; the
// staging folder is removed after.
func (s *Service) writeArchive(w http.ResponseWriter, r *http.Request, p *Plan) error {
	st, err := s.Stage(r.Context(), p)
	if err != nil {
		s.stageFailed(w, r, err)
		return err
	}
	defer st.Remove()
	stats := st.Manifest.Statistics
	s.opts.Metrics.EntriesBulk.Add(stats.JournalEntries)
	s.opts.Metrics.Anomalies.Add(stats.FraudEntries)
	identify(w, p)
	return s.SendArchive(w, r, st)
}

// stageFailed answers a request whose staging failed, unless the client
// went away.
func (s *Service) stageFailed(w http.ResponseWriter, r *http.Request, err error) {
	var rerr *httpapi.RequestError
	switch {
	case errors.As(err, &rerr):
		rerr.Write(w)
	case r.Context().Err() != nil:
	default:
		httpapi.WriteError(w, http.StatusInternalServerError, "generation_failed", "generating the dataset failed; the request id identifies it in the server log", "")
	}
}

// SendArchive answers with a staged dataset as a tar.gz under one
// top-level folder. After the headers are sent a failure can only cut the
// connection, so that a truncated archive never looks complete.
func (s *Service) SendArchive(w http.ResponseWriter, r *http.Request, st *Staged) error {
	w.Header().Set("Content-Type", formatTarGz)
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="%s.tar.gz"`, st.Top))
	w.WriteHeader(http.StatusOK)
	bw := bufio.NewWriterSize(deadlineWriter{w, http.NewResponseController(w), s.opts.WriteTimeout}, streamBuffer)
	if err := writeTarGz(bw, st.Dir, st.Top, st.Manifest); err != nil {
		if r.Context().Err() == nil {
			s.opts.Log.Error("archive failed after its headers; cutting the connection", "request_id", httpapi.InfoOf(r).ID, "error", err)
			panic(http.ErrAbortHandler)
		}
		return err
	}
	return nil
}

// reserve holds need bytes of the work folder for a staging folder, or
// refuses with 507 when the free space, less what other stagings hold,
// would fall below MinFreeDisk. release gives the bytes back.
func (s *Service) reserve(need uint64, p *Plan) (release func(), _ *httpapi.RequestError) {
	free, err := s.opts.FreeBytes(s.opts.WorkDir)
	if err != nil {
		return nil, &httpapi.RequestError{Status: http.StatusInsufficientStorage, Body: httpapi.Error{Code: "no_space",
			Message: fmt.Sprintf("cannot measure the free space of the work folder %s: %v", s.opts.WorkDir, err)}}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	held := s.reserved
	if free < held || free-held < need || free-held-need < s.opts.MinFreeDisk {
		s.opts.Metrics.ArchivesRefused.Add(1)
		return nil, &httpapi.RequestError{Status: http.StatusInsufficientStorage, Body: httpapi.Error{Code: "no_space", Field: "entry_count",
			Message: fmt.Sprintf("the dataset of %d entries needs about %s staged in %s, which has %s free (%s of it held by stagings in progress), and --min-free-disk keeps %s free; "+
				"ask for fewer entries, or, from /api/generate/bulk, for NDJSON or CSV, which are not staged",
				p.Config.TotalEntries(), humanize.IBytes(need), s.opts.WorkDir, humanize.IBytes(free), humanize.IBytes(held), humanize.IBytes(s.opts.MinFreeDisk))}}
	}
	s.reserved += need
	return func() {
		s.mu.Lock()
		s.reserved -= need
		s.mu.Unlock()
	}, nil
}

// writeTarGz writes the files of a dataset folder, as listed by its
// manifest, and the manifest itself, under the folder top.
func writeTarGz(w *bufio.Writer, dir, top string, m *manifest.Manifest) error {
	gz, err := gzip.NewWriterLevel(w, gzip.BestSpeed)
	if err != nil {
		return err
	}
	tw := tar.NewWriter(gz)
	mtime := time.Now().UTC().Truncate(time.Second)
	dirs := map[string]bool{}
	addDir := func(name string) error {
		if dirs[name] {
			return nil
		}
		dirs[name] = true
		return tw.WriteHeader(&tar.Header{Typeflag: tar.TypeDir, Name: name + "/", Mode: 0o755, ModTime: mtime, Format: tar.FormatPAX})
	}
	if err := addDir(top); err != nil {
		return err
	}
	paths := make([]string, 0, len(m.OutputFiles)+1)
	for _, f := range m.OutputFiles {
		paths = append(paths, f.Path)
	}
	paths = append(paths, manifest.FileName)
	for _, rel := range paths {
		if d := path.Dir(rel); d != "." {
			if err := addDir(path.Join(top, d)); err != nil {
				return err
			}
		}
		if err := addFile(tw, filepath.Join(dir, filepath.FromSlash(rel)), path.Join(top, rel), mtime); err != nil {
			return err
		}
	}
	if err := tw.Close(); err != nil {
		return err
	}
	if err := gz.Close(); err != nil {
		return err
	}
	return w.Flush()
}

func addFile(tw *tar.Writer, file, name string, mtime time.Time) error {
	f, err := os.Open(file)
	if err != nil {
		return err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return err
	}
	if err := tw.WriteHeader(&tar.Header{Typeflag: tar.TypeReg, Name: name, Size: fi.Size(), Mode: 0o644, ModTime: mtime, Format: tar.FormatPAX}); err != nil {
		return err
	}
	_, err = io.Copy(tw, f)
	return err
}
