package server

import (
	"bufio"
	"errors"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"
)

// rawConn speaks HTTP/1.1 by hand over one connection, so that a test
// controls what goes on the wire: a head cut short, a body that stalls.
type rawConn struct {
	t  *testing.T
	c  net.Conn
	br *bufio.Reader
}

func dialRaw(t *testing.T, ts *testServer) *rawConn {
	t.Helper()
	c, err := net.Dial("tcp", strings.TrimPrefix(ts.url, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	// A guard against a hang, not a timing check: every answer below
	// comes within a second of the server's own timeouts.
	_ = c.SetDeadline(time.Now().Add(30 * time.Second))
	return &rawConn{t: t, c: c, br: bufio.NewReader(c)}
}

func (r *rawConn) send(s string) {
	r.t.Helper()
	if _, err := io.WriteString(r.c, s); err != nil {
		r.t.Fatal(err)
	}
}

// read reads one response and its body.
func (r *rawConn) read(method string) (*http.Response, []byte) {
	r.t.Helper()
	resp, err := http.ReadResponse(r.br, &http.Request{Method: method})
	if err != nil {
		r.t.Fatal(err)
	}
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		r.t.Fatal(err)
	}
	resp.Body.Close()
	return resp, data
}

// A body that does not arrive within --read-timeout is a 408 with the
// API's JSON error, and the connection is closed.
func TestSlowBodyIs408(t *testing.T) {
	ts := start(t, Options{ReadTimeout: 300 * time.Millisecond})
	rc := dialRaw(t, ts)
	rc.send("POST /api/generate/plan HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 40\r\n\r\n{\"entry_count\":")
	resp, data := rc.read("POST")
	e := wantError(t, resp, data, http.StatusRequestTimeout, "timeout", "")
	if !strings.Contains(e.Error.Message, "--read-timeout") || !resp.Close {
		t.Fatalf("message %q, close %v", e.Error.Message, resp.Close)
	}
}

// What net/http itself answers, before any handler runs: a head over
// 64 KiB is its plain-text 431, bytes that are not HTTP its plain-text
// 400. docs/server.md describes these; a Go release that changes them
// fails here.
func TestNetHTTPOwnAnswers(t *testing.T) {
	ts := start(t, Options{})
	for _, tt := range []struct {
		name, request string
		status        int
	}{
		{"huge head", "GET /health HTTP/1.1\r\nHost: x\r\nX-Big: " + strings.Repeat("a", 70<<10) + "\r\n\r\n", http.StatusRequestHeaderFieldsTooLarge},
		{"not HTTP", "NOT HTTP\r\n\r\n", http.StatusBadRequest},
	} {
		t.Run(tt.name, func(t *testing.T) {
			rc := dialRaw(t, ts)
			rc.send(tt.request)
			resp, data := rc.read("GET")
			if resp.StatusCode != tt.status || resp.Header.Get("Content-Type") != "text/plain; charset=utf-8" || !resp.Close {
				t.Fatalf("%d %q %q close=%v", resp.StatusCode, resp.Header.Get("Content-Type"), data, resp.Close)
			}
		})
	}
}

// A head that stops arriving is closed by net/http after
// --read-header-timeout: without an answer when it stopped between two
// lines, with its plain-text 400 when it stopped inside a line.
func TestSlowHead(t *testing.T) {
	ts := start(t, Options{ReadHeaderTimeout: 200 * time.Millisecond})
	rc := dialRaw(t, ts)
	rc.send("GET /health HTTP/1.1\r\nHost: x\r\n")
	if n, err := rc.br.Read(make([]byte, 1)); !errors.Is(err, io.EOF) {
		t.Fatalf("stalled between lines: read %d bytes, %v; want the connection closed", n, err)
	}
	rc = dialRaw(t, ts)
	rc.send("GET /health HT")
	resp, data := rc.read("GET")
	if resp.StatusCode != http.StatusBadRequest || !resp.Close {
		t.Fatalf("stalled inside a line: %d %q", resp.StatusCode, data)
	}
}
