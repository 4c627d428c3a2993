// Package jobs serves DataSynth's job API: POST /api/jobs/submit, GET
// /api/jobs, GET /api/jobs/{id} and POST /api/jobs/{id}/cancel, with its
// request and answer fields, and GET /api/jobs/{id}/download, which
// DataSynth lacks: the dataset of a completed job as a tar.gz.
//
// A job generates one whole dataset, exactly as datasynth-data does, from
// a config given in the request, the embedded demo config, or the config
// in use. What it may cost is bounded as a bulk request's is: its entries
// by --max-bulk-entries, its disk by the same estimate and
// --min-free-disk (a job that would not fit now is refused with 507 when
// submitted; one that no longer fits when it starts fails), and its CPU
// by the generation slots (--max-bulk-jobs) it shares with bulk requests:
// a job waits in the queue for a slot, in submission order, where a bulk
// request would be refused. The jobs held at once (queued, running, or
// finished and kept) are capped by MaxJobs.
//
// A finished job, its dataset included, is kept for TTL after it ends,
// then forgotten: its id answers 404. Jobs live in memory and their
// datasets in staging folders of the work folder, so a restart loses them
// all (the folders are removed when the server starts again); clients
// resubmit. The server's job answers say so.
//
// jobs uses bulk for plans, slots, staging and archives, httpapi for its
// answers and metrics for synth_jobs and synth_jobs_ended_total.
package jobs

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"sync"
	"time"

	"datasynth.dev/engine/config"
	"datasynth.dev/server/bulk"
	"datasynth.dev/server/httpapi"
	"datasynth.dev/server/metrics"
	"github.com/google/uuid"
)

// States of a job, DataSynth's names.
const (
	Queued    = "queued"
	Running   = "running"
	Completed = "completed"
	Failed    = "failed"
	Cancelled = "cancelled"
)

// Options configure a Queue.
type Options struct {
	Bulk *bulk.Service
	// Config returns the config in use; nil when none is loaded.
	Config  func() *config.Config
	Log     *slog.Logger
	Metrics *metrics.Set
	// TTL is how long a finished job and its dataset are kept.
	TTL time.Duration
	// MaxJobs caps the jobs held at once; MaxEntries the journal entries
	// of one job.
	MaxJobs    int
	MaxEntries int64
	// AfterFunc runs f after d, as time.AfterFunc does, and returns what
	// stops it (nil: time.AfterFunc; tests set it to expire jobs when
	// they choose).
	AfterFunc func(d time.Duration, f func()) (stop func() bool)
}

// Queue holds the jobs.
type Queue struct {
	opts   Options
	ctx    context.Context // parent of every job; ends at Shutdown
	cancel context.CancelFunc

	mu   sync.Mutex
	jobs map[string]*job
	wg   sync.WaitGroup
}

// job is one submitted job. Its fields are guarded by Queue.mu.
type job struct {
	id        string
	plan      *bulk.Plan
	state     string
	submitted time.Time
	started   time.Time
	ended     time.Time
	cancel    context.CancelFunc
	result    *Result
	staged    *bulk.Staged
	// downloads counts archives being sent; a job that expires meanwhile
	// is forgotten at once, its folder removed by the last download.
	downloads  int
	forgotten  bool
	stopExpiry func() bool
}

// New returns an empty queue.
func New(opts Options) *Queue {
	if opts.AfterFunc == nil {
		opts.AfterFunc = func(d time.Duration, f func()) func() bool { return time.AfterFunc(d, f).Stop }
	}
	q := &Queue{opts: opts, jobs: map[string]*job{}}
	q.ctx, q.cancel = context.WithCancel(context.Background())
	return q
}

// Result is DataSynth's JobResult, set when a job ends.
type Result struct {
	// OutputDirectory is the dataset folder on the server; download it
	// with GET /api/jobs/{id}/download.
	OutputDirectory *string `json:"output_directory"`
	// RecordsGenerated counts the records of every file of the dataset.
	RecordsGenerated *int64   `json:"records_generated"`
	DurationSeconds  *float64 `json:"duration_seconds"`
	Error            *string  `json:"error"`
	// ManifestID is the run id of the dataset's run_manifest.json.
	ManifestID *string `json:"manifest_id"`
}

