package server

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"math"
	"math/rand/v2"
	"net"
	"net/http"
	"reflect"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"datasynth.dev/server/auth"
	"github.com/prometheus/client_golang/prometheus"
)

// route is one path of the API.
type route struct {
	path    string
	methods map[string]http.HandlerFunc
	// public routes need no API key and are not rate limited: probes and
	// scrapes must work whatever the clients do.
	public bool
	// quiet routes log at debug level: probes would drown the log.
	quiet bool
	// durations and counts cache the metric children of the route, so
	// that a request does not hash its labels.
	durations map[string]prometheus.Observer
	counts    map[string]*codeCounters // by method
}

// codeCounters holds the request counters of one route and method by
// status code, made on first use. An array index is cheaper than a map
// keyed by method and code, which took a tenth of a probe's instructions.
type codeCounters [600]atomic.Pointer[counterRef]

type counterRef struct{ prometheus.Counter }

// routes builds the route table and the net/http handler over it.
func (s *Server) routes() (map[string]*route, http.Handler) {
	table := map[string]*route{}
	add := func(path string, public bool, methods map[string]http.HandlerFunc) {
		table[path] = &route{path: path, methods: methods, public: public, quiet: public}
	}
	add("/health", true, map[string]http.HandlerFunc{http.MethodGet: s.handleHealth})
	add("/live", true, map[string]http.HandlerFunc{http.MethodGet: s.handleLive})
	add("/ready", true, map[string]http.HandlerFunc{http.MethodGet: s.handleReady})
	add("/metrics", true, map[string]http.HandlerFunc{http.MethodGet: s.handlePrometheus})
	add("/api/metrics", false, map[string]http.HandlerFunc{http.MethodGet: s.handleMetricsJSON})
	add("/api/config", false, map[string]http.HandlerFunc{http.MethodGet: s.handleGetConfig, http.MethodPost: s.handlePostConfig})
	add("/api/config/reload", false, map[string]http.HandlerFunc{http.MethodPost: s.handleReload})
	add("/api/generate/bulk", false, map[string]http.HandlerFunc{http.MethodPost: s.handleBulk})
	add("/api/generate/plan", false, map[string]http.HandlerFunc{http.MethodPost: s.handlePlan})
	for _, action := range []string{"start", "stop", "pause", "resume"} {
		add("/api/stream/"+action, false, map[string]http.HandlerFunc{http.MethodPost: s.streams.handleControl(action)})
	}
	add("/api/stream/status", false, map[string]http.HandlerFunc{http.MethodGet: s.streams.handleStatus})
	add("/ws/events", false, map[string]http.HandlerFunc{http.MethodGet: s.streams.handleEvents})
	add("/ws/metrics", false, map[string]http.HandlerFunc{http.MethodGet: s.streams.handleMetrics})
	for _, rt := range table {
		// GET routes answer HEAD the way net/http does: headers only.
		if h, ok := rt.methods[http.MethodGet]; ok && !strings.HasPrefix(rt.path, "/ws/") {
			rt.methods[http.MethodHead] = h
		}
		rt.durations = map[string]prometheus.Observer{}
		rt.counts = map[string]*codeCounters{}
		for m := range rt.methods {
			rt.durations[m] = s.metrics.Duration.WithLabelValues(rt.path, m)
			rt.counts[m] = new(codeCounters)
		}
	}
	return table, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.serve(w, r, table[r.URL.Path])
	})
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

// reqInfo travels with a request through the handlers.
type reqInfo struct {
	id     string
	client string // key ID or remote IP, for logs and rate limits
	route  string
}

type ctxKey struct{}

