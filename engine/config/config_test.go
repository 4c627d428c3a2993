package config

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
)

const base = `global:
  seed: 42
  industry: manufacturing
  start_date: "2024-01-01"
  period_months: 12
companies:
  - code: "1000"
    name: Test Co
    currency: USD
    country: US
    annual_transaction_volume: ten_k
chart_of_accounts:
  complexity: small
output:
  formats: [csv]
`

func TestParseValid(t *testing.T) {
	cfg, err := Parse("c.yaml", []byte(base))
	if err != nil {
		t.Fatal(err)
	}
	if !cfg.Global.HasSeed || cfg.Global.Seed != 42 || cfg.TotalEntries() != 10_000 {
		t.Fatalf("parsed %+v, %d entries", cfg.Global, cfg.TotalEntries())
	}
	if got := cfg.Global.EndDate().Format("2006-01-02"); got != "2024-12-31" {
		t.Fatalf("end date %s", got)
	}
}

// TestParseProblems checks each class of mistake: the message, the key path
// and the position, with every problem reported at once.
func TestParseProblems(t *testing.T) {
	for name, c := range map[string]struct {
		from, to string
		want     []string
	}{
		"unknown key with suggestion": {"  period_months: 12", "  period_month: 12",
			[]string{`c.yaml:5:3: global.period_month: unknown key; did you mean "period_months"?`}},
		"bad date": {`"2024-01-01"`, `"2024-13-01"`,
			[]string{`c.yaml:4:15: global.start_date: "2024-13-01" is not a date; write it as "YYYY-MM-DD"`}},
		"period zero": {"period_months: 12", "period_months: 0",
			[]string{"c.yaml:5:18: global.period_months: 0 is out of range 1..120"}},
		"period not a number": {"period_months: 12", "period_months: twelve",
			[]string{`global.period_months: "twelve" is not a whole number; allowed: 1..120`}},
		"no companies": {"companies:\n  - code: \"1000\"\n    name: Test Co\n    currency: USD\n    country: US\n    annual_transaction_volume: ten_k\n", "companies: []\n",
			[]string{"c.yaml:6:12: companies: needs at least one company"}},
		"bad volume": {"annual_transaction_volume: ten_k", "annual_transaction_volume: tenk",
			[]string{`companies[0].annual_transaction_volume: "tenk" is not a volume; did you mean "ten_k"?`}},
		"tagged custom volume zero": {"annual_transaction_volume: ten_k", "annual_transaction_volume: !custom 0",
			[]string{"companies[0].annual_transaction_volume: 0 is out of range 1..10000000000"}},
		"custom volume zero": {"annual_transaction_volume: ten_k", "annual_transaction_volume: {custom: 0}",
			[]string{"companies[0].annual_transaction_volume.custom: 0 is out of range 1..10000000000"}},
		"unknown industry": {"industry: manufacturing", "industry: manufactoring",
			[]string{`global.industry: "manufactoring" is not allowed; did you mean "manufacturing"?`}},
		"negative seed": {"seed: 42", "seed: -1",
			[]string{`global.seed: "-1" is not a whole number in 0..18446744073709551615`}},
		"missing section": {"chart_of_accounts:\n  complexity: small\n", "",
			[]string{"chart_of_accounts: is required but missing from (top level)"}},
		"unknown format": {"formats: [csv]", "formats: [csv, parket]",
			[]string{`output.formats[1]: "parket" is not allowed; did you mean "parquet"?`}},
		"unknown currency": {"currency: USD", "currency: usd",
			[]string{`companies[0].currency: "usd" is not an ISO 4217 currency code; did you mean "USD"?`}},
		"a format under both names": {"formats: [csv]", "formats: [csv, json_lines, jsonl]",
			[]string{`output.formats[2]: "jsonl" is "json_lines", listed already`}},
		"one bad share, no second complaint": {"output:", "fraud:\n  fraud_type_distribution: {duplicate_payment: -1}\noutput:",
			[]string{`fraud.fraud_type_distribution.duplicate_payment: `}},
		"empty country": {"country: US", `country: ""`,
			[]string{`companies[0].country: "" is not a two-letter ISO 3166 country code`}},
		"private-use country": {"country: US", "country: XX",
			[]string{`companies[0].country: "XX" is no country in ISO 3166; give a two-letter country code such as "US" or "DE"`}},
		"a union, not a country": {"country: US", "country: EU",
			[]string{`companies[0].country: "EU" is no country in ISO 3166`}},
		"reserved code of a country": {"country: US", "country: UK",
			[]string{`companies[0].country: "UK" is not the ISO 3166 code of a current country; did you mean "GB"?`}},
		"lower-case country": {"country: US", "country: de",
			[]string{`companies[0].country: "de" is not an ISO 3166 country code; did you mean "DE"?`}},
		"empty name": {"name: Test Co", `name: " "`,
			[]string{`companies[0].name: is empty; give the company's name`}},
		"code too long": {`code: "1000"`, `code: "12345678901234567890123456789012345678901"`,
			[]string{`companies[0].code: "12345678901234567890123456789012345678901" is 41 characters long; a company code has at most 40`}},
		"unknown key in an implemented section's ignored key": {"output:", "transactions:\n  even_odd_distribution: {evn: 1}\noutput:",
			[]string{`c.yaml:15:27: transactions.even_odd_distribution.evn: unknown key; did you mean "even"?`}},
		"renamed key": {"output:", "transactions:\n  seasonality: {month_end_factor: 2}\noutput:",
			[]string{`transactions.seasonality.month_end_factor: is now called "month_end_multiplier"`}},
		"duplicate key": {"  period_months: 12", "  period_months: 12\n  period_months: 6",
			[]string{"global.period_months: is given twice"}},
		"several at once": {"period_months: 12\ncompanies:", "period_months: 0\n  colour: red\ncompanies:",
			[]string{"global.period_months: 0 is out of range", "global.colour: unknown key"}},
		"yaml syntax": {"global:", "global: [",
			[]string{"(YAML syntax)"}},
		"weight zero entries": {"annual_transaction_volume: ten_k", "annual_transaction_volume: {custom: 1}\n    volume_weight: 0.5",
			[]string{"company 1000 gets 0 journal entries"}},
	} {
		t.Run(name, func(t *testing.T) {
			if !strings.Contains(base, c.from) {
				t.Fatalf("test setup: %q not in base config", c.from)
			}
			_, err := Parse("c.yaml", []byte(strings.Replace(base, c.from, c.to, 1)))
			ps, ok := err.(Problems)
			if !ok {
				t.Fatalf("error %v (%T), want Problems", err, err)
			}
			if len(ps) != len(c.want) {
				t.Fatalf("got %d problems, want %d:\n%v", len(ps), len(c.want), err)
			}
			for i, w := range c.want {
				if !strings.Contains(ps[i].String(), w) {
					t.Errorf("problem %d = %q, want it to contain %q", i, ps[i], w)
				}
			}
		})
	}
}

