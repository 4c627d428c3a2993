package server

import (
	"archive/tar"
	"bufio"
	"bytes"
	"compress/gzip"
	crand "crypto/rand"
	"encoding/binary"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"os"
	"path"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"datasynth.dev/engine/config"
	"datasynth.dev/engine/generate"
	"datasynth.dev/engine/ledger"
	"datasynth.dev/verify/manifest"
)

// bulkRequest is the body of POST /api/generate/bulk and /plan. Pointers
// tell "not given" from zero values.
type bulkRequest struct {
	EntryCount        *int64  `json:"entry_count"`
	IncludeMasterData *bool   `json:"include_master_data"`
	InjectAnomalies   *bool   `json:"inject_anomalies"`
	Seed              *uint64 `json:"seed"`
}

// plan is a checked bulk request: the effective config and seed.
type plan struct {
	cfg       *config.Config
	seed      uint64
	seedDrawn bool
}

// plan derives the effective config of a request from the config in use:
// inject_anomalies sets fraud.enabled, entry_count rescales the companies
// (config.WithTotalEntries) and the seed is the request's, else the
// config's, else a random one. The effective config always carries its
// seed, so its YAML reproduces the data with datasynth-data.
func (s *Server) plan(req *bulkRequest) (*plan, *reqError) {
	l := s.cfg.Load()
	if l == nil {
		return nil, &reqError{http.StatusServiceUnavailable, apiError{Code: "no_config",
			Message: "no valid config is loaded; POST /api/config or fix the file and reload"}}
	}
	base := *l.cfg
	if req.InjectAnomalies != nil {
		base.Fraud.Enabled = *req.InjectAnomalies
	}
	n := base.TotalEntries()
	if req.EntryCount != nil && *req.EntryCount != 0 {
		n = *req.EntryCount
		if n < 0 {
			return nil, badRequest("invalid_field", "entry_count", "entry_count %d is negative; give a count of journal entries, or 0 for the config's own %d", n, base.TotalEntries())
		}
		if k := int64(len(base.Companies)); n < k {
			return nil, badRequest("invalid_field", "entry_count", "entry_count %d is below the %d companies of the config; every company gets at least one entry", n, k)
		}
	}
	if n > s.opts.MaxBulkEntries {
		if req.EntryCount == nil || *req.EntryCount == 0 {
			return nil, badRequest("invalid_field", "entry_count", "the config describes %d entries, above the limit of %d (--max-bulk-entries); send a smaller entry_count", n, s.opts.MaxBulkEntries)
		}
		return nil, badRequest("invalid_field", "entry_count", "entry_count %d is above the limit of %d (--max-bulk-entries)", n, s.opts.MaxBulkEntries)
	}
	eff, err := base.WithTotalEntries(n)
	if err != nil {
		return nil, badRequest("invalid_field", "entry_count", "entry_count %d: %v", n, err)
	}
	p := &plan{cfg: eff}
	switch {
	case req.Seed != nil:
		p.seed = *req.Seed
	case eff.Global.HasSeed:
		p.seed = eff.Global.Seed
	default:
		var b [8]byte
		_, _ = crand.Read(b[:])
		p.seed, p.seedDrawn = binary.BigEndian.Uint64(b[:])>>1, true
	}
	eff.Global.Seed, eff.Global.HasSeed = p.seed, true
	return p, nil
}

type planBody struct {
	Entries          int64         `json:"entries"`
	Seed             uint64        `json:"seed"`
	SeedDrawn        bool          `json:"seed_drawn"`
	ConfigHash       string        `json:"config_hash"`
	GeneratorVersion string        `json:"generator_version"`
	Companies        []companyView `json:"companies"`
	ConfigYAML       string        `json:"config_yaml"`
}

func (p *plan) body() planBody {
	b := planBody{
		Entries: p.cfg.TotalEntries(), Seed: p.seed, SeedDrawn: p.seedDrawn, ConfigHash: p.cfg.Hash(p.seed),
		GeneratorVersion: generate.GeneratorVersion, ConfigYAML: string(p.cfg.YAML()),
	}
	for _, co := range p.cfg.Companies {
		b.Companies = append(b.Companies, companyView{co.Code, co.Name, co.Currency, co.Country, co.Entries(p.cfg.Global.PeriodMonths)})
	}
	return b
}

func (s *Server) handlePlan(w http.ResponseWriter, r *http.Request) {
	var req bulkRequest
	if e := decodeJSON(r, &req); e != nil {
		e.write(w, r)
		return
	}
	p, e := s.plan(&req)
	if e != nil {
		e.write(w, r)
		return
	}
	writeJSON(w, http.StatusOK, p.body())
}

// Bulk output formats, chosen by the Accept header.
const (
	formatNDJSON = "application/x-ndjson"
	formatCSV    = "text/csv"
	formatTarGz  = "application/gzip"
)

var formatAliases = map[string]string{
	"application/x-ndjson": formatNDJSON, "application/jsonl": formatNDJSON, "application/ndjson": formatNDJSON,
	"text/csv":         formatCSV,
	"application/gzip": formatTarGz, "application/x-gzip": formatTarGz, "application/x-tar+gzip": formatTarGz,
	"application/x-gtar": formatTarGz,
}

