package stream

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"datasynth.dev/engine/config"
	"datasynth.dev/engine/generate"
	"datasynth.dev/engine/ledger"
	"datasynth.dev/server/httpapi"
)

// A pattern, triggered by POST /api/stream/trigger/{pattern}, makes every
// open event stream send, for its next events, only the entries of its
// dataset that match the pattern, at the rate the pattern sets; the
// entries that do not match are passed over (not sent on that stream).
// The entries stay those of the dataset, in its order: a pattern chooses
// among them, it never makes one up. DataSynth's names are kept; its
// wrapper's quarter_end_spike, which its own server refuses, is served.
type pattern struct {
	name  string
	about string // what the burst sends, for the answer
	match func(*ledger.Summary) bool
	// seasons are the closing windows a spike draws from (none for the
	// other patterns); multiplier gives its rate factor from the config's
	// seasonality (nil: the stream's own rate).
	seasons    []ledger.Season
	multiplier func(*config.Seasonality) config.Decimal
	fraud      bool
	weekend    bool
}

// trigger is one POST /api/stream/trigger: pattern nil is uniform.
type trigger struct {
	seq     int64
	pattern *pattern
	events  int
}

func inSeasons(ss ...ledger.Season) func(*ledger.Summary) bool {
	return func(s *ledger.Summary) bool {
		for _, x := range ss {
			if s.Season == x {
				return true
			}
		}
		return false
	}
}

// patterns are the patterns served, in DataSynth's order.
var patterns = []*pattern{
	{name: "year_end_spike", about: "entries posted in the closing days of a fiscal year",
		seasons: []ledger.Season{ledger.YearEnd}, match: inSeasons(ledger.YearEnd), multiplier: multiplierOf(ledger.YearEnd)},
	{name: "period_end_spike", about: "entries posted in the closing days of a month",
		seasons: []ledger.Season{ledger.MonthEnd, ledger.QuarterEnd, ledger.YearEnd},
		match:   inSeasons(ledger.MonthEnd, ledger.QuarterEnd, ledger.YearEnd), multiplier: multiplierOf(ledger.MonthEnd)},
	{name: "quarter_end_spike", about: "entries posted in the closing days of a fiscal quarter",
		seasons: []ledger.Season{ledger.QuarterEnd, ledger.YearEnd},
		match:   inSeasons(ledger.QuarterEnd, ledger.YearEnd), multiplier: multiplierOf(ledger.QuarterEnd)},
	{name: "holiday_cluster", about: "entries posted on weekend days (the calendar has no public holidays)",
		weekend: true, match: func(s *ledger.Summary) bool { return s.Weekend }},
	{name: "fraud_cluster", about: "fraudulent entries",
		fraud: true, match: func(s *ledger.Summary) bool { return s.IsFraud }},
}

// uniform ends the pattern of every stream.
const uniform = "uniform"

// unavailable are DataSynth's pattern names this server cannot serve, and
// why.
var unavailable = map[string]string{
	"error_cluster": "this generator injects fraud, not data-entry errors, so there are no errors to cluster; fraud_cluster clusters the fraudulent entries",
}

func patternNames() []string {
	names := make([]string, 0, len(patterns)+1)
	for _, p := range patterns {
		names = append(names, p.name)
	}
	return append(names, uniform)
}

// suggestPattern is the pattern a mistyped or half-remembered name most
// likely meant: a month end is DataSynth's period end (its wrapper's
// trigger_month_end sends period_end_spike).
func suggestPattern(name string) string {
	for short, p := range map[string]string{"month_end": "period_end_spike", "quarter_end": "quarter_end_spike", "year_end": "year_end_spike"} {
		if strings.HasPrefix(name, short) {
			return p
		}
	}
	return config.Suggest(name, patternNames())
}

// Burst sizes of a trigger: the events each stream sends under it.
const (
	defaultBurst = 100
	maxBurst     = 1_000_000
)

// triggerBody is the answer of a trigger.
type triggerBody struct {
	controlBody
	Pattern string `json:"pattern"`
	Events  int    `json:"events"`
}