func TestUnimplementedSectionWarns(t *testing.T) {
	cfg, err := Parse("c.yaml", []byte(base+"intercompany:\n  enabled: true\n  markup_percent: 5\nbanking:\n  enabled: false\n  populaton: {}\n"))
	if err != nil {
		t.Fatal(err)
	}
	// One warning for the section; none for a section switched off; a key
	// that DataSynth does not define either (it ignores such keys) warns
	// inside a section that is ignored anyway.
	want := []string{
		"c.yaml:16:1: intercompany: this DataSynth section is not implemented by this generator and is ignored",
		`c.yaml:21:3: banking.populaton: not a DataSynth key: DataSynth ignores it without a word, and this generator ignores the whole section; did you mean "population"?`,
	}
	if len(cfg.Warnings) != len(want) {
		t.Fatalf("warnings = %v", cfg.Warnings)
	}
	for i, w := range want {
		if cfg.Warnings[i].String() != w {
			t.Errorf("warning %d = %q, want %q", i, cfg.Warnings[i], w)
		}
	}
	if _, err := Parse("c.yaml", []byte(base+"bankng:\n  enabled: true\n")); err == nil || !strings.Contains(err.Error(), `bankng: unknown key; did you mean "banking"?`) {
		t.Fatalf("unknown section: %v", err)
	}
}

