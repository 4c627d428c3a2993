package server

import (
	"errors"
	"io"
	"net"
	"net/http"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"datasynth.dev/engine/config"
	"datasynth.dev/server/jobs"
)

// Field names of DataSynth's job answers.
var (
	jobFields    = []string{"completed_at", "id", "result", "started_at", "status", "submitted_at"}
	resultFields = []string{"duration_seconds", "error", "manifest_id", "output_directory", "records_generated"}
)

func submitJob(t *testing.T, ts *testServer, body string) string {
	t.Helper()
	resp, data := call(t, "POST", ts.url+"/api/jobs/submit", body)
	got := decode[map[string]any](t, data)
	if resp.StatusCode != 201 || len(got) != 2 || got["status"] != "queued" || got["id"] == "" {
		t.Fatalf("submit %s: %d %s", body, resp.StatusCode, data)
	}
	id := got["id"].(string)
	if resp.Header.Get("Location") != "/api/jobs/"+id {
		t.Errorf("Location %q", resp.Header.Get("Location"))
	}
	return id
}

// waitJob polls a job until it is in one of states and returns it.
func waitJob(t *testing.T, ts *testServer, id string, states ...string) jobs.View {
	t.Helper()
	var v jobs.View
	waitFor(t, "job "+id+" to be "+strings.Join(states, " or "), func() bool {
		resp, data := call(t, "GET", ts.url+"/api/jobs/"+id, "")
		if resp.StatusCode != 200 {
			t.Fatalf("GET job: %d %s", resp.StatusCode, data)
		}
		v = decode[jobs.View](t, data)
		return slices.Contains(states, v.Status)
	})
	return v
}

// TestJobLifecycle submits a job in DataSynth's form, follows it to its
// end in DataSynth's answer shapes, downloads its dataset (the CLI's,
// byte for byte), lists it, and sees it expire.
func TestJobLifecycle(t *testing.T) {
	var mu sync.Mutex
	var expire []func()
	later := func(d time.Duration, f func()) func() bool {
		if d != 90*time.Minute {
			t.Errorf("expiry after %v, want --job-ttl", d)
		}
		mu.Lock()
		expire = append(expire, f)
		mu.Unlock()
		return func() bool { return true }
	}
	ts := start(t, Options{JobTTL: 90 * time.Minute, afterFunc: later})
	body := mustJSON(t, map[string]any{"config": twoCompanies, "seed": 99})
	id := submitJob(t, ts, body)
	v := waitJob(t, ts, id, jobs.Completed, jobs.Failed)

	_, data := call(t, "GET", ts.url+"/api/jobs/"+id, "")
	raw := decode[map[string]any](t, data)
	for _, k := range jobFields {
		if _, ok := raw[k]; !ok {
			t.Fatalf("job lacks DataSynth's %s: %s", k, data)
		}
	}
	if got := keys(raw["result"].(map[string]any)); !slices.Equal(got, resultFields) {
		t.Fatalf("result fields %v, want DataSynth's %v", got, resultFields)
	}
	dir, m := cli(t, []byte(twoCompanies), 99)
	var records int64
	for _, f := range m.OutputFiles {
		records += f.RecordCount
	}
	r := v.Result
	if v.Status != jobs.Completed || r.Error != nil || *r.RecordsGenerated != records || *r.DurationSeconds <= 0 || *r.ManifestID == "" ||
		!strings.HasPrefix(*r.OutputDirectory, ts.opts.WorkDir) || v.StartedAt == nil || v.CompletedAt == nil ||
		v.ConfigHash != m.ConfigHash || v.Seed != 99 || v.Entries != 4166 || *v.DownloadURL != "/api/jobs/"+id+"/download" || v.ExpiresAt == nil {
		t.Fatalf("completed job: %s", data)
	}

	resp, archive := call(t, "GET", ts.url+"/api/jobs/"+id+"/download", "")
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "application/gzip" || resp.Header.Get("X-Datasynth-Config-Hash") != m.ConfigHash {
		t.Fatalf("download: %d %v", resp.StatusCode, resp.Header)
	}
	sameAsCLI(t, archive, dir, m)

	// A second job, from the config in use (the demo); the list is newest
	// first, in DataSynth's shape.
	second := submitJob(t, ts, `{}`)
	waitJob(t, ts, second, jobs.Completed)
	_, data = call(t, "GET", ts.url+"/api/jobs", "")
	list := decode[map[string][]map[string]any](t, data)["jobs"]
	if len(list) != 2 || list[0]["id"] != second || list[1]["id"] != id || !slices.Equal(keys(list[0]), []string{"id", "status", "submitted_at"}) {
		t.Fatalf("list: %s", data)
	}
	for _, state := range []string{`synth_jobs{state="completed"} 2`, `synth_jobs_ended_total{state="completed"} 2`, `synth_entries_generated_total{source="job"} 29166`} {
		if _, metrics := call(t, "GET", ts.url+"/metrics", ""); !strings.Contains(string(metrics), state) {
			t.Errorf("/metrics lacks %s", state)
		}
	}

	// A finished job goes after --job-ttl, and its dataset with it; one
	// being downloaded keeps its dataset until the download ends.
	// A client with a tiny receive buffer that stops reading holds the
	// server in the middle of the archive.
	slow := &http.Client{Transport: &http.Transport{DialContext: (&net.Dialer{Control: func(_, _ string, c syscall.RawConn) error {
		var serr error
		err := c.Control(func(fd uintptr) { serr = syscall.SetsockoptInt(int(fd), syscall.SOL_SOCKET, syscall.SO_RCVBUF, 4096) })
		return errors.Join(err, serr)
	}}).DialContext}}
	dl, err := slow.Get(ts.url + "/api/jobs/" + second + "/download")
	if err != nil || dl.StatusCode != 200 {
		t.Fatalf("download: %v %v", err, dl)
	}
	if _, err := io.ReadFull(dl.Body, make([]byte, 1024)); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	if len(expire) != 2 {
		t.Fatalf("%d expiries set, want 2", len(expire))
	}
	for _, f := range expire {
		f()
	}
	mu.Unlock()
	staged := func() []string {
		left, _ := filepath.Glob(filepath.Join(ts.opts.WorkDir, ".datasynth-bulk-*"))
		return left
	}
	if left := staged(); len(left) != 1 {
		t.Fatalf("while one job's dataset is being downloaded, the work folder holds %v", left)
	}
	dl.Body.Close()
	waitFor(t, "the last dataset to go with its download", func() bool {
		return len(staged()) == 0 && ts.metrics.JobsHeld[jobs.Completed].Load() == 0
	})
	resp, data = call(t, "GET", ts.url+"/api/jobs/"+id, "")
	if e := wantError(t, resp, data, 404, "job_not_found", "id"); !strings.Contains(e.Error.Message, "submit it again") {
		t.Errorf("404 message: %s", e.Error.Message)
	}
}

