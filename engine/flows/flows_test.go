package flows_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"datasynth.dev/engine/chart"
	"datasynth.dev/engine/config"
	"datasynth.dev/engine/flows"
	"datasynth.dev/engine/generate"
	"datasynth.dev/engine/internal/docid"
	"datasynth.dev/engine/ledger"
	"datasynth.dev/engine/masterdata"
	"datasynth.dev/engine/money"
	"datasynth.dev/engine/table"
)

// configs cover industries, chart sizes, currencies with 0 and 2 decimals,
// VAT and US sales tax, several companies and a fiscal year that does not
// start in January.
var configs = map[string]string{
	"retail-two-companies": `
global: {seed: 7, industry: retail, start_date: "2024-01-01", period_months: 12}
companies:
  - {code: "1000", name: Retail US, currency: USD, country: US, annual_transaction_volume: ten_k}
  - {code: "2000", name: Retail DE, currency: EUR, country: DE, annual_transaction_volume: {custom: 6000}}
chart_of_accounts: {complexity: medium}
output: {formats: [csv]}
fraud: {enabled: true, fraud_rate: 0.02}
`,
	"manufacturing-half-year": `
global: {seed: 11, industry: manufacturing, start_date: "2024-07-01", period_months: 6, fiscal_year_months: 12}
companies:
  - {code: "M1", name: Works GB, currency: GBP, country: GB, annual_transaction_volume: ten_k}
chart_of_accounts: {complexity: small}
output: {formats: [csv]}
`,
	"financial-jpy-large": `
global: {seed: 3, industry: financial_services, start_date: "2023-04-01", period_months: 15}
companies:
  - {code: JP10, name: Finance JP, currency: JPY, country: JP, annual_transaction_volume: ten_k}
chart_of_accounts: {complexity: large}
output: {formats: [csv]}
`,
	// Procure-to-pay off: the stock that sales take is bought for cash.
	"retail-p2p-off": `
global: {seed: 5, industry: retail, start_date: "2024-01-01", period_months: 12}
companies:
  - {code: "1000", name: Retail US, currency: USD, country: US, annual_transaction_volume: ten_k}
chart_of_accounts: {complexity: small}
output: {formats: [csv]}
document_flows: {p2p: {enabled: false}}
`,
	"manufacturing-o2c-off-settings": `
global: {seed: 9, industry: manufacturing, start_date: "2024-01-01", period_months: 12}
companies:
  - {code: M2, name: Works DE, currency: EUR, country: DE, annual_transaction_volume: ten_k}
chart_of_accounts: {complexity: small}
output: {formats: [csv]}
document_flows:
  p2p:
    partial_delivery_rate: 0.5
    average_po_to_gr_days: 20
    average_gr_to_invoice_days: 2
    average_invoice_to_payment_days: 25
    payment_behavior: {late_payment_rate: 0.4, partial_payment_rate: 0.3, avg_days_until_remainder: 15}
  o2c: {enabled: false}
`,
}

func TestFlows(t *testing.T) {
	for name, yaml := range configs {
		t.Run(name, func(t *testing.T) {
			cfg, err := config.Parse(name+".yaml", []byte(yaml))
			if err != nil {
				t.Fatal(err)
			}
			checkFlows(t, cfg)
		})
	}
}

// balances are a company's running account balances by role, debit
// positive, per posting day.
type balances map[chart.Role]map[int32]int64

