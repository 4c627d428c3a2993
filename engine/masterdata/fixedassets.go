package masterdata

import (
	"cmp"
	"fmt"
	"math/bits"
	"math/rand/v2"
	"slices"
	"strconv"
	"time"

	"datasynth.dev/engine/chart"
	"datasynth.dev/engine/config"
	"datasynth.dev/engine/rng"
	"datasynth.dev/engine/table"
)

// Asset classes, with DataSynth's names (its AssetClass in snake case).
const (
	Buildings             = "buildings"
	Land                  = "land"
	Machinery             = "machinery"
	Vehicles              = "vehicles"
	Furniture             = "furniture"
	ITEquipment           = "it_equipment"
	Software              = "software"
	LeaseholdImprovements = "leasehold_improvements"
)

// Depreciation methods, with DataSynth's names.
const (
	StraightLine           = "straight_line"
	DoubleDecliningBalance = "double_declining_balance"
	SumOfYearsDigits       = "sum_of_years_digits"
	MACRS                  = "macrs"
	NoDepreciation         = "none"
)

// Asset statuses, with DataSynth's names.
const (
	AssetActive           = "active"
	AssetFullyDepreciated = "fully_depreciated"
	AssetDisposed         = "disposed"
)

// FixedAsset is one row of master_data/fixed_assets. Amounts are minor
// units of the company currency (Digits fractional digits). Account fields
// are indexes into the chart's Accounts.
type FixedAsset struct {
	ID          string
	Description string
	Class       string
	CompanyCode string
	CostCenter  int // index, as CostCenterID takes it
	Location    string
	Acquired    time.Time
	Cost        int64
	Digits      int
	Method      string
	LifeMonths  int
	Salvage     int64
	// Accumulated is the depreciation posted before the dataset's first
	// day: the opening balance of the asset's accumulated depreciation.
	Accumulated int64
	Status      string
	// Disposed is the disposal date, zero unless Status is AssetDisposed;
	// disposals all happened before the dataset's first day.
	Disposed         time.Time
	DisposalProceeds int64
	SerialNumber     string
	Vendor           int // index, as VendorID takes it
	// Chart indexes of the accounts the asset posts to.
	AssetAccount, AccumAccount, ExpenseAccount int
	GainLossAccount, ClearingAccount           int
}

// classInfo holds what DataSynth fixes per asset class: useful life
// (its useful_life_by_class) and acquisition cost range (its
// generate_acquisition_cost_for_class, in US dollars); plus where the
// asset sits in our chart and which department uses it.
type classInfo struct {
	life           int // months; 0 for land
	minUSD, maxUSD uint64
	asset, accum   string // chart account names
	expense        string
	dept           int // index into departments; -1 any
	serial         bool
	descriptions   []string
}

var classes = map[string]classInfo{
	Buildings: {480, 500_000, 10_000_000, "Buildings", "Accumulated depreciation - buildings", "Depreciation - buildings", 3, false,
		[]string{"Administrative Building", "Corporate Office Building", "Warehouse Complex"}},
	Land: {0, 100_000, 5_000_000, "Land", "Accumulated depreciation - buildings", "Depreciation - buildings", 3, false,
		[]string{"Land Plot", "Site Land", "Parking Lot Land"}},
	Machinery: {84, 50_000, 1_000_000, "Machinery and equipment", "Accumulated depreciation - machinery", "Depreciation - machinery", 3, true,
		[]string{"Material Handling System", "Testing Equipment", "Quality Control System"}},
	Vehicles: {60, 20_000, 100_000, "Vehicles", "Accumulated depreciation - vehicles", "Depreciation - vehicles", 6, true,
		[]string{"Delivery Truck", "Company Car", "Forklift", "Van Fleet Unit", "Service Vehicle", "Cargo Truck"}},
	Furniture: {84, 1_000, 50_000, "Office furniture", "Accumulated depreciation - machinery", "Depreciation - machinery", -1, false,
		[]string{"Office Workstation Set", "Conference Room Furniture", "Executive Desk Set", "Reception Area Furniture", "Storage Cabinet Set", "Ergonomic Chair Set"}},
	ITEquipment: {36, 2_000, 200_000, "IT hardware", "Accumulated depreciation - IT hardware", "Depreciation - IT hardware", 5, true,
		[]string{"Server Rack System", "Network Switch Array", "Desktop Computer Set", "Laptop Fleet", "Storage Array", "Backup System"}},
	Software: {36, 5_000, 500_000, "IT hardware", "Accumulated depreciation - IT hardware", "Amortisation of software", 5, false,
		[]string{"ERP System License", "Database License", "Office Suite License", "Security Software", "Analytics Platform", "CRM System"}},
	LeaseholdImprovements: {120, 10_000, 300_000, "Buildings", "Accumulated depreciation - buildings", "Depreciation - buildings", 3, false,
		[]string{"Office Build-out", "HVAC Improvements", "Electrical Upgrades", "Floor Renovations", "Lighting System", "Security Improvements"}},
}

