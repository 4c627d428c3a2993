package ledger

import (
	"math/big"

	"datasynth.dev/engine/balance"
)

// Periods returns the fiscal periods of the generation, in order. Every
// posting date falls in one of them.
func (l *Ledger) Periods() []balance.Period { return l.periods }

// Company returns the index of the company whose documents b holds.
func (b *Block) Company() int { return b.company }

// Counts returns the number of documents and line items of b.
func (b *Block) Counts() (entries, lines int64) { return b.Entries, b.Lines }

// Tally adds the line amounts of b to debit and credit, indexed by
// period*accounts + chart index, in minor units, and returns the number of
// documents whose debits and credits differ and the sum of the documents'
// totals (one side, as generated). Sums are of integers, so adding blocks
// in any order gives the same result.
func (b *Block) Tally(debit, credit []int64, accounts int) (unbalanced int64, total int64) {
	l := b.l
	items := b.items
	for i := range b.docs {
		d := &b.docs[i]
		base := int(l.days[d.day].period) * accounts
		var dr, cr int64
		for _, it := range items[:d.lines] {
			if it.debit {
				debit[base+int(it.account)] += it.amount
				dr += it.amount
			} else {
				credit[base+int(it.account)] += it.amount
				cr += it.amount
			}
		}
		if dr != cr {
			unbalanced++
		}
		total += d.total
		items = items[d.lines:]
	}
	return unbalanced, total
}

// AnnualSales estimates, in minor units, the revenue a year of company
// ci's journal books: its annual entries, times the share of customer
// invoices among them, times the mean number of revenue lines of an
// invoice, times the mean of the invoice amount range (log-uniform amounts
// over k decades from lo to hi average (hi - lo) / (k ln 10)). It sizes the
// opening balance sheet; nothing checks the journal against it. Integer
// arithmetic only, like everything that decides output bytes.
func (l *Ledger) AnnualSales(ci int) int64 {
	co := &l.companies[ci]
	inv := -1
	for i := range l.templates {
		if l.templates[i].name == "customer_invoice" {
			inv = i
		}
	}
	if inv < 0 {
		return 0
	}
	// Mean lines of a document, in millionths, less the receivables line.
	var wSum, lSum int64
	for _, b := range l.lines {
		wSum += b.Weight.Micro
		lSum += b.Weight.Micro * int64(b.Min+b.Max) / 2
	}
	lines := int64(1_000_000)
	if wSum > 0 {
		lines = max(lSum*1_000_000/wSum-1_000_000, 1_000_000)
	}
	rg := co.ranges[inv]
	num := big.NewInt(rg.lo + rg.hi)
	den := big.NewInt(2)
	if k := decadesOf(rg.lo, rg.hi); l.benford && k > 0 {
		// ln 10 = 2.302585...
		num, den = big.NewInt((rg.hi-rg.lo)*1000), big.NewInt(int64(k)*2303)
	}
	num.Mul(num, big.NewInt(co.cfg.Entries(12)))
	num.Mul(num, new(big.Int).SetUint64(l.tmplPick.Weight(inv)))
	num.Mul(num, big.NewInt(lines))
	den.Mul(den, new(big.Int).SetUint64(l.tmplPick.Total()))
	den.Mul(den, big.NewInt(1_000_000))
	num.Quo(num, den)
	if !num.IsInt64() {
		return 1<<63 - 1
	}
	return num.Int64()
}

// decadesOf is the number of whole decades from lo up to hi.
func decadesOf(lo, hi int64) int {
	k := 0
	for v := lo; v <= hi/10; v *= 10 {
		k++
	}
	return k
}
