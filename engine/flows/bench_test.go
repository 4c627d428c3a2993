package flows_test

import (
	"testing"

	"datasynth.dev/engine/config"
	"datasynth.dev/engine/flows"
	"datasynth.dev/engine/generate"
	"datasynth.dev/engine/ledger"
)

const benchYAML = `
global: {seed: 1, industry: manufacturing, start_date: "2024-01-01", period_months: 12}
companies:
  - {code: "1000", name: Bench, currency: USD, country: US, annual_transaction_volume: {custom: 300000}}
chart_of_accounts: {complexity: medium}
output: {formats: [csv]}
fraud: {enabled: true, fraud_rate: 0.005}
`

// BenchmarkBlockWithFlows measures one core generating blocks of journal
// entries with their flows and encoding the journal and every flow table
// as CSV, without I/O: "journal" encodes the journal alone.
func BenchmarkBlockWithFlows(b *testing.B) {
	cfg, err := config.Parse("bench.yaml", []byte(benchYAML))
	if err != nil {
		b.Fatal(err)
	}
	ch, _ := generate.Chart(cfg)
	l := ledger.New(cfg, 1, ch)
	for _, tables := range []bool{false, true} {
		name := "journal"
		if tables {
			name = "journal+flow-tables"
		}
		b.Run(name, func(b *testing.B) {
			var blk ledger.Block
			var lines, rows int64
			var buf []byte
			var n int64
			for i := range b.N {
				l.Generate(0, int64(i)%l.Blocks(0), &blk)
				blk.EncodeCSV()
				lines += blk.Lines
				if !tables {
					continue
				}
				for _, t := range flows.Tables {
					buf, n = blk.Flows.AppendCSV(buf[:0], t)
					rows += n
				}
			}
			b.ReportMetric(float64(lines)/b.Elapsed().Seconds(), "lines/s")
			b.ReportMetric(float64(rows)/float64(b.N), "rows/block")
		})
	}
}
