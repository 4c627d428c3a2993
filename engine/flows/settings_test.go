package flows_test

import (
	"math"
	"testing"

	"datasynth.dev/engine/config"
	"datasynth.dev/engine/flows"
	"datasynth.dev/engine/generate"
	"datasynth.dev/engine/internal/docid"
	"datasynth.dev/engine/ledger"
	"datasynth.dev/engine/table"
)

// settingsBase is a year of one retailer with fraud off, so that no
// duplicate payment mixes into the payments counted, and amounts from one
// cent, so that every order of two units or more can be split.
const settingsBase = `
global: {seed: 21, industry: retail, start_date: "2024-01-01", period_months: 12}
companies:
  - {code: R1, name: Retail US, currency: USD, country: US, annual_transaction_volume: ten_k}
chart_of_accounts: {complexity: small}
output: {formats: [csv]}
fraud: {enabled: false}
transactions: {amounts: {min_amount: 0.01, max_amount: 1000000}}
`

// flowBatches generates every block of the config's only company and
// returns copies of their flows, with the calendar's first day (days since
// 1970-01-01) read from the journal.
func flowBatches(t *testing.T, flowsYAML string) (cfg *config.Config, batches []*flows.Batch, epoch int32) {
	t.Helper()
	cfg, err := config.Parse("settings.yaml", []byte(settingsBase+flowsYAML))
	if err != nil {
		t.Fatal(err)
	}
	ch, err := generate.Chart(cfg)
	if err != nil {
		t.Fatal(err)
	}
	l := ledger.New(cfg, cfg.Global.Seed, ch)
	epoch = -1
	for n := range l.Blocks(0) {
		blk := new(ledger.Block)
		l.Generate(0, n, blk)
		if epoch < 0 {
			posted := map[string]int32{}
			for _, r := range blk.JournalRows(nil) {
				posted[r.DocumentID] = r.PostingDate
			}
			for i := range blk.Flows.Docs {
				if d := &blk.Flows.Docs[i]; d.Posted {
					epoch = posted[string(docid.AppendUUID(nil, d.IDHi, d.IDLo))] - d.Day
					break
				}
			}
		}
		batches = append(batches, &blk.Flows)
	}
	return cfg, batches, epoch
}

// count returns how many documents of each kind the batches hold, and how
// many rows each flow table writes.
func count(t *testing.T, batches []*flows.Batch) (docs map[flows.Kind]int, rows map[string]int) {
	t.Helper()
	docs, rows = map[flows.Kind]int{}, map[string]int{}
	for _, b := range batches {
		for i := range b.Docs {
			docs[b.Docs[i].Kind]++
		}
		for _, tb := range flows.Tables {
			if err := b.Rows(tb, func([]table.Value) error { rows[tb.Path]++; return nil }); err != nil {
				t.Fatal(err)
			}
		}
	}
	return docs, rows
}

// TestProcessSwitches: a process switched off generates none of its
// documents and writes no row to its tables; the other still runs.
func TestProcessSwitches(t *testing.T) {
	for _, tt := range []struct {
		name, yaml    string
		off, on       []string
		offKinds, all []flows.Kind
	}{
		{"p2p off", "document_flows: {p2p: {enabled: false}}\n",
			[]string{"document_flows/purchase_orders", "document_flows/goods_receipts", "document_flows/vendor_invoices", "document_flows/payments", "subledger/ap_invoices", "subledger/ap_aging"},
			[]string{"document_flows/sales_orders", "document_flows/deliveries", "document_flows/customer_invoices", "document_flows/customer_receipts", "subledger/ar_invoices"},
			[]flows.Kind{flows.PurchaseOrder, flows.VendorInvoice, flows.Payment}, nil},
		{"o2c off", "document_flows: {o2c: {enabled: false}}\n",
			[]string{"document_flows/sales_orders", "document_flows/deliveries", "document_flows/customer_invoices", "document_flows/customer_receipts", "subledger/ar_invoices", "subledger/ar_aging"},
			[]string{"document_flows/purchase_orders", "document_flows/vendor_invoices", "document_flows/payments", "subledger/ap_invoices"},
			[]flows.Kind{flows.SalesOrder, flows.Delivery, flows.CustomerInvoice, flows.Receipt, flows.GoodsReceipt}, nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, batches, _ := flowBatches(t, tt.yaml)
			docs, rows := count(t, batches)
			for _, k := range tt.offKinds {
				if docs[k] != 0 {
					t.Errorf("%d documents of kind %d", docs[k], k)
				}
			}
			for _, p := range tt.off {
				if rows[p] != 0 {
					t.Errorf("%s: %d rows, want none", p, rows[p])
				}
			}
			for _, p := range tt.on {
				if rows[p] == 0 {
					t.Errorf("%s: no rows", p)
				}
			}
		})
	}
	// With procure-to-pay off, sales still take stock: it comes from
	// purchases for cash, which post goods receipts outside any table.
	_, batches, _ := flowBatches(t, "document_flows: {p2p: {enabled: false}}\n")
	if docs, rows := count(t, batches); docs[flows.GoodsReceipt] == 0 || rows["document_flows/goods_receipts"] != 0 {
		t.Errorf("p2p off: %d purchases for cash, %d goods receipt rows", docs[flows.GoodsReceipt], rows["document_flows/goods_receipts"])
	}
}

