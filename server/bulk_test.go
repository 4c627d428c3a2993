package server

import (
	"archive/tar"
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"datasynth.dev/engine/config"
	"datasynth.dev/engine/generate"
	"datasynth.dev/engine/ledger"
	"datasynth.dev/server/bulk"
	"datasynth.dev/verify/manifest"
)

// cli generates a dataset the way `datasynth-data generate --config FILE
// --output DIR` does (generate.Run is the whole of that command past flag
// parsing) and returns the folder.
func cli(t *testing.T, yaml []byte, seed uint64) (string, *manifest.Manifest) {
	t.Helper()
	cfg, err := config.Parse("cli.yaml", yaml)
	if err != nil {
		t.Fatal(err)
	}
	res, err := generate.Run(context.Background(), generate.Options{
		Config: cfg, Seed: seed, Output: filepath.Join(t.TempDir(), "out"), Threads: 2, ProgramVersion: "dev",
	})
	if err != nil {
		t.Fatal(err)
	}
	return res.Dir, res.Manifest
}

func startWithConfig(t *testing.T, yaml string, opts Options) *testServer {
	t.Helper()
	file := filepath.Join(t.TempDir(), "config.yaml")
	if err := os.WriteFile(file, []byte(yaml), 0o644); err != nil {
		t.Fatal(err)
	}
	opts.ConfigFile = file
	return start(t, opts)
}

