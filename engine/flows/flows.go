// Package flows generates the procure-to-pay and order-to-cash document
// flows of a company and the journal entries they post: purchase orders,
// goods receipts, vendor invoices and payments; sales orders, deliveries,
// customer invoices and receipts; the references that link them; and the
// accounts-payable and accounts-receivable subledgers with their aging.
//
// Flows are generated inside the journal's blocks (see package ledger): a
// block's flows draw from the block's own stream, every document of a flow
// (including those that fall in a later period) belongs to the same block,
// and nothing refers to another block. Any range of blocks can therefore be
// generated alone, and the bytes do not depend on the thread count.
//
// Flows are the only postings to the receivables, payables and GR/IR
// clearing accounts. The opening receivables and payables are open items
// too: invoices posted in the weeks before the first period (SetOpening),
// which block 0 of each company carries with their payments, so that the
// opening balances, like everything else, need no other block. The
// subledgers are the flows' open invoices, so at the opening and at every
// period end the open items of the AP and AR subledgers equal the balances
// of the payables and receivables accounts.
//
// Documents reference master data by identifier (masterdata.VendorID,
// CustomerID, MaterialID, UserID): unit prices come from the materials'
// purchase and list prices and payment terms those of the vendor or customer, read from the
// master-data tables as they are generated.
package flows

import (
	"encoding/binary"
	"encoding/json"
	"math/rand/v2"
	"slices"
	"strconv"

	"datasynth.dev/engine/balance"
	"datasynth.dev/engine/chart"
	"datasynth.dev/engine/config"
	"datasynth.dev/engine/internal/csvrow"
	"datasynth.dev/engine/masterdata"
	"datasynth.dev/engine/money"
	"datasynth.dev/engine/rng"
	"datasynth.dev/engine/table"
)

// Kind is a type of flow document.
type Kind int8

const (
	PurchaseOrder Kind = iota
	GoodsReceipt
	VendorInvoice
	Payment
	SalesOrder
	Delivery
	CustomerInvoice
	Receipt
	kinds
)

// kindInfo: the identifier prefix and DataSynth's document type name.
var kindInfo = [kinds]struct{ prefix, name string }{
	{"PO", "purchase_order"}, {"GR", "goods_receipt"}, {"VI", "vendor_invoice"}, {"AP", "ap_payment"},
	{"SO", "sales_order"}, {"DL", "delivery"}, {"CI", "customer_invoice"}, {"CR", "customer_receipt"},
}

// Posts reports whether a document of kind k posts a journal entry.
func (k Kind) Posts() bool { return k != PurchaseOrder && k != SalesOrder }

// Vendor reports whether documents of kind k have a vendor (else a customer).
func (k Kind) Vendor() bool { return k <= Payment }

// Calendar is the ledger's posting calendar: consecutive days, the first
// Lead of them before the period (document dates only).
type Calendar struct {
	// Epoch is the first calendar day, in days since 1970-01-01; day i of
	// the calendar is Epoch+i.
	Epoch int32
	Lead  int
	// FY and FP are the fiscal year and period of each day, FYText and
	// FPText their text, formatted once for the header of every row.
	FY, FP         []int16
	FYText, FPText []string
	// Date is the text of each day, YYYY-MM-DD, formatted once for the
	// many dates of the flow tables.
	Date []string
	// Ends are the calendar indexes of the last day of each fiscal
	// period, in order: the as-of dates of the aging tables and of the
	// open items that AddOpen sums.
	Ends []int32
	// Range gives the amounts, in minor units, that a document of one
	// kind (a journal template name: goods_receipt, vendor_invoice,
	// customer_invoice) of company ci typically has.
	Range func(ci int, kind string) (lo, hi int64)
	// Start picks the day a flow starts on, as an offset from Lead, with
	// the ledger's seasonality; Weight are its weights, of the days from
	// Lead on. Later documents of a flow fall on days weighted the same way.
	Start  *rng.Weighted
	Weight []uint64
}

// Line is one line of a flow document's journal entry. Amount is positive,
// in minor units; CostCenter is -1 on balance-sheet accounts.
type Line struct {
	Account    int32
	CostCenter int32
	Amount     int64
	Debit      bool
}