// parseSection parses base with doc appended and checks what every
// section's table test checks: the warnings, the YAML round trip, and a
// hash that changes exactly when the parsed config differs from base's.
func parseSection(t *testing.T, doc string, warnings []string) *Config {
	t.Helper()
	cfg, err := Parse("c.yaml", []byte(base+doc))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, w := range cfg.Warnings {
		got = append(got, w.String())
	}
	if !slices.Equal(got, warnings) {
		t.Errorf("warnings:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(warnings, "\n"))
	}
	back, err := Parse("back.yaml", cfg.YAML())
	if err != nil || back.DocumentFlows != cfg.DocumentFlows || back.Balance != cfg.Balance || back.Hash(1) != cfg.Hash(1) {
		t.Errorf("YAML round trip: %v\n%s", err, cfg.YAML())
	}
	plain, _ := Parse("c.yaml", []byte(base))
	same := *cfg
	same.Warnings = nil
	if reflect.DeepEqual(&same, plain) != (cfg.Hash(1) == plain.Hash(1)) {
		t.Errorf("the hash does not follow the config")
	}
	return cfg
}

// TestDocumentFlows reads the document_flows keys that take effect, checks
// their ranges, and warns key by key about the rest.
func TestDocumentFlows(t *testing.T) {
	def := defaults().DocumentFlows
	for _, tt := range []struct {
		name, doc string
		want      func(f *DocumentFlows)
		warnings  []string
	}{
		{"absent", "", func(*DocumentFlows) {}, nil},
		{"switches", "document_flows:\n  p2p: {enabled: false}\n  o2c: {enabled: false}\n",
			func(f *DocumentFlows) { f.P2P.Enabled, f.O2C.Enabled = false, false }, nil},
		{"rates", `document_flows:
  p2p:
    partial_delivery_rate: 0.15
    payment_behavior: {late_payment_rate: 0.2, partial_payment_rate: 0, avg_days_until_remainder: 30}
  o2c:
    partial_shipment_rate: 1
    bad_debt_rate: 0.01
    late_payment_rate: 0.05
    payment_behavior: {partial_payments: {rate: 0.08, avg_days_until_remainder: 7}}
`, func(f *DocumentFlows) {
			f.P2P.Partial, f.P2P.Late, f.P2P.PartialPay, f.P2P.Remainder = Decimal{150_000}, Decimal{200_000}, Decimal{0}, Delay{15, 45, true}
			f.O2C.Partial, f.O2C.Unpaid, f.O2C.Late, f.O2C.PartialPay, f.O2C.Remainder = Decimal{MicroPerUnit}, Decimal{10_000}, Decimal{50_000}, Decimal{80_000}, Delay{4, 10, true}
		}, nil},
		{"delays", `document_flows:
  p2p: {average_po_to_gr_days: 14, average_gr_to_invoice_days: 5, average_invoice_to_payment_days: 30}
  o2c: {average_so_to_delivery_days: 0, average_delivery_to_invoice_days: 1, average_invoice_to_receipt_days: 365}
`, func(f *DocumentFlows) {
			f.P2P.ToReceipt, f.P2P.ToInvoice, f.P2P.PaymentDays, f.P2P.HasPaymentDays = Delay{7, 21, true}, Delay{3, 7, true}, 30, true
			f.O2C.ToReceipt, f.O2C.ToInvoice, f.O2C.PaymentDays, f.O2C.HasPaymentDays = Delay{0, 0, true}, Delay{1, 1, true}, 365, true
		}, nil},
		{"without effect", `document_flows:
  generate_document_references: false
  export_flow_graph: true
  p2p: {three_way_match_rate: 0.9, line_count_distribution: {min_lines: 1}, payment_behavior: {payment_correction_rate: 0.1}}
  o2c: {return_rate: 0.1, payment_behavior: {dunning: {enabled: true}, partial_payments: {percentage_distribution: {pay_50_percent: 1}}}}
`, func(*DocumentFlows) {}, []string{
			"c.yaml:17:3: document_flows.generate_document_references: accepted without effect: document_flows/document_references is always written",
			"c.yaml:18:3: document_flows.export_flow_graph: accepted without effect: no flow graph is exported",
			"c.yaml:19:9: document_flows.p2p.three_way_match_rate: accepted without effect: every vendor invoice matches its order and goods receipt",
			"c.yaml:19:36: document_flows.p2p.line_count_distribution: accepted without effect: each order holds one material",
			"c.yaml:19:96: document_flows.p2p.payment_behavior.payment_correction_rate: accepted without effect: payments are not corrected or reversed",
			"c.yaml:20:9: document_flows.o2c.return_rate: accepted without effect: goods are not returned",
			"c.yaml:20:46: document_flows.o2c.payment_behavior.dunning: accepted without effect: no dunning letters, charges or interest are generated",
			"c.yaml:20:91: document_flows.o2c.payment_behavior.partial_payments.percentage_distribution: accepted without effect: a first instalment is 50% to 75% of the invoice, uniformly",
		}},
		{"quiet when saying what is done", `document_flows:
  generate_document_references: true
  export_flow_graph: false
  o2c: {payment_behavior: {dunning: {enabled: false, level_1_days_overdue: 10}}}
`, func(*DocumentFlows) {}, nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			cfg := parseSection(t, tt.doc, tt.warnings)
			want := def
			tt.want(&want)
			if cfg.DocumentFlows != want {
				t.Errorf("document flows = %+v, want %+v", cfg.DocumentFlows, want)
			}
		})
	}
	for _, tt := range []struct{ doc, want string }{
		{"document_flows:\n  p2p:\n    partial_delivery_rate: 1.5\n", "c.yaml:18:28: document_flows.p2p.partial_delivery_rate: 1.5 is out of range 0..1"},
		{"document_flows:\n  o2c: {bad_debt_rate: -0.1}\n", "c.yaml:17:24: document_flows.o2c.bad_debt_rate: -0.1 is out of range 0..1"},
		{"document_flows:\n  o2c: {payment_behavior: {partial_payments: {rate: 2}}}\n", "document_flows.o2c.payment_behavior.partial_payments.rate: 2 is out of range 0..1"},
		{"document_flows:\n  p2p: {payment_behavior: {late_payment_rate: high}}\n", `document_flows.p2p.payment_behavior.late_payment_rate: "high" is not a decimal`},
		{"document_flows:\n  p2p: {average_po_to_gr_days: 400}\n", "c.yaml:17:32: document_flows.p2p.average_po_to_gr_days: 400 is out of range 0..365"},
		{"document_flows:\n  o2c: {average_invoice_to_receipt_days: -1}\n", "document_flows.o2c.average_invoice_to_receipt_days: -1 is out of range 0..365"},
		{"document_flows:\n  o2c: {average_so_to_delivery_days: 2.5}\n", `document_flows.o2c.average_so_to_delivery_days: "2.5" is not a whole number; allowed: 0..365`},
		{"document_flows:\n  p2p: {enabled: no}\n", `document_flows.p2p.enabled: "no" is not true or false`},
		{"document_flows:\n  p2p: {partial_delivery_rat: 0.1}\n", `document_flows.p2p.partial_delivery_rat: unknown key; did you mean "partial_delivery_rate"?`},
	} {
		if _, err := Parse("c.yaml", []byte(base+tt.doc)); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%q: %v, want %q", tt.doc, err, tt.want)
		}
	}
}

