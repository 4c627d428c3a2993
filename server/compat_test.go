package server

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"datasynth.dev/server/jobs"
	"github.com/coder/websocket"
)

// wrapper makes the HTTP calls of DataSynth's Python wrapper
// (python/datasynth_py/client.py) as it makes them: JSON bodies with
// Content-Type application/json and the key in X-API-Key, no Accept
// header (urllib sends none), the controls with the body {}, any status
// but 2xx an error, and every answer read as JSON.
type wrapper struct {
	t   *testing.T
	url string
	key string
}

// post is the wrapper's _post_json and _control.
func (c wrapper) post(path, payload string) (map[string]any, error) {
	c.t.Helper()
	req, err := http.NewRequest("POST", c.url+path, strings.NewReader(payload))
	if err != nil {
		c.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-API-Key", c.key)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode/100 != 2 {
		return nil, fmt.Errorf("Server error (%d): %s", resp.StatusCode, body)
	}
	var out map[string]any
	if err := json.Unmarshal(body, &out); err != nil {
		c.t.Fatalf("%s: the answer is not JSON: %s", path, body)
	}
	return out, nil
}

func (c wrapper) mustPost(path, payload string) map[string]any {
	c.t.Helper()
	out, err := c.post(path, payload)
	if err != nil {
		c.t.Fatalf("%s: %v", path, err)
	}
	return out
}

func (c wrapper) get(path string) map[string]any {
	c.t.Helper()
	resp, data := call(c.t, "GET", c.url+path, "", "X-API-Key", c.key)
	if resp.StatusCode != 200 {
		c.t.Fatalf("GET %s: %d %s", path, resp.StatusCode, data)
	}
	return decode[map[string]any](c.t, data)
}

// retailSmallPayload is what the wrapper's stream(retail_small(), seed=42)
// posts to /api/config: _config_to_server_payload of the blueprint, as
// Python's json.dumps writes it (1.0, 0.0, ", " and ": "). The blueprint
// has no fraud section, so fraud is off at rate 0.0, and the wrapper
// always sends an annual volume of 10000.
const retailSmallPayload = `{"industry": "retail", "start_date": "2024-01-01", "period_months": 12, "seed": 42, "coa_complexity": "small", ` +
	`"companies": [{"code": "R001", "name": "Retail Company 1", "currency": "USD", "country": "US", "annual_transaction_volume": 10000, "volume_weight": 1.0}, ` +
	`{"code": "R002", "name": "Retail Company 2", "currency": "USD", "country": "US", "annual_transaction_volume": 10000, "volume_weight": 1.0}, ` +
	`{"code": "R003", "name": "Retail Company 3", "currency": "USD", "country": "US", "annual_transaction_volume": 10000, "volume_weight": 1.0}], ` +
	`"fraud_enabled": false, "fraud_rate": 0.0}`