func readFile(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestBulkCSVMatchesCLI(t *testing.T) {
	ts := startWithConfig(t, twoCompanies, Options{BulkThreads: 3})

	// The config as it is: the same bytes as the CLI on the same file.
	resp, data := call(t, "POST", ts.url+"/api/generate/bulk", "", "Accept", "text/csv")
	dir, m := cli(t, []byte(twoCompanies), 7)
	if resp.StatusCode != 200 || !bytes.Equal(data, readFile(t, filepath.Join(dir, "journal_entries.csv"))) {
		t.Fatalf("CSV of the config differs from the CLI's journal_entries.csv (status %d, %d bytes)", resp.StatusCode, len(data))
	}
	if resp.Header.Get("X-Datasynth-Config-Hash") != m.ConfigHash || resp.Header.Get("X-Datasynth-Seed") != "7" ||
		resp.Header.Get("X-Datasynth-Entries") != "4166" || resp.Header.Get("Content-Type") != "text/csv; charset=utf-8" {
		t.Fatalf("headers %v, manifest hash %s", resp.Header, m.ConfigHash)
	}
	if got := ts.metrics.EntriesBulk.Load(); got != 4166 {
		t.Fatalf("entries counted %d", got)
	}
	if got := ts.metrics.Anomalies.Load(); got != m.Statistics.FraudEntries || got == 0 {
		t.Fatalf("anomalies counted %d, manifest %d", got, m.Statistics.FraudEntries)
	}

	// entry_count, seed and inject_anomalies: the plan's YAML run by the
	// CLI gives the same bytes.
	req := `{"entry_count": 3001, "seed": 99, "inject_anomalies": false}`
	resp, data = call(t, "POST", ts.url+"/api/generate/bulk", req, "Accept", "text/csv")
	_, planData := call(t, "POST", ts.url+"/api/generate/plan", req)
	p := decode[bulk.PlanBody](t, planData)
	if p.Entries != 3001 || p.Seed != 99 || p.SeedDrawn || len(p.Companies) != 2 || p.Companies[0].Entries+p.Companies[1].Entries != 3001 {
		t.Fatalf("plan %+v", p)
	}
	dir, m = cli(t, []byte(p.ConfigYAML), 99)
	if !bytes.Equal(data, readFile(t, filepath.Join(dir, "journal_entries.csv"))) {
		t.Fatal("CSV with entry_count differs from the CLI run of the plan's config")
	}
	if m.Statistics.JournalEntries != 3001 || m.Statistics.FraudEntries != 0 || m.ConfigHash != p.ConfigHash || resp.Header.Get("X-Datasynth-Config-Hash") != p.ConfigHash {
		t.Fatalf("manifest %+v hash %s, plan hash %s", m.Statistics, m.ConfigHash, p.ConfigHash)
	}
}

// Without Accept, or asking for JSON, a bulk request answers DataSynth's
// summary: the counts of a real generation, the same as the manifest of
// the CLI run of the same plan.
func TestBulkSummary(t *testing.T) {
	ts := startWithConfig(t, twoCompanies, Options{})
	_, m := cli(t, []byte(twoCompanies), 7)
	for _, accept := range []string{"", "application/json", "*/*", "application/json, application/x-ndjson;q=0.5"} {
		resp, data := call(t, "POST", ts.url+"/api/generate/bulk", `{"include_master_data": true}`, "Accept", accept)
		body := decode[map[string]any](t, data)
		for k, kind := range map[string]string{"success": "bool", "entries_generated": "float64", "duration_ms": "float64", "anomaly_count": "float64"} {
			if got := fmt.Sprintf("%T", body[k]); got != kind {
				t.Fatalf("Accept %q: DataSynth's %s is %s, want %s: %s", accept, k, got, kind, data)
			}
		}
		sum := decode[bulk.Summary](t, data)
		masterRows := 0
		for _, f := range m.OutputFiles {
			if f.Path == "chart_of_accounts.csv" || strings.HasPrefix(f.Path, "master_data/") {
				masterRows += int(f.RecordCount)
			}
		}
		if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "application/json" || !sum.Success ||
			sum.EntriesGenerated != m.Statistics.JournalEntries || sum.AnomalyCount != m.Statistics.FraudEntries || sum.AnomalyCount == 0 ||
			sum.LineItems != m.Statistics.LineItems || sum.MasterRecords == nil || *sum.MasterRecords != int64(masterRows) ||
			sum.Seed != 7 || sum.ConfigHash != m.ConfigHash || resp.Header.Get("X-Datasynth-Config-Hash") != m.ConfigHash {
			t.Fatalf("Accept %q: %d %s; manifest %+v, %d master rows", accept, resp.StatusCode, data, m.Statistics, masterRows)
		}
	}
	// entry_count is honoured (DataSynth's own server ignores it).
	_, data := call(t, "POST", ts.url+"/api/generate/bulk", `{"entry_count": 1234, "inject_anomalies": false}`)
	if sum := decode[bulk.Summary](t, data); sum.EntriesGenerated != 1234 || sum.AnomalyCount != 0 || sum.MasterRecords != nil {
		t.Fatalf("entry_count 1234: %s", data)
	}
}

// sameAsCLI checks that a tar.gz answer holds, under one top folder, the
// files of the CLI's dataset in dir, byte for byte, and a manifest that
// differs from the CLI's only in its run block (time, host, run id).
func sameAsCLI(t *testing.T, data []byte, dir string, want *manifest.Manifest) {
	t.Helper()
	gz, err := gzip.NewReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	tr := tar.NewReader(gz)
	files := map[string][]byte{}
	top := ""
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if top == "" {
			top = h.Name
		}
		if !strings.HasPrefix(h.Name, top) {
			t.Fatalf("%s outside the top folder %s", h.Name, top)
		}
		if h.Typeflag == tar.TypeReg {
			b, _ := io.ReadAll(tr)
			files[strings.TrimPrefix(h.Name, top)] = b
		}
	}
	if len(files) != len(want.OutputFiles)+1 {
		t.Fatalf("%d files in the archive, %d in the CLI's manifest", len(files), len(want.OutputFiles))
	}
	for _, f := range want.OutputFiles {
		if !bytes.Equal(files[f.Path], readFile(t, filepath.Join(dir, f.Path))) {
			t.Errorf("%s differs from the CLI's", f.Path)
		}
	}
	got, err := manifest.Parse(manifest.FileName, files[manifest.FileName])
	if err != nil {
		t.Fatal(err)
	}
	w := *want
	got.Run, w.Run = nil, nil
	a, _ := manifest.Marshal(got)
	b, _ := manifest.Marshal(&w)
	if !bytes.Equal(a, b) {
		t.Errorf("manifests differ outside the run block:\n%s\n%s", a, b)
	}
}

// ndjsonLine is one line of a bulk NDJSON response.
type ndjsonLine struct {
	Type  string         `json:"type"`
	Table string         `json:"table"`
	Data  map[string]any `json:"data"`
}