func TestJobSubmitErrors(t *testing.T) {
	ts := start(t, Options{MaxBulkEntries: 30_000})
	for _, tt := range []struct {
		name, body  string
		status      int
		code, field string
	}{
		{"output directory", `{"demo": true, "output_directory": "/etc"}`, 400, "invalid_field", "output_directory"},
		{"config and demo", mustJSON(t, map[string]any{"config": twoCompanies, "demo": true}), 400, "invalid_field", "demo"},
		{"invalid config", mustJSON(t, map[string]any{"config": badConfig}), 400, "invalid_config", "global.industry"},
		{"unknown field", `{"demo": true, "entries": 5}`, 400, "unknown_field", "entries"},
		{"seed type", `{"demo": true, "seed": "x"}`, 400, "invalid_field", "seed"},
		{"too many entries", mustJSON(t, map[string]any{"config": strings.Replace(twoCompanies, "ten_k", "one_m", 1)}), 400, "invalid_field", "config"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			resp, data := call(t, "POST", ts.url+"/api/jobs/submit", tt.body)
			wantError(t, resp, data, tt.status, tt.code, tt.field)
		})
	}
	for _, path := range []string{"/api/jobs/nope", "/api/jobs/nope/download"} {
		resp, data := call(t, "GET", ts.url+path, "")
		wantError(t, resp, data, 404, "job_not_found", "id")
	}
	resp, data := call(t, "POST", ts.url+"/api/jobs/nope/cancel", "")
	wantError(t, resp, data, 404, "job_not_found", "id")
	if n := len(decode[map[string][]any](t, must200(t, ts, "GET", "/api/jobs"))["jobs"]); n != 0 {
		t.Fatalf("refused submissions left %d jobs", n)
	}
}

func must200(t *testing.T, ts *testServer, method, path string) []byte {
	t.Helper()
	resp, data := call(t, method, ts.url+path, "")
	if resp.StatusCode != 200 {
		t.Fatalf("%s %s: %d %s", method, path, resp.StatusCode, data)
	}
	return data
}