// classOrder fixes the order of the weights below.
var classOrder = []string{Buildings, Land, Machinery, Vehicles, Furniture, ITEquipment, Software, LeaseholdImprovements}

// industryAssets holds, per industry, the weights of classOrder and the
// descriptions particular to the trade (replacing a class's generic ones):
// a retailer owns stores and display fixtures, a carrier trucks, a
// hospital scanners.
var industryAssets = map[string]struct {
	weights      [8]uint64
	descriptions map[string][]string
}{
	"manufacturing": {[8]uint64{6, 2, 40, 8, 8, 20, 8, 4}, map[string][]string{
		Buildings: {"Manufacturing Facility", "Warehouse Complex", "Administrative Building", "Research Laboratory"},
		Machinery: {"CNC Machining Center", "Assembly Robot System", "Industrial Press Machine", "Injection Moulding Machine", "Packaging Line", "Production Line Equipment"},
	}},
	"retail": {[8]uint64{5, 1, 12, 6, 20, 20, 8, 28}, map[string][]string{
		Buildings: {"Flagship Store", "Retail Store Building", "Distribution Center"},
		Machinery: {"Refrigerated Display Cases", "Walk-in Cooler", "Shelving and Racking System", "Checkout Lane Fixtures", "Store Security Gates"},
		ITEquipment: {"Point-of-Sale Terminals", "Self-Checkout Kiosks", "Handheld Inventory Scanners", "Store Network Equipment",
			"Digital Signage Screens"},
		LeaseholdImprovements: {"Store Fit-out", "Shopfront Renovation", "Store Lighting Upgrade", "Fitting Room Build-out"},
	}},
	"financial_services": {[8]uint64{6, 1, 3, 3, 20, 35, 27, 5}, map[string][]string{
		Buildings: {"Branch Office", "Headquarters Building", "Operations Center"},
		Machinery: {"ATM Units", "Cash Handling Equipment", "Vault System"},
		Software:  {"Core Banking System License", "Trading Platform License", "Risk Analytics Platform", "Payments Gateway Software"},
	}},
	"healthcare": {[8]uint64{8, 1, 35, 5, 12, 20, 12, 7}, map[string][]string{
		Buildings: {"Hospital Wing", "Outpatient Clinic", "Laboratory Building"},
		Machinery: {"MRI Scanner", "CT Scanner", "Ultrasound System", "Patient Monitoring System", "X-Ray Unit", "Anaesthesia Workstation"},
		Vehicles:  {"Ambulance", "Patient Transport Van", "Service Vehicle"},
		Software:  {"Electronic Health Record License", "Laboratory Information System", "Picture Archiving System"},
	}},
	"technology": {[8]uint64{2, 0, 8, 2, 15, 45, 25, 3}, map[string][]string{
		Buildings: {"Office Campus", "R&D Center", "Data Center"},
		Machinery: {"Test and Measurement Equipment", "Hardware Prototyping Lab", "Clean Room Equipment"},
		Software:  {"Development Tools License", "CI Platform License", "Capitalised Platform Development", "Analytics Platform"},
	}},
	"professional_services": {[8]uint64{3, 0, 2, 4, 30, 35, 16, 10}, map[string][]string{
		Buildings: {"Office Building"},
		Machinery: {"Audio-Visual Equipment", "Print and Copy Center"},
		Software:  {"Practice Management System", "Document Management License", "Time and Billing System"},
	}},
	"energy": {[8]uint64{8, 4, 55, 8, 4, 12, 6, 3}, map[string][]string{
		Buildings: {"Power Plant Building", "Control Center", "Substation Building"},
		Machinery: {"Gas Turbine Generator", "Wind Turbine", "Transformer Substation", "Solar Array", "Pipeline Compressor", "Smart Meter Rollout"},
	}},
	"transportation": {[8]uint64{6, 2, 12, 50, 5, 15, 6, 4}, map[string][]string{
		Buildings: {"Freight Terminal", "Distribution Hub", "Maintenance Depot"},
		Machinery: {"Conveyor Sorting System", "Loading Dock Equipment", "Vehicle Lift", "Container Handler"},
		Vehicles:  {"Tractor Unit", "Semi-Trailer", "Delivery Van", "Refrigerated Truck", "Forklift", "Box Truck"},
	}},
	"real_estate": {[8]uint64{45, 15, 8, 3, 6, 8, 5, 10}, map[string][]string{
		Buildings: {"Office Tower", "Residential Complex", "Shopping Center", "Industrial Park Unit", "Mixed-Use Building"},
		Land:      {"Development Land", "Investment Land Plot", "Parking Site"},
		Machinery: {"HVAC Plant", "Elevator System", "Building Management System"},
	}},
	"telecommunications": {[8]uint64{6, 2, 45, 5, 5, 25, 10, 2}, map[string][]string{
		Buildings: {"Network Operations Center", "Exchange Building", "Data Center"},
		Machinery: {"Cell Tower Equipment", "Fiber Optic Network Segment", "Base Station", "Network Switching Equipment", "Microwave Backhaul Link"},
	}},
}

