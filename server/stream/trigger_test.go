package stream

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"datasynth.dev/engine/config"
	"datasynth.dev/server/bulk"
	"golang.org/x/time/rate"
)

func (hs *harness) trigger(t *testing.T, pattern string) (int, []byte) {
	t.Helper()
	resp, err := http.Post(hs.url+"/api/stream/trigger/"+pattern, "application/json", strings.NewReader("{}"))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, data
}

type errorAnswer struct {
	Success bool   `json:"success"`
	Message string `json:"message"`
	Error   struct {
		Code  string `json:"code"`
		Field string `json:"field"`
	} `json:"error"`
}

func TestTriggerRefusals(t *testing.T) {
	// The demo: three months from January, no fiscal year end, little fraud.
	hs := newHarness(t, Options{}, "")
	noFraud := newHarness(t, Options{}, strings.Replace(fraudYear, "enabled: true", "enabled: false", 1))
	for _, tt := range []struct {
		hs            *harness
		pattern       string
		status        int
		code, message string
	}{
		{hs, "month_end", 400, "unknown_pattern", `unknown pattern "month_end"; did you mean "period_end_spike"? (valid patterns: year_end_spike, period_end_spike, quarter_end_spike, holiday_cluster, fraud_cluster, uniform)`},
		{hs, "year_end", 400, "unknown_pattern", `did you mean "year_end_spike"?`},
		{hs, "surge", 400, "unknown_pattern", `unknown pattern "surge" (valid patterns:`},
		{hs, "fraud_clustr", 400, "unknown_pattern", `did you mean "fraud_cluster"?`},
		{hs, "error_cluster", 422, "pattern_unavailable", "injects fraud, not data-entry errors"},
		{hs, "custom:black_friday", 422, "pattern_unavailable", "defines no custom patterns"},
		{hs, "year_end_spike", 409, "pattern_unavailable", "no entry of the period 2024-01-01 to 2024-03-31 posts in such closing days"},
		{noFraud, "fraud_cluster", 409, "pattern_unavailable", `inject_anomalies": true`},
	} {
		code, data := tt.hs.trigger(t, tt.pattern)
		var e errorAnswer
		if code != tt.status || json.Unmarshal(data, &e) != nil || e.Success || e.Error.Code != tt.code || e.Error.Field != "pattern" || !strings.Contains(e.Message, tt.message) {
			t.Errorf("%s: %d %s", tt.pattern, code, data)
		}
	}
	if code, data := hs.trigger(t, "quarter_end_spike?burst=5"); code != 400 || !strings.Contains(string(data), `"unknown_field"`) {
		t.Errorf("unknown query parameter: %d %s", code, data)
	}
	hs.post(t, "stop", "")
	if code, data := hs.trigger(t, "quarter_end_spike"); code != 409 || !strings.Contains(string(data), "stream_stopped") {
		t.Errorf("trigger while stopped: %d %s", code, data)
	}
}

// A pattern makes an open stream send its next events from the matching
// entries, at the pattern's rate, marked with the pattern; the sequence
// goes on without a gap, and afterwards every entry comes again.
func TestTriggerOpenStream(t *testing.T) {
	hs := newHarness(t, Options{Buffer: 1024}, fraudYear)
	hs.post(t, "pause", "")
	c := hs.dial(t, "/ws/events?events_per_second=4000").Run()
	waitFor(t, "the producer to wait", func() bool { return hs.hub.parked.Load() == 1 })
	code, data := hs.trigger(t, "fraud_cluster?events=20")
	var tb triggerBody
	if err := json.Unmarshal(data, &tb); code != 200 || err != nil || !tb.Success || tb.Pattern != "fraud_cluster" || tb.Events != 20 ||
		!strings.Contains(tb.Message, "each of the 1 open event streams sends its next 20 events from fraudulent entries") {
		t.Fatalf("trigger: %d %s", code, data)
	}
	hs.post(t, "resume", "")
	// The entry the producer held when paused was chosen before the
	// trigger; the pattern starts with the next.
	var seq int64
	first, _ := next(t, c)
	seq = first.Sequence
	for range 20 {
		ev, _ := next(t, c)
		if seq++; ev.Sequence != seq || ev.Pattern != "fraud_cluster" || !ev.IsAnomaly {
			t.Fatalf("event %d under fraud_cluster: %+v", seq, ev)
		}
	}
	plain := 0
	for range 50 {
		ev, _ := next(t, c)
		if seq++; ev.Sequence != seq || ev.Pattern != "" {
			t.Fatalf("event %d after the burst: %+v", seq, ev)
		}
		if !ev.IsAnomaly {
			plain++
		}
	}
	if plain == 0 {
		t.Fatal("after the burst, still only fraud")
	}
}

