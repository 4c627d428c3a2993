package ledger

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
// account (the first one, the opening balances). The drawings on the
// revolving credit facility, one a month on its first day (negative for
// a repayment), follow from the operating account's balance at each month
// end, known exactly: where it would end below a buffer (a month of sales,
// or what an average month takes out of it, the larger), the month's
// drawing makes it up; once it ends above twice the buffer, the drawing
// repays what the facility lent.
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

	// What the VAT returns take from (or add to) the account.
	np := len(l.periods)
	flow := append([]int64(nil), bank...)
	for _, p := range tail {
		if p.kind != recVAT {
			continue
		}
		at := l.days[p.day].period
		for _, v := range l.vatDue(co, sums, p.period) {
			flow[at] += v
		}
	}
	var drain int64
	for p := range np {
		drain -= min(flow[p], 0)
	}
	buffer := max(co.sales/12, drain/int64(np), 1)
	b.drawings = append(b.drawings[:0], make([]int64, np)...)
	balance := co.opening.Balances[l.acctOperatingBank]
	var lent int64
	for p := range np {
		end := balance + flow[p]
		switch {
		case end < buffer:
			b.drawings[p] = buffer - end
		case lent > 0 && end > 2*buffer:
			b.drawings[p] = -min(lent, end-2*buffer)
		}
		lent += b.drawings[p]
		balance = end + b.drawings[p]
	}

	for k := range tail {
		if p := &tail[k]; p.kind == recVAT {
			b.vatDue = append(b.vatDue[:0], l.vatDue(co, sums, p.period)...)
		}
		l.recurringDoc(co, &tail[k], b)
	}
}

// vatDue returns what the VAT return of period p clears on each VAT
// account of company co, debits minus credits: what the period's
// documents posted, from sums (Settlement.vat), or the opening balances
// for period -1.
func (l *Ledger) vatDue(co *company, sums []int64, p int32) []int64 {
	nv := len(l.vatAccts)
	if p >= 0 {
		return sums[int(p)*nv : int(p+1)*nv]
	}
	due := make([]int64, nv)
	for j, a := range l.vatAccts {
		due[j] = co.opening.Balances[a]
	}
	return due
}
