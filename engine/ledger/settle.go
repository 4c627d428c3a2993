package ledger

import (
	"math/rand/v2"

	"datasynth.dev/engine/chart"
	"datasynth.dev/engine/money"
)

// Settlement gathers what each company's documents post to its VAT
// accounts and its operating bank account, by period, for the drawings
// and VAT returns of its last block (Settle).
type Settlement struct {
	// vat is, by company, period*len(Ledger.vatAccts)+account index, and
	// bank by company and period: debits minus credits.
	vat, bank [][]int64
}

// NewSettlement returns an empty settlement for l's companies.
func (l *Ledger) NewSettlement() *Settlement {
	s := &Settlement{vat: make([][]int64, len(l.companies)), bank: make([][]int64, len(l.companies))}
	for i := range s.vat {
		s.vat[i] = make([]int64, len(l.periods)*len(l.vatAccts))
		s.bank[i] = make([]int64, len(l.periods))
	}
	return s
}

// Unsettled reports whether b is the last block of its company and still
// lacks the company's drawings and VAT returns, which Settle posts.
func (b *Block) Unsettled() bool { return b.unsettled }

// Settle adds what b's documents post to the VAT accounts and the
// operating bank account to s. When b is the last block of its company
// (Unsettled), it then appends the company's VAT returns and drawings to
// b, so s must by then hold every other block of the company. Blocks may
// come in any order otherwise; a run hands them over in file order, where
// a company's last block follows its others.
//
// Each VAT return clears what its month's documents posted to every VAT
// account (the first one, the opening balances), but for amounts below
// min_amount, which wait for the next. The credit facility posts once a
// month, on the first day: its commitment fee, and a drawing or
// repayment that follows from the operating account's balance at each
// month end, known exactly: where it would end below a buffer (a month of
// sales, or what an average month takes out of it, the larger), the
// month's drawing makes it up; once it ends above twice the buffer, the
// drawing repays what the facility lent. A slot with nothing to post
// holds a reclassification between expense accounts, never an entry that
// moves money (recurringDoc).
func (l *Ledger) Settle(s *Settlement, b *Block) {
	nv := len(l.vatAccts)
	sums, bank := s.vat[b.company], s.bank[b.company]
	items := b.items
	for i := range b.docs {
		d := &b.docs[i]
		p := int(l.days[d.day].period)
		for _, it := range items[:d.lines] {
			v := it.amount
			if !it.debit {
				v = -v
			}
			if j := l.vatOf[it.account]; j >= 0 {
				sums[p*nv+int(j)] += v
			} else if it.account == l.acctOperatingBank {
				bank[p] += v
			}
		}
		items = items[d.lines:]
	}
	if !b.unsettled {
		return
	}
	b.unsettled = false
	co := &l.companies[b.company]
	tail := co.sched.posts[len(co.sched.posts)-co.sched.tail:]

	// What each VAT return clears, in date order: its month's VAT (the
	// first one, the opening balances) with what earlier returns left,
	// account by account. A line below min_amount cannot be posted, and
	// waits for the next return; so does a whole return whose payment
	// would be below it. What a line cannot carry in maxSplit lines of
	// max_amount waits too, and a whole return whose payment could not.
	np := len(l.periods)
	most := maxSplit * co.maxAmount
	dues := make([][]int64, len(tail))
	carry := make([]int64, nv)
	flow := append([]int64(nil), bank...)
	for k, p := range tail {
		if p.kind != recVAT {
			continue
		}
		due := l.vatDue(co, sums, p.period)
		var net int64
		for j := range due {
			due[j] += carry[j]
			carry[j] = 0
			if v := due[j]; -co.minAmount < v && v < co.minAmount {
				carry[j], due[j] = v, 0
			}
			if v := due[j]; v > most || v < -most {
				due[j] = max(-most, min(v, most))
				carry[j] = v - due[j]
			}
			net += due[j]
		}
		if net > most || net < -most {
			// The payment would need more lines than a posting holds:
			// every account clears its share of what one can pay.
			abs := max(net, -net)
			net = 0
			for j, v := range due {
				part := money.MulDiv(max(v, -v), most, abs)
				if v < 0 {
					part = -part
				}
				if -co.minAmount < part && part < co.minAmount {
					part = 0
				}
				carry[j] += v - part
				due[j] = part
				net += part
			}
		}
		if -co.minAmount < net && net < co.minAmount || net > most || net < -most {
			for j := range due {
				carry[j] += due[j]
				due[j] = 0
			}
			net = 0
		}
		dues[k] = due
		flow[l.days[p.day].period] += net
	}
	// The drawings: the account's balance at each month end, the VAT
	// returns and the facility's commitment fee included, against the
	// buffer. A drawing or repayment is at most what maxSplit lines of
	// max_amount post.
	var drain int64
	for p := range np {
		drain -= min(flow[p], 0)
	}
	buffer := max(co.sales/12, drain/int64(np), 1)
	b.fee = min(max(buffer/feeShare, co.minAmount), co.maxAmount)
	for _, p := range tail {
		if p.kind == recDraw {
			flow[l.days[p.day].period] -= b.fee
		}
	}
	b.drawings = append(b.drawings[:0], make([]int64, np)...)
	balance := co.opening.Balances[l.acctOperatingBank]
	var lent int64
	for p := range np {
		end := balance + flow[p]
		// A drawing is at least min_amount; a repayment below it waits.
		switch {
		case end < buffer:
			b.drawings[p] = min(max(buffer-end, co.minAmount), most)
		case lent > 0 && end > 2*buffer:
			if v := min(lent, end-2*buffer, most); v >= co.minAmount {
				b.drawings[p] = -v
			}
		}
		lent += b.drawings[p]
		balance = end + b.drawings[p]
	}

	for k := range tail {
		if dues[k] != nil {
			b.vatDue = append(b.vatDue[:0], dues[k]...)
		}
		l.recurringDoc(co, &tail[k], b)
	}
}

// feeShare: the credit facility's monthly commitment fee is the buffer it
// keeps in the operating account over feeShare (a facility of twice the
// buffer at about 0.35% a year), within the amount limits.
const feeShare = 1600

// reclassification adds, in the place of document d (a VAT return with
// nothing to clear), a reclassification of a vendor's costs between two
// expense accounts, drawn from r: never fraudulent, it moves neither the
// bank nor the result.
func (l *Ledger) reclassification(co *company, d *document, r *rand.Rand, out *Block) {
	t := &l.templates[l.reclassify]
	opex := l.chart.ByRole(chart.Opex)
	from, to := opex[r.IntN(len(opex))], opex[r.IntN(len(opex))]
	v := co.ranges[l.reclassify].draw(r, l.benford)
	d.tmpl, d.source = t, t.source
	d.party, d.partyKind = int32(r.IntN(co.vendors)), vendor
	cc := int32(r.IntN(co.ccs))
	out.items = append(out.items, lineItem{account: int32(to), costCenter: cc, amount: v, debit: true},
		lineItem{account: int32(from), costCenter: cc, amount: v})
	d.lines = 2
	l.add(out, *d, v)
}

// vatDue returns what the VAT return of period p clears on each VAT
// account of company co, debits minus credits: what the period's
// documents posted, from sums (Settlement.vat), or the opening balances
// for period -1.
func (l *Ledger) vatDue(co *company, sums []int64, p int32) []int64 {
	nv := len(l.vatAccts)
	if p >= 0 {
		return append([]int64(nil), sums[int(p)*nv:int(p+1)*nv]...)
	}
	due := make([]int64, nv)
	for j, a := range l.vatAccts {
		due[j] = co.opening.Balances[a]
	}
	return due
}
