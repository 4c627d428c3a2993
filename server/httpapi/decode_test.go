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
