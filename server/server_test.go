package server

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// testKey and otherKey are valid API keys in tests.
const (
	testKey  = "test-key-0123456789abcdef"
	otherKey = "other-key-0123456789abcdef"
)

// testServer is a server on a real loopback listener.
type testServer struct {
	*Server
	url  string
	stop func() error // cancels Serve and returns its result
}

// start runs a server with opts on 127.0.0.1 and stops it at the end of
// the test. Rate limiting is off unless opts sets it.
func start(t *testing.T, opts Options) *testServer {
	t.Helper()
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.NewTextHandler(testWriter{t}, &slog.HandlerOptions{Level: slog.LevelWarn}))
	}
	if opts.WorkDir == "" {
		opts.WorkDir = t.TempDir()
	}
	s, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Serve(ctx, ln) }()
	var once bool
	var result error
	stop := func() error {
		if !once {
			once = true
			cancel()
			result = <-done
		}
		return result
	}
	t.Cleanup(func() {
		if err := stop(); err != nil {
			t.Errorf("Serve: %v", err)
		}
	})
	return &testServer{Server: s, url: "http://" + ln.Addr().String(), stop: stop}
}

// syncBuffer is a log destination a test reads while the server writes.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// testWriter sends log lines to t.Log.
type testWriter struct{ t *testing.T }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Helper()
	w.t.Log(strings.TrimRight(string(p), "\n"))
	return len(p), nil
}

// call sends a request and returns the response with its body read.
func call(t *testing.T, method, url string, body string, header ...string) (*http.Response, []byte) {
	t.Helper()
	var r io.Reader
	if body != "" {
		r = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, url, r)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, data
}

// errBody is the error body of every failed request.
type errBody struct {
	Error struct {
		Code     string `json:"code"`
		Message  string `json:"message"`
		Field    string `json:"field"`
		Problems []struct {
			Line    int    `json:"line"`
			Column  int    `json:"column"`
			Field   string `json:"field"`
			Message string `json:"message"`
		} `json:"problems"`
	} `json:"error"`
	RequestID string `json:"request_id"`
}

func decode[T any](t *testing.T, data []byte) T {
	t.Helper()
	var v T
	if err := json.Unmarshal(data, &v); err != nil {
		t.Fatalf("response is not the expected JSON: %v\n%s", err, data)
	}
	return v
}

// wantError checks status, code and field of an error response.
func wantError(t *testing.T, resp *http.Response, data []byte, status int, code, field string) errBody {
	t.Helper()
	if resp.StatusCode != status {
		t.Fatalf("status %d, want %d: %s", resp.StatusCode, status, data)
	}
	if ct := resp.Header.Get("Content-Type"); ct != "application/json" {
		t.Fatalf("error Content-Type %q", ct)
	}
	e := decode[errBody](t, data)
	if e.Error.Code != code || e.Error.Field != field || e.Error.Message == "" || e.RequestID == "" {
		t.Fatalf("error %+v, want code %q field %q", e, code, field)
	}
	if e.RequestID != resp.Header.Get("X-Request-Id") {
		t.Fatalf("request id %q in body, %q in header", e.RequestID, resp.Header.Get("X-Request-Id"))
	}
	return e
}

