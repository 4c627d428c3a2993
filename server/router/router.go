// Package router is the HTTP entry of datasynth-server: net/http's
// ServeMux, with method and path patterns, inside one middleware chain
// that every request passes, probes included.
//
// The chain, in order: a request id (a well-formed incoming X-Request-Id
// is kept), the security headers, the in-flight gauge, a panic guard, then
// routing. An unknown path is a JSON 404; a known path with a method it
// does not serve is a JSON 405 with an Allow header. A matched route then
// applies the body limit (413), and, unless it is public, identifies the
// client by API key (else by address), applies the client's rate limit
// (429 with Retry-After) and checks the key (401). When the request ends
// it is counted in synth_http_requests_total and
// synth_http_request_duration_seconds and logged: public routes (probes,
// scrapes) at debug level, the rest at info.
//
// The router knows nothing of the handlers behind it: the server
// registers them with Handle. It uses httpapi for its answers, auth for
// keys, ratelimit for the limits and metrics for the counts.
package router

import (
	"context"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"log/slog"
	"math"
	"math/rand/v2"
	"net"
	"net/http"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"datasynth.dev/server/auth"
	"datasynth.dev/server/httpapi"
	"datasynth.dev/server/metrics"
	"datasynth.dev/server/ratelimit"
)

// Access says who may call a route.
type Access int

const (
	// Protected routes need an API key (when keys are configured) and are
	// rate limited.
	Protected Access = iota
	// Public routes need no key and are never limited: probes and scrapes
	// must work whatever the clients do. They log at debug level.
	Public
)

// Options configure a Router.
type Options struct {
	Log     *slog.Logger
	Metrics *metrics.Set
	// MaxBody is the largest request body in bytes.
	MaxBody int64
	// Keys returns the API keys in use. An error means that no key can be
	// trusted now (a keys file that failed to reload): protected routes
	// answer 503 until Keys succeeds again.
	Keys func() (*auth.Keys, error)
	// Limiter limits protected routes per client; nil turns limiting off.
	Limiter *ratelimit.Limiter
	// Now is the clock of the rate limiter; nil means time.Now.
	Now func() time.Time
}

// Router is an http.Handler. Register routes with Handle before serving.
type Router struct {
	opts Options
	mux  *http.ServeMux

	mu      sync.Mutex
	methods []string // every method a route serves, sorted, for Allow
}

// New returns a router with no routes: every path is a 404.
func New(opts Options) *Router {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	rt := &Router{opts: opts, mux: http.NewServeMux()}
	rt.mux.HandleFunc("/", rt.unrouted)
	return rt
}

// Handle serves method on path (a ServeMux path, wildcards included) with
// h. A GET route also answers HEAD, as ServeMux does.
func (rt *Router) Handle(method, path string, access Access, h http.HandlerFunc) {
	rt.mu.Lock()
	defer rt.mu.Unlock()
	for _, m := range []string{method, http.MethodHead} {
		if !slices.Contains(rt.methods, m) && (m == method || method == http.MethodGet) {
			rt.methods = append(rt.methods, m)
		}
	}
	slices.Sort(rt.methods)
	rt.mux.Handle(method+" "+path, rt.route(path, access, h))
}

// unrouted answers what no route matched: a 405 with Allow when the path
// has routes for other methods, else a 404. The other methods are found
// by asking the mux, so that a path matches here exactly as it would
// there, wildcards included.
func (rt *Router) unrouted(w http.ResponseWriter, r *http.Request) {
	rt.mu.Lock()
	methods := rt.methods
	rt.mu.Unlock()
	var allowed []string
	route := ""
	for _, m := range methods {
		probe := *r
		probe.Method = m
		if _, pattern := rt.mux.Handler(&probe); pattern != "/" && pattern != "" {
			allowed = append(allowed, m)
			_, route, _ = strings.Cut(pattern, " ")
		}
	}
	if len(allowed) == 0 {
		httpapi.WriteError(w, http.StatusNotFound, "not_found", fmt.Sprintf("no endpoint %s; see docs/server.md for the API", r.URL.Path), "")
		return
	}
	state(r).info.Route = route
	w.Header().Set("Allow", strings.Join(allowed, ", "))
	httpapi.WriteError(w, http.StatusMethodNotAllowed, "method_not_allowed",
		fmt.Sprintf("%s does not accept %s; use %s", r.URL.Path, r.Method, strings.Join(allowed, " or ")), "")
}

