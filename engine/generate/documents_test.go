package generate

import (
	"encoding/json"
	"slices"
	"testing"

	"datasynth.dev/engine/masterdata"
)

// eachBalanceRun runs check as a subtest on the dataset of each of the
// balanceConfigs (sharedBalanceRun).
func eachBalanceRun(t *testing.T, check func(t *testing.T, dir string)) {
	for name, cfg := range balanceConfigs(t) {
		t.Run(name, func(t *testing.T) { check(t, sharedBalanceRun(t, name, cfg)) })
	}
}

// TestReferenceIDs: every row of document_flows/document_references.csv
// has a reference_id of its own, across companies and blocks (the links
// to an invoice from its order, its receipt or delivery and its payments
// included).
func TestReferenceIDs(t *testing.T) {
	eachBalanceRun(t, func(t *testing.T, dir string) {
		seen := map[string]string{}
		eachRow(t, dir, "document_flows/document_references.csv", func(cols map[string]int, rec []string) {
			id, link := rec[cols["reference_id"]], rec[cols["source_doc_id"]]+" -> "+rec[cols["target_doc_id"]]
			if len(id) != 36 || id[14] != '4' {
				t.Fatalf("reference %s: id %q is no version-4 UUID", link, id)
			}
			if other, dup := seen[id]; dup {
				t.Fatalf("reference_id %s names both %s and %s", id, other, link)
			}
			seen[id] = link
		})
		if len(seen) == 0 {
			t.Fatal("no document references")
		}
	})
}

// TestOrderingPartners: no sales order goes to a customer that
// master_data/customers.csv marks credit_blocked or not is_active, and no
// purchase order or goods receipt to a vendor that master_data/vendors.csv
// marks not is_active.
func TestOrderingPartners(t *testing.T) {
	orders, excluded := 0, 0
	eachBalanceRun(t, func(t *testing.T, dir string) {
		why := map[string]string{}
		eachRow(t, dir, "master_data/customers.csv", func(cols map[string]int, rec []string) {
			switch {
			case rec[cols["credit_blocked"]] == "true":
				why[rec[cols["customer_id"]]] = "whose credit is blocked"
			case rec[cols["is_active"]] != "true":
				why[rec[cols["customer_id"]]] = "who is inactive"
			}
		})
		eachRow(t, dir, "master_data/vendors.csv", func(cols map[string]int, rec []string) {
			if rec[cols["is_active"]] != "true" {
				why[rec[cols["vendor_id"]]] = "who is inactive"
			}
		})
		excluded += len(why)
		for file, party := range map[string]string{"document_flows/sales_orders.csv": "customer_id",
			"document_flows/purchase_orders.csv": "vendor_id", "document_flows/goods_receipts.csv": "vendor_id"} {
			eachRow(t, dir, file, func(cols map[string]int, rec []string) {
				orders++
				if p := rec[cols[party]]; why[p] != "" {
					t.Errorf("%s: %s goes to %s, %s", file, rec[cols["document_id"]], p, why[p])
				}
			})
		}
	})
	if orders == 0 || excluded == 0 {
		t.Errorf("%d orders, %d inactive or blocked partners: the test checks nothing", orders, excluded)
	}
}

// TestOverpaidInvoices: document_flows/vendor_invoices.csv and
// subledger/ap_invoices.csv agree on every invoice: what was paid, what
// remains (negative for an invoice paid twice, a debit on the vendor), and
// whether it is paid: is_paid exactly when the status is Cleared, which an
// overpaid invoice is.
func TestOverpaidInvoices(t *testing.T) {
	overpaid := 0
	eachBalanceRun(t, func(t *testing.T, dir string) {
		type item struct{ paid, remaining, status string }
		ap := map[string]item{}
		eachRow(t, dir, "subledger/ap_invoices.csv", func(cols map[string]int, rec []string) {
			ap[rec[cols["invoice_number"]]] = item{rec[cols["amount_paid"]], rec[cols["amount_remaining"]], rec[cols["status"]]}
		})
		eachRow(t, dir, "document_flows/vendor_invoices.csv", func(cols map[string]int, rec []string) {
			id, paid, balance := rec[cols["document_id"]], rec[cols["amount_paid"]], rec[cols["balance"]]
			it, ok := ap[id]
			if !ok {
				t.Fatalf("vendor invoice %s is not in ap_invoices", id)
			}
			isPaid := rec[cols["is_paid"]] == "true"
			if it.paid != paid || it.remaining != balance || isPaid != (it.status == "Cleared") || isPaid != (minor(t, balance) <= 0) {
				t.Errorf("vendor invoice %s: paid %s, balance %s, is_paid %v; ap_invoices: paid %s, remaining %s, %s",
					id, paid, balance, isPaid, it.paid, it.remaining, it.status)
			}
			if minor(t, balance) < 0 {
				overpaid++
			}
		})
	})
	if overpaid == 0 {
		t.Error("no overpaid invoice: the test checks little")
	}
}

// accountDetermination is the part of a material's account_determination
// that the document flows post to.
type accountDetermination struct {
	Inventory string `json:"inventory_account"`
	COGS      string `json:"cogs_account"`
	Revenue   string `json:"revenue_account"`
	Purchase  string `json:"purchase_expense_account"`
	// Stocked: the material's type is kept in stock.
	Stocked bool `json:"-"`
}

