package flows

import (
	"cmp"
	"math/rand/v2"
	"slices"

	"datasynth.dev/engine/config"
	"datasynth.dev/engine/masterdata"
	"datasynth.dev/engine/money"
	"datasynth.dev/engine/rng"
)

// gen generates the flows of one block.
type gen struct {
	f  *Flows
	co *company
	r  *rand.Rand
	b  *Batch
	// assortment are the materials the block's sales draw from: a
	// twelfth of those sold (at least three), so that each is restocked
	// in lots of a goods receipt's size.
	assortment []int32
	// left is how many more journal entries the block's flows may post;
	// p2pLeft and o2cLeft are the targets of each process.
	left, p2pLeft, o2cLeft int
	// services is the range of the block's purchases of services and
	// consumables (servicesSpan), budget what is left of what the block
	// spends on them as running costs, and subcontract what is left of
	// what it spends on the services the company sells, as their cost of
	// sales.
	services            span
	budget, subcontract int64
}

// wait returns the day a document that follows one dated day falls on,
// d.Min..d.Max days later: in d's window by calendar weight, or after it.
func (g *gen) wait(day int32, d config.Delay) int32 {
	if d.Window {
		return g.within(day, d.Min, d.Max)
	}
	return g.after(day, d.Min, d.Max)
}

// within returns a day lo..hi days after day, each taken with a chance
// proportional to its calendar weight: busy days are preferred as after
// prefers them, without after's wait past the range, so that a range
// symmetric around an average keeps about that average.
func (g *gen) within(day int32, lo, hi int) int32 {
	var total uint64
	for k := lo; k <= hi; k++ {
		total += g.weight(day + int32(k))
	}
	if total == 0 {
		// Only days before the calendar: any of them.
		return day + int32(lo+g.r.IntN(hi-lo+1))
	}
	x := g.r.Uint64N(total)
	for k := lo; ; k++ {
		w := g.weight(day + int32(k))
		if x < w {
			return day + int32(k)
		}
		x -= w
	}
}

// lastDay is the last calendar index.
func (g *gen) lastDay() int32 { return int32(len(g.f.cal.FP) - 1) }

// after returns a day at least lo days after day (calendar indexes; the
// result may lie beyond the calendar), usually before hi. Work waits for a
// day the calendar favours: from a first candidate in [lo, hi], each day is
// taken with a chance proportional to its calendar weight, so weekends see
// little and period ends much, in the calendar's proportions.
func (g *gen) after(day int32, lo, hi int) int32 {
	r := g.r
	d := day + int32(lo+r.IntN(hi-lo+1))
	for range 366 {
		if r.Uint64N(g.f.maxWeight) < g.weight(d) {
			break
		}
		d++
	}
	return d
}

// weight is the calendar weight of day d; a day after the calendar weighs
// as the same weekday in its last week.
func (g *gen) weight(d int32) uint64 {
	cal := &g.f.cal
	last := int32(len(cal.FP) - 1)
	if d > last {
		d -= 7 * ((d - last + 6) / 7)
	}
	i := int(d) - cal.Lead
	if i < 0 {
		return 0
	}
	return cal.Weight[i]
}

func (g *gen) user(ro role) int32 {
	us := g.co.users[ro]
	return us[g.r.IntN(len(us))]
}

// costCenter is the cost centre of employee u.
func (g *gen) costCenter(u int32) int32 { return int32(masterdata.CostCenterOf(g.co.sizes, int(u))) }

// tax of a net amount at rate bp basis points, rounded half up.
func tax(net, bp int64) int64 { return (net*bp + 5000) / 10000 }

// fits reports whether the lines of an invoice of net amount net at tax
// rate bp, and of the cost of its goods, stay within the amount limits.
func (g *gen) fits(net, bp, cost int64) bool {
	co := g.co
	t := tax(net, bp)
	in := func(v int64) bool { return v == 0 || (v >= co.min && v <= co.max) }
	return net >= co.min && net+t <= co.max && in(t) && in(cost)
}