// allOrNone checks, for each kind counted in of (at least least documents
// each), that none (rate "0") or all (rate "1") of them are counted in hit.
func allOrNone(t *testing.T, rate string, of, hit map[flows.Kind]int, least int, what string) {
	t.Helper()
	if len(of) != 2 {
		t.Errorf("documents of %d kinds, want a purchase and a sale kind", len(of))
	}
	for k, n := range of {
		want := 0
		if rate == "1" {
			want = n
		}
		if n < least || hit[k] != want {
			t.Errorf("kind %d: %d of %d %s, want %d", k, hit[k], n, what, want)
		}
	}
}

// receipts returns, for every order, its goods receipts or deliveries in
// the order they were made.
func receipts(b *flows.Batch) map[int32][]*flows.Doc {
	out := map[int32][]*flows.Doc{}
	for i := range b.Docs {
		if d := &b.Docs[i]; (d.Kind == flows.GoodsReceipt || d.Kind == flows.Delivery) && d.Order >= 0 {
			out[d.Order] = append(out[d.Order], d)
		}
	}
	return out
}

// TestPartialDeliveryRates: rate 0 delivers every order at once, rate 1
// splits every order of two units or more (one cent minimum: both parts
// always fit the amount limits), for purchases and sales alike.
func TestPartialDeliveryRates(t *testing.T) {
	for _, rate := range []string{"0", "1"} {
		t.Run(rate, func(t *testing.T) {
			_, batches, _ := flowBatches(t, "document_flows: {p2p: {partial_delivery_rate: "+rate+"}, o2c: {partial_shipment_rate: "+rate+"}}\n")
			orders, split := map[flows.Kind]int{}, map[flows.Kind]int{}
			for _, b := range batches {
				for o, rs := range receipts(b) {
					od := &b.Docs[o]
					if len(rs) > 2 || (rate == "0" && len(rs) > 1) {
						t.Fatalf("order %s: %d receipts or deliveries", b.ID(o), len(rs))
					}
					if od.Qty < 2 {
						continue
					}
					orders[od.Kind]++
					if rs[0].Qty < od.Qty {
						split[od.Kind]++
					}
				}
			}
			allOrNone(t, rate, orders, split, 50, "orders of two units or more delivered in parts")
		})
	}
}

// gap is the mean number of days from orders to their first receipt or
// delivery and the standard error of that mean.
type gap struct{ mean, se float64 }

// meanGaps returns the mean number of days from each order to its first
// goods receipt or delivery, by order kind, for orders placed in the
// period at least 120 days before it ends (so that no delay drawn is cut
// off: restocking for the first period's deliveries orders before it and
// must receive by their day).
func meanGaps(t *testing.T, flowsYAML string) map[flows.Kind]gap {
	t.Helper()
	cfg, batches, epoch := flowBatches(t, flowsYAML)
	first, last := table.Days(cfg.Global.StartDate)-epoch, table.Days(cfg.Global.EndDate())-epoch-120
	days := map[flows.Kind][]float64{}
	for _, b := range batches {
		for o, rs := range receipts(b) {
			if od := &b.Docs[o]; od.Day >= first && od.Day <= last {
				days[od.Kind] = append(days[od.Kind], float64(rs[0].Day-od.Day))
			}
		}
	}
	out := map[flows.Kind]gap{}
	for k, xs := range days {
		if len(xs) < 30 {
			t.Fatalf("kind %d: %d orders to measure; the test needs more", k, len(xs))
		}
		var sum, sq float64
		for _, x := range xs {
			sum += x
		}
		mean := sum / float64(len(xs))
		for _, x := range xs {
			sq += (x - mean) * (x - mean)
		}
		out[k] = gap{mean, math.Sqrt(sq/float64(len(xs)-1)) / math.Sqrt(float64(len(xs)))}
	}
	return out
}

// TestDelays: the average_*_days keys move the mean gap from order to
// receipt or delivery to the value set, within a day and a half or three
// standard errors of the sample's mean, whichever is wider (days are
// drawn by calendar weight), away from the defaults' (about 15 and 11
// days for this config, after their wait for a busy day).
func TestDelays(t *testing.T) {
	def := meanGaps(t, "")
	set := meanGaps(t, "document_flows: {p2p: {average_po_to_gr_days: 40}, o2c: {average_so_to_delivery_days: 20}}\n")
	for k, want := range map[flows.Kind]float64{flows.PurchaseOrder: 40, flows.SalesOrder: 20} {
		g := set[k]
		if tol := max(1.5, 3*g.se); math.Abs(g.mean-want) > tol || g.mean < def[k].mean+5 {
			t.Errorf("kind %d: mean gap %.2f days (standard error %.2f) with the key set to %.0f, %.2f by default",
				k, g.mean, g.se, want, def[k].mean)
		}
		t.Logf("kind %d: mean gap %.2f days (standard error %.2f) with the key set to %.0f", k, g.mean, g.se, want)
	}
}