// Doc is one flow document.
type Doc struct {
	Kind Kind
	// Num numbers the documents of a kind within the block.
	Num int32
	// Day is the posting day and DocDay the document date, as calendar
	// indexes. Orders have Day == DocDay.
	Day, DocDay int32
	// Due is the due date of an invoice, in days since 1970-01-01 (it may
	// fall after the calendar).
	Due                   int32
	Party, Material, User int32
	// Pred is the predecessor (index into Batch.Docs): the order of a goods
	// receipt or delivery, the receipt or delivery of an invoice, the
	// invoice of a payment; -1 for orders. Order is the flow's order.
	Pred, Order int32
	Qty         int64
	Price       int64 // unit price, minor units
	Net, Tax    int64 // payments: Net is the amount
	Cost        int64 // deliveries: cost of the goods issued
	// Done is, for orders, the quantity received or delivered; for
	// invoices, the amount paid. Billed is the quantity invoiced (orders).
	Done, Billed int64
	// Pays are the payments of an invoice (-1 when none): up to two
	// instalments and a duplicate payment.
	Pays [3]int32
	// Cleared: a payment that settles its invoice in full.
	Cleared bool
	// Opening: an invoice brought forward, posted before the first period
	// (in the opening balances, not the journal), with no order or
	// predecessor.
	Opening bool
	// Posted: the document posts a journal entry (all but orders and
	// deliveries of services).
	Posted bool
	// Duplicate: a payment made a second time (fraud).
	Duplicate bool
	// IDHi and IDLo make the UUID of the journal entry.
	IDHi, IDLo uint64
	// Lines of the journal entry: Batch.Lines[FirstLine : FirstLine+NLines].
	FirstLine, NLines int32
}

// Gross is net plus tax.
func (d *Doc) Gross() int64 { return d.Net + d.Tax }

// Batch holds the flows of one block.
type Batch struct {
	Docs  []Doc
	Lines []Line
	// Entries is the number of documents that post a journal entry.
	Entries int

	f       *Flows
	company int
	block   int64
	// byKind lists the documents of each kind, in order: a table of one
	// kind walks its own documents only.
	byKind [kinds][]int32
	// need is the quantity of each stocked material sold in the block;
	// needOrder the materials in the order first sold.
	need      map[int32]int64
	needOrder []int32
	scratch   []int32
	arrivals  []arrival
	// ids holds the identifier of every document, formatted once when it
	// is made (most appear in several tables): document i's ends at
	// idEnd[i] and starts where document i-1's ends.
	ids   []byte
	idEnd []int32
	// refKey keys the block's reference ids (appendRefID): made from the
	// seed, the company and the block as a stream's key is (rng.Key),
	// apart from the block's stream, whose draws stay as they are.
	refKey [2]uint64
}

// Reset empties b for reuse, keeping its memory.
func (b *Batch) Reset() {
	b.Docs, b.Lines, b.Entries = b.Docs[:0], b.Lines[:0], 0
	b.ids, b.idEnd = b.ids[:0], b.idEnd[:0]
	for k := range b.byKind {
		b.byKind[k] = b.byKind[k][:0]
	}
	clear(b.need)
	b.needOrder = b.needOrder[:0]
}

// accounts are the accounts flows post to, as chart indexes. The
// inventory, cost-of-sales, revenue and expense accounts of a material's
// documents are the material's own (company.inventory and the others).
type accounts struct {
	ap, ar, grir, bank, inputVAT, outputVAT int32
	// inventory are all the inventory accounts, in chart order
	// (StockWeights).
	inventory []int32
}

func first(ch *chart.Chart, r chart.Role) int32 { return int32(ch.ByRole(r)[0]) }

func all(ch *chart.Chart, r chart.Role) []int32 { return indexes(ch.ByRole(r)) }

func indexes(accounts []int) []int32 {
	var out []int32
	for _, a := range accounts {
		out = append(out, int32(a))
	}
	return out
}