// quantity draws how many units at unit price p make a net amount in sp:
// log-uniform between the quantities that reach its bottom and its top, so
// that amounts are log-uniform in sp (and keep Benford's first digits). 0
// when one unit costs more than the top.
func (g *gen) quantity(p int64, sp span) int64 {
	qhi := sp.hi / p
	if qhi < 1 {
		return 0
	}
	qlo := min(max(1, (sp.lo+p-1)/p), qhi)
	return int64(rng.NewLogUniform(uint64(qlo), uint64(qhi)).Draw(g.r))
}

// pick draws a material among from and a quantity for an order in sp at
// the unit prices in price: preferably a material that sp buys ten units
// of at least, so that whole units do not bunch the amounts. Goods sold
// from stock (sell) also cost their standard cost. qty is 0 when nothing
// fits the limits.
func (g *gen) pick(from []int32, sp span, price []int64, bp int64, sell bool) (m int32, qty int64) {
	co, r := g.co, g.r
	for try := range 10 {
		m = from[r.IntN(len(from))]
		p := price[m]
		if try < 6 && p*10 > sp.lo {
			continue
		}
		qty = g.quantity(p, sp)
		cost := int64(0)
		if sell && co.stock[m] {
			cost = qty * co.cost[m]
		}
		if qty > 0 && g.fits(qty*p, bp, cost) {
			return m, qty
		}
	}
	return m, 0
}

// doc appends a document and returns its index.
func (g *gen) doc(d Doc) int32 {
	b := g.b
	d.Num = int32(len(b.byKind[d.Kind]))
	b.byKind[d.Kind] = append(b.byKind[d.Kind], int32(len(b.Docs)))
	d.Pays = [3]int32{-1, -1, -1}
	if d.Kind.Posts() {
		d.Posted = true
		d.IDHi, d.IDLo = g.r.Uint64(), g.r.Uint64()
		b.Entries++
		g.left--
	}
	d.FirstLine = int32(len(b.Lines))
	b.Docs = append(b.Docs, d)
	b.ids = b.appendID(b.ids, &d)
	b.idEnd = append(b.idEnd, int32(len(b.ids)))
	return int32(len(b.Docs) - 1)
}

// line appends a journal line to the last document.
func (g *gen) line(acct, cc int32, amount int64, debit bool) {
	if amount == 0 {
		return
	}
	b := g.b
	b.Lines = append(b.Lines, Line{Account: acct, CostCenter: cc, Amount: amount, Debit: debit})
	b.Docs[len(b.Docs)-1].NLines++
}

// canPost reports whether a document dated day may still post.
func (g *gen) canPost(day int32) bool { return g.left > 0 && day <= g.lastDay() }

