package ledger

import (
	"math/rand/v2"
	"slices"
	"strconv"
	"time"

	"datasynth.dev/engine/chart"
	"datasynth.dev/engine/config"
	"datasynth.dev/engine/flows"
	"datasynth.dev/engine/masterdata"
	"datasynth.dev/engine/money"
	"datasynth.dev/engine/rng"
)

// Recurring postings follow the calendar, not a random draw: a payroll run
// per company and pay period, the month's withheld taxes paid on the 15th
// of the next month, a depreciation run per company and month, the
// purchase of every fixed asset the register has bought during the period
// (on its acquisition date, paid from the operating bank account), and a
// month-end accrual per company and month, reversed on the first day of
// the next month (the last month's accrual stays open: its reversal
// belongs to the period after the dataset), and, when the books open with
// balances, a loan instalment and a release of prepaid expenses per
// company and month, run down from the opening balances; and, where the
// company's operating account would run dry, a drawing on its revolving
// credit facility on the first day of a month, repaid when the account is
// in funds again (Settle); and a VAT return per month, paid (or
// refunded) on the 20th of the next month, that clears the VAT the
// month's documents posted (the opening balances in the first month's
// return). So the fixed-asset accounts
// hold what the asset register (master_data/fixed_assets) holds at every
// period end, and the VAT accounts the VAT of the last month alone.
//
// They take their places among a company's documents by sequence number:
// the company's R recurring postings, in date order, sit at sequence
// numbers spread evenly over its N documents ((2j+1)N/2R for the j-th), so
// every block knows from the schedule alone which of its documents are
// recurring and never needs another block. The drawings and the VAT
// returns are the exception: they take the company's last sequence
// numbers, all in its last block, which a run completes once every other
// block of the company has been tallied (Ledger.Settle), as the trial
// balances are. Each
// recurring posting draws
// from its own stream (seed, "recurring", company, kind, period), so an
// accrual and its reversal hold the same lines wherever they land. A
// company with fewer documents than recurring postings gets none of them,
// with a warning.

type recurKind int8

const (
	recPayroll recurKind = iota
	recDepreciation
	recAccrual
	recReversal
	recRemittance
	recAcquisition
	recLoan
	recPrepaid
	recDraw
	recVAT
)

var recurNames = [...]string{"payroll", "depreciation", "accrual", "reversal", "remittance", "acquisition", "loan", "prepaid", "draw", "vat"}

// vatReturn pays a month's VAT (sales tax in the United States) to the
// tax authority, or receives its refund: it clears what the month's
// documents put on the input and output VAT accounts.
var vatReturn = template{"vat_return", "SA", "R2R", "recurring", "VAT return", "62", noParty, true,
	[]chart.Role{chart.OutputVAT}, []chart.Role{chart.Bank}}

// creditDrawing is a drawing on the revolving credit facility that funds
// the operating account, and creditRepayment its repayment.
var (
	creditDrawing = template{"credit_drawing", "SA", "R2R", "manual", "Drawing on the revolving credit facility", "18", noParty, true,
		[]chart.Role{chart.Bank}, []chart.Role{chart.Borrowings}}
	creditRepayment = template{"credit_repayment", "SA", "R2R", "manual", "Repayment of the revolving credit facility", "18", noParty, true,
		[]chart.Role{chart.Borrowings}, []chart.Role{chart.Bank}}
	creditFee = template{"credit_fee", "SA", "R2R", "automated", "Commitment fee on the revolving credit facility", "18", noParty, true,
		[]chart.Role{chart.Finance}, []chart.Role{chart.Bank}}
)

// Loans are repaid over loanMonths and prepaid expenses released over
// prepaidMonths from their opening balances, in equal monthly parts, so
// that a year of them leaves both on their normal side. An account whose
// part is below the config's min_amount keeps its balance: folding its
// part into another account's (fitLimits) would take that one past zero.
const (
	loanMonths    = 60
	prepaidMonths = 24
)