// macrs holds the IRS Publication 946 GDS half-year tables for the lives
// our classes use, in thousandths of a percent per year.
var macrs = map[int][]int64{
	3: {33330, 44450, 14810, 7410},
	5: {20000, 32000, 19200, 11520, 11520, 5760},
	7: {14290, 24490, 17490, 12490, 8930, 8920, 8930, 4460},
}

// assetEnv is what fixed assets need to know of the run.
type assetEnv struct {
	start, end time.Time
	chart      *chart.Chart
	weights    *rng.Weighted
	industry   string
	accounts   *accounts
	scalers    map[string]*usdScaler
}

// costs draws acquisition costs per class, in US cents.
var costs = func() map[string]rng.LogUniform {
	m := map[string]rng.LogUniform{}
	for name, ci := range classes {
		m[name] = rng.NewLogUniform(ci.minUSD*100, ci.maxUSD*100)
	}
	return m
}()

func newAssetEnv(env Env) *assetEnv {
	a := &assetEnv{start: env.Start, end: env.Start.AddDate(0, env.Months, -1), chart: env.Chart, industry: env.Industry,
		accounts: newAccounts(env.Chart), scalers: map[string]*usdScaler{}}
	ia, ok := industryAssets[env.Industry]
	if !ok {
		ia = industryAssets["manufacturing"]
	}
	a.weights = rng.NewWeighted(ia.weights[:])
	return a
}

// accounts finds postable accounts of a chart by name.
type accounts struct {
	chart  *chart.Chart
	byName map[string]int
}

func newAccounts(ch *chart.Chart) *accounts {
	a := &accounts{chart: ch, byName: map[string]int{}}
	for i, acc := range ch.Accounts {
		if _, dup := a.byName[acc.Name]; acc.Postable && !dup {
			a.byName[acc.Name] = i
		}
	}
	return a
}