// A pattern triggered while no stream is open goes to the first that
// opens; uniform ends a burst.
func TestTriggerBeforeStreamAndUniform(t *testing.T) {
	hs := newHarness(t, Options{Buffer: 1024}, fraudYear)
	code, data := hs.trigger(t, "year_end_spike?events=1000000")
	if code != 200 || !strings.Contains(string(data), "no event stream is open; the next to open sends 1000000 entries posted in the closing days of a fiscal year first") {
		t.Fatalf("trigger: %d %s", code, data)
	}
	c := hs.dial(t, "/ws/events?events_per_second=500").Run()
	for i := range 5 {
		ev, _ := next(t, c)
		day, err := time.Parse(time.DateOnly, ev.Data.PostingDate)
		// The last five days of December: month_end_lead_days is 5.
		if err != nil || ev.Pattern != "year_end_spike" || day.Month() != time.December || day.Day() < 27 {
			t.Fatalf("event %d: %+v", i, ev)
		}
	}
	// A second stream does not take a pattern the first one took.
	other := hs.dial(t, "/ws/events?events_per_second=500").Run()
	if ev, _ := next(t, other); ev.Pattern != "" {
		t.Fatalf("second stream: %+v", ev)
	}
	// The burst would last to the end of the dataset; uniform ends it.
	// Events queued before it keep their pattern; once a plain event
	// comes, every later one is plain.
	hs.post(t, "pause", "")
	waitFor(t, "the producers to wait", func() bool { return hs.hub.parked.Load() == 2 })
	if code, data := hs.trigger(t, "uniform"); code != 200 || !strings.Contains(string(data), `"pattern":"uniform"`) {
		t.Fatalf("uniform: %d %s", code, data)
	}
	hs.post(t, "resume", "")
	plain := 0
	for plain < 10 {
		ev, _ := next(t, c)
		switch {
		case ev.Pattern == "":
			plain++
		case plain > 0:
			t.Fatalf("a patterned event after uniform took effect: %+v", ev)
		}
	}
}

// A spike multiplies the stream's rate by the config's multiplier for its
// window; the end of the burst restores it.
func TestSpikeRate(t *testing.T) {
	cfg, err := config.Parse("t.yaml", []byte(fraudYear))
	if err != nil {
		t.Fatal(err)
	}
	s := &cfg.Transactions.Seasonality
	h := New(Options{MaxEventsPerSecond: 1000, Buffer: 64})
	pr := &producer{h: h, base: 50, lim: rate.NewLimiter(50, 5)}
	pr.plan = &bulk.Plan{Config: cfg}
	for _, p := range patterns {
		pr.setBurst(p, 3)
		want := 50.0
		if p.multiplier != nil {
			want = float64(p.multiplier(s).MulDiv(50, 1))
		}
		if float64(pr.lim.Limit()) != want {
			t.Errorf("%s: rate %v, want %v", p.name, pr.lim.Limit(), want)
		}
	}
	if s.YearEnd.MulDiv(50, 1) <= 50 {
		t.Fatalf("the config's year-end multiplier %s is no spike", s.YearEnd)
	}
	pr.setBurst(nil, 0)
	if pr.lim.Limit() != 50 {
		t.Fatalf("rate after the burst: %v", pr.lim.Limit())
	}
}
