package server

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"datasynth.dev/engine/config"
	"datasynth.dev/server/httpapi"
	"gopkg.in/yaml.v3"
)

// DataSynth's server takes and gives a config in a flat form of its own
// (GenerationConfigDto in its REST routes), and its Python wrapper sends
// that form from POST /api/config. This file reads that form into an
// ordinary config and writes a config in it.
//
// The flat form updates the config in use, as DataSynth's does: the keys
// it carries replace global.industry, start_date, period_months and seed,
// chart_of_accounts.complexity, fraud.enabled and fraud.fraud_rate, and
// the companies (an empty list keeps the companies in use); every other
// section stays. The result is checked by config.Parse, the same code as
// any config file, and a problem is reported under the flat form's own
// field name (coa_complexity, companies[1].currency).

// flatOnlyKeys are the keys of the flat form that no config file has at
// its top level. companies is in both.
var flatOnlyKeys = []string{"industry", "start_date", "period_months", "seed", "coa_complexity", "fraud_enabled", "fraud_rate"}

// isFlat tells the flat form from a config file's content: a JSON object
// without a "global" key that has at least one of flatOnlyKeys. A config
// file always has global (it is required), and the flat form never has
// it; a body that is not a JSON object is YAML, which only config files
// are. A body that mixes the two forms is read as a config file, whose
// parser then names the flat keys as unknown.
func isFlat(data []byte) bool {
	var top map[string]json.RawMessage
	if json.Unmarshal(data, &top) != nil {
		return false
	}
	if _, ok := top["global"]; ok {
		return false
	}
	for _, k := range flatOnlyKeys {
		if _, ok := top[k]; ok {
			return true
		}
	}
	return false
}

// flatConfig is a request in the flat form. Pointers tell a missing key
// from a zero value; numbers stay as written so that the config parser
// judges them exactly as it judges a file.
type flatConfig struct {
	Industry      *string            `json:"industry"`
	StartDate     *string            `json:"start_date"`
	PeriodMonths  *httpapi.Number    `json:"period_months"`
	Seed          *uint64            `json:"seed"`
	CoaComplexity *string            `json:"coa_complexity"`
	Companies     *[]json.RawMessage `json:"companies"`
	FraudEnabled  *bool              `json:"fraud_enabled"`
	FraudRate     *httpapi.Number    `json:"fraud_rate"`
}

// flatCompany is one company of the flat form. DataSynth gives its
// annual volume as a count; it becomes {custom: N}.
type flatCompany struct {
	Code                    *string         `json:"code"`
	Name                    *string         `json:"name"`
	Currency                *string         `json:"currency"`
	Country                 *string         `json:"country"`
	AnnualTransactionVolume *httpapi.Number `json:"annual_transaction_volume"`
	VolumeWeight            *httpapi.Number `json:"volume_weight"`
}

// flatView is a config in the flat form, as GET /api/config answers it.
// Posting it back changes nothing.
type flatView struct {
	Industry      string            `json:"industry"`
	StartDate     string            `json:"start_date"`
	PeriodMonths  int               `json:"period_months"`
	Seed          *uint64           `json:"seed"`
	CoaComplexity string            `json:"coa_complexity"`
	Companies     []flatCompanyView `json:"companies"`
	FraudEnabled  bool              `json:"fraud_enabled"`
	FraudRate     json.Number       `json:"fraud_rate"`
}

type flatCompanyView struct {
	Code                    string      `json:"code"`
	Name                    string      `json:"name"`
	Currency                string      `json:"currency"`
	Country                 string      `json:"country"`
	AnnualTransactionVolume int64       `json:"annual_transaction_volume"`
	VolumeWeight            json.Number `json:"volume_weight"`
}

func flatViewOf(c *config.Config) flatView {
	v := flatView{
		Industry: c.Global.Industry, StartDate: c.Global.StartDate.Format(time.DateOnly), PeriodMonths: c.Global.PeriodMonths,
		CoaComplexity: c.ChartOfAccounts.Complexity, FraudEnabled: c.Fraud.Enabled, FraudRate: json.Number(c.Fraud.Rate.String()),
		Companies: make([]flatCompanyView, 0, len(c.Companies)),
	}
	if c.Global.HasSeed {
		seed := c.Global.Seed
		v.Seed = &seed
	}
	for _, co := range c.Companies {
		v.Companies = append(v.Companies, flatCompanyView{
			Code: co.Code, Name: co.Name, Currency: co.Currency, Country: co.Country,
			AnnualTransactionVolume: co.AnnualVolume, VolumeWeight: json.Number(co.VolumeWeight.String()),
		})
	}
	return v
}

