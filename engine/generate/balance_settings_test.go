package generate

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"datasynth.dev/engine/config"
)

// balanceSettingsYAML is a retailer with both document flows; each test
// adds a balance section.
const balanceSettingsYAML = `global: {seed: 21, industry: retail, start_date: "2024-01-01", period_months: 12}
companies:
  - {code: R1, name: Harbor Retail Inc, currency: USD, country: US, annual_transaction_volume: {custom: 8000}}
chart_of_accounts: {complexity: small}
output: {formats: [csv]}
`

func balanceRun(t *testing.T, section string) (*Result, *config.Config) {
	t.Helper()
	cfg, err := config.Parse("balance.yaml", []byte(balanceSettingsYAML+section))
	if err != nil {
		t.Fatal(err)
	}
	return gen(t, cfg, 2), cfg
}

// openingByCategory sums the opening balances of a dataset by category.
func openingByCategory(t *testing.T, dir string) map[string]int64 {
	t.Helper()
	out := map[string]int64{}
	eachRow(t, dir, "balance/opening_balances.csv", func(cols map[string]int, rec []string) {
		out[rec[cols["category"]]] += minor(t, rec[cols["balance"]])
	})
	return out
}

type validationCheck struct{ Name, Status, Detail string }

func readValidation(t *testing.T, dir string) (checks map[string]validationCheck, companies []map[string]any) {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dir, "balance_validation.json"))
	if err != nil {
		t.Fatal(err)
	}
	var v struct {
		Checks    []validationCheck
		Companies []map[string]any
	}
	if err := json.Unmarshal(data, &v); err != nil {
		t.Fatal(err)
	}
	checks = map[string]validationCheck{}
	for _, c := range v.Checks {
		checks[c.Name] = c
	}
	if len(checks) != 6 {
		t.Fatalf("balance_validation.json lists %d checks, want 6: %s", len(checks), data)
	}
	return checks, v.Companies
}

// wantChecks checks that the checks named in notRun are not run, their
// detail starting with the text given, and that every other check passed.
func wantChecks(t *testing.T, checks map[string]validationCheck, notRun map[string]string) {
	t.Helper()
	for name, c := range checks {
		if why, ok := notRun[name]; ok {
			if c.Status != "not_run" || !strings.HasPrefix(c.Detail, why) {
				t.Errorf("%s: %+v, want not_run: %s", name, c, why)
			}
		} else if c.Status != "passed" {
			t.Errorf("%s: %+v, want passed", name, c)
		}
	}
}

// filesExcept returns the checksums of a run's files by path, without the
// paths named.
func filesExcept(res *Result, skip ...string) map[string]string {
	out := map[string]string{}
	for _, f := range res.Manifest.OutputFiles {
		if !slices.Contains(skip, f.Path) {
			out[f.Path] = f.SHA256
		}
	}
	return out
}

// TestBalanceTargetDays: the opening receivables and payables follow
// target_dso_days and target_dpo_days: three times the days, about three
// times the balances, each on its normal side, carried by as many opening
// open items in the subledgers.
func TestBalanceTargetDays(t *testing.T) {
	short, _ := balanceRun(t, "balance: {target_dso_days: 30, target_dpo_days: 20}\n")
	long, _ := balanceRun(t, "balance: {target_dso_days: 90, target_dpo_days: 60}\n")
	s, l := openingByCategory(t, short.Dir), openingByCategory(t, long.Dir)
	if s["Receivables"] <= 0 || s["Payables"] >= 0 {
		t.Fatalf("receivables %d, payables %d", s["Receivables"], s["Payables"])
	}
	for _, c := range []string{"Receivables", "Payables"} {
		ratio := float64(l[c]) / float64(s[c])
		t.Logf("%s: %d at the long days, %d at the short ones: ratio %.3f", c, l[c], s[c], ratio)
		if ratio < 2.7 || ratio > 3.3 {
			t.Errorf("%s: %d at the long days, %d at the short ones: ratio %.3f, want about 3", c, l[c], s[c], ratio)
		}
	}
	for _, res := range []*Result{short, long} {
		checks, _ := readValidation(t, res.Dir)
		wantChecks(t, checks, nil)
	}
}

