package flows

import (
	"slices"
	"strconv"

	"datasynth.dev/engine/internal/csvrow"
	"datasynth.dev/engine/internal/docid"
	"datasynth.dev/engine/money"
	"datasynth.dev/engine/table"
)

// Table is one output table of the flows: its path without extension
// (e.g. "document_flows/purchase_orders") and columns.
type Table struct {
	Path string
	Cols []table.Column
	// kind is the kind of document the rows come from, allKinds for a
	// table with rows from documents of every kind.
	kind Kind
	rows func(w *rowWriter, d *Doc, i int32) error
	// keys are the columns' JSON keys (table.JSONKeys), each after what
	// comes before it in a JSON Lines row: "{" or ",".
	keys [][]byte
}

// allKinds marks a table with rows from documents of every kind.
const allKinds Kind = kinds

func init() {
	for _, t := range Tables {
		for i, k := range table.JSONKeys(t.Cols) {
			sep := byte(',')
			if i == 0 {
				sep = '{'
			}
			t.keys = append(t.keys, append([]byte{sep}, k...))
		}
	}
}

func cols(spec ...any) []table.Column {
	var out []table.Column
	for _, s := range spec {
		switch v := s.(type) {
		case string:
			out = append(out, table.Column{Name: v})
		case table.Column:
			out = append(out, v)
		}
	}
	return out
}

func c(name string, k table.Kind) table.Column { return table.Column{Name: name, Kind: k} }
func opt(name string, k table.Kind) table.Column {
	return table.Column{Name: name, Kind: k, Optional: true}
}

// head are the document header columns every flow table starts with.
var head = []any{"document_id", "company_code", c("fiscal_year", table.Int), c("fiscal_period", table.Int),
	c("document_date", table.Date), opt("posting_date", table.Date), "created_by", "currency"}

func withHead(rest ...any) []table.Column { return cols(append(append([]any{}, head...), rest...)...) }

var amount = table.Amount

