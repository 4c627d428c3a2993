package config

import (
	"bytes"
	_ "embed"
	"strings"
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
# Both datasynth-data and DataSynth read it. Every key is documented in
# docs/configuration.md; check edits with
#   datasynth-data validate -c THIS_FILE
global:
  # The seed makes runs reproducible: same config + seed + generator version
  # gives byte-identical output. Keep it in version control with this file.
  seed: {{.Seed}}
  industry: {{.Industry}}       # manufacturing, retail, financial_services, ...
  start_date: "2024-01-01"      # first posting day, YYYY-MM-DD
  period_months: 12             # 1..120
  group_currency: USD           # exchange_rate converts into it
  fiscal_year_months: 12        # fiscal periods per fiscal year, 1..12
  parallel: true                # threads change speed, never the output
  worker_threads: 0             # 0: one per CPU

companies:
  # ten_k | hundred_k | one_m | ten_m | hundred_m | {custom: N} entries a year
  - code: "1000"
    name: {{.Name}}
    currency: USD
    country: US
    annual_transaction_volume: ten_k
    volume_weight: 1.0
  - code: "2000"
    name: {{.Name2}}
    currency: EUR
    country: DE
    annual_transaction_volume: ten_k
    volume_weight: 1.0

chart_of_accounts:
  complexity: {{.Complexity}}   # small (~100 accounts) | medium (~400) | large (~2,500)
  industry_specific: true       # industry names for stock, revenue and cost accounts

output:
  output_directory: ./output
  formats: [csv]                # csv, json, json_lines (jsonl), parquet
  compression:
    enabled: false              # true: gzip or zstd files, compressed Parquet pages
    algorithm: zstd
    level: 3

fraud:
  enabled: true
  fraud_rate: 0.005             # share of journal entries that are fraudulent, 0..1
  fraud_type_distribution:      # relative shares
    suspense_account_abuse: 0.25
    fictitious_transaction: 0.15
    revenue_manipulation: 0.10
    expense_capitalization: 0.10
    split_transaction: 0.15
    timing_anomaly: 0.10
    unauthorized_access: 0.10
    duplicate_payment: 0.05
  approval_thresholds: [1000, 5000, 10000, 25000, 50000, 100000]

transactions:
  benford:
    enabled: true               # first digits of amounts follow Benford's law
  # Posting calendar and amount range: omitted sections keep the defaults
  # that both programs share. To change them, give the whole section, for
  # example:
  # seasonality:
  #   month_end_spike: true
  #   month_end_multiplier: 2.5
  #   month_end_lead_days: 5
  #   quarter_end_spike: true
  #   quarter_end_multiplier: 4.0
  #   year_end_spike: true
  #   year_end_multiplier: 6.0
  #   weekend_activity: 0.1
  #   holiday_activity: 0.05
  #   day_of_week_patterns: true
  #   monday_multiplier: 1.3
  #   tuesday_multiplier: 1.1
  #   wednesday_multiplier: 1.0
  #   thursday_multiplier: 1.0
  #   friday_multiplier: 0.85
`))

// InitParams fills the init template.
type InitParams struct {
	Seed       uint64
	Industry   string
	Complexity string
}

// Template renders a commented starter config. The result always parses.
func Template(p InitParams) []byte {
	var b bytes.Buffer
	name := companyName(p.Industry)
	err := initTemplate.Execute(&b, map[string]any{
		"Seed": p.Seed, "Industry": p.Industry, "Complexity": p.Complexity,
		"Name": name, "Name2": strings.Join(strings.Fields(name)[:len(strings.Fields(name))-1], " ") + " GmbH",
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