// company is what the flows of one company need, fixed for a run.
type company struct {
	code string
	// quote: the code holds a character that CSV quotes or JSON escapes,
	// and so do the identifiers made with it.
	quote    bool
	currency string
	digits   int
	sizes    masterdata.Sizes
	min, max int64 // amount limits, minor units
	// Net amounts of restocking purchases, of purchases of services and
	// consumables, and of sales.
	restock, buy, sell span
	taxIn              int64 // tax rates, basis points
	taxOut             int64
	// Per material: standard cost, purchase price and list price (minor
	// units), and whether it is kept in stock.
	cost, buyPrice, listPrice []int64
	stock                     []bool
	// Per material, the accounts of its account_determination: the
	// inventory account its receipts post to and its deliveries take
	// from, the cost-of-sales account of its deliveries (or, for a
	// service bought from a subcontractor, of its invoices), the revenue
	// account of its sales, and the expense account of its purchases
	// when it is not stocked.
	inventory, cogs, revenue, expense []int32
	// movingAvg marks the materials whose valuation_method is
	// moving_average: their deliveries are valued at the block's receipts
	// (revalue), the others at standard cost.
	movingAvg []bool
	sellable  []int32 // materials sold
	// resold are the services that a company selling services alone
	// also buys from subcontractors, as cost of sales.
	resold []int32
	bought []int32 // materials bought for use (services, supplies)
	// Payment terms of each vendor and customer, as indexes into terms.
	vendTerms, custTerms []uint8
	terms                []terms
	users                [len(deptOf)][]int32 // employees of each flow role's department
	periodEnds           []int32              // calendar index of each period end
	periodEnded          []int32              // same, in days since 1970-01-01
	// customers are the customers who place orders: those active
	// (is_active in master data) whose credit is not blocked
	// (credit_blocked); vendors the vendors that take orders: the active
	// ones, or all when none is.
	customers, vendors []int32
	// The master-data identifiers the flow tables write, made once.
	vendorIDs, customerIDs, materialIDs, userIDs []string
	// openAR and openAP are the opening open items (SetOpening).
	openAR, openAP openingItems
}

// openingItems are the open items of one subledger at the opening: n
// invoices whose gross amounts add up to total.
type openingItems struct {
	n     int
	total int64
}

// terms are payment terms: master data's name and days.
type terms struct {
	name string
	days int32
}

// span is a range of amounts in minor units.
type span struct{ lo, hi int64 }

// servicesShare is what a company spends on services and consumables from
// its vendors, in percent of its sales: rent, utilities, maintenance,
// supplies, the running costs beside the goods it sells, its payroll and
// its depreciation. A company that sells services spends, besides, their
// cost of sales (Flows.serviceCost) on them.
const servicesShare = 15

// servicesSpan returns the range of the block's purchases of services and
// consumables: co.buy's range, with its whole decades (and so Benford's
// first digits), moved so that the purchases the block's procure-to-pay
// share leaves room for (about two entries each: the invoice and its
// payment) average what the block spends on them: servicesShare percent
// of its sales, and the cost of the services among them. It sets
// g.budget to that spend: purchases stop once it is spent, as whole
// units of a dear material can take more than the range's average.
// Without sales in the block (order-to-cash off), co.buy's range stands
// and nothing bounds the purchases.
func (g *gen) servicesSpan() span {
	co, b := g.co, g.b
	var sales int64
	for _, i := range b.byKind[CustomerInvoice] {
		sales += b.Docs[i].Net
	}
	// A company that resells services sells nothing else.
	var services int64
	if co.resold != nil {
		services = sales
	}
	sp := co.buy
	n := int64(g.p2pLeft / 2)
	g.budget, g.subcontract = 1<<63-1, 0
	if sales <= 0 || n <= 0 || sp.lo <= 0 || sp.hi <= sp.lo {
		return sp
	}
	g.subcontract = money.MulDiv(services, g.f.serviceCost, 1_000_000)
	g.budget = money.MulDiv(sales, servicesShare, 100)
	// The mean of a log-uniform lo..lo*ratio is lo*(ratio-1)/ln(ratio);
	// ln(10) = 2.302585, and ratio is a power of ten but where the
	// amount limits cut the range.
	ratio := sp.hi / sp.lo
	var lnMilli int64
	for x := ratio; x >= 10; x /= 10 {
		lnMilli += 2303
	}
	lnMilli = max(lnMilli, 693) // at least ln(2)
	target := (g.budget + g.subcontract) / n
	lo := max(money.MulDiv(target, lnMilli, 1000*max(1, ratio-1)), co.min, 1)
	hi := lo * ratio
	if hi > co.max || hi/ratio != lo {
		hi, lo = co.max, max(co.max/ratio, co.min, 1)
	}
	return span{lo, hi}
}