// Tables lists the flow and subledger tables in the order they are written.
// Each row function writes a row's fields in column order to the row
// writer, which hands them to an encoder: the same function gives CSV text
// (Batch.AppendCSV) and typed rows (Batch.Rows).
var Tables = []*Table{
	{Path: "document_flows/purchase_orders", Cols: withHead("po_type", "vendor_id", "payment_terms", "material_id",
		c("quantity", table.Int), c("unit_price", amount), c("total_net_amount", amount), c("total_tax_amount", amount),
		c("total_gross_amount", amount), c("quantity_received", table.Int), c("quantity_invoiced", table.Int),
		c("is_complete", table.Bool)),
		kind: PurchaseOrder, rows: orderRows},
	{Path: "document_flows/goods_receipts", Cols: withHead("gr_type", "movement_type", "purchase_order_id", "vendor_id",
		"material_id", c("total_quantity", table.Int), c("total_value", amount), c("is_posted", table.Bool), "journal_entry_id"),
		kind: GoodsReceipt, rows: func(w *rowWriter, d *Doc, i int32) error {
			w.head(d, i)
			w.word("purchase_order")
			w.word("gr_for_po")
			w.id(d.Pred)
			w.vendor(d.Party)
			w.material(d.Material)
			w.num(d.Qty)
			w.amt(d.Net)
			w.flag(true)
			w.je(d)
			return w.end()
		}},
	{Path: "document_flows/vendor_invoices", Cols: withHead("invoice_type", "vendor_id", "vendor_invoice_number",
		c("invoice_date", table.Date), "purchase_order_id", opt("goods_receipt_id", table.Text), "material_id", c("invoiced_quantity", table.Int),
		c("net_amount", amount), c("tax_amount", amount), c("gross_amount", amount), c("payable_amount", amount),
		"payment_terms", c("due_date", table.Date), c("amount_paid", amount), c("balance", amount), c("is_paid", table.Bool),
		"journal_entry_id"),
		kind: VendorInvoice, rows: func(w *rowWriter, d *Doc, i int32) error {
			if d.Opening {
				return nil
			}
			w.head(d, i)
			w.word("standard")
			w.vendor(d.Party)
			w.vendorNumber(d)
			w.date(d.DocDay)
			w.id(d.Order)
			w.receipt(d)
			w.material(d.Material)
			w.num(d.Qty)
			w.amt(d.Net)
			w.amt(d.Tax)
			w.amt(d.Gross())
			w.amt(d.Gross())
			w.terms(d)
			w.day(d.Due)
			w.amt(d.Done)
			w.amt(d.Gross() - d.Done)
			// Paid in full, or overpaid (a duplicate payment): the
			// status Cleared of the AP subledger.
			w.flag(status(d) == "Cleared")
			w.je(d)
			return w.end()
		}},
	{Path: "document_flows/payments", Cols: payCols, kind: Payment, rows: payRows(Payment)},
	{Path: "document_flows/sales_orders", Cols: withHead("so_type", "customer_id", "payment_terms", "material_id",
		c("quantity", table.Int), c("unit_price", amount), c("total_net_amount", amount), c("total_tax_amount", amount),
		c("total_gross_amount", amount), c("quantity_delivered", table.Int), c("quantity_invoiced", table.Int),
		c("is_complete", table.Bool)),
		kind: SalesOrder, rows: orderRows},
	{Path: "document_flows/deliveries", Cols: withHead("delivery_type", "sales_order_id", "customer_id", "material_id",
		c("total_quantity", table.Int), c("total_cogs", amount), c("actual_gi_date", table.Date), c("is_goods_issued", table.Bool),
		opt("journal_entry_id", table.Text)),
		kind: Delivery, rows: func(w *rowWriter, d *Doc, i int32) error {
			w.head(d, i)
			w.word("outbound")
			w.id(d.Pred)
			w.customer(d.Party)
			w.material(d.Material)
			w.num(d.Qty)
			w.amt(d.Cost)
			w.date(d.Day)
			w.flag(d.Posted)
			w.je(d)
			return w.end()
		}},
	{Path: "document_flows/customer_invoices", Cols: withHead("invoice_type", "customer_id", "sales_order_id", "delivery_id",
		"material_id", c("invoiced_quantity", table.Int), c("total_net_amount", amount), c("total_tax_amount", amount),
		c("total_gross_amount", amount), c("total_cogs", amount), "payment_terms", c("due_date", table.Date),
		c("amount_paid", amount), c("amount_open", amount), "payment_status", "journal_entry_id"),
		kind: CustomerInvoice, rows: func(w *rowWriter, d *Doc, i int32) error {
			if d.Opening {
				return nil
			}
			w.head(d, i)
			w.word("standard")
			w.customer(d.Party)
			w.id(d.Order)
			w.id(d.Pred)
			w.material(d.Material)
			w.num(d.Qty)
			w.amt(d.Net)
			w.amt(d.Tax)
			w.amt(d.Gross())
			w.amt(d.Cost)
			w.terms(d)
			w.day(d.Due)
			w.amt(d.Done)
			w.amt(d.Gross() - d.Done)
			w.word(payStatus(d))
			w.je(d)
			return w.end()
		}},
	{Path: "document_flows/customer_receipts", Cols: payCols, kind: Receipt, rows: payRows(Receipt)},
	{Path: "document_flows/document_references", Cols: cols("reference_id", "source_doc_type", "source_doc_id",
		"target_doc_type", "target_doc_id", "reference_type", "company_code", c("reference_date", table.Date),
		c("reference_amount", amount)),
		kind: allKinds, rows: func(w *rowWriter, d *Doc, i int32) error {
			docs := w.b.Docs
			ref := func(n int, src, dst int32, typ string, amt int64) error {
				w.e.closeText(w.b.appendRefID(w.e.open(), i, n), false)
				w.word(kindInfo[docs[src].Kind].name)
				w.id(src)
				w.word(kindInfo[docs[dst].Kind].name)
				w.id(dst)
				w.word(typ)
				w.code()
				w.date(d.DocDay)
				w.amt(amt)
				return w.end()
			}
			switch d.Kind {
			case GoodsReceipt, Delivery:
				return ref(0, d.Pred, i, "follow_on", d.Qty*d.Price)
			case VendorInvoice, CustomerInvoice:
				if d.Opening {
					// Brought forward: its order is not in the dataset.
					return nil
				}
				if err := ref(0, d.Order, i, "follow_on", d.Net); err != nil || d.Pred == d.Order {
					return err
				}
				return ref(1, d.Pred, i, "follow_on", d.Net)
			case Payment, Receipt:
				// DataSynth links a payment to what it pays.
				return ref(0, i, d.Pred, "payment", d.Net)
			}
			return nil
		}},
	{Path: "subledger/ap_invoices", Cols: cols("invoice_number", "vendor_invoice_number", "company_code", "vendor_id",
		c("invoice_date", table.Date), c("posting_date", table.Date), c("document_date", table.Date), c("due_date", table.Date),
		c("baseline_date", table.Date), "invoice_type", "status", c("net_amount", amount), c("tax_amount", amount),
		c("gross_amount", amount), c("amount_paid", amount), c("amount_remaining", amount), "currency", "payment_terms",
		"gl_account", opt("reference_po", table.Text), opt("reference_gr", table.Text), opt("journal_entry_id", table.Text)),
		kind: VendorInvoice, rows: func(w *rowWriter, d *Doc, i int32) error {
			w.id(i)
			w.vendorNumber(d)
			w.code()
			w.vendor(d.Party)
			w.date(d.DocDay)
			w.date(d.Day)
			w.date(d.DocDay)
			w.openItem(d)
			w.str(w.b.f.acctNo[w.b.f.acct.ap])
			w.order(d)
			w.receipt(d)
			w.je(d)
			return w.end()
		}},
	{Path: "subledger/ar_invoices", Cols: cols("invoice_number", "company_code", "customer_id",
		c("invoice_date", table.Date), c("posting_date", table.Date), c("due_date", table.Date),
		c("baseline_date", table.Date), "invoice_type", "status", c("net_amount", amount), c("tax_amount", amount),
		c("gross_amount", amount), c("amount_paid", amount), c("amount_remaining", amount), "currency", "payment_terms",
		"gl_account", opt("reference_so", table.Text), opt("reference_delivery", table.Text), opt("journal_entry_id", table.Text)),
		kind: CustomerInvoice, rows: func(w *rowWriter, d *Doc, i int32) error {
			w.id(i)
			w.code()
			w.customer(d.Party)
			w.date(d.DocDay)
			w.date(d.Day)
			w.openItem(d)
			w.str(w.b.f.acctNo[w.b.f.acct.ar])
			w.order(d)
			w.receipt(d)
			w.je(d)
			return w.end()
		}},
	{Path: "subledger/ar_aging", Cols: agingCols("customer_id"), kind: CustomerInvoice, rows: agingRows},
	{Path: "subledger/ap_aging", Cols: agingCols("vendor_id"), kind: VendorInvoice, rows: agingRows},
}

