package server

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"sync"
	"time"

	"datasynth.dev/engine/generate"
	"datasynth.dev/engine/ledger"
	"datasynth.dev/server/metrics"
	"github.com/coder/websocket"
	"golang.org/x/time/rate"
)

// Stream states, set by POST /api/stream/{start,stop,pause,resume}.
const (
	stateRunning = "running"
	statePaused  = "paused"
	stateStopped = "stopped"
)

// Close codes and reasons sent to WebSocket clients.
const (
	closeSlow     = websocket.StatusPolicyViolation // 1008
	closeStopped  = websocket.StatusNormalClosure
	closeShutdown = websocket.StatusGoingAway // 1001
	closeDone     = websocket.StatusNormalClosure
)

// hub tracks the open WebSocket streams and the stream state.
type hub struct {
	s *Server

	mu    sync.Mutex
	state string
	// resumed is closed when a pause ends; a new one is made by pause.
	resumed chan struct{}
	conns   map[*stream]struct{}
	wg      sync.WaitGroup
	closing bool
}

// stream is one open WebSocket.
type stream struct {
	conn   *websocket.Conn
	events bool // /ws/events; else /ws/metrics
	cancel context.CancelCauseFunc
}

// closeCause carries the close frame a stream must send when it ends.
type closeCause struct {
	code   websocket.StatusCode
	reason string
}

func (c *closeCause) Error() string { return c.reason }

func newHub(s *Server) *hub {
	resumed := make(chan struct{})
	close(resumed)
	return &hub{s: s, state: stateRunning, resumed: resumed, conns: map[*stream]struct{}{}}
}

type streamStatus struct {
	State           string `json:"state"`
	ActiveStreams   int64  `json:"active_streams"`
	MetricStreams   int64  `json:"active_metric_streams"`
	EventsSent      int64  `json:"events_sent"`
	SlowClientsShut int64  `json:"slow_clients_dropped"`
}

func (h *hub) status() streamStatus {
	h.mu.Lock()
	state := h.state
	h.mu.Unlock()
	m := h.s.metrics
	return streamStatus{State: state, ActiveStreams: m.StreamsEvents.Load(), MetricStreams: m.StreamsMetrics.Load(),
		EventsSent: m.StreamEvents.Load(), SlowClientsShut: m.SlowClients.Load()}
}

func (h *hub) handleStatus(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, h.status())
}

// handleControl serves POST /api/stream/{action}. start turns streaming on
// (after stop or pause); stop closes every event stream with a close frame
// and refuses new ones; pause holds events on open streams; resume lets
// them flow again.
func (h *hub) handleControl(action string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		var body struct{}
		if e := decodeJSON(r, &body); e != nil {
			e.write(w, r)
			return
		}
		h.mu.Lock()
		from := h.state
		var conflict string
		switch action {
		case "start":
			h.setState(stateRunning)
		case "stop":
			h.setState(stateStopped)
			for st := range h.conns {
				if st.events {
					st.cancel(&closeCause{closeStopped, "streaming stopped by POST /api/stream/stop"})
				}
			}
		case "pause":
			if from == stateStopped {
				conflict = "streaming is stopped; POST /api/stream/start first"
			} else {
				h.setState(statePaused)
			}
		case "resume":
			if from == stateStopped {
				conflict = "streaming is stopped; POST /api/stream/start to resume it"
			} else {
				h.setState(stateRunning)
			}
		}
		h.mu.Unlock()
		if conflict != "" {
			writeError(w, r, http.StatusConflict, "stream_stopped", conflict, "")
			return
		}
		h.s.log.Info("stream control", "action", action, "from", from, "request_id", info(r).id, "client", info(r).client)
		writeJSON(w, http.StatusOK, h.status())
	}
}

// setState changes the state; h.mu is held.
func (h *hub) setState(to string) {
	if to == statePaused && h.state != statePaused {
		h.resumed = make(chan struct{})
	}
	if to != statePaused && h.state == statePaused {
		close(h.resumed)
	}
	h.state = to
}

// waitRunning blocks while streaming is paused. It returns false when ctx
// ends first.
func (h *hub) waitRunning(ctx context.Context) bool {
	for {
		h.mu.Lock()
		state, resumed := h.state, h.resumed
		h.mu.Unlock()
		if state != statePaused {
			return true
		}
		select {
		case <-resumed:
		case <-ctx.Done():
			return false
		}
	}
}

// add registers a stream; false when the server is closing.
func (h *hub) add(st *stream) bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closing {
		return false
	}
	h.conns[st] = struct{}{}
	h.wg.Add(1)
	return true
}