// orderToCash generates a sale: the order, one or two deliveries, their
// invoices and the customer's payments. The customer is an active one
// whose credit is not blocked (company.customers). Stocked goods sold are
// restocked later by restock.
func (g *gen) orderToCash() {
	co, r := g.co, g.r
	if len(co.customers) == 0 {
		return // every customer is inactive or blocked: nobody orders
	}
	start := int32(g.f.cal.Lead + g.f.cal.Start.Pick(r))
	cust := co.customers[r.IntN(len(co.customers))]
	m, qty := g.pick(g.assortment, co.sell, co.listPrice, co.taxOut, true)
	if qty == 0 {
		return
	}
	// The customer's price: the list price less up to 10%.
	price := max(1, co.listPrice[m]*int64(9000+r.IntN(1001))/10000)
	if !g.fits(qty*price, co.taxOut, 0) {
		price = co.listPrice[m]
	}
	seller := g.user(seller)
	so := g.doc(Doc{Kind: SalesOrder, Day: start, DocDay: start, Party: cust, Material: m, User: seller, Pred: -1, Order: -1,
		Qty: qty, Price: price, Net: qty * price, Tax: tax(qty*price, co.taxOut)})
	g.b.Docs[so].Order = so
	day := start
	unitCost := int64(0)
	if co.stock[m] {
		unitCost = co.cost[m]
	}
	o2c := &g.f.o2c
	for _, part := range g.parts(qty, price, co.taxOut, unitCost, o2c.partialPPM) {
		day = g.wait(day, o2c.toReceipt)
		if !g.canPost(day) {
			return
		}
		cost := part * unitCost
		dl := g.doc(Doc{Kind: Delivery, Day: day, DocDay: day, Party: cust, Material: m, User: g.user(warehouse), Pred: so, Order: so,
			Qty: part, Price: price, Cost: cost})
		if co.stock[m] {
			g.line(co.cogs[m], g.costCenter(seller), cost, true)
			g.line(co.inventory[m], -1, cost, false)
			g.sold(m, part)
		} else {
			g.b.Docs[dl].Cost = 0
			// A service is not issued from stock: the delivery confirms
			// it without a journal entry.
			g.unpost(dl)
		}
		g.b.Docs[so].Done += part
		if rng.PPM(r, noInvoicePPM) {
			continue
		}
		iday := g.wait(day, o2c.toInvoice)
		if !g.canPost(iday) {
			return
		}
		net := part * price
		t := tax(net, co.taxOut)
		ci := g.doc(Doc{Kind: CustomerInvoice, Day: iday, DocDay: iday, Party: cust, Material: m, User: g.user(accountant), Pred: dl, Order: so,
			Qty: part, Price: price, Net: net, Tax: t, Cost: g.b.Docs[dl].Cost, Due: g.f.cal.Epoch + iday + co.terms[co.custTerms[cust]].days})
		acct := g.f.acct
		g.line(acct.ar, -1, net+t, true)
		g.line(co.revenue[m], g.costCenter(seller), net, false)
		g.line(acct.outputVAT, -1, t, false)
		g.b.Docs[so].Billed += part
		g.settle(ci, Receipt)
	}
}

// unpost turns the last document, just added, into one without a journal
// entry.
func (g *gen) unpost(i int32) {
	d := &g.b.Docs[i]
	d.IDHi, d.IDLo, d.Posted = 0, 0, false
	g.b.Entries--
	g.left++
}

// parts splits an ordered quantity into the quantities delivered: all at
// once, or in two parts (with a chance of ppm parts per million) of which
// the second may never come. Both parts' invoices at unit price p (tax
// rate bp, unit cost c) stay within the amount limits.
func (g *gen) parts(qty, p, bp, c int64, ppm uint64) []int64 {
	if qty < 2 || !rng.PPM(g.r, ppm) {
		return []int64{qty}
	}
	first := max(1, qty*int64(60+g.r.IntN(21))/100)
	second := qty - first
	if second == 0 || !g.fits(first*p, bp, first*c) || !g.fits(second*p, bp, second*c) {
		return []int64{qty}
	}
	if rng.PPM(g.r, secondPartLostPPM) {
		return []int64{first}
	}
	return []int64{first, second}
}

// sold records stocked goods delivered in the block, for restocking.
func (g *gen) sold(m int32, qty int64) {
	b := g.b
	if b.need == nil {
		b.need = map[int32]int64{}
	}
	if _, ok := b.need[m]; !ok {
		b.needOrder = append(b.needOrder, m)
	}
	b.need[m] += qty
}