// recurring is one scheduled posting.
type recurring struct {
	seq    int64
	day    int32 // posting day, index into Ledger.days
	kind   recurKind
	period int32 // pay period or month, from 0; an acquisition's asset index
	// month is the calendar month of a depreciation run or accrual.
	year  int
	month time.Month
	// runs is the number of payroll runs a remittance pays the
	// withholdings of.
	runs int64
}

// payrollRemittance pays a month's withheld taxes and social security to
// the authorities.
var payrollRemittance = template{"payroll_remittance", "SA", "H2R", "automated", "Payroll tax remittance", "61", noParty, true,
	[]chart.Role{chart.PayrollLiab}, []chart.Role{chart.Bank}}

// accrualReversal is the posting that reverses a month-end accrual.
var accrualReversal = template{"accrual_reversal", "SA", "R2R", "manual", "Reversal of month-end accrual", "10", noParty, false,
	[]chart.Role{chart.Opex, chart.Personnel}, []chart.Role{chart.Accrued}}

// schedule holds what a company's recurring postings need.
type schedule struct {
	posts []recurring
	// tail is the number of drawings and VAT returns, the last of posts.
	tail   int
	assets []masterdata.FixedAsset
	// gross is the gross pay of one pay period by cost centre; monthly,
	// when payroll runs monthly, that of each calendar month (the
	// employees' MonthlyPay, which adds up to the base salary over a
	// year).
	gross   []int64
	monthly [12][]int64
	// user posts the runs: the first employee in finance.
	user int32
}

// payPeriods returns the pay dates of the period for a pay frequency: the
// last weekday of each month (monthly), also of each 15th (semimonthly),
// or of every second or every week counted from the start (biweekly,
// weekly), whenever the pay period ends inside the dataset.
func payPeriods(freq string, start, end time.Time) []time.Time {
	var ends []time.Time
	switch freq {
	case "biweekly", "weekly":
		n := 14
		if freq == "weekly" {
			n = 7
		}
		for t := start.AddDate(0, 0, n-1); !t.After(end); t = t.AddDate(0, 0, n) {
			ends = append(ends, t)
		}
	default:
		for m := time.Date(start.Year(), start.Month(), 1, 0, 0, 0, 0, time.UTC); !m.After(end); m = m.AddDate(0, 1, 0) {
			if freq == "semimonthly" {
				if mid := m.AddDate(0, 0, 14); !mid.Before(start) && !mid.After(end) {
					ends = append(ends, mid)
				}
			}
			if last := m.AddDate(0, 1, -1); !last.Before(start) && !last.After(end) {
				ends = append(ends, last)
			}
		}
	}
	out := make([]time.Time, 0, len(ends))
	for _, t := range ends {
		for t.Weekday() == time.Saturday || t.Weekday() == time.Sunday {
			t = t.AddDate(0, 0, -1)
		}
		out = append(out, t)
	}
	return out
}

// periodsPerYear is how many pay periods a year has.
var periodsPerYear = map[string]int64{"monthly": 12, "semimonthly": 24, "biweekly": 26, "weekly": 52}