func TestBulkNDJSONMatchesCLI(t *testing.T) {
	ts := startWithConfig(t, twoCompanies, Options{})
	resp, data := call(t, "POST", ts.url+"/api/generate/bulk", `{"entry_count": 1500, "include_master_data": true}`, "Accept", "application/x-ndjson")
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "application/x-ndjson" {
		t.Fatalf("status %d, type %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	_, planData := call(t, "POST", ts.url+"/api/generate/plan", `{"entry_count": 1500}`)
	dir, m := cli(t, []byte(decode[bulk.PlanBody](t, planData).ConfigYAML), 7)

	// Journal-entry CSV rows of the CLI, in order.
	rows, err := csv.NewReader(bytes.NewReader(readFile(t, filepath.Join(dir, "journal_entries.csv")))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	rows = rows[1:]
	masterRows := map[string]int{}
	for _, f := range m.OutputFiles {
		if strings.HasPrefix(f.Path, "master_data/") || f.Path == "chart_of_accounts.csv" {
			masterRows[strings.TrimSuffix(filepath.Base(f.Path), ".csv")] = int(f.RecordCount)
		}
	}
	next, docs := 0, 0
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		dec := json.NewDecoder(bytes.NewReader(sc.Bytes()))
		dec.UseNumber()
		var l ndjsonLine
		if err := dec.Decode(&l); err != nil {
			t.Fatalf("line %q: %v", sc.Text(), err)
		}
		switch l.Type {
		case "master_data":
			if docs > 0 {
				t.Fatal("master data after journal entries")
			}
			masterRows[l.Table]--
		case "journal_entry":
			docs++
			for _, line := range l.Data["lines"].([]any) {
				row := rows[next]
				next++
				for i, col := range ledger.Columns {
					v, ok := l.Data[col]
					if !ok {
						v = line.(map[string]any)[col]
					}
					got := ""
					switch x := v.(type) {
					case string:
						got = x
					case json.Number:
						got = x.String()
					case bool:
						got = map[bool]string{true: "true", false: "false"}[x]
					}
					if got != row[i] {
						t.Fatalf("entry %d %s: JSON %v, CLI %q", docs, col, v, row[i])
					}
				}
			}
		default:
			t.Fatalf("line type %q", l.Type)
		}
	}
	if next != len(rows) || int64(docs) != m.Statistics.JournalEntries || docs != 1500 {
		t.Fatalf("%d of %d lines, %d documents, manifest %d", next, len(rows), docs, m.Statistics.JournalEntries)
	}
	for table, left := range masterRows {
		if left != 0 {
			t.Errorf("master table %s: %d rows off", table, left)
		}
	}
}

func TestBulkArchiveMatchesCLI(t *testing.T) {
	ts := startWithConfig(t, twoCompanies, Options{})
	req := `{"entry_count": 2222, "include_master_data": true}`
	resp, data := call(t, "POST", ts.url+"/api/generate/bulk", req, "Accept", "application/gzip")
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "application/gzip" {
		t.Fatalf("status %d: %.300s", resp.StatusCode, data)
	}
	_, planData := call(t, "POST", ts.url+"/api/generate/plan", req)
	dir, want := cli(t, []byte(decode[bulk.PlanBody](t, planData).ConfigYAML), 7)

	sameAsCLI(t, data, dir, want)
	// The staging folder is gone.
	if left, _ := filepath.Glob(filepath.Join(ts.opts.WorkDir, ".datasynth-bulk-*")); len(left) > 0 {
		t.Errorf("staging left behind: %v", left)
	}
}

func TestBulkValidation(t *testing.T) {
	ts := startWithConfig(t, twoCompanies, Options{MaxBulkEntries: 5000})
	tests := []struct {
		name, body, accept string
		status             int
		code, field        string
	}{
		{"csv with master data", `{"include_master_data": true}`, "text/csv", 400, "invalid_field", "include_master_data"},
		{"archive without master data", `{"include_master_data": false}`, "application/gzip", 400, "invalid_field", "include_master_data"},
		{"unsupported format", `{}`, "image/png", 406, "not_acceptable", ""},
		{"over the limit", `{"entry_count": 5001}`, "", 400, "invalid_field", "entry_count"},
		{"fewer than companies", `{"entry_count": 1}`, "", 400, "invalid_field", "entry_count"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, data := call(t, "POST", ts.url+"/api/generate/bulk", tt.body, "Accept", tt.accept)
			e := wantError(t, resp, data, tt.status, tt.code, tt.field)
			if tt.name == "over the limit" && !strings.Contains(e.Error.Message, "limit of 5000 (--max-bulk-entries)") {
				t.Errorf("message %q does not name the cap", e.Error.Message)
			}
		})
	}
}

// startBulk begins a large NDJSON bulk request and returns its response
// once the first bytes arrived.
func startBulk(t *testing.T, url string, entries int) *http.Response {
	t.Helper()
	req, _ := http.NewRequest("POST", url+"/api/generate/bulk", strings.NewReader(`{"entry_count": `+strconv.Itoa(entries)+`}`))
	req.Header.Set("Accept", "application/x-ndjson")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != 200 {
		t.Fatalf("bulk: %d", resp.StatusCode)
	}
	if _, err := io.ReadFull(resp.Body, make([]byte, 64<<10)); err != nil {
		t.Fatal(err)
	}
	return resp
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestBulkStopsWhenClientLeaves(t *testing.T) {
	ts := startWithConfig(t, twoCompanies+longJobMasterData, Options{MaxBulkEntries: 50_000_000})
	resp := startBulk(t, ts.url, 50_000_000)
	resp.Body.Close()
	waitFor(t, "the bulk job to end", func() bool { return ts.metrics.BulkActive.Load() == 0 })
	// The job has returned, so its generation has stopped: what it
	// counted is what it made.
	if n := ts.metrics.EntriesBulk.Load(); n >= 50_000_000 {
		t.Fatalf("generation ran to its end (%d entries) after the client left", n)
	}
}

func TestBulkJobLimit(t *testing.T) {
	ts := startWithConfig(t, twoCompanies+longJobMasterData, Options{MaxBulkJobs: 1, MaxBulkEntries: 50_000_000})
	first := startBulk(t, ts.url, 50_000_000)
	resp, data := call(t, "POST", ts.url+"/api/generate/bulk", `{"entry_count": 10}`)
	wantError(t, resp, data, 503, "busy", "")
	if resp.Header.Get("Retry-After") != "5" || ts.metrics.BulkRejected.Load() != 1 {
		t.Fatalf("Retry-After %q, rejected %d", resp.Header.Get("Retry-After"), ts.metrics.BulkRejected.Load())
	}
	first.Body.Close()
	waitFor(t, "the slot to free", func() bool { return ts.metrics.BulkActive.Load() == 0 })
	if resp, _ := call(t, "POST", ts.url+"/api/generate/bulk", `{"entry_count": 10}`); resp.StatusCode != 200 {
		t.Fatalf("after the first job: %d", resp.StatusCode)
	}
}

// A tar.gz that would leave less than --min-free-disk free in the work
// folder is refused with 507 before anything is staged; a smaller one is
// served. The free space is a stand-in: 16 MiB, of which 8 must stay.
func TestBulkArchiveRefusedWhenDiskWouldFill(t *testing.T) {
	free := func(string) (uint64, error) { return 16 << 20, nil }
	ts := startWithConfig(t, twoCompanies, Options{MinFreeDisk: 8 << 20, freeBytes: free})
	resp, data := call(t, "POST", ts.url+"/api/generate/bulk", `{"entry_count": 20000}`, "Accept", "application/gzip")
	e := wantError(t, resp, data, http.StatusInsufficientStorage, "no_space", "entry_count")
	for _, want := range []string{"20000 entries", "--min-free-disk keeps 8.0 MiB", "16 MiB free"} {
		if !strings.Contains(e.Error.Message, want) {
			t.Errorf("message %q lacks %q", e.Error.Message, want)
		}
	}
	if ts.metrics.ArchivesRefused.Load() != 1 || resp.Header.Get("X-Datasynth-Entries") != "" {
		t.Fatalf("refused %d, headers %v", ts.metrics.ArchivesRefused.Load(), resp.Header)
	}
	if left, _ := filepath.Glob(filepath.Join(ts.opts.WorkDir, ".datasynth-bulk-*")); len(left) > 0 {
		t.Fatalf("staged although refused: %v", left)
	}
	if resp, data := call(t, "POST", ts.url+"/api/generate/bulk", `{"entry_count": 2000}`, "Accept", "application/gzip"); resp.StatusCode != 200 {
		t.Fatalf("a small archive: %d %.300s", resp.StatusCode, data)
	}
	// Streamed formats are not staged: the same count is served.
	if resp, _ := call(t, "POST", ts.url+"/api/generate/bulk", `{"entry_count": 20000}`, "Accept", "text/csv"); resp.StatusCode != 200 {
		t.Fatalf("CSV of 20000 entries: %d", resp.StatusCode)
	}
}
