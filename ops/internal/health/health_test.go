package health_test

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"datasynth.dev/ops/internal/generatortest"
	"datasynth.dev/ops/internal/health"
	"datasynth.dev/ops/internal/serverproc"
)

const testKey = "health-test-key-0123456789abcdef"

// TestRealServer asks real datasynth-servers, built once for the subtests.
func TestRealServer(t *testing.T) {
	bin := filepath.Join(generatortest.BuildServer(t, "v9.9.9"), "datasynth-server")
	t.Run("healthy", func(t *testing.T) { testHealthyServer(t, bin) })
	t.Run("not ready", func(t *testing.T) { testNotReady(t, bin) })
}

// start runs bin with args and stops it at the end.
func start(t *testing.T, bin string, args ...string) *serverproc.Server {
	t.Helper()
	s, err := serverproc.Start(serverproc.Options{Binary: bin, Args: args})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Stop(5 * time.Second) })
	return s
}

func testHealthyServer(t *testing.T, bin string) {
	keys := filepath.Join(t.TempDir(), "api-keys")
	if err := os.WriteFile(keys, []byte("# keys\n"+testKey+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	s := start(t, bin, "--api-keys-file", keys)
	r := health.Wait(context.Background(), health.Options{URL: s.URL(), APIKey: testKey}, 20*time.Second)
	if !r.Healthy || !r.Reachable {
		t.Fatalf("not healthy: %+v", r)
	}
	if r.Version != "v9.9.9" || r.GeneratorVersion == "" || r.WaitedSeconds == nil {
		t.Errorf("version %q, generator %q, waited %v", r.Version, r.GeneratorVersion, r.WaitedSeconds)
	}
	var names []string
	for _, c := range r.Checks {
		names = append(names, c.Name)
	}
	if got := strings.Join(names, " "); got != "live ready health metrics api-key" {
		t.Errorf("checks %q", got)
	}

	// A wrong key is a failed check of a server that answers.
	r = health.Run(context.Background(), health.Options{URL: s.URL(), APIKey: "wrong-key-0123456789abcdef"})
	if r.Healthy || !r.Reachable {
		t.Fatalf("wrong key: healthy %v reachable %v", r.Healthy, r.Reachable)
	}
	last := r.Checks[len(r.Checks)-1]
	if last.OK || !strings.Contains(last.Detail, "401") {
		t.Errorf("api-key check with a wrong key: %+v", last)
	}

	var buf bytes.Buffer
	if err := r.WriteJSON(&buf); err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Healthy *bool  `json:"healthy"`
		URL     string `json:"url"`
		Version string `json:"version"`
		Checks  []struct {
			Name   string `json:"name"`
			OK     *bool  `json:"ok"`
			Detail string `json:"detail"`
			MS     *int64 `json:"ms"`
		} `json:"checks"`
	}
	if err := json.Unmarshal(buf.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Healthy == nil || *doc.Healthy || doc.URL != s.URL() || doc.Version != "v9.9.9" || len(doc.Checks) != 5 ||
		doc.Checks[0].OK == nil || doc.Checks[0].MS == nil || doc.Checks[0].Name != "live" {
		t.Errorf("JSON report: %s", buf.String())
	}
}

// A server short of disk answers /live but not /ready, and says why.
func testNotReady(t *testing.T, bin string) {
	s := start(t, bin, "--min-free-disk", "1000000TiB")
	// Wait until it is alive (it never becomes ready), then wait once
	// more, briefly, to see Wait give up and say how long it waited.
	for deadline := time.Now().Add(30 * time.Second); !health.Run(context.Background(), health.Options{URL: s.URL()}).Checks[0].OK; {
		if time.Now().After(deadline) {
			t.Fatal("the server did not answer /live within 30s")
		}
		time.Sleep(health.PollInterval)
	}
	r := health.Wait(context.Background(), health.Options{URL: s.URL()}, 300*time.Millisecond)
	if r.Healthy || !r.Reachable {
		t.Fatalf("healthy %v reachable %v", r.Healthy, r.Reachable)
	}
	byName := map[string]health.Check{}
	for _, c := range r.Checks {
		byName[c.Name] = c
	}
	if !byName["live"].OK || byName["ready"].OK || !strings.Contains(byName["ready"].Detail, "not ready: ") ||
		!strings.Contains(byName["ready"].Detail, "disk") {
		t.Errorf("checks: %+v", r.Checks)
	}
	var buf bytes.Buffer
	if err := r.WriteText(&buf); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), ": NOT healthy after ") || !strings.Contains(buf.String(), "ready    FAIL") {
		t.Errorf("text report:\n%s", buf.String())
	}
}

func TestUnreachable(t *testing.T) {
	addr, err := serverproc.FreeAddr()
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	r := health.Wait(context.Background(), health.Options{URL: "http://" + addr}, 500*time.Millisecond)
	if r.Healthy || r.Reachable {
		t.Fatalf("healthy %v reachable %v", r.Healthy, r.Reachable)
	}
	if el := time.Since(start); el < 400*time.Millisecond {
		t.Errorf("Wait gave up after %v, before the 500ms it was given", el)
	}
	if !strings.Contains(r.Checks[0].Detail, "no answer: ") || !strings.Contains(r.Checks[0].Detail, "refused") {
		t.Errorf("detail %q", r.Checks[0].Detail)
	}
}

func TestParseURL(t *testing.T) {
	for _, tt := range []struct{ in, want, err string }{
		{"http://127.0.0.1:3000", "http://127.0.0.1:3000", ""},
		{"http://127.0.0.1:3000/", "http://127.0.0.1:3000", ""},
		{"https://ds.example.com/prefix/", "https://ds.example.com/prefix", ""},
		{"127.0.0.1:3000", "", "is not a server URL"},
		{"ftp://host", "", "is not a server URL"},
		{"http://", "", "is not a server URL"},
		{"http://host:3000/?x=1", "", "without a query"},
	} {
		got, err := health.ParseURL(tt.in)
		if got != tt.want || (err == nil) != (tt.err == "") || (err != nil && !strings.Contains(err.Error(), tt.err)) {
			t.Errorf("ParseURL(%q) = %q, %v; want %q, %q", tt.in, got, err, tt.want, tt.err)
		}
	}
}
