package generate

import (
	"strings"
	"testing"
	"time"

	"datasynth.dev/engine/config"
	"datasynth.dev/engine/flows"
)

// TestVATReturns checks the monthly VAT returns as a tax auditor would:
// one a month, on the 20th of the next month (the next weekday when that
// is a weekend; the first month's return, of the opening balances, on the
// first day when the dataset starts after the 20th), whenever that day
// falls inside the dataset and the company's processes charge VAT; each
// return clears, account by account, what the documents of its month
// posted to the VAT accounts (the first one the opening balances), against
// the operating bank account, but for amounts below min_amount, which
// wait for the next return (all of them, where the payment would be below
// it, and then there is no return); and so, at the end of every month
// whose predecessor's return it holds, each VAT account holds the VAT of
// that month alone, with those small amounts.
func TestVATReturns(t *testing.T) {
	configs := balanceConfigs(t)
	// Opening VAT balances below min_amount on some accounts, which the
	// returns carry until they can clear them; no sales. (A company this
	// small is not held to the balance configs' other invariants.)
	small, err := config.Parse("small-vat.yaml", []byte(`global: {seed: 7, industry: retail, start_date: "2024-01-01", period_months: 12}
companies:
  - {code: "2000", name: Harbor Retail GmbH, currency: EUR, country: DE, annual_transaction_volume: {custom: 3000}}
chart_of_accounts: {complexity: medium}
output: {formats: [csv]}
document_flows: {o2c: {enabled: false}}
fraud: {enabled: true, fraud_rate: 0.005}
`))
	if err != nil {
		t.Fatal(err)
	}
	configs["retail-o2c-off-small-vat"] = small
	for name, cfg := range configs {
		t.Run(name, func(t *testing.T) {
			dir := sharedBalanceRun(t, name, cfg)
			start, end := cfg.Global.StartDate, cfg.Global.EndDate()
			month := func(date string) int {
				d, err := time.Parse(time.DateOnly, date)
				if err != nil {
					t.Fatal(err)
				}
				return (d.Year()-start.Year())*12 + int(d.Month()) - int(start.Month())
			}
			vat, names := map[string]bool{}, map[string]string{}
			eachRow(t, dir, "chart_of_accounts.csv", func(cols map[string]int, rec []string) {
				a, name := rec[cols["account_number"]], rec[cols["short_description"]]
				vat[a], names[a] = strings.Contains(name, "VAT"), name
			})
			type key struct {
				company, account string
				month            int
			}
			// The VAT the month's documents post (debits minus credits),
			// and what the return posted in the month clears.
			posted, cleared := map[key]int64{}, map[key]int64{}
			type ret struct {
				company string
				month   int
			}
			returns := map[ret]string{} // the return's document id
			eachRow(t, dir, "journal_entries.csv", func(cols map[string]int, rec []string) {
				a, isReturn := rec[cols["gl_account"]], rec[cols["header_text"]] == "VAT return"
				if !vat[a] && !isReturn {
					return
				}
				v := minor(t, rec[cols["debit_amount"]]) - minor(t, rec[cols["credit_amount"]])
				co, date := rec[cols["company_code"]], rec[cols["posting_date"]]
				k := key{co, a, month(date)}
				if !isReturn {
					posted[k] += v
					return
				}
				r := ret{co, k.month}
				if id, ok := returns[r]; ok && id != rec[cols["document_id"]] {
					t.Fatalf("%s: two VAT returns in month %d: %s and %s", co, k.month, id, rec[cols["document_id"]])
				}
				returns[r] = rec[cols["document_id"]]
				d, _ := time.Parse(time.DateOnly, date)
				if wd := d.Weekday(); wd == time.Saturday || wd == time.Sunday || (d.Day() < 20 || d.Day() > 22) && !(k.month == 0 && date == start.Format(time.DateOnly)) {
					t.Errorf("%s: VAT return %s posted on %s", co, returns[r], date)
				}
				switch {
				case vat[a]:
					cleared[k] += v
				case names[a] != "Operating bank account":
					t.Errorf("%s: VAT return %s posts to account %s", co, returns[r], a)
				}
			})
			opening := map[key]int64{}
			eachRow(t, dir, "balance/opening_balances.csv", func(cols map[string]int, rec []string) {
				if a := rec[cols["account_code"]]; vat[a] {
					opening[key{rec[cols["company_code"]], a, -1}] += minor(t, rec[cols["balance"]])
				}
			})
			months := month(end.Format(time.DateOnly)) + 1
			// carried is, after each month's return, what it left on each
			// account (below min_amount) for the next one.
			carried := map[key]int64{}
			for _, co := range cfg.Companies {
				low := cfg.Transactions.MinAmount.Minor(co.Digits())
				taxIn, taxOut := flows.TaxRates(co.Country)
				postsVAT := (cfg.DocumentFlows.P2P.Enabled && taxIn > 0) || (cfg.DocumentFlows.O2C.Enabled && taxOut > 0)
				carry := map[string]int64{}
				for m := range months {
					due := time.Date(start.Year(), start.Month()+time.Month(m), 20, 0, 0, 0, 0, time.UTC)
					for due.Weekday() == time.Saturday || due.Weekday() == time.Sunday {
						due = due.AddDate(0, 0, 1)
					}
					scheduled := !due.After(end) && (m == 0 && cfg.Balance.Opening || m > 0 && postsVAT)
					// What the return clears: the month's VAT and what
					// the last one left, but amounts below min_amount, or
					// all of it when the payment would be below it.
					clears := map[string]int64{}
					var net int64
					for a, isVAT := range vat {
						if !isVAT || !scheduled {
							continue
						}
						v := posted[key{co.Code, a, m - 1}]
						if m == 0 {
							v = opening[key{co.Code, a, -1}]
						}
						v += carry[a]
						if -low < v && v < low {
							carry[a] = v
							continue
						}
						clears[a], carry[a] = v, 0
						net += v
					}
					if -low < net && net < low {
						for a, v := range clears {
							carry[a] += v
						}
						clear(clears)
					}
					for a, v := range carry {
						carried[key{co.Code, a, m}] = v
					}
					_, ok := returns[ret{co.Code, m}]
					if want := len(clears) > 0; ok != want {
						t.Errorf("%s: month %d (due %s): VAT return %v, want %v", co.Code, m, due.Format(time.DateOnly), ok, want)
					}
					for a, isVAT := range vat {
						if got := cleared[key{co.Code, a, m}]; isVAT && got != -clears[a] {
							t.Errorf("%s: the return of month %d clears %d on %s, want %d", co.Code, m, got, a, -clears[a])
						}
					}
				}
			}
			// At each month end, a VAT account holds its month's VAT alone
			// once the previous month's return is in, with what returns
			// left below min_amount.
			checked := 0
			for _, row := range readTrialBalances(t, dir) {
				m := month(row.end)
				if _, ok := returns[ret{row.company, m}]; !vat[row.account] || !ok {
					continue
				}
				k := key{row.company, row.account, m}
				if want := posted[k] + carried[k]; row.close != want {
					t.Errorf("%s %s: %s closes at %d, the month's documents posted %d and returns left %d", row.company, row.end, row.account, row.close, posted[k], carried[k])
				}
				checked++
			}
			if checked == 0 || len(returns) == 0 {
				t.Fatalf("%d VAT returns, %d balances checked", len(returns), checked)
			}
		})
	}
}