func checkFlows(t *testing.T, cfg *config.Config) {
	ch, err := generate.Chart(cfg)
	if err != nil {
		t.Fatal(err)
	}
	l := ledger.New(cfg, cfg.Global.Seed, ch)
	role := map[string]chart.Role{}
	for _, a := range ch.Accounts {
		role[a.Number] = a.Role
	}
	controls := []chart.Role{chart.Receivables, chart.Payables, chart.GRIR}
	start, end := cfg.Global.StartDate, cfg.Global.EndDate()
	var periodEnds []int32
	for m := range cfg.Global.PeriodMonths {
		periodEnds = append(periodEnds, table.Days(start.AddDate(0, m+1, -1)))
	}

	var stats stats
	blk := new(ledger.Block)
	for ci, co := range cfg.Companies {
		s := masterdata.SizesFor(co, cfg.ChartOfAccounts.Complexity)
		scale := money.Pow10(table.AmountScale - co.Digits())
		bal := balances{chart.Inventory: {}}
		for _, r := range controls {
			bal[r] = map[int32]int64{}
		}
		// Open items of the aging tables by as-of date, in journal scale.
		agingAP, agingAR := map[int64]int64{}, map[int64]int64{}
		// The opening open items: what the receivables and payables
		// accounts open at, and the opening invoices of block 0.
		running := map[chart.Role]int64{}
		for a, v := range l.Opening(ci).Balances {
			if r := ch.Accounts[a].Role; r == chart.Receivables || r == chart.Payables {
				running[r] += v * scale
			}
		}
		// Where a process runs, its subledger opens with items; where it
		// is off, without.
		if (running[chart.Receivables] > 0) != cfg.DocumentFlows.O2C.Enabled || (running[chart.Payables] < 0) != cfg.DocumentFlows.P2P.Enabled {
			t.Errorf("%s: opening receivables %d, payables %d", co.Code, running[chart.Receivables], running[chart.Payables])
		}
		openingInvoices := map[chart.Role]int64{}
		for n := range l.Blocks(ci) {
			l.Generate(ci, n, blk)
			fb := &blk.Flows
			if n < l.Blocks(ci)-1 && blk.Entries != ledger.BlockSize {
				t.Fatalf("block %d holds %d entries, want %d", n, blk.Entries, ledger.BlockSize)
			}
			flowJE := map[string]flows.Kind{}
			for i := range fb.Docs {
				if d := &fb.Docs[i]; d.Posted {
					flowJE[string(docid.AppendUUID(nil, d.IDHi, d.IDLo))] = d.Kind
				}
			}
			stats.entries += fb.Entries

			// Every entry balances; control accounts are posted by flows only.
			sums := map[string]int64{}
			for _, r := range blk.JournalRows(nil) {
				sums[r.DocumentID] += r.DebitAmount - r.CreditAmount
				ro := role[r.GLAccount]
				if slices.Contains(controls, ro) {
					if _, ok := flowJE[r.DocumentID]; !ok {
						t.Fatalf("entry %s (%s, %s) posts to control account %s outside the document flows", r.DocumentID, r.DocumentType, r.HeaderText, r.GLAccount)
					}
				}
				if bal[ro] != nil {
					bal[ro][r.PostingDate] += r.DebitAmount - r.CreditAmount
				}
				if r.PostingDate < table.Days(start) || r.PostingDate > table.Days(end) {
					t.Fatalf("entry %s posts on day %d, outside the period", r.DocumentID, r.PostingDate)
				}
			}
			for id, v := range sums {
				if v != 0 {
					t.Fatalf("entry %s does not balance: %d", id, v)
				}
			}
			for id := range flowJE {
				if _, ok := sums[id]; !ok {
					t.Fatalf("flow journal entry %s is not in the journal", id)
				}
			}
			checkDocs(t, fb, s, cfg.DocumentFlows.P2P.Enabled, table.Days(start), &stats)
			for i := range fb.Docs {
				if d := &fb.Docs[i]; d.Opening {
					if n != 0 {
						t.Fatalf("block %d carries opening item %s", n, fb.ID(int32(i)))
					}
					if d.Kind == flows.CustomerInvoice {
						openingInvoices[chart.Receivables] += d.Gross() * scale
					} else {
						openingInvoices[chart.Payables] -= d.Gross() * scale
					}
				}
			}
			checkTables(t, fb, co.Code, s)
			for _, tb := range flows.Tables {
				var dst map[int64]int64
				switch tb.Path {
				case "subledger/ap_aging":
					dst = agingAP
				case "subledger/ar_aging":
					dst = agingAR
				default:
					continue
				}
				asOf, amt := col(t, tb, "as_of_date"), col(t, tb, "amount_remaining")
				_ = fb.Rows(tb, func(row []table.Value) error {
					dst[row[asOf].Int] += row[amt].Int * scale
					return nil
				})
			}
		}

		// At every period end the subledgers' open items equal the
		// control accounts; receivables and inventory (which only flows
		// post, from no opening stock) are debits, payables and GR/IR
		// credits, and open items exist.
		for _, r := range []chart.Role{chart.Receivables, chart.Payables} {
			if openingInvoices[r] != running[r] {
				t.Errorf("%s: opening %s %d, opening invoices %d", co.Code, r, running[r], openingInvoices[r])
			}
		}
		days := map[chart.Role][]int32{}
		tracked := append([]chart.Role{chart.Inventory}, controls...)
		for _, r := range tracked {
			for d := range bal[r] {
				days[r] = append(days[r], d)
			}
			slices.Sort(days[r])
		}
		openAtEnd := map[chart.Role]int64{}
		for _, pe := range periodEnds {
			for _, r := range tracked {
				for len(days[r]) > 0 && days[r][0] <= pe {
					running[r] += bal[r][days[r][0]]
					days[r] = days[r][1:]
				}
			}
			ar, ap, grir := running[chart.Receivables], -running[chart.Payables], -running[chart.GRIR]
			date := time.Unix(int64(pe)*86400, 0).UTC().Format(time.DateOnly)
			if ar != agingAR[int64(pe)] {
				t.Errorf("%s %s: receivables %d, AR aging open items %d", co.Code, date, ar, agingAR[int64(pe)])
			}
			if ap != agingAP[int64(pe)] {
				t.Errorf("%s %s: payables %d, AP aging open items %d", co.Code, date, ap, agingAP[int64(pe)])
			}
			if ar < 0 || ap < 0 || grir < 0 || running[chart.Inventory] < 0 {
				t.Errorf("%s %s: receivables %d and inventory %d (want debits), payables %d and GR/IR %d (want credits)", co.Code, date, ar, running[chart.Inventory], ap, grir)
			}
			openAtEnd[chart.Receivables], openAtEnd[chart.Payables] = ar, ap
		}
		// A process switched off posts nothing to its control accounts;
		// one that runs leaves open items.
		p2p, o2c := cfg.DocumentFlows.P2P.Enabled, cfg.DocumentFlows.O2C.Enabled
		if (o2c && openAtEnd[chart.Receivables] <= 0) || (p2p && openAtEnd[chart.Payables] <= 0) {
			t.Errorf("%s: no open items at the last period end (AR %d, AP %d)", co.Code, openAtEnd[chart.Receivables], openAtEnd[chart.Payables])
		}
		for r, on := range map[chart.Role]bool{chart.Receivables: o2c, chart.Payables: p2p, chart.GRIR: p2p} {
			if !on && len(bal[r]) > 0 {
				t.Errorf("%s: the process switched off posts to %v on %d days", co.Code, r, len(bal[r]))
			}
		}
	}
	// Receipts and deliveries come with sales: without order-to-cash,
	// purchases are services and supplies, invoiced against the order.
	// Opening items are paid where a process runs.
	anyOn := cfg.DocumentFlows.O2C.Enabled || cfg.DocumentFlows.P2P.Enabled
	if (cfg.DocumentFlows.O2C.Enabled && stats.partialDeliveries == 0) || stats.partialPayments == 0 || stats.unpaid == 0 || stats.entries == 0 ||
		(anyOn && stats.openingPaid == 0) {
		t.Errorf("want partial deliveries, partial payments, unpaid invoices and flow entries, got %+v", stats)
	}
	if cfg.Fraud.Enabled && stats.duplicates == 0 {
		t.Errorf("fraud is on but no payment was duplicated: %+v", stats)
	}
}

