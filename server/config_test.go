package server

import (
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"datasynth.dev/engine/config"
	"datasynth.dev/server/internal/wstest"
	"github.com/coder/websocket"
)

// twoCompanies is a small valid config used across tests.
const twoCompanies = `global:
  seed: 7
  industry: retail
  start_date: "2024-01-01"
  period_months: 2
companies:
  - code: DE01
    name: "Harbor Street Retail GmbH"
    currency: EUR
    country: DE
    annual_transaction_volume: ten_k
  - code: US01
    name: "Harbor Street Retail, Inc."
    currency: USD
    country: US
    annual_transaction_volume: {custom: 30000}
    volume_weight: 0.5
chart_of_accounts:
  complexity: medium
output:
  formats: [csv]
fraud:
  enabled: true
  fraud_rate: 0.02
`

// longJobMasterData keeps the master data of a config scaled to tens of
// millions of entries small: the tests that need a job still running
// (to cancel it, or to leave it) would otherwise spend most of their time
// preparing hundreds of thousands of customers and vendors.
const longJobMasterData = `master_data:
  vendors: {count: 50}
  customers: {count: 50}
  materials: {count: 50}
  employees: {count: 20}
  fixed_assets: {count: 20}
`

const badConfig = `global:
  industry: retial
  start_date: "2024-13-01"
  period_months: 0
companies: []
chart_of_accounts: {complexity: small}
output: {formats: [csv]}
`

func TestConfigAPI(t *testing.T) {
	ts := start(t, Options{})
	resp, data := call(t, "GET", ts.url+"/api/config", "")
	v := decode[configBody](t, data)
	if resp.StatusCode != 200 || v.Source != config.DemoName || v.TotalEntries != 25000 || *v.Config.Seed != 42 || !strings.Contains(v.YAML, "Northwind") {
		t.Fatalf("GET demo: %d %+v", resp.StatusCode, v)
	}

	resp, data = call(t, "POST", ts.url+"/api/config", twoCompanies, "Content-Type", "application/yaml")
	v = decode[configBody](t, data)
	if resp.StatusCode != 200 || v.Source != "POST /api/config" || len(v.Companies) != 2 || v.Companies[1].Entries != 2500 || v.TotalEntries != 4166 {
		t.Fatalf("POST yaml: %d %s", resp.StatusCode, data)
	}

	// JSON is YAML too: the same code checks it.
	jsonCfg := `{"global": {"seed": 1, "industry": "energy", "start_date": "2024-01-01"},
 "companies": [{"code": "E1", "name": "Summit", "currency": "USD", "country": "US", "annual_transaction_volume": "ten_k"}],
 "chart_of_accounts": {"complexity": "small"}, "output": {"formats": ["csv"]}}`
	resp, data = call(t, "POST", ts.url+"/api/config", jsonCfg, "Content-Type", "application/json")
	if v := decode[configBody](t, data); resp.StatusCode != 200 || v.Config.Industry != "energy" {
		t.Fatalf("POST json: %d %s", resp.StatusCode, data)
	}

	resp, data = call(t, "POST", ts.url+"/api/config", badConfig, "Content-Type", "application/yaml")
	e := wantError(t, resp, data, 400, "invalid_config", "global.industry")
	want := map[string]int{"global.industry": 2, "global.start_date": 3, "global.period_months": 4, "companies": 5}
	for _, p := range e.Error.Problems {
		if line, ok := want[p.Field]; ok && p.Line == line && p.Column > 0 && p.Message != "" {
			delete(want, p.Field)
		}
	}
	if len(want) > 0 {
		t.Fatalf("problems %+v lack %v", e.Error.Problems, want)
	}
	if !strings.Contains(e.Error.Problems[0].Message, `did you mean "retail"`) {
		t.Errorf("first problem: %+v", e.Error.Problems[0])
	}
	// Nothing changed.
	_, data = call(t, "GET", ts.url+"/api/config", "")
	if v := decode[configBody](t, data); v.Config.Industry != "energy" {
		t.Fatalf("config changed by an invalid POST: %s", v.Config.Industry)
	}

	resp, data = call(t, "POST", ts.url+"/api/config", twoCompanies, "Content-Type", "text/html")
	wantError(t, resp, data, 415, "unsupported_media_type", "")
	resp, data = call(t, "POST", ts.url+"/api/config", "", "Content-Type", "application/yaml")
	wantError(t, resp, data, 400, "invalid_config", "")
	resp, data = call(t, "POST", ts.url+"/api/config/reload", "")
	wantError(t, resp, data, 409, "no_config_file", "")
}

