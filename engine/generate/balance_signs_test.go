package generate

import "testing"

// TestControlAccounts checks what an accountant reads first in a trial
// balance: at every period end, each company's receivables and inventory
// carry debit balances and its payables a credit balance, and the
// receivables and payables equal the open items of subledger/ar_aging.csv
// and ap_aging.csv as of that day.
func TestControlAccounts(t *testing.T) {
	for name, cfg := range balanceConfigs(t) {
		t.Run(name, func(t *testing.T) {
			dir := gen(t, cfg, 2).Dir
			type period struct{ company, end, category string }
			sums := map[period]int64{}
			for _, row := range readTrialBalances(t, dir) {
				sums[period{row.company, row.end, row.category}] += row.close
			}
			aging := map[period]int64{}
			for file, category := range map[string]string{"subledger/ar_aging.csv": "Receivables", "subledger/ap_aging.csv": "Payables"} {
				eachRow(t, dir, file, func(cols map[string]int, rec []string) {
					p := period{rec[cols["company_code"]], rec[cols["as_of_date"]], category}
					if _, ok := sums[p]; !ok {
						t.Fatalf("%s: %s as of %s, which is no period end", file, p.company, p.end)
					}
					aging[p] += minor(t, rec[cols["amount_remaining"]])
				})
			}
			open := 0
			for p, v := range sums {
				switch {
				case (p.category == "Receivables" || p.category == "Inventory") && v < 0,
					p.category == "Payables" && v > 0:
					t.Errorf("%s %s: %s closes at %d", p.company, p.end, p.category, v)
				}
				want := aging[p]
				if p.category == "Payables" {
					want = -want
				}
				if (p.category == "Receivables" || p.category == "Payables") && v != want {
					t.Errorf("%s %s: %s close at %d, the aging's open items add up to %d", p.company, p.end, p.category, v, want)
				}
				if want != 0 {
					open++
				}
			}
			if open == 0 {
				t.Error("no open items at any period end")
			}
		})
	}
}