func info(r *http.Request) *reqInfo {
	if ri, ok := r.Context().Value(ctxKey{}).(*reqInfo); ok {
		return ri
	}
	return &reqInfo{}
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

// serve is the middleware chain, in one function so that its order reads
// top to bottom: request id, security headers, metrics and access log,
// panic guard, routing, body limit, client identity, rate limit, auth.
func (s *Server) serve(w http.ResponseWriter, r *http.Request, rt *route) {
	start := time.Now()
	ri := &reqInfo{id: requestID(r.Header.Get("X-Request-Id")), route: "unmatched"}
	if rt != nil {
		ri.route = rt.path
	}
	if rt == nil || !rt.public {
		// Public handlers never read it; the probes skip the copy of r.
		r = r.WithContext(context.WithValue(r.Context(), ctxKey{}, ri))
	}
	h := w.Header()
	h["X-Request-Id"] = []string{ri.id}
	for k, v := range securityHeaders {
		h[k] = v
	}
	sw := &statusWriter{ResponseWriter: w}

	s.metrics.InFlight.Inc()
	defer func() {
		s.metrics.InFlight.Dec()
		if p := recover(); p != nil {
			if p == http.ErrAbortHandler {
				// The handler chose to cut the connection (a stream failed
				// after its headers were sent): let net/http do so.
				s.observe(sw, r, ri, rt, start)
				panic(p)
			}
			s.log.Error("handler panic", "request_id", ri.id, "route", ri.route, "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
			if sw.status == 0 {
				writeError(sw, r, http.StatusInternalServerError, "internal", msgInternal, "")
			}
		}
		s.observe(sw, r, ri, rt, start)
	}()

	if rt == nil {
		writeError(sw, r, http.StatusNotFound, "not_found", fmt.Sprintf("no endpoint %s; see docs/server.md for the API", r.URL.Path), "")
		return
	}
	handler := rt.methods[r.Method]
	if handler == nil {
		allowed := make([]string, 0, len(rt.methods))
		for m := range rt.methods {
			allowed = append(allowed, m)
		}
		slices.Sort(allowed)
		h.Set("Allow", strings.Join(allowed, ", "))
		writeError(sw, r, http.StatusMethodNotAllowed, "method_not_allowed",
			fmt.Sprintf("%s does not accept %s; use %s", rt.path, r.Method, strings.Join(allowed, " or ")), "")
		return
	}
	if r.ContentLength > s.opts.MaxBody {
		writeError(sw, r, http.StatusRequestEntityTooLarge, "body_too_large",
			fmt.Sprintf("the request body is %d bytes; the limit is %d (--max-body)", r.ContentLength, s.opts.MaxBody), "")
		return
	}
	r.Body = http.MaxBytesReader(sw, r.Body, s.opts.MaxBody)

	if !rt.public {
		keys := s.keys.Load()
		key, presented := auth.FromRequest(r)
		id, valid := "", false
		if presented && keys.Enabled() {
			id, valid = keys.Check(key)
		}
		ri.client = id
		if !valid {
			ri.client = "ip:" + remoteIP(r)
		}
		if s.limiter != nil && !s.allow(sw, r, ri.client) {
			return
		}
		if keys.Enabled() && !valid {
			h.Set("WWW-Authenticate", `Bearer realm="datasynth"`)
			msg := "missing API key: send `Authorization: Bearer KEY` or `X-API-Key: KEY`"
			if presented {
				msg = "invalid API key"
			}
			writeError(sw, r, http.StatusUnauthorized, "unauthorized", msg, "")
			return
		}
	}
	handler(sw, r)
}

// allow applies the rate limit and sets the X-RateLimit-* headers.
func (s *Server) allow(w http.ResponseWriter, r *http.Request, client string) bool {
	d := s.limiter.Allow(client, time.Now())
	h := w.Header()
	h.Set("X-RateLimit-Limit", strconv.FormatFloat(d.Limit, 'f', -1, 64))
	h.Set("X-RateLimit-Burst", strconv.Itoa(d.Burst))
	h.Set("X-RateLimit-Remaining", strconv.Itoa(d.Remaining))
	h.Set("X-RateLimit-Reset", strconv.Itoa(int(math.Ceil(d.Reset.Seconds()))))
	if d.Allowed {
		return true
	}
	s.metrics.RateLimited.Add(1)
	retry := max(1, int(math.Ceil(d.RetryAfter.Seconds())))
	h.Set("Retry-After", strconv.Itoa(retry))
	writeError(w, r, http.StatusTooManyRequests, "rate_limited",
		fmt.Sprintf("rate limit of %g requests per second (burst %d) reached; retry in %d s", d.Limit, d.Burst, retry), "")
	return false
}

func (s *Server) observe(sw *statusWriter, r *http.Request, ri *reqInfo, rt *route, start time.Time) {
	if sw.status == 0 {
		sw.status = http.StatusOK
	}
	s.record(r.Context(), rt, r.Method, sw.status, sw.bytes, time.Since(start), ri, r.URL.Path, addrString(r.RemoteAddr))
}

// addrString is a client address net/http gives as a string.
type addrString string

func (a addrString) String() string { return string(a) }

// record counts a finished request and logs it: probes at debug level,
// the rest at info.
func (s *Server) record(ctx context.Context, rt *route, method string, status int, size int64, elapsed time.Duration, ri *reqInfo, path string, remote fmt.Stringer) {
	if rt != nil && rt.methods[method] != nil {
		s.requestCounter(rt, method, status).Inc()
		rt.durations[method].Observe(elapsed.Seconds())
	} else {
		s.metrics.Requests.WithLabelValues(ri.route, "other", strconv.Itoa(status)).Inc()
		s.metrics.Duration.WithLabelValues(ri.route, "other").Observe(elapsed.Seconds())
	}
	level := slog.LevelInfo
	if rt != nil && rt.quiet && status < 500 {
		level = slog.LevelDebug
	}
	if !s.log.Enabled(ctx, level) {
		return
	}
	s.log.LogAttrs(ctx, level, "request",
		slog.String("request_id", ri.id), slog.String("method", method), slog.String("path", path),
		slog.String("route", ri.route), slog.Int("status", status), slog.Int64("bytes", size),
		slog.Duration("duration", elapsed), slog.String("client", ri.client), slog.String("remote", remote.String()))
}

// requestCounter is the counter of requests to rt by method and status.
func (s *Server) requestCounter(rt *route, method string, status int) prometheus.Counter {
	codes := rt.counts[method]
	if status < 0 || status >= len(codes) {
		return s.metrics.Requests.WithLabelValues(rt.path, method, strconv.Itoa(status))
	}
	if c := codes[status].Load(); c != nil {
		return c.Counter
	}
	c := &counterRef{s.metrics.Requests.WithLabelValues(rt.path, method, strconv.Itoa(status))}
	// Two first requests may both store: both hold the same child.
	codes[status].Store(c)
	return c.Counter
}

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

// apiError is the body of every error response.
type apiError struct {
	Code     string    `json:"code"`
	Message  string    `json:"message"`
	Field    string    `json:"field,omitempty"`
	Problems []problem `json:"problems,omitempty"`
}

type problem struct {
	Line    int    `json:"line,omitempty"`
	Column  int    `json:"column,omitempty"`
	Field   string `json:"field,omitempty"`
	Message string `json:"message"`
	Text    string `json:"text"`
}

type errorBody struct {
	Error     apiError `json:"error"`
	RequestID string   `json:"request_id"`
}

func writeError(w http.ResponseWriter, r *http.Request, status int, code, msg, field string) {
	writeAPIError(w, r, status, apiError{Code: code, Message: msg, Field: field})
}

// writeAPIError writes an error body with the request id that serve put in
// the response headers.
func writeAPIError(w http.ResponseWriter, _ *http.Request, status int, e apiError) {
	writeBody(w, status, errorJSON(w.Header().Get("X-Request-Id"), e))
}

func errorJSON(id string, e apiError) []byte {
	return marshalLine(errorBody{Error: e, RequestID: id})
}

// msgInternal is the message of every 500.
const msgInternal = "internal error; the request id identifies it in the server log"

func msgBodyTooLarge(limit int64) string {
	return fmt.Sprintf("the request body is over the limit of %d bytes (--max-body)", limit)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		status = http.StatusInternalServerError
		b = []byte(`{"error":{"code":"internal","message":"encoding the response failed"}}`)
	}
	writeBody(w, status, append(b, '\n'))
}

// marshalLine is v as one line of JSON. The values given to it are plain
// structs that always encode.
func marshalLine(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(fmt.Sprintf("encoding %T: %v", v, err))
	}
	return append(b, '\n')
}

