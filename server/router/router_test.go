package router

import (
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"datasynth.dev/server/auth"
	"datasynth.dev/server/httpapi"
	"datasynth.dev/server/metrics"
)

const key = "router-test-key-0123456789"

func newRouter(t *testing.T, keysErr error) *Router {
	t.Helper()
	keys, err := auth.New([]string{key})
	if err != nil {
		t.Fatal(err)
	}
	rt := New(Options{Log: slog.New(slog.DiscardHandler), Metrics: metrics.New(metrics.Build{}), MaxBody: 64,
		Keys: func() (*auth.Keys, error) { return keys, keysErr }})
	ok := func(w http.ResponseWriter, r *http.Request) {
		httpapi.WriteJSON(w, 200, map[string]string{"client": httpapi.InfoOf(r).Client})
	}
	rt.Handle(http.MethodGet, "/open", Public, ok)
	rt.Handle(http.MethodGet, "/api/thing", Protected, ok)
	rt.Handle(http.MethodPost, "/api/thing", Protected, ok)
	rt.Handle(http.MethodPost, "/api/panic", Protected, func(http.ResponseWriter, *http.Request) { panic("boom") })
	// A fixed path beside a wildcard of another method, as the job API
	// has them.
	rt.Handle(http.MethodPost, "/api/items/submit", Protected, ok)
	rt.Handle(http.MethodGet, "/api/items/{id}", Protected, ok)
	rt.Handle(http.MethodPost, "/api/items/{id}/cancel", Protected, ok)
	return rt
}

func serve(rt *Router, method, path string, header ...string) *httptest.ResponseRecorder {
	r := httptest.NewRequest(method, path, strings.NewReader(""))
	for i := 0; i+1 < len(header); i += 2 {
		r.Header.Set(header[i], header[i+1])
	}
	w := httptest.NewRecorder()
	rt.ServeHTTP(w, r)
	return w
}

// errorOf checks that w is a JSON error with code and returns its message.
func errorOf(t *testing.T, w *httptest.ResponseRecorder, status int, code string) string {
	t.Helper()
	var body struct {
		Error     httpapi.Error `json:"error"`
		RequestID string        `json:"request_id"`
	}
	if w.Code != status || json.Unmarshal(w.Body.Bytes(), &body) != nil || body.Error.Code != code ||
		body.RequestID == "" || body.RequestID != w.Header().Get("X-Request-Id") || w.Header().Get("X-Content-Type-Options") != "nosniff" {
		t.Fatalf("%d %s %v, want %d %s", w.Code, w.Body, w.Header(), status, code)
	}
	return body.Error.Message
}

func TestRouting(t *testing.T) {
	rt := newRouter(t, nil)
	errorOf(t, serve(rt, "GET", "/nope"), 404, "not_found")
	errorOf(t, serve(rt, "GET", "/open/"), 404, "not_found")
	for _, tt := range []struct{ method, path, allow string }{
		{"DELETE", "/open", "GET, HEAD"},
		{"PUT", "/api/thing", "GET, HEAD, POST"},
		{"GET", "/api/panic", "POST"},
		{"PUT", "/api/items/submit", "GET, HEAD, POST"},
		{"POST", "/api/items/42", "GET, HEAD"},
		{"GET", "/api/items/42/cancel", "POST"},
	} {
		w := serve(rt, tt.method, tt.path, "X-API-Key", key)
		if msg := errorOf(t, w, 405, "method_not_allowed"); w.Header().Get("Allow") != tt.allow || !strings.Contains(msg, tt.path) {
			t.Errorf("%s %s: Allow %q, message %q", tt.method, tt.path, w.Header().Get("Allow"), msg)
		}
	}
	if w := serve(rt, "HEAD", "/open"); w.Code != 200 {
		t.Errorf("HEAD of a GET route: %d", w.Code)
	}
	if w := serve(rt, "GET", "/open", "X-Request-Id", "from-proxy.1"); w.Header().Get("X-Request-Id") != "from-proxy.1" {
		t.Errorf("incoming request id not kept: %q", w.Header().Get("X-Request-Id"))
	}
	if w := serve(rt, "GET", "/open", "X-Request-Id", "bad id"); w.Header().Get("X-Request-Id") == "bad id" {
		t.Error("a malformed request id was kept")
	}
}

func TestAccess(t *testing.T) {
	rt := newRouter(t, nil)
	if w := serve(rt, "GET", "/open"); w.Code != 200 {
		t.Errorf("public route without a key: %d", w.Code)
	}
	errorOf(t, serve(rt, "GET", "/api/thing"), 401, "unauthorized")
	if w := serve(rt, "GET", "/api/thing", "Authorization", "Bearer "+key); w.Code != 200 || !strings.Contains(w.Body.String(), auth.ID(key)) {
		t.Errorf("with the key: %d %s", w.Code, w.Body)
	}
	errorOf(t, serve(rt, "POST", "/api/panic", "X-API-Key", key), 500, "internal")

	// Keys that could not be reloaded: no key is accepted, the right one
	// neither, and the answer says why.
	closed := newRouter(t, errors.New("keys.txt: key 2 is 5 characters long"))
	msg := errorOf(t, serve(closed, "GET", "/api/thing", "X-API-Key", key), 503, "api_keys_unavailable")
	if !strings.Contains(msg, "key 2 is 5 characters long") {
		t.Errorf("message %q does not say why", msg)
	}
	if w := serve(closed, "GET", "/open"); w.Code != 200 {
		t.Errorf("public route while keys are broken: %d", w.Code)
	}
}
