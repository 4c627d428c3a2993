package bulk

import (
	"context"
	"io/fs"
	"path/filepath"
	"testing"

	"datasynth.dev/engine/config"
	"datasynth.dev/engine/generate"
)

// The estimate of a dataset's size is never below what generate.Run
// writes, and not far above it, for configs of different shapes.
func TestEstimate(t *testing.T) {
	demo, err := config.Demo()
	if err != nil {
		t.Fatal(err)
	}
	multi, err := config.Parse("multi.yaml", []byte(`global: {seed: 3, industry: financial_services, start_date: "2024-01-01", period_months: 14}
companies:
  - {code: A1, name: Alpha, currency: EUR, country: DE, annual_transaction_volume: ten_k}
  - {code: B2, name: Beta, currency: USD, country: US, annual_transaction_volume: {custom: 4000}, volume_weight: 0.3}
chart_of_accounts: {complexity: large}
output: {formats: [csv]}
fraud: {enabled: true, fraud_rate: 0.05}
`))
	if err != nil {
		t.Fatal(err)
	}
	for name, cfg := range map[string]*config.Config{"demo": demo, "multi": multi} {
		t.Run(name, func(t *testing.T) {
			p := &Plan{Config: cfg, Seed: 11}
			est, err := estimate(context.Background(), p)
			if err != nil {
				t.Fatal(err)
			}
			res, err := generate.Run(context.Background(), generate.Options{Config: cfg, Seed: 11, Output: filepath.Join(t.TempDir(), "out"), Threads: 2})
			if err != nil {
				t.Fatal(err)
			}
			var actual uint64
			_ = filepath.WalkDir(res.Dir, func(_ string, d fs.DirEntry, err error) error {
				if err == nil && d.Type().IsRegular() {
					fi, _ := d.Info()
					actual += uint64(fi.Size())
				}
				return nil
			})
			t.Logf("%s: estimate %d bytes, written %d (%.2f)", name, est, actual, float64(est)/float64(actual))
			if est < actual || est > actual*3/2+estimateSlack {
				t.Fatalf("estimate %d bytes for %d written", est, actual)
			}
		})
	}
}
