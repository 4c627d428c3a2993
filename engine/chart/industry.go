package chart

// industryAccounts holds the accounts that differ by industry: what a
// company keeps in stock, what it earns, what its sales cost, and the
// operating expenses particular to its trade.
type industryAccounts struct {
	inventory []string
	revenue   []string
	cogs      []string
	opexGroup string
	opex      []string
	// sold says which revenue and cost-of-sales accounts (positions in
	// revenue and cogs) the sale of goods from stock and of services posts
	// to; the others (scrap sales, gift card breakage, shrinkage,
	// write-downs, freight) are for other postings.
	sold sold
}

// sold holds the positions of the revenue and cost-of-sales accounts that
// sales of goods and of services post to.
type sold struct {
	goodsRevenue, servicesRevenue []int
	goodsCost, servicesCost       []int
}

// generic holds the accounts used when chart_of_accounts.industry_specific
// is false: the same for every industry.
var generic = industryAccounts{
	inventory: []string{"Raw materials", "Merchandise", "Finished goods", "Supplies"},
	revenue:   []string{"Sales revenue - domestic", "Sales revenue - export", "Service revenue", "Other revenue"},
	cogs:      []string{"Cost of goods sold", "Direct labour", "Freight in", "Inventory adjustments"},
	opexGroup: "Other operating expenses",
	opex:      []string{"Licences and fees", "Insurance", "Maintenance contracts", "Subcontracted services", "Sundry expenses"},
	sold:      sold{goodsRevenue: []int{0, 1}, servicesRevenue: []int{2}, goodsCost: []int{0}, servicesCost: []int{0}},
}