// submitRequest is DataSynth's JobRequest.
type submitRequest struct {
	// Config is a config file's content, YAML or JSON, as a string.
	Config *string `json:"config"`
	Demo   *bool   `json:"demo"`
	Seed   *uint64 `json:"seed"`
	// OutputDirectory is refused: a client does not choose folders on
	// the server.
	OutputDirectory *string `json:"output_directory"`
}

// Answer bodies. View is a job as GET /api/jobs/{id} answers it:
// DataSynth's fields, then this server's.
type (
	submitted struct {
		ID     string `json:"id"`
		Status string `json:"status"`
	}
	summary struct {
		ID          string `json:"id"`
		Status      string `json:"status"`
		SubmittedAt string `json:"submitted_at"`
	}
	list struct {
		Jobs []summary `json:"jobs"`
	}
	View struct {
		ID          string  `json:"id"`
		Status      string  `json:"status"`
		SubmittedAt string  `json:"submitted_at"`
		StartedAt   *string `json:"started_at"`
		CompletedAt *string `json:"completed_at"`
		Result      *Result `json:"result"`

		Entries     int64   `json:"entries"`
		Seed        uint64  `json:"seed"`
		ConfigHash  string  `json:"config_hash"`
		DownloadURL *string `json:"download_url"`
		ExpiresAt   *string `json:"expires_at"`
	}
)

func stamp(t time.Time) string { return t.UTC().Format(time.RFC3339Nano) }

func stampPtr(t time.Time) *string {
	if t.IsZero() {
		return nil
	}
	s := stamp(t)
	return &s
}

// view describes j; q.mu is held.
func (q *Queue) view(j *job) View {
	v := View{
		ID: j.id, Status: j.state, SubmittedAt: stamp(j.submitted), StartedAt: stampPtr(j.started), CompletedAt: stampPtr(j.ended),
		Result: j.result, Entries: j.plan.Config.TotalEntries(), Seed: j.plan.Seed, ConfigHash: j.plan.Config.Hash(j.plan.Seed),
	}
	if !j.ended.IsZero() {
		v.ExpiresAt = stampPtr(j.ended.Add(q.opts.TTL))
	}
	if j.state == Completed {
		u := "/api/jobs/" + j.id + "/download"
		v.DownloadURL = &u
	}
	return v
}

// setState moves j to state, keeping the metrics; q.mu is held.
func (q *Queue) setState(j *job, state string) {
	m := q.opts.Metrics
	if j.state != "" {
		m.JobsHeld[j.state].Add(-1)
	}
	j.state = state
	m.JobsHeld[state].Add(1)
	switch state {
	case Running:
		j.started = time.Now()
	case Completed, Failed, Cancelled:
		j.ended = time.Now()
		m.JobsEnded[state].Add(1)
		j.stopExpiry = q.opts.AfterFunc(q.opts.TTL, func() { q.forget(j) })
	}
}

// forget drops a finished job whose time is up.
func (q *Queue) forget(j *job) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if j.forgotten {
		return
	}
	j.forgotten = true
	delete(q.jobs, j.id)
	q.opts.Metrics.JobsHeld[j.state].Add(-1)
	if j.downloads == 0 && j.staged != nil {
		j.staged.Remove()
		j.staged = nil
	}
	q.opts.Log.Info("job expired", "job", j.id, "status", j.state)
}