var payCols = withHead("payment_type", "business_partner_id", c("is_vendor", table.Bool), "payment_method",
	c("amount", amount), c("value_date", table.Date), "invoice_id", "invoice_type", c("is_cleared", table.Bool),
	"bank_account", "journal_entry_id")

func payRows(k Kind) func(w *rowWriter, d *Doc, i int32) error {
	typ := "ap_payment"
	if k == Receipt {
		typ = "ar_receipt"
	}
	return func(w *rowWriter, d *Doc, i int32) error {
		w.head(d, i)
		w.word(typ)
		w.party(d)
		w.flag(k == Payment)
		w.word("bank_transfer")
		w.amt(d.Net)
		w.date(d.Day)
		w.id(d.Pred)
		w.word(kindInfo[w.b.Docs[d.Pred].Kind].name)
		w.flag(d.Cleared)
		w.str(w.b.f.acctNo[w.b.f.acct.bank])
		w.je(d)
		return w.end()
	}
}

// orderRows writes a purchase order or a sales order.
func orderRows(w *rowWriter, d *Doc, i int32) error {
	w.head(d, i)
	w.word("standard")
	w.party(d)
	w.terms(d)
	w.material(d.Material)
	w.num(d.Qty)
	w.amt(d.Price)
	w.amt(d.Net)
	w.amt(d.Tax)
	w.amt(d.Gross())
	w.num(d.Done)
	w.num(d.Billed)
	w.flag(d.Billed == d.Qty)
	return w.end()
}

