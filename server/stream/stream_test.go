package stream

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"datasynth.dev/engine/config"
	"datasynth.dev/server/bulk"
	"datasynth.dev/server/httpapi"
	"datasynth.dev/server/internal/wstest"
	"datasynth.dev/server/metrics"
	"github.com/coder/websocket"
)

// smallConfig describes 60 entries a year over two months: 10 entries.
const smallConfig = `global: {seed: 7, industry: retail, start_date: "2024-01-01", period_months: 2}
companies:
  - {code: R1, name: Harbor, currency: USD, country: US, annual_transaction_volume: {custom: 60}}
chart_of_accounts: {complexity: small}
output: {formats: [csv]}
`

// harness is a Hub behind a plain ServeMux: the client of a request is
// its X-Client header, as the router would set from an API key.
type harness struct {
	hub *Hub
	m   *metrics.Set
	url string
}

func newHarness(t *testing.T, opts Options, yaml string) *harness {
	t.Helper()
	cfg, err := config.Demo()
	if yaml != "" {
		cfg, err = config.Parse("test.yaml", []byte(yaml))
	}
	if err != nil {
		t.Fatal(err)
	}
	m := metrics.New(metrics.Build{})
	svc := bulk.New(bulk.Options{Config: func() *config.Config { return cfg }, MaxEntries: 1 << 40, Metrics: m})
	ctx, cancel := context.WithCancel(context.Background())
	opts.Log = slog.New(slog.DiscardHandler)
	opts.Metrics, opts.Jobs = m, ctx
	opts.Plan = func(seed *uint64, inject *bool) (*bulk.Plan, *httpapi.RequestError) {
		return svc.Plan(&bulk.Request{Seed: seed, InjectAnomalies: inject})
	}
	opts.Snapshot = m.Snapshot
	opts.Draining = func() bool { return false }
	def := func(v *int, d int) {
		if *v == 0 {
			*v = d
		}
	}
	def(&opts.Buffer, 64)
	def(&opts.MaxEventsPerSecond, 50_000)
	def(&opts.MaxStreams, 100)
	def(&opts.MaxPerKey, 100)
	if opts.MetricsInterval == 0 {
		opts.MetricsInterval = time.Second
	}
	if opts.WriteTimeout == 0 {
		opts.WriteTimeout = 30 * time.Second
	}
	h := New(opts)
	mux := http.NewServeMux()
	client := func(next http.HandlerFunc) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			next(w, r.WithContext(httpapi.WithInfo(r.Context(), &httpapi.Info{Client: r.Header.Get("X-Client")})))
		}
	}
	mux.HandleFunc("GET /ws/events", client(h.HandleEvents))
	mux.HandleFunc("GET /ws/metrics", client(h.HandleMetrics))
	mux.HandleFunc("GET /api/stream/status", h.HandleStatus)
	mux.HandleFunc("POST /api/stream/trigger/{pattern}", h.HandleTrigger)
	for _, a := range []string{"start", "stop", "pause", "resume"} {
		mux.HandleFunc("POST /api/stream/"+a, h.HandleControl(a))
	}
	srv := httptest.NewServer(mux)
	t.Cleanup(func() {
		stop, done := context.WithTimeout(context.Background(), 10*time.Second)
		defer done()
		h.CloseAll(stop, "test over")
		cancel()
		h.Wait()
		srv.Close()
	})
	return &harness{hub: h, m: m, url: srv.URL}
}

func (hs *harness) dial(t *testing.T, path string, header ...string) *wstest.Client {
	t.Helper()
	c, resp, err := wstest.Dial(t, hs.url+path, header...)
	if err != nil {
		t.Fatalf("dial %s: %v (%v)", path, err, resp)
	}
	return c
}