var industries = map[string]industryAccounts{
	"manufacturing": {
		inventory: []string{"Raw materials", "Work in progress", "Finished goods", "Spare parts", "Packaging materials"},
		revenue:   []string{"Product sales - domestic", "Product sales - export", "Service and repair revenue", "Scrap sales"},
		cogs:      []string{"Materials consumed", "Direct labour", "Manufacturing overhead absorbed", "Freight in", "Inventory write-downs"},
		opexGroup: "Factory overhead",
		opex:      []string{"Factory utilities", "Production equipment maintenance", "Quality control", "Tooling", "Factory supplies"},
		sold:      sold{goodsRevenue: []int{0, 1}, servicesRevenue: []int{2}, goodsCost: []int{0}, servicesCost: []int{0}},
	},
	"retail": {
		inventory: []string{"Merchandise inventory", "Goods in transit", "Consignment stock"},
		revenue:   []string{"Store sales", "Online sales", "Gift card breakage", "Loyalty programme revenue"},
		cogs:      []string{"Cost of merchandise sold", "Inbound freight", "Shrinkage", "Markdowns"},
		opexGroup: "Store operations",
		opex:      []string{"Store rent", "Card processing fees", "Store security", "Visual merchandising", "Store supplies"},
		sold:      sold{goodsRevenue: []int{0, 1}, servicesRevenue: []int{0, 1}, goodsCost: []int{0}, servicesCost: []int{0}},
	},
	"financial_services": {
		inventory: []string{"Trading securities", "Loans and advances", "Reverse repurchase agreements"},
		revenue:   []string{"Interest income on loans", "Fee and commission income", "Trading income", "Asset management fees"},
		cogs:      []string{"Interest expense on deposits", "Credit loss provisions", "Fee and commission expense", "Deposit insurance premiums"},
		opexGroup: "Regulatory and compliance",
		opex:      []string{"Regulatory fees", "Compliance monitoring", "Market data services", "Custody fees", "Anti-money-laundering screening"},
		sold:      sold{goodsRevenue: []int{2}, servicesRevenue: []int{0, 1, 3}, goodsCost: []int{2}, servicesCost: []int{2}},
	},
	"healthcare": {
		inventory: []string{"Pharmaceuticals", "Medical supplies", "Surgical instruments"},
		revenue:   []string{"Inpatient revenue", "Outpatient revenue", "Pharmacy revenue", "Laboratory revenue"},
		cogs:      []string{"Pharmaceuticals dispensed", "Medical supplies used", "Contract clinical staff", "Laboratory consumables"},
		opexGroup: "Clinical operations",
		opex:      []string{"Medical equipment maintenance", "Sterilisation services", "Medical waste disposal", "Malpractice insurance", "Patient transport"},
		sold:      sold{goodsRevenue: []int{2}, servicesRevenue: []int{0, 1, 3}, goodsCost: []int{0, 1}, servicesCost: []int{2}},
	},
	"technology": {
		inventory: []string{"Hardware inventory", "Component stock"},
		revenue:   []string{"Subscription revenue", "License revenue", "Professional services revenue", "Support and maintenance revenue"},
		cogs:      []string{"Hardware cost of sales", "Hosting and infrastructure", "Third-party licenses", "Customer support costs"},
		opexGroup: "Research and development",
		opex:      []string{"R&D salaries", "Cloud development environments", "Developer tooling", "Prototype materials", "Patent fees"},
		sold:      sold{goodsRevenue: []int{1}, servicesRevenue: []int{0, 2, 3}, goodsCost: []int{0}, servicesCost: []int{1, 3}},
	},
	"professional_services": {
		inventory: []string{"Unbilled work in progress", "Reimbursable expenses"},
		revenue:   []string{"Consulting fee income", "Reimbursed expenses billed", "Advisory fees", "Retainer income"},
		cogs:      []string{"Subcontractor fees", "Project materials", "Consultant salaries", "Billable travel"},
		opexGroup: "Practice development",
		opex:      []string{"Professional memberships", "Continuing education", "Proposal costs", "Research subscriptions", "Professional indemnity insurance"},
		sold:      sold{goodsRevenue: []int{1}, servicesRevenue: []int{0, 2, 3}, goodsCost: []int{1}, servicesCost: []int{0}},
	},
	"energy": {
		inventory: []string{"Fuel inventory", "Materials and supplies", "Emission allowances"},
		revenue:   []string{"Electricity sales", "Gas sales", "Transmission fees", "Renewable energy certificates"},
		cogs:      []string{"Fuel purchased", "Purchased power", "Transmission charges", "Plant operating costs"},
		opexGroup: "Plant and network",
		opex:      []string{"Grid maintenance", "Environmental compliance", "Plant inspections", "Decommissioning provisions", "Metering services"},
		sold:      sold{goodsRevenue: []int{0, 1}, servicesRevenue: []int{2}, goodsCost: []int{1, 0}, servicesCost: []int{2}},
	},
	"transportation": {
		inventory: []string{"Fuel stock", "Spare parts", "Tyres"},
		revenue:   []string{"Freight revenue", "Passenger revenue", "Fuel surcharges", "Warehousing revenue"},
		cogs:      []string{"Fuel consumed", "Subcontracted carriers", "Driver wages", "Tolls and road charges"},
		opexGroup: "Fleet operations",
		opex:      []string{"Fleet maintenance", "Vehicle leasing", "Fleet insurance", "Telematics", "Terminal fees"},
		sold:      sold{goodsRevenue: []int{0}, servicesRevenue: []int{0, 1, 3}, goodsCost: []int{0}, servicesCost: []int{1}},
	},
	"real_estate": {
		inventory: []string{"Properties held for sale", "Development projects in progress"},
		revenue:   []string{"Rental income", "Service charge income", "Property sales", "Parking income"},
		cogs:      []string{"Cost of properties sold", "Property operating costs", "Service charge costs", "Letting fees"},
		opexGroup: "Property management",
		opex:      []string{"Building maintenance", "Property taxes", "Facility management", "Tenant improvements", "Vacancy costs"},
		sold:      sold{goodsRevenue: []int{2}, servicesRevenue: []int{0, 1, 3}, goodsCost: []int{0}, servicesCost: []int{1}},
	},
	"telecommunications": {
		inventory: []string{"Handsets and devices", "Network spare parts", "SIM cards"},
		revenue:   []string{"Mobile service revenue", "Device sales", "Fixed-line revenue", "Broadband revenue", "Interconnect revenue"},
		cogs:      []string{"Interconnect costs", "Device cost of sales", "Network leasing", "Spectrum fees"},
		opexGroup: "Network operations",
		opex:      []string{"Network maintenance", "Tower site rentals", "Backhaul capacity", "Network energy", "Field engineering"},
		sold:      sold{goodsRevenue: []int{1}, servicesRevenue: []int{0, 2, 3}, goodsCost: []int{1}, servicesCost: []int{0, 2}},
	},
}