// invoices calls fn with every vendor and customer invoice of the batches
// and its payments, in the order made.
func invoices(batches []*flows.Batch, fn func(inv *flows.Doc, pays []*flows.Doc)) {
	for _, b := range batches {
		for i := range b.Docs {
			d := &b.Docs[i]
			if d.Kind != flows.VendorInvoice && d.Kind != flows.CustomerInvoice {
				continue
			}
			var pays []*flows.Doc
			for _, p := range d.Pays {
				if p >= 0 {
					pays = append(pays, &b.Docs[p])
				}
			}
			fn(d, pays)
		}
	}
}

// TestPaymentSettings: late, partial and never-paid rates and the average
// days to payment take effect, for vendor invoices and customer invoices.
func TestPaymentSettings(t *testing.T) {
	t.Run("late 1", func(t *testing.T) {
		_, batches, epoch := flowBatches(t, "document_flows: {p2p: {payment_behavior: {late_payment_rate: 1}}, o2c: {late_payment_rate: 1}}\n")
		paid := 0
		invoices(batches, func(inv *flows.Doc, pays []*flows.Doc) {
			if len(pays) > 0 {
				paid++
				if pays[0].Day < inv.Due-epoch+5 {
					t.Fatalf("invoice kind %d due on %d paid on %d: not 5 days late", inv.Kind, inv.Due-epoch, pays[0].Day)
				}
			}
		})
		if paid < 100 {
			t.Fatalf("%d invoices paid", paid)
		}
	})
	for _, rate := range []string{"0", "1"} {
		t.Run("partial "+rate, func(t *testing.T) {
			_, batches, _ := flowBatches(t, "document_flows: {p2p: {payment_behavior: {partial_payment_rate: "+rate+"}}, o2c: {payment_behavior: {partial_payments: {rate: "+rate+"}}}}\n")
			paid, partly := map[flows.Kind]int{}, map[flows.Kind]int{}
			invoices(batches, func(inv *flows.Doc, pays []*flows.Doc) {
				if len(pays) == 0 {
					return
				}
				paid[inv.Kind]++
				if pays[0].Net < inv.Gross() {
					partly[inv.Kind]++
				}
			})
			allOrNone(t, rate, paid, partly, 100, "paid invoices paid in part first")
		})
	}
	t.Run("bad debt 1", func(t *testing.T) {
		_, batches, _ := flowBatches(t, "document_flows: {o2c: {bad_debt_rate: 1}}\n")
		docs, _ := count(t, batches)
		if docs[flows.Receipt] != 0 || docs[flows.CustomerInvoice] == 0 || docs[flows.Payment] == 0 {
			t.Errorf("%d customer invoices, %d receipts (want none), %d vendor payments", docs[flows.CustomerInvoice], docs[flows.Receipt], docs[flows.Payment])
		}
	})
	t.Run("days to payment", func(t *testing.T) {
		cfg, batches, epoch := flowBatches(t, "document_flows: {p2p: {average_invoice_to_payment_days: 12}, o2c: {average_invoice_to_receipt_days: 60}}\n")
		last := table.Days(cfg.Global.EndDate()) - epoch - 150
		sum, n := map[flows.Kind]int64{}, map[flows.Kind]int64{}
		invoices(batches, func(inv *flows.Doc, pays []*flows.Doc) {
			if len(pays) > 0 && inv.DocDay <= last {
				sum[inv.Kind] += int64(pays[0].Day - inv.DocDay)
				n[inv.Kind]++
			}
		})
		for k, want := range map[flows.Kind]float64{flows.VendorInvoice: 12, flows.CustomerInvoice: 60} {
			mean := float64(sum[k]) / float64(n[k])
			if n[k] < 100 || mean < want-2 || mean > want+2 {
				t.Errorf("kind %d: %d invoices paid %.2f days after the invoice date on average, want %.0f", k, n[k], mean, want)
			}
		}
	})
}

// TestTaxRates: each country's standard rate, the ones a profile's
// country would otherwise take from the 20% default included.
func TestTaxRates(t *testing.T) {
	for country, want := range map[string][2]int64{
		"US": {0, 725}, "DE": {1900, 1900}, "CH": {810, 810}, "JP": {1000, 1000},
		"TW": {500, 500}, "AE": {500, 500}, "AR": {2100, 2100}, "TR": {2000, 2000}, "XX": {2000, 2000},
	} {
		if in, out := flows.TaxRates(country); in != want[0] || out != want[1] {
			t.Errorf("%s: purchases %d, sales %d basis points, want %v", country, in, out, want)
		}
	}
}
