package ledger

// Settlement gathers the VAT that each company's documents post, by
// period, for the VAT returns of its last block (Settle).
type Settlement struct {
	// vat is, by company, period*len(Ledger.vatAccts)+account index:
	// debits minus credits.
	vat [][]int64
}

// NewSettlement returns an empty settlement for l's companies.
func (l *Ledger) NewSettlement() *Settlement {
	s := &Settlement{vat: make([][]int64, len(l.companies))}
	for i := range s.vat {
		s.vat[i] = make([]int64, len(l.periods)*len(l.vatAccts))
	}
	return s
}

// Unsettled reports whether b is the last block of its company and still
// lacks the company's VAT returns, which Settle posts.
func (b *Block) Unsettled() bool { return b.unsettled }

// Settle adds the VAT that b's documents post to s. When b is the last
// block of its company (Unsettled), it then appends the company's VAT
// returns to b, each clearing what its month's documents posted to every
// VAT account (the first month's, the opening balances), so s must by
// then hold every other block of the company. Blocks may come in any
// order otherwise; a run hands them over in file order, where a
// company's last block follows its others.
func (l *Ledger) Settle(s *Settlement, b *Block) {
	nv := len(l.vatAccts)
	sums := s.vat[b.company]
	items := b.items
	for i := range b.docs {
		d := &b.docs[i]
		base := int(l.days[d.day].period) * nv
		for _, it := range items[:d.lines] {
			if j := l.vatOf[it.account]; j >= 0 {
				if it.debit {
					sums[base+int(j)] += it.amount
				} else {
					sums[base+int(j)] -= it.amount
				}
			}
		}
		items = items[d.lines:]
	}
	if !b.unsettled {
		return
	}
	b.unsettled = false
	co := &l.companies[b.company]
	b.vatDue = append(b.vatDue[:0], make([]int64, nv)...)
	for k := len(co.sched.posts) - co.sched.vat; k < len(co.sched.posts); k++ {
		p := &co.sched.posts[k]
		if p.period < 0 {
			for j, a := range l.vatAccts {
				b.vatDue[j] = co.opening.Balances[a]
			}
		} else {
			copy(b.vatDue, sums[int(p.period)*nv:])
		}
		l.recurringDoc(co, p, b)
	}
}