// find returns the chart index of the postable account named name, or the
// first account of role when the chart is too small to hold it.
func (a *accounts) find(name string, role chart.Role) int {
	if i, ok := a.byName[name]; ok {
		return i
	}
	return a.chart.ByRole(role)[0]
}

// number is the account number of chart index i.
func (a *accounts) number(i int) string { return a.chart.Accounts[i].Number }

// FixedAssets returns company c's fixed assets in the order of
// master_data/fixed_assets: the rows that file holds for c, drawn from the
// same stream. The journal posts depreciation from them.
func FixedAssets(seed uint64, env Env, c config.Company, s Sizes) []FixedAsset {
	ae := newAssetEnv(env)
	r := Stream(seed, "fixed_assets", c.Code)
	out := make([]FixedAsset, s.FixedAssets)
	for i := range out {
		out[i] = ae.draw(c, s, i, r)
	}
	return out
}

// draw generates asset i of company c.
func (ae *assetEnv) draw(c config.Company, s Sizes, i int, r *rand.Rand) FixedAsset {
	class := classOrder[ae.weights.Pick(r)]
	ci := classes[class]
	descs := ci.descriptions
	if d := industryAssets[ae.industry].descriptions[class]; d != nil {
		descs = d
	}
	a := FixedAsset{
		ID: FixedAssetID(c.Code, i), Class: class, CompanyCode: c.Code, Description: pick(r, descs),
		Location: "P" + c.Code, Digits: c.Digits(), LifeMonths: ci.life, Status: AssetActive,
	}
	sc := ae.scalers[c.Currency]
	if sc == nil {
		sc = newUSDScaler(c.Currency)
		ae.scalers[c.Currency] = sc
	}
	a.Cost = sc.minor(costs[class].Draw(r))

	// Method: straight line for buildings and the like; accelerated
	// methods for what wears out fast; MACRS only in the United States.
	roll := r.IntN(100)
	switch {
	case ci.life == 0:
		a.Method = NoDepreciation
	case class == Vehicles || class == ITEquipment || class == Machinery:
		us := c.Country == "US"
		switch {
		case us && roll < 15:
			a.Method = MACRS
		case roll < 40:
			a.Method = DoubleDecliningBalance
		case roll < 50:
			a.Method = SumOfYearsDigits
		default:
			a.Method = StraightLine
		}
	default:
		a.Method = StraightLine
	}
	if a.Method != MACRS && a.Method != NoDepreciation && class != Software {
		a.Salvage = (a.Cost*5 + 50) / 100 // DataSynth's 5 % residual value
	}

	// Acquisition: most assets were bought before the dataset starts,
	// some long enough ago to be fully depreciated; one in twelve is
	// bought during the period.
	periodDays := int(ae.end.Sub(ae.start).Hours()/24) + 1
	if r.IntN(12) == 0 {
		a.Acquired = ae.start.AddDate(0, 0, r.IntN(periodDays))
	} else {
		maxMonths := ci.life * 11 / 10
		if maxMonths == 0 || maxMonths > 360 {
			maxMonths = 360
		}
		a.Acquired = ae.start.AddDate(0, 0, -1-r.IntN(maxMonths*30))
	}
	if ci.dept >= 0 && ci.dept < s.CostCenters {
		a.CostCenter = ci.dept + len(departments)*r.IntN((s.CostCenters-ci.dept+len(departments)-1)/len(departments))
	} else {
		a.CostCenter = r.IntN(s.CostCenters)
	}
	a.Vendor = r.IntN(s.Vendors)
	if ci.serial {
		a.SerialNumber = fmt.Sprintf("SN-%04d-%08d", 1000+r.IntN(9000), 10_000_000+r.IntN(90_000_000))
	}
	// Two in a hundred assets older than 13 months were disposed of
	// before the period, between one and five years after purchase.
	disposeRoll := r.IntN(100)
	if age := ae.start.Sub(a.Acquired).Hours() / 24; disposeRoll < 2 && age > 400 {
		days := 365 + r.IntN(min(int(age)-30, 1825)-365+1)
		a.Disposed = a.Acquired.AddDate(0, 0, days)
		a.Status = AssetDisposed
	}
	proceedsPct := int64(40 + r.IntN(80))

	a.Accumulated = a.AccumulatedBefore(ae.start.Year(), ae.start.Month())
	switch {
	case a.Status == AssetDisposed:
		a.DisposalProceeds = (a.Cost - a.Accumulated) * proceedsPct / 100
	case a.Method != NoDepreciation && a.Accumulated == a.Cost-a.Salvage:
		a.Status = AssetFullyDepreciated
	}

	a.AssetAccount = ae.accounts.find(ci.asset, chart.FixedAssets)
	a.AccumAccount = ae.accounts.find(ci.accum, chart.AccumDepr)
	a.ExpenseAccount = ae.accounts.find(ci.expense, chart.Depreciation)
	a.GainLossAccount = ae.accounts.find("Gain on disposal of assets", chart.OtherIncome)
	a.ClearingAccount = ae.accounts.find("GR/IR clearing", chart.GRIR)
	return a
}

