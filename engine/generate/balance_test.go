package generate

import (
	"context"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"datasynth.dev/engine/config"
)

// sharedRoot holds the datasets that several tests read and none writes
// (sharedBalanceRun); TestMain removes it.
var sharedRoot string

func TestMain(m *testing.M) {
	var err error
	if sharedRoot, err = os.MkdirTemp("", "generate-test-"); err != nil {
		panic(err)
	}
	code := m.Run()
	os.RemoveAll(sharedRoot)
	os.Exit(code)
}

// balanceRuns are the datasets of balanceConfigs by name, each generated
// once for the tests that only read them.
var balanceRuns = struct {
	sync.Mutex
	dirs map[string]string
}{dirs: map[string]string{}}

// sharedBalanceRun returns the folder of balance config name's dataset,
// generated (on two threads) the first time a test asks for it.
func sharedBalanceRun(t *testing.T, name string, cfg *config.Config) string {
	t.Helper()
	balanceRuns.Lock()
	defer balanceRuns.Unlock()
	if dir, ok := balanceRuns.dirs[name]; ok {
		return dir
	}
	dir := filepath.Join(sharedRoot, name)
	if _, err := Run(context.Background(), Options{Config: cfg, Seed: cfg.Global.Seed, Output: dir, Threads: 2, ProgramVersion: "test"}); err != nil {
		t.Fatal(err)
	}
	balanceRuns.dirs[name] = dir
	return dir
}

// balanceConfigs are the datasets the balance invariants run on: one and two
// companies, three chart sizes, two fiscal years starting in July, a
// mid-month start with six-month fiscal years, and document flows set by
// the config: procure-to-pay off, and order-to-cash off with procure-to-pay
// rates and delays of its own; and a fifth of the entries fraudulent.
func balanceConfigs(t *testing.T) map[string]*config.Config {
	t.Helper()
	parse := func(name, doc string) *config.Config {
		cfg, err := config.Parse(name, []byte(doc))
		if err != nil {
			t.Fatal(err)
		}
		return cfg
	}
	return map[string]*config.Config{
		"manufacturing-small": load(t, "testdata/golden/manufacturing-small.yaml"),
		"retail-medium":       load(t, "testdata/golden/retail-medium.yaml"),
		"financial-large":     load(t, "testdata/golden/financial-large.yaml"),
		"energy-odd-calendar": parse("odd.yaml", `global: {seed: 3, industry: energy, start_date: "2023-02-15", period_months: 8, fiscal_year_months: 6}
companies:
  - {code: E1, name: Gridline Energy SE, currency: EUR, country: DE, annual_transaction_volume: {custom: 6000}}
  - {code: E2, name: Gridline Energy Ltd, currency: GBP, country: GB, annual_transaction_volume: {custom: 3000}}
chart_of_accounts: {complexity: small}
output: {formats: [csv]}
`),
		"retail-p2p-off": parse("p2p-off.yaml", p2pOffYAML),
		// Many duplicate payments: some blocks pay an invoice twice over.
		"retail-fraud-heavy": parse("fraud.yaml", `global: {seed: 11, industry: retail, start_date: "2024-01-01", period_months: 12}
companies:
  - {code: R1, name: Harbor, currency: EUR, country: DE, annual_transaction_volume: {custom: 30000}}
chart_of_accounts: {complexity: small}
output: {formats: [csv]}
fraud: {enabled: true, fraud_rate: 0.2}
`),
		// Small companies with large charts: little stock and small
		// prepaid balances spread over many accounts.
		"technology-large-tiny":     parse("tiny-tech.yaml", tinyLargeChart("technology")),
		"transportation-large-tiny": parse("tiny-transport.yaml", tinyLargeChart("transportation")),
		"manufacturing-o2c-off": parse("o2c-off.yaml", `global: {seed: 4, industry: manufacturing, start_date: "2024-04-01", period_months: 12}
companies:
  - {code: M1, name: Works GmbH, currency: EUR, country: DE, annual_transaction_volume: {custom: 5000}}
chart_of_accounts: {complexity: small}
output: {formats: [csv]}
document_flows:
  p2p:
    partial_delivery_rate: 1
    average_po_to_gr_days: 30
    average_invoice_to_payment_days: 45
    payment_behavior: {late_payment_rate: 0.3, partial_payment_rate: 0.5, avg_days_until_remainder: 20}
  o2c: {enabled: false}
`),
	}
}