// restock buys what the block's deliveries take from stock, ahead of
// them: each stocked material's deliveries are taken in date order, and
// when one would take more than has arrived by its day, a lot is ordered
// so that it arrives by then: on a day the usual wait for a goods receipt
// (toReceipt's longest) plus 6 to 26 days before the delivery, and
// received on the delivery's day at the latest (in the first days, the
// order may be dated in the week before the first period; its receipt
// never is). A lot has the size of a goods receipt, at least the
// shortfall, and at most what the material's later deliveries need plus
// 5-20%. The second part of a lot delivered in two may come after the
// delivery; it counts for the later ones. Every delivery is therefore
// covered by the block's own receipts up to its day, and no inventory
// account depends on its opening stock or on another block.
func (g *gen) restock() {
	co, r, b := g.co, g.r, g.b
	ahead := int32(g.f.p2p.toReceipt.Max + 6)
	var st stock
	for _, m := range b.needOrder {
		ds := b.scratch[:0]
		for _, i := range b.byKind[Delivery] {
			if d := &b.Docs[i]; d.Material == m && d.Posted {
				ds = append(ds, i)
			}
		}
		slices.SortStableFunc(ds, func(x, y int32) int { return cmp.Compare(b.Docs[x].Day, b.Docs[y].Day) })
		b.scratch = ds
		b.arrivals = b.arrivals[:0]
		st = stock{later: st.later[:0]}
		rest := b.need[m] * int64(105+r.IntN(16)) / 100
		// taken and takenValue are what the deliveries so far took.
		var taken, takenValue int64
		p := co.buyPrice[m]
		// An order's unit price is at least 95% of the purchase price
		// (procureToPay).
		lowest := max(1, p*9500/10000)
		for _, di := range ds {
			d := &b.Docs[di]
			for g.left > 0 {
				st.update(b.arrivals, d.Day)
				short := d.Qty - (st.by - taken)
				// A material at standard cost is received at its order's
				// price and issued at standard cost, which may be higher:
				// what has arrived must cover the value issued too.
				// (revalue issues moving-average materials at what the
				// receipts cost.)
				if v := d.Cost - (st.byValue - takenValue); !co.movingAvg[m] && v > 0 {
					short = max(short, (v+lowest-1)/lowest)
				}
				if short <= 0 {
					break
				}
				q := g.quantity(p, co.restock)
				q = min(max(q, short), max(rest-(st.bought-taken), short))
				for q > 1 && !g.fits(q*p, co.taxIn, 0) {
					q = q * 3 / 4
				}
				if !g.fits(q*p, co.taxIn, 0) {
					break
				}
				before, arrived := b.Entries, len(b.arrivals)
				day := max(0, d.Day-ahead-int32(r.IntN(21)))
				if g.f.p2p.on {
					g.procureToPay(m, q, day, d.Day)
				} else {
					g.buyForCash(m, q, day, d.Day)
				}
				g.p2pLeft -= max(1, b.Entries-before)
				if len(b.arrivals) == arrived {
					break // nothing arrives: the delivery goes unstocked
				}
			}
			taken, takenValue = taken+d.Qty, takenValue+d.Cost
			rest -= d.Qty
		}
	}
}

// stock follows one material's receipts while restock works through its
// deliveries in date order: what has arrived by the day of the delivery
// at hand (by, byValue), all that was bought, and the arrivals due after
// that day (later), which count once the deliveries reach their day.
type stock struct {
	by, byValue, bought int64
	seen                int // arrivals counted so far
	later               []arrival
}

// update counts the arrivals made since the last call, and those due by
// day.
func (s *stock) update(arrivals []arrival, day int32) {
	for _, a := range arrivals[s.seen:] {
		s.bought += a.qty
		s.later = append(s.later, a)
	}
	s.seen = len(arrivals)
	due := s.later[:0]
	for _, a := range s.later {
		if a.day <= day {
			s.by, s.byValue = s.by+a.qty, s.byValue+a.value
		} else {
			due = append(due, a)
		}
	}
	s.later = due
}

// arrival is a goods receipt of restocking: its day, quantity and value.
type arrival struct {
	day        int32
	qty, value int64
}

// receiptDay returns the day a goods receipt of an order dated day
// arrives, waiting p2p's toReceipt, and, when by >= 0 (restocking for a
// delivery on day by), within the period and no later than by.
func (g *gen) receiptDay(day, by int32) int32 {
	day = g.wait(day, g.f.p2p.toReceipt)
	if by >= 0 {
		day = min(max(day, int32(g.f.cal.Lead)), by)
	}
	return day
}