// TestBalance reads the balance keys, checks their ranges, and warns
// where a target has nothing to shape.
func TestBalance(t *testing.T) {
	def := defaults().Balance
	for _, tt := range []struct {
		name, doc string
		want      func(b *Balance)
		warnings  []string
	}{
		{"absent", "", func(*Balance) {}, nil},
		{"DataSynth's defaults but generate_opening_balances", `balance:
  generate_opening_balances: true
  generate_trial_balances: true
  validate_balance_equation: true
  reconcile_subledgers: true
`, func(*Balance) {}, nil},
		{"switches", `balance:
  generate_opening_balances: false
  generate_trial_balances: false
  validate_balance_equation: false
  reconcile_subledgers: false
`, func(b *Balance) {
			b.Opening, b.TrialBalances, b.ValidateEquation, b.ReconcileSubledgers = false, false, false, false
		}, nil},
		{"targets", `balance:
  target_dso_days: 90
  target_dpo_days: 0
  target_current_ratio: 1.5
  target_debt_to_equity: 0.5
`, func(b *Balance) {
			b.DSODays, b.HasDSO, b.DPODays, b.HasDPO = 90, true, 0, true
			b.CurrentRatio, b.HasCurrentRatio, b.DebtToEquity, b.HasDebtToEquity = Decimal{1_500_000}, true, Decimal{500_000}, true
		}, nil},
		{"gross margin says what it sizes", "balance:\n  target_gross_margin: 0.42\n",
			func(b *Balance) { b.GrossMargin, b.HasGrossMargin = Decimal{420_000}, true }, []string{
				"c.yaml:17:3: balance.target_gross_margin: sizes the opening balances only (their cost of sales, which sets opening inventory and payables); " +
					"the margin of the year's sales follows the materials' list prices and costs in master data",
			}},
		{"targets without opening balances", `balance:
  generate_opening_balances: false
  target_dso_days: 60
  target_debt_to_equity: 1
`, func(b *Balance) {
			b.Opening, b.DSODays, b.HasDSO, b.DebtToEquity, b.HasDebtToEquity = false, 60, true, Decimal{MicroPerUnit}, true
		}, []string{
			"c.yaml:18:3: balance.target_dso_days: accepted without effect: balance.generate_opening_balances is false, so the books open empty and no opening balance sheet is shaped",
			"c.yaml:19:3: balance.target_debt_to_equity: accepted without effect: balance.generate_opening_balances is false, so the books open empty and no opening balance sheet is shaped",
		}},
		{"days without their flow", `balance: {target_dso_days: 30, target_dpo_days: 20}
document_flows: {p2p: {enabled: false}, o2c: {enabled: false}}
`, func(b *Balance) { b.DSODays, b.HasDSO, b.DPODays, b.HasDPO = 30, true, 20, true }, []string{
			"c.yaml:16:11: balance.target_dso_days: accepted without effect: document_flows.o2c.enabled is false, so there are no receivables and they open at zero",
			"c.yaml:16:32: balance.target_dpo_days: accepted without effect: document_flows.p2p.enabled is false, so there are no payables and they open at zero",
		}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			cfg := parseSection(t, tt.doc, tt.warnings)
			want := def
			tt.want(&want)
			if cfg.Balance != want {
				t.Errorf("balance = %+v, want %+v", cfg.Balance, want)
			}
		})
	}
	for _, tt := range []struct{ doc, want string }{
		{"balance:\n  target_dso_days: 366\n", "c.yaml:17:20: balance.target_dso_days: 366 is out of range 0..365"},
		{"balance:\n  target_dpo_days: -5\n", "c.yaml:17:20: balance.target_dpo_days: -5 is out of range 0..365"},
		{"balance:\n  target_dso_days: 45.5\n", `balance.target_dso_days: "45.5" is not a whole number; allowed: 0..365`},
		{"balance:\n  target_gross_margin: 1.2\n", "c.yaml:17:24: balance.target_gross_margin: 1.2 is out of range 0..1"},
		{"balance:\n  target_gross_margin: -0.1\n", "balance.target_gross_margin: -0.1 is out of range 0..1"},
		{"balance:\n  target_current_ratio: 0\n", "c.yaml:17:25: balance.target_current_ratio: 0 is out of range 0.1..10"},
		{"balance:\n  target_current_ratio: 12\n", "balance.target_current_ratio: 12 is out of range 0.1..10"},
		{"balance:\n  target_debt_to_equity: 0\n", "c.yaml:17:26: balance.target_debt_to_equity: 0 is out of range 0.05..20"},
		{"balance:\n  target_debt_to_equity: 25\n", "balance.target_debt_to_equity: 25 is out of range 0.05..20"},
		{"balance:\n  target_debt_to_equity: lots\n", `balance.target_debt_to_equity: "lots" is not a decimal`},
		{"balance:\n  generate_trial_balances: no\n", `balance.generate_trial_balances: "no" is not true or false`},
		{"balance:\n  target_dso_day: 30\n", `balance.target_dso_day: unknown key; did you mean "target_dso_days"?`},
	} {
		if _, err := Parse("c.yaml", []byte(base+tt.doc)); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%q: %v, want %q", tt.doc, err, tt.want)
		}
	}
}