// negotiate picks the bulk format from an Accept header: the supported
// type with the highest q, the earliest on a tie; */* and no header mean
// NDJSON. ok is false when nothing acceptable is supported.
func negotiate(accept string) (string, bool) {
	if strings.TrimSpace(accept) == "" {
		return formatNDJSON, true
	}
	best, bestQ := "", 0.0
	for _, part := range strings.Split(accept, ",") {
		mt, params, err := mime.ParseMediaType(strings.TrimSpace(part))
		if err != nil {
			continue
		}
		q := 1.0
		if v, ok := params["q"]; ok {
			if f, err := strconv.ParseFloat(v, 64); err == nil {
				q = f
			}
		}
		f := formatAliases[mt]
		if mt == "*/*" || mt == "application/*" {
			f = formatNDJSON
		}
		if f != "" && q > bestQ {
			best, bestQ = f, q
		}
	}
	return best, best != ""
}

func (s *Server) handleBulk(w http.ResponseWriter, r *http.Request) {
	var req bulkRequest
	if e := decodeJSON(r, &req); e != nil {
		e.write(w, r)
		return
	}
	format, ok := negotiate(r.Header.Get("Accept"))
	if !ok {
		writeError(w, r, http.StatusNotAcceptable, "not_acceptable",
			fmt.Sprintf("Accept %q names no format this endpoint writes; ask for %s, %s or %s", r.Header.Get("Accept"), formatNDJSON, formatCSV, formatTarGz), "")
		return
	}
	master := req.IncludeMasterData != nil && *req.IncludeMasterData
	switch {
	case format == formatCSV && master:
		badRequest("invalid_field", "include_master_data", "text/csv carries journal entries only; ask for %s or %s to include master data", formatNDJSON, formatTarGz).write(w, r)
		return
	case format == formatTarGz && req.IncludeMasterData != nil && !*req.IncludeMasterData:
		badRequest("invalid_field", "include_master_data", "the %s archive is always the whole dataset as datasynth-data writes it; drop include_master_data or ask for %s", formatTarGz, formatNDJSON).write(w, r)
		return
	}
	p, e := s.plan(&req)
	if e != nil {
		e.write(w, r)
		return
	}
	select {
	case s.bulkJobs <- struct{}{}:
	default:
		s.metrics.BulkRejected.Add(1)
		w.Header().Set("Retry-After", "5")
		writeError(w, r, http.StatusServiceUnavailable, "busy",
			fmt.Sprintf("%d bulk jobs are running, the limit (--max-bulk-jobs); retry in 5 s", s.opts.MaxBulkJobs), "")
		return
	}
	s.metrics.BulkActive.Add(1)
	defer func() {
		s.metrics.BulkActive.Add(-1)
		<-s.bulkJobs
	}()

	h := w.Header()
	h.Set("X-Datasynth-Seed", strconv.FormatUint(p.seed, 10))
	h.Set("X-Datasynth-Config-Hash", p.cfg.Hash(p.seed))
	h.Set("X-Datasynth-Entries", strconv.FormatInt(p.cfg.TotalEntries(), 10))
	h.Set("X-Datasynth-Generator-Version", generate.GeneratorVersion)
	start := time.Now()
	var err error
	if format == formatTarGz {
		err = s.writeArchive(w, r, p)
	} else {
		err = s.writeJournal(w, r, p, format, master)
	}
	switch {
	case err == nil:
		s.log.Info("bulk done", "request_id", info(r).id, "format", format, "entries", p.cfg.TotalEntries(), "seed", p.seed, "elapsed", time.Since(start))
	case r.Context().Err() != nil:
		s.log.Info("bulk stopped: the client went away or the server is shutting down", "request_id", info(r).id, "format", format, "elapsed", time.Since(start))
	default:
		s.log.Error("bulk failed", "request_id", info(r).id, "format", format, "error", err)
	}
}

// deadlineWriter gives every write to the client WriteTimeout to complete.
type deadlineWriter struct {
	w       io.Writer
	rc      *http.ResponseController
	timeout time.Duration
}

func (d deadlineWriter) Write(p []byte) (int, error) {
	_ = d.rc.SetWriteDeadline(time.Now().Add(d.timeout))
	return d.w.Write(p)
}

// streamBuffer is the write buffer of bulk responses.
const streamBuffer = 256 << 10