// reqError is a client error found while reading a request.
type reqError struct {
	status int
	apiError
}

func (e *reqError) Error() string { return e.Message }

func badRequest(code, field, format string, args ...any) *reqError {
	return &reqError{http.StatusBadRequest, apiError{Code: code, Field: field, Message: fmt.Sprintf(format, args...)}}
}

func (e *reqError) write(w http.ResponseWriter, r *http.Request) {
	writeAPIError(w, r, e.status, e.apiError)
}

// readBody reads the whole body within the size limit.
func readBody(r *http.Request) ([]byte, *reqError) {
	data, err := io.ReadAll(r.Body)
	var tooBig *http.MaxBytesError
	var netErr net.Error
	switch {
	case errors.As(err, &tooBig):
		return nil, &reqError{http.StatusRequestEntityTooLarge, apiError{Code: "body_too_large",
			Message: msgBodyTooLarge(tooBig.Limit)}}
	case errors.As(err, &netErr) && netErr.Timeout():
		return nil, &reqError{http.StatusRequestTimeout, apiError{Code: "timeout",
			Message: "the request body did not arrive within --read-timeout (counted from the start of the request)"}}
	case err != nil:
		return nil, badRequest("bad_body", "", "reading the request body: %v", err)
	}
	return data, nil
}

