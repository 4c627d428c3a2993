package ledger

import (
	"datasynth.dev/engine/chart"
	"datasynth.dev/engine/config"
)

type partyKind int8

const (
	noParty partyKind = iota
	vendor
	customer
)

// template is a kind of business document and how it posts. The "many" side
// takes all lines but the last one or two; "other" takes the rest and
// balances the document.
type template struct {
	name      string
	docType   string
	process   string
	source    string
	text      string
	refPrefix string
	party     partyKind
	manyDebit bool
	many      []chart.Role
	other     []chart.Role
}

var templates = []template{
	{"vendor_invoice", "KR", "P2P", "automated", "Vendor invoice", "51", vendor, true,
		[]chart.Role{chart.Opex, chart.Inventory, chart.COGS}, []chart.Role{chart.Payables}},
	{"vendor_payment", "KZ", "P2P", "automated", "Payment to", "15", vendor, true,
		[]chart.Role{chart.Payables}, []chart.Role{chart.Bank}},
	{"goods_receipt", "WE", "P2P", "automated", "Goods receipt", "50", vendor, true,
		[]chart.Role{chart.Inventory}, []chart.Role{chart.GRIR}},
	{"customer_invoice", "DR", "O2C", "automated", "Customer invoice", "90", customer, false,
		[]chart.Role{chart.Revenue}, []chart.Role{chart.Receivables}},
	{"customer_receipt", "DZ", "O2C", "automated", "Receipt from", "14", customer, false,
		[]chart.Role{chart.Receivables}, []chart.Role{chart.Bank}},
	{"cost_of_sales", "WL", "O2C", "automated", "Goods issue for delivery", "49", noParty, true,
		[]chart.Role{chart.COGS}, []chart.Role{chart.Inventory}},
	{"payroll", "PR", "H2R", "automated", "Payroll run", "60", noParty, true,
		[]chart.Role{chart.Personnel}, []chart.Role{chart.PayrollLiab, chart.Bank}},
	{"depreciation", "AF", "A2R", "automated", "Depreciation run", "70", noParty, true,
		[]chart.Role{chart.Depreciation}, []chart.Role{chart.AccumDepr}},
	{"asset_acquisition", "AA", "A2R", "manual", "Asset acquisition", "71", vendor, true,
		[]chart.Role{chart.FixedAssets}, []chart.Role{chart.Bank}},
	{"accrual", "SA", "R2R", "manual", "Month-end accrual", "10", noParty, true,
		[]chart.Role{chart.Opex, chart.Personnel}, []chart.Role{chart.Accrued}},
	{"prepayment", "SA", "R2R", "manual", "Prepayment release", "11", noParty, true,
		[]chart.Role{chart.Opex}, []chart.Role{chart.Prepaid}},
	{"finance_costs", "SA", "R2R", "automated", "Bank interest and charges", "12", noParty, true,
		[]chart.Role{chart.Finance}, []chart.Role{chart.Bank}},
	{"other_income", "SA", "R2R", "automated", "Other income", "13", noParty, false,
		[]chart.Role{chart.OtherIncome}, []chart.Role{chart.Bank}},
	{"loan_repayment", "SA", "R2R", "manual", "Loan repayment", "16", noParty, true,
		[]chart.Role{chart.Borrowings}, []chart.Role{chart.Bank}},
	{"expense_claim", "SA", "H2R", "manual", "Employee expense claim", "17", noParty, true,
		[]chart.Role{chart.Opex}, []chart.Role{chart.Bank}},
	// The legitimate entries that share their texts with the frauds of
	// expense capitalization and revenue manipulation (capitalizedExpense,
	// manualRevenue), so that a text alone tells neither apart: a vendor's
	// costs moved between expense accounts, and revenue deferred to a
	// later period.
	{"cost_reclassification", "SA", "P2P", "manual", "Reclassification of vendor costs", "51", vendor, true,
		[]chart.Role{chart.Opex}, []chart.Role{chart.Opex}},
	{"revenue_deferral", "SA", "R2R", "manual", "Manual revenue adjustment", "19", noParty, true,
		[]chart.Role{chart.Revenue}, []chart.Role{chart.Accrued}},
}