// writeJournal streams journal entries as CSV (journal_entries.csv byte for
// byte) or NDJSON. After the headers are sent a failure can only cut the
// connection, so that a truncated body never looks complete.
func (s *Server) writeJournal(w http.ResponseWriter, r *http.Request, p *plan, format string, master bool) error {
	ctx := r.Context()
	opts := generate.StreamOptions{Config: p.cfg, Seed: p.seed, Threads: s.opts.BulkThreads}
	if format == formatCSV {
		w.Header().Set("Content-Type", "text/csv; charset=utf-8")
		w.Header().Set("Content-Disposition", `attachment; filename="journal_entries.csv"`)
	} else {
		w.Header().Set("Content-Type", formatNDJSON)
	}
	w.WriteHeader(http.StatusOK)
	bw := bufio.NewWriterSize(deadlineWriter{w, http.NewResponseController(w), s.opts.WriteTimeout}, streamBuffer)
	fail := func(err error) error {
		if ctx.Err() == nil {
			s.log.Error("bulk stream failed after its headers; cutting the connection", "request_id", info(r).id, "error", err)
			panic(http.ErrAbortHandler)
		}
		return err
	}

	if format == formatCSV {
		if _, err := bw.Write(generate.JournalHeader()); err != nil {
			return fail(err)
		}
	}
	if master {
		var line []byte
		err := generate.MasterData(ctx, opts, func(t *generate.MasterTable, row []byte) error {
			var err error
			line, err = masterJSON(line[:0], t, row)
			if err != nil {
				return err
			}
			_, err = bw.Write(line)
			return err
		})
		if err != nil {
			return fail(err)
		}
	}
	var enc ledger.EntryEncoder
	var line []byte
	writeEntry := func(entry []byte) error {
		line = append(line[:0], `{"type":"journal_entry","data":`...)
		line = append(line, entry...)
		line = append(line, "}\n"...)
		_, err := bw.Write(line)
		return err
	}
	_, err := generate.Journal(ctx, opts, func(b *ledger.Block) error {
		var err error
		if format == formatCSV {
			_, err = bw.Write(b.CSV)
		} else {
			err = enc.Encode(b.CSV, writeEntry)
		}
		if err != nil {
			return err
		}
		s.metrics.EntriesBulk.Add(b.Entries)
		s.metrics.Anomalies.Add(b.Fraud)
		return nil
	})
	if err == nil {
		err = bw.Flush()
	}
	if err != nil {
		return fail(err)
	}
	return nil
}

// masterJSON appends one NDJSON line for a master-data row: every field a
// string, exactly as in the CSV.
func masterJSON(dst []byte, t *generate.MasterTable, row []byte) ([]byte, error) {
	rec, err := csv.NewReader(bytes.NewReader(row)).Read()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", t.Path, err)
	}
	if len(rec) != len(t.Columns) {
		return nil, fmt.Errorf("%s: a row has %d fields, want %d", t.Path, len(rec), len(t.Columns))
	}
	dst = append(dst, `{"type":"master_data","table":`...)
	dst = appendJSON(dst, t.Name)
	dst = append(dst, `,"data":{`...)
	for i, c := range t.Columns {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = appendJSON(dst, c)
		dst = append(dst, ':')
		dst = appendJSON(dst, rec[i])
	}
	return append(dst, "}}\n"...), nil
}

func appendJSON(dst []byte, s string) []byte {
	b, _ := json.Marshal(s) // a string always encodes
	return append(dst, b...)
}

// writeArchive generates the dataset with generate.Run into a staging
// folder under WorkDir, exactly as datasynth-data does, then sends it as a
// tar.gz under one top-level folder. The staging folder is removed.
func (s *Server) writeArchive(w http.ResponseWriter, r *http.Request, p *plan) error {
	ctx := r.Context()
	stage, err := os.MkdirTemp(s.opts.WorkDir, ".datasynth-bulk-")
	if err != nil {
		writeError(w, r, http.StatusInsufficientStorage, "no_space", fmt.Sprintf("cannot stage the dataset in %s: %v", s.opts.WorkDir, err), "")
		return err
	}
	defer os.RemoveAll(stage)
	dir := filepath.Join(stage, "dataset")
	res, err := generate.Run(ctx, generate.Options{
		Config: p.cfg, Seed: p.seed, Output: dir, Threads: s.opts.BulkThreads,
		ProgramVersion: s.opts.Version, Logger: s.log,
	})
	if err != nil {
		switch {
		case ctx.Err() != nil:
		case errors.Is(err, syscall.ENOSPC):
			writeError(w, r, http.StatusInsufficientStorage, "no_space", fmt.Sprintf("the work folder %s ran out of space while staging the dataset", s.opts.WorkDir), "")
		default:
			writeError(w, r, http.StatusInternalServerError, "generation_failed", "generating the dataset failed; the request id identifies it in the server log", "")
		}
		return err
	}
	st := res.Manifest.Statistics
	s.metrics.EntriesBulk.Add(st.JournalEntries)
	s.metrics.Anomalies.Add(st.FraudEntries)

	top := "datasynth-" + p.cfg.Hash(p.seed)[:12]
	w.Header().Set("Content-Type", formatTarGz)
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="%s.tar.gz"`, top))
	w.WriteHeader(http.StatusOK)
	bw := bufio.NewWriterSize(deadlineWriter{w, http.NewResponseController(w), s.opts.WriteTimeout}, streamBuffer)
	if err := writeTarGz(bw, dir, top, res.Manifest); err != nil {
		if ctx.Err() == nil {
			s.log.Error("bulk archive failed after its headers; cutting the connection", "request_id", info(r).id, "error", err)
			panic(http.ErrAbortHandler)
		}
		return err
	}
	return nil
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
