package server

import (
	"encoding/json"
	"maps"
	"slices"
	"strings"
	"testing"
)

// flatRetail is a config in DataSynth's flat form with every key its
// Python wrapper writes (_config_to_server_payload): the wrapper always
// sends a numeric annual_transaction_volume of 10000.
const flatRetail = `{
  "industry": "retail",
  "start_date": "2024-01-01",
  "period_months": 6,
  "seed": 12345,
  "coa_complexity": "small",
  "companies": [
    {"code": "R100", "name": "Corner Shop Ltd", "currency": "GBP", "country": "GB", "annual_transaction_volume": 10000, "volume_weight": 1.0},
    {"code": "R200", "name": "Corner Shop BV", "currency": "EUR", "country": "NL", "annual_transaction_volume": 10000, "volume_weight": 0.5}
  ],
  "fraud_enabled": true,
  "fraud_rate": 0.05
}`

// Field names of DataSynth's GenerationConfigDto and CompanyConfigDto.
var (
	dtoFields     = []string{"coa_complexity", "companies", "fraud_enabled", "fraud_rate", "industry", "period_months", "seed", "start_date"}
	companyFields = []string{"annual_transaction_volume", "code", "country", "currency", "name", "volume_weight"}
)

func keys(m map[string]any) []string { return slices.Sorted(maps.Keys(m)) }

// wantConfigResponse checks that data is DataSynth's ConfigResponse: success,
// message, and a config with exactly its DTO's fields.
func wantConfigResponse(t *testing.T, data []byte) map[string]any {
	t.Helper()
	body := decode[map[string]any](t, data)
	if body["success"] != true || body["message"] == "" {
		t.Fatalf("success/message: %s", data)
	}
	cfg, ok := body["config"].(map[string]any)
	if !ok || !slices.Equal(keys(cfg), dtoFields) {
		t.Fatalf("config fields %v, want DataSynth's %v", keys(cfg), dtoFields)
	}
	for _, c := range cfg["companies"].([]any) {
		if got := keys(c.(map[string]any)); !slices.Equal(got, companyFields) {
			t.Fatalf("company fields %v, want DataSynth's %v", got, companyFields)
		}
	}
	return cfg
}

func TestFlatConfig(t *testing.T) {
	ts := start(t, Options{})
	post := func(body string) ([]byte, int) {
		resp, data := call(t, "POST", ts.url+"/api/config", body, "Content-Type", "application/json")
		return data, resp.StatusCode
	}
	data, status := post(flatRetail)
	if status != 200 {
		t.Fatalf("POST flat: %d %s", status, data)
	}
	cfg := wantConfigResponse(t, data)
	want := map[string]any{"industry": "retail", "start_date": "2024-01-01", "period_months": 6.0, "seed": 12345.0,
		"coa_complexity": "small", "fraud_enabled": true, "fraud_rate": 0.05}
	for k, v := range want {
		if cfg[k] != v {
			t.Errorf("config.%s = %v, want %v", k, cfg[k], v)
		}
	}
	c1 := cfg["companies"].([]any)[1].(map[string]any)
	if c1["code"] != "R200" || c1["currency"] != "EUR" || c1["annual_transaction_volume"] != 10000.0 || c1["volume_weight"] != 0.5 {
		t.Errorf("company 2: %v", c1)
	}
	v := decode[configBody](t, data)
	// 10,000 a year for 6 months, the second company at half weight.
	if v.TotalEntries != 7500 || v.Companies[1].Entries != 2500 || v.Source != "POST /api/config (DataSynth's flat form)" || v.ConfigHash == "" {
		t.Errorf("effective config: %+v", v)
	}
	for _, s := range []string{"custom: 10000", "fraud_rate: 0.05", "seed: 12345", "fraud_type_distribution:"} {
		if !strings.Contains(v.YAML, s) {
			t.Errorf("YAML lacks %q:\n%s", s, v.YAML)
		}
	}

	// GET answers in the same shape, and posting its config back changes
	// nothing.
	resp, got := call(t, "GET", ts.url+"/api/config", "")
	if resp.StatusCode != 200 {
		t.Fatalf("GET: %d", resp.StatusCode)
	}
	wantConfigResponse(t, got)
	back := decode[configBody](t, got)
	again, status := post(mustJSON(t, back.Config))
	if status != 200 || decode[configBody](t, again).ConfigHash != v.ConfigHash {
		t.Fatalf("round trip: %d %s", status, again)
	}

	// DataSynth's server reads names in any case and without underscores;
	// GET gives them back in the config file's spelling.
	data, status = post(strings.NewReplacer(`"retail"`, `"FinancialServices"`, `"small"`, `"Medium"`).Replace(flatRetail))
	if cfg := wantConfigResponse(t, data); status != 200 || cfg["industry"] != "financial_services" || cfg["coa_complexity"] != "medium" {
		t.Fatalf("names: %d %s", status, data)
	}

	// An empty companies list keeps the companies in use; a null seed
	// means none.
	data, status = post(`{"industry": "energy", "start_date": "2025-01-01", "period_months": 12, "seed": null,
	  "coa_complexity": "small", "companies": [], "fraud_enabled": false, "fraud_rate": 0}`)
	v = decode[configBody](t, data)
	if status != 200 || len(v.Companies) != 2 || v.Companies[0].Code != "R100" || v.Config.Seed != nil || v.ConfigHash != "" || v.TotalEntries != 15000 {
		t.Fatalf("empty companies, null seed: %d %s", status, data)
	}
}