func TestProbes(t *testing.T) {
	ts := start(t, Options{Version: "1.2.3", Commit: "abc"})
	for _, probe := range []string{"/health", "/live", "/ready"} {
		if _, data := call(t, "GET", ts.url+probe, ""); !bytes.HasSuffix(data, []byte("}\n")) {
			t.Errorf("%s body %q does not end with a newline", probe, data)
		}
	}
	resp, data := call(t, "GET", ts.url+"/health", "")
	h := decode[healthBody](t, data)
	if resp.StatusCode != 200 || !h.Healthy || h.Version != "1.2.3" || h.UptimeSeconds <= 0 || h.GeneratorVersion == "" {
		t.Fatalf("/health: %d %s", resp.StatusCode, data)
	}
	for header, want := range map[string]string{
		"X-Content-Type-Options": "nosniff", "X-Frame-Options": "DENY", "Cache-Control": "no-store",
		"Content-Security-Policy": "default-src 'none'; frame-ancestors 'none'", "Content-Type": "application/json",
	} {
		if got := resp.Header.Get(header); got != want {
			t.Errorf("%s: %q, want %q", header, got, want)
		}
	}
	if id := resp.Header.Get("X-Request-Id"); len(id) != 16 {
		t.Errorf("X-Request-Id %q", id)
	}
	resp, data = call(t, "GET", ts.url+"/live", "", "X-Request-Id", "proxy-id-1")
	live := decode[struct {
		Alive     bool   `json:"alive"`
		Timestamp string `json:"timestamp"`
	}](t, data)
	if _, err := time.Parse(time.RFC3339Nano, live.Timestamp); resp.StatusCode != 200 || resp.Header.Get("X-Request-Id") != "proxy-id-1" || !live.Alive || err != nil {
		t.Errorf("/live: %d, request id %q, %s", resp.StatusCode, resp.Header.Get("X-Request-Id"), data)
	}
	resp, data = call(t, "GET", ts.url+"/ready", "")
	ready := decode[readyBody](t, data)
	if resp.StatusCode != 200 || !ready.Ready || ready.Message != "ready" || len(ready.Checks) != 4 || ready.Checks[1] != (readyCheck{"config", "ok"}) {
		t.Errorf("/ready: %d %s", resp.StatusCode, data)
	}
	resp, data = call(t, "GET", ts.url+"/metrics", "")
	for _, name := range []string{"synth_build_info{", "synth_uptime_seconds", "synth_http_requests_total{", "go_goroutines", "process_resident_memory_bytes", "synth_ready 1"} {
		if !bytes.Contains(data, []byte(name)) {
			t.Errorf("/metrics lacks %s", name)
		}
	}
	if resp.StatusCode != 200 {
		t.Errorf("/metrics: %d", resp.StatusCode)
	}
	resp, data = call(t, "GET", ts.url+"/nope", "")
	wantError(t, resp, data, 404, "not_found", "")
	resp, data = call(t, "DELETE", ts.url+"/health", "")
	wantError(t, resp, data, 405, "method_not_allowed", "")
	if resp.Header.Get("Allow") != "GET, HEAD" {
		t.Errorf("Allow %q", resp.Header.Get("Allow"))
	}
}

func TestReadyDiskNearlyFull(t *testing.T) {
	ts := start(t, Options{MinFreeDisk: 1 << 62})
	resp, data := call(t, "GET", ts.url+"/ready", "")
	r := decode[readyBody](t, data)
	if resp.StatusCode != 503 || len(r.Reasons) != 1 || !strings.Contains(r.Reasons[0], "disk nearly full") ||
		r.Ready || r.Checks[3] != (readyCheck{"disk", "fail"}) || r.Checks[1].Status != "ok" || !strings.HasPrefix(r.Message, "not ready: disk nearly full") {
		t.Fatalf("/ready: %d %s", resp.StatusCode, data)
	}
}

func TestAuth(t *testing.T) {
	ts := start(t, Options{APIKeys: []string{testKey, otherKey}})
	tests := []struct {
		name   string
		header []string
		status int
		msg    string
	}{
		{"none", nil, 401, "missing API key"},
		{"wrong bearer", []string{"Authorization", "Bearer wrong-key-0123456789abcdef"}, 401, "invalid API key"},
		{"wrong x-api-key", []string{"X-API-Key", "wrong-key-0123456789abcdef"}, 401, "invalid API key"},
		{"basic scheme", []string{"Authorization", "Basic " + testKey}, 401, "invalid API key"},
		{"right bearer", []string{"Authorization", "Bearer " + testKey}, 200, ""},
		{"right bearer, lower-case scheme", []string{"Authorization", "bearer " + otherKey}, 200, ""},
		{"right x-api-key", []string{"X-API-Key", otherKey}, 200, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, data := call(t, "GET", ts.url+"/api/config", "", tt.header...)
			if tt.status == 200 {
				if resp.StatusCode != 200 {
					t.Fatalf("status %d: %s", resp.StatusCode, data)
				}
				return
			}
			e := wantError(t, resp, data, 401, "unauthorized", "")
			if !strings.Contains(e.Error.Message, tt.msg) || resp.Header.Get("WWW-Authenticate") != `Bearer realm="datasynth"` {
				t.Fatalf("message %q, WWW-Authenticate %q", e.Error.Message, resp.Header.Get("WWW-Authenticate"))
			}
		})
	}
	for _, path := range []string{"/health", "/live", "/ready", "/metrics"} {
		if resp, _ := call(t, "GET", ts.url+path, ""); resp.StatusCode != 200 {
			t.Errorf("%s without a key: %d, want 200 (exempt)", path, resp.StatusCode)
		}
	}
}

