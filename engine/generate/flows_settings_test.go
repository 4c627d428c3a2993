package generate

import (
	"testing"

	"datasynth.dev/engine/config"
)

// TestProcurementOff generates a dataset with procure-to-pay switched
// off: its tables hold only their header rows, and no journal line posts
// to payables or GR/IR clearing, while order-to-cash still runs.
func TestProcurementOff(t *testing.T) {
	cfg, err := config.Parse("p2p-off.yaml", []byte(p2pOffYAML))
	if err != nil {
		t.Fatal(err)
	}
	dir := gen(t, cfg, 2).Dir
	rows := func(rel string) int {
		n := 0
		eachRow(t, dir, rel, func(map[string]int, []string) { n++ })
		return n
	}
	for _, rel := range []string{"document_flows/purchase_orders.csv", "document_flows/goods_receipts.csv",
		"document_flows/vendor_invoices.csv", "document_flows/payments.csv", "subledger/ap_invoices.csv", "subledger/ap_aging.csv"} {
		if n := rows(rel); n != 0 {
			t.Errorf("%s: %d rows besides the header", rel, n)
		}
	}
	for _, rel := range []string{"document_flows/sales_orders.csv", "document_flows/deliveries.csv", "document_flows/customer_invoices.csv"} {
		if rows(rel) == 0 {
			t.Errorf("%s: no rows", rel)
		}
	}
	accounts := column(t, dir, "chart_of_accounts.csv", "account_number")
	acctCols, _, done := readCSV(t, dir, "chart_of_accounts.csv")
	done()
	lines := 0
	eachRow(t, dir, "journal_entries.csv", func(cols map[string]int, rec []string) {
		lines++
		switch sub := accounts[rec[cols["gl_account"]]][acctCols["sub_type"]]; sub {
		case "accounts_payable", "goods_received_clearing":
			t.Fatalf("entry %s (%s) posts to %s account %s", rec[cols["document_id"]], rec[cols["header_text"]], sub, rec[cols["gl_account"]])
		}
	})
	if lines == 0 {
		t.Fatal("no journal lines")
	}
}
