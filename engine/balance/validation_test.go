package balance

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"datasynth.dev/engine/chart"
	"datasynth.dev/engine/config"
	"datasynth.dev/engine/money"
	"datasynth.dev/engine/table"
)

// fakeBlock posts one journal entry in period 0 (lines debit account
// debitAcct and credit creditAcct, amount each) and reports the open items
// in open, slot by slot.
type fakeBlock struct {
	debitAcct, creditAcct int
	amount                int64
	open                  map[int]int64 // slot*accounts + chart index
	// register, when set, is the asset register the tally holds (Hold).
	register func(asOf time.Time) map[int]int64
}

func (b *fakeBlock) Company() int                   { return 0 }
func (b *fakeBlock) Counts() (entries, lines int64) { return 1, 2 }
func (b *fakeBlock) Tally(debit, credit []int64, accounts int) (unbalanced, total int64) {
	debit[b.debitAcct] += b.amount
	credit[b.creditAcct] += b.amount
	return 0, b.amount
}
func (b *fakeBlock) OpenItems(open []int64, accounts int) {
	for k, v := range b.open {
		open[k] += v
	}
}

type checkResult struct {
	Name, Status, Detail string
	Failures             int64
}

// runValidation runs the trial balances of cfg's first company over two
// periods with the block and returns the checks and companies of
// balance_validation.json and the number of trial balance rows.
func runValidation(t *testing.T, cfg *config.Config, items func(*chart.Chart) map[int]int64, blk func(ch *chart.Chart) *fakeBlock) ([]checkResult, []map[string]any, int) {
	t.Helper()
	s, ch := sheetOf(t, cfg, 5, items)
	periods := []Period{{FiscalYear: 2024, FiscalPeriod: 1, Start: 19723, End: 19753, YearStart: true},
		{FiscalYear: 2024, FiscalPeriod: 2, Start: 19754, End: 19782}}
	tl := NewTally(ch, periods, 1)
	b := blk(ch)
	tl.Add(b)
	if b.register != nil {
		tl.Hold(0, b.register)
	}
	v := NewValidation(ch, cfg.Balance)
	v.Opening(s, "USD")
	rows := 0
	if err := tl.TrialBalances([]*Sheet{s}, []string{"USD"}, v, func([]table.Value) error { rows++; return nil }); err != nil {
		t.Fatal(err)
	}
	v.Expect(s.Company, 1)
	data, err := v.JSON()
	if err != nil {
		t.Fatal(err)
	}
	var out struct {
		Checks    []checkResult
		Companies []map[string]any
	}
	if err := json.Unmarshal(data, &out); err != nil {
		t.Fatal(err)
	}
	return out.Checks, out.Companies, rows
}

// validate runs the trial balances of a manufacturer with the block and
// returns the subledger check and the company's break count.
func validate(t *testing.T, items func(*chart.Chart) map[int]int64, blk func(ch *chart.Chart) *fakeBlock) (checkResult, int64) {
	t.Helper()
	checks, companies, _ := runValidation(t, configFor(t, "manufacturing", "small", ""), items, blk)
	for _, c := range checks {
		if c.Name == CheckSubledgerControl {
			breaks, _ := companies[0]["subledger_breaks"].(float64)
			return c, int64(breaks)
		}
	}
	t.Fatalf("no %s check in %+v", CheckSubledgerControl, checks)
	return checkResult{}, 0
}

