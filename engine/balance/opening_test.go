package balance

import (
	"fmt"
	"math"
	"slices"
	"testing"

	"datasynth.dev/engine/chart"
	"datasynth.dev/engine/config"
	"datasynth.dev/engine/money"
)

// configFor parses a one-company config of the industry and chart size,
// with the YAML of a balance section (or "").
func configFor(t *testing.T, industry, complexity, balance string) *config.Config {
	t.Helper()
	cfg, err := config.Parse("t.yaml", fmt.Appendf(nil, `global: {industry: %s, start_date: "2024-01-01", period_months: 12}
companies: [{code: C1, name: Test Co, currency: USD, country: US, annual_transaction_volume: ten_k}]
chart_of_accounts: {complexity: %s}
output: {formats: [csv]}
%s`, industry, complexity, balance))
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

func sheetFor(t *testing.T, industry, complexity string, seed uint64, items func(*chart.Chart) map[int]int64) (*Sheet, *chart.Chart) {
	t.Helper()
	return sheetOf(t, configFor(t, industry, complexity, ""), seed, items)
}

// sheetOf returns the opening sheet of cfg's first company for a revenue
// of 25 million, with the open items and register balances items gives.
func sheetOf(t *testing.T, cfg *config.Config, seed uint64, items func(*chart.Chart) map[int]int64) (*Sheet, *chart.Chart) {
	t.Helper()
	industry, complexity := cfg.Global.Industry, cfg.ChartOfAccounts.Complexity
	size := 0
	for _, c := range config.Complexities {
		if c.Name == complexity {
			size = c.Accounts
		}
	}
	ch, err := chart.Build(industry, size, true)
	if err != nil {
		t.Fatal(err)
	}
	var open map[int]int64
	if items != nil {
		open = items(ch)
	}
	return Opening(cfg, seed, ch, 0, 2_500_000_000, open, nil), ch
}

// TestOpeningSheet checks every industry's opening sheet on every chart
// size: balanced to the minor unit, each account on its normal side, the
// working-capital accounts filled, the income statement empty.
func TestOpeningSheet(t *testing.T) {
	industries := []string{"manufacturing", "retail", "financial_services", "healthcare", "technology",
		"professional_services", "energy", "transportation", "real_estate", "telecommunications"}
	for _, ind := range industries {
		for _, cx := range config.Complexities {
			s, ch := sheetFor(t, ind, cx.Name, 7, nil)
			sum, assets, byRole := checkSides(t, ind+"/"+cx.Name, s, ch)
			if sum != 0 {
				t.Fatalf("%s/%s: assets - liabilities - equity = %d", ind, cx.Name, sum)
			}
			for _, r := range []chart.Role{chart.Bank, chart.Inventory, chart.Prepaid} {
				if byRole[r] <= 0 {
					t.Fatalf("%s/%s: %s opens at %d", ind, cx.Name, r, byRole[r])
				}
			}
			for _, r := range []chart.Role{chart.Borrowings, chart.Equity} {
				if byRole[r] >= 0 {
					t.Fatalf("%s/%s: %s opens at %d", ind, cx.Name, r, byRole[r])
				}
			}
			// Without subledger open items or a register, the control and
			// fixed-asset accounts open at zero.
			if byRole[chart.Receivables] != 0 || byRole[chart.Payables] != 0 || byRole[chart.FixedAssets] != 0 || byRole[chart.AccumDepr] != 0 {
				t.Fatalf("%s/%s: receivables %d and payables %d without open items", ind, cx.Name, byRole[chart.Receivables], byRole[chart.Payables])
			}
			if byRole[chart.GRIR] != 0 || byRole[chart.Suspense] != 0 {
				t.Fatalf("%s/%s: clearing accounts open at %d and %d", ind, cx.Name, byRole[chart.GRIR], byRole[chart.Suspense])
			}
			// Current assets follow the industry's asset turnover and
			// composition for the estimated revenue, within the variation.
			p := profiles[ind]
			want := money.MulDiv(money.MulDiv(s.Revenue, bp, p.turnover), p.current, bp)
			if assets < want*80/100 || assets > want*122/100 {
				t.Fatalf("%s/%s: current assets %d for revenue %d, want about %d", ind, cx.Name, assets, s.Revenue, want)
			}
		}
	}
}

// checkSides checks that every account of s opens on its normal side and
// the income statement empty, and returns the sum of the balances, the
// assets, and the balances by role.
func checkSides(t *testing.T, name string, s *Sheet, ch *chart.Chart) (sum, assets int64, byRole map[chart.Role]int64) {
	t.Helper()
	byRole = map[chart.Role]int64{}
	for a, b := range s.Balances {
		acct := ch.Accounts[a]
		sum += b
		byRole[acct.Role] += b
		if acct.Type == "asset" {
			assets += b
		}
		switch {
		case !acct.Postable || acct.PL:
			if b != 0 {
				t.Fatalf("%s: %s %s opens at %d", name, acct.Number, acct.Name, b)
			}
		case acct.Role == chart.AccumDepr:
			if b > 0 {
				t.Fatalf("%s: %s has a debit balance %d", name, acct.Name, b)
			}
		case acct.Type == "asset" && b < 0, acct.Type != "asset" && b > 0:
			t.Fatalf("%s: %s (%s) opens on the wrong side: %d", name, acct.Name, acct.Type, b)
		}
	}
	return sum, assets, byRole
}

// TestOpeningWithTargets: with the receivables and payables that Targets
// gives held by the subledgers (as the generator's opening open items hold
// them), every industry's sheet on every chart size still balances with
// every account on its normal side: what the days outstanding leave over
// moves to cash and accrued liabilities without turning them over.
func TestOpeningWithTargets(t *testing.T) {
	for ind := range profiles {
		for _, cx := range config.Complexities {
			for seed := range uint64(20) {
				items := func(ch *chart.Chart) map[int]int64 {
					rec, pay := Targets(configFor(t, ind, cx.Name, ""), 0, 2_500_000_000)
					return map[int]int64{ch.ByRole(chart.Receivables)[0]: rec, ch.ByRole(chart.Payables)[0]: -pay}
				}
				s, ch := sheetFor(t, ind, cx.Name, seed, items)
				name := fmt.Sprintf("%s/%s seed %d", ind, cx.Name, seed)
				sum, _, byRole := checkSides(t, name, s, ch)
				if sum != 0 || byRole[chart.Receivables] <= 0 || byRole[chart.Payables] >= 0 {
					t.Fatalf("%s: off by %d; receivables %d, payables %d", name, sum, byRole[chart.Receivables], byRole[chart.Payables])
				}
			}
		}
	}
}

// TestOpeningDeterministic: the sheet depends on the seed, and only on it.
func TestOpeningDeterministic(t *testing.T) {
	a, _ := sheetFor(t, "retail", "medium", 1, nil)
	b, _ := sheetFor(t, "retail", "medium", 1, nil)
	c, _ := sheetFor(t, "retail", "medium", 2, nil)
	if !slices.Equal(a.Balances, b.Balances) {
		t.Fatal("two sheets of one seed differ")
	}
	if slices.Equal(a.Balances, c.Balances) {
		t.Fatal("two seeds gave the same sheet")
	}
}

// TestOpeningOpenItems: the control and fixed-asset accounts open at what
// the subledgers and the register hold; the current assets keep their size
// and the sheet its balance.
func TestOpeningOpenItems(t *testing.T) {
	var ar, ap, fa, dep int
	items := func(ch *chart.Chart) map[int]int64 {
		ar, ap = ch.ByRole(chart.Receivables)[1], ch.ByRole(chart.Payables)[0]
		fa, dep = ch.ByRole(chart.FixedAssets)[2], ch.ByRole(chart.AccumDepr)[0]
		return map[int]int64{ar: 1_234_567_89, ap: -98_765_43, fa: 5_000_000_00, dep: -1_500_000_00}
	}
	with, ch := sheetFor(t, "manufacturing", "small", 5, items)
	without, _ := sheetFor(t, "manufacturing", "small", 5, nil)
	var sum, assetsWith, assetsWithout int64
	for a, b := range with.Balances {
		sum += b
		acct := ch.Accounts[a]
		if acct.Type == "asset" && acct.Role != chart.FixedAssets && acct.Role != chart.AccumDepr {
			assetsWith += b
			assetsWithout += without.Balances[a]
		}
		if (acct.Role == chart.Receivables && a != ar) || (acct.Role == chart.Payables && a != ap) ||
			(acct.Role == chart.FixedAssets && a != fa) || (acct.Role == chart.AccumDepr && a != dep) {
			if b != 0 {
				t.Fatalf("%s opens at %d without open items", acct.Name, b)
			}
		}
	}
	if with.Balances[ar] != 1_234_567_89 || with.Balances[ap] != -98_765_43 || with.Balances[fa] != 5_000_000_00 || with.Balances[dep] != -1_500_000_00 {
		t.Fatalf("control and asset accounts open at %d, %d, %d, %d", with.Balances[ar], with.Balances[ap], with.Balances[fa], with.Balances[dep])
	}
	if sum != 0 || assetsWith != assetsWithout {
		t.Fatalf("sheet off by %d; current assets %d with open items, %d without", sum, assetsWith, assetsWithout)
	}
	rec, pay := Targets(configFor(t, "manufacturing", "small", ""), 0, 2_500_000_000)
	if rec <= 0 || pay <= 0 || rec <= pay {
		t.Fatalf("targets: receivables %d, payables %d", rec, pay)
	}
}

// TestOpeningStockWeights: given the stock the flows keep on each
// inventory account, the opening inventory is split in proportion to it
// (an account that holds no stocked material opens at zero), the total is
// the one the random split gives, and the sheet still balances.
func TestOpeningStockWeights(t *testing.T) {
	cfg := configFor(t, "retail", "medium", "")
	ch, err := chart.Build("retail", 400, true)
	if err != nil {
		t.Fatal(err)
	}
	stock := ch.ByRole(chart.Inventory)
	w := make([]int64, len(stock))
	for i := range w {
		w[i] = int64(i%3) * 1000 // every third account holds nothing
	}
	random := Opening(cfg, 5, ch, 0, 2_500_000_000, nil, nil)
	weighted := Opening(cfg, 5, ch, 0, 2_500_000_000, nil, w)
	var total, want, sum int64
	for _, a := range stock {
		total += weighted.Balances[a]
		want += random.Balances[a]
	}
	if total != want || total <= 0 {
		t.Fatalf("inventory %d split by weight, %d at random", total, want)
	}
	for _, v := range w {
		sum += v
	}
	for i, a := range stock {
		share := total * w[i] / sum
		if d := weighted.Balances[a] - share; d < -1 || d > int64(len(stock)) {
			t.Errorf("%s: %d, want about %d (weight %d of %d)", ch.Accounts[a].Name, weighted.Balances[a], share, w[i], sum)
		}
	}
	var debit, credit int64
	for _, v := range weighted.Balances {
		if v > 0 {
			debit += v
		} else {
			credit -= v
		}
	}
	if debit != credit {
		t.Errorf("sheet off by %d", debit-credit)
	}
}

// TestSharesFollowBenford: the opening balances that spread divides
// among the accounts of a group have Benford's first digits (their
// monthly parts, loan repayments and prepaid releases, repeat every month
// in the journal). Over ten large-chart sheets the first digits' mean
// absolute deviation stays near what that many Benford draws give (about
// 0.01); the evenly drawn weights before generator 2.45.0 gave every digit
// the same chance, about 0.05.
func TestSharesFollowBenford(t *testing.T) {
	var digits [10]int
	n := 0
	for seed := range uint64(10) {
		s, _ := sheetFor(t, "manufacturing", "large", seed+1, nil)
		for _, v := range s.Balances {
			v = max(v, -v)
			if v == 0 {
				continue
			}
			for v >= 10 {
				v /= 10
			}
			digits[v]++
			n++
		}
	}
	mad := 0.0
	for d := 1; d <= 9; d++ {
		mad += math.Abs(float64(digits[d])/float64(n) - math.Log10(1+1/float64(d)))
	}
	mad /= 9
	t.Logf("first-digit MAD %.4f over %d balances: %v", mad, n, digits)
	if n < 1000 || mad > 0.005 {
		t.Fatalf("first-digit MAD %.4f over %d opening balances: %v", mad, n, digits)
	}
}