// plan builds company co's schedule. It returns a warning when the
// company has too few documents to hold it.
func (l *Ledger) plan(cfg *config.Config, co *company, env masterdata.Env) string {
	g := cfg.Global
	start, end := g.StartDate, g.EndDate()
	dayOf := func(t time.Time) int32 { return int32(t.Sub(start).Hours()/24) + lead }
	var posts []recurring
	sc := &co.sched
	if cfg.HR.Payroll {
		emps := masterdata.Employees(l.seed, env, co.cfg, co.sizes)
		ppy := periodsPerYear[cfg.HR.PayFrequency]
		sc.gross = make([]int64, co.sizes.CostCenters)
		for _, e := range emps {
			sc.gross[e.CostCenter] += e.BaseSalary / ppy
		}
		if cfg.HR.PayFrequency == "monthly" {
			for m := range sc.monthly {
				sc.monthly[m] = make([]int64, co.sizes.CostCenters)
				for _, e := range emps {
					sc.monthly[m][e.CostCenter] += e.MonthlyPay(m + 1)
				}
			}
		}
		runs := map[time.Time]int64{} // payroll runs by month
		for i, t := range payPeriods(cfg.HR.PayFrequency, start, end) {
			posts = append(posts, recurring{day: dayOf(t), kind: recPayroll, period: int32(i), year: t.Year(), month: t.Month()})
			runs[time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, time.UTC)]++
		}
		// The withholdings of a month are paid on the 15th of the next
		// (the following Monday when that is a weekend).
		for m := time.Date(start.Year(), start.Month(), 1, 0, 0, 0, 0, time.UTC); !m.After(end); m = m.AddDate(0, 1, 0) {
			due := m.AddDate(0, 1, 14)
			for due.Weekday() == time.Saturday || due.Weekday() == time.Sunday {
				due = due.AddDate(0, 0, 1)
			}
			if n := runs[m]; n > 0 && !due.After(end) {
				posts = append(posts, recurring{day: dayOf(due), kind: recRemittance, period: int32(len(posts)), year: m.Year(), month: m.Month(), runs: n})
			}
		}
	}
	sc.assets = masterdata.FixedAssets(l.seed, env, co.cfg, co.sizes)
	if !cfg.Balance.Opening {
		// The books open empty: the assets bought before the period are
		// not in them, so they are not depreciated either.
		sc.assets = slices.DeleteFunc(sc.assets, func(a masterdata.FixedAsset) bool { return a.Acquired.Before(start) })
	}
	for i, a := range sc.assets {
		if !a.Acquired.Before(start) && !a.Acquired.After(end) {
			posts = append(posts, recurring{day: dayOf(a.Acquired), kind: recAcquisition, period: int32(i), year: a.Acquired.Year(), month: a.Acquired.Month()})
		}
	}
	// The postings that need every other entry of the company (Settle):
	// the drawings on the credit facility and the VAT returns.
	var tail []recurring
	i := int32(0)
	for m := time.Date(start.Year(), start.Month(), 1, 0, 0, 0, 0, time.UTC); !m.After(end); m = m.AddDate(0, 1, 0) {
		first := m
		if first.Before(start) {
			first = start
		}
		tail = append(tail, recurring{day: dayOf(first), kind: recDraw, period: i, year: m.Year(), month: m.Month()})
		last := m.AddDate(0, 1, -1)
		if last.Before(start) || last.After(end) {
			continue
		}
		if len(masterdata.MonthlyDepreciation(sc.assets, m.Year(), m.Month())) > 0 {
			posts = append(posts, recurring{day: dayOf(last), kind: recDepreciation, period: i, year: m.Year(), month: m.Month()})
		}
		posts = append(posts, recurring{day: dayOf(last), kind: recAccrual, period: i, year: m.Year(), month: m.Month()})
		if cfg.Balance.Opening {
			posts = append(posts, recurring{day: dayOf(last), kind: recLoan, period: i, year: m.Year(), month: m.Month()},
				recurring{day: dayOf(last), kind: recPrepaid, period: i, year: m.Year(), month: m.Month()})
		}
		if next := last.AddDate(0, 0, 1); !next.After(end) {
			posts = append(posts, recurring{day: dayOf(next), kind: recReversal, period: i, year: m.Year(), month: m.Month()})
		}
		i++
	}
	slices.SortStableFunc(posts, func(a, b recurring) int { return int(a.day) - int(b.day) })
	// The VAT return of each month (period -1: the opening balances) is
	// due on the 20th of the next, or the next weekday; the last month's
	// falls after the dataset and its VAT stays payable. Only the flows
	// post VAT: a company whose processes charge none (a US company, which
	// pays no tax on purchases, with order-to-cash off) files none.
	taxIn, taxOut := flows.TaxRates(co.cfg.Country)
	postsVAT := (cfg.DocumentFlows.P2P.Enabled && taxIn > 0) || (cfg.DocumentFlows.O2C.Enabled && taxOut > 0)
	for p := -1; p < len(l.periods); p++ {
		m := time.Date(start.Year(), start.Month()+time.Month(p+1), 1, 0, 0, 0, 0, time.UTC)
		due := m.AddDate(0, 0, 19)
		for due.Weekday() == time.Saturday || due.Weekday() == time.Sunday {
			due = due.AddDate(0, 0, 1)
		}
		if (p < 0 && !cfg.Balance.Opening) || (p >= 0 && !postsVAT) || due.After(end) {
			continue
		}
		if due.Before(start) {
			due = start
		}
		tail = append(tail, recurring{day: dayOf(due), kind: recVAT, period: int32(p), year: due.Year(), month: due.Month()})
	}
	slices.SortStableFunc(tail, func(a, b recurring) int { return int(a.day) - int(b.day) })
	n, r, v := co.entries, int64(len(posts)+len(tail)), int64(len(tail))
	if r > n {
		return co.cfg.Code + ": " + strconv.FormatInt(n, 10) + " journal entries cannot hold its " + strconv.FormatInt(r, 10) +
			" recurring postings (payroll runs, depreciation runs, asset purchases, loan instalments, prepayment releases, month-end accruals and their reversals, credit facility postings, VAT returns); they are left out: raise annual_transaction_volume"
	}
	for j := range posts {
		posts[j].seq = (2*int64(j) + 1) * (n - v) / (2 * (r - v))
	}
	for j := range tail {
		tail[j].seq = n - v + int64(j)
	}
	sc.posts, sc.tail = append(posts, tail...), int(v)
	sc.user = co.userIn(masterdata.Finance)
	return ""
}

