package generate

import "testing"

// TestControlAccountSigns checks what an accountant reads first in a trial
// balance: at every period end, each company's receivables and inventory
// carry debit balances and its payables a credit balance.
func TestControlAccountSigns(t *testing.T) {
	for name, cfg := range balanceConfigs(t) {
		t.Run(name, func(t *testing.T) {
			dir := gen(t, cfg, 2).Dir
			type period struct{ company, fy, fp, category string }
			sums := map[period]int64{}
			for _, row := range readTrialBalances(t, dir) {
				sums[period{row.company, row.fy, row.fp, row.category}] += row.close
			}
			for p, v := range sums {
				switch {
				case (p.category == "Receivables" || p.category == "Inventory") && v < 0,
					p.category == "Payables" && v > 0:
					t.Errorf("%s %s-%s: %s closes at %d", p.company, p.fy, p.fp, p.category, v)
				}
			}
		})
	}
}
