// Package stream serves the WebSocket streams of datasynth-server:
// GET /ws/events (the journal entries of the config in use, as events at a
// rate the client asks for), GET /ws/metrics (a metrics snapshot every
// interval), the controls POST /api/stream/{start,stop,pause,resume} and
// GET /api/stream/status, and POST /api/stream/trigger/{pattern}.
//
// The controls, the trigger and the events speak DataSynth's shapes: start
// takes its StreamRequest (events_per_second, max_events,
// inject_anomalies, for the event streams opened after it), every control
// answers {success, message} and the status, and an event carries
// DataSynth's EventUpdate fields beside this server's own (type, seq, and
// the whole entry as data). A triggered pattern chooses among the entries
// of the dataset, never makes one up (see pattern).
//
// A stream costs the server a bounded amount of memory whatever its client
// does. The number of streams is capped server-wide (MaxStreams) and per
// client (MaxPerKey: an API key, or an address when the server runs
// without keys); beyond a cap the upgrade is refused with a JSON 503 and
// counted in synth_stream_refused_total. Events wait for their client in a
// queue of Buffer events; a client that lets it fill is closed with 1008
// and counted in synth_stream_slow_clients_dropped_total, so a client that
// never reads holds at most Buffer events and one write.
//
// A stream ends with a close frame that says why: 1000 when every entry
// was sent or streaming was stopped, 1001 when the server shuts down,
// 1008 for a slow client or an API key that was revoked.
//
// stream uses bulk for the plan of the data (a stream sends the entries a
// bulk request would generate), httpapi for its answers and metrics for
// its counts.
package stream

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"datasynth.dev/server/bulk"
	"datasynth.dev/server/httpapi"
	"datasynth.dev/server/metrics"
	"github.com/coder/websocket"
)

// Stream states, set by POST /api/stream/{start,stop,pause,resume}.
const (
	StateRunning = "running"
	StatePaused  = "paused"
	StateStopped = "stopped"
)

// Close codes sent to WebSocket clients.
const (
	closeSlow     = websocket.StatusPolicyViolation // 1008
	closeRevoked  = websocket.StatusPolicyViolation
	closeStopped  = websocket.StatusNormalClosure
	closeShutdown = websocket.StatusGoingAway // 1001
	closeDone     = websocket.StatusNormalClosure
)

// Options configure a Hub.
type Options struct {
	Log     *slog.Logger
	Metrics *metrics.Set
	// Jobs is the parent context of every stream: when it ends, streams
	// end at once (the end of a drain).
	Jobs context.Context
	// Plan gives the data of an event stream: the config in use with an
	// optional seed, and fraud.enabled set when inject is not nil.
	Plan func(seed *uint64, inject *bool) (*bulk.Plan, *httpapi.RequestError)
	// Snapshot is the /ws/metrics message.
	Snapshot func() metrics.Snapshot
	// Buffer is how many events a client may fall behind before it is
	// closed as too slow.
	Buffer             int
	MaxEventsPerSecond int
	MetricsInterval    time.Duration
	// WriteTimeout bounds each write to a client.
	WriteTimeout time.Duration
	// Draining reports that the server shuts down: new streams are refused.
	Draining func() bool
	// MaxStreams caps the open streams of the server, MaxPerKey those of
	// one client.
	MaxStreams int
	MaxPerKey  int
}

// Hub tracks the open streams and the stream state.
type Hub struct {
	opts Options

	mu    sync.Mutex
	state string
	// set is what the last POST /api/stream/start asked of the event
	// streams opened after it.
	set settings
	// resumed is closed when a pause ends; a new one is made by a pause.
	resumed chan struct{}
	conns   map[*stream]struct{}
	perKey  map[string]int
	wg      sync.WaitGroup
	closing bool

	// parked counts event producers waiting out a pause, queued the events
	// put in a queue: together they tell a test when a pause has taken
	// hold.
	parked atomic.Int64
	queued atomic.Int64

	// trig is the last pattern triggered; trigSeq numbers them, and
	// trigTaken tells whether an event stream has applied the last one
	// (see HandleTrigger).
	trig      atomic.Pointer[trigger]
	trigSeq   atomic.Int64
	trigTaken atomic.Bool
}