func (h *hub) remove(st *stream) {
	h.mu.Lock()
	delete(h.conns, st)
	h.mu.Unlock()
	h.wg.Done()
}

// closeAll asks every stream to close with a going-away frame and waits for
// them until ctx ends.
func (h *hub) closeAll(ctx context.Context, reason string) {
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
			_ = st.conn.CloseNow()
		}
		h.mu.Unlock()
	}
}

// wait returns when every stream handler has returned.
func (h *hub) wait() { h.wg.Wait() }

// accept upgrades the request. Deadlines set by the HTTP server for the
// request would otherwise stay on the hijacked connection and cut the
// stream.
func (h *hub) accept(w http.ResponseWriter, r *http.Request) (*websocket.Conn, error) {
	rc := http.NewResponseController(w)
	_ = rc.SetReadDeadline(time.Time{})
	_ = rc.SetWriteDeadline(time.Time{})
	return websocket.Accept(w, r, nil)
}

// eventParams are the query parameters of /ws/events.
type eventParams struct {
	rate int
	seed *uint64
}

func (h *hub) parseEventParams(r *http.Request) (eventParams, *reqError) {
	q := r.URL.Query()
	p := eventParams{rate: 10}
	for k := range q {
		if k != "events_per_second" && k != "seed" {
			return p, badRequest("unknown_field", k, "unknown query parameter %q (allowed: events_per_second, seed)", k)
		}
	}
	if v := q.Get("events_per_second"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > h.s.opts.MaxEventsPerSecond {
			return p, badRequest("invalid_field", "events_per_second", "events_per_second %q must be a whole number from 1 to %d", v, h.s.opts.MaxEventsPerSecond)
		}
		p.rate = n
	}
	if v := q.Get("seed"); v != "" {
		n, err := strconv.ParseUint(v, 10, 64)
		if err != nil {
			return p, badRequest("invalid_field", "seed", "seed %q must be a whole number from 0 to 18446744073709551615", v)
		}
		p.seed = &n
	}
	return p, nil
}

// errSlow ends a stream whose client fell a whole buffer behind.
var errSlow = errors.New("client too slow")

// handleEvents streams the journal entries of the config in use, in the
// order datasynth-data writes them, as JSON events at the requested rate.
// Events wait in a buffer of StreamBuffer; a client that lets it fill is
// closed with 1008 and a reason, so a slow client costs a bounded amount
// of memory. When every entry has been sent the stream closes normally.
func (h *hub) handleEvents(w http.ResponseWriter, r *http.Request) {
	params, e := h.parseEventParams(r)
	if e != nil {
		e.write(w, r)
		return
	}
	h.mu.Lock()
	state := h.state
	h.mu.Unlock()
	if state == stateStopped {
		writeError(w, r, http.StatusServiceUnavailable, "stream_stopped", "streaming is stopped; POST /api/stream/start to allow streams", "")
		return
	}
	if h.s.draining.Load() {
		writeError(w, r, http.StatusServiceUnavailable, "draining", "the server is shutting down; connect to another instance", "")
		return
	}
	req := bulkRequest{Seed: params.seed}
	p, e := h.s.plan(&req)
	if e != nil {
		e.write(w, r)
		return
	}
	conn, err := h.accept(w, r)
	if err != nil {
		return // Accept has answered the request
	}
	ctx, cancel := context.WithCancelCause(h.s.jobs)
	st := &stream{conn: conn, events: true, cancel: cancel}
	if !h.add(st) {
		_ = conn.Close(closeShutdown, "server shutting down")
		return
	}
	defer h.remove(st)
	m := h.s.metrics
	m.StreamsEvents.Add(1)
	defer m.StreamsEvents.Add(-1)
	defer h.watchClient(conn, cancel)()
	log := h.s.log.With("request_id", info(r).id, "client", info(r).client)
	log.Info("event stream open", "events_per_second", params.rate, "seed", p.seed, "entries", p.cfg.TotalEntries())

	out := make(chan []byte, h.s.opts.StreamBuffer)
	writerDone := make(chan error, 1)
	go func() {
		var err error
		for msg := range out {
			// Once the stream ends, queued events are dropped, not sent:
			// the close frame goes next.
			if err != nil || ctx.Err() != nil {
				continue
			}
			if err = h.write(conn, msg); err == nil {
				m.StreamEvents.Add(1)
				m.EntriesStream.Add(1)
			}
		}
		writerDone <- err
	}()

	err = h.produce(ctx, p, params.rate, out)
	if errors.Is(err, errSlow) {
		m.SlowClients.Add(1)
		cancel(&closeCause{closeSlow, fmt.Sprintf("client too slow: fell %d events behind", h.s.opts.StreamBuffer)})
	}
	close(out)
	wErr := <-writerDone
	var cc *closeCause
	cause := context.Cause(ctx)
	switch {
	case errors.As(cause, &cc):
	case err == nil && wErr == nil:
		cc = &closeCause{closeDone, fmt.Sprintf("all %d entries sent", p.cfg.TotalEntries())}
	default:
		// The client went away or a write failed: nothing more to say.
		_ = conn.CloseNow()
		log.Info("event stream ended", "error", errors.Join(err, wErr))
		return
	}
	log.Info("event stream closing", "code", int(cc.code), "reason", cc.reason)
	if err := conn.Close(cc.code, cc.reason); err != nil {
		_ = conn.CloseNow()
	}
}