// userIn returns the first employee of department dept, or employee 0.
func (co *company) userIn(dept int) int32 {
	for i := range co.users {
		if masterdata.EmployeeDepartment(co.sizes, i) == dept {
			return int32(i)
		}
	}
	return 0
}

// next returns the index of the first scheduled posting at or after seq.
func (s *schedule) next(seq int64) int {
	i, _ := slices.BinarySearchFunc(s.posts, seq, func(p recurring, seq int64) int {
		switch {
		case p.seq < seq:
			return -1
		case p.seq > seq:
			return 1
		}
		return 0
	})
	return i
}

// recurringDoc appends the scheduled posting p of company co.
func (l *Ledger) recurringDoc(co *company, p *recurring, out *Block) {
	kind := p.kind
	if kind == recReversal {
		kind = recAccrual // the same lines as the accrual it reverses
	}
	r := rng.New(l.seed, "recurring", co.cfg.Code, recurNames[kind], strconv.Itoa(int(p.period)))
	d := document{seq: p.seq, party: -1, partyKind: noParty, day: p.day, docDay: p.day, fraud: noFraud}
	d.idHi, d.idLo = r.Uint64(), r.Uint64()
	if p.kind == recReversal {
		// Its own document id, from a stream of its own; the lines follow
		// from the accrual's draws.
		ids := rng.New(l.seed, "recurring", co.cfg.Code, recurNames[recReversal], strconv.Itoa(int(p.period)))
		d.idHi, d.idLo = ids.Uint64(), ids.Uint64()
	}
	first := len(out.items)
	sc := &co.sched
	switch p.kind {
	case recPayroll:
		d.tmpl, d.source, d.user = l.payroll, "recurring", sc.user
		l.payrollLines(co, p.month, out)
	case recDepreciation:
		d.tmpl, d.source, d.user = l.depreciation, "recurring", sc.user
		for _, dl := range masterdata.MonthlyDepreciation(sc.assets, p.year, p.month) {
			out.items = append(out.items, lineItem{account: int32(dl.Expense), costCenter: int32(dl.CostCenter), amount: dl.Amount, debit: true})
		}
		// One credit per accumulated-depreciation account.
		for _, dl := range masterdata.MonthlyDepreciation(sc.assets, p.year, p.month) {
			l.credit(out, first, int32(dl.Accumulated), dl.Amount)
		}
	case recAcquisition:
		a := &sc.assets[p.period]
		d.tmpl, d.source, d.user = l.acquisition, l.acquisition.source, sc.user
		d.party, d.partyKind = int32(a.Vendor), vendor
		out.items = append(out.items, lineItem{account: int32(a.AssetAccount), costCenter: int32(a.CostCenter), amount: a.Cost, debit: true})
		l.credit(out, first, l.acctOperatingBank, a.Cost)
	case recLoan:
		// A part of every loan's opening balance, paid from the operating
		// account.
		d.tmpl, d.source, d.user = l.loanRepayment, "recurring", sc.user
		for _, a := range l.chart.ByRole(chart.Borrowings) {
			if co.opening == nil {
				break // New's first pass over block 0, before the sheet
			}
			if part := -co.opening.Balances[a] / loanMonths; part >= max(co.minAmount, 1) {
				out.items = append(out.items, lineItem{account: int32(a), costCenter: -1, amount: part, debit: true})
				l.credit(out, first, l.acctOperatingBank, part)
			}
		}
	case recPrepaid:
		// A part of every prepaid expense's opening balance, released to
		// an operating expense account of its own.
		d.tmpl, d.source, d.user = l.prepayment, "recurring", sc.user
		opex := l.chart.ByRole(chart.Opex)
		for j, a := range l.chart.ByRole(chart.Prepaid) {
			if co.opening == nil {
				break // New's first pass over block 0, before the sheet
			}
			if part := co.opening.Balances[a] / prepaidMonths; part >= max(co.minAmount, 1) {
				out.items = append(out.items, lineItem{account: int32(opex[j%len(opex)]), costCenter: int32(r.IntN(co.ccs)), amount: part, debit: true},
					lineItem{account: int32(a), costCenter: -1, amount: part})
			}
		}
	case recDraw:
		// Settle has put each month's drawing in out.drawings,
		// negative for a repayment, and the facility's monthly
		// commitment fee in out.fee.
		d.tmpl, d.source, d.user = &creditFee, "recurring", sc.user
		if v := out.drawings[l.days[p.day].period]; v != 0 {
			d.tmpl = &creditDrawing
			if v < 0 {
				d.tmpl, v = &creditRepayment, -v
			}
			out.items = append(out.items, lineItem{account: l.acctOperatingBank, costCenter: -1, amount: v, debit: d.tmpl == &creditDrawing},
				lineItem{account: l.acctCreditFacility, costCenter: -1, amount: v, debit: d.tmpl == &creditRepayment})
		}
		out.items = append(out.items, lineItem{account: l.acctFacilityFee, costCenter: -1, amount: out.fee, debit: true},
			lineItem{account: l.acctOperatingBank, costCenter: -1, amount: out.fee})
	case recRemittance:
		d.tmpl, d.source, d.user = &payrollRemittance, "recurring", sc.user
		tax, fica, _ := l.withholdings(co, p.month)
		first := len(out.items)
		for _, c := range []struct {
			account int32
			amount  int64
		}{{l.acctPayrollTax, tax * p.runs}, {l.acctSocialSecurity, fica * p.runs}} {
			if c.amount > 0 {
				out.items = append(out.items, lineItem{account: c.account, costCenter: -1, amount: c.amount, debit: true})
				l.credit(out, first, l.acctOperatingBank, c.amount)
			}
		}
	case recVAT:
		// Settle has put in out.vatDue what each VAT account's return
		// clears, debits minus credits.
		d.tmpl, d.source, d.user = &vatReturn, vatReturn.source, sc.user
		var net int64
		for j, m := range out.vatDue {
			if m < 0 {
				out.items = append(out.items, lineItem{account: l.vatAccts[j], costCenter: -1, amount: -m, debit: true})
			}
			net += m
		}
		if net > 0 {
			out.items = append(out.items, lineItem{account: l.acctOperatingBank, costCenter: -1, amount: net, debit: true})
		}
		for j, m := range out.vatDue {
			if m > 0 {
				out.items = append(out.items, lineItem{account: l.vatAccts[j], costCenter: -1, amount: m})
			}
		}
		if net < 0 {
			out.items = append(out.items, lineItem{account: l.acctOperatingBank, costCenter: -1, amount: -net})
		}
	case recAccrual, recReversal:
		d.tmpl, d.source, d.user = l.accrual, "adjustment", sc.user
		if p.kind == recReversal {
			d.tmpl = &accrualReversal
		}
		l.accrualLines(co, r, out)
		if p.kind == recReversal {
			for i := range out.items[first:] {
				out.items[first+i].debit = !out.items[first+i].debit
			}
		}
	}
	items := fitLimits(out.items[first:], co.minAmount, co.maxAmount, r)
	out.items = append(out.items[:first], items...)
	if len(items) == 0 && p.kind == recVAT {
		// A month without VAT to clear: a reclassification takes the
		// slot, which moves neither the bank nor the result that the
		// drawings were planned on.
		l.reclassification(co, &d, r, out)
		return
	}
	if len(items) == 0 {
		// Nothing to post within the limits: an ordinary document takes
		// the slot, drawn from the posting's stream.
		l.document(co, p.seq, r, out)
		return
	}
	var total int64
	for _, it := range out.items[first:] {
		if it.debit {
			total += it.amount
		}
	}
	d.lines = int32(len(out.items) - first)
	l.add(out, d, total)
}