// TestSubledgerToControl: the check passes when the subledgers' open items
// equal the control accounts at the opening and at both period ends, and
// fails, naming company, period, account and difference, when an invoice
// is missing from the subledger, when the opening balance carries
// receivables without open items, and when items sit on an account that is
// not a control account.
func TestSubledgerToControl(t *testing.T) {
	const amount = 1_000_00
	// An AR invoice in period 0: receivables debited, revenue credited,
	// open at both period ends; the opening sheet carries 500.00 of AP.
	items := func(ch *chart.Chart) map[int]int64 {
		return map[int]int64{ch.ByRole(chart.Payables)[0]: -500_00}
	}
	invoice := func(open map[string]int64) func(ch *chart.Chart) *fakeBlock {
		return func(ch *chart.Chart) *fakeBlock {
			n := len(ch.Accounts)
			ar, ap, rev, grir := ch.ByRole(chart.Receivables)[0], ch.ByRole(chart.Payables)[0], ch.ByRole(chart.Revenue)[0], ch.ByRole(chart.GRIR)[0]
			acct := map[string]int{"ar": ar, "ap": ap, "grir": grir}
			b := &fakeBlock{debitAcct: ar, creditAcct: rev, amount: amount, open: map[int]int64{}}
			for k, v := range open {
				slot, name, _ := strings.Cut(k, ":")
				b.open[int(slot[0]-'0')*n+acct[name]] += v
			}
			return b
		}
	}
	agree := map[string]int64{"0:ap": -500_00, "1:ap": -500_00, "2:ap": -500_00, "1:ar": amount, "2:ar": amount}
	ck, breaks := validate(t, items, invoice(agree))
	if ck.Status != "passed" || ck.Failures != 0 || breaks != 0 {
		t.Fatalf("subledgers that agree: %+v, %d breaks", ck, breaks)
	}

	for name, c := range map[string]struct {
		open  map[string]int64
		items func(*chart.Chart) map[int]int64
		want  int64
		in    string
	}{
		"invoice missing at the second period end": {
			open: map[string]int64{"0:ap": -500_00, "1:ap": -500_00, "2:ap": -500_00, "1:ar": amount}, items: items,
			want: 1, in: "C1 2024-02 (2024-02-29) account",
		},
		"opening payables without open items": {
			open: map[string]int64{"1:ar": amount, "2:ar": amount}, items: items,
			want: 3, in: "C1 opening balance (2024-01-01) account",
		},
		"open items on the GR/IR clearing account": {
			open:  map[string]int64{"0:ap": -500_00, "1:ap": -500_00, "2:ap": -500_00, "1:ar": amount, "2:ar": amount, "2:grir": 7},
			items: items, want: 1, in: "off by -0.07",
		},
	} {
		ck, breaks := validate(t, c.items, invoice(c.open))
		if ck.Status != "failed" || ck.Failures != c.want || breaks != c.want || !strings.Contains(ck.Detail, c.in) {
			t.Errorf("%s: %+v, %d breaks; want failed with %d failures mentioning %q", name, ck, breaks, c.want, c.in)
		}
	}
}

// TestRegisterToFixedAssets: with the asset register held, the
// fixed-asset accounts are compared with it at the opening and at both
// period ends: an asset bought in period 0 and in the register from its
// purchase date passes; a register that holds less than the account, or
// nothing at all while the account holds the purchase, fails at both
// period ends, naming the register.
func TestRegisterToFixedAssets(t *testing.T) {
	const cost = 1_000_00
	bought := time.Date(2024, 1, 10, 0, 0, 0, 0, time.UTC)
	purchase := func(holds int64) func(ch *chart.Chart) *fakeBlock {
		return func(ch *chart.Chart) *fakeBlock {
			fa := ch.ByRole(chart.FixedAssets)[0]
			return &fakeBlock{debitAcct: fa, creditAcct: ch.ByRole(chart.Bank)[0], amount: cost,
				register: func(asOf time.Time) map[int]int64 {
					if asOf.Before(bought) {
						return nil
					}
					return map[int]int64{fa: holds}
				}}
		}
	}
	ck, breaks := validate(t, nil, purchase(cost))
	if ck.Status != "passed" || breaks != 0 || !strings.Contains(ck.Detail, "asset register") {
		t.Fatalf("a register that agrees: %+v, %d breaks", ck, breaks)
	}
	for name, holds := range map[string]int64{"register short by 100.00": cost - 100_00, "register empty": 0} {
		ck, breaks := validate(t, nil, purchase(holds))
		want := fmt.Sprintf("balance 1000.00, asset register %s, off by %s", string(money.AppendMinor(nil, holds, 2)), string(money.AppendMinor(nil, cost-holds, 2)))
		if ck.Status != "failed" || ck.Failures != 2 || breaks != 2 || !strings.Contains(ck.Detail, want) {
			t.Errorf("%s: %+v, %d breaks; want 2 failures with %q", name, ck, breaks, want)
		}
	}
}

// TestSubledgerCheckNotRun: without trial balances nothing was compared,
// and the check says so rather than passing.
func TestSubledgerCheckNotRun(t *testing.T) {
	s, ch := sheetFor(t, "retail", "small", 1, nil)
	v := NewValidation(ch, configFor(t, "manufacturing", "small", "").Balance)
	v.Opening(s, "USD")
	for _, c := range v.checks() {
		if c.Name == CheckSubledgerControl && c.Status != "not_run" {
			t.Fatalf("%+v", c)
		}
	}
}