// openItem writes the fields the AP and AR subledgers share, from due_date
// to payment_terms.
func (w *rowWriter) openItem(d *Doc) {
	w.day(d.Due)
	w.date(d.DocDay)
	w.word("Standard")
	w.word(status(d))
	w.amt(d.Net)
	w.amt(d.Tax)
	w.amt(d.Gross())
	w.amt(d.Done)
	w.amt(d.Gross() - d.Done)
	w.str(w.co.currency)
	w.terms(d)
}

func agingCols(party string) []table.Column {
	return cols("company_code", c("as_of_date", table.Date), party, "invoice_number", c("invoice_date", table.Date),
		c("due_date", table.Date), c("amount_remaining", amount), c("days_overdue", table.Int), "bucket")
}

// agingRows writes, for every period end at which an invoice is posted and
// not fully paid, its open amount and how overdue it is.
func agingRows(w *rowWriter, d *Doc, i int32) error {
	ends := w.co.periodEnds
	// The period ends before the invoice is posted have nothing open.
	first, _ := slices.BinarySearch(ends, d.Day)
	for pe := first; pe < len(ends); pe++ {
		open := w.b.OpenAt(i, ends[pe])
		// An overpaid invoice (a duplicate payment) is a debit on
		// the vendor: it stays in the aging, negative.
		if open == 0 {
			continue
		}
		asOf := w.co.periodEnded[pe]
		overdue := max(0, asOf-d.Due)
		w.code()
		w.day(asOf)
		w.party(d)
		w.id(i)
		w.date(d.DocDay)
		w.day(d.Due)
		w.amt(open)
		w.num(int64(overdue))
		w.word(bucket(overdue))
		if err := w.end(); err != nil {
			return err
		}
	}
	return nil
}

// OpenAt is the amount of invoice i (a vendor or customer invoice) still
// unpaid at the end of calendar day end: its gross amount less the payments
// posted by then; 0 before the invoice is posted.
func (b *Batch) OpenAt(i int32, end int32) int64 {
	d := &b.Docs[i]
	if d.Day > end {
		return 0
	}
	open := d.Gross()
	for _, p := range d.Pays {
		if p >= 0 && b.Docs[p].Day <= end {
			open -= b.Docs[p].Net
		}
	}
	return open
}

// AddOpen adds the open items of the batch's subledgers to open, indexed
// by slot*accounts + chart index: slot 0 holds what is open at the end of
// the day before the first period (the opening items), slot p+1 what is
// open at the end of period p, as the aging tables list it. Receivables
// count as debits (positive) on the receivables account the invoices name,
// payables as credits (negative) on the payables account, so that each
// slot compares directly with the control accounts' balances.
func (b *Batch) AddOpen(open []int64, accounts int) {
	ends := b.f.companies[b.company].periodEnds
	acct := &b.f.acct
	b.addOpen(open, accounts, ends, b.byKind[CustomerInvoice], int(acct.ar), 1)
	b.addOpen(open, accounts, ends, b.byKind[VendorInvoice], int(acct.ap), -1)
}

// addOpen adds what the invoices docs leave open to account base of each
// slot, with sign.
func (b *Batch) addOpen(open []int64, accounts int, ends []int32, docs []int32, base int, sign int64) {
	for _, i := range docs {
		d := &b.Docs[i]
		// The invoice's amount changes on its payment days only: once the
		// last of them has passed, it stays what it is.
		settled := d.Day
		for _, p := range d.Pays {
			if p >= 0 {
				settled = max(settled, b.Docs[p].Day)
			}
		}
		for slot := 0; slot <= len(ends); slot++ {
			end := int32(b.f.cal.Lead - 1)
			if slot > 0 {
				end = ends[slot-1]
			}
			if end < d.Day {
				continue
			}
			v := b.OpenAt(i, end)
			if v == 0 && end >= settled {
				break
			}
			open[slot*accounts+base] += sign * v
		}
	}
}

