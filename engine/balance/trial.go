package balance

import (
	"fmt"
	"time"

	"datasynth.dev/engine/chart"
	"datasynth.dev/engine/table"
)

// Period is one fiscal period of the posting calendar: a calendar month,
// cut to the generation's first and last day where those fall inside it.
type Period struct {
	FiscalYear   int // the calendar year in which the fiscal year ends
	FiscalPeriod int // 1..fiscal_year_months
	// Start and End are the first and last day, as days since 1970-01-01.
	Start, End int32
	// YearStart is true for the first period of a fiscal year, and for the
	// first period generated.
	YearStart bool
}

// Block is a block of journal entries as the ledger generates it.
type Block interface {
	// Company is the index of the company whose entries the block holds.
	Company() int
	// Counts returns the number of entries and line items.
	Counts() (entries, lines int64)
	// Tally adds the block's line amounts to debit and credit, indexed by
	// period*accounts + chart index, and returns the number of entries
	// whose debits and credits differ and the sum of the entries' totals
	// as generated.
	Tally(debit, credit []int64, accounts int) (unbalanced, total int64)
	// OpenItems adds the amounts the block's subledger invoices have open
	// to open, indexed by slot*accounts + chart index, debits positive:
	// slot 0 at the end of the day before the first period, slot p+1 at
	// the end of period p.
	OpenItems(open []int64, accounts int)
}

// Tally accumulates the journal per company, fiscal period and account as
// blocks are generated: debits and credits in minor units, so adding
// blocks in any order, on any number of threads, gives the same sums.
type Tally struct {
	ch       *chart.Chart
	periods  []Period
	accounts int
	co       []companyTally
}

type companyTally struct {
	debit, credit []int64 // period*accounts + chart index
	// open are the subledgers' open items, (period+1)*accounts + chart
	// index, slot 0 the opening (Block.OpenItems), and what the asset
	// register holds (Hold).
	open []int64
	// register is true when the asset register was added (Hold): then
	// every fixed-asset and accumulated-depreciation account is compared
	// with it, whatever it holds.
	register   bool
	entries    int64
	lines      int64
	unbalanced int64
	docTotal   int64 // sum of the documents' totals as generated
}

// NewTally returns an empty tally for the companies, periods and chart of
// a ledger.
func NewTally(ch *chart.Chart, periods []Period, companies int) *Tally {
	t := &Tally{ch: ch, periods: periods, accounts: len(ch.Accounts), co: make([]companyTally, companies)}
	n := len(periods) * t.accounts
	for i := range t.co {
		t.co[i].debit, t.co[i].credit = make([]int64, n), make([]int64, n)
		t.co[i].open = make([]int64, n+t.accounts)
	}
	return t
}

// Add adds a generated block.
func (t *Tally) Add(b Block) {
	c := &t.co[b.Company()]
	unbalanced, total := b.Tally(c.debit, c.credit, t.accounts)
	b.OpenItems(c.open, t.accounts)
	entries, lines := b.Counts()
	c.unbalanced += unbalanced
	c.docTotal += total
	c.entries += entries
	c.lines += lines
}

// Hold adds what company ci's fixed-asset register holds to the
// subledgers' items compared with the accounts: held returns, for the end
// of day asOf, the register's balances by chart index, debits positive; it
// is asked for the day before the first period and for the last day of
// every period.
func (t *Tally) Hold(ci int, held func(asOf time.Time) map[int]int64) {
	c := &t.co[ci]
	c.register = true
	add := func(slot int, day int32) {
		for a, v := range held(time.Unix(int64(day)*86400, 0).UTC()) {
			c.open[slot*t.accounts+a] += v
		}
	}
	add(0, t.periods[0].Start-1)
	for pi, p := range t.periods {
		add(pi+1, p.End)
	}
}

// Category is the trial balance category of an account: DataSynth's
// financial-statement categories (Cash, Receivables, Inventory,
// FixedAssets, Payables, AccruedLiabilities, LongTermDebt, Equity,
// Revenue, CostOfSales, OperatingExpenses, OtherIncome, OtherExpenses),
// and OtherCurrentAssets for prepayments, input VAT and suspense accounts,
// which DataSynth's categories leave out.
func Category(a *chart.Account) string {
	switch a.Role {
	case chart.Bank:
		return "Cash"
	case chart.Receivables:
		return "Receivables"
	case chart.Inventory:
		return "Inventory"
	case chart.Prepaid, chart.InputVAT, chart.Suspense:
		return "OtherCurrentAssets"
	case chart.FixedAssets, chart.AccumDepr:
		return "FixedAssets"
	case chart.Payables:
		return "Payables"
	case chart.GRIR, chart.OutputVAT, chart.Accrued, chart.PayrollLiab:
		return "AccruedLiabilities"
	case chart.Borrowings:
		return "LongTermDebt"
	case chart.Equity:
		return "Equity"
	case chart.Revenue:
		return "Revenue"
	case chart.OtherIncome:
		return "OtherIncome"
	case chart.COGS:
		return "CostOfSales"
	case chart.Finance:
		return "OtherExpenses"
	}
	return "OperatingExpenses"
}

