package server

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/coder/websocket"
)

// wsClient reads messages in the background: a read with a deadline would
// close a coder/websocket connection.
type wsClient struct {
	conn *websocket.Conn
	msgs chan []byte
	err  chan error
}

func dial(t *testing.T, url string, header ...string) (*wsClient, *http.Response, error) {
	t.Helper()
	h := http.Header{}
	for i := 0; i+1 < len(header); i += 2 {
		h.Set(header[i], header[i+1])
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	conn, resp, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(url, "http"), &websocket.DialOptions{HTTPHeader: h})
	if err != nil {
		return nil, resp, err
	}
	conn.SetReadLimit(1 << 20)
	t.Cleanup(func() { _ = conn.CloseNow() })
	return &wsClient{conn: conn, msgs: make(chan []byte, 1<<16), err: make(chan error, 1)}, resp, nil
}

// run starts the background reader.
func (c *wsClient) run() *wsClient {
	go func() {
		for {
			_, b, err := c.conn.Read(context.Background())
			if err != nil {
				c.err <- err
				close(c.msgs)
				return
			}
			c.msgs <- b
		}
	}()
	return c
}

func (c *wsClient) next(t *testing.T) []byte {
	t.Helper()
	select {
	case m, ok := <-c.msgs:
		if !ok {
			t.Fatalf("stream closed: %v", <-c.err)
		}
		return m
	case <-time.After(5 * time.Second):
		t.Fatal("no message within 5 s")
	}
	return nil
}

// closed waits for the end of the stream and returns its close frame.
func (c *wsClient) closed(t *testing.T) (websocket.CloseError, int) {
	t.Helper()
	n := 0
	timeout := time.After(10 * time.Second)
	for {
		select {
		case _, ok := <-c.msgs:
			if ok {
				n++
				continue
			}
			var ce websocket.CloseError
			err := <-c.err
			if !errors.As(err, &ce) {
				t.Fatalf("stream ended without a close frame: %v", err)
			}
			return ce, n
		case <-timeout:
			t.Fatal("stream not closed within 10 s")
		}
	}
}

type event struct {
	Type string         `json:"type"`
	Seq  int64          `json:"seq"`
	Data map[string]any `json:"data"`
}

func TestEventsStream(t *testing.T) {
	ts := startWithConfig(t, twoCompanies, Options{APIKeys: []string{testKey}})
	if _, resp, err := dial(t, ts.url+"/ws/events"); err == nil || resp == nil || resp.StatusCode != 401 {
		t.Fatalf("no key: %v, %v", err, resp)
	}
	if _, resp, err := dial(t, ts.url+"/ws/events?events_per_second=0", "X-API-Key", testKey); err == nil || resp.StatusCode != 400 {
		t.Fatalf("rate 0: %v, %v", err, resp)
	}
	c, _, err := dial(t, ts.url+"/ws/events?events_per_second=200&seed=5", "Authorization", "Bearer "+testKey)
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	c.run()
	var first event
	for i := int64(1); i <= 30; i++ {
		var e event
		if err := json.Unmarshal(c.next(t), &e); err != nil {
			t.Fatal(err)
		}
		if e.Type != "journal_entry" || e.Seq != i || e.Data["document_id"] == nil || len(e.Data["lines"].([]any)) < 2 {
			t.Fatalf("event %d: %+v", i, e)
		}
		if i == 1 {
			first = e
		}
	}
	// 30 events at 200/s with a burst of 20 take at least 50 ms.
	if el := time.Since(start); el < 45*time.Millisecond {
		t.Fatalf("30 events in %v: faster than the requested rate", el)
	}
	if ts.metrics.StreamsEvents.Load() != 1 {
		t.Fatalf("active streams %d", ts.metrics.StreamsEvents.Load())
	}
	// The stream follows the order of the data datasynth-data writes.
	_, data := call(t, "POST", ts.url+"/api/generate/bulk", `{"seed": 5}`, "X-API-Key", testKey)
	line, _, _ := bufio.NewReader(bytes.NewReader(data)).ReadLine()
	var bulkFirst ndjsonLine
	if err := json.Unmarshal(line, &bulkFirst); err != nil || bulkFirst.Data["document_id"] != first.Data["document_id"] {
		t.Fatalf("first streamed entry %v, first bulk entry %v (%v)", first.Data["document_id"], bulkFirst.Data["document_id"], err)
	}
}

