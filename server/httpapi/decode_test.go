package httpapi

import (
	"net/http/httptest"
	"strings"
	"testing"
)

func TestDecodeJSON(t *testing.T) {
	type body struct {
		Count *int64  `json:"entry_count"`
		Seed  *uint64 `json:"seed"`
	}
	for _, tt := range []struct {
		name, in    string
		code, field string // "" code: accepted
	}{
		{"empty", "", "", ""},
		{"object", `{"entry_count": 5, "seed": 1}`, "", ""},
		{"duplicate", `{"entry_count": 5, "entry_count": 6}`, "duplicate_field", "entry_count"},
		{"duplicate after others", `{"seed": 1, "entry_count": 5, "seed": 1}`, "duplicate_field", "seed"},
		{"other case", `{"Entry_Count": 5}`, "unknown_field", "Entry_Count"},
		{"unknown", `{"entries": 5}`, "unknown_field", "entries"},
		{"array", `[1]`, "malformed_json", ""},
		{"string", `"x"`, "malformed_json", ""},
		{"trailing", `{"seed": 1} {}`, "malformed_json", ""},
		{"cut", `{"seed": 1`, "malformed_json", ""},
		{"syntax", `{"seed": 1,}`, "malformed_json", ""},
		{"type", `{"seed": "one"}`, "invalid_field", "seed"},
		{"nested duplicate is a type error", `{"seed": {"a": 1, "a": 2}}`, "invalid_field", "seed"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var b body
			e := DecodeJSON(httptest.NewRequest("POST", "/", strings.NewReader(tt.in)), &b)
			switch {
			case tt.code == "" && e != nil:
				t.Fatalf("refused: %v", e)
			case tt.code != "" && (e == nil || e.Body.Code != tt.code || e.Body.Field != tt.field || e.Status != 400):
				t.Fatalf("got %+v, want %s on %q", e, tt.code, tt.field)
			case e != nil && tt.code == "duplicate_field" && !strings.Contains(e.Body.Message, `"`+tt.field+`" is given twice`):
				t.Fatalf("message %q", e.Body.Message)
			}
		})
	}
}

func TestNumber(t *testing.T) {
	type body struct {
		Rate   *Number `json:"fraud_rate"`
		Weight Number  `json:"volume_weight"`
	}
	for _, tt := range []struct {
		in, want, field, msg string
	}{
		{`{"fraud_rate": 0.050}`, "0.050", "", ""},
		{`{"fraud_rate": 1e-2}`, "1e-2", "", ""},
		{`{"fraud_rate": "0.05"}`, "", "fraud_rate", "fraud_rate must be a number, got a string"},
		{`{"fraud_rate": true}`, "", "fraud_rate", "fraud_rate must be a number, got a boolean"},
		{`{"fraud_rate": {}}`, "", "fraud_rate", "fraud_rate must be a number, got an object"},
		{`{"volume_weight": null}`, "", "volume_weight", "volume_weight must be a number, got null"},
	} {
		var b body
		e := DecodeJSONBytes([]byte(tt.in), &b)
		switch {
		case tt.field == "" && (e != nil || b.Rate == nil || string(*b.Rate) != tt.want):
			t.Errorf("%s: got %v, %v", tt.in, b.Rate, e)
		case tt.field != "" && (e == nil || e.Body.Field != tt.field || e.Body.Message != tt.msg):
			t.Errorf("%s: got %+v, want %q on %s", tt.in, e, tt.msg, tt.field)
		}
	}
}

func TestWithin(t *testing.T) {
	type company struct {
		Code string `json:"code"`
	}
	e := DecodeJSONBytes([]byte(`{"code": 1}`), &company{}).Within("companies[2]")
	if e.Body.Field != "companies[2].code" || !strings.HasPrefix(e.Body.Message, "companies[2]: code must be a string") {
		t.Fatalf("got %+v", e.Body)
	}
	e = DecodeJSONBytes([]byte(`[]`), &company{}).Within("companies[0]")
	if e.Body.Field != "companies[0]" {
		t.Fatalf("got %+v", e.Body)
	}
}
