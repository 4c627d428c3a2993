package stream

import (
	"net/http"

	"datasynth.dev/server/httpapi"
)

// settings are what POST /api/stream/start sets for the event streams
// opened after it; a stream's own query parameters win over them.
type settings struct {
	// Rate is events per second; 0 means defaultRate.
	Rate int `json:"events_per_second"`
	// MaxEvents ends a stream after that many events; 0 means no limit.
	MaxEvents int64 `json:"max_events"`
	// Inject sets fraud.enabled of the streamed data; nil keeps the
	// config's.
	Inject *bool `json:"inject_anomalies"`
}

// defaultRate is the events per second of a stream that asks for none.
const defaultRate = 10

// startRequest is the body of POST /api/stream/start: DataSynth's
// StreamRequest.
type startRequest struct {
	EventsPerSecond *int   `json:"events_per_second"`
	MaxEvents       *int64 `json:"max_events"`
	InjectAnomalies *bool  `json:"inject_anomalies"`
}

// Status is the state of streaming, as GET /api/stream/status answers
// it.
type Status struct {
	State           string   `json:"state"`
	ActiveStreams   int64    `json:"active_streams"`
	MetricStreams   int64    `json:"active_metric_streams"`
	EventsSent      int64    `json:"events_sent"`
	SlowClientsShut int64    `json:"slow_clients_dropped"`
	Refused         int64    `json:"streams_refused"`
	Settings        settings `json:"settings"`
}

// controlBody is the answer of the controls and the trigger: DataSynth's
// StreamResponse (success, message), then the status.
type controlBody struct {
	Success bool   `json:"success"`
	Message string `json:"message"`
	Status
}

func (h *Hub) status() Status {
	h.mu.Lock()
	state, set := h.state, h.set
	h.mu.Unlock()
	if set.Rate == 0 {
		set.Rate = defaultRate
	}
	m := h.opts.Metrics
	return Status{State: state, ActiveStreams: m.StreamsEvents.Load(), MetricStreams: m.StreamsMetrics.Load(),
		EventsSent: m.StreamEvents.Load(), SlowClientsShut: m.SlowClients.Load(),
		Refused: m.StreamsRefusedServer.Load() + m.StreamsRefusedKey.Load(), Settings: set}
}

// HandleStatus serves GET /api/stream/status.
func (h *Hub) HandleStatus(w http.ResponseWriter, r *http.Request) {
	httpapi.WriteJSON(w, http.StatusOK, h.status())
}

// HandleControl serves POST /api/stream/{action}. start turns streaming on
// (after stop or pause) and takes DataSynth's stream settings; stop closes
// every event stream with a close frame and refuses new ones; pause holds
// events on open streams; resume lets them flow again.
func (h *Hub) HandleControl(action string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		var req startRequest
		var body any = &struct{}{}
		if action == "start" {
			body = &req
		}
		if e := httpapi.DecodeJSON(r, body); e != nil {
			e.Write(w)
			return
		}
		if e := h.checkStart(&req); e != nil {
			e.Write(w)
			return
		}
		h.mu.Lock()
		from := h.state
		var conflict, message string
		switch action {
		case "start":
			h.setState(StateRunning)
			if req.EventsPerSecond != nil {
				h.set.Rate = *req.EventsPerSecond
			}
			if req.MaxEvents != nil {
				h.set.MaxEvents = *req.MaxEvents
			}
			if req.InjectAnomalies != nil {
				h.set.Inject = req.InjectAnomalies
			}
			message = "streaming started; the settings apply to event streams opened from now on"
		case "stop":
			h.setState(StateStopped)
			for st := range h.conns {
				if st.events {
					st.cancel(&closeCause{closeStopped, "streaming stopped by POST /api/stream/stop"})
				}
			}
			message = "streaming stopped; event streams are closed and new ones refused until POST /api/stream/start"
		case "pause":
			if from == StateStopped {
				conflict = "streaming is stopped; POST /api/stream/start first"
			} else {
				h.setState(StatePaused)
				message = "streaming paused"
			}
		case "resume":
			if from == StateStopped {
				conflict = "streaming is stopped; POST /api/stream/start to resume it"
			} else {
				h.setState(StateRunning)
				message = "streaming resumed"
			}
		}
		h.mu.Unlock()
		if conflict != "" {
			httpapi.WriteError(w, http.StatusConflict, "stream_stopped", conflict, "")
			return
		}
		info := httpapi.InfoOf(r)
		h.opts.Log.Info("stream control", "action", action, "from", from, "request_id", info.ID, "client", info.Client)
		httpapi.WriteJSON(w, http.StatusOK, controlBody{Success: true, Message: message, Status: h.status()})
	}
}

// checkStart checks the settings of a start request.
func (h *Hub) checkStart(req *startRequest) *httpapi.RequestError {
	if v := req.EventsPerSecond; v != nil && (*v < 1 || *v > h.opts.MaxEventsPerSecond) {
		return httpapi.BadRequest("invalid_field", "events_per_second", "events_per_second %d must be from 1 to %d (--max-events-per-second)", *v, h.opts.MaxEventsPerSecond)
	}
	if v := req.MaxEvents; v != nil && *v < 0 {
		return httpapi.BadRequest("invalid_field", "max_events", "max_events %d is negative; give a number of events, or 0 for no limit", *v)
	}
	return nil
}

// setState changes the state; h.mu is held.
func (h *Hub) setState(to string) {
	if to == StatePaused && h.state != StatePaused {
		h.resumed = make(chan struct{})
	}
	if to != StatePaused && h.state == StatePaused {
		close(h.resumed)
	}
	h.state = to
}