func TestHashIgnoresPresentation(t *testing.T) {
	a, _ := Parse("a.yaml", []byte(base))
	b, _ := Parse("b.yaml", []byte("# comment\n"+strings.Replace(base, "output:\n  formats: [csv]", "output:\n  output_directory: /elsewhere\n  formats: [csv]", 1)))
	if a.Hash(1) != b.Hash(1) {
		t.Fatal("hash depends on comments or the output directory")
	}
	if a.Hash(1) == a.Hash(2) {
		t.Fatal("hash ignores the seed")
	}
	c, _ := Parse("c.yaml", []byte(strings.Replace(base, "ten_k", "hundred_k", 1)))
	if a.Hash(1) == c.Hash(1) {
		t.Fatal("hash ignores the volume")
	}
}

func TestDecimal(t *testing.T) {
	for _, c := range []struct {
		in   string
		want int64
		ok   bool
	}{
		{"1", 1_000_000, true}, {"0.005", 5_000, true}, {"1e-3", 1_000, true}, {"2.5", 2_500_000, true},
		{"0.0000001", 0, false}, {"1/3", 0, false}, {"abc", 0, false},
	} {
		d, err := ParseDecimal(c.in)
		if (err == nil) != c.ok || d.Micro != c.want {
			t.Errorf("ParseDecimal(%q) = %d, %v", c.in, d.Micro, err)
		}
	}
	if s := (Decimal{2_500_000}).String(); s != "2.5" {
		t.Errorf("String = %q", s)
	}
	if got := (Decimal{500_000}).MulDiv(30_000*12, 12); got != 15_000 {
		t.Errorf("MulDiv = %d", got)
	}
}

