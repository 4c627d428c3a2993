package balance

import (
	"fmt"
	"math"
	"strings"
	"testing"

	"datasynth.dev/engine/chart"
	"datasynth.dev/engine/config"
)

// heldFor returns what the generator's subledgers and register hold for
// cfg's sheet: the receivables and payables Targets gives (as the opening
// open items carry them) and a register of a third of the revenue, a
// quarter of it depreciated.
func heldFor(t *testing.T, cfg *config.Config) func(*chart.Chart) map[int]int64 {
	return func(ch *chart.Chart) map[int]int64 {
		rec, pay := Targets(cfg, 0, 2_500_000_000)
		return map[int]int64{
			ch.ByRole(chart.Receivables)[0]: rec, ch.ByRole(chart.Payables)[0]: -pay,
			ch.ByRole(chart.FixedAssets)[0]: 800_000_000, ch.ByRole(chart.AccumDepr)[0]: -200_000_000,
		}
	}
}

// ratios returns a sheet's current ratio and debt-to-equity ratio.
func ratios(s *Sheet, ch *chart.Chart) (current, debtToEquity float64) {
	var curAssets, curLiab, liab, equity int64
	for a, b := range s.Balances {
		acct := ch.Accounts[a]
		switch {
		case acct.Type == "asset" && acct.Role != chart.FixedAssets && acct.Role != chart.AccumDepr:
			curAssets += b
		case acct.Type == "liability":
			liab -= b
			if acct.Role != chart.Borrowings {
				curLiab -= b
			}
		case acct.Type == "equity":
			equity -= b
		}
	}
	return float64(curAssets) / float64(curLiab), float64(liab) / float64(equity)
}

// TestOpeningFollowsTargets: the config's debt-to-equity and current ratios
// shape the sheet instead of the industry's (to within the rounding and the
// cents that the open items move), its days the receivables and payables,
// and its gross margin their cost of sales; a target changes only the
// figures it sets.
func TestOpeningFollowsTargets(t *testing.T) {
	for _, ind := range []string{"manufacturing", "retail", "technology", "financial_services", "real_estate"} {
		plain := configFor(t, ind, "small", "")
		cfg := configFor(t, ind, "small", "balance: {target_current_ratio: 2, target_debt_to_equity: 1.2}\n")
		s, ch := sheetOf(t, cfg, 3, heldFor(t, cfg))
		cur, de := ratios(s, ch)
		if math.Abs(cur-2) > 0.01 || math.Abs(de-1.2) > 0.01 {
			t.Errorf("%s: current ratio %.4f, debt to equity %.4f; want 2 and 1.2", ind, cur, de)
		}
		ps, _ := sheetOf(t, plain, 3, heldFor(t, plain))
		pcur, pde := ratios(ps, ch)
		if math.Abs(pcur-2) < 0.01 && math.Abs(pde-1.2) < 0.01 {
			t.Errorf("%s: the industry's sheet already has the targets' ratios; the test shows nothing", ind)
		}
		// The assets are the same: the ratios shape the other side.
		for a, b := range s.Balances {
			if acct := ch.Accounts[a]; acct.Type == "asset" && acct.Role != chart.Bank && b != ps.Balances[a] {
				t.Errorf("%s: %s opens at %d with the targets, %d without", ind, acct.Name, b, ps.Balances[a])
			}
		}
	}

	// A current ratio that would need more current liabilities than the
	// debt-to-equity ratio leaves: all liabilities are current, and the
	// ratio stays above the target.
	cfg := configFor(t, "technology", "small", "balance: {target_current_ratio: 1.1, target_debt_to_equity: 0.5}\n")
	s, ch := sheetOf(t, cfg, 3, heldFor(t, cfg))
	cur, de := ratios(s, ch)
	_, _, byRole := checkSides(t, "technology", s, ch)
	if byRole[chart.Borrowings] != 0 || cur <= 1.1 || math.Abs(de-0.5) > 0.01 {
		t.Errorf("technology: borrowings %d, current ratio %.4f, debt to equity %.4f", byRole[chart.Borrowings], cur, de)
	}

	// Days and margin: Targets follows them exactly.
	rev := int64(3_650_000_00)
	for _, tt := range []struct {
		balance  string
		rec, pay int64
	}{
		{"balance: {target_dso_days: 30}\n", rev * 30 / 365, (rev - rev*35/100) * 35 / 365},
		{"balance: {target_dso_days: 90}\n", rev * 90 / 365, (rev - rev*35/100) * 35 / 365},
		{"balance: {target_dpo_days: 60, target_gross_margin: 0.6}\n", rev * 45 / 365, (rev - rev*60/100) * 60 / 365},
		{"balance: {target_dso_days: 0, target_dpo_days: 365, target_gross_margin: 0}\n", 0, rev},
		{"balance: {generate_opening_balances: false, target_dso_days: 90}\n", 0, 0},
	} {
		rec, pay := Targets(configFor(t, "manufacturing", "small", tt.balance), 0, rev)
		if rec != tt.rec || pay != tt.pay {
			t.Errorf("%s: receivables %d, payables %d; want %d and %d", strings.TrimSpace(tt.balance), rec, pay, tt.rec, tt.pay)
		}
	}
}