// bucket is DataSynth's aging bucket of an invoice overdue by days.
func bucket(days int32) string {
	switch {
	case days <= 0:
		return "Current"
	case days <= 30:
		return "Days1To30"
	case days <= 60:
		return "Days31To60"
	case days <= 90:
		return "Days61To90"
	}
	return "Over90Days"
}

func status(d *Doc) string {
	switch {
	case d.Done == 0:
		return "Open"
	case d.Done < d.Gross():
		return "PartiallyCleared"
	}
	return "Cleared" // overpaid when amount_remaining is negative
}

func payStatus(d *Doc) string {
	switch {
	case d.Done == 0:
		return "open"
	case d.Done < d.Gross():
		return "partially_paid"
	}
	return "paid"
}

// rowWriter writes the rows of one table for one batch: the row functions
// call its methods with each field in column order, and it formats what
// depends on the batch (identifiers, dates, amounts in the company's
// digits) for its encoder.
type rowWriter struct {
	b  *Batch
	co *company
	e  encoder
}

// encoder receives the fields of rows in column order, each through the
// method of its column's kind, and the end of each row. csvEncoder appends
// them as CSV text, jsonEncoder as JSON Lines, valueEncoder collects them
// as table.Values: one description of each table serves every format, and
// the text formats need no typed row.
type encoder interface {
	// text is a text field; quote: it may hold a character that CSV
	// quotes or JSON escapes.
	text(s string, quote bool)
	num(v int64)
	// numText is an integer whose decimal text, formatted once, is s.
	numText(v int64, s string)
	flag(v bool)
	// day is a date in days since 1970-01-01.
	day(days int32)
	amount(v int64, digits int)
	null()
	// open returns the buffer to append a text field to; closeText takes
	// it back with the field appended. quote: the text may hold a
	// character that CSV quotes or JSON escapes (identifiers made of
	// fixed prefixes and digits hold none unless the company code does).
	open() []byte
	closeText(b []byte, quote bool)
	end() error
}

// str writes text from the config or the master data; word writes a
// fixed word of this file (letters and underscores), which CSV never
// quotes and JSON never escapes; code writes the company code.
func (w *rowWriter) str(s string)   { w.e.text(s, true) }
func (w *rowWriter) word(s string)  { w.e.text(s, false) }
func (w *rowWriter) code()          { w.e.text(w.co.code, w.co.quote) }
func (w *rowWriter) num(v int64)    { w.e.num(v) }
func (w *rowWriter) flag(v bool)    { w.e.flag(v) }
func (w *rowWriter) day(days int32) { w.e.day(days) }
func (w *rowWriter) amt(v int64)    { w.e.amount(v, w.co.digits) }
func (w *rowWriter) end() error     { return w.e.end() }

// date writes a calendar index as a date.
func (w *rowWriter) date(day int32) { w.e.day(w.b.Date(day)) }

func (w *rowWriter) head(d *Doc, i int32) {
	cal := &w.b.f.cal
	w.id(i)
	w.code()
	w.e.numText(int64(cal.FY[d.Day]), cal.FYText[d.Day])
	w.e.numText(int64(cal.FP[d.Day]), cal.FPText[d.Day])
	w.date(d.DocDay)
	if d.Kind.Posts() {
		w.date(d.Day)
	} else {
		w.e.null()
	}
	w.user(d.User)
	w.str(w.co.currency)
}

// appendID appends the identifier of document d, DataSynth's
// PREFIX-COMPANY-NUMBER with a ten-digit number that is unique across the
// company's blocks.
func (b *Batch) appendID(dst []byte, d *Doc) []byte {
	dst = append(dst, kindInfo[d.Kind].prefix...)
	dst = append(dst, '-')
	dst = append(dst, b.f.companies[b.company].code...)
	dst = append(dst, '-')
	return docid.AppendPadded(dst, b.block*numbersPerBlock+int64(d.Num)+1, 10)
}