// materialAccounts reads the account_determination of every material in
// master_data/materials.csv, by material_id.
func materialAccounts(t *testing.T, dir string) map[string]accountDetermination {
	det := map[string]accountDetermination{}
	eachRow(t, dir, "master_data/materials.csv", func(cols map[string]int, rec []string) {
		var a accountDetermination
		if err := json.Unmarshal([]byte(rec[cols["account_determination"]]), &a); err != nil {
			t.Fatal(err)
		}
		a.Stocked = masterdata.Stocked(rec[cols["material_type"]])
		det[rec[cols["material_id"]]] = a
	})
	return det
}

// TestMaterialAccounts: goods receipts and deliveries post to the accounts
// that their material's account_determination in master_data/materials.csv
// names: a receipt debits its inventory_account, a delivery credits it and
// debits its cogs_account.
func TestMaterialAccounts(t *testing.T) {
	eachBalanceRun(t, func(t *testing.T, dir string) {
		det := materialAccounts(t, dir)
		// want holds, for each journal entry of a receipt or delivery,
		// the account of its debit and of its credit.
		type sides struct{ debit, credit string }
		want := map[string]sides{}
		for file, receipt := range map[string]bool{"document_flows/goods_receipts.csv": true, "document_flows/deliveries.csv": false} {
			eachRow(t, dir, file, func(cols map[string]int, rec []string) {
				je := rec[cols["journal_entry_id"]]
				if je == "" {
					return // a service, not issued from stock
				}
				a := det[rec[cols["material_id"]]]
				if receipt {
					want[je] = sides{debit: a.Inventory}
				} else {
					want[je] = sides{debit: a.COGS, credit: a.Inventory}
				}
			})
		}
		lines := 0
		eachRow(t, dir, "journal_entries.csv", func(cols map[string]int, rec []string) {
			w, ok := want[rec[cols["document_id"]]]
			if !ok {
				return
			}
			lines++
			side, exp := "credit", w.credit
			if minor(t, rec[cols["debit_amount"]]) != 0 {
				side, exp = "debit", w.debit
			}
			if acct := rec[cols["gl_account"]]; exp != "" && acct != exp {
				t.Errorf("entry %s (%s): %s line on %s, the material's account is %s",
					rec[cols["document_id"]], rec[cols["header_text"]], side, acct, exp)
			}
		})
		if len(want) > 0 && lines == 0 {
			t.Fatal("no journal lines of receipts or deliveries")
		}
	})
}

// TestMaterialSaleAndPurchaseAccounts: a customer invoice credits the
// revenue_account of its material's account_determination, and a vendor
// invoice of a material not received into stock (a service or an
// operating supply, invoiced against its order) debits the material's
// purchase_expense_account, or its cogs_account when the company buys the
// service to sell it on. No other revenue or expense account appears in
// those entries.
func TestMaterialSaleAndPurchaseAccounts(t *testing.T) {
	services := 0 // vendor invoices of services or supplies, every config
	eachBalanceRun(t, func(t *testing.T, dir string) {
		det := materialAccounts(t, dir)
		// A stocked material is expensed as it is sold, the others as
		// they are bought: to an operating expense.
		for m, a := range det {
			if (a.Purchase == a.COGS) != a.Stocked {
				t.Errorf("material %s (stocked %v): purchase_expense_account %s, cogs_account %s", m, a.Stocked, a.Purchase, a.COGS)
			}
		}
		typ := map[string]string{}
		eachRow(t, dir, "chart_of_accounts.csv", func(cols map[string]int, rec []string) {
			typ[rec[cols["account_number"]]] = rec[cols["account_type"]]
		})
		// allowed holds, for each journal entry of an invoice, the
		// accounts its revenue (or expense) lines may name.
		allowed := map[string][]string{}
		eachRow(t, dir, "document_flows/customer_invoices.csv", func(cols map[string]int, rec []string) {
			a := det[rec[cols["material_id"]]]
			allowed[rec[cols["journal_entry_id"]]] = []string{a.Revenue}
		})
		eachRow(t, dir, "document_flows/vendor_invoices.csv", func(cols map[string]int, rec []string) {
			if rec[cols["goods_receipt_id"]] != "" {
				return // stocked: the invoice clears GR/IR
			}
			services++
			a := det[rec[cols["material_id"]]]
			allowed[rec[cols["journal_entry_id"]]] = []string{a.Purchase, a.COGS}
		})
		lines := 0
		eachRow(t, dir, "journal_entries.csv", func(cols map[string]int, rec []string) {
			ok, found := allowed[rec[cols["document_id"]]]
			acct := rec[cols["gl_account"]]
			if !found || (typ[acct] != "revenue" && typ[acct] != "expense") {
				return
			}
			lines++
			if !slices.Contains(ok, acct) {
				t.Errorf("entry %s (%s): line on %s, the material's account is %v",
					rec[cols["document_id"]], rec[cols["header_text"]], acct, ok)
			}
		})
		if lines == 0 {
			t.Fatal("no revenue or expense lines of invoices")
		}
	})
	if services == 0 {
		t.Error("no vendor invoice of a service or supply: the test checks little")
	}
}