// revalue values the block's deliveries of each moving-average material
// (valuation_method moving_average in master_data/materials) at the moving
// average cost of the block's stock of it on their day, where orderToCash
// valued them at standard cost: the value of the block's goods receipts
// up to that day (a day's receipts before its deliveries, as restock buys
// them), less what the earlier deliveries took, over the quantity left. A
// block then issues its goods at what it paid for them, and the value of
// its stock of the material never turns negative as long as the receipts
// cover the deliveries, which restock sees to. A delivery they do not
// cover (restocking ran out of entries), or whose revalued cost would
// leave the amount limits, keeps its standard cost. Customer invoices
// carry their delivery's cost.
func (g *gen) revalue() {
	co, b := g.co, g.b
	changed := false
	for _, m := range b.needOrder {
		if !co.movingAvg[m] {
			continue
		}
		ev := b.scratch[:0]
		for _, k := range [...]Kind{GoodsReceipt, Delivery} {
			for _, i := range b.byKind[k] {
				if d := &b.Docs[i]; d.Material == m && d.Posted {
					ev = append(ev, i)
				}
			}
		}
		slices.SortStableFunc(ev, func(x, y int32) int { return cmp.Compare(b.Docs[x].Day, b.Docs[y].Day) })
		b.scratch = ev
		var qty, value int64
		for _, i := range ev {
			d := &b.Docs[i]
			if d.Kind == GoodsReceipt {
				qty, value = qty+d.Qty, value+d.Net
				continue
			}
			if qty >= d.Qty && d.Cost != 0 {
				if cost := money.MulDiv(d.Qty, value, qty); cost >= max(co.min, 1) && cost <= co.max && cost != d.Cost {
					d.Cost = cost
					for k := range b.Lines[d.FirstLine : d.FirstLine+d.NLines] {
						b.Lines[d.FirstLine+int32(k)].Amount = cost
					}
					changed = true
				}
			}
			qty, value = qty-d.Qty, value-d.Cost
		}
	}
	if !changed {
		return
	}
	for _, i := range b.byKind[CustomerInvoice] {
		if d := &b.Docs[i]; d.Pred >= 0 && b.Docs[d.Pred].Kind == Delivery {
			d.Cost = b.Docs[d.Pred].Cost
		}
	}
}

// buyForCash receives qty of stocked material m ordered on day without
// procure-to-pay (switched off): bought at its purchase price and paid on
// receipt, the goods receipt's entry debits inventory and credits the bank.
// The sales then have stock to take, and nothing opens a payable or GR/IR.
// The receipt is no flow document (Order -1): the tables leave it out. The
// receipt arrives by day by (receiptDay) and is recorded in the block's
// arrivals, unless the block has no entry left.
func (g *gen) buyForCash(m int32, qty int64, day, by int32) {
	co := g.co
	day = g.receiptDay(day, by)
	if !g.canPost(day) {
		return
	}
	value := qty * co.buyPrice[m]
	g.doc(Doc{Kind: GoodsReceipt, Day: day, DocDay: day, Party: co.vendors[g.r.IntN(len(co.vendors))], Material: m, User: g.user(warehouse),
		Pred: -1, Order: -1, Qty: qty, Price: co.buyPrice[m], Net: value})
	g.line(co.inventory[m], -1, value, true)
	g.line(g.f.acct.bank, -1, value, false)
	g.b.arrivals = append(g.b.arrivals, arrival{day, qty, value})
}