// produce generates entries and queues them as events at rate per second
// until the dataset ends, ctx ends or the queue overflows (errSlow).
func (h *hub) produce(ctx context.Context, p *plan, perSecond int, out chan<- []byte) error {
	// A burst is a tenth of a second's events, but never more than half the
	// buffer: a burst alone must not make a prompt client look slow.
	lim := rate.NewLimiter(rate.Limit(perSecond), max(1, min(perSecond/10, h.s.opts.StreamBuffer/2)))
	var enc ledger.EntryEncoder
	var seq int64
	_, err := generate.Journal(ctx, generate.StreamOptions{Config: p.cfg, Seed: p.seed, Threads: 1}, func(b *ledger.Block) error {
		// Anomalies count when their block is queued.
		h.s.metrics.Anomalies.Add(b.Fraud)
		return enc.Encode(b.CSV, func(entry []byte) error {
			if !h.waitRunning(ctx) {
				return context.Cause(ctx)
			}
			if err := lim.Wait(ctx); err != nil {
				return context.Cause(ctx)
			}
			seq++
			msg := make([]byte, 0, len(entry)+64)
			msg = append(msg, `{"type":"journal_entry","seq":`...)
			msg = strconv.AppendInt(msg, seq, 10)
			msg = append(msg, `,"data":`...)
			msg = append(msg, entry...)
			msg = append(msg, '}')
			select {
			case out <- msg:
				return nil
			default:
				return errSlow
			}
		})
	})
	return err
}

// errClientGone ends a stream whose client closed it or went away.
var errClientGone = errors.New("client closed the stream")

// watchClient reads (and drops) what the client sends, answering pings,
// and ends the stream through cancel when the client goes away. Its read
// context is not the stream's: ending that would close the connection at
// once, before the close frame.
func (h *hub) watchClient(conn *websocket.Conn, cancel context.CancelCauseFunc) (stop func() bool) {
	gone := conn.CloseRead(h.s.jobs)
	return context.AfterFunc(gone, func() { cancel(errClientGone) })
}

// write sends one message within WriteTimeout. Its context is not the
// stream's: cancelling a write closes the connection, and a stream that
// ends must still be able to send its close frame.
func (h *hub) write(conn *websocket.Conn, msg []byte) error {
	ctx, cancel := context.WithTimeout(context.Background(), h.s.opts.WriteTimeout)
	defer cancel()
	return conn.Write(ctx, websocket.MessageText, msg)
}

// metricsEvent is one /ws/metrics message.
type metricsEvent struct {
	Type string `json:"type"`
	Time string `json:"time"`
	metrics.Snapshot
}

// handleMetrics sends a metrics snapshot every MetricsInterval.
func (h *hub) handleMetrics(w http.ResponseWriter, r *http.Request) {
	if h.s.draining.Load() {
		writeError(w, r, http.StatusServiceUnavailable, "draining", "the server is shutting down; connect to another instance", "")
		return
	}
	conn, err := h.accept(w, r)
	if err != nil {
		return
	}
	ctx, cancel := context.WithCancelCause(h.s.jobs)
	st := &stream{conn: conn, cancel: cancel}
	if !h.add(st) {
		_ = conn.Close(closeShutdown, "server shutting down")
		return
	}
	defer h.remove(st)
	m := h.s.metrics
	m.StreamsMetrics.Add(1)
	defer m.StreamsMetrics.Add(-1)
	defer h.watchClient(conn, cancel)()
	t := time.NewTicker(h.s.opts.MetricsInterval)
	defer t.Stop()
	for ctx.Err() == nil {
		h.s.updateReady()
		b, err := json.Marshal(metricsEvent{Type: "metrics", Time: time.Now().UTC().Format(time.RFC3339Nano), Snapshot: m.Snapshot()})
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
