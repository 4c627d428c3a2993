package ledger

import (
	"testing"

	"datasynth.dev/engine/chart"
)

// TestAnnualSales compares the estimate that sizes the opening balance
// sheet with the revenue the demo company's journal actually books, and
// checks that tallied blocks balance and cover every document.
func TestAnnualSales(t *testing.T) {
	l, cfg := demoLedger(t)
	n := len(l.chart.Accounts)
	periods := len(l.Periods())
	for ci := range l.Companies() {
		debit, credit := make([]int64, periods*n), make([]int64, periods*n)
		var blk Block
		var entries, docTotal int64
		s := l.NewSettlement()
		for b := range l.Blocks(ci) {
			l.Generate(ci, b, &blk)
			l.Settle(s, &blk)
			unbalanced, total := blk.Tally(debit, credit, n)
			if unbalanced != 0 {
				t.Fatalf("block %d: %d unbalanced entries", b, unbalanced)
			}
			docTotal += total
			e, _ := blk.Counts()
			entries += e
		}
		var dr, cr, revenue int64
		for i := range debit {
			dr += debit[i]
			cr += credit[i]
			if l.chart.Accounts[i%n].Role == chart.Revenue {
				revenue += credit[i] - debit[i]
			}
		}
		if entries != l.Entries(ci) || dr != cr || dr != docTotal {
			t.Fatalf("company %d: %d of %d entries tallied, debits %d, credits %d, totals %d", ci, entries, l.Entries(ci), dr, cr, docTotal)
		}
		annual := revenue * 12 / int64(cfg.Global.PeriodMonths)
		est := l.AnnualSales(ci)
		if est < annual*70/100 || est > annual*130/100 {
			t.Errorf("company %d: estimated annual sales %d, the journal books %d a year", ci, est, annual)
		}
	}
}

// BenchmarkTally sets the cost of tallying a block for the trial balances
// beside generating it and encoding it as CSV, on the same blocks.
func BenchmarkTally(b *testing.B) {
	l, _ := demoLedger(b)
	n := len(l.chart.Accounts)
	debit, credit := make([]int64, len(l.Periods())*n), make([]int64, len(l.Periods())*n)
	b.Run("generate+csv", func(b *testing.B) {
		var blk Block
		var lines int64
		for i := range b.N {
			l.Generate(0, int64(i)%l.Blocks(0), &blk)
			blk.EncodeCSV()
			lines += blk.Lines
		}
		b.ReportMetric(float64(lines)/b.Elapsed().Seconds(), "lines/s")
	})
	b.Run("generate+csv+tally", func(b *testing.B) {
		var blk Block
		var lines int64
		for i := range b.N {
			l.Generate(0, int64(i)%l.Blocks(0), &blk)
			blk.EncodeCSV()
			blk.Tally(debit, credit, n)
			lines += blk.Lines
		}
		b.ReportMetric(float64(lines)/b.Elapsed().Seconds(), "lines/s")
	})
}
