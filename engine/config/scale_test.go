package config

import (
	"fmt"
	"strings"
	"testing"
)

func scaleConfig(t *testing.T, period int, volumes ...string) *Config {
	t.Helper()
	var b strings.Builder
	fmt.Fprintf(&b, "global: {seed: 1, industry: retail, start_date: \"2024-01-01\", period_months: %d}\ncompanies:\n", period)
	for i, v := range volumes {
		fmt.Fprintf(&b, "  - {code: C%d, name: N%d, currency: USD, country: US, annual_transaction_volume: %s}\n", i, i, v)
	}
	b.WriteString("chart_of_accounts: {complexity: small}\noutput: {formats: [csv]}\n")
	cfg, err := Parse("scale.yaml", []byte(b.String()))
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

func TestWithTotalEntries(t *testing.T) {
	tests := []struct {
		period  int
		volumes []string
		n       int64
		want    []int64
	}{
		{12, []string{"ten_k"}, 10_000, []int64{10_000}},
		{12, []string{"ten_k"}, 1, []int64{1}},
		{3, []string{"hundred_k"}, 1000, []int64{1000}},
		{12, []string{"ten_k", "{custom: 30000}"}, 1000, []int64{250, 750}},
		{12, []string{"ten_k", "ten_k", "ten_k"}, 10, []int64{4, 3, 3}},
		{12, []string{"ten_k", "hundred_k"}, 2, []int64{1, 1}},
		{24, []string{"ten_k"}, 1001, []int64{1001}},
		{120, []string{"ten_k"}, 123_457, []int64{123_457}},
		{7, []string{"one_m", "ten_k"}, 3_333_333, nil},
		{120, []string{"ten_m"}, 987_654_321, nil},
	}
	for _, tt := range tests {
		cfg := scaleConfig(t, tt.period, tt.volumes...)
		got, err := cfg.WithTotalEntries(tt.n)
		if err != nil {
			t.Fatalf("%d months %v to %d: %v", tt.period, tt.volumes, tt.n, err)
		}
		if got.TotalEntries() != tt.n {
			t.Errorf("%d months %v to %d: total %d", tt.period, tt.volumes, tt.n, got.TotalEntries())
		}
		for i, w := range tt.want {
			if e := got.Companies[i].Entries(tt.period); e != w {
				t.Errorf("%d months %v to %d: company %d gets %d, want %d", tt.period, tt.volumes, tt.n, i, e, w)
			}
		}
		// The original is untouched and the result survives a YAML round trip.
		if cfg.Companies[0].VolumeName == "custom" && cfg.Companies[0].AnnualVolume != 30000 {
			t.Fatal("original changed")
		}
		back, err := Parse("back.yaml", got.YAML())
		if err != nil {
			t.Fatalf("%v\n%s", err, got.YAML())
		}
		if back.Hash(5) != got.Hash(5) || back.TotalEntries() != tt.n {
			t.Errorf("%d months to %d: YAML round trip changed the config", tt.period, tt.n)
		}
	}
	if _, err := scaleConfig(t, 12, "ten_k", "ten_k").WithTotalEntries(1); err == nil {
		t.Error("1 entry for 2 companies: no error")
	}
}

func TestWithTotalEntriesExactForEveryPeriod(t *testing.T) {
	for p := 1; p <= 120; p++ {
		cfg := scaleConfig(t, p, "hundred_k", "{custom: 777}")
		for _, n := range []int64{2, 3, 999, 10_001, 1_234_567, 45_678_901} {
			got, err := cfg.WithTotalEntries(n)
			if err != nil {
				t.Fatalf("%d months, %d entries: %v", p, n, err)
			}
			if got.TotalEntries() != n {
				t.Fatalf("%d months, %d entries: got %d", p, n, got.TotalEntries())
			}
		}
	}
}

func TestYAMLRoundTrip(t *testing.T) {
	demo, err := Demo()
	if err != nil {
		t.Fatal(err)
	}
	cfgs := []*Config{demo, scaleConfig(t, 18, "ten_k", "{custom: 5}")}
	tricky, err := Parse("tricky.yaml", []byte(`global: {industry: energy, start_date: "2023-02-01", period_months: 5, fiscal_year_months: 6}
companies:
  - {code: "007", name: "Quote \" and: colon, # hash\nnewline", currency: JPY, country: JP, annual_transaction_volume: one_m, volume_weight: 0.125}
chart_of_accounts: {complexity: large}
output: {formats: [csv], output_directory: "/tmp/x y"}
fraud: {enabled: true, fraud_rate: 0.25}
transactions:
  amounts: {min_amount: 1.5, max_amount: 12345.678}
  benford: {enabled: false}
  seasonality: {month_end_multiplier: 1, quarter_end_spike: false, year_end_multiplier: 99.5, weekend_activity: 0.000001, month_end_lead_days: 0, day_of_week_patterns: false}
  source_distribution: {manual: 1, adjustment: 0.5}
  line_item_distribution: {two_items: 0.6, ten_to_ninety_nine: 1.5, thousand_plus: 0.000001}
`))
	if err != nil {
		t.Fatal(err)
	}
	cfgs = append(cfgs, tricky)
	weights, err := Parse("weights.yaml", []byte(`global: {industry: retail, start_date: "2024-03-01", seed: 3}
companies: [{code: "A,\"b", name: n, currency: KWD, country: KW, annual_transaction_volume: ten_k}]
chart_of_accounts: {complexity: small, industry_specific: false}
output: {formats: [csv, jsonl, json, parquet], compression: {algorithm: gzip, level: 9}}
fraud: {enabled: true, fraud_type_distribution: {duplicate_payment: 2}, approval_thresholds: [500, 100.5]}
transactions:
  line_item_weights: {2: 5, 3: 0, 9999: 1}
`))
	if err != nil {
		t.Fatal(err)
	}
	cfgs = append(cfgs, weights)
	for _, cfg := range cfgs {
		back, err := Parse("back.yaml", cfg.YAML())
		if err != nil {
			t.Fatalf("%s: %v\n%s", cfg.Source, err, cfg.YAML())
		}
		for _, seed := range []uint64{0, 42} {
			if back.Hash(seed) != cfg.Hash(seed) {
				t.Errorf("%s: hash changed\n%s\n%s", cfg.Source, cfg.Canonical(seed), back.Canonical(seed))
			}
		}
		if back.Global.HasSeed != cfg.Global.HasSeed || back.Global.Seed != cfg.Global.Seed {
			t.Errorf("%s: seed %d/%v, want %d/%v", cfg.Source, back.Global.Seed, back.Global.HasSeed, cfg.Global.Seed, cfg.Global.HasSeed)
		}
	}
}