// StockWeights returns, for each inventory account of the chart (in its
// order), the share of company ci's cost of goods sold that its deliveries
// take from it: the stocked materials sold on it (the inventory account
// of their account_determination, company.inventory), each weighing its
// standard cost over its list price, since a sale's amount does not depend
// on the price. The opening inventory is split by these weights, so that each
// account opens with stock for what it issues before the first receipts
// arrive. It returns nil when the company sells nothing from stock.
func (f *Flows) StockWeights(ci int) []int64 {
	co, inv := &f.companies[ci], f.acct.inventory
	w := make([]int64, len(inv))
	stocked := false
	for _, m := range co.sellable {
		if co.stock[m] {
			at := slices.Index(inv, co.inventory[m])
			w[at] += money.MulDiv(co.cost[m], 1_000_000, co.listPrice[m])
			stocked = true
		}
	}
	if !stocked {
		return nil
	}
	return w
}

// Flows generates the document flows of a run.
type Flows struct {
	seed      uint64
	cal       Calendar
	maxWeight uint64 // the largest calendar weight, at least 1
	acct      accounts
	acctNo    []string // account number by chart index
	companies []company
	p2p, o2c  process
	// serviceCost is what the services a company sells cost it, per
	// million of their revenue: its industry's cost of sales
	// (balance.IndustryCostOfSales).
	serviceCost int64
}

// role is who creates a document.
type role int

const (
	buyer role = iota
	warehouse
	accountant
	seller
)

// deptOf is the department (masterdata's department index) of each role.
var deptOf = [...]int{buyer: 1, warehouse: 6, accountant: masterdata.Finance, seller: 2}

// New prepares the flows of cfg. It regenerates the materials, vendors and
// customers tables to read prices and payment terms.
func New(cfg *config.Config, seed uint64, ch *chart.Chart, cal Calendar) *Flows {
	env := masterdata.NewEnv(cfg, ch, seed)
	f := &Flows{seed: seed, cal: cal, maxWeight: 1, p2p: newProcess(cfg.DocumentFlows.P2P), o2c: newProcess(cfg.DocumentFlows.O2C),
		serviceCost: balance.IndustryCostOfSales(cfg.Global.Industry, 1_000_000)}
	for _, w := range cal.Weight {
		f.maxWeight = max(f.maxWeight, w)
	}
	f.acct = accounts{
		ap: first(ch, chart.Payables), ar: first(ch, chart.Receivables), grir: first(ch, chart.GRIR),
		bank: first(ch, chart.Bank), inputVAT: first(ch, chart.InputVAT), outputVAT: first(ch, chart.OutputVAT),
		inventory: all(ch, chart.Inventory),
	}
	byNumber := map[string]int32{}
	for i, a := range ch.Accounts {
		f.acctNo = append(f.acctNo, a.Number)
		byNumber[a.Number] = int32(i)
	}
	ends := cal.Ends
	endDays := make([]int32, len(ends))
	for i, e := range ends {
		endDays[i] = cal.Epoch + e
	}
	for _, c := range cfg.Companies {
		s := masterdata.SizesOf(cfg, c)
		digits := c.Digits()
		co := company{
			code: c.Code, quote: csvrow.NeedsQuote(c.Code) || !table.PlainJSON(c.Code), currency: c.Currency, digits: digits, sizes: s,
			min: max(1, cfg.Transactions.MinAmount.Minor(digits)), max: cfg.Transactions.MaxAmount.Minor(digits),
			periodEnds: ends, periodEnded: endDays,
		}
		co.taxIn, co.taxOut = TaxRates(c.Country)
		for _, ids := range []struct {
			dst *[]string
			n   int
			id  func(code string, i int) string
		}{{&co.vendorIDs, s.Vendors, masterdata.VendorID}, {&co.customerIDs, s.Customers, masterdata.CustomerID},
			{&co.materialIDs, s.Materials, masterdata.MaterialID}, {&co.userIDs, s.Employees, masterdata.UserID}} {
			for i := range ids.n {
				*ids.dst = append(*ids.dst, ids.id(c.Code, i))
			}
		}
		for _, x := range []struct {
			s    *span
			kind string
		}{{&co.restock, "goods_receipt"}, {&co.buy, "vendor_invoice"}, {&co.sell, "customer_invoice"}} {
			x.s.lo, x.s.hi = cal.Range(len(f.companies), x.kind)
		}
		co.readMaster(env, seed, c, ch, byNumber)
		for ro, dept := range deptOf {
			for i := range s.Employees {
				if masterdata.EmployeeDepartment(s, i) == dept {
					co.users[ro] = append(co.users[ro], int32(i))
				}
			}
			if len(co.users[ro]) == 0 {
				for i := range s.Employees {
					co.users[ro] = append(co.users[ro], int32(i))
				}
			}
		}
		f.companies = append(f.companies, co)
	}
	return f
}