// stream is one open WebSocket.
type stream struct {
	conn   *websocket.Conn
	client string
	events bool // /ws/events; else /ws/metrics
	cancel context.CancelCauseFunc
	// unwatch stops watching the client; m counts the stream.
	unwatch func() bool
	m       *metrics.Set
}

// closeCause carries the close frame a stream must send when it ends.
type closeCause struct {
	code   websocket.StatusCode
	reason string
}

func (c *closeCause) Error() string { return c.reason }

// New returns a Hub in the running state.
func New(opts Options) *Hub {
	resumed := make(chan struct{})
	close(resumed)
	return &Hub{opts: opts, state: StateRunning, resumed: resumed, conns: map[*stream]struct{}{}, perKey: map[string]int{}}
}

// waitRunning blocks while streaming is paused. It returns false when ctx
// ends first.
func (h *Hub) waitRunning(ctx context.Context) bool {
	for {
		h.mu.Lock()
		state, resumed := h.state, h.resumed
		h.mu.Unlock()
		if state != StatePaused {
			return true
		}
		h.parked.Add(1)
		select {
		case <-resumed:
			h.parked.Add(-1)
		case <-ctx.Done():
			h.parked.Add(-1)
			return false
		}
	}
}

// admit registers a stream of client before its upgrade, or refuses it
// with a 503: the server shuts down, or a stream limit is reached.
func (h *Hub) admit(st *stream) *httpapi.RequestError {
	h.mu.Lock()
	defer h.mu.Unlock()
	refuse := func(code, msg string) *httpapi.RequestError {
		return &httpapi.RequestError{Status: http.StatusServiceUnavailable, Body: httpapi.Error{Code: code, Message: msg}}
	}
	switch {
	case h.closing || h.opts.Draining():
		return refuse("draining", "the server is shutting down; connect to another instance")
	case len(h.conns) >= h.opts.MaxStreams:
		h.opts.Metrics.StreamsRefusedServer.Add(1)
		return refuse("too_many_streams", fmt.Sprintf("the server has %d streams open, its limit (--max-streams); retry later or connect to another instance", len(h.conns)))
	case h.perKey[st.client] >= h.opts.MaxPerKey:
		h.opts.Metrics.StreamsRefusedKey.Add(1)
		return refuse("too_many_streams", fmt.Sprintf("this client has %d streams open, the limit per API key (--max-streams-per-key); close one first", h.perKey[st.client]))
	}
	h.conns[st] = struct{}{}
	h.perKey[st.client]++
	h.wg.Add(1)
	return nil
}

func (h *Hub) remove(st *stream) {
	h.mu.Lock()
	delete(h.conns, st)
	if h.perKey[st.client]--; h.perKey[st.client] <= 0 {
		delete(h.perKey, st.client)
	}
	h.mu.Unlock()
	h.wg.Done()
}

// CloseAll asks every stream to close with a going-away frame, refuses new
// ones, and waits for them until ctx ends; then it cuts those left.
func (h *Hub) CloseAll(ctx context.Context, reason string) {
	h.mu.Lock()
	h.closing = true
	for st := range h.conns {
		st.cancel(&closeCause{closeShutdown, reason})
	}
	h.mu.Unlock()
	done := make(chan struct{})
	go func() {
		h.wg.Wait()
		close(done)
	}()
	select {
	case <-done:
	case <-ctx.Done():
		h.mu.Lock()
		for st := range h.conns {
			if st.conn != nil {
				_ = st.conn.CloseNow()
			}
		}
		h.mu.Unlock()
	}
}

// Revoke closes, with 1008, the streams of API keys for which accepted
// is false: after a reload of the keys, a revoked key keeps no stream.
// Streams of clients without a key (a server without keys) stay.
func (h *Hub) Revoke(accepted func(client string) bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for st := range h.conns {
		if !accepted(st.client) {
			st.cancel(&closeCause{closeRevoked, "API key revoked"})
		}
	}
}

// Wait returns when every stream handler has returned.
func (h *Hub) Wait() { h.wg.Wait() }