// baseWeights are the shares of templates (in the order above) for a
// typical trading company; industries adjust them.
var baseWeights = []uint64{200, 140, 100, 160, 120, 80, 50, 20, 8, 50, 20, 25, 10, 5, 60, 6, 4}

// industryWeights override shares where an industry differs markedly.
var industryWeights = map[string]map[string]uint64{
	"manufacturing":         {"goods_receipt": 150, "cost_of_sales": 110},
	"retail":                {"goods_receipt": 160, "cost_of_sales": 160, "customer_receipt": 180},
	"financial_services":    {"goods_receipt": 5, "cost_of_sales": 5, "other_income": 80, "finance_costs": 90},
	"healthcare":            {"payroll": 90, "goods_receipt": 80},
	"technology":            {"goods_receipt": 20, "cost_of_sales": 20, "payroll": 90},
	"professional_services": {"goods_receipt": 5, "cost_of_sales": 5, "payroll": 110},
	"energy":                {"asset_acquisition": 30, "depreciation": 60},
	"transportation":        {"asset_acquisition": 25, "depreciation": 50},
	"real_estate":           {"goods_receipt": 5, "depreciation": 70, "loan_repayment": 40},
	"telecommunications":    {"depreciation": 60, "asset_acquisition": 25},
}

func templateWeights(industry string) []uint64 {
	w := append([]uint64(nil), baseWeights...)
	for i, t := range templates {
		if v, ok := industryWeights[industry][t.name]; ok {
			w[i] = v
		}
	}
	return w
}

// manualRevenue is the posting of a revenue-manipulation fraud: a manual
// entry that books revenue outside the sales process against a suspense
// account, where invented sales wait to be "cleared" (receivables belong
// to the document flows alone, and a liability released would soon turn
// to the debit side).
var manualRevenue = template{"manual_revenue", "SA", "R2R", "manual", "Manual revenue adjustment", "19", noParty, false,
	[]chart.Role{chart.Revenue}, []chart.Role{chart.Suspense}}

// capitalizedExpense is the posting of an expense-capitalization fraud: a
// vendor's running costs reclassified from expenses to fixed assets.
var capitalizedExpense = template{"capitalized_expense", "SA", "P2P", "manual", "Reclassification of vendor costs", "51", vendor, true,
	[]chart.Role{chart.FixedAssets}, []chart.Role{chart.Opex}}

// suspenseRoles replace the balancing side of a suspense-account-abuse
// fraud.
var suspenseRoles = []chart.Role{chart.Suspense}

// fraudKind is a type of fraudulent document: DataSynth's fraud types, in
// the order of config.FraudTypes.
type fraudKind int8

const (
	noFraud fraudKind = iota - 1
	fraudSuspense
	fraudFictitious
	fraudRevenue
	fraudCapitalization
	fraudSplit
	fraudTiming
	fraudUnauthorized
	fraudDuplicate
	fraudKinds // count
)

// fraudInfo describes each kind in DataSynth's label vocabulary.
var fraudInfo = [fraudKinds]struct {
	typeName    string // anomaly_type, DataSynth's FraudType name
	severity    int    // 1..5, as DataSynth rates the type
	description string
}{
	{"SuspenseAccountAbuse", 4, "balanced through a suspense account instead of the business account"},
	{"FictitiousTransaction", 4, "manual entry with amounts rounded to three significant digits, typical of invented figures"},
	{"RevenueManipulation", 5, "manual revenue booked against a suspense account outside the sales process"},
	{"ExpenseCapitalization", 4, "a vendor's running costs reclassified from expenses to fixed assets"},
	{"SplitTransaction", 4, "amount just below an approval threshold"},
	{"TimingAnomaly", 4, "posted on a weekend outside the normal posting calendar"},
	{"UnauthorizedAccess", 4, "posted by an employee outside the finance department"},
	{"DuplicatePayment", 3, "a vendor payment made a second time"},
}

func (f fraudKind) String() string { return config.FraudTypes[f] }