func TestEventsStreamEnds(t *testing.T) {
	ts := startWithConfig(t, twoCompanies, Options{MaxEventsPerSecond: 20_000})
	if resp, _ := call(t, "POST", ts.url+"/api/config", strings.Replace(twoCompanies, "annual_transaction_volume: ten_k", "annual_transaction_volume: {custom: 60}", 1)); resp.StatusCode != 200 {
		t.Fatal(resp.StatusCode)
	}
	_, data := call(t, "GET", ts.url+"/api/config", "")
	total := decode[configView](t, data).TotalEntries
	c, _, err := dial(t, ts.url+"/ws/events?events_per_second=20000")
	if err != nil {
		t.Fatal(err)
	}
	ce, n := c.run().closed(t)
	if ce.Code != websocket.StatusNormalClosure || !strings.Contains(ce.Reason, "entries sent") || int64(n) != total {
		t.Fatalf("close %v after %d of %d events", ce, n, total)
	}
}

func TestStreamControl(t *testing.T) {
	ts := start(t, Options{})
	c, _, err := dial(t, ts.url+"/ws/events?events_per_second=1000")
	if err != nil {
		t.Fatal(err)
	}
	c.run()
	c.next(t)
	control := func(action string, status int, state string) {
		t.Helper()
		resp, data := call(t, "POST", ts.url+"/api/stream/"+action, "")
		if resp.StatusCode != status {
			t.Fatalf("%s: %d %s", action, resp.StatusCode, data)
		}
		if status == 200 {
			if st := decode[streamStatus](t, data); st.State != state {
				t.Fatalf("%s: state %s, want %s", action, st.State, state)
			}
		}
	}
	control("pause", 200, statePaused)
	// Events already queued may still arrive; then nothing.
	time.Sleep(100 * time.Millisecond)
	for len(c.msgs) > 0 {
		<-c.msgs
	}
	select {
	case <-c.msgs:
		t.Fatal("event while paused")
	case <-time.After(300 * time.Millisecond):
	}
	control("resume", 200, stateRunning)
	c.next(t)
	control("stop", 200, stateStopped)
	ce, _ := c.closed(t)
	if ce.Code != websocket.StatusNormalClosure || !strings.Contains(ce.Reason, "stopped") {
		t.Fatalf("close after stop: %v", ce)
	}
	if _, resp, err := dial(t, ts.url+"/ws/events"); err == nil || resp.StatusCode != 503 {
		t.Fatalf("dial while stopped: %v %v", err, resp)
	}
	control("pause", 409, "")
	control("resume", 409, "")
	control("start", 200, stateRunning)
	c2, _, err := dial(t, ts.url+"/ws/events?events_per_second=1000")
	if err != nil {
		t.Fatalf("dial after start: %v", err)
	}
	c2.run().next(t)
	resp, data := call(t, "POST", ts.url+"/api/stream/start", `{"rate": 5}`)
	wantError(t, resp, data, 400, "unknown_field", "rate")
}

func TestSlowClientDropped(t *testing.T) {
	ts := start(t, Options{StreamBuffer: 8, MaxEventsPerSecond: 50_000})
	c, _, err := dial(t, ts.url+"/ws/events?events_per_second=50000")
	if err != nil {
		t.Fatal(err)
	}
	// Read nothing until the server gives up on the client.
	waitFor(t, "the slow client to be dropped", func() bool { return ts.metrics.SlowClients.Load() == 1 })
	sent := ts.metrics.StreamEvents.Load()
	ce, n := c.run().closed(t)
	if ce.Code != websocket.StatusPolicyViolation || !strings.Contains(ce.Reason, "too slow") {
		t.Fatalf("close %v", ce)
	}
	// Nothing beyond what was on the wire when the client was dropped:
	// the queued events were discarded, not sent.
	if int64(n) > sent+1 {
		t.Fatalf("received %d events, %d were sent when the client was dropped", n, sent)
	}
	waitFor(t, "the stream to end", func() bool { return ts.metrics.StreamsEvents.Load() == 0 })
}

func TestMetricsStream(t *testing.T) {
	ts := start(t, Options{MetricsInterval: 20 * time.Millisecond})
	c, _, err := dial(t, ts.url+"/ws/metrics")
	if err != nil {
		t.Fatal(err)
	}
	c.run()
	var prev float64
	for i := range 3 {
		var m struct {
			Type          string  `json:"type"`
			UptimeSeconds float64 `json:"uptime_seconds"`
			Metric        int64   `json:"active_metric_streams"`
		}
		if err := json.Unmarshal(c.next(t), &m); err != nil {
			t.Fatal(err)
		}
		if m.Type != "metrics" || m.UptimeSeconds <= prev || m.Metric != 1 {
			t.Fatalf("snapshot %d: %+v", i, m)
		}
		prev = m.UptimeSeconds
	}
}