// securityHeaders go on every response. The slices are shared: net/http
// only reads them, and Header.Add on a full slice copies it.
var securityHeaders = map[string][]string{
	"X-Content-Type-Options":  {"nosniff"},
	"X-Frame-Options":         {"DENY"},
	"Content-Security-Policy": {"default-src 'none'; frame-ancestors 'none'"},
	"Referrer-Policy":         {"no-referrer"},
	"Cache-Control":           {"no-store"},
}

// reqState is what the chain learns about a request on its way: the
// route's part is set once the route matched.
type reqState struct {
	info    httpapi.Info
	matched bool // a route's handler runs; else 404 or 405
	quiet   bool
}

type stateKey struct{}

func state(r *http.Request) *reqState {
	st, _ := r.Context().Value(stateKey{}).(*reqState)
	return st
}

// ServeHTTP runs the chain.
func (rt *Router) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	st := &reqState{info: httpapi.Info{ID: requestID(r.Header.Get("X-Request-Id")), Route: "unmatched"}}
	ctx := httpapi.WithInfo(r.Context(), &st.info)
	r = r.WithContext(contextWithState(ctx, st))
	h := w.Header()
	h["X-Request-Id"] = []string{st.info.ID}
	for k, v := range securityHeaders {
		h[k] = v
	}
	sw := &statusWriter{ResponseWriter: w}

	m := rt.opts.Metrics
	m.InFlight.Inc()
	defer func() {
		m.InFlight.Dec()
		if p := recover(); p != nil {
			if p == http.ErrAbortHandler {
				// The handler chose to cut the connection (a stream failed
				// after its headers were sent): let net/http do so.
				rt.observe(sw, r, st, start)
				panic(p)
			}
			rt.opts.Log.Error("handler panic", "request_id", st.info.ID, "route", st.info.Route, "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
			if sw.status == 0 {
				httpapi.WriteError(sw, http.StatusInternalServerError, "internal", httpapi.MsgInternal, "")
			}
		}
		rt.observe(sw, r, st, start)
	}()
	rt.mux.ServeHTTP(sw, r)
}

// route wraps a handler with the route's part of the chain: body limit,
// client identity, rate limit, API key.
func (rt *Router) route(path string, access Access, h http.HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		st := state(r)
		st.info.Route, st.matched, st.quiet = path, true, access == Public
		if r.ContentLength > rt.opts.MaxBody {
			httpapi.WriteError(w, http.StatusRequestEntityTooLarge, "body_too_large",
				fmt.Sprintf("the request body is %d bytes; the limit is %d (--max-body)", r.ContentLength, rt.opts.MaxBody), "")
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, rt.opts.MaxBody)
		if access == Protected && !rt.admit(w, r, st) {
			return
		}
		h(w, r)
	})
}

// admit identifies the client, applies its rate limit and checks its key.
func (rt *Router) admit(w http.ResponseWriter, r *http.Request, st *reqState) bool {
	keys, keysErr := rt.opts.Keys()
	key, presented := auth.FromRequest(r)
	id, valid := "", false
	if keysErr == nil && presented && keys.Enabled() {
		id, valid = keys.Check(key)
	}
	st.info.Client = id
	if !valid {
		st.info.Client = "ip:" + remoteIP(r)
	}
	if rt.opts.Limiter != nil && !rt.allow(w, st.info.Client) {
		return false
	}
	switch {
	case keysErr != nil:
		httpapi.WriteError(w, http.StatusServiceUnavailable, "api_keys_unavailable",
			"the API keys could not be reloaded, so no key is accepted until they are: "+keysErr.Error(), "")
		return false
	case keys.Enabled() && !valid:
		w.Header().Set("WWW-Authenticate", `Bearer realm="datasynth"`)
		msg := "missing API key: send `Authorization: Bearer KEY` or `X-API-Key: KEY`"
		if presented {
			msg = "invalid API key"
		}
		httpapi.WriteError(w, http.StatusUnauthorized, "unauthorized", msg, "")
		return false
	}
	return true
}