// procureToPay generates a purchase: the order, one or two goods receipts,
// their invoices and the payments. Material m < 0 buys a service or
// consumable for use; otherwise qty of m is bought for stock, ordered on
// day (a calendar index), within the amount limits, its first receipt
// arriving by day by (receiptDay), and each goods receipt is recorded in
// the block's arrivals (a second part may never come, or come after the
// dataset's end).
func (g *gen) procureToPay(m int32, qty int64, day, by int32) {
	co, r := g.co, g.r
	forUse := m < 0
	// subcontracted: a service the company sells, bought for its cost of
	// sales; otherwise a running cost.
	subcontracted := false
	if forUse {
		subcontracted = g.subcontract > 0 && (g.budget <= 0 || r.IntN(2) == 0)
		if !subcontracted && g.budget <= 0 {
			return
		}
		from := co.bought
		if subcontracted {
			from = co.resold
		}
		day = int32(g.f.cal.Lead + g.f.cal.Start.Pick(r))
		m, qty = g.pick(from, g.services, co.buyPrice, co.taxIn, false)
	}
	if qty == 0 {
		return
	}
	// The order's price: the purchase price, give or take 5%.
	price := max(1, co.buyPrice[m]*int64(9500+r.IntN(1001))/10000)
	if !g.fits(qty*price, co.taxIn, 0) {
		price = co.buyPrice[m]
	}
	switch {
	case subcontracted:
		g.subcontract -= qty * price
	case forUse:
		g.budget -= qty * price
	}
	vend := co.vendors[r.IntN(len(co.vendors))]
	buyer := g.user(buyer)
	po := g.doc(Doc{Kind: PurchaseOrder, Day: day, DocDay: day, Party: vend, Material: m, User: buyer, Pred: -1, Order: -1,
		Qty: qty, Price: price, Net: qty * price, Tax: tax(qty*price, co.taxIn)})
	g.b.Docs[po].Order = po
	acct := g.f.acct
	p2p := &g.f.p2p
	for _, part := range g.parts(qty, price, co.taxIn, 0, p2p.partialPPM) {
		day = g.receiptDay(day, by)
		by = -1 // the second part comes when it comes
		if !g.canPost(day) {
			return
		}
		value := part * price
		pred, clearing := po, acct.grir
		if co.stock[m] {
			pred = g.doc(Doc{Kind: GoodsReceipt, Day: day, DocDay: day, Party: vend, Material: m, User: g.user(warehouse), Pred: po, Order: po,
				Qty: part, Price: price, Net: value})
			g.line(co.inventory[m], -1, value, true)
			g.line(acct.grir, -1, value, false)
			g.b.Docs[po].Done += part
			g.b.arrivals = append(g.b.arrivals, arrival{day, part, value})
			if rng.PPM(r, noInvoicePPM) {
				continue
			}
			day = g.wait(day, p2p.toInvoice)
		} else {
			// Services and consumables are invoiced against the order
			// (a two-way match) and expensed by the invoice: a service
			// the company sells itself, bought from a subcontractor, to
			// cost of sales.
			clearing = co.expense[m]
			if subcontracted {
				clearing = co.cogs[m]
			}
		}
		if !g.canPost(day) {
			return
		}
		// The vendor dates its invoice up to three days before it is
		// posted (the days it spends in the post), never before the
		// document it follows: the receipt of the goods it bills, or the
		// order of a service (a receipt is dated on or after its order).
		dated := max(day-int32(r.IntN(4)), g.b.Docs[pred].DocDay)
		t := tax(value, co.taxIn)
		vi := g.doc(Doc{Kind: VendorInvoice, Day: day, DocDay: dated, Party: vend, Material: m, User: g.user(accountant), Pred: pred, Order: po,
			Qty: part, Price: price, Net: value, Tax: t, Due: g.f.cal.Epoch + dated + co.terms[co.vendTerms[vend]].days})
		cc := int32(-1)
		if clearing != acct.grir {
			cc = g.costCenter(buyer)
			g.b.Docs[po].Done += part
		}
		g.line(clearing, cc, value, true)
		g.line(acct.inputVAT, -1, t, true)
		g.line(acct.ap, -1, value+t, false)
		g.b.Docs[po].Billed += part
		g.settle(vi, Payment)
	}
}