func (hs *harness) post(t *testing.T, action, body string) (int, []byte) {
	t.Helper()
	resp, err := http.Post(hs.url+"/api/stream/"+action, "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, data
}

// waitFor polls cond; the deadline guards against a hang, it does not
// measure anything.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

type event struct {
	Type string `json:"type"`
	Seq  int64  `json:"seq"`
}

func TestEventsStreamEnds(t *testing.T) {
	hs := newHarness(t, Options{}, smallConfig)
	c := hs.dial(t, "/ws/events?events_per_second=20000")
	ce, n := c.Run().Closed(t)
	if ce.Code != websocket.StatusNormalClosure || ce.Reason != "all 10 entries sent" || n != 10 {
		t.Fatalf("close %v after %d events", ce, n)
	}
}

// A pause holds events: once the producer waits and its queue is sent,
// nothing more arrives, and after resume the sequence goes on without a
// gap. Both are checked on counters the hub keeps, not on time.
func TestStreamControl(t *testing.T) {
	hs := newHarness(t, Options{}, "")
	c := hs.dial(t, "/ws/events?events_per_second=1000").Run()
	var last event
	if err := json.Unmarshal(c.Next(t), &last); err != nil {
		t.Fatal(err)
	}
	control := func(action string, status int, state string) {
		t.Helper()
		code, data := hs.post(t, action, "")
		if code != status {
			t.Fatalf("%s: %d %s", action, code, data)
		}
		if status == 200 {
			var st controlBody
			if err := json.Unmarshal(data, &st); err != nil || st.State != state || !st.Success || st.Message == "" {
				t.Fatalf("%s: %s, want state %s", action, data, state)
			}
		}
	}
	control("pause", 200, StatePaused)
	waitFor(t, "the pause to hold", func() bool {
		return hs.hub.parked.Load() == 1 && hs.m.StreamEvents.Load() == hs.hub.queued.Load()
	})
	sent := hs.m.StreamEvents.Load()
	for range sent - 1 { // the first was read above
		if err := json.Unmarshal(c.Next(t), &last); err != nil {
			t.Fatal(err)
		}
	}
	if len(c.Msgs) != 0 || last.Seq != sent {
		t.Fatalf("paused after %d events, the client has event %d and %d more", sent, last.Seq, len(c.Msgs))
	}
	control("resume", 200, StateRunning)
	var next event
	if err := json.Unmarshal(c.Next(t), &next); err != nil || next.Seq != sent+1 {
		t.Fatalf("after resume: event %d, want %d (%v)", next.Seq, sent+1, err)
	}
	control("stop", 200, StateStopped)
	ce, _ := c.Closed(t)
	if ce.Code != websocket.StatusNormalClosure || !strings.Contains(ce.Reason, "stopped") {
		t.Fatalf("close after stop: %v", ce)
	}
	if _, resp, err := wstest.Dial(t, hs.url+"/ws/events"); err == nil || resp.StatusCode != 503 {
		t.Fatalf("dial while stopped: %v %v", err, resp)
	}
	control("pause", 409, "")
	control("resume", 409, "")
	control("start", 200, StateRunning)
	hs.dial(t, "/ws/events?events_per_second=1000").Run().Next(t)
	if code, data := hs.post(t, "start", `{"rate": 5}`); code != 400 || !strings.Contains(string(data), `"unknown_field"`) {
		t.Fatalf("start with a body: %d %s", code, data)
	}
}

func TestSlowClientDropped(t *testing.T) {
	hs := newHarness(t, Options{Buffer: 8}, "")
	c := hs.dial(t, "/ws/events?events_per_second=50000")
	// Read nothing until the server gives up on the client.
	waitFor(t, "the slow client to be dropped", func() bool { return hs.m.SlowClients.Load() == 1 })
	sent := hs.m.StreamEvents.Load()
	ce, n := c.Run().Closed(t)
	if ce.Code != websocket.StatusPolicyViolation || !strings.Contains(ce.Reason, "too slow") {
		t.Fatalf("close %v", ce)
	}
	// Nothing beyond what was on the wire when the client was dropped:
	// the queued events were discarded, not sent.
	if int64(n) > sent+1 {
		t.Fatalf("received %d events, %d were sent when the client was dropped", n, sent)
	}
	waitFor(t, "the stream to end", func() bool { return hs.m.StreamsEvents.Load() == 0 })
}

func TestMetricsStream(t *testing.T) {
	hs := newHarness(t, Options{MetricsInterval: 20 * time.Millisecond}, "")
	c := hs.dial(t, "/ws/metrics").Run()
	var prev float64
	for i := range 3 {
		var m struct {
			Type          string  `json:"type"`
			UptimeSeconds float64 `json:"uptime_seconds"`
			Metric        int64   `json:"active_metric_streams"`
		}
		if err := json.Unmarshal(c.Next(t), &m); err != nil {
			t.Fatal(err)
		}
		if m.Type != "metrics" || m.UptimeSeconds <= prev || m.Metric != 1 {
			t.Fatalf("snapshot %d: %+v", i, m)
		}
		// DataSynth's MetricsUpdate fields.
		var raw map[string]any
		_ = json.Unmarshal(c.Next(t), &raw)
		for _, k := range []string{"timestamp", "total_entries", "total_anomalies", "entries_per_second", "active_streams", "uptime_seconds"} {
			if _, ok := raw[k]; !ok {
				t.Fatalf("snapshot lacks DataSynth's %s: %v", k, raw)
			}
		}
		prev = m.UptimeSeconds
	}
}

// Streams beyond a limit are refused before the upgrade, with a JSON 503
// and a count by limit; a closed stream frees its place.
func TestStreamLimits(t *testing.T) {
	hs := newHarness(t, Options{MaxStreams: 3, MaxPerKey: 2}, "")
	refused := func(client string, want string) {
		t.Helper()
		_, resp, err := wstest.Dial(t, hs.url+"/ws/metrics", "X-Client", client)
		if err == nil || resp == nil || resp.StatusCode != http.StatusServiceUnavailable {
			t.Fatalf("%s: %v %v, want 503", client, err, resp)
		}
		body, _ := io.ReadAll(resp.Body)
		var e struct {
			Error httpapi.Error `json:"error"`
		}
		if json.Unmarshal(body, &e) != nil || e.Error.Code != "too_many_streams" || !strings.Contains(e.Error.Message, want) || resp.Header.Get("Retry-After") == "" {
			t.Fatalf("%s: %s %v", client, body, resp.Header)
		}
	}
	a1 := hs.dial(t, "/ws/metrics", "X-Client", "key:a").Run()
	hs.dial(t, "/ws/events?events_per_second=1", "X-Client", "key:a").Run()
	refused("key:a", "--max-streams-per-key")
	hs.dial(t, "/ws/metrics", "X-Client", "key:b").Run()
	refused("key:c", "--max-streams")
	if hs.m.StreamsRefusedKey.Load() != 1 || hs.m.StreamsRefusedServer.Load() != 1 {
		t.Fatalf("refused: key %d, server %d", hs.m.StreamsRefusedKey.Load(), hs.m.StreamsRefusedServer.Load())
	}
	_ = a1.Conn.Close(websocket.StatusNormalClosure, "done")
	waitFor(t, "the place to free", func() bool { return hs.m.StreamsMetrics.Load() == 1 })
	hs.dial(t, "/ws/metrics", "X-Client", "key:c").Run().Next(t)
}

// Revoke closes the streams of keys no longer accepted, with 1008.
func TestRevoke(t *testing.T) {
	hs := newHarness(t, Options{}, "")
	keep := hs.dial(t, "/ws/metrics", "X-Client", "key:keep").Run()
	gone := hs.dial(t, "/ws/metrics", "X-Client", "key:gone").Run()
	keep.Next(t)
	gone.Next(t)
	hs.hub.Revoke(func(client string) bool { return client == "key:keep" })
	ce, _ := gone.Closed(t)
	if ce.Code != websocket.StatusPolicyViolation || ce.Reason != "API key revoked" {
		t.Fatalf("revoked stream closed with %v", ce)
	}
	if hs.m.StreamsMetrics.Load() == 0 {
		t.Fatal("the kept stream was closed too")
	}
}
