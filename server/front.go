package server

// The front end. Every connection is read by a fasthttp server first. It
// answers the probes (GET or HEAD /health, /live, /ready) itself; any other
// request hands the connection over to net/http, which serves it, and every
// later request on it, with the full middleware chain of http.go.
//
// Why two servers: the probes are by far the most frequent requests (load
// balancers, kubelets, uptime checks), and the target for them is 50,000
// requests/s with a p99 under 5 ms on 2 cores shared with the load
// generator. net/http spends about 37,000 instructions on the smallest
// request, before any middleware (callgrind, docs/benchmarks.md), and
// peaks at 39,000-53,000 requests/s with a p99 of 5-9 ms on such a machine:
// it cannot meet the target whatever the handler does. fasthttp answers
// the same request in about a third of the instructions. The API, on the
// other hand, relies on what net/http gives and fasthttp does not: a
// request context cancelled when the client leaves (bulk generation stops),
// per-write deadlines on long responses, and WebSocket upgrades through
// http.ResponseController. So the probes are served by fasthttp and
// everything else by net/http, on one port.
//
// The hand-over: fasthttp has read the whole request (within --max-body).
// Its head is written out again with the body's length (fasthttp has
// decoded a chunked body, and has already answered "Expect: 100-continue",
// so that header is dropped), the body follows, and the bytes are put in
// front of the connection, together with anything fasthttp had buffered
// beyond the request (pipelined requests). net/http reads the connection
// from a listener of its own and never knows it was read before.

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/valyala/fasthttp"
)

// front is the fasthttp server and the listener it hands connections to.
type front struct {
	s       *Server
	fs      *fasthttp.Server
	handoff *handoffListener
	probes  map[string]probe
	// headers every answer of the front starts from: the security
	// headers and the JSON content type. It is only read after newFront.
	headers fasthttp.ResponseHeader
}

// probe is a route fasthttp answers itself.
type probe struct {
	rt   *route
	body func() (int, []byte)
}

// maxHeaderBytes bounds the request head, as net/http's MaxHeaderBytes did.
const maxHeaderBytes = 64 << 10

func (s *Server) newFront(addr net.Addr) *front {
	f := &front{s: s, handoff: newHandoffListener(addr)}
	for k, v := range securityHeaders {
		f.headers.Set(k, v[0])
	}
	f.headers.SetContentType("application/json")
	f.probes = map[string]probe{
		"/health": {s.table["/health"], func() (int, []byte) { return http.StatusOK, s.healthJSON() }},
		"/live":   {s.table["/live"], func() (int, []byte) { return http.StatusOK, liveJSON }},
		"/ready":  {s.table["/ready"], s.readyJSON},
	}
	f.fs = &fasthttp.Server{
		Handler:      f.serve,
		ErrorHandler: f.fail,
		// The head must arrive within ReadHeaderTimeout; HeaderReceived
		// then gives the body the rest of ReadTimeout.
		ReadTimeout:    s.opts.ReadHeaderTimeout,
		HeaderReceived: f.headerReceived,
		WriteTimeout:   s.opts.WriteTimeout,
		IdleTimeout:    s.opts.IdleTimeout,
		// Limits as net/http had them: the body within --max-body (413),
		// the head within 64 KiB (431).
		MaxRequestBodySize: int(min(s.opts.MaxBody, int64(^uint(0)>>1))),
		ReadBufferSize:     maxHeaderBytes,
		// net/http owns the connections handed to it.
		KeepHijackedConns:     true,
		NoDefaultServerHeader: true,
		NoDefaultContentType:  true,
		CloseOnShutdown:       true,
		Logger:                fastLogger{s},
	}
	return f
}

func (f *front) headerReceived(h *fasthttp.RequestHeader) fasthttp.RequestConfig {
	if h.ContentLength() == 0 {
		return fasthttp.RequestConfig{} // no body to wait for
	}
	return fasthttp.RequestConfig{ReadTimeout: f.s.opts.ReadTimeout}
}

// fastLogger sends fasthttp's own messages (connections it could not
// serve) to the server log at debug level: they are client faults.
type fastLogger struct{ s *Server }

func (l fastLogger) Printf(format string, args ...any) {
	l.s.log.Debug("connection", "error", fmt.Sprintf(format, args...))
}

var hdrRequestID = []byte("X-Request-Id")

// serve answers a probe or hands the connection to net/http.
func (f *front) serve(c *fasthttp.RequestCtx) {
	p, ok := f.probes[string(c.Path())]
	method := ""
	switch {
	case c.IsGet():
		method = http.MethodGet
	case c.IsHead():
		method = http.MethodHead
	}
	if !ok || method == "" {
		f.handOver(c)
		return
	}
	s := f.s
	start := time.Now()
	ri := reqInfo{id: fastRequestID(c), route: p.rt.path}
	s.metrics.InFlight.Inc()
	status, body := http.StatusInternalServerError, []byte(nil)
	func() {
		defer func() {
			if v := recover(); v != nil {
				s.log.Error("handler panic", "request_id", ri.id, "route", ri.route, "panic", fmt.Sprint(v))
				status, body = http.StatusInternalServerError, errorJSON(ri.id, apiError{Code: "internal", Message: msgInternal})
			}
		}()
		status, body = p.body()
	}()
	f.respond(c, ri.id, status, body)
	s.metrics.InFlight.Dec()
	s.record(context.Background(), p.rt, method, status, int64(len(body)), time.Since(start), &ri, p.rt.path, c.RemoteAddr())
}

