package flows

import (
	"strconv"

	"datasynth.dev/engine/internal/docid"
	"datasynth.dev/engine/table"
)

// Table is one output table of the flows: its path without extension
// (e.g. "document_flows/purchase_orders") and columns.
type Table struct {
	Path string
	Cols []table.Column
	rows func(w *rowWriter, d *Doc, i int32) error
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
var Tables = []*Table{
	{Path: "document_flows/purchase_orders", Cols: withHead("po_type", "vendor_id", "payment_terms", "material_id",
		c("quantity", table.Int), c("unit_price", amount), c("total_net_amount", amount), c("total_tax_amount", amount),
		c("total_gross_amount", amount), c("quantity_received", table.Int), c("quantity_invoiced", table.Int),
		c("is_complete", table.Bool)),
		rows: func(w *rowWriter, d *Doc, i int32) error {
			if d.Kind != PurchaseOrder {
				return nil
			}
			w.head(d, i)
			w.add(table.Str("standard"), w.vendor(d.Party), w.terms(d), w.material(d.Material), table.I(d.Qty),
				w.amt(d.Price), w.amt(d.Net), w.amt(d.Tax), w.amt(d.Gross()), table.I(d.Done), table.I(d.Billed),
				table.B(d.Billed == d.Qty))
			return w.emit()
		}},
	{Path: "document_flows/goods_receipts", Cols: withHead("gr_type", "movement_type", "purchase_order_id", "vendor_id",
		"material_id", c("total_quantity", table.Int), c("total_value", amount), c("is_posted", table.Bool), "journal_entry_id"),
		rows: func(w *rowWriter, d *Doc, i int32) error {
			if d.Kind != GoodsReceipt {
				return nil
			}
			w.head(d, i)
			w.add(table.Str("purchase_order"), table.Str("gr_for_po"), w.id(d.Pred), w.vendor(d.Party), w.material(d.Material),
				table.I(d.Qty), w.amt(d.Net), table.B(true), w.je(d))
			return w.emit()
		}},
	{Path: "document_flows/vendor_invoices", Cols: withHead("invoice_type", "vendor_id", "vendor_invoice_number",
		c("invoice_date", table.Date), "purchase_order_id", opt("goods_receipt_id", table.Text), "material_id", c("invoiced_quantity", table.Int),
		c("net_amount", amount), c("tax_amount", amount), c("gross_amount", amount), c("payable_amount", amount),
		"payment_terms", c("due_date", table.Date), c("amount_paid", amount), c("balance", amount), c("is_paid", table.Bool),
		"journal_entry_id"),
		rows: func(w *rowWriter, d *Doc, i int32) error {
			if d.Kind != VendorInvoice {
				return nil
			}
			w.head(d, i)
			w.add(table.Str("standard"), w.vendor(d.Party), w.vendorNumber(d), w.date(d.DocDay), w.id(d.Order), w.receipt(d),
				w.material(d.Material), table.I(d.Qty), w.amt(d.Net), w.amt(d.Tax), w.amt(d.Gross()), w.amt(d.Gross()), w.terms(d),
				table.D(d.Due), w.amt(d.Done), w.amt(d.Gross()-d.Done), table.B(d.Done == d.Gross()), w.je(d))
			return w.emit()
		}},
	{Path: "document_flows/payments", Cols: payCols, rows: payRows(Payment)},
	{Path: "document_flows/sales_orders", Cols: withHead("so_type", "customer_id", "payment_terms", "material_id",
		c("quantity", table.Int), c("unit_price", amount), c("total_net_amount", amount), c("total_tax_amount", amount),
		c("total_gross_amount", amount), c("quantity_delivered", table.Int), c("quantity_invoiced", table.Int),
		c("is_complete", table.Bool)),
		rows: func(w *rowWriter, d *Doc, i int32) error {
			if d.Kind != SalesOrder {
				return nil
			}
			w.head(d, i)
			w.add(table.Str("standard"), w.customer(d.Party), w.terms(d), w.material(d.Material), table.I(d.Qty),
				w.amt(d.Price), w.amt(d.Net), w.amt(d.Tax), w.amt(d.Gross()), table.I(d.Done), table.I(d.Billed),
				table.B(d.Billed == d.Qty))
			return w.emit()
		}},
	{Path: "document_flows/deliveries", Cols: withHead("delivery_type", "sales_order_id", "customer_id", "material_id",
		c("total_quantity", table.Int), c("total_cogs", amount), c("actual_gi_date", table.Date), c("is_goods_issued", table.Bool),
		opt("journal_entry_id", table.Text)),
		rows: func(w *rowWriter, d *Doc, i int32) error {
			if d.Kind != Delivery {
				return nil
			}
			w.head(d, i)
			w.add(table.Str("outbound"), w.id(d.Pred), w.customer(d.Party), w.material(d.Material), table.I(d.Qty),
				w.amt(d.Cost), w.date(d.Day), table.B(d.Posted), w.je(d))
			return w.emit()
		}},
	{Path: "document_flows/customer_invoices", Cols: withHead("invoice_type", "customer_id", "sales_order_id", "delivery_id",
		"material_id", c("invoiced_quantity", table.Int), c("total_net_amount", amount), c("total_tax_amount", amount),
		c("total_gross_amount", amount), c("total_cogs", amount), "payment_terms", c("due_date", table.Date),
		c("amount_paid", amount), c("amount_open", amount), "payment_status", "journal_entry_id"),
		rows: func(w *rowWriter, d *Doc, i int32) error {
			if d.Kind != CustomerInvoice {
				return nil
			}
			w.head(d, i)
			w.add(table.Str("standard"), w.customer(d.Party), w.id(d.Order), w.id(d.Pred), w.material(d.Material),
				table.I(d.Qty), w.amt(d.Net), w.amt(d.Tax), w.amt(d.Gross()), w.amt(d.Cost), w.terms(d), table.D(d.Due),
				w.amt(d.Done), w.amt(d.Gross()-d.Done), table.Str(payStatus(d)), w.je(d))
			return w.emit()
		}},
	{Path: "document_flows/customer_receipts", Cols: payCols, rows: payRows(Receipt)},
	{Path: "document_flows/document_references", Cols: cols("reference_id", "source_doc_type", "source_doc_id",
		"target_doc_type", "target_doc_id", "reference_type", "company_code", c("reference_date", table.Date),
		c("reference_amount", amount)),
		rows: func(w *rowWriter, d *Doc, i int32) error {
			docs := w.b.Docs
			ref := func(n int, src, dst int32, typ string, amt int64) error {
				s, t := &docs[src], &docs[dst]
				start := len(w.buf)
				w.buf = append(w.appendID(w.buf, dst), "-R"...)
				w.buf = strconv.AppendInt(w.buf, int64(n), 10)
				w.row = append(w.row[:0], w.text(start), table.Str(kindInfo[s.Kind].name),
					w.id(src), table.Str(kindInfo[t.Kind].name), w.id(dst), table.Str(typ), table.Str(w.co.code),
					w.date(d.DocDay), w.amt(amt))
				return w.emit()
			}
			switch d.Kind {
			case GoodsReceipt, Delivery:
				return ref(1, d.Pred, i, "follow_on", d.Qty*d.Price)
			case VendorInvoice, CustomerInvoice:
				if err := ref(1, d.Order, i, "follow_on", d.Net); err != nil || d.Pred == d.Order {
					return err
				}
				return ref(2, d.Pred, i, "follow_on", d.Net)
			case Payment, Receipt:
				// DataSynth links a payment to what it pays.
				return ref(1, i, d.Pred, "payment", d.Net)
			}
			return nil
		}},
	{Path: "subledger/ap_invoices", Cols: cols("invoice_number", "vendor_invoice_number", "company_code", "vendor_id",
		c("invoice_date", table.Date), c("posting_date", table.Date), c("document_date", table.Date), c("due_date", table.Date),
		c("baseline_date", table.Date), "invoice_type", "status", c("net_amount", amount), c("tax_amount", amount),
		c("gross_amount", amount), c("amount_paid", amount), c("amount_remaining", amount), "currency", "payment_terms",
		"gl_account", "reference_po", opt("reference_gr", table.Text), "journal_entry_id"),
		rows: func(w *rowWriter, d *Doc, i int32) error {
			if d.Kind != VendorInvoice {
				return nil
			}
			w.row = append(w.row[:0], w.id(i), w.vendorNumber(d), table.Str(w.co.code), w.vendor(d.Party), w.date(d.DocDay),
				w.date(d.Day), w.date(d.DocDay), table.D(d.Due), w.date(d.DocDay), table.Str("Standard"), table.Str(status(d)),
				w.amt(d.Net), w.amt(d.Tax), w.amt(d.Gross()), w.amt(d.Done), w.amt(d.Gross()-d.Done), table.Str(w.co.currency),
				w.terms(d), table.Str(w.b.f.acctNo[w.b.f.acct.ap]), w.id(d.Order), w.receipt(d), w.je(d))
			return w.emit()
		}},
	{Path: "subledger/ar_invoices", Cols: cols("invoice_number", "company_code", "customer_id",
		c("invoice_date", table.Date), c("posting_date", table.Date), c("due_date", table.Date),
		c("baseline_date", table.Date), "invoice_type", "status", c("net_amount", amount), c("tax_amount", amount),
		c("gross_amount", amount), c("amount_paid", amount), c("amount_remaining", amount), "currency", "payment_terms",
		"gl_account", "reference_so", "reference_delivery", "journal_entry_id"),
		rows: func(w *rowWriter, d *Doc, i int32) error {
			if d.Kind != CustomerInvoice {
				return nil
			}
			w.row = append(w.row[:0], w.id(i), table.Str(w.co.code), w.customer(d.Party), w.date(d.DocDay),
				w.date(d.Day), table.D(d.Due), w.date(d.DocDay), table.Str("Standard"), table.Str(status(d)),
				w.amt(d.Net), w.amt(d.Tax), w.amt(d.Gross()), w.amt(d.Done), w.amt(d.Gross()-d.Done), table.Str(w.co.currency),
				w.terms(d), table.Str(w.b.f.acctNo[w.b.f.acct.ar]), w.id(d.Order), w.id(d.Pred), w.je(d))
			return w.emit()
		}},
	{Path: "subledger/ar_aging", Cols: agingCols("customer_id"), rows: agingRows(CustomerInvoice)},
	{Path: "subledger/ap_aging", Cols: agingCols("vendor_id"), rows: agingRows(VendorInvoice)},
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
		if d.Kind != k {
			return nil
		}
		w.head(d, i)
		partner := w.vendor(d.Party)
		if k == Receipt {
			partner = w.customer(d.Party)
		}
		inv := &w.b.Docs[d.Pred]
		w.add(table.Str(typ), partner, table.B(k == Payment), table.Str("bank_transfer"), w.amt(d.Net), w.date(d.Day),
			w.id(d.Pred), table.Str(kindInfo[inv.Kind].name), table.B(d.Cleared), table.Str(w.b.f.acctNo[w.b.f.acct.bank]), w.je(d))
		return w.emit()
	}
}

