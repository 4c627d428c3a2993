// Package masterdata generates a company's master data: cost centres,
// employees, vendors, customers, materials and fixed assets.
//
// Identifiers are pure functions of company code and index (VendorID,
// UserID, CostCenterID, ...), so the journal-entry generator can reference
// master data without holding it in memory, and every reference is valid by
// construction. Attributes (names, terms, limits) come from one random stream
// per table and company.
package masterdata

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
	"time"

	"datasynth.dev/engine/chart"
	"datasynth.dev/engine/config"
	"datasynth.dev/engine/money"
	"datasynth.dev/engine/rng"
	"datasynth.dev/engine/table"
)

// Sizes are the row counts of one company's master data.
type Sizes struct {
	Vendors, Customers, Materials, Employees, CostCenters, ProfitCenters, FixedAssets int
}

// SizesFor scales master data with the company's annual volume: a company
// posting more entries trades with more parties. There is no cap.
func SizesFor(c config.Company, complexity string) Sizes {
	v := c.AnnualVolume
	cc := map[string]int{"small": 8, "medium": 24, "large": 80}[complexity]
	return Sizes{
		Vendors:       20 + int(v/400),
		Customers:     30 + int(v/250),
		Materials:     40 + int(v/500),
		Employees:     15 + int(v/4000),
		CostCenters:   cc,
		ProfitCenters: cc/4 + 1,
		FixedAssets:   20 + int(v/1000),
	}
}

// Identifier formats. Each embeds the company code so that identifiers are
// unique across a multi-company dataset.
func VendorID(code string, i int) string   { return "V-" + code + "-" + pad(i+1, 6) }
func CustomerID(code string, i int) string { return "C-" + code + "-" + pad(i+1, 6) }
func MaterialID(code string, i int) string { return "M-" + code + "-" + pad(i+1, 6) }
func EmployeeID(code string, i int) string { return "E-" + code + "-" + pad(i+1, 5) }

// UserID is the login of employee i, used as created_by in journal entries.
func UserID(code string, i int) string       { return "U" + code + "-" + pad(i+1, 5) }
func CostCenterID(code string, i int) string { return "CC-" + code + "-" + pad(i+1, 4) }
func ProfitCenterID(code string, i int) string {
	return "PC-" + code + "-" + pad(i+1, 3)
}

// Finance is the index of the finance department in departments.
const Finance = 0

// EmployeeDepartment is the department (an index into the departments
// list) of employee i: that of the cost centre the employee sits in.
func EmployeeDepartment(s Sizes, i int) int { return (i % s.CostCenters) % len(departments) }

// ProfitCenterOf is the profit centre that cost centre i reports to.
func (s Sizes) ProfitCenterOf(cc int) int { return cc % s.ProfitCenters }

func pad(v, width int) string {
	s := strconv.Itoa(v)
	for len(s) < width {
		s = "0" + s
	}
	return s
}

// Env is what master data depends on besides the company and the seed.
type Env struct {
	// Start is the dataset's first day; Months its length.
	Start  time.Time
	Months int
	// Industry is global.industry; Chart the run's chart of accounts.
	Industry string
	Chart    *chart.Chart
}

// NewEnv returns the Env of a config and its chart.
func NewEnv(cfg *config.Config, ch *chart.Chart) Env {
	return Env{Start: cfg.Global.StartDate, Months: cfg.Global.PeriodMonths, Industry: cfg.Global.Industry, Chart: ch}
}

// Stream is the random stream of one table's rows for one company. Rows
// are drawn from it in order, so row i depends on the rows before it.
func Stream(seed uint64, table, companyCode string) *rand.Rand {
	return rng.New(seed, "master", table, companyCode)
}

// Table is one master-data file.
type Table struct {
	Name    string // file name without extension, e.g. "vendors"
	Columns []table.Column
	Rows    func(Sizes) int
	// Row appends row i of company c to row, drawing from rand.
	Row func(c config.Company, s Sizes, i int, r *rand.Rand, row []table.Value) []table.Value
}

func text(names ...string) []table.Column {
	out := make([]table.Column, len(names))
	for i, n := range names {
		out[i] = table.Column{Name: n, Kind: table.Text}
	}
	return out
}

// kinds sets the kind of the named columns.
func kinds(cols []table.Column, k table.Kind, names ...string) {
	for _, n := range names {
		col(cols, n, k)
	}
}

// optional marks the named columns optional.
func optional(cols []table.Column, names ...string) {
	for i := range cols {
		if slices.Contains(names, cols[i].Name) {
			cols[i].Optional = true
		}
	}
}