// allow applies the rate limit and sets the X-RateLimit-* headers.
func (rt *Router) allow(w http.ResponseWriter, client string) bool {
	d := rt.opts.Limiter.Allow(client, rt.opts.Now())
	h := w.Header()
	h.Set("X-RateLimit-Limit", strconv.FormatFloat(d.Limit, 'f', -1, 64))
	h.Set("X-RateLimit-Burst", strconv.Itoa(d.Burst))
	h.Set("X-RateLimit-Remaining", strconv.Itoa(d.Remaining))
	h.Set("X-RateLimit-Reset", strconv.Itoa(int(math.Ceil(d.Reset.Seconds()))))
	if d.Allowed {
		return true
	}
	rt.opts.Metrics.RateLimited.Add(1)
	retry := max(1, int(math.Ceil(d.RetryAfter.Seconds())))
	h.Set("Retry-After", strconv.Itoa(retry))
	httpapi.WriteError(w, http.StatusTooManyRequests, "rate_limited",
		fmt.Sprintf("rate limit of %g requests per second (burst %d) reached; retry in %d s", d.Limit, d.Burst, retry), "")
	return false
}

// observe counts a finished request and logs it.
func (rt *Router) observe(sw *statusWriter, r *http.Request, st *reqState, start time.Time) {
	if sw.status == 0 {
		sw.status = http.StatusOK
	}
	elapsed := time.Since(start)
	method := r.Method
	if !st.matched {
		method = "other" // 404 and 405: any string a client sends is no label
	}
	m := rt.opts.Metrics
	m.Requests.WithLabelValues(st.info.Route, method, strconv.Itoa(sw.status)).Inc()
	m.Duration.WithLabelValues(st.info.Route, method).Observe(elapsed.Seconds())
	level := slog.LevelInfo
	if st.quiet && sw.status < 500 {
		level = slog.LevelDebug
	}
	ctx := r.Context()
	if !rt.opts.Log.Enabled(ctx, level) {
		return
	}
	rt.opts.Log.LogAttrs(ctx, level, "request",
		slog.String("request_id", st.info.ID), slog.String("method", r.Method), slog.String("path", r.URL.Path),
		slog.String("route", st.info.Route), slog.Int("status", sw.status), slog.Int64("bytes", sw.bytes),
		slog.Float64("duration_seconds", elapsed.Seconds()), slog.String("client", st.info.Client), slog.String("remote", r.RemoteAddr))
}

// statusWriter records the status and size of a response.
type statusWriter struct {
	http.ResponseWriter
	status int
	bytes  int64
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(p []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	n, err := w.ResponseWriter.Write(p)
	w.bytes += int64(n)
	return n, err
}

// Unwrap lets http.ResponseController and websocket.Accept reach the
// connection.
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

func remoteIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// requestID keeps a well-formed incoming X-Request-Id (so a proxy's id
// follows the request) and makes one otherwise.
func requestID(incoming string) string {
	if incoming != "" && len(incoming) <= 64 && strings.IndexFunc(incoming, badIDRune) < 0 {
		return incoming
	}
	// Request ids need to be unique, not secret: math/rand/v2 is enough
	// and costs no system call.
	var b [8]byte
	binary.LittleEndian.PutUint64(b[:], rand.Uint64())
	return hex.EncodeToString(b[:])
}

func badIDRune(c rune) bool {
	return !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.')
}

func contextWithState(ctx context.Context, st *reqState) context.Context {
	return context.WithValue(ctx, stateKey{}, st)
}
