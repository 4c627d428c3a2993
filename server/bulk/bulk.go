package bulk

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"datasynth.dev/engine/config"
	"datasynth.dev/engine/generate"
	"datasynth.dev/engine/ledger"
	"datasynth.dev/server/httpapi"
	"datasynth.dev/server/metrics"
)

// Options configure a Service.
type Options struct {
	// Config returns the config in use; nil when none is loaded.
	Config  func() *config.Config
	Log     *slog.Logger
	Metrics *metrics.Set
	// WorkDir holds the staging folders of tar.gz responses. A staging
	// folder is refused when it would leave less than MinFreeDisk bytes
	// free there; FreeBytes measures the free space (nil: the file
	// system's, see FreeBytes).
	WorkDir     string
	MinFreeDisk uint64
	FreeBytes   func(dir string) (uint64, error)
	// MaxJobs bounds concurrent bulk generations; MaxEntries bounds
	// entry_count. Threads is the generating goroutines per job.
	MaxJobs    int
	MaxEntries int64
	Threads    int
	// WriteTimeout bounds each write of a response to the client.
	WriteTimeout   time.Duration
	ProgramVersion string
}

// Service answers bulk requests.
type Service struct {
	opts Options
	jobs chan struct{}

	mu       sync.Mutex
	reserved uint64 // bytes held by archives being staged
}

// New returns a Service.
func New(opts Options) *Service {
	if opts.FreeBytes == nil {
		opts.FreeBytes = FreeBytes
	}
	return &Service{opts: opts, jobs: make(chan struct{}, opts.MaxJobs)}
}

// Bulk answers, chosen by the Accept header: DataSynth's summary of a
// generation, or the data itself in one of three formats.
const (
	formatSummary = "application/json"
	formatNDJSON  = "application/x-ndjson"
	formatCSV     = "text/csv"
	formatTarGz   = "application/gzip"
)

var formatAliases = map[string]string{
	"application/json":     formatSummary,
	"application/x-ndjson": formatNDJSON, "application/jsonl": formatNDJSON, "application/ndjson": formatNDJSON,
	"text/csv":         formatCSV,
	"application/gzip": formatTarGz, "application/x-gzip": formatTarGz, "application/x-tar+gzip": formatTarGz,
	"application/x-gtar": formatTarGz,
}

// negotiate picks the bulk answer from an Accept header: the supported
// type with the highest q, the earliest on a tie. No header, */* and
// application/* mean the JSON summary, the answer DataSynth's clients
// expect; the data comes only to a client that asks for its format. ok is
// false when nothing acceptable is supported.
func negotiate(accept string) (string, bool) {
	if strings.TrimSpace(accept) == "" {
		return formatSummary, true
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
			f = formatSummary
		}
		if f != "" && q > bestQ {
			best, bestQ = f, q
		}
	}
	return best, best != ""
}

