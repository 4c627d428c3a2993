// Package masterdata generates a company's master data: cost centres,
// employees, vendors, customers, materials and fixed assets, each file with
// the fields of DataSynth's model in its order, then ours.
//
// Identifiers are pure functions of company code and index (VendorID,
// UserID, CostCenterID, ...), so the journal-entry generator can reference
// master data without holding it in memory, and every reference is valid by
// construction. Attributes come from one random stream per table and
// company (Stream), drawn row by row; Employees and FixedAssets replay the
// same streams for the journal.
//
// The data is coherent the way an auditor expects: names, legal forms,
// addresses and tax numbers follow the partner's country; credit limits the
// customer type; titles and approval limits the department and level;
// materials and assets the industry. Amounts are drawn in US cents and
// converted at money's fixed rates with integer arithmetic.
package masterdata

import (
	"math/rand/v2"
	"slices"
	"strconv"
	"time"

	"datasynth.dev/engine/chart"
	"datasynth.dev/engine/config"
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
	// Every chart has the ten departments' cost centres, the larger ones
	// second-level units under them.
	cc := map[string]int{"small": 10, "medium": 24, "large": 80}[complexity]
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

// SizesOf is the master data of company c in cfg: SizesFor, except the
// counts that master_data gives. Every generator that refers to master
// data sizes it here, so references stay inside the tables written.
func SizesOf(cfg *config.Config, c config.Company) Sizes {
	s := SizesFor(c, cfg.ChartOfAccounts.Complexity)
	m := cfg.MasterData
	for _, o := range []struct {
		count int
		size  *int
	}{{m.Vendors, &s.Vendors}, {m.Customers, &s.Customers}, {m.Materials, &s.Materials}, {m.Employees, &s.Employees}, {m.FixedAssets, &s.FixedAssets}} {
		if o.count > 0 {
			*o.size = o.count
		}
	}
	return s
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

// ProfitCenterOf is the profit centre that cost centre i reports to.
func (s Sizes) ProfitCenterOf(cc int) int { return cc % s.ProfitCenters }

func pad(v, width int) string {
	s := strconv.Itoa(v)
	for len(s) < width {
		s = "0" + s
	}
	return s
}

// Env is what master data depends on besides the company.
type Env struct {
	// Seed is the run's seed. The streams that redraw names that are
	// taken derive from it (names.go); the rows' own streams are Stream's.
	Seed uint64
	// Start is the dataset's first day; Months its length.
	Start  time.Time
	Months int
	// Industry is global.industry; Chart the run's chart of accounts.
	Industry string
	Chart    *chart.Chart
	// Companies are all the companies of the run: each is an
	// intercompany vendor and customer of the others.
	Companies []config.Company
}

// NewEnv returns the Env of a config and its chart in a run of seed.
func NewEnv(cfg *config.Config, ch *chart.Chart, seed uint64) Env {
	return Env{Seed: seed, Start: cfg.Global.StartDate, Months: cfg.Global.PeriodMonths, Industry: cfg.Global.Industry, Chart: ch, Companies: cfg.Companies}
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

func pick[T any](r *rand.Rand, xs []T) T { return xs[r.IntN(len(xs))] }

// Tables lists the master-data files in the order they are written.
func Tables(env Env) []Table {
	return []Table{costCenterTable(env), employeeTable(env), vendorTable(env), customerTable(env), materialTable(env), fixedAssetTable(env)}
}