// FixedAssetID is the identifier of company code's asset i, DataSynth's
// "FA-{company}-{number}".
func FixedAssetID(code string, i int) string { return "FA-" + code + "-" + pad(i+1, 6) }

// monthIndex is the number of months from the capitalisation month to
// year-month: 0 in the month of acquisition, when depreciation starts.
func (a *FixedAsset) monthIndex(year int, month time.Month) int {
	return (year*12 + int(month) - 1) - (a.Acquired.Year()*12 + int(a.Acquired.Month()) - 1)
}

// span is the number of months with depreciation.
func (a *FixedAsset) span() int {
	if a.Method == MACRS {
		return len(macrs[a.LifeMonths/12]) * 12
	}
	return a.LifeMonths
}

// Depreciation is the asset's depreciation in one calendar month, in minor
// units: what the monthly depreciation run debits to ExpenseAccount and
// credits to AccumAccount. It is zero before acquisition, after the end of
// the useful life, from the month of disposal on, and for land. The
// months of a life add up exactly to Cost - Salvage.
func (a *FixedAsset) Depreciation(year int, month time.Month) int64 {
	k := a.monthIndex(year, month)
	return a.cumulative(k+1) - a.cumulative(k)
}

// AccumulatedBefore is the depreciation of every month before year-month.
func (a *FixedAsset) AccumulatedBefore(year int, month time.Month) int64 {
	return a.cumulative(a.monthIndex(year, month))
}

// NetBookValue is Cost - Accumulated: the carrying amount at the dataset's
// first day (at disposal, for a disposed asset).
func (a *FixedAsset) NetBookValue() int64 { return a.Cost - a.Accumulated }

// cumulative is the depreciation of the first k months of the life.
func (a *FixedAsset) cumulative(k int) int64 {
	if !a.Disposed.IsZero() {
		k = min(k, a.monthIndex(a.Disposed.Year(), a.Disposed.Month()))
	}
	k = min(k, a.span())
	if k <= 0 || a.Method == NoDepreciation {
		return 0
	}
	base := uint64(a.Cost - a.Salvage)
	n := uint64(a.LifeMonths)
	switch a.Method {
	case StraightLine:
		return int64(mulDiv(base, uint64(k), n))
	case SumOfYearsDigits:
		// Year y of N weighs N-y; within a year, months weigh equally.
		years := n / 12
		total := 12 * years * (years + 1) / 2
		var w uint64
		for y := uint64(0); y < uint64(k)/12; y++ {
			w += 12 * (years - y)
		}
		w += uint64(k%12) * (years - uint64(k)/12)
		return int64(mulDiv(base, w, total))
	case MACRS:
		table := macrs[a.LifeMonths/12]
		var total, w uint64
		for _, p := range table {
			total += 12 * uint64(p)
		}
		for y := 0; y < k/12; y++ {
			w += 12 * uint64(table[y])
		}
		if k/12 < len(table) {
			w += uint64(k%12) * uint64(table[k/12])
		}
		return int64(mulDiv(base, w, total))
	case DoubleDecliningBalance:
		// Twice the straight-line rate on the book value, switching to
		// straight line over the remaining months once that is larger.
		nbv, salvage, sum := a.Cost, a.Salvage, int64(0)
		for m := range k {
			d := (nbv*2 + int64(n)/2) / int64(n)
			left := int64(n) - int64(m)
			if sl := (nbv - salvage + left - 1) / left; sl > d {
				d = sl
			}
			d = min(d, nbv-salvage)
			nbv -= d
			sum += d
		}
		return sum
	}
	panic("masterdata: unknown depreciation method " + strconv.Quote(a.Method))
}