// TestOpeningTargetsBalanced: over the whole range of every target, with
// the receivables and payables they ask for held by the subledgers, each
// industry's sheet balances with every account on its normal side.
func TestOpeningTargetsBalanced(t *testing.T) {
	days := []int{0, 1, 45, 120, 365}
	cr := []string{"0.1", "1", "2.5", "10"}
	de := []string{"0.05", "0.5", "3", "20"}
	gm := []string{"0", "0.35", "1"}
	n := 0
	for _, ind := range []string{"manufacturing", "retail", "technology", "energy", "real_estate"} {
		for i, dso := range days {
			for j, dpo := range days {
				k := i*len(days) + j
				doc := fmt.Sprintf("balance: {target_dso_days: %d, target_dpo_days: %d, target_current_ratio: %s, target_debt_to_equity: %s, target_gross_margin: %s}\n",
					dso, dpo, cr[k%len(cr)], de[(k/len(cr))%len(de)], gm[k%len(gm)])
				cfg := configFor(t, ind, "small", doc)
				s, ch := sheetOf(t, cfg, uint64(k), heldFor(t, cfg))
				name := ind + " " + strings.TrimSpace(doc)
				sum, _, byRole := checkSides(t, name, s, ch)
				rec, pay := Targets(cfg, 0, 2_500_000_000)
				if sum != 0 || byRole[chart.Receivables] != rec || byRole[chart.Payables] != -pay {
					t.Fatalf("%s: off by %d; receivables %d, payables %d", name, sum, byRole[chart.Receivables], byRole[chart.Payables])
				}
				n++
			}
		}
	}
	if n < 100 {
		t.Fatalf("only %d sheets", n)
	}
}

// TestOpeningOff: without opening balances every account opens at zero,
// whatever the subledgers and register hold.
func TestOpeningOff(t *testing.T) {
	cfg := configFor(t, "retail", "medium", "balance: {generate_opening_balances: false}\n")
	on := configFor(t, "retail", "medium", "")
	s, _ := sheetOf(t, cfg, 1, heldFor(t, on))
	for a, b := range s.Balances {
		if b != 0 {
			t.Fatalf("account %d opens at %d", a, b)
		}
	}
}

// TestChecksSwitchedOff: validate_balance_equation and reconcile_subledgers
// false list their checks as not_run, naming the key, and leave the
// companies' figures of them out; the other checks still run. Without
// opening balances the opening sheet is not checked either.
func TestChecksSwitchedOff(t *testing.T) {
	for _, tt := range []struct {
		balance               string
		opening, subledger    string // detail of a check not run; "" runs
		openingKey, breaksKey bool
	}{
		{"", "", "", true, true},
		{"balance: {validate_balance_equation: false}\n", "balance.validate_balance_equation is false", "", false, true},
		{"balance: {reconcile_subledgers: false}\n", "", "balance.reconcile_subledgers is false", true, false},
		{"balance: {generate_opening_balances: false}\n", "balance.generate_opening_balances is false", "", false, true},
	} {
		ar := func(ch *chart.Chart) *fakeBlock {
			rec := ch.ByRole(chart.Receivables)[0]
			return &fakeBlock{debitAcct: rec, creditAcct: ch.ByRole(chart.Revenue)[0], amount: 100_00,
				open: map[int]int64{len(ch.Accounts) + rec: 100_00, 2*len(ch.Accounts) + rec: 100_00}}
		}
		checks, companies, rows := runValidation(t, configFor(t, "manufacturing", "small", tt.balance), nil, ar)
		name := strings.TrimSpace(tt.balance)
		for _, c := range checks {
			want := map[string]string{CheckOpeningBalanced: tt.opening, CheckSubledgerControl: tt.subledger}[c.Name]
			switch {
			case want != "" && (c.Status != "not_run" || !strings.HasPrefix(c.Detail, want)):
				t.Errorf("%s: %+v, want not_run: %s", name, c, want)
			case want == "" && c.Status != "passed":
				t.Errorf("%s: %+v, want passed", name, c)
			}
		}
		_, hasOpening := companies[0]["opening_is_balanced"]
		_, hasBreaks := companies[0]["subledger_breaks"]
		if hasOpening != tt.openingKey || hasBreaks != tt.breaksKey || rows == 0 {
			t.Errorf("%s: opening_is_balanced given %v, subledger_breaks given %v, %d rows", name, hasOpening, hasBreaks, rows)
		}
	}
}