func TestTemplateAndDemoParse(t *testing.T) {
	for _, ind := range Industries {
		for _, c := range Complexities {
			data := Template(InitParams{Seed: 9, Industry: ind, Complexity: c.Name})
			cfg, err := Parse("init.yaml", data)
			if err != nil {
				t.Fatalf("%s/%s: %v", ind, c.Name, err)
			}
			if len(cfg.Warnings) > 0 {
				t.Fatalf("%s/%s: init's config warns: %v", ind, c.Name, cfg.Warnings)
			}
			if problems := checkDataSynth(t, data); len(problems) > 0 {
				t.Fatalf("%s/%s: DataSynth would refuse init's config:\n%s", ind, c.Name, strings.Join(problems, "\n"))
			}
			if cfg.Global.Seed != 9 || cfg.Global.Industry != ind || cfg.ChartOfAccounts.Complexity != c.Name {
				t.Fatalf("%s/%s: template parsed to %+v", ind, c.Name, cfg.Global)
			}
		}
	}
	if _, err := Demo(); err != nil {
		t.Fatal(err)
	}
}

func TestSizeBound(t *testing.T) {
	big := filepath.Join(t.TempDir(), "big.yaml")
	data := append([]byte("# "), bytes.Repeat([]byte("x"), MaxSize)...)
	if err := os.WriteFile(big, data, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(big); !errors.Is(err, ErrTooLarge) {
		t.Fatalf("Load of %d bytes: %v", len(data), err)
	}
	if _, err := Parse("big.yaml", data); err == nil || !strings.Contains(err.Error(), "at most 1048576 bytes") {
		t.Fatalf("Parse of %d bytes: %v", len(data), err)
	}
	if _, err := ReadFile(big[:len(big)-5] + ".missing"); err == nil {
		t.Fatal("missing file read")
	}
	if _, err := Load("/dev/zero"); !errors.Is(err, ErrTooLarge) {
		t.Fatalf("Load(/dev/zero): %v", err)
	}
}

// TestHRPayroll: hr.payroll decides the payroll runs; its defaults leave
// the hash of a config without an hr section as it was, any other value
// changes it, and the YAML written back keeps it.
func TestHRPayroll(t *testing.T) {
	a, _ := Parse("a.yaml", []byte(base))
	b, err := Parse("b.yaml", []byte(base+"hr:\n  payroll:\n    pay_frequency: biweekly\n    tax_rates: {fica: 0.062}\n"))
	if err != nil {
		t.Fatal(err)
	}
	same, _ := Parse("s.yaml", []byte(base+"hr:\n  payroll:\n    enabled: true\n    pay_frequency: monthly\n"))
	if b.HR.PayFrequency != "biweekly" || b.HR.FICA.String() != "0.062" || !b.HR.Payroll {
		t.Fatalf("parsed %+v", b.HR)
	}
	if a.Hash(1) != same.Hash(1) || a.Hash(1) == b.Hash(1) {
		t.Fatal("the hash does not follow hr.payroll")
	}
	back, err := Parse("back.yaml", b.YAML())
	if err != nil || back.Hash(1) != b.Hash(1) {
		t.Fatalf("YAML round trip: %v", err)
	}
	for doc, want := range map[string]string{
		"hr:\n  payroll:\n    pay_frequency: fortnightly\n":          `hr.payroll.pay_frequency: "fortnightly" is not allowed`,
		"hr:\n  payroll:\n    tax_rates: {federal_effective: 0.9}\n": "federal_effective + state_effective + fica is 1.0265, more than all of gross pay",
	} {
		if _, err := Parse("c.yaml", []byte(base+doc)); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: %v, want %q", doc, err, want)
		}
	}
}

