package flows

import (
	"math/bits"

	"datasynth.dev/engine/money"
)

// openingDays is how far before the first period the opening open items
// are dated: the last weeks of the previous period, so that most fall due
// and are paid in the first months and a few are already overdue.
const openingDays = 60

// SetOpening sets the opening receivables and payables of company ci, in
// minor units: the open items that block 0 brings forward, at most limit
// invoices of each. Every invoice's gross amount stays within the amount
// limits, so a total that would need more than limit invoices is cut to
// what limit invoices can carry (OpeningItems says what they carry). A
// process switched off has no subledger: its side opens without items.
func (f *Flows) SetOpening(ci int, receivables, payables int64, limit int) {
	co := &f.companies[ci]
	if !f.o2c.on {
		receivables = 0
	}
	if !f.p2p.on {
		payables = 0
	}
	co.openAR = planOpening(receivables, co.sell, co.taxOut, co.min, co.max, limit)
	co.openAP = planOpening(payables, co.restock, co.taxIn, co.min, co.max, limit)
}

// OpeningItems returns what company ci's opening open items add up to, by
// chart index, debits positive: the receivables on the receivables account
// and the payables (negative) on the payables account that the invoices
// name. The opening balances carry exactly these amounts.
func (f *Flows) OpeningItems(ci int) map[int]int64 {
	co := &f.companies[ci]
	out := map[int]int64{}
	if co.openAR.total != 0 {
		out[int(f.acct.ar)] += co.openAR.total
	}
	if co.openAP.total != 0 {
		out[int(f.acct.ap)] -= co.openAP.total
	}
	return out
}

// planOpening returns how many invoices carry an opening balance of target
// and what they carry: about one invoice per typical invoice of sp (net
// amounts, taxed at bp) in target, no more than limit. Each invoice gets
// between a third and three times the average (splitOpening), so the
// average stays within a third of hi and three times lo; a target too
// large for limit invoices is cut, one below lo is left out.
func planOpening(target int64, sp span, bp, lo, hi int64, limit int) openingItems {
	if limit < 1 || target < lo {
		return openingItems{}
	}
	typical := max(1, isqrt(sp.lo)*isqrt(sp.hi)) // about the median of a log-uniform amount
	typical += tax(typical, bp)
	if target <= hi && (limit == 1 || target/typical < 2 || target/6 < lo) {
		return openingItems{n: 1, total: target}
	}
	if limit == 1 || hi <= 2*int64(limit) {
		return openingItems{n: 1, total: min(target, hi)}
	}
	// Three times the average, plus the units of rounding the last
	// invoice takes, stays within hi; a third of it stays above lo.
	n := int(min(int64(limit), max(2, target/typical)))
	if target > money.MulDiv(int64(n), hi-int64(n), 3) {
		n = limit
		target = min(target, money.MulDiv(int64(n), hi-int64(n), 3))
	}
	n = int(min(int64(n), target/(3*lo)))
	if n < 2 {
		return openingItems{n: 1, total: min(target, hi)}
	}
	return openingItems{n: n, total: target}
}

// isqrt is the integer square root of a non-negative x.
func isqrt(x int64) int64 {
	if x <= 0 {
		return 0
	}
	r := int64(1) << ((bits.Len64(uint64(x)) + 1) / 2)
	for {
		s := (r + x/r) / 2
		if s >= r {
			return r
		}
		r = s
	}
}

// splitOpening divides total into n gross amounts with seeded weights
// between 1 and 3 (so each lies between a third and three times the
// average), fine enough that no two amounts repeat by their grain; they
// add up to total exactly.
func (g *gen) splitOpening(total int64, n int) []int64 {
	w := make([]int64, n)
	var sum int64
	for i := range w {
		w[i] = 1_000_000 + g.r.Int64N(2_000_001)
		sum += w[i]
	}
	out := make([]int64, n)
	left := total
	for i := range out {
		if i == n-1 {
			out[i] = left
			break
		}
		out[i] = money.MulDiv(total, w[i], sum)
		left -= out[i]
	}
	return out
}

// openingItems adds the opening open items to block 0: customer and
// vendor invoices posted on days in the openingDays before the first
// period, their gross amounts adding up to the opening receivables and
// payables, and their payments, which post in the first weeks as any
// invoice's do (some late, some in instalments, a few never). The invoices
// post no journal entry: the opening balances hold them.
func (g *gen) openingItems() {
	co, r, cal := g.co, g.r, &g.f.cal
	for _, side := range []struct {
		items openingItems
		kind  Kind
		pay   Kind
	}{{co.openAR, CustomerInvoice, Receipt}, {co.openAP, VendorInvoice, Payment}} {
		if side.items.n == 0 {
			continue
		}
		for _, gross := range g.splitOpening(side.items.total, side.items.n) {
			day := int32(cal.Lead - 1 - r.IntN(openingDays))
			dated, bp := day, co.taxOut
			var party, m int32
			var days int32
			if side.kind == VendorInvoice {
				dated -= int32(r.IntN(4))
				bp = co.taxIn
				party = int32(r.IntN(co.sizes.Vendors))
				m = co.bought[r.IntN(len(co.bought))]
				days = co.terms[co.vendTerms[party]].days
			} else {
				party = int32(r.IntN(co.sizes.Customers))
				m = co.sellable[r.IntN(len(co.sellable))]
				days = co.terms[co.custTerms[party]].days
			}
			// The tax the gross amount includes, at the company's rate.
			net := money.MulDiv(gross, 10_000, 10_000+bp)
			inv := g.doc(Doc{Kind: side.kind, Day: day, DocDay: dated, Party: party, Material: m, User: g.user(accountant),
				Pred: -1, Order: -1, Net: net, Tax: gross - net, Due: cal.Epoch + dated + days, Opening: true})
			g.unpost(inv)
			// The vendor's own invoice number comes from IDLo.
			g.b.Docs[inv].IDLo = r.Uint64()
			g.settle(inv, side.pay)
		}
	}
}