// tinyLargeChart is a config of two companies of industry with 500 entries
// a year each on the large chart.
func tinyLargeChart(industry string) string {
	return `global: {seed: 1, industry: ` + industry + `, start_date: "2024-01-01", period_months: 12}
companies:
  - {code: "1000", name: Harbor Street Inc., currency: USD, country: US, annual_transaction_volume: {custom: 500}}
  - {code: "2000", name: Harbor Street GmbH, currency: EUR, country: DE, annual_transaction_volume: {custom: 500}}
chart_of_accounts: {complexity: large}
output: {formats: [csv]}
`
}

// p2pOffYAML is a retailer that runs order-to-cash without procure-to-pay.
const p2pOffYAML = `global: {seed: 8, industry: retail, start_date: "2024-01-01", period_months: 12}
companies:
  - {code: R1, name: Corner Shop Inc, currency: USD, country: US, annual_transaction_volume: {custom: 5000}}
chart_of_accounts: {complexity: small}
output: {formats: [csv]}
document_flows:
  p2p: {enabled: false}
  o2c: {partial_shipment_rate: 0.3, bad_debt_rate: 0.05, average_invoice_to_receipt_days: 40}
`

// tbRow is one row of period_close/trial_balances.csv.
type tbRow struct {
	company, fy, fp, start, end, account, category string
	open, dr, cr, close, drBal, crBal              int64
}

func readTrialBalances(t *testing.T, dir string) []tbRow {
	t.Helper()
	var out []tbRow
	eachRow(t, dir, "period_close/trial_balances.csv", func(cols map[string]int, rec []string) {
		m := func(name string) int64 { return minor(t, rec[cols[name]]) }
		out = append(out, tbRow{
			company: rec[cols["company_code"]], fy: rec[cols["fiscal_year"]], fp: rec[cols["fiscal_period"]],
			start: rec[cols["period_start"]], end: rec[cols["period_end"]], account: rec[cols["account_code"]],
			category: rec[cols["category"]], open: m("opening_balance"), dr: m("period_debits"), cr: m("period_credits"),
			close: m("closing_balance"), drBal: m("debit_balance"), crBal: m("credit_balance"),
		})
	})
	return out
}