// TestBalanceNoOpening: with generate_opening_balances false the books
// open empty, as DataSynth's do: no opening balance file, no invoice
// brought forward, every account opening the first period at zero. The
// books still balance, the subledgers still reconcile with the control
// accounts at every period end, and the opening sheet's check is not run.
func TestBalanceNoOpening(t *testing.T) {
	res, cfg := balanceRun(t, "balance: {generate_opening_balances: false}\n")
	plain, _ := balanceRun(t, "")
	for _, f := range res.Manifest.OutputFiles {
		if strings.HasPrefix(f.Path, "balance/") {
			t.Errorf("%s is written", f.Path)
		}
	}
	if _, err := os.Stat(filepath.Join(res.Dir, "balance", "opening_balances.csv")); !os.IsNotExist(err) {
		t.Errorf("balance/opening_balances.csv: %v", err)
	}
	if _, ok := filesExcept(plain)["balance/opening_balances.csv"]; !ok {
		t.Fatal("the plain run has no opening balances to compare with")
	}
	start := cfg.Global.StartDate.Format("2006-01-02")
	for _, file := range []string{"subledger/ar_invoices.csv", "subledger/ap_invoices.csv"} {
		n := 0
		eachRow(t, res.Dir, file, func(cols map[string]int, rec []string) {
			n++
			if rec[cols["posting_date"]] < start || rec[cols["journal_entry_id"]] == "" {
				t.Errorf("%s %s: posted %s, journal entry %q", file, rec[cols["invoice_number"]], rec[cols["posting_date"]], rec[cols["journal_entry_id"]])
			}
		})
		if n == 0 {
			t.Errorf("%s: no invoices", file)
		}
	}
	rows := readTrialBalances(t, res.Dir)
	type period struct{ end, category string }
	closing := map[period]int64{}
	var dr, cr, net int64
	for _, row := range rows {
		if row.start == start && row.open != 0 {
			t.Errorf("%s opens the first period at %d", row.account, row.open)
		}
		closing[period{row.end, row.category}] += row.close
		dr += row.dr
		cr += row.cr
		net += row.close
	}
	if len(rows) == 0 || dr != cr || net != 0 || dr == 0 {
		t.Fatalf("%d rows, debits %d, credits %d, closing balances sum to %d", len(rows), dr, cr, net)
	}
	aging := map[period]int64{}
	for file, category := range map[string]string{"subledger/ar_aging.csv": "Receivables", "subledger/ap_aging.csv": "Payables"} {
		eachRow(t, res.Dir, file, func(cols map[string]int, rec []string) {
			v := minor(t, rec[cols["amount_remaining"]])
			if category == "Payables" {
				v = -v
			}
			aging[period{rec[cols["as_of_date"]], category}] += v
		})
	}
	ends := 0
	for p, v := range closing {
		switch p.category {
		case "Receivables", "Payables":
			ends++
			if v != aging[p] {
				t.Errorf("%s %s: closes at %d, the aging's open items add up to %d", p.end, p.category, v, aging[p])
			}
			if (p.category == "Receivables") != (v >= 0) && v != 0 {
				t.Errorf("%s %s: closes on the wrong side at %d", p.end, p.category, v)
			}
		case "Inventory":
			if v < 0 {
				t.Errorf("%s: inventory closes at %d", p.end, v)
			}
		}
	}
	if ends != 24 {
		t.Errorf("%d receivables and payables closings, want 24", ends)
	}
	checks, companies := readValidation(t, res.Dir)
	wantChecks(t, checks, map[string]string{"opening_balance_sheet_balanced": "balance.generate_opening_balances is false"})
	if _, ok := companies[0]["opening_is_balanced"]; ok {
		t.Error("opening_is_balanced is given for a sheet not checked")
	}
}

// TestBalanceNoTrialBalances: with generate_trial_balances false the
// trial balances are neither written nor in the manifest, every other
// file is the same as without the key, and balance_validation.json still
// checks them.
func TestBalanceNoTrialBalances(t *testing.T) {
	res, _ := balanceRun(t, "balance: {generate_trial_balances: false}\n")
	plain, _ := balanceRun(t, "")
	if _, err := os.Stat(filepath.Join(res.Dir, "period_close")); !os.IsNotExist(err) {
		t.Errorf("period_close: %v", err)
	}
	got, want := filesExcept(res), filesExcept(plain, "period_close/trial_balances.csv")
	if _, ok := filesExcept(plain)["period_close/trial_balances.csv"]; !ok || len(got) != len(want) {
		t.Fatalf("%d files, want %d (the plain run's but its trial balances)", len(got), len(want))
	}
	for path, sum := range want {
		if got[path] != sum {
			t.Errorf("%s differs from the run with trial balances", path)
		}
	}
	checks, _ := readValidation(t, res.Dir)
	wantChecks(t, checks, nil)
}

// TestBalanceChecksOff: validate_balance_equation and reconcile_subledgers
// false report their checks as not_run, naming the key; the data and the
// other checks are those of the run without them.
func TestBalanceChecksOff(t *testing.T) {
	res, _ := balanceRun(t, "balance: {validate_balance_equation: false, reconcile_subledgers: false}\n")
	plain, _ := balanceRun(t, "")
	got, want := filesExcept(res, "balance_validation.json"), filesExcept(plain, "balance_validation.json")
	if len(got) != len(want) || len(got) == len(filesExcept(res)) {
		t.Fatalf("%d files, want %d and balance_validation.json", len(got), len(want))
	}
	for path, sum := range want {
		if got[path] != sum {
			t.Errorf("%s differs from the run with the checks", path)
		}
	}
	checks, companies := readValidation(t, res.Dir)
	wantChecks(t, checks, map[string]string{"opening_balance_sheet_balanced": "balance.validate_balance_equation is false",
		"subledger_to_control": "balance.reconcile_subledgers is false"})
	for _, key := range []string{"opening_is_balanced", "subledger_breaks"} {
		if _, ok := companies[0][key]; ok {
			t.Errorf("%s is given for a check not run", key)
		}
	}
}