func col(t *testing.T, tb *flows.Table, name string) int {
	for i, c := range tb.Cols {
		if c.Name == name {
			return i
		}
	}
	t.Fatalf("%s has no column %s", tb.Path, name)
	return -1
}

// stats count what the flows' variations produced.
type stats struct{ partialDeliveries, partialPayments, unpaid, duplicates, entries, openingPaid int }

// checkDocs checks every flow: each document follows its predecessor of the
// right kind, no earlier, with the same party and material; quantities and
// amounts add up; every master-data reference exists. Opening invoices are
// posted before the start (day start, in days since 1970-01-01), post no
// entry and have no order; their payments post from the start on.
//
// With procure-to-pay off (p2p false), it runs no document: the goods
// receipts are purchases for cash, outside any order, that debit inventory
// and credit the bank.
func checkDocs(t *testing.T, b *flows.Batch, s masterdata.Sizes, p2p bool, start int32, stats *stats) {
	t.Helper()
	pred := map[flows.Kind]flows.Kind{
		flows.GoodsReceipt: flows.PurchaseOrder, flows.VendorInvoice: flows.GoodsReceipt, flows.Payment: flows.VendorInvoice,
		flows.Delivery: flows.SalesOrder, flows.CustomerInvoice: flows.Delivery, flows.Receipt: flows.CustomerInvoice,
	}
	received := map[int32]int64{}
	for i := range b.Docs {
		d := &b.Docs[i]
		parties := s.Customers
		if d.Kind.Vendor() {
			parties = s.Vendors
		}
		if d.Party < 0 || int(d.Party) >= parties || d.Material < 0 || int(d.Material) >= s.Materials || d.User < 0 || int(d.User) >= s.Employees {
			t.Fatalf("%s: party %d, material %d or user %d outside the master data", b.ID(int32(i)), d.Party, d.Material, d.User)
		}
		if d.Opening {
			if (d.Kind != flows.VendorInvoice && d.Kind != flows.CustomerInvoice) || d.Pred != -1 || d.Order != -1 ||
				d.Posted || d.Gross() <= 0 || b.Date(d.Day) >= start || b.Date(d.Day) < start-90 {
				t.Fatalf("%s: opening item of kind %d, predecessor %d, order %d, posted %v, gross %d, day %d (start %d)",
					b.ID(int32(i)), d.Kind, d.Pred, d.Order, d.Posted, d.Gross(), b.Date(d.Day), start)
			}
		} else if d.Posted && b.Date(d.Day) < start {
			t.Fatalf("%s posts on day %d, before the start %d", b.ID(int32(i)), b.Date(d.Day), start)
		}
		if opening := d.Opening || (d.Pred >= 0 && b.Docs[d.Pred].Opening); d.Kind.Vendor() && !opening && p2p == (d.Order < 0) {
			t.Fatalf("%s (kind %d): order %d with procure-to-pay on = %v", b.ID(int32(i)), d.Kind, d.Order, p2p)
		}
		if d.Order < 0 && d.Kind == flows.GoodsReceipt {
			lines := b.Lines[d.FirstLine : d.FirstLine+d.NLines]
			if d.Pred != -1 || len(lines) != 2 || !lines[0].Debit || lines[1].Debit ||
				lines[0].Amount != d.Net || lines[1].Amount != d.Net {
				t.Fatalf("purchase for cash %d: kind %d, pred %d, lines %+v", i, d.Kind, d.Pred, lines)
			}
			continue
		}
		if want, ok := pred[d.Kind]; ok && !d.Opening {
			p := &b.Docs[d.Pred]
			if d.Kind == flows.VendorInvoice && p.Kind == flows.PurchaseOrder {
				want = p.Kind // a service, invoiced against the order
			}
			if p.Kind != want || int(d.Pred) >= i || p.Day > d.Day || p.Party != d.Party || p.Material != d.Material {
				t.Fatalf("%s follows %s (kind %d, day %d -> %d): not its predecessor", b.ID(int32(i)), b.ID(d.Pred), p.Kind, p.Day, d.Day)
			}
			// A document is dated on or after its predecessor and its
			// order: an invoice may be dated before its posting, never
			// before the goods it bills arrived or were ordered.
			if d.DocDay < p.DocDay || (d.Order >= 0 && d.DocDay < b.Docs[d.Order].DocDay) {
				t.Fatalf("%s dated %d, before %s (%d) or its order", b.ID(int32(i)), d.DocDay, b.ID(d.Pred), p.DocDay)
			}
			if p.Opening {
				if d.Order != -1 {
					t.Fatalf("%s pays opening item %s but names an order", b.ID(int32(i)), b.ID(d.Pred))
				}
				stats.openingPaid++
			} else if o := &b.Docs[d.Order]; o.Kind != flows.PurchaseOrder && o.Kind != flows.SalesOrder {
				t.Fatalf("%s: order %s is not an order", b.ID(int32(i)), b.ID(d.Order))
			}
		}
		if d.DocDay > d.Day {
			t.Fatalf("%s: document date after posting date", b.ID(int32(i)))
		}
		var debit, credit int64
		for _, l := range b.Lines[d.FirstLine : d.FirstLine+d.NLines] {
			if l.Amount <= 0 {
				t.Fatalf("%s: line amount %d", b.ID(int32(i)), l.Amount)
			}
			if l.Debit {
				debit += l.Amount
			} else {
				credit += l.Amount
			}
		}
		if debit != credit || d.Posted != (d.NLines > 0) {
			t.Fatalf("%s: debits %d, credits %d, %d lines, posted %v", b.ID(int32(i)), debit, credit, d.NLines, d.Posted)
		}
		switch d.Kind {
		case flows.GoodsReceipt, flows.Delivery:
			received[d.Order] += d.Qty
		case flows.VendorInvoice, flows.CustomerInvoice:
			var paid, dup int64
			n := 0
			for _, p := range d.Pays {
				if p >= 0 {
					paid += b.Docs[p].Net
					if b.Docs[p].Duplicate {
						dup += b.Docs[p].Net
						stats.duplicates++
					} else {
						n++
					}
				}
			}
			if paid != d.Done || paid-dup > d.Gross() {
				t.Fatalf("%s: paid %d, recorded %d, gross %d", b.ID(int32(i)), paid, d.Done, d.Gross())
			}
			if n == 2 || (n == 1 && paid < d.Gross()) {
				stats.partialPayments++
			}
			if paid-dup < d.Gross() {
				stats.unpaid++
			}
		}
	}
	for o, q := range received {
		od := &b.Docs[o]
		if q != od.Done || q > od.Qty {
			t.Fatalf("order %s: received %d, recorded %d, ordered %d", b.ID(o), q, od.Done, od.Qty)
		}
		if q < od.Qty {
			stats.partialDeliveries++
		}
	}
}

