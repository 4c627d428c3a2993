package masterdata

import (
	"math/rand/v2"

	"datasynth.dev/engine/chart"
	"datasynth.dev/engine/config"
	"datasynth.dev/engine/money"
	"datasynth.dev/engine/rng"
	"datasynth.dev/engine/table"
)

// item is one kind of material a company of an industry buys, makes or
// sells, with DataSynth's material type and group, the base unit, and the
// range of its standard cost in US cents.
type item struct {
	typ, group, uom, name string
	minCents, maxCents    uint64
	shelfLife             int64 // days; 0 for none
}

var uoms = map[string]string{"EA": "Each", "KG": "Kilogram", "L": "Liter", "HR": "Hour", "M": "Meter", "T": "Tonne",
	"MWH": "Megawatt hour", "PAK": "Pack", "BOX": "Box"}

// catalogs hold the materials of each industry: a retailer's merchandise,
// a manufacturer's steel and subassemblies, a hospital's drugs and
// supplies.
var catalogs = map[string][]item{
	"manufacturing": {
		{"raw_material", "mechanical", "KG", "Steel Coil", 60, 250, 0}, {"raw_material", "mechanical", "KG", "Aluminium Sheet", 180, 600, 0},
		{"raw_material", "chemicals", "KG", "Polypropylene Resin", 90, 300, 720}, {"raw_material", "electronics", "M", "Copper Wire", 40, 400, 0},
		{"semi_finished", "mechanical", "EA", "Machined Housing", 1_500, 12_000, 0}, {"semi_finished", "electronics", "EA", "Control Board Assembly", 4_000, 30_000, 0},
		{"finished_good", "finished_goods", "EA", "Industrial Pump", 40_000, 400_000, 0}, {"finished_good", "finished_goods", "EA", "Gearbox Unit", 25_000, 250_000, 0},
		{"spare_part", "mechanical", "EA", "Bearing Set", 800, 9_000, 0}, {"packaging", "packaging_materials", "EA", "Shipping Crate", 1_200, 6_000, 0},
		{"operating_supplies", "safety_equipment", "BOX", "Safety Gloves", 900, 4_000, 0}, {"operating_supplies", "tools", "EA", "Drill Bit Set", 1_500, 9_000, 0},
	},
	"retail": {
		{"trading_good", "finished_goods", "EA", "Men's Cotton T-Shirt", 250, 1_200, 0}, {"trading_good", "finished_goods", "EA", "Women's Denim Jeans", 900, 3_500, 0},
		{"trading_good", "finished_goods", "EA", "Running Shoes", 2_000, 7_000, 0}, {"trading_good", "electronics", "EA", "Wireless Earbuds", 1_200, 9_000, 0},
		{"trading_good", "electronics", "EA", "LED Desk Lamp", 800, 3_000, 0}, {"trading_good", "furniture", "EA", "Bookshelf", 2_500, 9_000, 0},
		{"trading_good", "consumables", "PAK", "Ground Coffee 500 g", 300, 900, 365}, {"trading_good", "consumables", "EA", "Olive Oil 750 ml", 350, 1_100, 540},
		{"trading_good", "finished_goods", "EA", "Bath Towel", 300, 1_500, 0}, {"trading_good", "finished_goods", "EA", "Ceramic Dinner Set", 1_500, 6_000, 0},
		{"packaging", "packaging_materials", "PAK", "Paper Shopping Bags", 1_500, 5_000, 0}, {"operating_supplies", "office_supplies", "BOX", "Receipt Paper Rolls", 1_000, 4_000, 0},
	},
	"financial_services": {
		{"operating_supplies", "office_supplies", "BOX", "Payment Card Blanks", 5_000, 30_000, 0}, {"operating_supplies", "office_supplies", "PAK", "Security Paper", 2_000, 9_000, 0},
		{"service", "services", "HR", "Investment Advisory Hour", 12_000, 45_000, 0}, {"service", "services", "EA", "Account Maintenance Service", 500, 3_000, 0},
		{"service", "services", "EA", "Wire Transfer Service", 1_000, 5_000, 0}, {"operating_supplies", "it_equipment", "EA", "Card Reader Terminal", 5_000, 25_000, 0},
	},
	"healthcare": {
		{"trading_good", "consumables", "BOX", "Nitrile Examination Gloves", 600, 2_000, 1_095}, {"trading_good", "consumables", "BOX", "Syringes 5 ml", 800, 3_000, 1_825},
		{"trading_good", "consumables", "PAK", "Paracetamol 500 mg Tablets", 100, 600, 1_095}, {"trading_good", "consumables", "EA", "IV Infusion Set", 150, 900, 1_095},
		{"trading_good", "consumables", "BOX", "Surgical Masks", 500, 2_500, 1_825}, {"trading_good", "consumables", "EA", "Sterile Wound Dressing", 80, 600, 1_095},
		{"service", "services", "HR", "Nursing Care Hour", 3_500, 9_000, 0}, {"service", "services", "EA", "Laboratory Blood Panel", 2_000, 15_000, 0},
	},
	"technology": {
		{"trading_good", "it_equipment", "EA", "Rack Server", 250_000, 1_500_000, 0}, {"trading_good", "it_equipment", "EA", "Network Switch", 30_000, 400_000, 0},
		{"trading_good", "it_equipment", "EA", "SSD 1 TB", 5_000, 20_000, 0}, {"service", "services", "EA", "Software Subscription (annual)", 10_000, 500_000, 0},
		{"service", "services", "HR", "Implementation Consulting Hour", 12_000, 30_000, 0}, {"service", "services", "HR", "Support Engineer Hour", 8_000, 20_000, 0},
		{"finished_good", "electronics", "EA", "IoT Gateway Device", 8_000, 60_000, 0},
	},
	"professional_services": {
		{"service", "services", "HR", "Consulting Hour - Partner", 30_000, 90_000, 0}, {"service", "services", "HR", "Consulting Hour - Senior", 15_000, 40_000, 0},
		{"service", "services", "HR", "Audit Hour", 12_000, 35_000, 0}, {"service", "services", "HR", "Tax Advisory Hour", 15_000, 45_000, 0},
		{"operating_supplies", "office_supplies", "BOX", "Copy Paper A4", 2_000, 6_000, 0}, {"operating_supplies", "office_supplies", "EA", "Presentation Binder", 300, 1_500, 0},
	},
	"energy": {
		{"raw_material", "chemicals", "MWH", "Natural Gas", 1_500, 9_000, 0}, {"raw_material", "chemicals", "L", "Diesel Fuel", 80, 200, 365},
		{"raw_material", "chemicals", "T", "Thermal Coal", 6_000, 20_000, 0}, {"spare_part", "mechanical", "EA", "Turbine Blade", 500_000, 5_000_000, 0},
		{"spare_part", "electronics", "EA", "Transformer Bushing", 80_000, 600_000, 0}, {"spare_part", "electronics", "EA", "Smart Meter", 6_000, 25_000, 0},
		{"operating_supplies", "safety_equipment", "EA", "Arc Flash Suit", 30_000, 120_000, 0}, {"raw_material", "chemicals", "L", "Lubricating Oil", 300, 1_200, 1_095},
		{"finished_good", "finished_goods", "MWH", "Electricity - Baseload", 4_000, 9_000, 0}, {"finished_good", "finished_goods", "MWH", "Electricity - Peak", 7_000, 16_000, 0},
		{"service", "services", "EA", "Grid Connection Service", 50_000, 500_000, 0},
	},
	"transportation": {
		{"raw_material", "chemicals", "L", "Diesel Fuel", 80, 200, 365}, {"spare_part", "mechanical", "EA", "Truck Tyre", 25_000, 80_000, 0},
		{"spare_part", "mechanical", "EA", "Brake Pad Set", 5_000, 25_000, 0}, {"raw_material", "chemicals", "L", "Engine Oil", 400, 1_500, 1_095},
		{"packaging", "packaging_materials", "EA", "Euro Pallet", 900, 3_000, 0}, {"spare_part", "mechanical", "EA", "Air Filter", 1_500, 8_000, 0},
		{"service", "services", "EA", "Freight Handling Service", 5_000, 50_000, 0},
	},
	"real_estate": {
		{"service", "services", "HR", "Building Maintenance Hour", 4_000, 12_000, 0}, {"operating_supplies", "consumables", "BOX", "Cleaning Supplies", 2_000, 8_000, 0},
		{"spare_part", "mechanical", "EA", "HVAC Filter", 1_500, 9_000, 0}, {"operating_supplies", "consumables", "L", "Interior Paint", 800, 3_000, 730},
		{"spare_part", "electronics", "EA", "LED Light Panel", 3_000, 15_000, 0}, {"service", "services", "EA", "Elevator Inspection", 20_000, 90_000, 0},
	},
	"telecommunications": {
		{"trading_good", "electronics", "EA", "Smartphone", 15_000, 110_000, 0}, {"trading_good", "electronics", "EA", "SIM Card", 30, 300, 0},
		{"trading_good", "it_equipment", "EA", "Fibre Broadband Router", 4_000, 20_000, 0}, {"raw_material", "electronics", "M", "Fibre Optic Cable", 50, 400, 0},
		{"spare_part", "electronics", "EA", "Antenna Module", 40_000, 300_000, 0}, {"service", "services", "HR", "Field Engineer Hour", 6_000, 15_000, 0},
	},
}