func TestReloadKeepsConfigOnFailure(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "config.yaml")
	write := func(s string) {
		if err := os.WriteFile(file, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write(twoCompanies)
	ts := start(t, Options{ConfigFile: file})
	write(badConfig)
	resp, data := call(t, "POST", ts.url+"/api/config/reload", "")
	e := wantError(t, resp, data, 422, "reload_failed", "global.industry")
	if len(e.Error.Problems) < 4 || !strings.Contains(e.Error.Message, "nothing was changed") || e.Error.Problems[0].Line != 2 {
		t.Fatalf("reload problems: %+v", e.Error)
	}
	_, data = call(t, "GET", ts.url+"/api/config", "")
	if v := decode[configBody](t, data); v.Config.Industry != "retail" || v.Source != file {
		t.Fatalf("after a failed reload: %+v", v)
	}
	if resp, _ := call(t, "GET", ts.url+"/ready", ""); resp.StatusCode != 200 {
		t.Fatalf("a failed reload made the server unready: %d", resp.StatusCode)
	}
	m := ts.metrics
	if m.ReloadFailure.Load() != 1 || m.LastReloadSuccess.Load() {
		t.Fatalf("failure count %d, last success %v", m.ReloadFailure.Load(), m.LastReloadSuccess.Load())
	}
	_, data = call(t, "GET", ts.url+"/metrics", "")
	for _, line := range []string{`synth_config_reloads_total{result="failure",trigger="api_reload"} 1`, "synth_config_last_reload_successful 0"} {
		if !strings.Contains(string(data), line) {
			t.Errorf("/metrics lacks %s", line)
		}
	}

	write(strings.Replace(twoCompanies, "industry: retail", "industry: healthcare", 1))
	resp, data = call(t, "POST", ts.url+"/api/config/reload", "")
	if v := decode[configBody](t, data); resp.StatusCode != 200 || v.Config.Industry != "healthcare" || !v.Success || v.Message != "config file reloaded and in use" {
		t.Fatalf("reload: %d %s", resp.StatusCode, data)
	}
	if !m.LastReloadSuccess.Load() || m.ReloadSuccess.Load() != 1 {
		t.Fatal("successful reload not counted")
	}

	// The same path serves SIGHUP.
	if err := os.Remove(file); err != nil {
		t.Fatal(err)
	}
	if err := ts.Reload("sighup"); err == nil || !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("reload of a missing file: %v", err)
	}
	_, data = call(t, "GET", ts.url+"/api/config", "")
	if v := decode[configBody](t, data); v.Config.Industry != "healthcare" {
		t.Fatalf("config lost after a failed SIGHUP reload: %s", v.Config.Industry)
	}
}

func TestStartWithInvalidConfig(t *testing.T) {
	file := filepath.Join(t.TempDir(), "config.yaml")
	if err := os.WriteFile(file, []byte(badConfig), 0o644); err != nil {
		t.Fatal(err)
	}
	ts := start(t, Options{ConfigFile: file})
	resp, data := call(t, "GET", ts.url+"/ready", "")
	if r := decode[readyBody](t, data); resp.StatusCode != 503 || len(r.Reasons) != 1 || !strings.Contains(r.Reasons[0], "global.industry") {
		t.Fatalf("/ready: %d %s", resp.StatusCode, data)
	}
	resp, data = call(t, "POST", ts.url+"/api/generate/bulk", "{}")
	wantError(t, resp, data, 503, "no_config", "")
	if resp, _ := call(t, "POST", ts.url+"/api/config", twoCompanies); resp.StatusCode != 200 {
		t.Fatalf("POST config: %d", resp.StatusCode)
	}
	if resp, _ := call(t, "GET", ts.url+"/ready", ""); resp.StatusCode != http.StatusOK {
		t.Fatalf("/ready after a valid config: %d", resp.StatusCode)
	}
}