// TestTrialBalancesTieToJournal recomputes the trial balances from
// journal_entries.csv and the opening balances, and checks every figure of
// period_close/trial_balances.csv against them: debits and credits per
// account and period, closing = opening + debits - credits, the roll-forward
// (with the year-end close into retained earnings), the opening sheet, and
// balance_validation.json.
func TestTrialBalancesTieToJournal(t *testing.T) {
	for name, cfg := range balanceConfigs(t) {
		t.Run(name, func(t *testing.T) {
			dir := sharedBalanceRun(t, name, cfg)
			accounts := column(t, dir, "chart_of_accounts.csv", "account_number")
			acctCols, _, done := readCSV(t, dir, "chart_of_accounts.csv")
			done()
			typeOf := func(a string) string { return accounts[a][acctCols["account_type"]] }
			retained := ""
			for a, rec := range accounts {
				if rec[acctCols["sub_type"]] == "retained_earnings" && (retained == "" || a < retained) {
					retained = a
				}
			}
			if retained == "" {
				t.Fatal("the chart has no retained earnings account")
			}

			// The journal, summed per company, period and account; every
			// entry balanced.
			type key struct{ company, fy, fp, account string }
			type sums struct{ dr, cr int64 }
			journal := map[key]*sums{}
			docs := map[string]int64{}
			eachRow(t, dir, "journal_entries.csv", func(cols map[string]int, rec []string) {
				k := key{rec[cols["company_code"]], rec[cols["fiscal_year"]], rec[cols["fiscal_period"]], rec[cols["gl_account"]]}
				s := journal[k]
				if s == nil {
					s = &sums{}
					journal[k] = s
				}
				dr, cr := minor(t, rec[cols["debit_amount"]]), minor(t, rec[cols["credit_amount"]])
				s.dr += dr
				s.cr += cr
				docs[rec[cols["document_id"]]] += dr - cr
			})
			for id, off := range docs {
				if off != 0 {
					t.Fatalf("entry %s does not balance: debits - credits = %d", id, off)
				}
			}

			// Opening balances: every postable account once per company,
			// assets = liabilities + equity, income statement at zero.
			opening := map[[2]string]int64{}
			ocols, or, done := readCSV(t, dir, "balance/opening_balances.csv")
			type sheet struct{ assets, liabs, equity, fixed, n int64 }
			sheets := map[string]*sheet{}
			for {
				rec, err := or.Read()
				if err == io.EOF {
					break
				}
				if err != nil {
					t.Fatal(err)
				}
				co, a, b := rec[ocols["company_code"]], rec[ocols["account_code"]], minor(t, rec[ocols["balance"]])
				if rec[ocols["as_of_date"]] != cfg.Global.StartDate.Format("2006-01-02") {
					t.Fatalf("opening balance as of %s, want the start date", rec[ocols["as_of_date"]])
				}
				if minor(t, rec[ocols["debit_balance"]])-minor(t, rec[ocols["credit_balance"]]) != b {
					t.Fatalf("opening %s %s: debit and credit balances do not make %d", co, a, b)
				}
				opening[[2]string{co, a}] = b
				s := sheets[co]
				if s == nil {
					s = &sheet{}
					sheets[co] = s
				}
				s.n++
				if rec[ocols["category"]] == "FixedAssets" {
					s.fixed += b
				}
				switch typeOf(a) {
				case "asset":
					s.assets += b
				case "liability":
					s.liabs -= b
				case "equity":
					s.equity -= b
				default:
					if b != 0 {
						t.Fatalf("opening %s %s: income-statement account opens at %d", co, a, b)
					}
				}
			}
			done()
			if len(sheets) != len(cfg.Companies) {
				t.Fatalf("opening balances for %d companies, want %d", len(sheets), len(cfg.Companies))
			}
			for co, s := range sheets {
				// Fixed assets net of depreciation come from the register.
				if s.fixed <= 0 || s.assets <= 0 || s.assets != s.liabs+s.equity {
					t.Fatalf("opening sheet of %s: assets %d (fixed %d), liabilities %d, equity %d", co, s.assets, s.fixed, s.liabs, s.equity)
				}
			}

			rows := readTrialBalances(t, dir)
			seen := map[key]bool{}
			type period struct{ company, fy, fp string }
			type total struct{ dr, cr, close int64 }
			perPeriod := map[period]*total{}
			var order []period
			prevPeriod := map[string]period{}
			for i, row := range rows {
				k := key{row.company, row.fy, row.fp, row.account}
				if seen[k] {
					t.Fatalf("row %d: %v twice", i+2, k)
				}
				seen[k] = true
				want := journal[k]
				if want == nil {
					want = &sums{}
				}
				if row.dr != want.dr || row.cr != want.cr {
					t.Fatalf("%v: trial balance %d/%d, journal %d/%d", k, row.dr, row.cr, want.dr, want.cr)
				}
				if row.close != row.open+row.dr-row.cr || row.drBal-row.crBal != row.close || row.drBal < 0 || row.crBal < 0 {
					t.Fatalf("%v: opening %d + %d - %d != closing %d (debit %d, credit %d)", k, row.open, row.dr, row.cr, row.close, row.drBal, row.crBal)
				}
				p := period{row.company, row.fy, row.fp}
				if perPeriod[p] == nil {
					perPeriod[p] = &total{}
					order = append(order, p)
				}
				perPeriod[p].dr += row.dr
				perPeriod[p].cr += row.cr
				perPeriod[p].close += row.close
				ca := [2]string{row.company, row.account}
				if _, started := prevPeriod[row.company]; !started {
					prevPeriod[row.company] = p
				}
				if prevPeriod[row.company] == p && row.open != opening[ca] {
					t.Fatalf("%v opens at %d, opening balance is %d", k, row.open, opening[ca])
				}
			}
			// Roll-forward, period by period.
			byPeriod := map[period][]tbRow{}
			for _, row := range rows {
				p := period{row.company, row.fy, row.fp}
				byPeriod[p] = append(byPeriod[p], row)
			}
			last := map[string]period{}
			for _, p := range order {
				s := perPeriod[p]
				if s.dr != s.cr || s.close != 0 {
					t.Fatalf("%v: debits %d, credits %d, closing balances sum to %d", p, s.dr, s.cr, s.close)
				}
				if lp, ok := last[p.company]; ok {
					var result int64
					if p.fp == "1" {
						for _, row := range byPeriod[lp] {
							if ty := typeOf(row.account); ty == "revenue" || ty == "expense" {
								result += row.close
							}
						}
					}
					prev := map[string]int64{}
					for _, row := range byPeriod[lp] {
						prev[row.account] = row.close
					}
					for _, row := range byPeriod[p] {
						want := prev[row.account]
						if ty := typeOf(row.account); p.fp == "1" && (ty == "revenue" || ty == "expense") {
							want = 0
						}
						if p.fp == "1" && row.account == retained {
							want += result
						}
						if row.open != want {
							t.Fatalf("%v %s opens at %d, want %d", p, row.account, row.open, want)
						}
					}
				}
				last[p.company] = p
			}
			// Every journal figure appears in the trial balances.
			for k, s := range journal {
				if !seen[k] && (s.dr != 0 || s.cr != 0) {
					t.Fatalf("journal postings %v missing from the trial balances", k)
				}
			}
			// One trial balance per company and calendar month, contiguous,
			// from the start date to the end date.
			for _, co := range cfg.Companies {
				var periods []tbRow
				for _, p := range order {
					if p.company == co.Code {
						periods = append(periods, byPeriod[p][0])
					}
				}
				if len(periods) == 0 || periods[0].start != cfg.Global.StartDate.Format("2006-01-02") ||
					periods[len(periods)-1].end != cfg.Global.EndDate().Format("2006-01-02") {
					t.Fatalf("%s: periods do not run from the start to the end date", co.Code)
				}
				for i := 1; i < len(periods); i++ {
					if periods[i].start <= periods[i-1].end {
						t.Fatalf("%s: period %s starts before the previous ends", co.Code, periods[i].start)
					}
				}
			}

			var v struct {
				IsBalanced       bool  `json:"is_balanced"`
				EntriesProcessed int64 `json:"entries_processed"`
				Checks           []struct {
					Name, Status string
				} `json:"checks"`
			}
			data, err := os.ReadFile(filepath.Join(dir, "balance_validation.json"))
			if err != nil {
				t.Fatal(err)
			}
			if err := json.Unmarshal(data, &v); err != nil {
				t.Fatal(err)
			}
			if !v.IsBalanced || v.EntriesProcessed != int64(len(docs)) || len(v.Checks) < 6 {
				t.Fatalf("balance_validation.json: %s", data)
			}
			for _, c := range v.Checks {
				if c.Status != "passed" {
					t.Fatalf("check %s: %s", c.Name, c.Status)
				}
			}
		})
	}
}