// open admits a stream and upgrades the request; when it returns nil it
// has answered the request. The stream's context ends with the stream,
// its cause the close frame to send.
func (h *Hub) open(w http.ResponseWriter, r *http.Request, events bool) (*stream, context.Context) {
	ctx, cancel := context.WithCancelCause(h.opts.Jobs)
	st := &stream{client: httpapi.InfoOf(r).Client, events: events, cancel: cancel, m: h.opts.Metrics}
	if e := h.admit(st); e != nil {
		cancel(nil)
		if e.Body.Code == "too_many_streams" {
			w.Header().Set("Retry-After", "5")
		}
		e.Write(w)
		return nil, nil
	}
	// Deadlines set by the HTTP server for the request would otherwise
	// stay on the hijacked connection and cut the stream.
	rc := http.NewResponseController(w)
	_ = rc.SetReadDeadline(time.Time{})
	_ = rc.SetWriteDeadline(time.Time{})
	conn, err := websocket.Accept(w, r, nil)
	if err != nil {
		cancel(nil)
		h.remove(st) // Accept has answered the request
		return nil, nil
	}
	h.mu.Lock()
	st.conn = conn
	h.mu.Unlock()
	st.gauge().Add(1)
	st.unwatch = h.watchClient(conn, cancel)
	return st, ctx
}

// done ends what open began; the handler has closed the connection.
func (h *Hub) done(st *stream) {
	st.unwatch()
	st.gauge().Add(-1)
	h.remove(st)
}

func (st *stream) gauge() *atomic.Int64 {
	if st.events {
		return &st.m.StreamsEvents
	}
	return &st.m.StreamsMetrics
}

// errClientGone ends a stream whose client closed it or went away.
var errClientGone = errors.New("client closed the stream")

// watchClient reads (and drops) what the client sends, answering pings,
// and ends the stream through cancel when the client goes away. Its read
// context is not the stream's: ending that would close the connection at
// once, before the close frame.
func (h *Hub) watchClient(conn *websocket.Conn, cancel context.CancelCauseFunc) (stop func() bool) {
	gone := conn.CloseRead(h.opts.Jobs)
	return context.AfterFunc(gone, func() { cancel(errClientGone) })
}

// write sends one message within WriteTimeout. Its context is not the
// stream's: cancelling a write closes the connection, and a stream that
// ends must still be able to send its close frame.
func (h *Hub) write(conn *websocket.Conn, msg []byte) error {
	ctx, cancel := context.WithTimeout(context.Background(), h.opts.WriteTimeout)
	defer cancel()
	return conn.Write(ctx, websocket.MessageText, msg)
}

// metricsEvent is one /ws/metrics message: DataSynth's MetricsUpdate
// fields (timestamp, total_entries, total_anomalies, entries_per_second,
// and, from the snapshot, active_streams and uptime_seconds), then this
// server's type, time and snapshot.
type metricsEvent struct {
	Timestamp        string  `json:"timestamp"`
	TotalEntries     int64   `json:"total_entries"`
	TotalAnomalies   int64   `json:"total_anomalies"`
	EntriesPerSecond float64 `json:"entries_per_second"`
	Type             string  `json:"type"`
	Time             string  `json:"time"`
	metrics.Snapshot
}

// HandleMetrics serves GET /ws/metrics: a metrics snapshot every
// MetricsInterval.
func (h *Hub) HandleMetrics(w http.ResponseWriter, r *http.Request) {
	st, ctx := h.open(w, r, false)
	if st == nil {
		return
	}
	defer h.done(st)
	conn := st.conn
	t := time.NewTicker(h.opts.MetricsInterval)
	defer t.Stop()
	for ctx.Err() == nil {
		snap := h.opts.Snapshot()
		now := time.Now().UTC().Format(time.RFC3339Nano)
		b, err := json.Marshal(metricsEvent{Timestamp: now, TotalEntries: snap.TotalEntriesGenerated, TotalAnomalies: snap.TotalAnomaliesInjected,
			EntriesPerSecond: snap.SessionEntriesPerSecond, Type: "metrics", Time: now, Snapshot: snap})
		if err == nil {
			err = h.write(conn, b)
		}
		if err != nil {
			break
		}
		select {
		case <-t.C:
		case <-ctx.Done():
		}
	}
	var cc *closeCause
	if errors.As(context.Cause(ctx), &cc) {
		_ = conn.Close(cc.code, cc.reason)
		return
	}
	_ = conn.CloseNow()
}