// credit adds amount to the credit line of account among the items from
// first, or appends one.
func (l *Ledger) credit(out *Block, first int, account int32, amount int64) {
	for i := first; i < len(out.items); i++ {
		if it := &out.items[i]; !it.debit && it.account == account {
			it.amount += amount
			return
		}
	}
	out.items = append(out.items, lineItem{account: account, costCenter: -1, amount: amount})
}

// grossPay is the gross pay by cost centre of a pay period in month m.
func (sc *schedule) grossPay(m time.Month) []int64 {
	if g := sc.monthly[m-1]; g != nil {
		return g
	}
	return sc.gross
}

// withholdings returns the income taxes and social security withheld from
// the gross pay of a pay period in month m, and the gross pay.
func (l *Ledger) withholdings(co *company, m time.Month) (tax, fica, gross int64) {
	for _, g := range co.sched.grossPay(m) {
		gross += g
	}
	tax = int64(mulDiv(uint64(gross), uint64(l.taxMicro), config.MicroPerUnit))
	fica = int64(mulDiv(uint64(gross), uint64(l.ficaMicro), config.MicroPerUnit))
	return tax, fica, gross
}

// payrollLines posts a pay period in month m: gross pay by cost centre to
// salaries, the withheld taxes to their liabilities, the net pay from the
// payroll bank account.
func (l *Ledger) payrollLines(co *company, m time.Month, out *Block) {
	for cc, g := range co.sched.grossPay(m) {
		if g > 0 {
			out.items = append(out.items, lineItem{account: l.acctSalaries, costCenter: int32(cc), amount: g, debit: true})
		}
	}
	tax, fica, gross := l.withholdings(co, m)
	for _, c := range []struct {
		account int32
		amount  int64
	}{{l.acctPayrollTax, tax}, {l.acctSocialSecurity, fica}, {l.acctOperatingBank, gross - tax - fica}} {
		if c.amount > 0 {
			out.items = append(out.items, lineItem{account: c.account, costCenter: -1, amount: c.amount})
		}
	}
}

