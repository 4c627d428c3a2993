package stream

import (
	"encoding/json"
	"maps"
	"math/big"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
)

// fraudYear is a year of a company with much fraud: its streams hold
// every closing window and many fraudulent entries.
const fraudYear = `global: {seed: 11, industry: retail, start_date: "2024-01-01", period_months: 12}
companies:
  - {code: "R&1", name: Harbor, currency: EUR, country: DE, annual_transaction_volume: {custom: 30000}}
chart_of_accounts: {complexity: small}
output: {formats: [csv]}
fraud: {enabled: true, fraud_rate: 0.2}
`

// dsEvent is a /ws/events message: DataSynth's EventUpdate fields, then
// this server's.
type dsEvent struct {
	Sequence    int64  `json:"sequence"`
	Timestamp   string `json:"timestamp"`
	EventType   string `json:"event_type"`
	DocumentID  string `json:"document_id"`
	CompanyCode string `json:"company_code"`
	Amount      string `json:"amount"`
	IsAnomaly   bool   `json:"is_anomaly"`

	Type    string `json:"type"`
	Seq     int64  `json:"seq"`
	Pattern string `json:"pattern"`
	Data    struct {
		DocumentID  string `json:"document_id"`
		CompanyCode string `json:"company_code"`
		PostingDate string `json:"posting_date"`
		IsFraud     bool   `json:"is_fraud"`
		Lines       []struct {
			Debit string `json:"debit_amount"`
		} `json:"lines"`
	} `json:"data"`
}

func next(t *testing.T, c interface{ Next(*testing.T) []byte }) (dsEvent, map[string]any) {
	t.Helper()
	b := c.Next(t)
	var ev dsEvent
	var raw map[string]any
	if err := json.Unmarshal(b, &ev); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &raw); err != nil {
		t.Fatal(err)
	}
	return ev, raw
}

// TestEventFields checks every event of a stream against DataSynth's
// EventUpdate (field names and types) and against the entry it carries.
func TestEventFields(t *testing.T) {
	hs := newHarness(t, Options{Buffer: 1024}, fraudYear)
	c := hs.dial(t, "/ws/events?events_per_second=4000&max_events=400").Run()
	types := map[string]string{"sequence": "float64", "timestamp": "string", "event_type": "string", "document_id": "string",
		"company_code": "string", "amount": "string", "is_anomaly": "bool", "type": "string", "seq": "float64", "data": "map[string]interface {}"}
	anomalies := 0
	for i := int64(1); i <= 400; i++ {
		ev, raw := next(t, c)
		if got := slices.Sorted(maps.Keys(raw)); !slices.Equal(got, slices.Sorted(maps.Keys(types))) {
			t.Fatalf("event fields %v", got)
		}
		for k, want := range types {
			if got := typeName(raw[k]); got != want {
				t.Fatalf("%s is %s, want %s", k, got, want)
			}
		}
		debit := new(big.Rat)
		for _, ln := range ev.Data.Lines {
			r, _ := new(big.Rat).SetString(ln.Debit)
			debit.Add(debit, r)
		}
		amount, ok := new(big.Rat).SetString(ev.Amount)
		if _, err := time.Parse(time.RFC3339Nano, ev.Timestamp); err != nil || !ok || amount.Cmp(debit) != 0 ||
			ev.Sequence != i || ev.Seq != i || ev.EventType != "JournalEntry" || ev.Type != "journal_entry" ||
			ev.DocumentID != ev.Data.DocumentID || ev.CompanyCode != "R&1" || ev.IsAnomaly != ev.Data.IsFraud {
			t.Fatalf("event %d: %+v", i, ev)
		}
		if ev.IsAnomaly {
			anomalies++
		}
	}
	if anomalies == 0 {
		t.Fatal("no anomaly in 400 events at a fraud rate of 0.2")
	}
	if ce, n := c.Closed(t); ce.Code != websocket.StatusNormalClosure || ce.Reason != "max_events reached: 400 events sent" || n != 0 {
		t.Fatalf("close %v after %d more", ce, n)
	}
}

func typeName(v any) string {
	switch v.(type) {
	case float64:
		return "float64"
	case string:
		return "string"
	case bool:
		return "bool"
	case map[string]any:
		return "map[string]interface {}"
	}
	return "other"
}

// POST /api/stream/start takes DataSynth's StreamRequest; its settings
// apply to the streams opened after it.
func TestStartSettings(t *testing.T) {
	noFraud := strings.Replace(fraudYear, "enabled: true", "enabled: false", 1)
	hs := newHarness(t, Options{MaxEventsPerSecond: 40_000, Buffer: 1024}, noFraud)
	for body, field := range map[string]string{
		`{"events_per_second": 0}`:      "events_per_second",
		`{"events_per_second": 40001}`:  "events_per_second",
		`{"events_per_second": "fast"}`: "events_per_second",
		`{"max_events": -1}`:            "max_events",
		`{"inject_anomalies": "yes"}`:   "inject_anomalies",
		`{"entry_count": 5}`:            "entry_count",
	} {
		code, data := hs.post(t, "start", body)
		var e struct {
			Success bool `json:"success"`
			Error   struct {
				Field string `json:"field"`
			} `json:"error"`
		}
		if code != 400 || json.Unmarshal(data, &e) != nil || e.Success || e.Error.Field != field {
			t.Errorf("%s: %d %s", body, code, data)
		}
	}

	count := func(path string) (events, anomalies int) {
		c := hs.dial(t, path).Run()
		for {
			select {
			case b, ok := <-c.Msgs:
				if !ok {
					return
				}
				var ev dsEvent
				if err := json.Unmarshal(b, &ev); err != nil {
					t.Fatal(err)
				}
				events++
				if ev.IsAnomaly {
					anomalies++
				}
			case <-time.After(guardWait):
				t.Fatal("stream did not end")
			}
		}
	}
	if n, a := count("/ws/events?events_per_second=4000&max_events=300"); n != 300 || a != 0 {
		t.Fatalf("before start: %d events, %d anomalies", n, a)
	}
	code, data := hs.post(t, "start", `{"events_per_second": 4000, "max_events": 300, "inject_anomalies": true}`)
	var st controlBody
	if err := json.Unmarshal(data, &st); code != 200 || err != nil || !st.Success || st.Message == "" ||
		st.Settings.Rate != 4000 || st.Settings.MaxEvents != 300 || st.Settings.Inject == nil || !*st.Settings.Inject {
		t.Fatalf("start: %d %s", code, data)
	}
	if n, a := count("/ws/events"); n != 300 || a == 0 {
		t.Fatalf("after start: %d events, %d anomalies", n, a)
	}
	// A stream's own parameters win.
	if n, _ := count("/ws/events?max_events=7"); n != 7 {
		t.Fatalf("max_events=7: %d events", n)
	}
}

// guardWait bounds a wait in these tests; it guards against a hang.
const guardWait = 30 * time.Second