func TestMasterDataCounts(t *testing.T) {
	cfg, err := Parse("c.yaml", []byte(base+`master_data:
  vendors: {count: 5, generate_tax_ids: true}
  customers: {count: 999999}
  employees: {count: 1}
  fixed_assets: {count: 100000}
  cost_centers: {max_hierarchy_depth: 2}
`))
	if err != nil {
		t.Fatal(err)
	}
	want := MasterData{Vendors: 5, Customers: 999_999, Employees: 1, FixedAssets: 100_000}
	if cfg.MasterData != want {
		t.Errorf("master data = %+v, want %+v", cfg.MasterData, want)
	}
	var got []string
	for _, w := range cfg.Warnings {
		got = append(got, w.String())
	}
	wantWarnings := []string{
		"c.yaml:17:23: master_data.vendors.generate_tax_ids: accepted without effect: every vendor has a tax number of its country",
		"c.yaml:21:3: master_data.cost_centers: accepted without effect: cost centres follow chart_of_accounts.complexity",
	}
	if !slices.Equal(got, wantWarnings) {
		t.Errorf("warnings:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(wantWarnings, "\n"))
	}
	back, err := Parse("back.yaml", cfg.YAML())
	if err != nil || back.MasterData != cfg.MasterData || back.Hash(1) != cfg.Hash(1) {
		t.Errorf("YAML round trip: %v\n%s", err, cfg.YAML())
	}
	plain, err := Parse("plain.yaml", []byte(base))
	if err != nil {
		t.Fatal(err)
	}
	if plain.Hash(1) == cfg.Hash(1) {
		t.Error("the hash does not follow master_data counts")
	}
	// A section without counts keeps the volume's sizes and the hash of
	// a config without it.
	other, err := Parse("c.yaml", []byte(base+"master_data:\n  materials: {bom_percent: 0.2}\n"))
	if err != nil || other.MasterData != (MasterData{}) || other.Hash(1) != plain.Hash(1) {
		t.Errorf("master_data without counts: %v, %+v", err, other.MasterData)
	}

	for _, tt := range []struct{ doc, want string }{
		{"master_data:\n  vendors: {count: 0}\n", "c.yaml:17:20: master_data.vendors.count: 0 is out of range 1..999999"},
		{"master_data:\n  customers: {count: -3}\n", "c.yaml:17:22: master_data.customers.count: -3 is out of range 1..999999"},
		{"master_data:\n  materials: {count: 1000000}\n", "c.yaml:17:22: master_data.materials.count: 1000000 is out of range 1..999999"},
		{"master_data:\n  employees: {count: 100000}\n", "c.yaml:17:22: master_data.employees.count: 100000 is out of range 1..99999"},
		{"master_data:\n  fixed_assets: {count: 5000000000}\n", "c.yaml:17:25: master_data.fixed_assets.count: 5000000000 is out of range 1..100000"},
		{"master_data:\n  vendors: {count: 2.5}\n", `master_data.vendors.count: "2.5" is not a whole number; allowed: 1..999999`},
		{"master_data:\n  vendors: {cont: 5}\n", `master_data.vendors.cont: unknown key; did you mean "count"?`},
	} {
		if _, err := Parse("c.yaml", []byte(base+tt.doc)); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%q: %v, want %q", tt.doc, err, tt.want)
		}
	}
}