// FuzzPostConfig sends arbitrary bodies to POST /api/config: the answer is
// always 200 or a JSON error, never a panic or a 5xx.
func FuzzPostConfig(f *testing.F) {
	f.Add([]byte(twoCompanies))
	f.Add([]byte(badConfig))
	f.Add(config.DemoYAML())
	f.Add([]byte(`{"global": {"seed": -1}}`))
	f.Add([]byte("global: &a [*a]\n"))
	f.Add([]byte("companies:\n  - {annual_transaction_volume: {custom: 99999999999999999999}}\n"))
	f.Add([]byte("\xff\xfe"))
	f.Add([]byte(flatRetail))
	f.Add([]byte(`{"industry": "Retail", "companies": [null, {"code": 5}], "seed": 1e30}`))
	s, err := New(Options{})
	if err != nil {
		f.Fatal(err)
	}
	h := s.Handler()
	f.Fuzz(func(t *testing.T, body []byte) {
		w := httptest.NewRecorder()
		r, _ := http.NewRequest("POST", "/api/config", strings.NewReader(string(body)))
		r.Header.Set("Content-Type", "application/yaml")
		h.ServeHTTP(w, r)
		switch w.Code {
		case 200:
		case 400, 413:
			var e errBody
			if err := json.Unmarshal(w.Body.Bytes(), &e); err != nil || e.Error.Code == "" {
				t.Fatalf("status %d with body %q", w.Code, w.Body.String())
			}
		default:
			t.Fatalf("status %d for %q: %s", w.Code, body, w.Body.String())
		}
	})
}

// A keys file that fails to reload may have been edited to revoke a key:
// no key is accepted until it reads cleanly again (503, the reason in
// /ready and a metric), the probes keep answering, and the streams of
// keys that are gone are closed.
func TestKeysReloadFailsClosed(t *testing.T) {
	file := filepath.Join(t.TempDir(), "keys.txt")
	write := func(s string) {
		if err := os.WriteFile(file, []byte(s), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write(testKey + "\n" + otherKey + "\n")
	ts := start(t, Options{APIKeysFile: file})
	ws, _, err := wstest.Dial(t, ts.url+"/ws/metrics", "X-API-Key", otherKey)
	if err != nil {
		t.Fatal(err)
	}
	ws.Run().Next(t)

	// otherKey is revoked, and a typo slips in.
	write(testKey + "\nshort\n")
	if err := ts.Reload("sighup"); err == nil || !strings.Contains(err.Error(), "key 2 is 5 characters long") {
		t.Fatalf("reload of a broken keys file: %v", err)
	}
	for _, key := range []string{testKey, otherKey} {
		resp, data := call(t, "GET", ts.url+"/api/config", "", "X-API-Key", key)
		wantError(t, resp, data, http.StatusServiceUnavailable, "api_keys_unavailable", "")
	}
	resp, data := call(t, "GET", ts.url+"/ready", "")
	if r := decode[readyBody](t, data); resp.StatusCode != 503 || len(r.Reasons) != 1 || !strings.Contains(r.Reasons[0], "API keys file failed to reload") {
		t.Fatalf("/ready: %d %s", resp.StatusCode, data)
	}
	if resp, _ := call(t, "GET", ts.url+"/health", ""); resp.StatusCode != 200 {
		t.Fatalf("/health: %d", resp.StatusCode)
	}
	_, data = call(t, "GET", ts.url+"/metrics", "")
	if !strings.Contains(string(data), "\nsynth_api_keys_last_reload_successful 0\n") {
		t.Fatalf("/metrics: %s", grepLines(data, "api_keys"))
	}
	ce, _ := ws.Closed(t)
	if ce.Code != websocket.StatusPolicyViolation || ce.Reason != "API key revoked" {
		t.Fatalf("stream of a revoked key: %v", ce)
	}

	write(testKey + "\n")
	if err := ts.Reload("sighup"); err != nil {
		t.Fatal(err)
	}
	if resp, data := call(t, "GET", ts.url+"/api/config", "", "X-API-Key", testKey); resp.StatusCode != 200 {
		t.Fatalf("kept key after the fix: %d %s", resp.StatusCode, data)
	}
	resp, data = call(t, "GET", ts.url+"/api/config", "", "X-API-Key", otherKey)
	wantError(t, resp, data, http.StatusUnauthorized, "unauthorized", "")
	if resp, _ := call(t, "GET", ts.url+"/ready", ""); resp.StatusCode != 200 || !ts.metrics.KeysReloadOK.Load() {
		t.Fatalf("/ready after the fix: %d", resp.StatusCode)
	}
}

func grepLines(data []byte, substr string) string {
	var out []string
	for line := range strings.SplitSeq(string(data), "\n") {
		if strings.Contains(line, substr) {
			out = append(out, line)
		}
	}
	return strings.Join(out, "\n")
}