// HandleSubmit serves POST /api/jobs/submit.
func (q *Queue) HandleSubmit(w http.ResponseWriter, r *http.Request) {
	var req submitRequest
	if e := httpapi.DecodeJSON(r, &req); e != nil {
		e.Write(w)
		return
	}
	cfg, e := q.configOf(&req)
	if e != nil {
		e.Write(w)
		return
	}
	if n := cfg.TotalEntries(); n > q.opts.MaxEntries {
		httpapi.BadRequest("invalid_field", "config", "the job's config describes %d journal entries, above the limit of %d (--max-bulk-entries); lower its volumes, weights or period_months", n, q.opts.MaxEntries).Write(w)
		return
	}
	p, e := q.opts.Bulk.PlanConfig(cfg, &bulk.Request{Seed: req.Seed})
	if e != nil {
		e.Write(w)
		return
	}
	if e := q.room(); e != nil {
		writeRefusal(w, e)
		return
	}
	if err := q.opts.Bulk.CheckSpace(r.Context(), p); err != nil {
		var rerr *httpapi.RequestError
		switch {
		case errors.As(err, &rerr):
			rerr.Write(w)
		case r.Context().Err() == nil:
			q.opts.Log.Error("job: estimating the dataset's size failed", "request_id", httpapi.InfoOf(r).ID, "error", err)
			httpapi.WriteError(w, http.StatusInternalServerError, "internal", httpapi.MsgInternal, "")
		}
		return
	}

	ctx, cancel := context.WithCancel(q.ctx)
	j := &job{id: uuid.NewString(), plan: p, submitted: time.Now(), cancel: cancel}
	q.mu.Lock()
	if e := q.roomLocked(); e != nil {
		q.mu.Unlock()
		cancel()
		writeRefusal(w, e)
		return
	}
	q.jobs[j.id] = j
	q.setState(j, Queued)
	q.wg.Add(1)
	q.mu.Unlock()
	go q.run(ctx, j)

	info := httpapi.InfoOf(r)
	q.opts.Log.Info("job submitted", "job", j.id, "entries", p.Config.TotalEntries(), "seed", p.Seed, "request_id", info.ID, "client", info.Client)
	w.Header().Set("Location", "/api/jobs/"+j.id)
	httpapi.WriteJSON(w, http.StatusCreated, submitted{ID: j.id, Status: Queued})
}

// room refuses a job, with 503, while the server shuts down or holds
// MaxJobs jobs.
func (q *Queue) room() *httpapi.RequestError {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.roomLocked()
}

func (q *Queue) roomLocked() *httpapi.RequestError {
	refuse := func(code, msg string) *httpapi.RequestError {
		return &httpapi.RequestError{Status: http.StatusServiceUnavailable, Body: httpapi.Error{Code: code, Message: msg}}
	}
	switch {
	case q.ctx.Err() != nil:
		return refuse("draining", "the server is shutting down; submit the job to another instance")
	case len(q.jobs) >= q.opts.MaxJobs:
		return refuse("too_many_jobs", fmt.Sprintf("the server holds %d jobs (queued, running, or finished and kept for --job-ttl %s), its limit (--max-jobs); retry later", len(q.jobs), q.opts.TTL))
	}
	return nil
}

// writeRefusal answers a refusal of room; a full queue may have room
// again a minute later.
func writeRefusal(w http.ResponseWriter, e *httpapi.RequestError) {
	if e.Body.Code == "too_many_jobs" {
		w.Header().Set("Retry-After", "60")
	}
	e.Write(w)
}

// configOf is the config a job generates.
func (q *Queue) configOf(req *submitRequest) (*config.Config, *httpapi.RequestError) {
	switch {
	case req.OutputDirectory != nil:
		return nil, httpapi.BadRequest("invalid_field", "output_directory",
			"output_directory is not accepted: a job's dataset is kept in the server's work folder and downloaded from GET /api/jobs/{id}/download; drop the field")
	case req.Config != nil && req.Demo != nil && *req.Demo:
		return nil, httpapi.BadRequest("invalid_field", "demo", "give config or demo: true, not both")
	case req.Config != nil:
		cfg, err := config.Parse("config of the job", []byte(*req.Config))
		if err != nil {
			return nil, &httpapi.RequestError{Status: http.StatusBadRequest, Body: httpapi.ConfigError(err, "invalid_config")}
		}
		return cfg, nil
	case req.Demo != nil && *req.Demo:
		cfg, err := config.Demo()
		if err != nil {
			return nil, &httpapi.RequestError{Status: http.StatusInternalServerError, Body: httpapi.Error{Code: "internal", Message: httpapi.MsgInternal}}
		}
		return cfg, nil
	}
	if cfg := q.opts.Config(); cfg != nil {
		return cfg, nil
	}
	return nil, &httpapi.RequestError{Status: http.StatusServiceUnavailable, Body: httpapi.Error{Code: "no_config",
		Message: "no valid config is loaded; give the job a config, or demo: true"}}
}