// Other sections of the config in use stay when the flat form updates it.
func TestFlatConfigKeepsOtherSections(t *testing.T) {
	ts := start(t, Options{})
	custom := strings.Replace(twoCompanies, "output:\n  formats: [csv]\n", "output:\n  formats: [csv]\ntransactions:\n  amounts: {min_amount: 5, max_amount: 777}\n", 1)
	if resp, data := call(t, "POST", ts.url+"/api/config", custom, "Content-Type", "application/yaml"); resp.StatusCode != 200 {
		t.Fatalf("POST yaml: %s", data)
	}
	_, data := call(t, "POST", ts.url+"/api/config", flatRetail, "Content-Type", "application/json")
	if v := decode[configBody](t, data); !strings.Contains(v.YAML, "max_amount: 777") || v.Config.Industry != "retail" {
		t.Fatalf("transactions lost:\n%s", v.YAML)
	}
}

func TestFlatConfigErrors(t *testing.T) {
	ts := start(t, Options{})
	_, before := call(t, "GET", ts.url+"/api/config", "")
	edit := func(old, new string) string {
		if !strings.Contains(flatRetail, old) {
			t.Fatalf("flatRetail has no %q", old)
		}
		return strings.Replace(flatRetail, old, new, 1)
	}
	for _, tt := range []struct {
		name, body    string
		code, field   string
		msg           string // in the first problem, or in the message without problems
		moreProblems  []string
		problemsCount int
	}{
		{"industry", edit(`"retail"`, `"retial"`), "invalid_config", "industry", `"retial" is not allowed; did you mean "retail"?`, nil, 1},
		{"complexity", edit(`"small"`, `"huge"`), "invalid_config", "coa_complexity", `"huge" is not allowed`, nil, 1},
		{"period", edit(`"period_months": 6`, `"period_months": 0`), "invalid_config", "period_months", "0 is out of range 1..120", nil, 1},
		{"date", edit(`"2024-01-01"`, `"2024-13-01"`), "invalid_config", "start_date", "is not a date", nil, 1},
		{"rate", edit(`"fraud_rate": 0.05`, `"fraud_rate": 2`), "invalid_config", "fraud_rate", "out of range", nil, 1},
		{"currency", edit(`"EUR"`, `"eur"`), "invalid_config", "companies[1].currency", `did you mean "EUR"?`, nil, 1},
		{"volume", edit(`"annual_transaction_volume": 10000, "volume_weight": 0.5`, `"annual_transaction_volume": 0, "volume_weight": 0.5`),
			"invalid_config", "companies[1].annual_transaction_volume", "out of range", nil, 1},
		{"several at once", strings.NewReplacer(`"retail"`, `"retial"`, `"GB"`, `"Britain"`).Replace(flatRetail),
			"invalid_config", "industry", "did you mean", []string{"companies[0].country"}, 2},
		{"missing", `{"industry": "retail", "companies": []}`, "invalid_config", "start_date", "is required in DataSynth's flat form",
			[]string{"period_months", "coa_complexity", "fraud_enabled", "fraud_rate"}, 5},
		{"period type", edit(`"period_months": 6`, `"period_months": "6"`), "invalid_field", "period_months", "period_months must be a number, got a string", nil, 0},
		{"seed", edit(`"seed": 12345`, `"seed": -1`), "invalid_field", "seed", "seed must be a whole number from 0 to 18446744073709551615", nil, 0},
		{"unknown key", edit(`"seed": 12345`, `"seed": 12345, "sede": 1`), "unknown_field", "sede", `unknown field "sede"`, nil, 0},
		{"company key", edit(`"code": "R100"`, `"code": "R100", "cod": 1`), "unknown_field", "companies[0].cod", `companies[0]: unknown field "cod"`, nil, 0},
		{"company type", edit(`"code": "R100"`, `"code": 100`), "invalid_field", "companies[0].code", "companies[0]: code must be a string", nil, 0},
		{"company null", edit(`{"code": "R100"`, `null, {"code": "R100"`), "invalid_field", "companies[0]", "must be an object", nil, 0},
		{"duplicate", edit(`"seed": 12345`, `"seed": 12345, "seed": 1`), "duplicate_field", "seed", "given twice", nil, 0},
	} {
		t.Run(tt.name, func(t *testing.T) {
			resp, data := call(t, "POST", ts.url+"/api/config", tt.body, "Content-Type", "application/json")
			e := wantError(t, resp, data, 400, tt.code, tt.field)
			body := decode[map[string]any](t, data)
			if body["success"] != false || body["message"] != e.Error.Message {
				t.Errorf("DataSynth's success/message missing: %s", data)
			}
			if len(e.Error.Problems) != tt.problemsCount {
				t.Fatalf("%d problems, want %d: %s", len(e.Error.Problems), tt.problemsCount, data)
			}
			msg := e.Error.Message
			if tt.problemsCount > 0 {
				msg = e.Error.Problems[0].Message
				if e.Error.Problems[0].Line != 0 {
					t.Errorf("a problem of the flat form points into YAML the client never sent: %+v", e.Error.Problems[0])
				}
				var fields []string
				for _, p := range e.Error.Problems[1:] {
					fields = append(fields, p.Field)
				}
				if !slices.Equal(fields, tt.moreProblems) {
					t.Errorf("other problems on %v, want %v", fields, tt.moreProblems)
				}
			}
			if !strings.Contains(msg, tt.msg) {
				t.Errorf("message %q lacks %q", msg, tt.msg)
			}
		})
	}
	if _, after := call(t, "GET", ts.url+"/api/config", ""); decode[configBody](t, after).YAML != decode[configBody](t, before).YAML {
		t.Fatal("a refused config changed the config in use")
	}
	if n := ts.metrics.ReloadFailure.Load(); n == 0 {
		t.Error("refused flat configs not counted")
	}
}

func TestIsFlat(t *testing.T) {
	for body, want := range map[string]bool{
		flatRetail:                             true,
		`{"industry": "retail"}`:               true,
		`{"seed": 1, "companies": []}`:         true,
		`{"global": {}, "industry": "retail"}`: false, // mixed: a config file, whose parser names industry
		`{"companies": []}`:                    false,
		twoCompanies:                           false,
		`industry: retail`:                     false, // YAML is always a config file
		`[]`:                                   false,
		``:                                     false,
	} {
		if got := isFlat([]byte(body)); got != want {
			t.Errorf("isFlat(%.40q) = %v", body, got)
		}
	}
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
