package generate

import (
	"fmt"
	"testing"

	"datasynth.dev/engine/chart"
	"datasynth.dev/engine/config"
)

// TestIndustryEconomics reads each industry's income statement off a
// year of its trial balances, as an analyst would before trusting the
// data: every industry books a cost of sales (goods sold from stock, or
// the subcontracted part of the services a service company sells), keeps
// a gross margin, and ends the year between a modest loss and a healthy
// profit, not at the 40% losses or 60% margins that sizing every kind of
// purchase apart from the sales gave.
func TestIndustryEconomics(t *testing.T) {
	for _, ind := range config.Industries {
		t.Run(ind, func(t *testing.T) {
			cfg, err := config.Parse("c.yaml", []byte(fmt.Sprintf(`global: {seed: 1, industry: %s, start_date: "2024-01-01", period_months: 12}
companies:
  - {code: C1, name: Alpha, currency: EUR, country: DE, annual_transaction_volume: {custom: 10000}}
chart_of_accounts: {complexity: small}
output: {formats: [csv]}
`, ind)))
			if err != nil {
				t.Fatal(err)
			}
			dir := gen(t, cfg, 2).Dir
			// Sales post to the revenue and cost-of-sales accounts the
			// chart keeps for them: goods issues (WL) to the cost of goods
			// sold, customer invoices (DR) to sales revenue; never to
			// scrap sales, gift card breakage, shrinkage, write-downs or
			// freight.
			ch, err := Chart(cfg)
			if err != nil {
				t.Fatal(err)
			}
			allowed := map[string]map[string]bool{"WL": {}, "DR": {}}
			goodsRevenue, goodsCost := ch.Sales(true)
			servicesRevenue, _ := ch.Sales(false)
			for _, a := range goodsCost {
				allowed["WL"][ch.Accounts[a].Number] = true
			}
			for _, a := range append(goodsRevenue, servicesRevenue...) {
				allowed["DR"][ch.Accounts[a].Number] = true
			}
			role := map[string]chart.Role{}
			for _, a := range ch.Accounts {
				role[a.Number] = a.Role
			}
			eachRow(t, dir, "journal_entries.csv", func(cols map[string]int, rec []string) {
				typ, acct := rec[cols["document_type"]], rec[cols["gl_account"]]
				if (typ == "WL" && role[acct] == chart.COGS || typ == "DR" && role[acct] == chart.Revenue) && !allowed[typ][acct] {
					t.Errorf("%s entry posts to %s %s", typ, acct, rec[cols["line_text"]])
				}
			})
			sums := map[string]int64{}
			for _, row := range readTrialBalances(t, dir) {
				sums[row.category] += row.dr - row.cr
			}
			revenue, cogs := -sums["Revenue"], sums["CostOfSales"]
			result := revenue - cogs - sums["OperatingExpenses"] - sums["OtherExpenses"] - sums["OtherIncome"]
			if revenue <= 0 || cogs <= 0 || cogs >= revenue*9/10 {
				t.Fatalf("revenue %d, cost of sales %d", revenue, cogs)
			}
			if margin := float64(result) / float64(revenue); margin < -0.10 || margin > 0.30 {
				t.Errorf("net margin %.3f (revenue %d, cost of sales %d, operating expenses %d), want -0.10..0.30", margin, revenue, cogs, sums["OperatingExpenses"])
			}
		})
	}
}
