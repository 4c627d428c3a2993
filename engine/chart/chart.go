// Package chart builds an industry-specific, hierarchical chart of accounts.
//
// The chart has three levels: classes (one digit, "1" Assets), groups (two
// digits, "10" Cash and cash equivalents) and postable accounts (six digits,
// "100001" Operating bank account). Each postable account carries a Role
// that says how journal entries use it (bank, receivables, revenue, ...).
// The chart depends only on industry and complexity: it is the same for
// every seed, so two datasets of one company line up account by account.
package chart

import (
	"fmt"
	"slices"
	"strconv"
)

// Role tells the ledger how an account is used.
type Role string

// Roles used by posting templates.
const (
	Bank         Role = "bank"
	Receivables  Role = "receivables"
	Inventory    Role = "inventory"
	Prepaid      Role = "prepaid"
	InputVAT     Role = "input_vat"
	FixedAssets  Role = "fixed_assets"
	AccumDepr    Role = "accumulated_depreciation"
	Payables     Role = "payables"
	GRIR         Role = "gr_ir_clearing"
	OutputVAT    Role = "output_vat"
	Accrued      Role = "accrued_liabilities"
	PayrollLiab  Role = "payroll_liabilities"
	Borrowings   Role = "borrowings"
	Equity       Role = "equity"
	Revenue      Role = "revenue"
	OtherIncome  Role = "other_income"
	COGS         Role = "cost_of_sales"
	Personnel    Role = "personnel"
	Opex         Role = "operating_expenses"
	Depreciation Role = "depreciation"
	Finance      Role = "finance_costs"
	Suspense     Role = "suspense"
)

// Account is one row of the chart.
type Account struct {
	Number string
	Name   string
	// LongName places the account in its class and group.
	LongName string
	Type     string // asset, liability, equity, revenue, expense
	// SubType is DataSynth's finer classification (cash,
	// accounts_receivable, cost_of_goods_sold, suspense_clearing, ...).
	SubType       string
	Class         string // the class number
	Group         string // the group number (a class's own number for a class)
	Parent        string // "" for classes
	Level         int    // 1 class, 2 group, 3 postable
	Postable      bool
	NormalBalance string // debit or credit
	Role          Role   // "" unless postable
	// Control marks the accounts that summarise a subledger (receivables,
	// payables); Suspense the suspense and clearing accounts.
	Control, Suspense bool
	// PL is true for income-statement accounts, which carry a cost centre.
	PL bool
	// leaf is the position of the account's name, or of the name it is a
	// variant of, in its group's list of names.
	leaf int
}

// Chart is a built chart with the postable accounts indexed by role.
type Chart struct {
	Accounts []Account
	byRole   map[Role][]int
	sold     sold
}

// ByRole returns the postable accounts of a role, by index into Accounts.
func (c *Chart) ByRole(r Role) []int { return c.byRole[r] }

// Sales returns the revenue and cost-of-sales accounts that a sale posts
// to: for goods sold from stock (goods true) or for services, the
// industry's accounts for them and their variants, never the accounts
// kept for other postings (scrap sales, gift card breakage, shrinkage,
// write-downs, freight). A chart too small to hold one of them gets every
// account of the role.
func (c *Chart) Sales(goods bool) (revenue, cost []int) {
	rev, cst := c.sold.servicesRevenue, c.sold.servicesCost
	if goods {
		rev, cst = c.sold.goodsRevenue, c.sold.goodsCost
	}
	return c.leaves(Revenue, rev), c.leaves(COGS, cst)
}

// leaves returns the accounts of role r whose name, or the name they are a
// variant of, is at one of the positions of the group's list; all of the
// role's accounts when none is.
func (c *Chart) leaves(r Role, positions []int) []int {
	var out []int
	for _, a := range c.byRole[r] {
		if slices.Contains(positions, c.Accounts[a].leaf) {
			out = append(out, a)
		}
	}
	if len(out) == 0 {
		return c.byRole[r]
	}
	return out
}

type class struct {
	number, name, typ string
}

type group struct {
	class  string
	number string
	name   string
	role   Role
	leaves []string
}

var classes = []class{
	{"1", "Assets", "asset"},
	{"2", "Liabilities", "liability"},
	{"3", "Equity", "equity"},
	{"4", "Revenue", "revenue"},
	{"5", "Cost of sales", "expense"},
	{"6", "Operating expenses", "expense"},
	{"7", "Financial result", "expense"},
}