// run waits for a generation slot, then stages the job's dataset.
func (q *Queue) run(ctx context.Context, j *job) {
	defer q.wg.Done()
	defer j.cancel()
	release, err := q.opts.Bulk.Acquire(ctx)
	if err != nil {
		q.end(j, nil, errShutdown, 0)
		return
	}
	defer release()
	q.mu.Lock()
	if j.state != Queued {
		q.mu.Unlock()
		return
	}
	q.setState(j, Running)
	q.mu.Unlock()
	q.opts.Log.Info("job running", "job", j.id)
	start := time.Now()
	st, err := q.opts.Bulk.Stage(ctx, j.plan)
	q.end(j, st, err, time.Since(start))
}

// errShutdown is why a job that the server's shutdown stopped failed.
var errShutdown = errors.New("the server shut down before the job finished; submit it again")

// end records the outcome of a run: a staged dataset or an error. A job
// cancelled meanwhile keeps its state and loses its dataset.
func (q *Queue) end(j *job, st *bulk.Staged, err error, took time.Duration) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if j.state == Cancelled {
		if st != nil {
			st.Remove()
		}
		return
	}
	secs := took.Seconds()
	res := &Result{DurationSeconds: &secs}
	var rerr *httpapi.RequestError
	switch {
	case err == nil:
		var records int64
		for _, f := range st.Manifest.OutputFiles {
			records += f.RecordCount
		}
		j.staged = st
		res.OutputDirectory, res.RecordsGenerated = &st.Dir, &records
		if st.Manifest.Run != nil {
			res.ManifestID = &st.Manifest.Run.RunID
		}
		stats := st.Manifest.Statistics
		q.opts.Metrics.EntriesJob.Add(stats.JournalEntries)
		q.opts.Metrics.Anomalies.Add(stats.FraudEntries)
	case errors.As(err, &rerr):
		msg := rerr.Body.Message
		res.Error = &msg
	case q.ctx.Err() != nil:
		msg := errShutdown.Error()
		res.Error = &msg
	default:
		msg := "generating the dataset failed: " + err.Error()
		res.Error = &msg
	}
	j.result = res
	state := Completed
	switch {
	case err != nil && q.ctx.Err() != nil:
		state = Failed
		q.opts.Log.Info("job stopped: the server is shutting down", "job", j.id)
	case err != nil:
		state = Failed
		q.opts.Log.Error("job failed", "job", j.id, "error", err)
	default:
		q.opts.Log.Info("job completed", "job", j.id, "entries", st.Manifest.Statistics.JournalEntries, "elapsed_seconds", secs)
	}
	q.setState(j, state)
}

// lookup finds a job by the id in the path, or answers 404.
func (q *Queue) lookup(w http.ResponseWriter, r *http.Request) *job {
	id := r.PathValue("id")
	j := q.jobs[id]
	if j == nil {
		httpapi.WriteError(w, http.StatusNotFound, "job_not_found",
			fmt.Sprintf("no job %q: it was never submitted here, it expired (jobs are kept --job-ttl %s after they end), or the server restarted, which loses every job; submit it again", id, q.opts.TTL), "id")
	}
	return j
}

// HandleGet serves GET /api/jobs/{id}.
func (q *Queue) HandleGet(w http.ResponseWriter, r *http.Request) {
	q.mu.Lock()
	j := q.lookup(w, r)
	var v View
	if j != nil {
		v = q.view(j)
	}
	q.mu.Unlock()
	if j != nil {
		httpapi.WriteJSON(w, http.StatusOK, v)
	}
}