// flatSource names a config read from the flat form in messages.
const flatSource = "request body (DataSynth's flat form)"

// flatPaths maps the config keys the flat form sets to its field names.
var flatPaths = map[string]string{
	"global.industry":              "industry",
	"global.start_date":            "start_date",
	"global.period_months":         "period_months",
	"global.seed":                  "seed",
	"chart_of_accounts.complexity": "coa_complexity",
	"fraud.enabled":                "fraud_enabled",
	"fraud.fraud_rate":             "fraud_rate",
}

// fromFlat reads a body in the flat form into a config: the config in use
// (the embedded demo config when none is loaded) with the body's keys
// applied. It returns the config and its YAML, or a 400 that names every
// problem by its flat field name; nothing is changed then.
func (s *Server) fromFlat(data []byte) (*config.Config, []byte, *httpapi.RequestError) {
	var f flatConfig
	if e := httpapi.DecodeJSONBytes(data, &f); e != nil {
		return nil, nil, e
	}
	companies := make([]flatCompany, 0)
	if f.Companies != nil {
		for i, raw := range *f.Companies {
			at := fmt.Sprintf("companies[%d]", i)
			if !bytes.HasPrefix(bytes.TrimSpace(raw), []byte("{")) {
				return nil, nil, httpapi.BadRequest("invalid_field", at, "%s must be an object with code, name, currency, country, annual_transaction_volume and volume_weight, got %s", at, raw)
			}
			var c flatCompany
			if e := httpapi.DecodeJSONBytes(raw, &c); e != nil {
				return nil, nil, e.Within(at)
			}
			companies = append(companies, c)
		}
	}
	var missing []httpapi.Problem
	for _, m := range []struct {
		name  string
		given bool
	}{
		{"industry", f.Industry != nil}, {"start_date", f.StartDate != nil}, {"period_months", f.PeriodMonths != nil},
		{"coa_complexity", f.CoaComplexity != nil}, {"companies", f.Companies != nil},
		{"fraud_enabled", f.FraudEnabled != nil}, {"fraud_rate", f.FraudRate != nil},
	} {
		if !m.given {
			missing = append(missing, httpapi.Problem{Field: m.name, Message: "is required in DataSynth's flat form but missing",
				Text: m.name + ": is required in DataSynth's flat form but missing"})
		}
	}
	if len(missing) > 0 {
		return nil, nil, &httpapi.RequestError{Status: http.StatusBadRequest, Body: httpapi.Error{Code: "invalid_config", Field: missing[0].Field,
			Message:  fmt.Sprintf("%d problem(s) in the config; nothing was changed", len(missing)),
			Problems: missing}}
	}

	base := s.config()
	if base == nil {
		demo, err := config.Demo()
		if err != nil {
			return nil, nil, &httpapi.RequestError{Status: http.StatusInternalServerError, Body: httpapi.Error{Code: "internal", Message: httpapi.MsgInternal}}
		}
		base = demo
	}
	text, err := f.apply(base.YAML(), companies)
	if err != nil {
		s.log.Error("flat config: editing the YAML of the config in use failed", "error", err)
		return nil, nil, &httpapi.RequestError{Status: http.StatusInternalServerError, Body: httpapi.Error{Code: "internal", Message: httpapi.MsgInternal}}
	}
	cfg, err := config.Parse(flatSource, text)
	if err != nil {
		e := httpapi.ConfigError(flatProblems(err), "invalid_config")
		return nil, nil, &httpapi.RequestError{Status: http.StatusBadRequest, Body: e}
	}
	return cfg, text, nil
}