// mulDiv returns a*b/c rounded down, without overflow for a*b < 2^64*c.
func mulDiv(a, b, c uint64) uint64 {
	hi, lo := bits.Mul64(a, b)
	q, _ := bits.Div64(hi, lo, c)
	return q
}

// DepreciationLine is one posting pair of a monthly depreciation run:
// debit Expense, credit Accumulated, both chart indexes, charged to a cost
// centre (an index, as CostCenterID takes it).
type DepreciationLine struct {
	Expense, Accumulated, CostCenter int
	Amount                           int64
}

// MonthlyDepreciation sums the depreciation of assets in one month by
// expense account, accumulated-depreciation account and cost centre, in
// that order: the lines of the month's depreciation run. Lines with a zero
// amount are left out.
func MonthlyDepreciation(assets []FixedAsset, year int, month time.Month) []DepreciationLine {
	idx := map[[3]int]int{}
	var out []DepreciationLine
	for i := range assets {
		a := &assets[i]
		d := a.Depreciation(year, month)
		if d == 0 {
			continue
		}
		key := [3]int{a.ExpenseAccount, a.AccumAccount, a.CostCenter}
		j, ok := idx[key]
		if !ok {
			j = len(out)
			idx[key] = j
			out = append(out, DepreciationLine{Expense: key[0], Accumulated: key[1], CostCenter: key[2]})
		}
		out[j].Amount += d
	}
	slices.SortFunc(out, func(x, y DepreciationLine) int {
		return cmp.Or(cmp.Compare(x.Expense, y.Expense), cmp.Compare(x.Accumulated, y.Accumulated), cmp.Compare(x.CostCenter, y.CostCenter))
	})
	return out
}