// Catalog returns the names of the materials of an industry (manufacturing
// for an industry without a catalog of its own).
func Catalog(industry string) []string {
	items, ok := catalogs[industry]
	if !ok {
		items = catalogs["manufacturing"]
	}
	out := make([]string, len(items))
	for i, it := range items {
		out[i] = it.name
	}
	return out
}

// inventoryAccount names the inventory account of each material type kept
// in stock, in order of preference: retail stock is merchandise, a
// factory's steel raw materials.
var inventoryAccount = map[string][]string{
	"raw_material":  {"Raw materials", "Materials and supplies", "Fuel inventory", "Fuel stock", "Component stock"},
	"semi_finished": {"Work in progress"},
	"finished_good": {"Finished goods", "Hardware inventory"},
	"trading_good": {"Merchandise inventory", "Merchandise", "Pharmaceuticals", "Medical supplies", "Hardware inventory",
		"Handsets and devices"},
	"spare_part": {"Spare parts", "Network spare parts", "Materials and supplies"},
	"packaging":  {"Packaging materials", "Supplies"},
}

// Stocked reports whether materials of type typ (material_type) are kept
// in stock: received into and issued from their inventory account. The
// others (services, operating supplies) are expensed when bought.
func Stocked(typ string) bool {
	_, ok := inventoryAccount[typ]
	return ok
}