// numbersPerBlock is the room for documents of one kind in a block.
const numbersPerBlock = 4096

// appendRefID appends the reference_id of link n (0 or 1) of those that
// document i writes to document_references: a UUID, as DataSynth gives
// every reference, whose words are the link's place in the block (i and
// n) mixed with the block's keys (refKey). The links of a block get
// distinct words (mix64 is a bijection), and every block and company keys
// its own, so that two rows share a reference_id with no more chance than
// two random UUIDs.
func (b *Batch) appendRefID(dst []byte, i int32, n int) []byte {
	at := uint64(i)<<1 | uint64(n)
	return docid.AppendUUID(dst, mix64(at^b.refKey[0]), mix64(at^b.refKey[1]))
}

// mix64 is a bijection of 64-bit words that spreads every input bit over
// the whole output (the SplitMix64 finalizer).
func mix64(x uint64) uint64 {
	x = (x ^ x>>30) * 0xbf58476d1ce4e5b9
	x = (x ^ x>>27) * 0x94d049bb133111eb
	return x ^ x>>31
}

// idText is the identifier of document i.
func (b *Batch) idText(i int32) []byte {
	start := int32(0)
	if i > 0 {
		start = b.idEnd[i-1]
	}
	return b.ids[start:b.idEnd[i]]
}

// ID returns the identifier of document i of b.
func (b *Batch) ID(i int32) string { return string(b.idText(i)) }

// appendID appends the identifier of document i.
func (w *rowWriter) appendID(b []byte, i int32) []byte { return append(b, w.b.idText(i)...) }

func (w *rowWriter) id(i int32) {
	w.e.closeText(w.appendID(w.e.open(), i), w.co.quote)
}

// receipt is the goods receipt or delivery an invoice bills: null for
// services invoiced against the order and for opening items.
func (w *rowWriter) receipt(d *Doc) {
	if d.Pred == d.Order {
		w.e.null()
		return
	}
	w.id(d.Pred)
}

// order is the order of an invoice, null for opening items.
func (w *rowWriter) order(d *Doc) {
	if d.Opening {
		w.e.null()
		return
	}
	w.id(d.Order)
}

// je is the journal entry of d, null when it posts none.
func (w *rowWriter) je(d *Doc) {
	if !d.Posted {
		w.e.null()
		return
	}
	w.e.closeText(docid.AppendUUID(w.e.open(), d.IDHi, d.IDLo), false)
}

// master writes a master-data identifier, one of ids.
func (w *rowWriter) master(ids []string, i int32) { w.e.text(ids[i], w.co.quote) }

// The identifiers of masterdata.VendorID, CustomerID, MaterialID and UserID.
func (w *rowWriter) vendor(i int32)   { w.master(w.co.vendorIDs, i) }
func (w *rowWriter) customer(i int32) { w.master(w.co.customerIDs, i) }
func (w *rowWriter) material(i int32) { w.master(w.co.materialIDs, i) }
func (w *rowWriter) user(i int32)     { w.master(w.co.userIDs, i) }

// party writes the vendor or customer of d.
func (w *rowWriter) party(d *Doc) {
	if d.Kind.Vendor() {
		w.vendor(d.Party)
	} else {
		w.customer(d.Party)
	}
}

// terms writes the payment terms of d's vendor or customer, as master data
// names them.
func (w *rowWriter) terms(d *Doc) {
	terms := w.co.custTerms
	if d.Kind.Vendor() {
		terms = w.co.vendTerms
	}
	i := terms[d.Party]
	w.str(w.co.terms[i].name)
}

// vendorNumber writes the vendor's own number of an invoice.
func (w *rowWriter) vendorNumber(d *Doc) {
	b := append(w.e.open(), "INV-"...)
	w.e.closeText(strconv.AppendUint(b, d.IDLo%1_000_000_000, 10), false)
}