// respond sets the status, the headers every response carries, and a
// JSON body. fasthttp leaves the body out for HEAD.
func (f *front) respond(c *fasthttp.RequestCtx, id string, status int, body []byte) {
	f.headers.CopyTo(&c.Response.Header)
	c.Response.Header.SetCanonical(hdrRequestID, []byte(id))
	c.SetStatusCode(status)
	c.SetBody(body)
}

func fastRequestID(c *fasthttp.RequestCtx) string {
	return requestID(string(c.Request.Header.PeekBytes(hdrRequestID)))
}

// fail answers a request fasthttp could not read, in the API's error
// format, and closes the connection (fasthttp does).
func (f *front) fail(c *fasthttp.RequestCtx, err error) {
	status, code, msg := http.StatusBadRequest, "bad_request", "malformed HTTP request: "+err.Error()
	var small *fasthttp.ErrSmallBuffer
	var nerr net.Error
	switch {
	case errors.Is(err, fasthttp.ErrBodyTooLarge):
		status, code = http.StatusRequestEntityTooLarge, "body_too_large"
		msg = msgBodyTooLarge(f.s.opts.MaxBody)
	case errors.As(err, &small):
		status, code = http.StatusRequestHeaderFieldsTooLarge, "headers_too_large"
		msg = fmt.Sprintf("the request head is over the limit of %d bytes", maxHeaderBytes)
	case errors.As(err, &nerr) && nerr.Timeout():
		status, code, msg = http.StatusRequestTimeout, "timeout",
			fmt.Sprintf("the request did not arrive in time (head within %s, body within %s)", f.s.opts.ReadHeaderTimeout, f.s.opts.ReadTimeout)
	}
	ri := reqInfo{id: fastRequestID(c), route: "unmatched"}
	f.respond(c, ri.id, status, errorJSON(ri.id, apiError{Code: code, Message: msg}))
	f.s.record(context.Background(), nil, "", status, 0, 0, &ri, string(c.Path()), c.RemoteAddr())
}

// handOver gives the connection, with this request put back in front of
// it, to net/http.
func (f *front) handOver(c *fasthttp.RequestCtx) {
	req := &c.Request
	body := req.Body()
	req.Header.Del("Expect")
	req.Header.SetNoDefaultContentType(true)
	req.Header.SetContentLength(len(body)) // also drops Transfer-Encoding
	head := req.Header.Header()
	replay := make([]byte, 0, len(head)+len(body))
	replay = append(append(replay, head...), body...)
	c.HijackSetNoResponse(true)
	c.Hijack(func(conn net.Conn) {
		f.handoff.push(newReplayConn(conn, replay))
	})
}

// replayConn reads the replayed request, then the connection. Writes and
// deadlines go to the connection; CloseWrite and ReadFrom reach the TCP
// connection beneath, which net/http uses for a graceful close and for
// sendfile.
type replayConn struct {
	net.Conn
	r   io.Reader
	raw net.Conn
}

func newReplayConn(c net.Conn, replay []byte) *replayConn {
	raw := c
	if u, ok := c.(interface{ UnsafeConn() net.Conn }); ok {
		raw = u.UnsafeConn()
	}
	return &replayConn{Conn: c, r: io.MultiReader(bytes.NewReader(replay), c), raw: raw}
}

func (c *replayConn) Read(p []byte) (int, error) { return c.r.Read(p) }

func (c *replayConn) Write(p []byte) (int, error) { return c.raw.Write(p) }

func (c *replayConn) ReadFrom(r io.Reader) (int64, error) { return io.Copy(c.raw, r) }

func (c *replayConn) CloseWrite() error {
	if cw, ok := c.raw.(interface{ CloseWrite() error }); ok {
		return cw.CloseWrite()
	}
	return nil
}

// handoffListener is the listener net/http serves: it accepts the
// connections the front hands over.
type handoffListener struct {
	addr  net.Addr
	conns chan net.Conn
	done  chan struct{}
	once  sync.Once
}

func newHandoffListener(addr net.Addr) *handoffListener {
	return &handoffListener{addr: addr, conns: make(chan net.Conn), done: make(chan struct{})}
}

func (l *handoffListener) push(c net.Conn) {
	select {
	case l.conns <- c:
	case <-l.done:
		_ = c.Close()
	}
}

func (l *handoffListener) Accept() (net.Conn, error) {
	select {
	case c := <-l.conns:
		return c, nil
	case <-l.done:
		return nil, net.ErrClosed
	}
}

func (l *handoffListener) Close() error {
	l.once.Do(func() { close(l.done) })
	return nil
}

func (l *handoffListener) Addr() net.Addr { return l.addr }