// col returns cols with the named column's kind set.
func col(cols []table.Column, name string, k table.Kind) []table.Column {
	for i := range cols {
		if cols[i].Name == name {
			cols[i].Kind = k
		}
	}
	return cols
}

var departments = []string{"Finance", "Procurement", "Sales", "Operations", "Human Resources", "IT", "Logistics", "Marketing", "Legal", "Executive"}

var firstNames = []string{"James", "Mary", "Robert", "Patricia", "John", "Jennifer", "Michael", "Linda", "David", "Elizabeth",
	"William", "Barbara", "Richard", "Susan", "Joseph", "Jessica", "Thomas", "Sarah", "Carlos", "Karen", "Daniel", "Lisa",
	"Matthew", "Nancy", "Anthony", "Sandra", "Mark", "Ashley", "Ahmed", "Emily", "Wei", "Priya", "Hans", "Ingrid", "Kenji",
	"Aiko", "Luca", "Sofia", "Olga", "Mateo"}

var lastNames = []string{"Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis", "Rodriguez", "Martinez",
	"Hernandez", "Lopez", "Gonzalez", "Wilson", "Anderson", "Thomas", "Taylor", "Moore", "Jackson", "Martin", "Lee", "Perez",
	"Thompson", "White", "Harris", "Clark", "Lewis", "Walker", "Young", "Allen", "Schmidt", "Muller", "Rossi", "Tanaka",
	"Nakamura", "Kowalski", "Novak", "Patel", "Chen", "Okafor"}

var nameStems = []string{"Apex", "Summit", "Pioneer", "Atlas", "Cedar", "Harbor", "Granite", "Silver", "Beacon", "Crescent",
	"Evergreen", "Falcon", "Horizon", "Ironwood", "Juniper", "Keystone", "Lakeside", "Meridian", "Northgate", "Oakridge",
	"Pinnacle", "Quantum", "Redwood", "Sterling", "Trident", "Union", "Vanguard", "Westfield", "Zenith", "Bluebird"}

var nameTrades = []string{"Supply", "Industries", "Logistics", "Components", "Solutions", "Trading", "Services", "Systems",
	"Materials", "Partners", "Distribution", "Technologies", "Holdings", "Works", "Group"}

var nameForms = []string{"Inc.", "LLC", "Ltd.", "GmbH", "Corp.", "S.A.", "AG", "B.V."}

var jobTitles = []string{"Accountant", "Senior Accountant", "AP Clerk", "AR Clerk", "Controller", "Buyer", "Sales Manager",
	"Operations Manager", "HR Specialist", "IT Administrator", "Logistics Coordinator", "Analyst", "Director", "Assistant"}

var materialKinds = []struct{ typ, unit, noun string }{
	{"raw_material", "KG", "Steel coil"}, {"raw_material", "KG", "Aluminium sheet"}, {"raw_material", "L", "Resin"},
	{"semi_finished", "EA", "Subassembly"}, {"semi_finished", "EA", "Machined part"},
	{"finished_good", "EA", "Assembled unit"}, {"finished_good", "EA", "Product kit"},
	{"trading_good", "EA", "Resale item"}, {"consumable", "BOX", "Consumable pack"}, {"service", "H", "Service hour"},
}

var segments = []string{"enterprise", "mid_market", "small_business", "public_sector", "consumer"}
var vendorCategories = []string{"raw_materials", "services", "logistics", "utilities", "it", "facilities", "professional_services"}
var paymentTerms = []int64{0, 14, 30, 30, 30, 45, 60, 90}

func pick[T any](r *rand.Rand, xs []T) T { return xs[r.IntN(len(xs))] }

func orgName(r *rand.Rand) string {
	return pick(r, nameStems) + " " + pick(r, nameTrades) + " " + pick(r, nameForms)
}

// taxID draws a plausible, clearly synthetic tax number.
func taxID(r *rand.Rand, country string) string {
	return country + strconv.FormatUint(100_000_000+r.Uint64N(900_000_000), 10)
}