// HandleBulk serves POST /api/generate/bulk.
func (s *Service) HandleBulk(w http.ResponseWriter, r *http.Request) {
	var req Request
	if e := httpapi.DecodeJSON(r, &req); e != nil {
		e.Write(w)
		return
	}
	format, ok := negotiate(r.Header.Get("Accept"))
	if !ok {
		httpapi.WriteError(w, http.StatusNotAcceptable, "not_acceptable",
			fmt.Sprintf("Accept %q names no format this endpoint writes; ask for %s (a summary), %s, %s or %s", r.Header.Get("Accept"), formatSummary, formatNDJSON, formatCSV, formatTarGz), "")
		return
	}
	master := req.IncludeMasterData != nil && *req.IncludeMasterData
	switch {
	case format == formatCSV && master:
		httpapi.BadRequest("invalid_field", "include_master_data", "text/csv carries journal entries only; ask for %s or %s to include master data", formatNDJSON, formatTarGz).Write(w)
		return
	case format == formatTarGz && req.IncludeMasterData != nil && !*req.IncludeMasterData:
		httpapi.BadRequest("invalid_field", "include_master_data", "the %s archive is always the whole dataset as datasynth-data writes it; drop include_master_data or ask for %s", formatTarGz, formatNDJSON).Write(w)
		return
	}
	p, e := s.Plan(&req)
	if e != nil {
		e.Write(w)
		return
	}
	select {
	case s.jobs <- struct{}{}:
	default:
		s.opts.Metrics.BulkRejected.Add(1)
		w.Header().Set("Retry-After", "5")
		httpapi.WriteError(w, http.StatusServiceUnavailable, "busy",
			fmt.Sprintf("%d bulk jobs are running, the limit (--max-bulk-jobs); retry in 5 s", s.opts.MaxJobs), "")
		return
	}
	s.opts.Metrics.BulkActive.Add(1)
	defer func() {
		s.opts.Metrics.BulkActive.Add(-1)
		<-s.jobs
	}()

	start := time.Now()
	var err error
	switch format {
	case formatSummary:
		err = s.writeSummary(w, r, p, master)
	case formatTarGz:
		err = s.writeArchive(w, r, p)
	default:
		err = s.writeJournal(w, r, p, format, master)
	}
	switch {
	case err == nil:
		s.opts.Log.Info("bulk done", "request_id", httpapi.InfoOf(r).ID, "format", format, "entries", p.Config.TotalEntries(), "seed", p.Seed, "elapsed_seconds", time.Since(start).Seconds())
	case r.Context().Err() != nil:
		s.opts.Log.Info("bulk stopped: the client went away or the server is shutting down", "request_id", httpapi.InfoOf(r).ID, "format", format, "elapsed_seconds", time.Since(start).Seconds())
	default:
		s.opts.Log.Error("bulk failed", "request_id", httpapi.InfoOf(r).ID, "format", format, "error", err)
	}
}

// Acquire waits for one of the MaxJobs generation slots, which bulk
// requests share with the job queue, until ctx ends. A bulk request does
// not wait: it is refused with 503 when every slot is taken.
func (s *Service) Acquire(ctx context.Context) (release func(), err error) {
	select {
	case s.jobs <- struct{}{}:
		return func() { <-s.jobs }, nil
	case <-ctx.Done():
		return nil, context.Cause(ctx)
	}
}

// identify sets the headers that identify the data of a response: they go
// only on a 200, before its body.
func identify(w http.ResponseWriter, p *Plan) {
	h := w.Header()
	h.Set("X-Datasynth-Seed", strconv.FormatUint(p.Seed, 10))
	h.Set("X-Datasynth-Config-Hash", p.Config.Hash(p.Seed))
	h.Set("X-Datasynth-Entries", strconv.FormatInt(p.Config.TotalEntries(), 10))
	h.Set("X-Datasynth-Generator-Version", generate.GeneratorVersion)
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
func (s *Service) writeJournal(w http.ResponseWriter, r *http.Request, p *Plan, format string, master bool) error {
	ctx := r.Context()
	opts := generate.StreamOptions{Config: p.Config, Seed: p.Seed, Threads: s.opts.Threads}
	if format == formatCSV {
		w.Header().Set("Content-Type", "text/csv; charset=utf-8")
		w.Header().Set("Content-Disposition", `attachment; filename="journal_entries.csv"`)
	} else {
		w.Header().Set("Content-Type", formatNDJSON)
	}
	identify(w, p)
	w.WriteHeader(http.StatusOK)
	bw := bufio.NewWriterSize(deadlineWriter{w, http.NewResponseController(w), s.opts.WriteTimeout}, streamBuffer)
	fail := func(err error) error {
		if ctx.Err() == nil {
			s.opts.Log.Error("bulk stream failed after its headers; cutting the connection", "request_id", httpapi.InfoOf(r).ID, "error", err)
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
			err = enc.Encode(b, writeEntry)
		}
		if err != nil {
			return err
		}
		s.opts.Metrics.EntriesBulk.Add(b.Entries)
		s.opts.Metrics.Anomalies.Add(b.Fraud)
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
