package server

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"datasynth.dev/server/internal/wstest"
	"github.com/coder/websocket"
)

type event struct {
	Type string         `json:"type"`
	Seq  int64          `json:"seq"`
	Data map[string]any `json:"data"`
}

func TestEventsStream(t *testing.T) {
	ts := startWithConfig(t, twoCompanies, Options{APIKeys: []string{testKey}})
	if _, resp, err := wstest.Dial(t, ts.url+"/ws/events"); err == nil || resp == nil || resp.StatusCode != 401 {
		t.Fatalf("no key: %v, %v", err, resp)
	}
	if _, resp, err := wstest.Dial(t, ts.url+"/ws/events?events_per_second=0", "X-API-Key", testKey); err == nil || resp.StatusCode != 400 {
		t.Fatalf("rate 0: %v, %v", err, resp)
	}
	c, _, err := wstest.Dial(t, ts.url+"/ws/events?events_per_second=200&seed=5", "Authorization", "Bearer "+testKey)
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	c.Run()
	var first event
	for i := int64(1); i <= 30; i++ {
		var e event
		if err := json.Unmarshal(c.Next(t), &e); err != nil {
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
	_, data := call(t, "POST", ts.url+"/api/generate/bulk", `{"seed": 5}`, "X-API-Key", testKey, "Accept", "application/x-ndjson")
	line, _, _ := bufio.NewReader(bytes.NewReader(data)).ReadLine()
	var bulkFirst ndjsonLine
	if err := json.Unmarshal(line, &bulkFirst); err != nil || bulkFirst.Data["document_id"] != first.Data["document_id"] {
		t.Fatalf("first streamed entry %v, first bulk entry %v (%v)", first.Data["document_id"], bulkFirst.Data["document_id"], err)
	}
}

func TestDrain(t *testing.T) {
	ts := start(t, Options{ShutdownDelay: 300 * time.Millisecond})
	ws, _, err := wstest.Dial(t, ts.url+"/ws/events")
	if err != nil {
		t.Fatal(err)
	}
	ws.Run()
	resp := startBulk(t, ts.url, 10_000)
	defer resp.Body.Close()

	stopped := make(chan error, 1)
	go func() { stopped <- ts.stop() }()
	waitFor(t, "draining", ts.draining.Load)
	// Asked of the handler, not over the network: the listener may be
	// closed already, however slow this machine is.
	rec := httptest.NewRecorder()
	ts.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/ready", nil))
	if rb := decode[readyBody](t, rec.Body.Bytes()); rec.Code != 503 || len(rb.Reasons) != 1 || !strings.HasPrefix(rb.Reasons[0], "draining") {
		t.Fatalf("/ready while draining: %d %s", rec.Code, rec.Body)
	}
	ce, _ := ws.Closed(t)
	if ce.Code != websocket.StatusGoingAway || ce.Reason != "server shutting down" {
		t.Fatalf("stream close %v", ce)
	}
	// The request in flight completes: every entry arrives.
	rest, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("bulk cut during drain: %v", err)
	}
	if lines := bytes.Count(rest, []byte{'\n'}); lines < 9_000 {
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

// A request that outlasts --drain-timeout is cut when it runs out. The
// write timeout is far longer, so only the drain timeout can end it.
func TestDrainTimeoutCutsSlowRequests(t *testing.T) {
	var log syncBuffer
	ts := start(t, Options{DrainTimeout: 300 * time.Millisecond, WriteTimeout: time.Hour, MaxBulkEntries: 50_000_000,
		Logger: slog.New(slog.NewJSONHandler(&log, nil))})
	resp := startBulk(t, ts.url, 50_000_000)
	defer resp.Body.Close()
	if err := ts.stop(); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(log.String(), "drain timeout reached; cutting the remaining connections") {
		t.Fatalf("the drain did not end by its timeout:\n%s", log.String())
	}
	if _, err := io.Copy(io.Discard, resp.Body); err == nil {
		t.Fatal("a cut bulk response read as complete")
	}
	if n := ts.metrics.EntriesBulk.Load(); n >= 50_000_000 {
		t.Fatalf("the job ran to its end (%d entries)", n)
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
		timeout := time.After(30 * time.Second)
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
