package server

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"net"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"
)

// rawConn speaks HTTP/1.1 by hand over one connection, so that a test
// controls what goes on the wire: pipelining, chunked bodies, Expect.
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
	_ = c.SetDeadline(time.Now().Add(10 * time.Second))
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

// headerNames lists the names of the headers of resp, sorted.
func headerNames(resp *http.Response) []string {
	var names []string
	for k := range resp.Header {
		names = append(names, k)
	}
	slices.Sort(names)
	return names
}

// The front answers probes itself and hands any other request to
// net/http with the connection; requests pipelined behind it follow.
// Both answer /health alike.
func TestFrontHandsOverPipelinedRequests(t *testing.T) {
	ts := start(t, Options{Version: "1.2.3"})
	rc := dialRaw(t, ts)
	rc.send("GET /health HTTP/1.1\r\nHost: x\r\n\r\n")
	front, frontBody := rc.read("GET")
	// One write: a request for net/http, then two probes behind it.
	rc.send("GET /api/config HTTP/1.1\r\nHost: x\r\n\r\n" +
		"GET /health HTTP/1.1\r\nHost: x\r\n\r\n" +
		"HEAD /live HTTP/1.1\r\nHost: x\r\nX-Request-Id: pipelined-3\r\n\r\n")
	cfg, cfgBody := rc.read("GET")
	if cfg.StatusCode != 200 || decode[configView](t, cfgBody).Source != "demo.yaml (embedded)" {
		t.Fatalf("GET /api/config: %d %s", cfg.StatusCode, cfgBody)
	}
	back, backBody := rc.read("GET")
	live, liveBody := rc.read("HEAD")
	if live.StatusCode != 200 || len(liveBody) != 0 || live.Header.Get("X-Request-Id") != "pipelined-3" {
		t.Fatalf("HEAD /live: %d %q, request id %q", live.StatusCode, liveBody, live.Header.Get("X-Request-Id"))
	}
	for _, r := range []struct {
		resp *http.Response
		body []byte
	}{{front, frontBody}, {back, backBody}} {
		h := decode[healthBody](t, r.body)
		if r.resp.StatusCode != 200 || !h.Healthy || h.Version != "1.2.3" || r.resp.ContentLength != int64(len(r.body)) {
			t.Fatalf("/health: %d %s", r.resp.StatusCode, r.body)
		}
	}
	if a, b := headerNames(front), headerNames(back); !slices.Equal(a, b) {
		t.Fatalf("/health headers from the front %v, from net/http %v", a, b)
	}
	for _, name := range []string{"Server", "X-Powered-By"} {
		if front.Header.Get(name) != "" {
			t.Errorf("the front sends %s: %q", name, front.Header.Get(name))
		}
	}
}

// A chunked body and Expect: 100-continue reach net/http as one plain
// request: the body whole, and a single 100 Continue on the wire.
func TestFrontReplaysBodies(t *testing.T) {
	ts := start(t, Options{})
	yaml := strings.Replace(twoCompanies, "seed: 7", "seed: 8", 1)
	if yaml == twoCompanies {
		t.Fatal("the test config has no seed: 7 to change")
	}

	rc := dialRaw(t, ts)
	var chunked strings.Builder
	for part := range slices.Chunk([]byte(yaml), 100) {
		fmt.Fprintf(&chunked, "%x\r\n%s\r\n", len(part), part)
	}
	chunked.WriteString("0\r\n\r\n")
	rc.send("POST /api/config HTTP/1.1\r\nHost: x\r\nContent-Type: application/yaml\r\nTransfer-Encoding: chunked\r\n\r\n" + chunked.String())
	resp, data := rc.read("POST")
	if resp.StatusCode != 200 || decode[configView](t, data).Seed == nil || *decode[configView](t, data).Seed != 8 {
		t.Fatalf("chunked POST /api/config: %d %s", resp.StatusCode, data)
	}

	rc = dialRaw(t, ts)
	body := strings.Replace(yaml, "seed: 8", "seed: 9", 1)
	rc.send(fmt.Sprintf("POST /api/config HTTP/1.1\r\nHost: x\r\nContent-Type: application/yaml\r\nExpect: 100-continue\r\nContent-Length: %d\r\n\r\n", len(body)))
	if resp, _ := rc.read("POST"); resp.StatusCode != 100 {
		t.Fatalf("Expect: 100-continue answered %d", resp.StatusCode)
	}
	rc.send(body)
	resp, data = rc.read("POST")
	if resp.StatusCode != 200 || *decode[configView](t, data).Seed != 9 {
		t.Fatalf("POST after 100 Continue: %d %s", resp.StatusCode, data)
	}
}

// Connection: close on a handed-over request closes the connection after
// the answer.
func TestFrontConnectionClose(t *testing.T) {
	ts := start(t, Options{})
	rc := dialRaw(t, ts)
	rc.send("GET /api/stream/status HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
	if resp, data := rc.read("GET"); resp.StatusCode != 200 || !resp.Close {
		t.Fatalf("%d close=%v %s", resp.StatusCode, resp.Close, data)
	}
	if n, err := rc.br.Read(make([]byte, 1)); err != io.EOF {
		t.Fatalf("after Connection: close, read %d bytes, %v; want EOF", n, err)
	}
}

// Requests the front cannot read get the API's JSON errors.
func TestFrontBadRequests(t *testing.T) {
	ts := start(t, Options{})
	for _, tt := range []struct {
		name, request string
		status        int
		code          string
	}{
		{"garbage", "NOT HTTP\r\n\r\n", 400, "bad_request"},
		{"huge head", "GET /health HTTP/1.1\r\nHost: x\r\nX-Big: " + strings.Repeat("a", 70<<10) + "\r\n\r\n", 431, "headers_too_large"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			rc := dialRaw(t, ts)
			rc.send(tt.request)
			resp, data := rc.read("GET")
			wantError(t, resp, data, tt.status, tt.code, "")
		})
	}
}

// A head that does not arrive within --read-header-timeout gets 408.
func TestFrontSlowHead(t *testing.T) {
	ts := start(t, Options{ReadHeaderTimeout: 200 * time.Millisecond})
	rc := dialRaw(t, ts)
	rc.send("GET /health HTTP/1.1\r\nHost: x\r\n")
	resp, data := rc.read("GET")
	e := wantError(t, resp, data, 408, "timeout", "")
	if !strings.Contains(e.Error.Message, "200ms") {
		t.Errorf("message %q does not name the timeout", e.Error.Message)
	}
}

// Probes answered by the front are counted like any request.
func TestFrontCountsProbes(t *testing.T) {
	ts := start(t, Options{})
	for range 3 {
		call(t, "GET", ts.url+"/live", "")
	}
	_, data := call(t, "GET", ts.url+"/metrics", "")
	want := `synth_http_requests_total{code="200",method="GET",route="/live"} 3`
	if !bytes.Contains(data, []byte(want)) {
		t.Fatalf("/metrics lacks %s:\n%s", want, grepLines(data, "synth_http_requests_total"))
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