func agingCols(party string) []table.Column {
	return cols("company_code", c("as_of_date", table.Date), party, "invoice_number", c("invoice_date", table.Date),
		c("due_date", table.Date), c("amount_remaining", amount), c("days_overdue", table.Int), "bucket")
}

// agingRows writes, for every period end at which an invoice is posted and
// not fully paid, its open amount and how overdue it is.
func agingRows(k Kind) func(w *rowWriter, d *Doc, i int32) error {
	return func(w *rowWriter, d *Doc, i int32) error {
		if d.Kind != k {
			return nil
		}
		for pe, end := range w.co.periodEnds {
			open := w.b.OpenAt(i, end)
			// An overpaid invoice (a duplicate payment) is a debit on
			// the vendor: it stays in the aging, negative.
			if end < d.Day || open == 0 {
				continue
			}
			asOf := w.co.periodEnded[pe]
			overdue := max(0, asOf-d.Due)
			party := w.vendor(d.Party)
			if k == CustomerInvoice {
				party = w.customer(d.Party)
			}
			w.row = append(w.row[:0], table.Str(w.co.code), table.D(asOf), party, w.id(i), w.date(d.DocDay), table.D(d.Due),
				w.amt(open), table.I(int64(overdue)), table.Str(bucket(overdue)))
			if err := w.emit(); err != nil {
				return err
			}
		}
		return nil
	}
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
	for i := range b.Docs {
		d := &b.Docs[i]
		var base int
		var sign int64
		switch d.Kind {
		case CustomerInvoice:
			base, sign = int(acct.ar), 1
		case VendorInvoice:
			base, sign = int(acct.ap), -1
		default:
			continue
		}
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
			v := b.OpenAt(int32(i), end)
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

// rowWriter builds the rows of one table for one batch. Identifiers are
// appended to buf and stand in the row as a marker (their position in buf)
// until emit turns the whole row's text into one string: one allocation
// per row rather than one per identifier.
type rowWriter struct {
	b    *Batch
	co   *company
	row  []table.Value
	buf  []byte
	emit func() error
}

// pending marks a value whose text is buf[Int>>32 : Int&0xffffffff].
const pending = -1

func (w *rowWriter) add(v ...table.Value) { w.row = append(w.row, v...) }

// text returns the marker of the text appended to buf since start.
func (w *rowWriter) text(start int) table.Value {
	return table.Value{Int: int64(start)<<32 | int64(len(w.buf)), Digits: pending}
}

// resolve replaces the markers of the row with their text.
func (w *rowWriter) resolve() {
	if len(w.buf) == 0 {
		return
	}
	all := string(w.buf)
	for i, v := range w.row {
		if v.Digits == pending {
			w.row[i] = table.Str(all[v.Int>>32 : v.Int&0xffffffff])
		}
	}
	w.buf = w.buf[:0]
}

func (w *rowWriter) amt(v int64) table.Value { return table.A(v, w.co.digits) }

// date is the value of a calendar index.
func (w *rowWriter) date(day int32) table.Value { return table.D(w.b.f.cal.Epoch + day) }

func (w *rowWriter) head(d *Doc, i int32) {
	cal := &w.b.f.cal
	posting := table.Null()
	if d.Kind.Posts() {
		posting = w.date(d.Day)
	}
	w.row = append(w.row[:0], w.id(i), table.Str(w.co.code), table.I(int64(cal.FY[d.Day])), table.I(int64(cal.FP[d.Day])),
		w.date(d.DocDay), posting, w.user(d.User), table.Str(w.co.currency))
}

// appendNumber appends v zero-padded to width digits.
func appendNumber(b []byte, v int64, width int) []byte {
	var d [20]byte
	n := strconv.AppendInt(d[:0], v, 10)
	for range width - len(n) {
		b = append(b, '0')
	}
	return append(b, n...)
}

// appendID appends the identifier of document i, DataSynth's
// PREFIX-COMPANY-NUMBER with a ten-digit number that is unique across the
// company's blocks.
func (w *rowWriter) appendID(b []byte, i int32) []byte {
	d := &w.b.Docs[i]
	b = append(b, kindInfo[d.Kind].prefix...)
	b = append(b, '-')
	b = append(b, w.co.code...)
	b = append(b, '-')
	return appendNumber(b, w.b.block*numbersPerBlock+int64(d.Num)+1, 10)
}

// numbersPerBlock is the room for documents of one kind in a block.
const numbersPerBlock = 4096

// ID returns the identifier of document i of b.
func (b *Batch) ID(i int32) string {
	w := rowWriter{b: b, co: &b.f.companies[b.company]}
	return string(w.appendID(nil, i))
}

func (w *rowWriter) id(i int32) table.Value {
	start := len(w.buf)
	w.buf = w.appendID(w.buf, i)
	return w.text(start)
}

// receipt is the goods receipt a vendor invoice bills, null for services
// invoiced against the order.
func (w *rowWriter) receipt(d *Doc) table.Value {
	if d.Pred == d.Order {
		return table.Null()
	}
	return w.id(d.Pred)
}

// je is the journal entry of d, null when it posts none.
func (w *rowWriter) je(d *Doc) table.Value {
	if !d.Posted {
		return table.Null()
	}
	start := len(w.buf)
	w.buf = docid.AppendUUID(w.buf, d.IDHi, d.IDLo)
	return w.text(start)
}

// master appends a master-data identifier as package masterdata makes
// them: prefix, company code, dash, the one-based number zero-padded.
func (w *rowWriter) master(prefix string, i int32, width int) table.Value {
	start := len(w.buf)
	w.buf = append(w.buf, prefix...)
	w.buf = append(w.buf, w.co.code...)
	w.buf = append(w.buf, '-')
	w.buf = appendNumber(w.buf, int64(i)+1, width)
	return w.text(start)
}

// The identifiers of masterdata.VendorID, CustomerID, MaterialID and UserID.
func (w *rowWriter) vendor(i int32) table.Value   { return w.master("V-", i, 6) }
func (w *rowWriter) customer(i int32) table.Value { return w.master("C-", i, 6) }
func (w *rowWriter) material(i int32) table.Value { return w.master("M-", i, 6) }
func (w *rowWriter) user(i int32) table.Value {
	start := len(w.buf)
	w.buf = append(w.buf, 'U')
	w.buf = append(w.buf, w.co.code...)
	w.buf = append(w.buf, '-')
	w.buf = appendNumber(w.buf, int64(i)+1, 5)
	return w.text(start)
}

// terms is the payment terms of d's vendor or customer, as master data
// names them.
func (w *rowWriter) terms(d *Doc) table.Value {
	i := w.co.custTerms[d.Party]
	if d.Kind.Vendor() {
		i = w.co.vendTerms[d.Party]
	}
	return table.Str(w.co.terms[i].name)
}

// vendorNumber is the vendor's own number of an invoice.
func (w *rowWriter) vendorNumber(d *Doc) table.Value {
	start := len(w.buf)
	w.buf = strconv.AppendUint(append(w.buf, "INV-"...), d.IDLo%1_000_000_000, 10)
	return w.text(start)
}

// Rows calls emit with each row of table t for the batch, in order. The
// row is reused after emit returns.
func (b *Batch) Rows(t *Table, emit func(row []table.Value) error) error {
	w := &rowWriter{b: b, co: &b.f.companies[b.company]}
	w.emit = func() error {
		w.resolve()
		return emit(w.row)
	}
	for i := range b.Docs {
		if err := t.rows(w, &b.Docs[i], int32(i)); err != nil {
			return err
		}
	}
	return nil
}

// AccountNumber is the account number of chart index i.
func (f *Flows) AccountNumber(i int32) string { return f.acctNo[i] }