func TestNewRejectsBadKeys(t *testing.T) {
	dir := t.TempDir()
	empty := filepath.Join(dir, "empty")
	if err := os.WriteFile(empty, []byte("# no keys\n\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for name, opts := range map[string]Options{
		"short key":    {APIKeys: []string{"short"}},
		"missing file": {APIKeysFile: filepath.Join(dir, "missing")},
		"empty file":   {APIKeysFile: empty},
	} {
		if _, err := New(opts); err == nil {
			t.Errorf("%s: New succeeded", name)
		}
	}
}

func TestRateLimit(t *testing.T) {
	// The limiter's clock stands still but for the step below: refills
	// happen when the test says, whatever the machine's load.
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	var clock sync.Mutex
	ts := start(t, Options{RateLimit: 2, RateBurst: 2, APIKeys: []string{testKey, otherKey}, now: func() time.Time {
		clock.Lock()
		defer clock.Unlock()
		return now
	}})
	get := func(key string) *http.Response {
		resp, _ := call(t, "GET", ts.url+"/api/metrics", "", "X-API-Key", key)
		return resp
	}
	for i := range 2 {
		if resp := get(testKey); resp.StatusCode != 200 || resp.Header.Get("X-RateLimit-Limit") != "2" {
			t.Fatalf("request %d: %d, limit %q", i, resp.StatusCode, resp.Header.Get("X-RateLimit-Limit"))
		}
	}
	resp, data := call(t, "GET", ts.url+"/api/metrics", "", "X-API-Key", testKey)
	wantError(t, resp, data, 429, "rate_limited", "")
	if resp.Header.Get("Retry-After") != "1" || resp.Header.Get("X-RateLimit-Remaining") != "0" || resp.Header.Get("X-RateLimit-Reset") == "" {
		t.Fatalf("429 headers: %v", resp.Header)
	}
	// Another key has its own bucket; public probes are never limited.
	if resp := get(otherKey); resp.StatusCode != 200 {
		t.Fatalf("other key: %d", resp.StatusCode)
	}
	for range 5 {
		if resp, _ := call(t, "GET", ts.url+"/health", ""); resp.StatusCode != 200 {
			t.Fatalf("/health limited: %d", resp.StatusCode)
		}
	}
	// Recovered after one token's time (500 ms).
	clock.Lock()
	now = now.Add(500 * time.Millisecond)
	clock.Unlock()
	if resp := get(testKey); resp.StatusCode != 200 {
		t.Fatalf("after waiting: %d", resp.StatusCode)
	}
	if got := ts.metrics.RateLimited.Load(); got != 1 {
		t.Fatalf("rate-limited counter %d, want 1", got)
	}
	// Without a key the client address is the bucket: wrong keys cannot
	// be tried faster than the limit.
	codes := map[int]int{}
	for range 4 {
		resp, _ := call(t, "GET", ts.url+"/api/metrics", "", "X-API-Key", "guess-0123456789abcdef")
		codes[resp.StatusCode]++
	}
	if codes[401] != 2 || codes[429] != 2 {
		t.Fatalf("guessing keys: %v, want 2 x 401 then 2 x 429", codes)
	}
}

func TestMalformedRequests(t *testing.T) {
	ts := start(t, Options{MaxBody: 64})
	tests := []struct {
		name, body   string
		status       int
		code, field  string
		extraHeaders []string
	}{
		{"syntax", `{"entry_count": 1,`, 400, "malformed_json", "", nil},
		{"not an object", `[1,2]`, 400, "malformed_json", "", nil},
		{"wrong type", `{"entry_count": "ten"}`, 400, "invalid_field", "entry_count", nil},
		{"negative seed", `{"seed": -1}`, 400, "invalid_field", "seed", nil},
		{"bool as string", `{"include_master_data": "yes"}`, 400, "invalid_field", "include_master_data", nil},
		{"unknown field", `{"entry_count": 1, "entries": 2}`, 400, "unknown_field", "entries", nil},
		{"duplicate field", `{"seed": 1, "seed": 2}`, 400, "duplicate_field", "seed", nil},
		{"trailing data", `{"entry_count": 1} {}`, 400, "malformed_json", "", nil},
		{"negative count", `{"entry_count": -5}`, 400, "invalid_field", "entry_count", nil},
		{"oversized", `{"entry_count": 1, "seed": 1` + strings.Repeat(" ", 100) + `}`, 413, "body_too_large", "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, data := call(t, "POST", ts.url+"/api/generate/plan", tt.body, tt.extraHeaders...)
			wantError(t, resp, data, tt.status, tt.code, tt.field)
		})
	}
	t.Run("oversized without length", func(t *testing.T) {
		pr, pw := io.Pipe()
		go func() {
			_, _ = pw.Write([]byte(`{"seed": 1` + strings.Repeat(" ", 200) + `}`))
			pw.Close()
		}()
		req, _ := http.NewRequest("POST", ts.url+"/api/config", pr)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		data, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		wantError(t, resp, data, 413, "body_too_large", "")
	})
}