// materialTable is master_data/materials: DataSynth's Material fields in
// its order, then the currency of the prices.
func materialTable(env Env) Table {
	cols := text("material_id", "description", "material_type", "material_group", "base_uom", "valuation_method",
		"standard_cost", "list_price", "purchase_price", "bom_components", "account_determination", "weight_kg",
		"volume_m3", "shelf_life_days", "is_active", "company_code", "plants", "min_order_quantity", "lead_time_days",
		"safety_stock", "reorder_point", "preferred_vendor_id", "abc_classification", "currency")
	kinds(cols, table.JSON, "base_uom", "bom_components", "account_determination", "plants")
	kinds(cols, table.Amount, "standard_cost", "list_price", "purchase_price", "weight_kg", "volume_m3",
		"min_order_quantity", "safety_stock", "reorder_point")
	kinds(cols, table.Int, "shelf_life_days", "lead_time_days")
	kinds(cols, table.Bool, "is_active")
	optional(cols, "bom_components", "weight_kg", "volume_m3", "shelf_life_days", "company_code", "preferred_vendor_id")
	items, ok := catalogs[env.Industry]
	if !ok {
		items = catalogs["manufacturing"]
	}
	costs := make([]rng.LogUniform, len(items))
	for i, it := range items {
		costs[i] = rng.NewLogUniform(it.minCents, it.maxCents)
	}
	var acc *accounts
	var sc *usdScaler
	var scCode string
	return Table{
		Name:    "materials",
		Columns: cols,
		Rows:    func(s Sizes) int { return s.Materials },
		Row: func(c config.Company, s Sizes, i int, r *rand.Rand, row []table.Value) []table.Value {
			if acc == nil {
				acc = newAccounts(env.Chart)
			}
			if sc == nil || scCode != c.Currency {
				sc, scCode = newUSDScaler(c.Currency), c.Currency
			}
			k := r.IntN(len(items))
			it := items[k]
			digits := c.Digits()
			unit := money.Pow10(digits)
			usdCents := costs[k].Draw(r)
			cost := withCents(sc.minor(usdCents), unit, r)
			purchase := withCents(cost*int64(95+r.IntN(11))/100, unit, r)
			markup := int64(115 + r.IntN(25))
			if it.typ == "trading_good" || it.typ == "finished_good" || it.typ == "service" {
				markup = int64(140 + r.IntN(110))
			}
			list := cost * markup / 100
			if unit > 1 && list >= unit {
				// Shelf prices end in .99 (or .999 and so on).
				list = (list/unit+1)*unit - 1
			}
			valuation := "moving_average"
			if it.typ == "finished_good" || it.typ == "semi_finished" {
				valuation = "standard_cost"
			}
			// The flows post a stocked material's receipts and deliveries
			// to its inventory account, and the cost of its sales (or of
			// a service bought from a subcontractor) to its cogs_account:
			// the chart's first account for that kind of sale. Its sales
			// go to its revenue_account, one of the accounts for that kind
			// of sale by turns; a purchase that is not stocked (a service
			// or an operating supply) to its purchase_expense_account, an
			// operating expense by turns. A stocked material's purchase is
			// expensed as it is sold: its purchase_expense_account is its
			// cogs_account.
			inv := -1
			for _, name := range inventoryAccount[it.typ] {
				if j, ok := acc.byName[name]; ok && acc.chart.Accounts[j].Role == chart.Inventory {
					inv = j
					break
				}
			}
			if inv < 0 {
				inv = acc.chart.ByRole(chart.Inventory)[0]
			}
			revenue, sold := acc.chart.Sales(Stocked(it.typ))
			expense := sold[0]
			if !Stocked(it.typ) {
				opex := acc.chart.ByRole(chart.Opex)
				expense = opex[i%len(opex)]
			}
			cogs := acc.chart.ByRole(chart.COGS)
			det := `{"inventory_account":"` + acc.number(inv) +
				`","cogs_account":"` + acc.number(sold[0]) +
				`","revenue_account":"` + acc.number(revenue[i%len(revenue)]) +
				`","purchase_expense_account":"` + acc.number(expense) +
				`","price_difference_account":"` + acc.number(cogs[len(cogs)-1]) +
				`","gr_ir_account":"` + acc.number(acc.find("GR/IR clearing", chart.GRIR)) + `"}`
			weight := table.Null()
			switch it.uom {
			case "KG":
				weight = table.A(1000, 3)
			case "EA", "BOX", "PAK":
				weight = table.A(int64(50+r.IntN(20_000)), 3)
			}
			shelf := table.Null()
			if it.shelfLife > 0 {
				shelf = table.I(it.shelfLife)
			}
			moq := int64(1)
			switch {
			case usdCents < 1_000:
				moq = 100
			case usdCents < 10_000:
				moq = 10
			}
			safety := moq * int64(1+r.IntN(5))
			abc := "C"
			switch {
			case usdCents >= 100_000:
				abc = "A"
			case usdCents >= 10_000:
				abc = "B"
			}
			variant := string(rune('A'+r.IntN(26))) + pad(100+r.IntN(900), 3)
			return append(row,
				table.Str(MaterialID(c.Code, i)), table.Str(it.name+" "+variant), table.Str(it.typ), table.Str(it.group),
				table.Str(`{"code":"`+it.uom+`","name":"`+uoms[it.uom]+`","conversion_factor":"1"}`), table.Str(valuation),
				table.A(cost, digits), table.A(list, digits), table.A(purchase, digits), table.Null(), table.Str(det),
				weight, table.Null(), shelf, table.B(true), table.Str(c.Code), table.Str(jsonStrings("P"+c.Code)),
				table.A(moq, 0), table.I(int64(2+r.IntN(59))), table.A(safety, 0), table.A(safety*2, 0),
				table.Str(VendorID(c.Code, r.IntN(s.Vendors))), table.Str(abc), table.Str(c.Currency))
		},
	}
}

// withCents returns v, or v with a few minor units added when v is a
// whole number of currency units (unit minor units): prices carry cents.
func withCents(v, unit int64, r *rand.Rand) int64 {
	if unit > 1 && v%unit == 0 {
		v += 1 + r.Int64N(unit-1)
	}
	return v
}