// Jobs share the generation slots with bulk requests: with one slot, a
// second job waits in the queue. A queued job is cancelled as in
// DataSynth, a running one too (its generation stops and its folder
// goes); a finished one is a 409.
func TestJobQueueAndCancel(t *testing.T) {
	big := strings.Replace(twoCompanies, "{custom: 30000}", "{custom: 90000000}", 1) + longJobMasterData
	ts := start(t, Options{MaxBulkJobs: 1, MaxBulkEntries: 1 << 40, freeBytes: func(string) (uint64, error) { return 1 << 50, nil }})
	running := submitJob(t, ts, mustJSON(t, map[string]any{"config": big}))
	waitJob(t, ts, running, jobs.Running)
	queued := submitJob(t, ts, `{"demo": true}`)
	if v := waitJob(t, ts, queued, jobs.Queued); v.StartedAt != nil {
		t.Fatalf("queued job started: %+v", v)
	}
	// A bulk request finds no slot either.
	resp, data := call(t, "POST", ts.url+"/api/generate/bulk", `{"entry_count": 10}`)
	wantError(t, resp, data, 503, "busy", "")

	for _, id := range []string{queued, running} {
		resp, data := call(t, "POST", ts.url+"/api/jobs/"+id+"/cancel", "{}")
		if got := decode[map[string]any](t, data); resp.StatusCode != 200 || len(got) != 2 || got["id"] != id || got["status"] != "cancelled" {
			t.Fatalf("cancel: %d %s", resp.StatusCode, data)
		}
		if v := waitJob(t, ts, id, jobs.Cancelled); v.CompletedAt == nil || v.DownloadURL != nil {
			t.Fatalf("cancelled job: %+v", v)
		}
	}
	waitFor(t, "the cancelled job's folder to go", func() bool {
		left, _ := filepath.Glob(filepath.Join(ts.opts.WorkDir, ".datasynth-bulk-*"))
		return len(left) == 0 && ts.metrics.BulkActive.Load() == 0
	})
	resp, data = call(t, "POST", ts.url+"/api/jobs/"+running+"/cancel", "")
	wantError(t, resp, data, 409, "job_finished", "id")
	resp, data = call(t, "GET", ts.url+"/api/jobs/"+running+"/download", "")
	wantError(t, resp, data, 409, "job_not_completed", "id")
	// The slot is free again once the job has given it back.
	waitFor(t, "the slot to free", func() bool {
		resp, _ := call(t, "POST", ts.url+"/api/generate/bulk", `{"entry_count": 10}`)
		return resp.StatusCode == 200
	})
	if n := ts.metrics.JobsEnded[jobs.Cancelled].Load(); n != 2 {
		t.Fatalf("cancelled jobs counted: %d", n)
	}
}

// A job that would not fit on disk now is refused when submitted; the
// jobs held are capped.
func TestJobLimits(t *testing.T) {
	free := func(string) (uint64, error) { return 16 << 20, nil }
	ts := start(t, Options{MinFreeDisk: 8 << 20, freeBytes: free, MaxJobs: 1})
	huge := strings.Replace(twoCompanies, "{custom: 30000}", "{custom: 3000000}", 1)
	resp, data := call(t, "POST", ts.url+"/api/jobs/submit", mustJSON(t, map[string]any{"config": huge}))
	if e := wantError(t, resp, data, 507, "no_space", "entry_count"); !strings.Contains(e.Error.Message, "--min-free-disk keeps 8.0 MiB") {
		t.Errorf("507 message: %s", e.Error.Message)
	}
	small := mustJSON(t, map[string]any{"config": twoCompanies})
	submitJob(t, ts, small)
	resp, data = call(t, "POST", ts.url+"/api/jobs/submit", small)
	if e := wantError(t, resp, data, 503, "too_many_jobs", ""); !strings.Contains(e.Error.Message, "--max-jobs") || resp.Header.Get("Retry-After") == "" {
		t.Errorf("503: %s %v", e.Error.Message, resp.Header)
	}
}

// A restart loses every job: the new process knows none and the old
// datasets are gone from the work folder.
func TestJobsLostOnRestart(t *testing.T) {
	work := t.TempDir()
	ts := start(t, Options{WorkDir: work})
	id := submitJob(t, ts, `{"demo": true}`)
	waitJob(t, ts, id, jobs.Completed)
	if err := ts.stop(); err != nil {
		t.Fatal(err)
	}
	if left, _ := filepath.Glob(filepath.Join(work, ".datasynth-bulk-*")); len(left) != 0 {
		t.Fatalf("a stopped server left %v", left)
	}
	again := start(t, Options{WorkDir: work})
	resp, data := call(t, "GET", again.url+"/api/jobs/"+id, "")
	wantError(t, resp, data, 404, "job_not_found", "id")
}

// A demo job is the embedded demo config, whatever config is in use.
func TestJobDemo(t *testing.T) {
	ts := startWithConfig(t, twoCompanies, Options{})
	v := waitJob(t, ts, submitJob(t, ts, `{"demo": true, "seed": 5}`), jobs.Completed)
	demo, err := config.Demo()
	if err != nil {
		t.Fatal(err)
	}
	if v.ConfigHash != demo.Hash(5) || v.Entries != demo.TotalEntries() {
		t.Fatalf("demo job: %+v", v)
	}
}
