package stream

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"datasynth.dev/engine/config"
	"datasynth.dev/engine/generate"
	"datasynth.dev/engine/ledger"
	"datasynth.dev/server/bulk"
	"datasynth.dev/server/httpapi"
	"golang.org/x/time/rate"
)

// eventParams are the settings of one event stream: its query parameters
// over those of the last POST /api/stream/start.
type eventParams struct {
	rate      int
	maxEvents int64
	seed      *uint64
	inject    *bool
}

func (h *Hub) parseEventParams(r *http.Request) (eventParams, *httpapi.RequestError) {
	h.mu.Lock()
	set := h.set
	h.mu.Unlock()
	p := eventParams{rate: defaultRate, maxEvents: set.MaxEvents, inject: set.Inject}
	if set.Rate > 0 {
		p.rate = set.Rate
	}
	q := r.URL.Query()
	for k := range q {
		if k != "events_per_second" && k != "seed" && k != "max_events" {
			return p, httpapi.BadRequest("unknown_field", k, "unknown query parameter %q (allowed: events_per_second, max_events, seed)", k)
		}
	}
	if v := q.Get("events_per_second"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > h.opts.MaxEventsPerSecond {
			return p, httpapi.BadRequest("invalid_field", "events_per_second", "events_per_second %q must be a whole number from 1 to %d", v, h.opts.MaxEventsPerSecond)
		}
		p.rate = n
	}
	if v := q.Get("max_events"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n < 0 {
			return p, httpapi.BadRequest("invalid_field", "max_events", "max_events %q must be a whole number, 0 for no limit", v)
		}
		p.maxEvents = n
	}
	if v := q.Get("seed"); v != "" {
		n, err := strconv.ParseUint(v, 10, 64)
		if err != nil {
			return p, httpapi.BadRequest("invalid_field", "seed", "seed %q must be a whole number from 0 to 18446744073709551615", v)
		}
		p.seed = &n
	}
	return p, nil
}

// errSlow ends a stream whose client fell a whole buffer behind;
// errMaxEvents one that sent the events it was asked for.
var (
	errSlow      = errors.New("client too slow")
	errMaxEvents = errors.New("max_events reached")
)

