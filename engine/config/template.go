package config

import (
	"bytes"
	_ "embed"
	"text/template"
)

//go:embed demo.yaml
var demoYAML []byte

// DemoName is the name under which the embedded demo config is reported.
const DemoName = "demo.yaml (embedded)"

// Demo returns the embedded demo config.
func Demo() (*Config, error) { return Parse(DemoName, demoYAML) }

// DemoYAML returns the text of the embedded demo config.
func DemoYAML() []byte { return bytes.Clone(demoYAML) }

var initTemplate = template.Must(template.New("init").Parse(`# DataSynth generation config, written by ` + "`datasynth-data init`" + `.
# Every key is documented in docs/configuration.md. Check edits with
#   datasynth-data validate --config THIS_FILE
global:
  # The seed makes runs reproducible: same config + seed + generator version
  # gives byte-identical output. Keep it in version control with this file.
  seed: {{.Seed}}
  industry: {{.Industry}}       # one of: manufacturing, retail, financial_services, ...
  start_date: "2024-01-01"      # first posting day, YYYY-MM-DD
  period_months: 12             # 1..120
  group_currency: USD
  fiscal_year_months: 12        # fiscal periods per fiscal year, 1..12

companies:
  - code: "1000"
    name: {{.Name}}
    currency: USD
    country: US
    # ten_k | hundred_k | one_m | ten_m | hundred_m | {custom: N} entries a year
    annual_transaction_volume: {{.Volume}}
    volume_weight: 1.0

chart_of_accounts:
  complexity: {{.Complexity}}   # small (~100 accounts) | medium (~400) | large (~2,500)

output:
  output_directory: ./output
  formats: [csv]

fraud:
  enabled: true
  fraud_rate: 0.005             # share of journal entries that are fraudulent, 0..1

transactions:
  amounts:
    min_amount: 1.00
    max_amount: 1000000.00
  benford:
    enabled: true               # first digits of amounts follow Benford's law
  seasonality:
    month_end_factor: 2.5       # posting activity on the last business days of a month
    quarter_end_factor: 1.5
    year_end_factor: 3.0
    weekend_factor: 0.06        # weekend activity relative to a weekday
`))

// InitParams fills the init template.
type InitParams struct {
	Seed       uint64
	Industry   string
	Complexity string
}

// Template renders a commented starter config. The result always parses.
func Template(p InitParams) []byte {
	volume := map[string]string{"small": "ten_k", "medium": "hundred_k", "large": "one_m"}[p.Complexity]
	var b bytes.Buffer
	err := initTemplate.Execute(&b, map[string]any{
		"Seed": p.Seed, "Industry": p.Industry, "Complexity": p.Complexity, "Volume": volume,
		"Name": companyName(p.Industry),
	})
	if err != nil {
		panic("config: init template: " + err.Error())
	}
	return b.Bytes()
}

func companyName(industry string) string {
	names := map[string]string{
		"manufacturing":         "Northwind Manufacturing Inc.",
		"retail":                "Harbor Street Retail Inc.",
		"financial_services":    "Meridian Capital Partners Inc.",
		"healthcare":            "Riverside Health Systems Inc.",
		"technology":            "Brightline Software Inc.",
		"professional_services": "Keystone Advisory LLC",
		"energy":                "Summit Energy Corp.",
		"transportation":        "Bluewater Logistics Inc.",
		"real_estate":           "Cornerstone Properties Inc.",
		"telecommunications":    "Skyreach Communications Inc.",
	}
	return names[industry]
}