// decodeJSON reads a JSON object into dst, a pointer to a struct whose
// fields all have json tags. The body is read as JSON whatever its
// Content-Type (curl -d sends a form type). An empty body leaves dst as it
// is. Unknown
// fields, wrong types and trailing data are errors that name the field.
func decodeJSON(r *http.Request, dst any) *reqError {
	data, rerr := readBody(r)
	if rerr != nil {
		return rerr
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return nil
	}
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(data, &fields); err != nil {
		return jsonError(err, data)
	}
	allowed := jsonFields(dst)
	for _, k := range slices.Sorted(maps.Keys(fields)) {
		if !slices.Contains(allowed, k) {
			return badRequest("unknown_field", k, "unknown field %q (allowed: %s)", k, strings.Join(allowed, ", "))
		}
	}
	if err := json.Unmarshal(data, dst); err != nil {
		return jsonError(err, data)
	}
	return nil
}

func jsonError(err error, data []byte) *reqError {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		return badRequest("malformed_json", "", "malformed JSON at byte %d: %v", syn.Offset, err)
	case errors.As(err, &typ):
		if typ.Field == "" {
			return badRequest("malformed_json", "", "the body must be a JSON object, got %s", typ.Value)
		}
		return badRequest("invalid_field", typ.Field, "%s must be %s, got %s", typ.Field, describeType(typ.Type), typ.Value)
	case errors.Is(err, io.ErrUnexpectedEOF):
		return badRequest("malformed_json", "", "malformed JSON: the body ends early (%d bytes)", len(data))
	}
	return badRequest("malformed_json", "", "malformed JSON: %v", err)
}

func describeType(t reflect.Type) string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.Bool:
		return "true or false"
	case reflect.Int, reflect.Int64, reflect.Int32:
		return "a whole number"
	case reflect.Uint64, reflect.Uint, reflect.Uint32:
		return "a whole number from 0 to 18446744073709551615"
	case reflect.Float64:
		return "a number"
	case reflect.String:
		return "a string"
	}
	return t.String()
}

// jsonFields lists the json names of the fields of the struct dst points to.
func jsonFields(dst any) []string {
	t := reflect.TypeOf(dst).Elem()
	var out []string
	for i := range t.NumField() {
		name, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ",")
		if name != "" && name != "-" {
			out = append(out, name)
		}
	}
	return out
}