// HandleTrigger serves POST /api/stream/trigger/{pattern}: every open
// event stream sends its next `events` events (query parameter, default
// 100) from the entries that match the pattern; uniform ends that. When no
// event stream is open, the first to open takes the pattern. A pattern
// the streamed data cannot hold (fraud_cluster without fraud, a
// year-end spike in a period without a fiscal year end) is refused with
// 409 rather than left to pass over the whole dataset.
func (h *Hub) HandleTrigger(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("pattern")
	var empty struct{}
	if e := httpapi.DecodeJSON(r, &empty); e != nil {
		e.Write(w)
		return
	}
	n := defaultBurst
	for k := range r.URL.Query() {
		if k != "events" {
			httpapi.BadRequest("unknown_field", k, "unknown query parameter %q (allowed: events)", k).Write(w)
			return
		}
	}
	if v := r.URL.Query().Get("events"); v != "" {
		var err error
		if n, err = strconv.Atoi(v); err != nil || n < 1 || n > maxBurst {
			httpapi.BadRequest("invalid_field", "events", "events %q must be a whole number from 1 to %d", v, maxBurst).Write(w)
			return
		}
	}
	var p *pattern
	for _, q := range patterns {
		if q.name == name {
			p = q
		}
	}
	switch why, known := unavailable[name]; {
	case known:
		httpapi.WriteError(w, http.StatusUnprocessableEntity, "pattern_unavailable", name+": "+why, "pattern")
		return
	case strings.HasPrefix(name, "custom:"):
		httpapi.WriteError(w, http.StatusUnprocessableEntity, "pattern_unavailable",
			fmt.Sprintf("%s: this server defines no custom patterns; use one of %s", name, strings.Join(patternNames(), ", ")), "pattern")
		return
	case p == nil && name != uniform:
		msg := fmt.Sprintf("unknown pattern %q", name)
		if s := suggestPattern(name); s != "" {
			msg += fmt.Sprintf("; did you mean %q?", s)
		}
		httpapi.BadRequest("unknown_pattern", "pattern", "%s (valid patterns: %s)", msg, strings.Join(patternNames(), ", ")).Write(w)
		return
	}
	h.mu.Lock()
	state, inject := h.state, h.set.Inject
	h.mu.Unlock()
	if state == StateStopped {
		httpapi.WriteError(w, http.StatusConflict, "stream_stopped", "streaming is stopped; POST /api/stream/start first", "")
		return
	}
	if p != nil {
		if e := h.available(p, inject); e != nil {
			e.Write(w)
			return
		}
	}
	t := &trigger{seq: h.trigSeq.Add(1), pattern: p, events: n}
	h.trigTaken.Store(false)
	h.trig.Store(t)

	st := h.status()
	var msg string
	switch {
	case p == nil:
		msg = "uniform: event streams send every entry again, at their own rate"
	case st.ActiveStreams == 0:
		msg = fmt.Sprintf("%s: no event stream is open; the next to open sends %d %s first", p.name, n, p.about)
	default:
		msg = fmt.Sprintf("%s: each of the %d open event streams sends its next %d events from %s", p.name, st.ActiveStreams, n, p.about)
	}
	info := httpapi.InfoOf(r)
	h.opts.Log.Info("stream pattern triggered", "pattern", name, "events", n, "request_id", info.ID, "client", info.Client)
	httpapi.WriteJSON(w, http.StatusOK, triggerBody{controlBody: controlBody{Success: true, Message: msg, Status: st}, Pattern: name, Events: n})
}

// available refuses, with 409, a pattern that the data of a new stream
// cannot hold.
func (h *Hub) available(p *pattern, inject *bool) *httpapi.RequestError {
	plan, e := h.opts.Plan(nil, inject)
	if e != nil {
		return e
	}
	cfg := plan.Config
	refuse := func(format string, args ...any) *httpapi.RequestError {
		return &httpapi.RequestError{Status: http.StatusConflict, Body: httpapi.Error{Code: "pattern_unavailable", Field: "pattern",
			Message: p.name + ": " + fmt.Sprintf(format, args...)}}
	}
	switch {
	case p.fraud && (!cfg.Fraud.Enabled || cfg.Fraud.Rate.Micro == 0):
		return refuse("the streamed data holds no fraud (fraud.enabled is %v, fraud_rate %s); enable it in the config, or POST /api/stream/start {\"inject_anomalies\": true}",
			cfg.Fraud.Enabled, cfg.Fraud.Rate)
	case p.weekend && cfg.Transactions.Seasonality.Weekend.Micro == 0:
		return refuse("transactions.seasonality.weekend_activity is 0: nothing posts on a weekend")
	case len(p.seasons) > 0:
		ch, err := generate.Chart(cfg)
		if err != nil {
			return &httpapi.RequestError{Status: http.StatusInternalServerError, Body: httpapi.Error{Code: "internal", Message: httpapi.MsgInternal}}
		}
		has := ledger.New(cfg, plan.Seed, ch).Seasons()
		s := &cfg.Transactions.Seasonality
		for _, season := range p.seasons {
			if has[season] && multiplierOf(season)(s).Micro > 0 {
				return nil
			}
		}
		if s.MonthEndDays == 0 {
			return refuse("transactions.seasonality.month_end_lead_days is 0: the calendar has no closing days")
		}
		return refuse("no entry of the period %s to %s posts in such closing days (fiscal years of %d months; a window's multiplier of 0 empties it)",
			cfg.Global.StartDate.Format(time.DateOnly), cfg.Global.EndDate().Format(time.DateOnly), cfg.Global.FiscalYearMonths)
	}
	return nil
}
