package generate

import (
	"strconv"
	"strings"
	"testing"

	"datasynth.dev/engine/config"
)

// TestControlAccounts checks what an accountant reads first in a trial
// balance: at every period end, each company's receivables and inventory
// carry debit balances and its payables a credit balance (except where a
// fifth of the entries are frauds: a duplicate payment overpays its
// invoice, a debit on the vendor that nothing recovers, and there they can
// outweigh the open invoices), every loan a
// credit balance, every prepaid expense and every bank account a debit
// balance (the operating account funded by the credit facility's
// drawings, whatever the fraud rate), and the
// receivables and payables equal the open items of subledger/ar_aging.csv
// and ap_aging.csv as of that day. The opening balances' receivables and
// payables are the opening open items: the invoices of ar_invoices.csv and
// ap_invoices.csv posted before the start, without journal entries, which
// payments in the journal then settle (none where the process is off).
func TestControlAccounts(t *testing.T) {
	for name, cfg := range balanceConfigs(t) {
		t.Run(name, func(t *testing.T) {
			dir := sharedBalanceRun(t, name, cfg)
			type period struct{ company, end, category string }
			sums := map[period]int64{}
			// The income statement's sides hold within one fiscal year,
			// and not where a fifth of the entries are frauds: invented
			// reclassifications move nothing that was booked.
			pl := cfg.Global.PeriodMonths <= cfg.Global.FiscalYearMonths && cfg.Global.StartDate.Day() == 1 && name != "retail-fraud-heavy"
			for _, row := range checkAccountSides(t, dir, pl) {
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
			// The opening: balances against the opening invoices.
			start := cfg.Global.StartDate.Format("2006-01-02")
			opening := map[period]int64{}
			eachRow(t, dir, "balance/opening_balances.csv", func(cols map[string]int, rec []string) {
				if c := rec[cols["category"]]; c == "Receivables" || c == "Payables" {
					opening[period{rec[cols["company_code"]], start, c}] += minor(t, rec[cols["balance"]])
				}
			})
			items := map[period]int64{}
			broughtForward := map[string]bool{}
			for file, category := range map[string]string{"subledger/ar_invoices.csv": "Receivables", "subledger/ap_invoices.csv": "Payables"} {
				eachRow(t, dir, file, func(cols map[string]int, rec []string) {
					before, noEntry := rec[cols["posting_date"]] < start, rec[cols["journal_entry_id"]] == ""
					if before != noEntry {
						t.Fatalf("%s %s: posted %s, journal entry %q", file, rec[cols["invoice_number"]], rec[cols["posting_date"]], rec[cols["journal_entry_id"]])
					}
					if !before {
						return
					}
					broughtForward[rec[cols["invoice_number"]]] = true
					v := minor(t, rec[cols["gross_amount"]])
					if category == "Payables" {
						v = -v
					}
					items[period{rec[cols["company_code"]], start, category}] += v
				})
			}
			// A process switched off has no subledger and opens at zero.
			on := map[string]bool{"Receivables": cfg.DocumentFlows.O2C.Enabled, "Payables": cfg.DocumentFlows.P2P.Enabled}
			for _, co := range cfg.Companies {
				for c, runs := range on {
					p := period{co.Code, start, c}
					if (opening[p] != 0) != runs || opening[p] != items[p] {
						t.Errorf("%s: opening %s %d, opening invoices %d", co.Code, c, opening[p], items[p])
					}
				}
			}
			paid := 0
			for _, file := range []string{"document_flows/payments.csv", "document_flows/customer_receipts.csv"} {
				eachRow(t, dir, file, func(cols map[string]int, rec []string) {
					if broughtForward[rec[cols["invoice_id"]]] {
						paid++
					}
				})
			}
			if paid == 0 {
				t.Error("no payment settles an opening invoice")
			}

			open := 0
			for p, v := range sums {
				switch {
				case (p.category == "Receivables" || p.category == "Inventory") && v < 0,
					p.category == "Payables" && v > 0 && name != "retail-fraud-heavy":
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

// checkAccountSides checks that no account of the dataset in dir ends a
// period on the wrong side, and returns the trial balance rows. Inventory
// accounts open with the stock of their materials and are restocked ahead
// of their deliveries; loans are repaid from their opening balances,
// prepaid expenses released from theirs, the operating account is funded
// by drawings and the other bank accounts keep their opening balances:
// none of them turns. Money moves through the operating account alone.
// With pl, the dataset lies within one fiscal year: reclassifications and
// deferrals move amounts already booked, so no expense account ends a
// period with a credit balance and no revenue account with a debit
// balance. (In a later fiscal year the reversal of the previous year's
// last accrual credits an expense account on the year's first day, and
// no invoice follows it.)
func checkAccountSides(t *testing.T, dir string, pl bool) []tbRow {
	t.Helper()
	names, types := map[string]string{}, map[string]string{}
	eachRow(t, dir, "chart_of_accounts.csv", func(cols map[string]int, rec []string) {
		names[rec[cols["account_number"]]] = rec[cols["short_description"]]
		types[rec[cols["account_number"]]] = rec[cols["account_type"]]
	})
	rows := readTrialBalances(t, dir)
	for _, row := range rows {
		name := names[row.account]
		switch {
		case pl && types[row.account] == "expense" && row.close < 0,
			pl && types[row.account] == "revenue" && row.close > 0,
			row.category == "Inventory" && row.close < 0,
			row.category == "LongTermDebt" && row.close > 0,
			strings.HasPrefix(name, "Prepaid") && row.close < 0,
			row.category == "Cash" && row.close < 0:
			t.Errorf("%s %s: %s %s closes at %d", row.company, row.end, row.account, name, row.close)
		}
		if row.category == "Cash" && name != "Operating bank account" && (row.dr != 0 || row.cr != 0) {
			t.Errorf("%s %s: %s %s moves by %d debits and %d credits", row.company, row.end, row.account, name, row.dr, row.cr)
		}
	}
	return rows
}

// TestAccountSidesEveryIndustry checks the sides of every account
// (checkAccountSides) in small companies of every industry on every chart
// size, where a few materials and small balances share many accounts:
// 500 entries a year for a US and a German company.
func TestAccountSidesEveryIndustry(t *testing.T) {
	if raceEnabled {
		// Thirty runs that check data, not concurrency (the determinism
		// tests run the pipeline under the detector): make test runs
		// them without it, in test-modules.
		t.Skip("data checks only; run without -race")
	}
	for _, industry := range config.Industries {
		for _, complexity := range []string{"small", "medium", "large"} {
			t.Run(industry+"-"+complexity, func(t *testing.T) {
				t.Parallel()
				cfg := parseConfig(t, `global: {seed: 5, industry: `+industry+`, start_date: "2024-01-01", period_months: 12}
companies:
  - {code: "1000", name: Harbor Street Inc., currency: USD, country: US, annual_transaction_volume: {custom: 500}}
  - {code: "2000", name: Harbor Street GmbH, currency: EUR, country: DE, annual_transaction_volume: {custom: 500}}
chart_of_accounts: {complexity: `+complexity+`}
output: {formats: [csv]}
`)
				if rows := checkAccountSides(t, gen(t, cfg, 2).Dir, true); len(rows) == 0 {
					t.Fatal("no trial balance rows")
				}
			})
		}
	}
}

// TestFacilityPlanHoldsUnderFraud: in a small company with half of its
// entries fraudulent, the slots of the credit facility's postings and VAT
// returns that have nothing to post hold entries that move no money (no
// random entry, which could be a fraudulent payment), so the operating
// account ends every month in funds as the facility planned. (The other
// accounts of such a company are not held to their signs: duplicate
// payments overpay its vendors.)
func TestFacilityPlanHoldsUnderFraud(t *testing.T) {
	cfg, err := config.Parse("small-fraud.yaml", []byte(`global: {seed: 8, industry: retail, start_date: "2024-01-01", period_months: 12}
companies:
  - {code: "2000", name: Harbor Retail GmbH, currency: EUR, country: DE, annual_transaction_volume: {custom: 300}}
chart_of_accounts: {complexity: medium}
output: {formats: [csv]}
fraud: {enabled: true, fraud_rate: 0.5}
`))
	if err != nil {
		t.Fatal(err)
	}
	dir := gen(t, cfg, 2).Dir
	names := map[string]string{}
	eachRow(t, dir, "chart_of_accounts.csv", func(cols map[string]int, rec []string) {
		names[rec[cols["account_number"]]] = rec[cols["short_description"]]
	})
	months := 0
	for _, row := range readTrialBalances(t, dir) {
		if names[row.account] != "Operating bank account" {
			continue
		}
		months++
		if row.close < 0 {
			t.Errorf("%s %s: the operating account closes at %d", row.company, row.end, row.close)
		}
	}
	if months != 12 {
		t.Fatalf("%d month ends of the operating account, want 12", months)
	}
}

// TestReceiptsCoverDeliveries: restocking buys what the deliveries take,
// counting what arrives rather than what was ordered (the second part of
// an order may never come), so over the dataset every stocked material's
// goods receipts cover its deliveries.
func TestReceiptsCoverDeliveries(t *testing.T) {
	checked := 0
	defer func() {
		if checked < 3 {
			t.Errorf("only %d configs deliver goods from stock; the test checks too little", checked)
		}
	}()
	for name, cfg := range balanceConfigs(t) {
		if !cfg.DocumentFlows.P2P.Enabled || !cfg.DocumentFlows.O2C.Enabled {
			continue
		}
		t.Run(name, func(t *testing.T) {
			dir := sharedBalanceRun(t, name, cfg)
			received, delivered := map[string]int64{}, map[string]int64{}
			eachRow(t, dir, "document_flows/goods_receipts.csv", func(cols map[string]int, rec []string) {
				n, err := strconv.ParseInt(rec[cols["total_quantity"]], 10, 64)
				if err != nil {
					t.Fatal(err)
				}
				received[rec[cols["material_id"]]] += n
			})
			eachRow(t, dir, "document_flows/deliveries.csv", func(cols map[string]int, rec []string) {
				if rec[cols["journal_entry_id"]] == "" {
					return // a service, not issued from stock
				}
				n, err := strconv.ParseInt(rec[cols["total_quantity"]], 10, 64)
				if err != nil {
					t.Fatal(err)
				}
				delivered[rec[cols["material_id"]]] += n
			})
			if len(delivered) > 0 {
				checked++ // a bank or a pure service company delivers no stock
			}
			for m, n := range delivered {
				if received[m] < n {
					t.Errorf("%s: %d delivered, %d received", m, n, received[m])
				}
			}
		})
	}
}

// TestDeliveryValuation: deliveries are valued as their material's
// valuation_method says. A standard-cost material's delivery costs its
// quantity at standard cost; a moving-average material's deliveries take,
// over the dataset, no more value than its goods receipts brought (each
// block issues at the average cost of its receipts).
func TestDeliveryValuation(t *testing.T) {
	for name, cfg := range balanceConfigs(t) {
		if !cfg.DocumentFlows.P2P.Enabled || !cfg.DocumentFlows.O2C.Enabled {
			continue
		}
		t.Run(name, func(t *testing.T) {
			dir := sharedBalanceRun(t, name, cfg)
			type material struct {
				moving            bool
				standard          int64
				received, issued  int64
				deliveries, exact int
			}
			materials := map[string]*material{}
			eachRow(t, dir, "master_data/materials.csv", func(cols map[string]int, rec []string) {
				materials[rec[cols["material_id"]]] = &material{
					moving:   rec[cols["valuation_method"]] == "moving_average",
					standard: minor(t, rec[cols["standard_cost"]]),
				}
			})
			eachRow(t, dir, "document_flows/goods_receipts.csv", func(cols map[string]int, rec []string) {
				materials[rec[cols["material_id"]]].received += minor(t, rec[cols["total_value"]])
			})
			eachRow(t, dir, "document_flows/deliveries.csv", func(cols map[string]int, rec []string) {
				if rec[cols["journal_entry_id"]] == "" {
					return
				}
				m := materials[rec[cols["material_id"]]]
				qty, err := strconv.ParseInt(rec[cols["total_quantity"]], 10, 64)
				if err != nil {
					t.Fatal(err)
				}
				cost := minor(t, rec[cols["total_cogs"]])
				m.issued += cost
				m.deliveries++
				if cost == qty*m.standard {
					m.exact++
				}
			})
			moving, standard := 0, 0
			for id, m := range materials {
				switch {
				case m.deliveries == 0:
				case m.moving:
					moving++
					if m.issued > m.received {
						t.Errorf("%s (moving average): deliveries took %d, receipts brought %d", id, m.issued, m.received)
					}
				default:
					standard++
					if m.exact != m.deliveries {
						t.Errorf("%s (standard cost): %d of %d deliveries at standard cost", id, m.exact, m.deliveries)
					}
				}
			}
			t.Logf("%d moving-average and %d standard-cost materials delivered", moving, standard)
		})
	}
}