// flatProblems renames the problems of a config read from the flat form
// to the flat form's fields; a line and column would point into YAML the
// client never saw, so they go.
func flatProblems(err error) error {
	ps, ok := err.(config.Problems)
	if !ok {
		return err
	}
	out := make(config.Problems, len(ps))
	for i, p := range ps {
		p.Line, p.Col = 0, 0
		if name, ok := flatPaths[p.Path]; ok {
			p.Path = name
		} else if strings.HasPrefix(p.Path, "companies[") {
			p.Path = strings.TrimSuffix(p.Path, ".custom")
		}
		out[i] = p
	}
	return out
}

// apply sets the flat form's keys in the YAML of a config and returns the
// new YAML.
func (f *flatConfig) apply(base []byte, companies []flatCompany) ([]byte, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(base, &doc); err != nil {
		return nil, err
	}
	if doc.Kind != yaml.DocumentNode || len(doc.Content) != 1 {
		return nil, fmt.Errorf("the config's YAML is not one document")
	}
	root := doc.Content[0]
	global, chart, fraud := section(root, "global"), section(root, "chart_of_accounts"), section(root, "fraud")
	set(global, "industry", str(names(*f.Industry, config.Industries)))
	set(global, "start_date", str(*f.StartDate))
	set(global, "period_months", number(*f.PeriodMonths))
	if f.Seed != nil {
		set(global, "seed", &yaml.Node{Kind: yaml.ScalarNode, Value: strconv.FormatUint(*f.Seed, 10)})
	} else {
		unset(global, "seed")
	}
	set(chart, "complexity", str(strings.ToLower(*f.CoaComplexity)))
	set(fraud, "enabled", &yaml.Node{Kind: yaml.ScalarNode, Value: strconv.FormatBool(*f.FraudEnabled)})
	set(fraud, "fraud_rate", number(*f.FraudRate))
	if len(companies) > 0 {
		list := &yaml.Node{Kind: yaml.SequenceNode}
		for _, c := range companies {
			m := &yaml.Node{Kind: yaml.MappingNode}
			for _, kv := range []struct {
				key string
				v   *yaml.Node
			}{
				{"code", strPtr(c.Code)}, {"name", strPtr(c.Name)}, {"currency", strPtr(c.Currency)}, {"country", strPtr(c.Country)},
				{"annual_transaction_volume", custom(c.AnnualTransactionVolume)}, {"volume_weight", numberPtr(c.VolumeWeight)},
			} {
				if kv.v != nil {
					set(m, kv.key, kv.v)
				}
			}
			list.Content = append(list.Content, m)
		}
		set(root, "companies", list)
	}
	return yaml.Marshal(&doc)
}

// names reads an industry as DataSynth's server does: in any case, and
// with or without underscores (FinancialServices, financialservices).
func names(s string, allowed []string) string {
	folded := strings.ToLower(s)
	for _, a := range allowed {
		if folded == a || folded == strings.ReplaceAll(a, "_", "") {
			return a
		}
	}
	return s
}

// section returns the mapping under key in m, made when missing.
func section(m *yaml.Node, key string) *yaml.Node {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return m.Content[i+1]
		}
	}
	n := &yaml.Node{Kind: yaml.MappingNode}
	set(m, key, n)
	return n
}

func set(m *yaml.Node, key string, v *yaml.Node) {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			m.Content[i+1] = v
			return
		}
	}
	m.Content = append(m.Content, str(key), v)
}

func unset(m *yaml.Node, key string) {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			m.Content = slices.Delete(m.Content, i, i+2)
			return
		}
	}
}

// str is a string scalar, quoted when YAML would read it as another type.
func str(s string) *yaml.Node { return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: s} }

func strPtr(s *string) *yaml.Node {
	if s == nil {
		return nil
	}
	return str(*s)
}

// number is a number as the client wrote it; YAML resolves its type, so
// the parser judges 12, 12.0 and 1e3 as it would in a file.
func number(n httpapi.Number) *yaml.Node {
	return &yaml.Node{Kind: yaml.ScalarNode, Value: string(n)}
}

func numberPtr(n *httpapi.Number) *yaml.Node {
	if n == nil {
		return nil
	}
	return number(*n)
}

func custom(n *httpapi.Number) *yaml.Node {
	if n == nil {
		return nil
	}
	return &yaml.Node{Kind: yaml.MappingNode, Content: []*yaml.Node{str("custom"), number(*n)}}
}
