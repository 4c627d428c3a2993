package masterdata

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"datasynth.dev/engine/config"
	"datasynth.dev/engine/money"
	"datasynth.dev/engine/table"
)

// record is one generated row by column name.
type record map[string]table.Value

// generateTable draws every row of one table for company c, as MasterRows
// does.
func generateTable(t *testing.T, env Env, seed uint64, name string, c config.Company, s Sizes) []record {
	t.Helper()
	for _, tb := range Tables(env) {
		if tb.Name != name {
			continue
		}
		r := Stream(seed, name, c.Code)
		var out []record
		var row []table.Value
		for i := range tb.Rows(s) {
			row = tb.Row(c, s, i, r, row[:0])
			if len(row) != len(tb.Columns) {
				t.Fatalf("%s row %d: %d values for %d columns", name, i, len(row), len(tb.Columns))
			}
			rec := record{}
			for j, col := range tb.Columns {
				if row[j].Null && !col.Optional {
					t.Fatalf("%s row %d: %s is empty but not optional", name, i, col.Name)
				}
				rec[col.Name] = row[j]
			}
			out = append(out, rec)
		}
		return out
	}
	t.Fatalf("no table %s", name)
	return nil
}

// TestDataSynthFields pins each file's leading columns to the fields of
// DataSynth's models (crates/datasynth-core/src/models: Vendor, Customer,
// Material, Employee, CostCenter, FixedAsset), in their order; the columns
// after them are ours.
func TestDataSynthFields(t *testing.T) {
	want := map[string][]string{
		"vendors": {"vendor_id", "name", "vendor_type", "country", "payment_terms", "payment_terms_days",
			"typical_amount_range", "is_active", "account_number", "tax_id", "bank_accounts", "is_intercompany",
			"intercompany_code", "behavior", "currency", "reconciliation_account", "auxiliary_gl_account",
			"withholding_tax_applicable", "withholding_tax_rate", "is_one_time", "purchasing_org"},
		"customers": {"customer_id", "name", "customer_type", "country", "credit_rating", "credit_limit",
			"credit_exposure", "payment_terms", "payment_terms_days", "payment_behavior", "is_active", "account_number",
			"typical_order_range", "is_intercompany", "intercompany_code", "currency", "reconciliation_account",
			"auxiliary_gl_account", "sales_org", "distribution_channel", "tax_id", "credit_blocked",
			"credit_block_reason", "dunning_procedure", "last_dunning_date", "dunning_level"},
		"materials": {"material_id", "description", "material_type", "material_group", "base_uom", "valuation_method",
			"standard_cost", "list_price", "purchase_price", "bom_components", "account_determination", "weight_kg",
			"volume_m3", "shelf_life_days", "is_active", "company_code", "plants", "min_order_quantity",
			"lead_time_days", "safety_stock", "reorder_point", "preferred_vendor_id", "abc_classification"},
		"employees": {"employee_id", "user_id", "display_name", "first_name", "last_name", "email", "persona",
			"job_level", "job_title", "department_id", "cost_center", "manager_id", "direct_reports", "status",
			"company_code", "working_hours", "authorized_company_codes", "authorized_cost_centers", "approval_limit",
			"can_approve_pr", "can_approve_po", "can_approve_invoice", "can_approve_je", "can_release_payment",
			"system_roles", "transaction_codes", "hire_date", "termination_date", "location", "is_shared_services",
			"phone", "base_salary"},
		"cost_centers": {"id", "name", "parent_id", "company_code", "responsible_person", "category", "level", "is_active"},
		"fixed_assets": {"asset_id", "sub_number", "description", "asset_class", "company_code", "cost_center",
			"location", "acquisition_date", "acquisition_type", "acquisition_cost", "capitalized_date",
			"depreciation_method", "useful_life_months", "salvage_value", "accumulated_depreciation", "net_book_value",
			"account_determination", "status", "disposal_date", "disposal_proceeds", "serial_number", "manufacturer",
			"model", "warranty_expiration", "insurance_policy", "purchase_order", "vendor_id", "invoice_reference",
			"is_gwg"},
	}
	tables := Tables(testEnv(t, "retail", 100))
	if len(tables) != len(want) {
		t.Fatalf("%d tables, want %d", len(tables), len(want))
	}
	for _, tb := range tables {
		var names []string
		for _, c := range tb.Columns {
			names = append(names, c.Name)
		}
		w := want[tb.Name]
		if len(names) < len(w) || !slices.Equal(names[:len(w)], w) {
			t.Errorf("%s columns\n got %v\nwant %v first", tb.Name, names, w)
		}
	}
}