// TestWrapperFlows performs, over HTTP and a WebSocket, what a user of
// DataSynth's Python wrapper does with this server: stream(config,
// events_per_second, max_events, inject_anomalies, seed), then the
// session's pause, resume, triggers, events and stop; and what its REST
// clients do with bulk generation, metrics and jobs.
func TestWrapperFlows(t *testing.T) {
	// The test stops reading while it posts the triggers; a buffer as
	// large as the stream (max_events below) keeps a slow machine, or the
	// race detector, from closing it as a slow client meanwhile.
	ts := start(t, Options{APIKeys: []string{testKey}, StreamBuffer: 3000})
	ds := wrapper{t: t, url: ts.url, key: testKey}

	// stream(): the config in DataSynth's flat form, then start.
	cfg := ds.mustPost("/api/config", retailSmallPayload)
	if cfg["success"] != true || cfg["config"].(map[string]any)["coa_complexity"] != "small" || len(cfg["config"].(map[string]any)["companies"].([]any)) != 3 {
		t.Fatalf("POST /api/config: %v", cfg)
	}
	started := ds.mustPost("/api/stream/start", `{"events_per_second": 500, "max_events": 3000, "inject_anomalies": true}`)
	if started["success"] != true || started["message"] == "" {
		t.Fatalf("start: %v", started)
	}

	// session.events(): /ws/events with X-API-Key, each message JSON.
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	conn, _, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(ts.url, "http")+"/ws/events",
		&websocket.DialOptions{HTTPHeader: http.Header{"X-API-Key": {testKey}}})
	if err != nil {
		t.Fatal(err)
	}
	defer conn.CloseNow()
	conn.SetReadLimit(1 << 20)
	var seq int64
	event := func() map[string]any {
		t.Helper()
		_, b, err := conn.Read(ctx)
		if err != nil {
			t.Fatalf("after event %d: %v", seq, err)
		}
		var ev map[string]any
		if err := json.Unmarshal(b, &ev); err != nil {
			t.Fatal(err)
		}
		// DataSynth's EventUpdate, in order and without a gap.
		for _, k := range []string{"sequence", "timestamp", "event_type", "document_id", "company_code", "amount", "is_anomaly"} {
			if _, ok := ev[k]; !ok {
				t.Fatalf("event lacks %s: %s", k, b)
			}
		}
		if seq++; ev["sequence"] != float64(seq) || ev["event_type"] != "JournalEntry" || !strings.HasPrefix(ev["company_code"].(string), "R00") {
			t.Fatalf("event %d: %s", seq, b)
		}
		return ev
	}
	for range 20 {
		event()
	}

	// pause() and resume(): the stream goes on where it stopped.
	for _, action := range []string{"pause", "resume"} {
		if got := ds.mustPost("/api/stream/"+action, "{}"); got["success"] != true {
			t.Fatalf("%s: %v", action, got)
		}
	}
	event()

	// trigger_fraud_cluster(): inject_anomalies turned fraud on (the
	// payload's rate is 0.0, so at DataSynth's default rate); the stream
	// soon sends only fraudulent entries.
	if got := ds.mustPost("/api/stream/trigger/fraud_cluster", "{}"); got["success"] != true {
		t.Fatalf("trigger_fraud_cluster: %v", got)
	}
	clustered := 0
	for clustered < 20 {
		ev := event()
		switch {
		case ev["pattern"] == "fraud_cluster" && ev["is_anomaly"] == true:
			clustered++
		case clustered > 0:
			t.Fatalf("event %d broke the fraud cluster: %v", seq, ev)
		}
	}
	// trigger_month_end(), trigger_quarter_end(), trigger_year_end(): the
	// blueprint's full year has every closing window.
	for _, pattern := range []string{"period_end_spike", "quarter_end_spike", "year_end_spike"} {
		if got := ds.mustPost("/api/stream/trigger/"+pattern, "{}"); got["success"] != true {
			t.Fatalf("trigger %s: %v", pattern, got)
		}
	}
	for {
		if ev := event(); ev["pattern"] == "year_end_spike" {
			break
		}
	}
	// trigger_pattern() with a name the server does not know raises, as
	// the wrapper raises on any HTTP error, naming the valid patterns.
	if _, err := ds.post("/api/stream/trigger/month_end_spike", "{}"); err == nil || !strings.Contains(err.Error(), "Server error (400)") ||
		!strings.Contains(err.Error(), `did you mean \"period_end_spike\"`) {
		t.Fatalf("unknown pattern: %v", err)
	}

	// stop(): the stream closes normally, which ends the wrapper's
	// `async for`.
	if got := ds.mustPost("/api/stream/stop", "{}"); got["success"] != true {
		t.Fatalf("stop: %v", got)
	}
	for {
		if _, _, err := conn.Read(ctx); err != nil {
			if websocket.CloseStatus(err) != websocket.StatusNormalClosure {
				t.Fatalf("stream ended with %v", err)
			}
			break
		}
	}

	// GET /api/config and /api/metrics in DataSynth's shapes.
	if got := ds.get("/api/config"); got["success"] != true || got["config"].(map[string]any)["seed"] != 42.0 {
		t.Fatalf("GET /api/config: %v", got)
	}
	m := ds.get("/api/metrics")
	for _, k := range []string{"total_entries_generated", "total_anomalies_injected", "uptime_seconds", "session_entries",
		"session_entries_per_second", "active_streams", "total_stream_events"} {
		if _, ok := m[k]; !ok {
			t.Fatalf("/api/metrics lacks %s: %v", k, m)
		}
	}
	if m["total_stream_events"].(float64) < float64(seq) {
		t.Fatalf("total_stream_events %v, %d events read", m["total_stream_events"], seq)
	}

	// Bulk generation as DataSynth's REST clients ask for it: no Accept,
	// its summary back.
	sum := ds.mustPost("/api/generate/bulk", `{"entry_count": 5000, "include_master_data": true, "inject_anomalies": true}`)
	if sum["success"] != true || sum["entries_generated"] != 5000.0 || sum["anomaly_count"].(float64) <= 0 || sum["duration_ms"] == nil {
		t.Fatalf("bulk: %v", sum)
	}

	// Jobs: submit a config file as a string, poll, list, cancel, and
	// download what DataSynth cannot give.
	job := ds.mustPost("/api/jobs/submit", mustJSON(t, map[string]any{"config": twoCompanies, "seed": 42}))
	id, _ := job["id"].(string)
	if job["status"] != "queued" || id == "" {
		t.Fatalf("submit: %v", job)
	}
	var got map[string]any
	waitFor(t, "the job to end", func() bool {
		got = ds.get("/api/jobs/" + id)
		return got["status"] != jobs.Queued && got["status"] != jobs.Running
	})
	if got["status"] != jobs.Completed || got["result"].(map[string]any)["records_generated"].(float64) <= 0 {
		t.Fatalf("job: %v", got)
	}
	if list := ds.get("/api/jobs")["jobs"].([]any); len(list) != 1 || list[0].(map[string]any)["id"] != id {
		t.Fatalf("jobs: %v", list)
	}
	if _, err := ds.post("/api/jobs/"+id+"/cancel", "{}"); err == nil || !strings.Contains(err.Error(), "(409)") {
		t.Fatalf("cancel of a completed job: %v", err)
	}
	resp, archive := call(t, "GET", ts.url+"/api/jobs/"+id+"/download", "", "X-API-Key", testKey)
	if resp.StatusCode != 200 || !bytes.HasPrefix(archive, []byte{0x1f, 0x8b}) {
		t.Fatalf("download: %d", resp.StatusCode)
	}

	// Without the key, nothing but the probes.
	for _, path := range []string{"/api/config", "/api/jobs", "/api/metrics"} {
		if resp, _ := call(t, "GET", ts.url+path, ""); resp.StatusCode != 401 {
			t.Errorf("%s without a key: %d", path, resp.StatusCode)
		}
	}
	if _, _, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(ts.url, "http")+"/ws/events", nil); err == nil {
		t.Error("/ws/events opened without a key")
	}
}