// Tables lists the master-data files in the order they are written.
func Tables(env Env) []Table {
	start := env.Start
	sinceStart := func(r *rand.Rand, maxDays int) table.Value {
		return table.D(table.Days(start.AddDate(0, 0, -1-r.IntN(maxDays))))
	}
	return []Table{
		{
			Name:    "cost_centers",
			Columns: col(text("cost_center", "company_code", "name", "department", "profit_center", "valid_from"), "valid_from", table.Date),
			Rows:    func(s Sizes) int { return s.CostCenters },
			Row: func(c config.Company, s Sizes, i int, r *rand.Rand, row []table.Value) []table.Value {
				dept := departments[i%len(departments)]
				row = append(row, table.Str(CostCenterID(c.Code, i)))
				row = append(row, table.Str(c.Code))
				row = append(row, table.Str(fmt.Sprintf("%s %d", dept, i/len(departments)+1)))
				row = append(row, table.Str(dept))
				row = append(row, table.Str(ProfitCenterID(c.Code, s.ProfitCenterOf(i))))
				row = append(row, sinceStart(r, 3650))
				return row
			},
		},
		{
			Name:    "employees",
			Columns: col(col(text("employee_id", "user_id", "company_code", "first_name", "last_name", "department", "cost_center", "job_title", "approval_limit", "hire_date"), "approval_limit", table.Amount), "hire_date", table.Date),
			Rows:    func(s Sizes) int { return s.Employees },
			Row: func(c config.Company, s Sizes, i int, r *rand.Rand, row []table.Value) []table.Value {
				cc := i % s.CostCenters
				row = append(row, table.Str(EmployeeID(c.Code, i)))
				row = append(row, table.Str(UserID(c.Code, i)))
				row = append(row, table.Str(c.Code))
				row = append(row, table.Str(pick(r, firstNames)))
				row = append(row, table.Str(pick(r, lastNames)))
				row = append(row, table.Str(departments[cc%len(departments)]))
				row = append(row, table.Str(CostCenterID(c.Code, cc)))
				row = append(row, table.Str(pick(r, jobTitles)))
				row = append(row, table.A(int64(1+r.IntN(5))*money.Pow10(3+r.IntN(3))*100, 2))
				row = append(row, sinceStart(r, 7300))
				return row
			},
		},
		{
			Name:    "vendors",
			Columns: col(col(text("vendor_id", "company_code", "name", "country", "currency", "category", "payment_terms_days", "tax_id", "created_date"), "payment_terms_days", table.Int), "created_date", table.Date),
			Rows:    func(s Sizes) int { return s.Vendors },
			Row: func(c config.Company, s Sizes, i int, r *rand.Rand, row []table.Value) []table.Value {
				row = append(row, table.Str(VendorID(c.Code, i)))
				row = append(row, table.Str(c.Code))
				row = append(row, table.Str(orgName(r)))
				row = append(row, table.Str(c.Country))
				row = append(row, table.Str(c.Currency))
				row = append(row, table.Str(pick(r, vendorCategories)))
				row = append(row, table.I(pick(r, paymentTerms)))
				row = append(row, table.Str(taxID(r, c.Country)))
				row = append(row, sinceStart(r, 3650))
				return row
			},
		},
		{
			Name:    "customers",
			Columns: col(col(col(text("customer_id", "company_code", "name", "country", "currency", "segment", "credit_limit", "payment_terms_days", "created_date"), "credit_limit", table.Amount), "payment_terms_days", table.Int), "created_date", table.Date),
			Rows:    func(s Sizes) int { return s.Customers },
			Row: func(c config.Company, s Sizes, i int, r *rand.Rand, row []table.Value) []table.Value {
				row = append(row, table.Str(CustomerID(c.Code, i)))
				row = append(row, table.Str(c.Code))
				row = append(row, table.Str(orgName(r)))
				row = append(row, table.Str(c.Country))
				row = append(row, table.Str(c.Currency))
				row = append(row, table.Str(pick(r, segments)))
				row = append(row, table.A(int64(1+r.IntN(9))*money.Pow10(3+r.IntN(4))*money.Pow10(c.Digits()), c.Digits()))
				row = append(row, table.I(pick(r, paymentTerms)))
				row = append(row, sinceStart(r, 3650))
				return row
			},
		},
		{
			Name:    "materials",
			Columns: col(text("material_id", "company_code", "description", "material_type", "base_unit", "standard_price", "currency"), "standard_price", table.Amount),
			Rows:    func(s Sizes) int { return s.Materials },
			Row: func(c config.Company, s Sizes, i int, r *rand.Rand, row []table.Value) []table.Value {
				k := pick(r, materialKinds)
				row = append(row, table.Str(MaterialID(c.Code, i)))
				row = append(row, table.Str(c.Code))
				row = append(row, table.Str(fmt.Sprintf("%s %s-%d", k.noun, string(rune('A'+r.IntN(26))), 100+r.IntN(900))))
				row = append(row, table.Str(k.typ))
				row = append(row, table.Str(k.unit))
				digits := c.Digits()
				row = append(row, table.A(int64(priceUnits.Draw(r))*money.Pow10(digits), digits))
				row = append(row, table.Str(c.Currency))
				return row
			},
		},
		fixedAssetTable(env),
	}
}

// priceUnits draws standard prices between 1 and 100,000 currency units.
var priceUnits = rng.NewLogUniform(1, 100_000)