func groups(ind industryAccounts) []group {
	return []group{
		{"1", "10", "Cash and cash equivalents", Bank, []string{"Operating bank account", "Payroll bank account", "Petty cash", "Money market account", "Collections account"}},
		{"1", "11", "Trade receivables", Receivables, []string{"Trade receivables - domestic", "Trade receivables - export", "Notes receivable", "Other receivables"}},
		{"1", "12", "Inventories", Inventory, ind.inventory},
		{"1", "13", "Prepayments", Prepaid, []string{"Prepaid rent", "Prepaid insurance", "Security deposits", "Advances to suppliers"}},
		{"1", "14", "Input VAT", InputVAT, []string{"Input VAT - standard rate", "Input VAT - reduced rate", "Import VAT"}},
		{"1", "15", "Property, plant and equipment", FixedAssets, []string{"Land", "Buildings", "Machinery and equipment", "Vehicles", "Office furniture", "IT hardware"}},
		{"1", "16", "Accumulated depreciation", AccumDepr, []string{"Accumulated depreciation - buildings", "Accumulated depreciation - machinery", "Accumulated depreciation - vehicles", "Accumulated depreciation - IT hardware"}},
		{"1", "19", "Suspense and clearing", Suspense, []string{"Suspense account", "Unallocated receipts", "Bank clearing"}},
		{"2", "20", "Trade payables", Payables, []string{"Trade payables - domestic", "Trade payables - foreign", "Notes payable"}},
		{"2", "21", "Goods received not invoiced", GRIR, []string{"GR/IR clearing", "Freight clearing"}},
		{"2", "22", "Output VAT", OutputVAT, []string{"Output VAT - standard rate", "Output VAT - reduced rate"}},
		{"2", "23", "Accrued liabilities", Accrued, []string{"Accrued expenses", "Accrued bonuses", "Accrued interest", "Accrued utilities"}},
		{"2", "24", "Payroll liabilities", PayrollLiab, []string{"Net wages payable", "Payroll taxes payable", "Pension contributions payable", "Social security payable"}},
		{"2", "25", "Borrowings", Borrowings, []string{"Term loan", "Revolving credit facility", "Lease liabilities"}},
		{"3", "30", "Equity", Equity, []string{"Share capital", "Share premium", "Retained earnings", "Current year result"}},
		{"4", "40", "Revenue", Revenue, ind.revenue},
		{"4", "45", "Other operating income", OtherIncome, []string{"Interest income", "Gain on disposal of assets", "Foreign exchange gains", "Rebates received"}},
		{"5", "50", "Cost of sales", COGS, ind.cogs},
		{"6", "60", "Personnel expenses", Personnel, []string{"Salaries and wages", "Overtime", "Bonuses", "Employer social security", "Pension expense", "Employee benefits"}},
		{"6", "61", "Occupancy", Opex, []string{"Rent", "Utilities", "Repairs and maintenance", "Cleaning", "Property insurance"}},
		{"6", "62", "Selling and marketing", Opex, []string{"Advertising", "Trade shows", "Sales commissions", "Promotional materials", "Market research"}},
		{"6", "63", "General and administrative", Opex, []string{"Office supplies", "Telephone and internet", "Software subscriptions", "Legal fees", "Audit fees", "Consulting fees", "Bank charges", "Travel", "Meals and entertainment", "Postage and courier"}},
		{"6", "64", ind.opexGroup, Opex, ind.opex},
		{"6", "65", "Depreciation and amortisation", Depreciation, []string{"Depreciation - buildings", "Depreciation - machinery", "Depreciation - vehicles", "Depreciation - IT hardware", "Amortisation of software"}},
		{"7", "70", "Finance costs", Finance, []string{"Interest expense", "Foreign exchange losses", "Loan arrangement fees"}},
	}
}

// subTypes are DataSynth's sub-type names of each role.
var subTypes = map[Role]string{
	Bank: "cash", Receivables: "accounts_receivable", Inventory: "inventory", Prepaid: "prepaid_expenses",
	InputVAT: "other_receivables", FixedAssets: "fixed_assets", AccumDepr: "accumulated_depreciation",
	Suspense: "suspense_clearing", Payables: "accounts_payable", GRIR: "goods_received_clearing",
	OutputVAT: "tax_liabilities", Accrued: "accrued_liabilities", PayrollLiab: "accrued_liabilities",
	Borrowings: "long_term_debt", Equity: "common_stock", Revenue: "product_revenue",
	OtherIncome: "other_income", COGS: "cost_of_goods_sold", Personnel: "administrative_expenses",
	Opex: "operating_expenses", Depreciation: "depreciation_expense", Finance: "interest_expense",
}

// leafSubTypes refine the sub-type of single accounts.
var leafSubTypes = map[string]string{
	"Share premium": "additional_paid_in_capital", "Retained earnings": "retained_earnings",
	"Current year result": "net_income", "Interest income": "interest_income",
	"Gain on disposal of assets": "gain_on_sale", "Foreign exchange losses": "foreign_exchange_loss",
	"Lease liabilities": "long_term_debt", "Revolving credit facility": "short_term_debt",
	"Pension contributions payable": "pension_liabilities", "Bank clearing": "bank_clearing",
	"Freight clearing": "goods_received_clearing", "Amortisation of software": "amortization_expense",
}