var coherenceCompanies = []struct {
	industry string
	company  config.Company
}{
	{"retail", config.Company{Code: "1000", Name: "Harbor Retail Inc.", Currency: "USD", Country: "US", AnnualVolume: 100_000}},
	{"manufacturing", config.Company{Code: "DE01", Name: "Rhein Werke GmbH", Currency: "EUR", Country: "DE", AnnualVolume: 100_000}},
	{"healthcare", config.Company{Code: "JP01", Name: "Sakura Iryo K.K.", Currency: "JPY", Country: "JP", AnnualVolume: 50_000}},
	{"technology", config.Company{Code: "TR01", Name: "Bosphorus Teknoloji A.S.", Currency: "TRY", Country: "TR", AnnualVolume: 20_000}},
}

func TestPartnersCoherent(t *testing.T) {
	for _, cc := range coherenceCompanies {
		c := cc.company
		env := testEnv(t, cc.industry, 400)
		env.Companies = []config.Company{c, {Code: "9000", Name: "Group Holding SA", Currency: "CHF", Country: "CH"}}
		s := SizesFor(c, "medium")
		for _, name := range []string{"vendors", "customers"} {
			rows := generateTable(t, env, 5, name, c, s)
			domestic := 0
			for i, rec := range rows {
				home := countryOf(rec["country"].Str)
				typ := rec["customer_type"].Str + rec["vendor_type"].Str
				if i == 0 {
					if rec["is_intercompany"].Int == 0 || rec["intercompany_code"].Str != "9000" || rec["name"].Str != "Group Holding SA" {
						t.Errorf("%s %s: first partner is not the group company: %v", c.Code, name, rec)
					}
					continue
				}
				if rec["country"].Str == c.Country {
					domestic++
				}
				if typ != "consumer" && typ != "government" && typ != "non_profit" &&
					!slices.ContainsFunc(home.suffixes, func(sfx string) bool { return strings.HasSuffix(rec["name"].Str, " "+sfx) }) {
					t.Errorf("%s %s %s: %q does not end in a legal form of %s %v", c.Code, name, rec[name[:len(name)-1]+"_id"].Str, rec["name"].Str, home.code, home.suffixes)
				}
				if !slices.ContainsFunc(home.cities, func(ct city) bool { return strings.HasPrefix(rec["city"].Str, ct.name) }) {
					t.Errorf("%s %s: city %q is not in %s", c.Code, name, rec["city"].Str, home.code)
				}
				if typ == "consumer" && !rec["tax_id"].Null {
					t.Errorf("%s consumer %q carries tax id %q", c.Code, rec["name"].Str, rec["tax_id"].Str)
				}
				if name == "customers" {
					min, max, ok := CreditLimitUSD(typ)
					if !ok {
						t.Fatalf("unknown customer type %q", typ)
					}
					cur := rec["currency"].Str
					sc := newUSDScaler(cur)
					d := currencyDigits(cur)
					lo, hi := roundTo(sc.minor(min*100), d), roundTo(sc.minor(max*100), d)
					if v := rec["credit_limit"].Int; v < lo || v > hi {
						t.Errorf("%s %s customer: credit limit %d outside %d..%d", c.Code, typ, v, lo, hi)
					}
				}
			}
			if share := domestic * 100 / (len(rows) - 1); share < 70 || share > 95 {
				t.Errorf("%s %s: %d%% domestic", c.Code, name, share)
			}
		}
	}
}