// settle pays invoice inv (a vendor invoice with kind Payment, a customer
// invoice with kind Receipt): in full around the due date (or the
// process's days after the invoice date), early or late, in two
// instalments, or not at all.
func (g *gen) settle(inv int32, kind Kind) {
	r := g.r
	pr := &g.f.p2p
	if kind == Receipt {
		pr = &g.f.o2c
	}
	if rng.PPM(r, pr.unpaidPPM) {
		return
	}
	d := g.b.Docs[inv]
	due := d.Due - g.f.cal.Epoch // calendar index of the due date
	// Payments wait for busy days around the due date; around an average
	// delay, they are drawn in windows around a day set so that the mean,
	// late and early payments included, stays the average.
	late, early, onTime := config.Delay{Min: 5, Max: 40}, config.Delay{Min: -10, Max: -4}, config.Delay{Min: -3, Max: 3}
	soonest := config.Delay{Min: 1, Max: 3}
	if !pr.byTerms {
		due = d.DocDay + pr.payDays - pr.payShift
		late.Window, early.Window, onTime.Window, soonest.Window = true, true, true, true
	}
	var day int32
	switch {
	case rng.PPM(r, pr.latePPM):
		day = g.wait(due, late)
	case rng.PPM(r, earlyPaymentPPM):
		day = g.wait(due, early)
	default:
		day = g.wait(due, onTime)
	}
	day = max(day, g.wait(d.Day, soonest))
	if day < int32(g.f.cal.Lead) {
		// An opening item due before the first period: paid in its
		// first days.
		day = g.after(int32(g.f.cal.Lead), 0, 6)
	}
	gross := d.Gross()
	amounts := []int64{gross}
	if part := gross * int64(50+r.IntN(26)) / 100; part >= g.co.min && gross-part >= g.co.min && rng.PPM(r, pr.partialPayPPM) {
		amounts = []int64{part}
		if !rng.PPM(r, remainderLostPPM) {
			amounts = append(amounts, gross-part)
		}
	}
	acct := g.f.acct
	for k, a := range amounts {
		if k > 0 {
			day = g.wait(day, pr.remainder)
		}
		if !g.canPost(day) {
			return
		}
		p := g.doc(Doc{Kind: kind, Day: day, DocDay: day, Party: d.Party, Material: d.Material, User: g.user(accountant), Pred: inv, Order: d.Order,
			Net: a})
		if kind == Payment {
			g.line(acct.ap, -1, a, true)
			g.line(acct.bank, -1, a, false)
		} else {
			g.line(acct.bank, -1, a, true)
			g.line(acct.ar, -1, a, false)
		}
		iv := &g.b.Docs[inv]
		iv.Pays[k] = p
		iv.Done += a
		g.b.Docs[p].Cleared = iv.Done == gross
	}
}

// OfKind returns the indexes of the batch's documents of kind k, in the
// order made.
func (b *Batch) OfKind(k Kind) []int32 { return b.byKind[k] }

// Payments counts the vendor payments of the batch that Duplicate may pay
// again: those of invoices not yet paid twice (an invoice records one
// duplicate, so that its subledger amount keeps every payment).
func (b *Batch) Payments() int {
	n := 0
	for i := range b.Docs {
		if b.duplicable(int32(i)) {
			n++
		}
	}
	return n
}

// duplicable reports whether document i is a vendor payment Duplicate may
// pay again.
func (b *Batch) duplicable(i int32) bool {
	d := &b.Docs[i]
	return d.Kind == Payment && !d.Duplicate && b.Docs[d.Pred].Pays[2] < 0
}

// Duplicate pays again one of the batch's vendor payments that Payments
// counts (there must be one), drawn from r, a few days later: the same amount to the same vendor
// for the same invoice, which is then overpaid. It returns the new payment.
func (b *Batch) Duplicate(r *rand.Rand) *Doc {
	k := r.IntN(b.Payments())
	var orig int32
	for i := range b.Docs {
		if b.duplicable(int32(i)) {
			if k == 0 {
				orig = int32(i)
				break
			}
			k--
		}
	}
	o := b.Docs[orig]
	g := gen{f: b.f, co: &b.f.companies[b.company], r: r, b: b, left: 1}
	day := min(g.after(o.Day, 1, 20), g.lastDay())
	p := g.doc(Doc{Kind: Payment, Day: day, DocDay: day, Party: o.Party, Material: o.Material, User: g.user(accountant),
		Pred: o.Pred, Order: o.Order, Net: o.Net, Duplicate: true})
	b.Lines = append(b.Lines, b.Lines[o.FirstLine:o.FirstLine+o.NLines]...)
	d := &b.Docs[p]
	d.NLines = o.NLines
	inv := &b.Docs[o.Pred]
	inv.Pays[2] = p
	inv.Done += o.Net
	return d
}