// readMaster reads prices, material types, accounts and payment terms from
// the master-data tables, generated row by row as package masterdata
// writes them; byNumber gives the chart index of each account number of
// ch. A column it needs and does not find, or an account of the wrong
// role, is a programming error.
func (co *company) readMaster(env masterdata.Env, seed uint64, c config.Company, ch *chart.Chart, byNumber map[string]int32) {
	s := co.sizes
	co.cost = make([]int64, s.Materials)
	co.buyPrice = make([]int64, s.Materials)
	co.listPrice = make([]int64, s.Materials)
	co.stock = make([]bool, s.Materials)
	co.inventory = make([]int32, s.Materials)
	co.cogs = make([]int32, s.Materials)
	co.revenue = make([]int32, s.Materials)
	co.expense = make([]int32, s.Materials)
	co.movingAvg = make([]bool, s.Materials)
	co.vendTerms = make([]uint8, s.Vendors)
	co.custTerms = make([]uint8, s.Customers)
	termIndex := map[string]uint8{}
	term := func(name string, days int64) uint8 {
		key := name + "/" + strconv.FormatInt(days, 10)
		i, ok := termIndex[key]
		if !ok {
			i = uint8(len(co.terms))
			termIndex[key] = i
			co.terms = append(co.terms, terms{name: name, days: int32(days)})
		}
		return i
	}
	// account returns the chart index of the account that the material's
	// account_determination names under key, which must have role r.
	var det map[string]string
	account := func(key string, r chart.Role) int32 {
		i, ok := byNumber[det[key]]
		if !ok || ch.Accounts[i].Role != r {
			panic("flows: the " + key + " of a material is no " + string(r) + " account of the chart: " + det[key])
		}
		return i
	}
	var row []table.Value
	for _, t := range masterdata.Tables(env) {
		switch t.Name {
		case "materials", "vendors", "customers":
		default:
			continue
		}
		col := func(name string) int {
			for i, c := range t.Columns {
				if c.Name == name {
					return i
				}
			}
			panic("flows: master_data/" + t.Name + " has no column " + name)
		}
		var cost, buy, list, typ, valuation, accounts, termName, termDays, active, blocked int
		if t.Name == "materials" {
			cost, buy, list, typ = col("standard_cost"), col("purchase_price"), col("list_price"), col("material_type")
			valuation, accounts = col("valuation_method"), col("account_determination")
		} else {
			termName, termDays, active = col("payment_terms"), col("payment_terms_days"), col("is_active")
		}
		if t.Name == "customers" {
			blocked = col("credit_blocked")
		}
		r := masterdata.Stream(seed, t.Name, c.Code)
		for i := range t.Rows(s) {
			row = t.Row(c, s, i, r, row[:0])
			switch t.Name {
			case "materials":
				co.cost[i] = max(1, row[cost].Int)
				co.buyPrice[i] = max(1, row[buy].Int)
				co.listPrice[i] = max(1, row[list].Int)
				co.movingAvg[i] = row[valuation].Str == "moving_average"
				co.stock[i] = masterdata.Stocked(row[typ].Str)
				if err := json.Unmarshal([]byte(row[accounts].Str), &det); err != nil {
					panic("flows: account_determination of a material: " + err.Error())
				}
				co.inventory[i], co.cogs[i] = account("inventory_account", chart.Inventory), account("cogs_account", chart.COGS)
				co.revenue[i] = account("revenue_account", chart.Revenue)
				if !co.stock[i] {
					co.expense[i] = account("purchase_expense_account", chart.Opex)
				}
				switch row[typ].Str {
				case "finished_good", "trading_good", "service":
					co.sellable = append(co.sellable, int32(i))
				}
				switch row[typ].Str {
				case "operating_supplies", "service":
					co.bought = append(co.bought, int32(i))
				}
			case "vendors":
				co.vendTerms[i] = term(row[termName].Str, row[termDays].Int)
				if row[active].Int != 0 {
					co.vendors = append(co.vendors, int32(i))
				}
			case "customers":
				co.custTerms[i] = term(row[termName].Str, row[termDays].Int)
				if row[active].Int != 0 && row[blocked].Int == 0 {
					co.customers = append(co.customers, int32(i))
				}
			}
		}
	}
	if len(co.vendors) == 0 {
		for i := range s.Vendors {
			co.vendors = append(co.vendors, int32(i))
		}
	}
	if len(co.sellable) == 0 {
		// No finished or trading goods: sell whatever is stocked, or any
		// material.
		for i, st := range co.stock {
			if st {
				co.sellable = append(co.sellable, int32(i))
			}
		}
		if len(co.sellable) == 0 {
			for i := range s.Materials {
				co.sellable = append(co.sellable, int32(i))
			}
		}
	}
	// A company that sells services alone (a carrier, say) buys part of
	// them from subcontractors: their cost of sales. One that also sells
	// goods has those goods' cost, and its staff deliver its services.
	if !slices.ContainsFunc(co.sellable, func(m int32) bool { return co.stock[m] }) {
		co.resold = co.sellable
	}
	if len(co.bought) == 0 {
		for i := range s.Materials {
			if !co.stock[i] {
				co.bought = append(co.bought, int32(i))
			}
		}
		if len(co.bought) == 0 {
			co.bought = co.sellable
		}
	}
}