func TestConsumersHoldSmallLimits(t *testing.T) {
	c := coherenceCompanies[0].company
	env := testEnv(t, "retail", 400)
	rows := generateTable(t, env, 7, "customers", c, SizesFor(c, "medium"))
	maxLimit := map[string]int64{}
	count := map[string]int{}
	for _, rec := range rows {
		typ := rec["customer_type"].Str
		count[typ]++
		if rec["currency"].Str != "USD" {
			continue
		}
		maxLimit[typ] = max(maxLimit[typ], rec["credit_limit"].Int)
	}
	if count["consumer"] < len(rows)/2 {
		t.Errorf("a retailer's customers are mostly consumers: %v", count)
	}
	if maxLimit["consumer"] > 5_000_00 || maxLimit["corporate"] < 100_000_00 {
		t.Errorf("largest limits by type: %v", maxLimit)
	}
}

func TestEmployeesCoherent(t *testing.T) {
	for _, cc := range coherenceCompanies {
		c := cc.company
		env := testEnv(t, cc.industry, 2500)
		s := SizesFor(c, "medium")
		rows := generateTable(t, env, 9, "employees", c, s)
		api := Employees(9, env, c, s)
		sc := newUSDScaler(c.Currency)
		limitOf := map[string]int64{}
		for i, rec := range rows {
			dept := slices.Index(departments, rec["department_id"].Str)
			lvl := slices.Index(levelNames, rec["job_level"].Str)
			if dept < 0 || lvl < 0 || dept != EmployeeDepartment(s, i) {
				t.Fatalf("%s employee %d: department %q level %q", c.Code, i, rec["department_id"].Str, rec["job_level"].Str)
			}
			if !slices.Contains(titles[dept][lvl], rec["job_title"].Str) {
				t.Errorf("%s: %s %s is titled %q", c.Code, departments[dept], levelNames[lvl], rec["job_title"].Str)
			}
			want := roundTo(sc.minor(approvalUSD[lvl]*100), c.Digits())
			if rec["approval_limit"].Int != want {
				t.Errorf("%s: %s approval limit %d, want %d", c.Code, rec["job_title"].Str, rec["approval_limit"].Int, want)
			}
			limitOf[rec["job_level"].Str] = want
			if (rec["can_approve_je"].Int != 0) != (dept == Finance && lvl >= levelSenior) {
				t.Errorf("%s: %s %s may approve journal entries: %v", c.Code, departments[dept], rec["job_title"].Str, rec["can_approve_je"].Int)
			}
			e := api[i]
			if e.First != rec["first_name"].Str || e.Title != rec["job_title"].Str || e.BaseSalary != rec["base_salary"].Int {
				t.Fatalf("%s employee %d: Employees gives %+v, the file %v", c.Code, i, e, rec)
			}
			if e.BaseSalary <= 0 || !slices.Contains(countryOf(c.Country).first, e.First) {
				t.Errorf("%s: employee %s %s, salary %d", c.Code, e.First, e.Last, e.BaseSalary)
			}
		}
		prev := int64(0)
		for _, l := range levelNames {
			if v, ok := limitOf[l]; ok {
				if v <= prev {
					t.Errorf("%s: approval limits do not rise with level: %v", c.Code, limitOf)
				}
				prev = v
			}
		}
		managers := 0
		for _, rec := range rows {
			if l := slices.Index(levelNames, rec["job_level"].Str); l >= levelManager {
				managers++
			}
		}
		if managers > len(rows)/4+1 {
			t.Errorf("%s: %d of %d employees are managers or above", c.Code, managers, len(rows))
		}
		if len(limitOf) < 5 {
			t.Errorf("%s: only levels %v", c.Code, limitOf)
		}
	}
}