// HandleList serves GET /api/jobs: every job held, newest first.
func (q *Queue) HandleList(w http.ResponseWriter, r *http.Request) {
	q.mu.Lock()
	held := make([]*job, 0, len(q.jobs))
	for _, j := range q.jobs {
		held = append(held, j)
	}
	out := list{Jobs: make([]summary, 0, len(held))}
	slices.SortFunc(held, func(a, b *job) int { return b.submitted.Compare(a.submitted) })
	for _, j := range held {
		out.Jobs = append(out.Jobs, summary{ID: j.id, Status: j.state, SubmittedAt: stamp(j.submitted)})
	}
	q.mu.Unlock()
	httpapi.WriteJSON(w, http.StatusOK, out)
}

// HandleCancel serves POST /api/jobs/{id}/cancel. A queued job is
// cancelled as in DataSynth; a running one too (DataSynth refuses), its
// generation stopped and its folder removed. A finished job is a 409.
func (q *Queue) HandleCancel(w http.ResponseWriter, r *http.Request) {
	var empty struct{}
	if e := httpapi.DecodeJSON(r, &empty); e != nil {
		e.Write(w)
		return
	}
	q.mu.Lock()
	j := q.lookup(w, r)
	if j == nil {
		q.mu.Unlock()
		return
	}
	state := j.state
	if state == Queued || state == Running {
		q.setState(j, Cancelled)
		j.cancel()
	}
	q.mu.Unlock()
	if state != Queued && state != Running {
		httpapi.WriteError(w, http.StatusConflict, "job_finished", fmt.Sprintf("job %s is %s: only a queued or running job can be cancelled", j.id, state), "id")
		return
	}
	q.opts.Log.Info("job cancelled", "job", j.id, "was", state, "request_id", httpapi.InfoOf(r).ID)
	httpapi.WriteJSON(w, http.StatusOK, submitted{ID: j.id, Status: Cancelled})
}

// HandleDownload serves GET /api/jobs/{id}/download: the dataset of a
// completed job as a tar.gz, the same archive as a bulk request for
// application/gzip.
func (q *Queue) HandleDownload(w http.ResponseWriter, r *http.Request) {
	q.mu.Lock()
	j := q.lookup(w, r)
	if j == nil {
		q.mu.Unlock()
		return
	}
	if j.state != Completed {
		state := j.state
		q.mu.Unlock()
		httpapi.WriteError(w, http.StatusConflict, "job_not_completed", fmt.Sprintf("job %s is %s: only a completed job has a dataset to download", j.id, state), "id")
		return
	}
	st := j.staged
	j.downloads++
	q.mu.Unlock()
	defer func() {
		q.mu.Lock()
		if j.downloads--; j.downloads == 0 && j.forgotten && j.staged != nil {
			j.staged.Remove()
			j.staged = nil
		}
		q.mu.Unlock()
	}()
	h := w.Header()
	h.Set("X-Datasynth-Seed", fmt.Sprint(j.plan.Seed))
	h.Set("X-Datasynth-Config-Hash", st.Manifest.ConfigHash)
	if err := q.opts.Bulk.SendArchive(w, r, st); err != nil {
		q.opts.Log.Info("job download stopped", "job", j.id, "error", err)
	}
}

// Shutdown stops every queued and running job (they fail, their error
// saying to resubmit) and refuses new ones; Close removes the datasets
// once the downloads in flight are over.
func (q *Queue) Shutdown() { q.cancel() }

// Close waits for the jobs to stop and removes every dataset. Call it
// after Shutdown, when no download runs any more.
func (q *Queue) Close() {
	q.cancel()
	q.wg.Wait()
	q.mu.Lock()
	defer q.mu.Unlock()
	for _, j := range q.jobs {
		if j.stopExpiry != nil {
			j.stopExpiry()
		}
		if j.staged != nil {
			j.staged.Remove()
			j.staged = nil
		}
	}
}