// accrualKinds are the month-end accruals: an expense and the liability
// it accrues to. Bonuses accrue a share of the month's payroll; the others
// are estimates drawn from the accrual range.
var accrualKinds = []struct{ expense, liability string }{
	{"Bonuses", "Accrued bonuses"},
	{"Utilities", "Accrued utilities"},
	{"Audit fees", "Accrued expenses"},
	{"Consulting fees", "Accrued expenses"},
}

// accrualLines posts one month-end accrual.
func (l *Ledger) accrualLines(co *company, r *rand.Rand, out *Block) {
	first := len(out.items)
	var payroll int64
	for _, g := range co.sched.gross {
		payroll += g // a pay period's
	}
	ppm := periodsPerYear[l.payFrequency] / 12
	for i, k := range l.accruals {
		var a int64
		if i == 0 {
			// Bonuses: 5 to 10% of the month's gross pay.
			a = payroll * max(ppm, 1) * int64(5+r.IntN(6)) / 100
		} else {
			a = co.accrualRange.draw(r, l.benford)
		}
		if a <= 0 {
			continue
		}
		out.items = append(out.items, lineItem{account: k[0], costCenter: int32(r.IntN(co.ccs)), amount: a, debit: true})
		l.credit(out, first, k[1], a)
	}
}