// groupSubTypes refine the sub-type of whole groups of one role.
var groupSubTypes = map[string]string{"62": "selling_expenses", "63": "administrative_expenses"}

// serviceIndustries earn service revenue rather than product revenue.
var serviceIndustries = map[string]bool{"financial_services": true, "healthcare": true, "technology": true,
	"professional_services": true, "transportation": true, "real_estate": true, "telecommunications": true}

func subType(industry string, g group, leaf string) string {
	if st, ok := leafSubTypes[leaf]; ok {
		return st
	}
	if st, ok := groupSubTypes[g.number]; ok {
		return st
	}
	if g.role == Revenue && serviceIndustries[industry] {
		return "service_revenue"
	}
	return subTypes[g.role]
}

// qualifiers name the extra accounts that larger charts split a base
// account into (by site, region or business line).
var qualifiers = []string{
	"North", "South", "East", "West", "Central", "Export", "Head office", "Plant 2",
	"Plant 3", "Online", "Wholesale", "Retail", "Government", "Intercompany", "Project", "Other",
}

// Build returns the chart for an industry and an account count (the
// complexity's size). It fails for an unknown industry or a count too small
// to hold one account per group.
func Build(industry string, size int, industrySpecific bool) (*Chart, error) {
	ind, ok := industries[industry]
	if !ok {
		return nil, fmt.Errorf("chart: unknown industry %q", industry)
	}
	if !industrySpecific {
		ind = generic
	}
	gs := groups(ind)
	leaves := size - len(classes) - len(gs)
	if leaves < len(gs) {
		return nil, fmt.Errorf("chart: %d accounts cannot hold %d groups", size, len(gs))
	}
	// Decide how many postable accounts each group gets: first the named
	// base accounts round-robin (so a small chart keeps every group), then
	// qualified variants round-robin until the size is reached.
	count := make([]int, len(gs))
	for n := 0; n < leaves; {
		progressed := false
		for i := range gs {
			if n == leaves {
				break
			}
			if count[i] < len(gs[i].leaves) {
				count[i]++
				n++
				progressed = true
			}
		}
		if !progressed {
			for i := range gs {
				if n == leaves {
					break
				}
				count[i]++
				n++
			}
		}
	}

	c := &Chart{byRole: map[Role][]int{}, sold: ind.sold}
	for _, cl := range classes {
		first := len(c.Accounts)
		c.Accounts = append(c.Accounts, Account{
			Number: cl.number, Name: cl.name, LongName: cl.name, Type: cl.typ, Class: cl.number, Group: cl.number, Level: 1,
			NormalBalance: normal(cl.typ),
		})
		for gi, g := range gs {
			if g.class != cl.number {
				continue
			}
			if c.Accounts[first].SubType == "" {
				c.Accounts[first].SubType = subTypes[g.role]
			}
			c.Accounts = append(c.Accounts, Account{
				Number: g.number, Name: g.name, LongName: cl.name + " / " + g.name, Type: cl.typ,
				SubType: subType(industry, g, ""), Class: cl.number, Group: g.number, Parent: cl.number, Level: 2,
				NormalBalance: normal(cl.typ),
			})
			for k := range count[gi] {
				base := g.leaves[k%len(g.leaves)]
				name := base
				if round := k / len(g.leaves); round > 0 {
					name = base + " - " + qualifier(round-1)
				}
				c.byRole[g.role] = append(c.byRole[g.role], len(c.Accounts))
				st := subType(industry, g, base)
				c.Accounts = append(c.Accounts, Account{
					Number:        g.number + fmt.Sprintf("%04d", k+1),
					Name:          name,
					LongName:      cl.name + " / " + g.name + " / " + name,
					Type:          cl.typ,
					SubType:       st,
					Class:         cl.number,
					Group:         g.number,
					Parent:        g.number,
					Level:         3,
					Postable:      true,
					NormalBalance: normal(cl.typ),
					Role:          g.role,
					Control:       g.role == Receivables || g.role == Payables,
					Suspense:      st == "suspense_clearing" || st == "goods_received_clearing" || st == "bank_clearing",
					PL:            cl.typ == "revenue" || cl.typ == "expense",
					leaf:          k % len(g.leaves),
				})
			}
		}
	}
	return c, nil
}

func qualifier(i int) string {
	if i < len(qualifiers) {
		return qualifiers[i]
	}
	return qualifiers[i%len(qualifiers)] + " " + strconv.Itoa(i/len(qualifiers)+1)
}

func normal(typ string) string {
	switch typ {
	case "asset", "expense":
		return "debit"
	}
	return "credit"
}
