package ledger

import (
	"math/big"

	"datasynth.dev/engine/balance"
	"datasynth.dev/engine/chart"
	"datasynth.dev/engine/flows"
	"datasynth.dev/engine/money"
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

// OpenItems adds the open items of b's subledgers to open, by slot (the
// opening, then each period end) and account: flows.Batch.AddOpen. It adds
// too what expense-capitalization frauds (ExpenseCapitalization in
// labels/anomaly_labels) put on fixed-asset accounts, from the end of the
// period they post in: amounts the asset register does not hold, which
// the comparison of those accounts with the register counts as explained,
// so that only unlabelled differences fail it.
func (b *Block) OpenItems(open []int64, accounts int) {
	b.Flows.AddOpen(open, accounts)
	slots := len(open) / accounts
	items := b.items
	for i := range b.docs {
		d := &b.docs[i]
		if d.fraud == fraudCapitalization {
			for _, it := range items[:d.lines] {
				if role := b.l.chart.Accounts[it.account].Role; role != chart.FixedAssets && role != chart.AccumDepr {
					continue
				}
				v := it.amount
				if !it.debit {
					v = -v
				}
				for s := int(b.l.days[d.day].period) + 1; s < slots; s++ {
					open[s*accounts+int(it.account)] += v
				}
			}
		}
		items = items[d.lines:]
	}
}

// AnnualSales estimates, in minor units, the revenue a year of company
// ci's journal books. Revenue comes from the customer invoices of the
// order-to-cash flows, whose number per entry depends on the period (a
// sale paid after the period end posts no receipt): the estimate is the
// net amount that block 0's customer invoices book, scaled from the
// block's entries to a year's. It sizes the opening balance sheet; nothing
// checks the journal against it. Integer arithmetic only, like everything
// that decides output bytes.
func (l *Ledger) AnnualSales(ci int) int64 { return l.companies[ci].sales }

// annualSales computes AnnualSales from block 0 as it is before the
// opening open items join it, and sizes the company's running costs from
// the same block (sizeCosts).
func (l *Ledger) annualSales(ci int) int64 {
	var blk Block
	l.Generate(ci, 0, &blk)
	var net int64
	for i := range blk.Flows.Docs {
		if d := &blk.Flows.Docs[i]; d.Kind == flows.CustomerInvoice && !d.Opening {
			net += d.Net
		}
	}
	sales := yearOf(net, l.companies[ci].cfg.Entries(12), blk.Entries)
	l.sizeCosts(ci, &blk, sales)
	return sales
}

// yearOf scales v, what a block of entries books, to a year of perYear
// entries, in integers without overflow (capped at the largest int64).
func yearOf(v, perYear, entries int64) int64 {
	num := big.NewInt(v)
	num.Mul(num, big.NewInt(perYear))
	num.Quo(num, big.NewInt(max(1, entries)))
	if !num.IsInt64() {
		return 1<<63 - 1
	}
	return num.Int64()
}

// costShares are the costs and income that ordinary entries book in
// proportion to what a company sells, in basis points of a year's sales:
// bank interest and charges, other income. Their amount profiles alone
// would make them a fixed size whatever the company sells. (Expense
// claims follow the employees, not the sales: their profile stands.)
var costShares = map[string]int64{"finance_costs": 100, "other_income": 50}

// sizeCosts scales the amount ranges of the templates of costShares so
// that a year of their entries books no more than their share of sales:
// block 0, drawn with the profiles' ranges, says what a year of them would
// book, and a range that books more moves down by the ratio, keeping its
// whole decades.
func (l *Ledger) sizeCosts(ci int, blk *Block, sales int64) {
	co := &l.companies[ci]
	booked := make([]int64, len(l.templates))
	for i := range blk.docs {
		if d := &blk.docs[i]; d.fraud == noFraud {
			for j := range l.templates {
				if d.tmpl == &l.templates[j] {
					booked[j] += d.total
				}
			}
		}
	}
	for j, t := range l.templates {
		share, ok := costShares[t.name]
		if !ok || booked[j] <= 0 || sales <= 0 {
			continue
		}
		// Only down: a profile smaller than its share already fits.
		if year, target := yearOf(booked[j], co.cfg.Entries(12), blk.Entries), money.MulDiv(sales, share, 10_000); year > target {
			co.ranges[j] = co.ranges[j].scaled(target, year, co.minAmount, co.maxAmount)
		}
	}
}