// maxSplit is the most lines one computed line splits into: a posting
// that would need more (a drawing of millions under a max_amount of a few
// hundred) is not fitted, and an ordinary entry takes its place.
const maxSplit = 999

// unevenSplit splits total (above max) into parts of uneven size that add
// up to it: k parts averaging at most a third of max, each weighing 1 to 3
// against the others, so that every part stays below max; ok is false
// when a part would fall below min.
func unevenSplit(total, min, max int64, r *rand.Rand) (parts []int64, ok bool) {
	k := (3*total + max - 1) / max
	if k > maxSplit {
		return nil, false
	}
	w := make([]int64, k)
	var sum int64
	for i := range w {
		w[i] = 1_000_000 + r.Int64N(2_000_001)
		sum += w[i]
	}
	left := total
	for i := range w {
		a := left
		if i < len(w)-1 {
			a = money.MulDiv(total, w[i], sum)
		}
		if a < min || a > max {
			return nil, false
		}
		parts = append(parts, a)
		left -= a
	}
	return parts, true
}

// fitLimits makes every line of a computed posting lie within
// min_amount..max_amount without changing either side's total: a line
// below min folds into the largest line of its side, a line above max
// splits into lines of uneven size drawn from r (each between a third and
// three times their average, as instalments of a large payment are), or
// into equal lines where the limits are too narrow for that. A posting
// that cannot be fitted (a side total below min, limits so narrow that no
// equal split fits, or a line that would need more than maxSplit lines)
// gives nil.
func fitLimits(items []lineItem, min, max int64, r *rand.Rand) []lineItem {
	var debit, credit int64
	for _, it := range items {
		if it.debit {
			debit += it.amount
		} else {
			credit += it.amount
		}
	}
	if debit < min || credit < min || debit != credit {
		return nil
	}
	out := items[:0:0]
	for _, side := range []bool{true, false} {
		big := -1
		for i, it := range items {
			if it.debit == side && (big < 0 || it.amount > items[big].amount) {
				big = i
			}
		}
		var folded int64
		for i, it := range items {
			if it.debit == side && i != big && it.amount < min {
				folded += it.amount
			}
		}
		for i, it := range items {
			if it.debit != side || (i != big && it.amount < min) {
				continue
			}
			if i == big {
				it.amount += folded
			}
			if it.amount > max {
				if parts, ok := unevenSplit(it.amount, min, max, r); ok {
					for _, a := range parts {
						p := it
						p.amount = a
						out = append(out, p)
					}
					continue
				}
			}
			k := (it.amount + max - 1) / max
			part, rest := it.amount/k, it.amount%k
			if part < min || k > maxSplit {
				return nil // limits narrower than half of max, or too many lines: no split fits
			}
			for j := range k {
				p := it
				p.amount = part
				if j < rest {
					p.amount++
				}
				out = append(out, p)
			}
		}
	}
	return out
}