// fixedAssetTable is master_data/fixed_assets with DataSynth's FixedAsset
// fields in its order, plus the currency of the amounts.
func fixedAssetTable(env Env) Table {
	cols := text("asset_id", "sub_number", "description", "asset_class", "company_code", "cost_center", "location",
		"acquisition_date", "acquisition_type", "acquisition_cost", "capitalized_date", "depreciation_method",
		"useful_life_months", "salvage_value", "accumulated_depreciation", "net_book_value", "account_determination",
		"status", "disposal_date", "disposal_proceeds", "serial_number", "manufacturer", "model", "warranty_expiration",
		"insurance_policy", "purchase_order", "vendor_id", "invoice_reference", "is_gwg", "currency")
	kinds(cols, table.Int, "sub_number", "useful_life_months")
	kinds(cols, table.Date, "acquisition_date", "capitalized_date", "disposal_date", "warranty_expiration")
	kinds(cols, table.Amount, "acquisition_cost", "salvage_value", "accumulated_depreciation", "net_book_value", "disposal_proceeds")
	kinds(cols, table.JSON, "account_determination")
	kinds(cols, table.Bool, "is_gwg")
	optional(cols, "cost_center", "location", "capitalized_date", "disposal_date", "disposal_proceeds", "serial_number",
		"manufacturer", "model", "warranty_expiration", "insurance_policy", "purchase_order", "vendor_id", "invoice_reference", "is_gwg")
	var ae *assetEnv
	return Table{
		Name:    "fixed_assets",
		Columns: cols,
		Rows:    func(s Sizes) int { return s.FixedAssets },
		Row: func(c config.Company, s Sizes, i int, r *rand.Rand, row []table.Value) []table.Value {
			if ae == nil {
				ae = newAssetEnv(env)
			}
			a := ae.draw(c, s, i, r)
			acct := ae.accounts.number
			date := func(t time.Time) table.Value {
				if t.IsZero() {
					return table.Null()
				}
				return table.D(table.Days(t))
			}
			amt := func(v int64) table.Value { return table.A(v, a.Digits) }
			proceeds := table.Null()
			if a.Status == AssetDisposed {
				proceeds = amt(a.DisposalProceeds)
			}
			determination := `{"asset_account":"` + acct(a.AssetAccount) +
				`","accumulated_depreciation_account":"` + acct(a.AccumAccount) +
				`","depreciation_expense_account":"` + acct(a.ExpenseAccount) +
				`","gain_on_disposal_account":"` + acct(a.GainLossAccount) +
				`","loss_on_disposal_account":"` + acct(a.GainLossAccount) +
				`","acquisition_clearing_account":"` + acct(a.ClearingAccount) +
				`","gain_loss_account":"` + acct(a.GainLossAccount) + `"}`
			return append(row,
				table.Str(a.ID), table.I(0), table.Str(a.Description), table.Str(a.Class), table.Str(a.CompanyCode),
				table.Str(CostCenterID(c.Code, a.CostCenter)), table.Str(a.Location),
				date(a.Acquired), table.Str("purchase"), amt(a.Cost), date(a.Acquired), table.Str(a.Method),
				table.I(int64(a.LifeMonths)), amt(a.Salvage), amt(a.Accumulated), amt(a.NetBookValue()),
				table.Str(determination), table.Str(a.Status), date(a.Disposed), proceeds,
				table.OptStr(a.SerialNumber), table.Null(), table.Null(), table.Null(),
				table.Null(), table.Null(), table.Str(VendorID(c.Code, a.Vendor)), table.Null(), table.Null(),
				table.Str(c.Currency))
		},
	}
}

// AccountBalance is the balance of one chart account (an index into the
// chart's Accounts), in minor units: positive for a debit balance,
// negative for a credit balance.
type AccountBalance struct {
	Account int
	Amount  int64
}

// AssetBalances is what the assets carry at the end of day asOf: the cost
// of every asset bought on or before that day and not yet disposed of, as
// a debit on its asset account, and the depreciation of every month that
// ended by then, as a credit on its accumulated-depreciation account
// (monthly runs post on the last day of a month); by account, in chart
// order, zero balances left out. On the day before the dataset's first day
// these are the opening balances of the fixed-asset accounts; at every
// period end, what the fixed-asset accounts hold.
func AssetBalances(assets []FixedAsset, asOf time.Time) []AccountBalance {
	// The month after the last month that ended by asOf: its depreciation
	// and every later month's are not yet posted.
	next := asOf.AddDate(0, 0, 1)
	year, month := asOf.Year(), asOf.Month()
	if next.Day() == 1 {
		year, month = next.Year(), next.Month()
	}
	sum := map[int]int64{}
	for i := range assets {
		a := &assets[i]
		if a.Acquired.After(asOf) || !a.Disposed.IsZero() && !a.Disposed.After(asOf) {
			continue
		}
		sum[a.AssetAccount] += a.Cost
		sum[a.AccumAccount] -= a.AccumulatedBefore(year, month)
	}
	var out []AccountBalance
	for acct, v := range sum {
		if v != 0 {
			out = append(out, AccountBalance{acct, v})
		}
	}
	slices.SortFunc(out, func(x, y AccountBalance) int { return cmp.Compare(x.Account, y.Account) })
	return out
}