// each writes the rows of table t for the batch, in order, to e.
func (b *Batch) each(t *Table, e encoder) error {
	w := rowWriter{b: b, co: &b.f.companies[b.company], e: e}
	if t.kind != allKinds {
		for _, i := range b.byKind[t.kind] {
			if err := b.row(t, &w, i); err != nil {
				return err
			}
		}
		return nil
	}
	for i := range b.Docs {
		if err := b.row(t, &w, int32(i)); err != nil {
			return err
		}
	}
	return nil
}

// row writes the rows of table t that document i makes.
func (b *Batch) row(t *Table, w *rowWriter, i int32) error {
	if d := &b.Docs[i]; d.Kind == GoodsReceipt && d.Order < 0 {
		// A purchase for cash (procure-to-pay off) posts a journal
		// entry but is no flow document.
		return nil
	}
	return t.rows(w, &b.Docs[i], i)
}

// Rows calls emit with each row of table t for the batch, in order. The
// row is reused after emit returns.
func (b *Batch) Rows(t *Table, emit func(row []table.Value) error) error {
	return b.each(t, &valueEncoder{emit: emit})
}

// AppendCSV appends the rows of table t for the batch to dst as CSV
// records (without the header), the bytes table.AppendCSV makes of the
// rows of Rows, and returns the extended buffer and the number of rows.
func (b *Batch) AppendCSV(dst []byte, t *Table) ([]byte, int64) {
	e := &csvEncoder{out: dst, cal: &b.f.cal}
	_ = b.each(t, e)
	return e.out, e.rows
}

// AppendJSONL appends the rows of table t for the batch to dst as JSON
// Lines, the bytes table.AppendObject and a newline make of each row of
// Rows, and returns the extended buffer and the number of rows.
func (b *Batch) AppendJSONL(dst []byte, t *Table) ([]byte, int64) {
	e := &jsonEncoder{out: dst, cal: &b.f.cal, keys: t.keys}
	_ = b.each(t, e)
	return e.out, e.rows
}

// appendDay appends the text of day d (days since 1970-01-01): a copy of
// the calendar's text, or formatted for days outside the calendar (due
// dates after it, opening items' dates before it).
func appendDay(b []byte, cal *Calendar, d int32) []byte {
	if i := d - cal.Epoch; i >= 0 && int(i) < len(cal.Date) {
		return append(b, cal.Date[i]...)
	}
	return table.AppendDate(b, int64(d))
}

// csvEncoder appends rows as CSV records. Every field is followed by a
// comma; the row's last comma becomes its newline.
type csvEncoder struct {
	out   []byte
	start int // where the open text field starts
	rows  int64
	cal   *Calendar
}

func (e *csvEncoder) text(s string, quote bool) {
	if quote {
		e.out = append(csvrow.Field(e.out, s), ',')
	} else {
		e.out = append(append(e.out, s...), ',')
	}
}

func (e *csvEncoder) num(v int64) { e.out = append(strconv.AppendInt(e.out, v, 10), ',') }
func (e *csvEncoder) numText(_ int64, s string) {
	e.out = append(append(e.out, s...), ',')
}
func (e *csvEncoder) flag(v bool) { e.out = append(strconv.AppendBool(e.out, v), ',') }
func (e *csvEncoder) null()       { e.out = append(e.out, ',') }

func (e *csvEncoder) day(d int32) { e.out = append(appendDay(e.out, e.cal, d), ',') }

func (e *csvEncoder) amount(v int64, digits int) {
	e.out = append(money.AppendMinor(e.out, v, digits), ',')
}

func (e *csvEncoder) open() []byte {
	e.start = len(e.out)
	return e.out
}

func (e *csvEncoder) closeText(b []byte, quote bool) {
	if quote && csvrow.NeedsQuote(string(b[e.start:])) {
		b = csvrow.Field(b[:e.start], string(b[e.start:]))
	}
	e.out = append(b, ',')
}

func (e *csvEncoder) end() error {
	e.out[len(e.out)-1] = '\n'
	e.rows++
	return nil
}

// jsonEncoder appends rows as JSON Lines objects: each field is preceded
// by its key (with the "{" or "," before it); dates and amounts are
// strings, as table.AppendObject writes them.
type jsonEncoder struct {
	out   []byte
	keys  [][]byte
	col   int
	start int // where the open text field's content starts
	rows  int64
	cal   *Calendar
}