// checkTables checks the tables as written: every document identifier is
// unique, every reference resolves to a document of the named type, every
// vendor, customer and material exists.
func checkTables(t *testing.T, b *flows.Batch, code string, s masterdata.Sizes) {
	t.Helper()
	master := map[string]bool{}
	for i := range s.Vendors {
		master[masterdata.VendorID(code, i)] = true
	}
	for i := range s.Customers {
		master[masterdata.CustomerID(code, i)] = true
	}
	for i := range s.Materials {
		master[masterdata.MaterialID(code, i)] = true
	}
	for i := range s.Employees {
		master[masterdata.UserID(code, i)] = true
	}
	docType := map[string]string{}
	types := map[string]string{
		"document_flows/purchase_orders": "purchase_order", "document_flows/goods_receipts": "goods_receipt",
		"document_flows/vendor_invoices": "vendor_invoice", "document_flows/payments": "ap_payment",
		"document_flows/sales_orders": "sales_order", "document_flows/deliveries": "delivery",
		"document_flows/customer_invoices": "customer_invoice", "document_flows/customer_receipts": "customer_receipt",
		// The subledgers list every invoice again, and alone the opening
		// items, which no flow of the dataset posted.
		"subledger/ap_invoices": "vendor_invoice", "subledger/ar_invoices": "customer_invoice",
	}
	refCols := map[string]string{"purchase_order_id": "purchase_order", "goods_receipt_id": "goods_receipt",
		"sales_order_id": "sales_order", "delivery_id": "delivery"}
	var deferred []func()
	for _, tb := range flows.Tables {
		typ, ok := types[tb.Path]
		if !ok {
			continue
		}
		err := b.Rows(tb, func(row []table.Value) error {
			id := row[0].Str
			if strings.HasPrefix(tb.Path, "subledger/") {
				jeCol := col(t, tb, "journal_entry_id")
				if known := docType[id]; known == typ {
					return nil
				} else if known != "" || !row[jeCol].Null {
					return fmt.Errorf("%s: %s (journal entry %q) is no opening item and not in document_flows", tb.Path, id, row[jeCol].Str)
				}
			} else if _, dup := docType[id]; dup {
				return fmt.Errorf("%s: %s appears twice", tb.Path, id)
			}
			docType[id] = typ
			for i, c := range tb.Cols {
				v := row[i].Str
				if row[i].Null {
					continue
				}
				switch c.Name {
				case "vendor_id", "customer_id", "material_id", "business_partner_id", "created_by":
					if !master[v] {
						return fmt.Errorf("%s %s: %s %q is not in the master data", tb.Path, id, c.Name, v)
					}
				case "purchase_order_id", "goods_receipt_id", "sales_order_id", "delivery_id", "invoice_id":
					want := refCols[c.Name]
					deferred = append(deferred, func() {
						if got := docType[v]; got == "" || (want != "" && got != want) {
							t.Errorf("%s %s: %s %q is a %q document", tb.Path, id, c.Name, v, got)
						}
					})
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	for _, f := range deferred {
		f()
	}
	for _, tb := range flows.Tables {
		if tb.Path != "document_flows/document_references" {
			continue
		}
		src, srcType, dst, dstType := col(t, tb, "source_doc_id"), col(t, tb, "source_doc_type"), col(t, tb, "target_doc_id"), col(t, tb, "target_doc_type")
		n := 0
		_ = b.Rows(tb, func(row []table.Value) error {
			n++
			if docType[row[src].Str] != row[srcType].Str || docType[row[dst].Str] != row[dstType].Str {
				t.Errorf("reference %s: %s %s -> %s %s does not resolve", row[0].Str, row[srcType].Str, row[src].Str, row[dstType].Str, row[dst].Str)
			}
			return nil
		})
		if n == 0 && len(b.Docs) > 0 {
			t.Errorf("no document references")
		}
	}
}

// TestBlocksAlone checks that a block's flows do not depend on the blocks
// generated before it: block 2 alone equals block 2 after blocks 0 and 1.
func TestBlocksAlone(t *testing.T) {
	cfg, err := config.Parse("retail.yaml", []byte(configs["retail-two-companies"]))
	if err != nil {
		t.Fatal(err)
	}
	ch, _ := generate.Chart(cfg)
	var after, alone ledger.Block
	l := ledger.New(cfg, cfg.Global.Seed, ch)
	for n := range int64(3) {
		l.Generate(0, n, &after)
	}
	ledger.New(cfg, cfg.Global.Seed, ch).Generate(0, 2, &alone)
	after.EncodeCSV()
	alone.EncodeCSV()
	if string(after.CSV) != string(alone.CSV) || !slices.Equal(after.Flows.Docs, alone.Flows.Docs) {
		t.Fatal("block 2 differs when generated alone")
	}
}

// TestAppendText compares the direct encodings of every flow table,
// AppendCSV and AppendJSONL, with table.AppendCSV and table.AppendObject of
// the typed rows of Rows, on several configs, including company codes that
// CSV quotes and JSON escapes: the encoders of the one row function of
// each table agree.
func TestAppendText(t *testing.T) {
	cases := map[string]string{"quoted-code": `
global: {seed: 5, industry: retail, start_date: "2024-01-01", period_months: 12}
companies:
  - {code: "A,\"b", name: Quoted, currency: KWD, country: KW, annual_transaction_volume: ten_k}
chart_of_accounts: {complexity: small}
output: {formats: [csv]}
fraud: {enabled: true, fraud_rate: 0.02}
`, "escaped-code": `
global: {seed: 6, industry: manufacturing, start_date: "2024-01-01", period_months: 12}
companies:
  - {code: "Ü\\1", name: Escaped, currency: EUR, country: DE, annual_transaction_volume: ten_k}
chart_of_accounts: {complexity: small}
output: {formats: [json_lines]}
`}
	for name, yaml := range configs {
		cases[name] = yaml
	}
	// counts: rows compared per table, over every config (a services
	// company has no goods receipts).
	counts := map[string]int64{}
	for name, yaml := range cases {
		t.Run(name, func(t *testing.T) {
			cfg, err := config.Parse(name+".yaml", []byte(yaml))
			if err != nil {
				t.Fatal(err)
			}
			ch, err := generate.Chart(cfg)
			if err != nil {
				t.Fatal(err)
			}
			l := ledger.New(cfg, cfg.Global.Seed, ch)
			var blk ledger.Block
			for ci := range cfg.Companies {
				for n := range min(l.Blocks(ci), 3) {
					l.Generate(ci, n, &blk)
					for _, tb := range flows.Tables {
						var wantCSV, wantJSON []byte
						var rows int64
						keys := table.JSONKeys(tb.Cols)
						_ = blk.Flows.Rows(tb, func(row []table.Value) error {
							wantCSV = table.AppendCSV(wantCSV, tb.Cols, row)
							wantJSON = append(table.AppendObject(wantJSON, tb.Cols, keys, row), '\n')
							rows++
							return nil
						})
						for _, enc := range []struct {
							name   string
							append func([]byte, *flows.Table) ([]byte, int64)
							want   []byte
						}{{"AppendCSV", blk.Flows.AppendCSV, wantCSV}, {"AppendJSONL", blk.Flows.AppendJSONL, wantJSON}} {
							prefix := []byte("kept,")
							got, n := enc.append(prefix, tb)
							if string(got[:len(prefix)]) != string(prefix) || string(got[len(prefix):]) != string(enc.want) || n != rows {
								t.Fatalf("%s: %s gives %d rows:\n%.600s\nRows and the typed encoding give %d:\n%.600s", tb.Path, enc.name, n, got, rows, enc.want)
							}
						}
						counts[tb.Path] += rows
					}
				}
			}
			switch name {
			case "quoted-code":
				if !strings.Contains(string(blkCSV(&blk)), `"PO-A,""b-`) {
					t.Errorf("no quoted identifier in the purchase orders")
				}
			case "escaped-code":
				if out, _ := blk.Flows.AppendJSONL(nil, flows.Tables[0]); !strings.Contains(string(out), `"PO-Ü\\1-`) {
					t.Errorf("no escaped identifier in the purchase orders:\n%.300s", out)
				}
			}
		})
	}
	for _, tb := range flows.Tables {
		if counts[tb.Path] == 0 {
			t.Errorf("%s: no rows compared", tb.Path)
		}
	}
}

// blkCSV is the purchase orders of the block, as CSV.
func blkCSV(blk *ledger.Block) []byte {
	out, _ := blk.Flows.AppendCSV(nil, flows.Tables[0])
	return out
}