// HandleEvents serves GET /ws/events: the journal entries of the config
// in use, in the order datasynth-data writes them, as JSON events at the
// requested rate. When every entry has been sent, or max_events of them,
// the stream closes normally.
func (h *Hub) HandleEvents(w http.ResponseWriter, r *http.Request) {
	params, e := h.parseEventParams(r)
	if e != nil {
		e.Write(w)
		return
	}
	h.mu.Lock()
	state := h.state
	h.mu.Unlock()
	if state == StateStopped {
		httpapi.WriteError(w, http.StatusServiceUnavailable, "stream_stopped", "streaming is stopped; POST /api/stream/start to allow streams", "")
		return
	}
	p, e := h.opts.Plan(params.seed, params.inject)
	if e != nil {
		e.Write(w)
		return
	}
	// A pattern triggered while no event stream was open goes to the
	// first one that opens.
	var applied int64
	if t := h.trig.Load(); t != nil && (h.trigTaken.Load() || t.pattern == nil) {
		applied = t.seq
	}
	st, ctx := h.open(w, r, true)
	if st == nil {
		return
	}
	defer h.done(st)
	conn, m := st.conn, h.opts.Metrics
	info := httpapi.InfoOf(r)
	log := h.opts.Log.With("request_id", info.ID, "client", info.Client)
	log.Info("event stream open", "events_per_second", params.rate, "max_events", params.maxEvents, "seed", p.Seed, "entries", p.Config.TotalEntries())

	out := make(chan []byte, h.opts.Buffer)
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

	pr := &producer{h: h, plan: p, base: params.rate, max: params.maxEvents, out: out, applied: applied}
	err := pr.run(ctx)
	if errors.Is(err, errSlow) {
		m.SlowClients.Add(1)
		st.cancel(&closeCause{closeSlow, fmt.Sprintf("client too slow: fell %d events behind", h.opts.Buffer)})
	}
	close(out)
	wErr := <-writerDone
	var cc *closeCause
	cause := context.Cause(ctx)
	switch {
	case errors.As(cause, &cc):
	case errors.Is(err, errMaxEvents) && wErr == nil:
		cc = &closeCause{closeDone, fmt.Sprintf("max_events reached: %d events sent", pr.seq)}
	case err == nil && wErr == nil && pr.skipped > 0:
		cc = &closeCause{closeDone, fmt.Sprintf("all %d entries done: %d sent, %d passed over by patterns", p.Config.TotalEntries(), pr.seq, pr.skipped)}
	case err == nil && wErr == nil:
		cc = &closeCause{closeDone, fmt.Sprintf("all %d entries sent", p.Config.TotalEntries())}
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

// producer generates the entries of one event stream and queues them as
// events.
type producer struct {
	h    *Hub
	plan *bulk.Plan
	// base is the stream's rate; max ends it after that many events (0:
	// never).
	base int
	max  int64
	out  chan<- []byte
	lim  *rate.Limiter

	seq     int64 // events queued
	skipped int64 // entries passed over by patterns
	// applied is the number of the last trigger this stream took; burst
	// is the pattern it follows now and left the events it still owes.
	applied int64
	burst   *pattern
	left    int
}

// run queues events until the dataset ends, ctx ends, the queue
// overflows (errSlow) or max events were queued (errMaxEvents).
func (pr *producer) run(ctx context.Context) error {
	h := pr.h
	pr.lim = rate.NewLimiter(rate.Limit(pr.base), pr.burstSize(pr.base))
	var enc ledger.EntryEncoder
	var msg []byte
	_, err := generate.Journal(ctx, generate.StreamOptions{Config: pr.plan.Config, Seed: pr.plan.Seed, Threads: 1}, func(b *ledger.Block) error {
		// Anomalies count when their block is queued.
		h.opts.Metrics.Anomalies.Add(b.Fraud)
		i := 0
		return enc.Encode(b, func(entry []byte) error {
			sum := b.Summary(i)
			i++
			pr.follow()
			pattern := ""
			if pr.burst != nil {
				if !pr.burst.match(&sum) {
					pr.skipped++
					return nil
				}
				pattern = pr.burst.name
			}
			if !h.waitRunning(ctx) {
				return context.Cause(ctx)
			}
			if err := pr.lim.Wait(ctx); err != nil {
				return context.Cause(ctx)
			}
			pr.seq++
			msg = appendEvent(msg[:0], pr.seq, time.Now(), &sum, pattern, entry)
			select {
			case pr.out <- append([]byte(nil), msg...):
				h.queued.Add(1)
			default:
				return errSlow
			}
			if pr.burst != nil {
				if pr.left--; pr.left == 0 {
					pr.setBurst(nil, 0)
				}
			}
			if pr.max > 0 && pr.seq >= pr.max {
				return errMaxEvents
			}
			return nil
		})
	})
	return err
}

// follow takes up a pattern triggered since the last entry.
func (pr *producer) follow() {
	t := pr.h.trig.Load()
	if t == nil || t.seq == pr.applied {
		return
	}
	pr.applied = t.seq
	pr.h.trigTaken.Store(true)
	pr.setBurst(t.pattern, t.events)
}

// setBurst starts following p for n events (nil: none), at the rate the
// pattern sets.
func (pr *producer) setBurst(p *pattern, n int) {
	pr.burst, pr.left = p, n
	r := pr.base
	if p != nil && p.multiplier != nil {
		mult := p.multiplier(&pr.plan.Config.Transactions.Seasonality)
		r = int(mult.MulDiv(int64(pr.base), 1))
		r = min(max(r, 1), pr.h.opts.MaxEventsPerSecond)
	}
	pr.lim.SetLimit(rate.Limit(r))
	pr.lim.SetBurst(pr.burstSize(r))
}

// burstSize is a tenth of a second's events, but never more than half the
// buffer: a burst alone must not make a prompt client look slow.
func (pr *producer) burstSize(perSecond int) int {
	return max(1, min(perSecond/10, pr.h.opts.Buffer/2))
}

// appendEvent appends one /ws/events message: DataSynth's event fields
// (sequence, timestamp, event_type, document_id, company_code, amount,
// is_anomaly), then this server's: type and seq (the same number as
// sequence), the pattern that chose the entry, if any, and data, the
// whole journal entry.
func appendEvent(dst []byte, seq int64, now time.Time, s *ledger.Summary, pattern string, entry []byte) []byte {
	dst = append(dst, `{"type":"journal_entry","seq":`...)
	dst = strconv.AppendInt(dst, seq, 10)
	dst = append(dst, `,"sequence":`...)
	dst = strconv.AppendInt(dst, seq, 10)
	dst = append(dst, `,"timestamp":"`...)
	dst = now.UTC().AppendFormat(dst, time.RFC3339Nano)
	dst = append(dst, `","event_type":"JournalEntry","document_id":"`...)
	dst = append(dst, s.DocumentID...)
	dst = append(dst, `","company_code":`...)
	dst = appendString(dst, s.CompanyCode)
	dst = append(dst, `,"amount":"`...)
	dst = append(dst, s.Amount...)
	dst = append(dst, `","is_anomaly":`...)
	dst = strconv.AppendBool(dst, s.IsFraud)
	if pattern != "" {
		dst = append(dst, `,"pattern":"`...)
		dst = append(dst, pattern...)
		dst = append(dst, '"')
	}
	dst = append(dst, `,"data":`...)
	dst = append(dst, entry...)
	return append(dst, '}')
}

func appendString(dst []byte, s string) []byte {
	b, _ := json.Marshal(s) // a string always encodes
	return append(dst, b...)
}

// multiplierOf returns the seasonality multiplier of a closing window.
func multiplierOf(season ledger.Season) func(*config.Seasonality) config.Decimal {
	return func(s *config.Seasonality) config.Decimal {
		switch season {
		case ledger.YearEnd:
			return s.YearEnd
		case ledger.QuarterEnd:
			return s.QuarterEnd
		}
		return s.MonthEnd
	}
}