// key appends the next field's key.
func (e *jsonEncoder) key() {
	e.out = append(e.out, e.keys[e.col]...)
	e.col++
}

func (e *jsonEncoder) text(s string, quote bool) {
	e.key()
	if quote {
		e.out = table.AppendJSONString(e.out, s)
	} else {
		e.out = append(append(append(e.out, '"'), s...), '"')
	}
}

func (e *jsonEncoder) num(v int64) { e.key(); e.out = strconv.AppendInt(e.out, v, 10) }
func (e *jsonEncoder) numText(_ int64, s string) {
	e.key()
	e.out = append(e.out, s...)
}
func (e *jsonEncoder) flag(v bool) { e.key(); e.out = strconv.AppendBool(e.out, v) }
func (e *jsonEncoder) null()       { e.key(); e.out = append(e.out, "null"...) }

func (e *jsonEncoder) day(d int32) {
	e.key()
	e.out = append(appendDay(append(e.out, '"'), e.cal, d), '"')
}

func (e *jsonEncoder) amount(v int64, digits int) {
	e.key()
	e.out = append(money.AppendMinor(append(e.out, '"'), v, digits), '"')
}

func (e *jsonEncoder) open() []byte {
	e.key()
	e.out = append(e.out, '"')
	e.start = len(e.out)
	return e.out
}

func (e *jsonEncoder) closeText(b []byte, quote bool) {
	if quote && !table.PlainJSON(string(b[e.start:])) {
		// Rare: a company code that JSON escapes. Escape the whole
		// field, opening quote included.
		e.out = table.AppendJSONString(b[:e.start-1], string(b[e.start:]))
		return
	}
	e.out = append(b, '"')
}

func (e *jsonEncoder) end() error {
	e.out = append(e.out, '}', '\n')
	e.col = 0
	e.rows++
	return nil
}

// valueEncoder collects a row as table.Values and hands it to emit. Text
// fields are appended to buf and stand in the row as a marker (their
// position in buf) until the row ends and the whole row's text becomes
// one string: one allocation per row rather than one per field.
type valueEncoder struct {
	row   []table.Value
	buf   []byte
	start int
	emit  func(row []table.Value) error
}

// pending marks a value whose text is buf[Int>>32 : Int&0xffffffff].
const pending = -1

func (e *valueEncoder) text(s string, _ bool) { e.row = append(e.row, table.Str(s)) }
func (e *valueEncoder) num(v int64)           { e.row = append(e.row, table.I(v)) }
func (e *valueEncoder) numText(v int64, _ string) {
	e.row = append(e.row, table.I(v))
}
func (e *valueEncoder) flag(v bool)    { e.row = append(e.row, table.B(v)) }
func (e *valueEncoder) day(days int32) { e.row = append(e.row, table.D(days)) }
func (e *valueEncoder) null()          { e.row = append(e.row, table.Null()) }
func (e *valueEncoder) amount(v int64, digits int) {
	e.row = append(e.row, table.A(v, digits))
}

func (e *valueEncoder) open() []byte {
	e.start = len(e.buf)
	return e.buf
}

func (e *valueEncoder) closeText(b []byte, _ bool) {
	e.buf = b
	e.row = append(e.row, table.Value{Int: int64(e.start)<<32 | int64(len(b)), Digits: pending})
}

func (e *valueEncoder) end() error {
	if len(e.buf) > 0 {
		all := string(e.buf)
		for i, v := range e.row {
			if v.Digits == pending {
				e.row[i] = table.Str(all[v.Int>>32 : v.Int&0xffffffff])
			}
		}
		e.buf = e.buf[:0]
	}
	err := e.emit(e.row)
	e.row = e.row[:0]
	return err
}

// AccountNumber is the account number of chart index i.
func (f *Flows) AccountNumber(i int32) string { return f.acctNo[i] }

// Date returns calendar index day as days since 1970-01-01.
func (b *Batch) Date(day int32) int32 { return b.f.cal.Epoch + day }