func TestDrain(t *testing.T) {
	ts := start(t, Options{ShutdownDelay: 300 * time.Millisecond, MaxBulkEntries: 30_000})
	ws, _, err := dial(t, ts.url+"/ws/events")
	if err != nil {
		t.Fatal(err)
	}
	ws.run()
	resp := startBulk(t, ts.url, 30_000)
	defer resp.Body.Close()

	stopped := make(chan error, 1)
	go func() { stopped <- ts.stop() }()
	waitFor(t, "draining", ts.draining.Load)
	r, data := call(t, "GET", ts.url+"/ready", "")
	if rb := decode[readyBody](t, data); r.StatusCode != 503 || len(rb.Reasons) != 1 || !strings.HasPrefix(rb.Reasons[0], "draining") {
		t.Fatalf("/ready while draining: %d %s", r.StatusCode, data)
	}
	ce, _ := ws.closed(t)
	if ce.Code != websocket.StatusGoingAway || ce.Reason != "server shutting down" {
		t.Fatalf("stream close %v", ce)
	}
	// The request in flight completes: every entry arrives.
	rest, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("bulk cut during drain: %v", err)
	}
	if lines := bytes.Count(rest, []byte{'\n'}); lines < 25_000 {
		t.Fatalf("%d more lines after the first 64 KiB", lines)
	}
	if !bytes.HasSuffix(rest, []byte("]}}\n")) {
		t.Fatal("bulk body does not end with a complete entry")
	}
	if err := <-stopped; err != nil {
		t.Fatalf("Serve after drain: %v", err)
	}
	if _, err := net.DialTimeout("tcp", strings.TrimPrefix(ts.url, "http://"), time.Second); err == nil {
		t.Fatal("still accepting connections after the drain")
	}
}

func TestDrainTimeoutCutsSlowRequests(t *testing.T) {
	ts := start(t, Options{DrainTimeout: 300 * time.Millisecond, MaxBulkEntries: 50_000_000})
	resp := startBulk(t, ts.url, 50_000_000)
	defer resp.Body.Close()
	begin := time.Now()
	if err := ts.stop(); err != nil {
		t.Fatal(err)
	}
	if el := time.Since(begin); el > 5*time.Second {
		t.Fatalf("drain took %v with a 300 ms timeout", el)
	}
	if _, err := io.Copy(io.Discard, resp.Body); err == nil {
		t.Fatal("a cut bulk response read as complete")
	}
}

// TestRunNotifiesSystemd runs the server as systemd would: NOTIFY_SOCKET
// and WATCHDOG_USEC set, SIGHUP to reload.
func TestRunNotifiesSystemd(t *testing.T) {
	dir := t.TempDir()
	sock := filepath.Join(dir, "notify")
	ln, err := net.ListenUnixgram("unixgram", &net.UnixAddr{Name: sock, Net: "unixgram"})
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	t.Setenv("NOTIFY_SOCKET", sock)
	t.Setenv("WATCHDOG_USEC", "100000")
	file := filepath.Join(dir, "config.yaml")
	if err := os.WriteFile(file, []byte(twoCompanies), 0o644); err != nil {
		t.Fatal(err)
	}
	s, err := New(Options{ConfigFile: file, WorkDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	tcp, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.run(ctx, tcp) }()

	msgs := make(chan string, 100)
	go func() {
		buf := make([]byte, 1024)
		for {
			n, err := ln.Read(buf)
			if err != nil {
				return
			}
			msgs <- string(buf[:n])
		}
	}()
	expect := func(prefix string) {
		t.Helper()
		timeout := time.After(5 * time.Second)
		for {
			select {
			case m := <-msgs:
				if strings.HasPrefix(m, prefix) {
					return
				}
			case <-timeout:
				t.Fatalf("no %q from the server", prefix)
			}
		}
	}
	expect("READY=1")
	expect("WATCHDOG=1")
	expect("WATCHDOG=1")
	if err := syscall.Kill(os.Getpid(), syscall.SIGHUP); err != nil {
		t.Fatal(err)
	}
	expect("RELOADING=1\nMONOTONIC_USEC=")
	expect("READY=1")
	if s.metrics.ReloadSuccess.Load() != 1 {
		t.Fatalf("SIGHUP reloads: %d", s.metrics.ReloadSuccess.Load())
	}
	cancel()
	expect("STOPPING=1")
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}
