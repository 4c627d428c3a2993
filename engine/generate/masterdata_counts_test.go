package generate

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	"datasynth.dev/engine/config"
	"datasynth.dev/engine/masterdata"
)

// countsYAML gives every master_data count, two companies, and a volume
// whose derived sizes would be different (vendors 27, customers 42, ...).
const countsYAML = `global: {seed: 11, industry: manufacturing, start_date: "2024-01-01", period_months: 12}
companies:
  - {code: "1000", name: Alpha, currency: USD, country: US, annual_transaction_volume: {custom: 3000}}
  - {code: "2000", name: Beta, currency: EUR, country: DE, annual_transaction_volume: {custom: 3000}}
chart_of_accounts: {complexity: small}
output: {formats: [csv]}
fraud: {enabled: false}
master_data:
  vendors: {count: 23}
  customers: {count: 9}
  materials: {count: 11}
  employees: {count: 4}
  fixed_assets: {count: 5}
`

// TestMasterDataCounts generates with master_data counts: each company has
// exactly that many vendors, customers, materials, employees and fixed
// assets; every reference of the journal and of the flow and subledger
// tables is to a row of master_data; payroll pays exactly the employees'
// salaries and depreciation is exactly that of the fixed assets written.
func TestMasterDataCounts(t *testing.T) {
	cfg, err := config.Parse("counts.yaml", []byte(countsYAML))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]int{"vendors": 23, "customers": 9, "materials": 11, "employees": 4, "fixed_assets": 5}
	for _, c := range cfg.Companies {
		if s := masterdata.SizesFor(c, cfg.ChartOfAccounts.Complexity); s.Vendors == 23 || s.Customers == 9 || s.Employees == 4 {
			t.Fatalf("the volume alone gives the counts of the test (%+v); change the volume", s)
		}
	}
	dir := gen(t, cfg, 2).Dir

	ids := map[string]bool{} // every master-data identifier
	idCol := map[string]string{"vendors": "vendor_id", "customers": "customer_id", "materials": "material_id", "employees": "user_id", "fixed_assets": "asset_id"}
	for name, n := range want {
		per := map[string]int{}
		eachRow(t, dir, "master_data/"+name+".csv", func(cols map[string]int, rec []string) {
			id := rec[cols[idCol[name]]]
			ids[id] = true
			for _, c := range cfg.Companies {
				if strings.Contains(id, c.Code+"-") {
					per[c.Code]++
				}
			}
		})
		for _, c := range cfg.Companies {
			if per[c.Code] != n {
				t.Errorf("master_data/%s: %d rows of company %s, master_data gives %d", name, per[c.Code], c.Code, n)
			}
		}
	}

	// References: every partner, material and user named anywhere.
	refs := 0
	for _, sub := range []string{"document_flows", "subledger"} {
		files, err := filepath.Glob(filepath.Join(dir, sub, "*.csv"))
		if err != nil || len(files) == 0 {
			t.Fatalf("%s: no tables (%v)", sub, err)
		}
		for _, f := range files {
			rel, _ := filepath.Rel(dir, f)
			eachRow(t, dir, rel, func(cols map[string]int, rec []string) {
				for _, name := range []string{"vendor_id", "customer_id", "material_id", "business_partner_id", "created_by"} {
					if i, ok := cols[name]; ok && rec[i] != "" {
						refs++
						if !ids[rec[i]] {
							t.Fatalf("%s: %s %q is not in master_data", rel, name, rec[i])
						}
					}
				}
			})
		}
	}
	if refs == 0 {
		t.Fatal("no references to master data in the flow and subledger tables")
	}

	pay := map[string]int64{}
	eachRow(t, dir, "master_data/employees.csv", func(cols map[string]int, rec []string) {
		pay[rec[cols["company_code"]]] += minor(t, rec[cols["base_salary"]])
	})
	paid, depreciated := map[string]int64{}, map[string]int64{}
	eachRow(t, dir, "journal_entries.csv", func(cols map[string]int, rec []string) {
		if by := rec[cols["created_by"]]; !ids[by] {
			t.Fatalf("journal entry %s: created_by %q is not an employee", rec[cols["document_id"]], by)
		}
		co, debit := rec[cols["company_code"]], minor(t, rec[cols["debit_amount"]])
		switch rec[cols["document_type"]] {
		case "PR":
			paid[co] += debit
		case "AF":
			depreciated[co] += debit
		}
	})
	ch, err := Chart(cfg)
	if err != nil {
		t.Fatal(err)
	}
	env := masterdata.NewEnv(cfg, ch, cfg.Global.Seed)
	for _, c := range cfg.Companies {
		if paid[c.Code] != pay[c.Code] || pay[c.Code] == 0 {
			t.Errorf("company %s: payroll pays %d over the year, its %d employees' salaries add up to %d", c.Code, paid[c.Code], want["employees"], pay[c.Code])
		}
		assets := masterdata.FixedAssets(cfg.Global.Seed, env, c, masterdata.SizesOf(cfg, c))
		var dep int64
		for i, a := range assets {
			if !ids[a.ID] || a.ID != masterdata.FixedAssetID(c.Code, i) {
				t.Errorf("company %s: depreciated asset %s is not in master_data/fixed_assets", c.Code, a.ID)
			}
			for m := range 12 {
				dep += a.Depreciation(2024, time.Month(m+1))
			}
		}
		if len(assets) != want["fixed_assets"] || depreciated[c.Code] != dep {
			t.Errorf("company %s: journal depreciates %d over %d assets, the register %d", c.Code, depreciated[c.Code], len(assets), dep)
		}
	}
}