// TestTaggedCustomVolume: serde_yaml's tagged form of DataSynth's custom
// volume, `!custom N`, reads as {custom: N}.
func TestTaggedCustomVolume(t *testing.T) {
	cfg, err := Parse("c.yaml", []byte(strings.Replace(base, "annual_transaction_volume: ten_k", "annual_transaction_volume: !custom 1234", 1)))
	if err != nil {
		t.Fatal(err)
	}
	if c := cfg.Companies[0]; c.VolumeName != "custom" || c.AnnualVolume != 1234 {
		t.Fatalf("volume %q %d, want custom 1234", c.VolumeName, c.AnnualVolume)
	}
}

// TestLZ4WarnsEveryTextFormat: lz4 or snappy compress Parquet pages only,
// and the warning names every text format left uncompressed.
func TestLZ4WarnsEveryTextFormat(t *testing.T) {
	cfg, err := Parse("c.yaml", []byte(strings.Replace(base, "formats: [csv]", "formats: [csv, json, jsonl, parquet]\n  compression: lz4", 1)))
	if err != nil {
		t.Fatal(err)
	}
	if len(cfg.Warnings) != 1 || !strings.Contains(cfg.Warnings[0].String(), "csv, json, json_lines files are written uncompressed") {
		t.Fatalf("warnings = %v", cfg.Warnings)
	}
}

// TestShortFiscalYearsWarn: fiscal years shorter than twelve months that
// end in the same calendar year share a fiscal_year label, which the
// parser says; fiscal years that do not share one (six months over six,
// or twelve) draw no warning.
func TestShortFiscalYearsWarn(t *testing.T) {
	doc := func(start string, months, fy int) string {
		return fmt.Sprintf("global: {seed: 1, industry: retail, start_date: %q, period_months: %d, fiscal_year_months: %d}\n", start, months, fy) +
			"companies:\n  - {code: A1, name: A, currency: USD, country: US, annual_transaction_volume: ten_k}\n" +
			"chart_of_accounts: {complexity: small}\noutput: {formats: [csv]}\n"
	}
	for _, c := range []struct {
		start      string
		months, fy int
		want       string
	}{
		{"2024-01-01", 12, 6, "fiscal years of 6 months: the ones ending 2024-06-30 and 2024-12-31 both carry fiscal_year 2024"},
		{"2024-03-15", 24, 4, "fiscal years of 4 months: the ones ending 2024-06-30 and 2024-10-31 both carry fiscal_year 2024"},
		{"2024-01-01", 6, 6, ""},
		{"2024-07-01", 12, 6, ""},
		{"2024-01-01", 36, 12, ""},
	} {
		cfg, err := Parse("c.yaml", []byte(doc(c.start, c.months, c.fy)))
		if err != nil {
			t.Fatal(err)
		}
		var got string
		for _, w := range cfg.Warnings {
			got += w.String()
		}
		if (c.want == "") != (got == "") || !strings.Contains(got, c.want) || c.want != "" && !strings.Contains(got, "global.fiscal_year_months") {
			t.Errorf("%s, %d months, fiscal years of %d: warnings %q, want %q", c.start, c.months, c.fy, got, c.want)
		}
	}
}

// TestCountryCodes: the countries the master data has profiles for, their
// partner countries, and codes in general use without a profile (Hong
// Kong, Kosovo) are accepted; private-use codes, groupings and withdrawn
// or reserved codes are not.
func TestCountryCodes(t *testing.T) {
	for _, code := range strings.Fields("US CA MX BR GB DE FR NL CH IT ES JP CN IN AU AE AR KR NZ SG TW HK XK TR ZA AQ PS BQ CW SX SS RS ME") {
		if msg := countryProblem(code); msg != "" {
			t.Errorf("%s: %s", code, msg)
		}
	}
	for _, code := range strings.Fields("XX ZZ AA QM XA EU EZ UN EA IC AC CP DG TA UK DD ZR SU CS YU AN NT Us U1") {
		if countryProblem(code) == "" {
			t.Errorf("%s accepted as a country", code)
		}
	}
}