func TestMaterialsFromIndustry(t *testing.T) {
	for _, cc := range coherenceCompanies {
		c := cc.company
		env := testEnv(t, cc.industry, 400)
		rows := generateTable(t, env, 3, "materials", c, SizesFor(c, "medium"))
		catalog := Catalog(cc.industry)
		unit := money.Pow10(c.Digits())
		types := map[string]int{}
		for _, rec := range rows {
			desc := rec["description"].Str
			if !slices.ContainsFunc(catalog, func(n string) bool { return strings.HasPrefix(desc, n+" ") }) {
				t.Errorf("%s %s: %q is not in the industry's catalogue", cc.industry, c.Code, desc)
			}
			types[rec["material_type"].Str]++
			for _, col := range []string{"standard_cost", "list_price", "purchase_price"} {
				v := rec[col].Int
				if v <= 0 || unit > 1 && v%unit == 0 {
					t.Errorf("%s %s: %s %d is a whole number", c.Code, desc, col, v)
				}
			}
			if rec["list_price"].Int <= rec["standard_cost"].Int {
				t.Errorf("%s %s: list price %d at or below cost %d", c.Code, desc, rec["list_price"].Int, rec["standard_cost"].Int)
			}
		}
		if cc.industry == "retail" && (types["raw_material"] > 0 || types["trading_good"] < len(rows)*2/3) {
			t.Errorf("retail materials by type: %v", types)
		}
	}
}

func TestMasterDataDeterministic(t *testing.T) {
	c := coherenceCompanies[1].company
	env := testEnv(t, "manufacturing", 400)
	s := SizesFor(c, "medium")
	for _, tb := range Tables(env) {
		a := generateTable(t, env, 42, tb.Name, c, s)
		b := generateTable(t, env, 42, tb.Name, c, s)
		other := generateTable(t, env, 43, tb.Name, c, s)
		same := func(x, y []record) bool {
			return slices.EqualFunc(x, y, func(p, q record) bool {
				for k, v := range p {
					if q[k] != v {
						return false
					}
				}
				return true
			})
		}
		if !same(a, b) {
			t.Errorf("%s: two runs with seed 42 differ", tb.Name)
		}
		if same(a, other) {
			t.Errorf("%s: seeds 42 and 43 give the same rows", tb.Name)
		}
	}
}

// TestReferencesResolve checks that every identifier one master-data file
// names exists in the file it points to, for a company with fewer
// employees than cost centres and one with more.
func TestReferencesResolve(t *testing.T) {
	for _, volume := range []int64{10_000, 400_000} {
		c := config.Company{Code: "1000", Name: "Harbor Retail Inc.", Currency: "USD", Country: "US", AnnualVolume: volume}
		env := testEnv(t, "retail", 400)
		s := SizesFor(c, "medium")
		ids := map[string]map[string]bool{}
		rows := map[string][]record{}
		for _, tb := range Tables(env) {
			rows[tb.Name] = generateTable(t, env, 1, tb.Name, c, s)
			key := tb.Columns[0].Name
			ids[tb.Name] = map[string]bool{}
			for _, rec := range rows[tb.Name] {
				if ids[tb.Name][rec[key].Str] {
					t.Fatalf("%s: %s %s twice", tb.Name, key, rec[key].Str)
				}
				ids[tb.Name][rec[key].Str] = true
			}
		}
		for _, ref := range []struct{ from, col, to string }{
			{"cost_centers", "parent_id", "cost_centers"}, {"cost_centers", "responsible_person", "employees"},
			{"employees", "cost_center", "cost_centers"}, {"employees", "manager_id", "employees"},
			{"materials", "preferred_vendor_id", "vendors"}, {"fixed_assets", "vendor_id", "vendors"},
			{"fixed_assets", "cost_center", "cost_centers"},
		} {
			set := 0
			for _, rec := range rows[ref.from] {
				if v := rec[ref.col]; !v.Null {
					set++
					if !ids[ref.to][v.Str] {
						t.Errorf("volume %d: %s.%s %q is not in %s", volume, ref.from, ref.col, v.Str, ref.to)
					}
				}
			}
			if set == 0 {
				t.Errorf("volume %d: %s.%s is never set", volume, ref.from, ref.col)
			}
		}
		for _, rec := range rows["employees"] {
			var reports []string
			if err := json.Unmarshal([]byte(rec["direct_reports"].Str), &reports); err != nil {
				t.Fatal(err)
			}
			for _, r := range reports {
				if !ids["employees"][r] {
					t.Errorf("volume %d: %s reports to nobody known: %s", volume, rec["employee_id"].Str, r)
				}
			}
		}
	}
}
