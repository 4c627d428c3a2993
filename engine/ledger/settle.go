package ledger

import (
	"math/rand/v2"

	"datasynth.dev/engine/chart"
	"datasynth.dev/engine/flows"
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
	flow := append([]int64(nil), bank...)
	dues := l.vatReturns(co, sums, tail, flow)
	b.fee, b.drawings = l.drawings(co, tail, flow, b.drawings)
	for k := range tail {
		if dues[k] != nil {
			b.vatDue = append(b.vatDue[:0], dues[k]...)
		}
		l.recurringDoc(co, &tail[k], b)
	}
}

// vatReturns returns what each VAT return among tail clears, by index of
// tail and of Ledger.vatAccts, in date order: its month's VAT (the first
// one, the opening balances; sums as Settlement.vat holds them) with what
// earlier returns left, account by account, and adds each return's
// payment or refund to flow, the operating account's movement by period.
func (l *Ledger) vatReturns(co *company, sums []int64, tail []recurring, flow []int64) [][]int64 {
	dues := make([][]int64, len(tail))
	carry := make([]int64, len(l.vatAccts))
	for k, p := range tail {
		if p.kind == recVAT {
			dues[k] = l.vatDue(co, sums, p.period)
			flow[l.days[p.day].period] += fitReturn(dues[k], carry, co.minAmount, maxSplit*co.maxAmount)
		}
	}
	return dues
}

// fitReturn makes the amounts a VAT return clears (due, by account, with
// what earlier returns left in carry added) postable, and returns the
// payment (negative) or refund. A line below low (min_amount) cannot be
// posted, and waits in carry for the next return; so does a whole return
// whose payment would be below it. What a line cannot carry in most (the
// maxSplit lines of max_amount a posting holds) waits too; a payment
// above most clears each account's share of most.
func fitReturn(due, carry []int64, low, most int64) (net int64) {
	for j := range due {
		due[j] += carry[j]
		carry[j] = 0
		if v := due[j]; -low < v && v < low {
			carry[j], due[j] = v, 0
		}
		if v := due[j]; v > most || v < -most {
			due[j] = max(-most, min(v, most))
			carry[j] = v - due[j]
		}
		net += due[j]
	}
	if net > most || net < -most {
		abs := max(net, -net)
		net = 0
		for j, v := range due {
			part := money.MulDiv(max(v, -v), most, abs)
			if v < 0 {
				part = -part
			}
			if -low < part && part < low {
				part = 0
			}
			carry[j] += v - part
			due[j] = part
			net += part
		}
	}
	if -low < net && net < low || net > most || net < -most {
		for j := range due {
			carry[j] += due[j]
			due[j] = 0
		}
		net = 0
	}
	return net
}

// drawings plans company co's credit facility from flow, the operating
// account's exact movement by period (VAT returns included): the monthly
// commitment fee, and each period's drawing (negative for a repayment),
// in drawn (reused). The buffer is a month of sales or what an average
// period takes out, the larger; a drawing or repayment is at most what
// maxSplit lines of max_amount post, a drawing at least min_amount, and a
// repayment below it waits.
func (l *Ledger) drawings(co *company, tail []recurring, flow, drawn []int64) (fee int64, _ []int64) {
	np := len(l.periods)
	var drain int64
	for p := range np {
		drain -= min(flow[p], 0)
	}
	buffer := max(co.sales/12, drain/int64(np), 1)
	fee = min(max(buffer/feeShare, co.minAmount), co.maxAmount)
	for _, p := range tail {
		if p.kind == recDraw {
			flow[l.days[p.day].period] -= fee
		}
	}
	most := maxSplit * co.maxAmount
	drawn = append(drawn[:0], make([]int64, np)...)
	balance := co.opening.Balances[l.acctOperatingBank]
	var lent int64
	for p := range np {
		end := balance + flow[p]
		switch {
		case end < buffer:
			drawn[p] = min(max(buffer-end, co.minAmount), most)
		case lent > 0 && end > 2*buffer:
			if v := min(lent, end-2*buffer, most); v >= co.minAmount {
				drawn[p] = -v
			}
		}
		lent += drawn[p]
		balance = end + drawn[p]
	}
	return fee, drawn
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
	to := int32(opex[r.IntN(len(opex))])
	rg := co.ranges[l.reclassify]
	// Part of an expense a vendor invoice booked by the day (booked), or,
	// where there is none, costs moved between two cost centres of one
	// account: either way no account turns.
	from, ccFrom, ccTo := to, int32(r.IntN(co.ccs)), int32(r.IntN(co.ccs))
	if k := l.booked(out, r, flows.VendorInvoice, d.day, d.day, co.minAmount); k >= 0 {
		src := out.Flows.Lines[out.Flows.Docs[k].FirstLine]
		from, ccFrom = src.Account, src.CostCenter
		if rg.hi > src.Amount {
			rg = rg.below(src.Amount, co.minAmount)
		}
	} else if co.ccs > 1 && ccFrom == ccTo {
		ccFrom = (ccTo + 1) % int32(co.ccs)
	}
	v := rg.draw(r, l.benford)
	d.tmpl, d.source = t, t.source
	d.party, d.partyKind = int32(r.IntN(co.vendors)), vendor
	out.items = append(out.items, lineItem{account: to, costCenter: ccTo, amount: v, debit: true},
		lineItem{account: from, costCenter: ccFrom, amount: v})
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