// TaxRates are the standard VAT (or GST) rates of a country in basis
// points, on purchases and on sales. US companies collect sales tax on
// sales and buy for resale without tax.
func TaxRates(country string) (in, out int64) {
	rates := map[string]int64{
		"DE": 1900, "FR": 2000, "GB": 2000, "IT": 2200, "ES": 2100, "NL": 2100, "AT": 2000, "BE": 2100,
		"CH": 810, "SE": 2500, "DK": 2500, "NO": 2500, "FI": 2550, "PL": 2300, "IE": 2300, "PT": 2300,
		"JP": 1000, "CN": 1300, "IN": 1800, "SG": 900, "AU": 1000, "NZ": 1500, "CA": 500, "MX": 1600,
		"BR": 1700, "ZA": 1500, "KR": 1000, "TW": 500, "AR": 2100, "AE": 500, "TR": 2000,
	}
	if country == "US" {
		return 0, 725
	}
	if r, ok := rates[country]; ok {
		return r, r
	}
	return 2000, 2000
}

// Generate fills out with the flows of block n of company ci, drawing from
// r: flows whose journal entries number about p2p (procure-to-pay) and o2c
// (order-to-cash), never more than p2p+o2c in all. A process switched off
// in the config generates nothing; the caller fills the block with other
// entries. With procure-to-pay off, the stocked goods the sales take are
// bought for cash (buyForCash), from the p2p share. Block 0 also carries
// the opening open items (SetOpening); their payments take what p2p+o2c
// leave and up to spare more entries.
func (f *Flows) Generate(ci int, n int64, r *rand.Rand, p2p, o2c, spare int, out *Batch) {
	out.Reset()
	out.f, out.company, out.block = f, ci, n
	key := rng.Key(f.seed, "document-references", f.companies[ci].code, "block", strconv.FormatInt(n, 10))
	out.refKey = [2]uint64{binary.LittleEndian.Uint64(key[:8]), binary.LittleEndian.Uint64(key[8:16])}
	g := gen{f: f, co: &f.companies[ci], r: r, b: out, left: p2p + o2c}
	g.p2pLeft, g.o2cLeft = p2p, o2c
	sell := g.co.sellable
	k := max(3, len(sell)/12)
	if k >= len(sell) {
		g.assortment = sell
	} else {
		perm := r.Perm(len(sell))[:k]
		g.assortment = make([]int32, k)
		for i, j := range perm {
			g.assortment[i] = sell[j]
		}
	}
	for f.o2c.on && g.o2cLeft > 0 && g.left > 0 {
		before := out.Entries
		g.orderToCash()
		g.o2cLeft -= max(1, out.Entries-before)
	}
	g.restock()
	g.revalue()
	g.services = g.servicesSpan()
	for f.p2p.on && g.p2pLeft > 0 && g.left > 0 {
		before := out.Entries
		g.procureToPay(-1, 0, -1, -1)
		g.p2pLeft -= max(1, out.Entries-before)
	}
	if n == 0 {
		o := gen{f: f, co: g.co, r: rng.New(f.seed, "opening-items", g.co.code), b: out, left: g.left + spare}
		o.openingItems()
	}
}