// TrialBalanceColumns are the columns of period_close/trial_balances: one
// row per company, fiscal period and postable account. DataSynth writes
// account_code, account_name, category, debit_balance and credit_balance
// under each period's fiscal_year, fiscal_period, period_start and
// period_end; the company, the period's movement and the currency are
// ours.
var TrialBalanceColumns = []table.Column{
	{Name: "company_code"}, {Name: "fiscal_year", Kind: table.Int}, {Name: "fiscal_period", Kind: table.Int},
	{Name: "period_start", Kind: table.Date}, {Name: "period_end", Kind: table.Date},
	{Name: "account_code"}, {Name: "account_name"}, {Name: "category"},
	{Name: "opening_balance", Kind: table.Amount}, {Name: "period_debits", Kind: table.Amount},
	{Name: "period_credits", Kind: table.Amount}, {Name: "closing_balance", Kind: table.Amount},
	{Name: "debit_balance", Kind: table.Amount}, {Name: "credit_balance", Kind: table.Amount},
	{Name: "currency"},
}

// TrialBalances calls emit with every row of period_close/trial_balances,
// company by company, period by period, account by account in chart
// order, and records the checks the rows pass in v. Each account's
// closing balance is its opening balance plus the period's debits minus
// its credits, and the next period opens at it; when a new fiscal year
// opens, income-statement accounts open at zero and their result moves
// into retained earnings (the year-end close). At the opening and at every
// period end, each control account's balance is compared with the
// subledgers' open items on it. openings holds each company's opening
// sheet. The row is reused after emit returns; with emit nil, no rows are
// made and only the checks are recorded.
func (t *Tally) TrialBalances(openings []*Sheet, currencies []string, v *Validation, emit func(row []table.Value) error) error {
	ch := t.ch
	retained := RetainedEarnings(ch)
	var row []table.Value
	for ci := range t.co {
		c := &t.co[ci]
		s := openings[ci]
		cv := v.company(s.Company)
		bal := append([]int64(nil), s.Balances...)
		reconcile := v.skipSubledgers == ""
		if reconcile {
			cv.controls(ch, "opening balance", s.AsOf, bal, c.open[:t.accounts], c.register)
		}
		var prevClose []int64
		for pi, p := range t.periods {
			if pi > 0 && p.YearStart {
				var result int64
				for a := range ch.Accounts {
					if ch.Accounts[a].PL {
						result += bal[a]
						bal[a] = 0
					}
				}
				bal[retained] += result
			}
			if prevClose != nil {
				cv.rollForward(ch, prevClose, bal, p.YearStart, retained)
			}
			base := pi * t.accounts
			var dr, cr, net int64
			for a := range ch.Accounts {
				acct := &ch.Accounts[a]
				if !acct.Postable {
					continue
				}
				d, k := c.debit[base+a], c.credit[base+a]
				open := bal[a]
				closing := open + d - k
				bal[a] = closing
				dr += d
				cr += k
				net += closing
				if emit == nil {
					continue
				}
				row = append(row[:0], table.Str(s.Company), table.I(int64(p.FiscalYear)), table.I(int64(p.FiscalPeriod)),
					table.D(p.Start), table.D(p.End), table.Str(acct.Number), table.Str(acct.Name), table.Str(Category(acct)),
					table.A(open, s.Digits), table.A(d, s.Digits), table.A(k, s.Digits), table.A(closing, s.Digits),
					table.A(max(closing, 0), s.Digits), table.A(max(-closing, 0), s.Digits), table.Str(currencies[ci]))
				if err := emit(row); err != nil {
					return err
				}
			}
			cv.period(dr, cr, net)
			if reconcile {
				cv.controls(ch, fmt.Sprintf("%d-%02d", p.FiscalYear, p.FiscalPeriod), time.Unix(int64(p.End)*86400, 0).UTC(),
					bal, c.open[(pi+1)*t.accounts:(pi+2)*t.accounts], c.register)
			}
			prevClose = append(prevClose[:0], bal...)
		}
		cv.journal(c)
	}
	return nil
}
