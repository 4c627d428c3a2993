package masterdata

import (
	"math/rand/v2"

	"datasynth.dev/engine/chart"
	"datasynth.dev/engine/config"
	"datasynth.dev/engine/money"
	"datasynth.dev/engine/rng"
	"datasynth.dev/engine/table"
)

// paymentTerms are DataSynth's payment terms with their due days.
var paymentTerms = []struct {
	name string
	days int64
}{
	{"net30", 30}, {"net30", 30}, {"net30", 30}, {"net45", 45}, {"net60", 60}, {"net15", 15},
	{"two_ten_net30", 30}, {"net90", 90}, {"end_of_month", 30},
}

// vendorTypes are DataSynth's vendor types with the typical invoice range
// of each, in US dollars.
var vendorTypes = []struct {
	name     string
	min, max uint64
}{
	{"supplier", 1_000, 80_000}, {"service_provider", 500, 20_000}, {"utility", 200, 15_000},
	{"professional_services", 2_000, 60_000}, {"technology", 500, 50_000}, {"logistics", 300, 25_000},
	{"contractor", 1_000, 30_000}, {"real_estate", 3_000, 60_000}, {"financial", 100, 10_000},
}

// vendorWeights weighs vendorTypes per industry: a retailer buys
// merchandise and rents stores, a consultancy buys services.
var vendorWeights = map[string][]uint64{
	"manufacturing":         {50, 10, 5, 5, 6, 12, 8, 2, 2},
	"retail":                {55, 8, 5, 4, 6, 12, 2, 6, 2},
	"financial_services":    {5, 20, 4, 25, 25, 3, 8, 5, 5},
	"healthcare":            {40, 15, 5, 10, 10, 5, 8, 4, 3},
	"technology":            {15, 15, 3, 15, 35, 5, 8, 2, 2},
	"professional_services": {8, 20, 4, 20, 22, 3, 15, 5, 3},
	"energy":                {35, 15, 5, 10, 8, 8, 15, 2, 2},
	"transportation":        {25, 20, 8, 5, 8, 25, 5, 2, 2},
	"real_estate":           {10, 30, 15, 15, 5, 2, 18, 3, 2},
	"telecommunications":    {30, 15, 8, 10, 25, 5, 5, 1, 1},
}

// customerTypes are DataSynth's customer types with the credit limits of
// each, in US dollars: a consumer is trusted with a few thousand, a
// corporation or a government with millions.
var customerTypes = []struct {
	name     string
	min, max uint64
	channel  string
}{
	{"corporate", 50_000, 2_000_000, "direct"},
	{"small_business", 5_000, 50_000, "direct"},
	{"consumer", 500, 5_000, "retail"},
	{"government", 100_000, 5_000_000, "direct"},
	{"non_profit", 5_000, 100_000, "direct"},
	{"intercompany", 1_000_000, 10_000_000, "intercompany"},
	{"distributor", 100_000, 1_500_000, "wholesale"},
}

var creditLimits = func() map[string]rng.LogUniform {
	m := map[string]rng.LogUniform{}
	for _, t := range customerTypes {
		m[t.name] = rng.NewLogUniform(t.min, t.max)
	}
	return m
}()

func currencyDigits(code string) int {
	c, _ := money.Lookup(code)
	return c.Digits
}

// CreditLimitUSD returns the credit-limit range, in US dollars, of a
// customer type; ok is false for an unknown type.
func CreditLimitUSD(customerType string) (min, max uint64, ok bool) {
	for _, t := range customerTypes {
		if t.name == customerType {
			return t.min, t.max, true
		}
	}
	return 0, 0, false
}

// customerWeights weighs customerTypes per industry (intercompany
// customers are the other companies of the run, not drawn).
var customerWeights = map[string][]uint64{
	"manufacturing":         {45, 20, 0, 5, 0, 0, 30},
	"retail":                {10, 20, 65, 2, 3, 0, 0},
	"financial_services":    {20, 25, 50, 5, 0, 0, 0},
	"healthcare":            {15, 5, 55, 20, 5, 0, 0},
	"technology":            {50, 35, 0, 10, 5, 0, 0},
	"professional_services": {60, 25, 0, 10, 5, 0, 0},
	"energy":                {15, 20, 60, 5, 0, 0, 0},
	"transportation":        {60, 30, 0, 5, 0, 0, 5},
	"real_estate":           {25, 35, 40, 0, 0, 0, 0},
	"telecommunications":    {8, 20, 70, 2, 0, 0, 0},
}

// creditRatings are DataSynth's ratings as it writes them (its enum in
// snake case, so AAA is "a_a_a"), with weights and the payment behaviour
// that goes with each.
var creditRatings = []struct {
	name, behavior string
	weight         uint64
}{
	{"a_a_a", "excellent", 8}, {"a_a", "excellent", 14}, {"a", "good", 25}, {"b_b_b", "good", 25},
	{"b_b", "fair", 13}, {"b", "fair", 8}, {"c_c_c", "poor", 4}, {"c_c", "poor", 2}, {"c", "very_poor", 1},
}

var (
	ratingPick   = func() *rng.Weighted { return rng.NewWeighted(ratingWeights()) }()
	behaviorPick = rng.NewWeighted([]uint64{20, 60, 15, 5})
	behaviors    = []string{"strict", "flexible", "very_flexible", "aggressive"}
)

func ratingWeights() []uint64 {
	w := make([]uint64, len(creditRatings))
	for i, c := range creditRatings {
		w[i] = c.weight
	}
	return w
}

// governmentNames and charityWords name public and non-profit customers
// in the country's language.
var governmentNames = map[string]string{"DE": "Stadt ", "FR": "Ville de ", "ES": "Ayuntamiento de ", "IT": "Comune di ",
	"NL": "Gemeente ", "MX": "Municipio de ", "BR": "Prefeitura de ", "CH": "Stadt ", "AT": "Stadt ", "AR": "Municipalidad de "}
var charityWords = map[string]string{"DE": "Stiftung", "FR": "Fondation", "ES": "Fundación", "IT": "Fondazione",
	"NL": "Stichting", "MX": "Fundación", "BR": "Fundação", "CH": "Stiftung", "AT": "Stiftung", "DK": "Fonden",
	"FI": "Säätiö", "TR": "Vakfı", "PT": "Fundação", "AR": "Fundación"}

// partnerEnv holds what the vendors or the customers of one run share,
// and the names given so far to those of the company being drawn.
type partnerEnv struct {
	env      Env
	accounts *accounts
	vendor   *rng.Weighted
	customer *rng.Weighted
	scalers  map[string]*usdScaler
	table    string
	names    names
}

func newPartnerEnv(env Env, table string) *partnerEnv {
	vw, ok := vendorWeights[env.Industry]
	if !ok {
		vw = vendorWeights["manufacturing"]
	}
	cw, ok := customerWeights[env.Industry]
	if !ok {
		cw = customerWeights["manufacturing"]
	}
	return &partnerEnv{env: env, accounts: newAccounts(env.Chart), vendor: rng.NewWeighted(vw),
		customer: rng.NewWeighted(cw), scalers: map[string]*usdScaler{}, table: table}
}

func (p *partnerEnv) scaler(currency string) *usdScaler {
	sc := p.scalers[currency]
	if sc == nil {
		sc = newUSDScaler(currency)
		p.scalers[currency] = sc
	}
	return sc
}

// others are the companies of the run other than c, in config order: the
// first vendors and customers of c are these group companies.
func (p *partnerEnv) others(c config.Company) []config.Company {
	var out []config.Company
	for _, o := range p.env.Companies {
		if o.Code != c.Code {
			out = append(out, o)
		}
	}
	return out
}

// partner is what vendors and customers have in common.
type partner struct {
	country              *country
	name, taxID          string
	legal                string // the legal form of a business name drawn, not yet in name
	street, city, postal string
	currency             string
	intercompany         string // the group company's code, or ""
	domestic             bool
}

// drawPartner draws trading partner i of company c: for i below the
// number of other group companies, that company; otherwise a business
// of c's country or of one of its usual partners, addressed and numbered
// as businesses there are, and the name drawn for it, which business
// gives it or another. Partner 0 starts the company's names afresh.
func (p *partnerEnv) drawPartner(c config.Company, i int, domesticPct int, r *rand.Rand) partner {
	if i == 0 {
		p.names.start(p.env.Seed, p.table, c.Code)
	}
	home := countryOf(c.Country)
	var pt partner
	if others := p.others(c); i < len(others) {
		o := others[i]
		pt.country = countryOf(o.Country)
		pt.name, pt.currency, pt.intercompany = o.Name, o.Currency, o.Code
		p.names.claim(o.Name)
	} else {
		pt.country = partnerCountry(r, home, domesticPct)
		pt.name, pt.legal = pt.country.businessName(r)
		pt.currency = pt.country.currency
	}
	pt.domestic = pt.country.code == home.code
	if pt.domestic || pt.currency == "" {
		pt.currency = c.Currency
	}
	pt.taxID = pt.country.taxID(r)
	pt.street, pt.city, pt.postal = pt.country.address(r)
	return pt
}

// business names the partner, a business, with the name drawn for it or,
// when another partner of the company's has that, another.
func (p *partnerEnv) business(pt *partner) string {
	return p.names.organisation(pt.name, pt.legal, pt.country.businessName)
}

// councils are the cities of country c whose public body, named by
// prefix, is not yet a partner of the company's.
func (p *partnerEnv) councils(c *country, prefix string) []city {
	var out []city
	for _, ct := range c.cities {
		if !p.names.taken(prefix + ct.name) {
			out = append(out, ct)
		}
	}
	return out
}

func amountRange(sc *usdScaler, min, max uint64, digits int) string {
	b := []byte(`["`)
	b = money.AppendMinor(b, roundTo(sc.minor(min*100), digits), digits)
	b = append(b, `","`...)
	b = money.AppendMinor(b, roundTo(sc.minor(max*100), digits), digits)
	return string(append(b, `"]`...))
}

// vendorTable is master_data/vendors: DataSynth's 21 Vendor fields in its
// order, then company_code, the address and created_date.
func vendorTable(env Env) Table {
	cols := text("vendor_id", "name", "vendor_type", "country", "payment_terms", "payment_terms_days",
		"typical_amount_range", "is_active", "account_number", "tax_id", "bank_accounts", "is_intercompany",
		"intercompany_code", "behavior", "currency", "reconciliation_account", "auxiliary_gl_account",
		"withholding_tax_applicable", "withholding_tax_rate", "is_one_time", "purchasing_org",
		"company_code", "street", "city", "postal_code", "created_date")
	kinds(cols, table.Int, "payment_terms_days")
	kinds(cols, table.JSON, "typical_amount_range", "bank_accounts")
	kinds(cols, table.Bool, "is_active", "is_intercompany", "withholding_tax_applicable", "is_one_time")
	kinds(cols, table.Amount, "withholding_tax_rate")
	kinds(cols, table.Date, "created_date")
	optional(cols, "account_number", "tax_id", "intercompany_code", "reconciliation_account", "auxiliary_gl_account",
		"withholding_tax_rate", "purchasing_org")
	var p *partnerEnv
	return Table{
		Name:    "vendors",
		Columns: cols,
		Rows:    func(s Sizes) int { return s.Vendors },
		Row: func(c config.Company, s Sizes, i int, r *rand.Rand, row []table.Value) []table.Value {
			if p == nil {
				p = newPartnerEnv(env, "vendors")
			}
			pt := p.drawPartner(c, i, 80, r)
			vt := vendorTypes[p.vendor.Pick(r)]
			if pt.intercompany != "" {
				vt = vendorTypes[0]
			} else {
				pt.name = p.business(&pt)
			}
			terms := pick(r, paymentTerms)
			recon := p.accounts.find("Trade payables - domestic", chart.Payables)
			if !pt.domestic {
				recon = p.accounts.find("Trade payables - foreign", chart.Payables)
			}
			digits := currencyDigits(pt.currency)
			// Withholding tax on services where the payer must withhold it.
			wht, whtRate := false, table.Null()
			if (vt.name == "professional_services" || vt.name == "contractor") && (pt.country.code == "IN" || pt.country.code == "MX" || pt.country.code == "BR") {
				wht, whtRate = true, table.A(10, 2)
			}
			oneTime := pt.intercompany == "" && r.IntN(100) < 3
			ic := table.Null()
			if pt.intercompany != "" {
				ic = table.Str(pt.intercompany)
			}
			return append(row,
				table.Str(VendorID(c.Code, i)), table.Str(pt.name), table.Str(vt.name), table.Str(pt.country.code),
				table.Str(terms.name), table.I(terms.days),
				table.Str(amountRange(p.scaler(pt.currency), vt.min, vt.max, digits)), table.B(r.IntN(100) < 97),
				table.Str("7"+pad(i+1, 7)), table.Str(pt.taxID), table.Str(pt.country.bankAccount(r, pt.name)),
				table.B(pt.intercompany != ""), ic, table.Str(behaviors[behaviorPick.Pick(r)]), table.Str(pt.currency),
				table.Str(p.accounts.number(recon)), table.Null(), table.B(wht), whtRate, table.B(oneTime),
				table.Str(c.Code), table.Str(c.Code), table.Str(pt.street), table.Str(pt.city), table.Str(pt.postal),
				table.D(table.Days(env.Start.AddDate(0, 0, -1-r.IntN(3650)))))
		},
	}
}

// customerTable is master_data/customers: DataSynth's 26 Customer fields
// in its order, then company_code, the address and created_date.
func customerTable(env Env) Table {
	cols := text("customer_id", "name", "customer_type", "country", "credit_rating", "credit_limit", "credit_exposure",
		"payment_terms", "payment_terms_days", "payment_behavior", "is_active", "account_number", "typical_order_range",
		"is_intercompany", "intercompany_code", "currency", "reconciliation_account", "auxiliary_gl_account", "sales_org",
		"distribution_channel", "tax_id", "credit_blocked", "credit_block_reason", "dunning_procedure",
		"last_dunning_date", "dunning_level", "company_code", "street", "city", "postal_code", "created_date")
	kinds(cols, table.Int, "payment_terms_days", "dunning_level")
	kinds(cols, table.Amount, "credit_limit", "credit_exposure")
	kinds(cols, table.JSON, "typical_order_range")
	kinds(cols, table.Bool, "is_active", "is_intercompany", "credit_blocked")
	kinds(cols, table.Date, "last_dunning_date", "created_date")
	optional(cols, "account_number", "intercompany_code", "reconciliation_account", "auxiliary_gl_account", "sales_org",
		"distribution_channel", "tax_id", "credit_block_reason", "dunning_procedure", "last_dunning_date")
	var p *partnerEnv
	return Table{
		Name:    "customers",
		Columns: cols,
		Rows:    func(s Sizes) int { return s.Customers },
		Row: func(c config.Company, s Sizes, i int, r *rand.Rand, row []table.Value) []table.Value {
			if p == nil {
				p = newPartnerEnv(env, "customers")
			}
			pt := p.drawPartner(c, i, 85, r)
			ct := customerTypes[p.customer.Pick(r)]
			if pt.intercompany != "" {
				ct = customerTypes[5]
			}
			// A public customer is a city's council, located in the city,
			// and each a customer at most once: the city drawn, else
			// another whose council is not yet, else, when all are, the
			// customer is of another type.
			council, ok := governmentNames[pt.country.code]
			if !ok {
				council = "City of "
			}
			var seat city
			if ct.name == "government" {
				seat = pick(r, pt.country.cities)
				if p.names.taken(council + seat.name) {
					if seats := p.councils(pt.country, council); len(seats) > 0 {
						seat = pick(p.names.side, seats)
					}
					for p.names.taken(council+seat.name) && ct.name == "government" {
						ct = customerTypes[p.customer.Pick(p.names.side)]
					}
				}
			}
			taxID := table.Str(pt.taxID)
			switch ct.name {
			case "consumer":
				// People: a name and an address, no legal form, no tax
				// number. Two may share a name.
				first, last := pt.country.personName(r)
				pt.name, taxID = first+" "+last, table.Null()
			case "government":
				pt.name = council + seat.name
				p.names.claim(pt.name)
				pt.street, pt.city, pt.postal = pt.country.addressIn(p.names.side, seat)
			case "non_profit":
				w, ok := charityWords[pt.country.code]
				if !ok {
					w = "Foundation"
				}
				// Named after a brand, or on a redraw also a family.
				pt.name = p.names.organisation(pick(r, pt.country.stems)+" "+w, "", func(r *rand.Rand) (string, string) {
					return pt.country.brand(r) + " " + w, ""
				})
			case "intercompany":
			default:
				pt.name = p.business(&pt)
			}
			rating := creditRatings[ratingPick.Pick(r)]
			digits := currencyDigits(pt.currency)
			sc := p.scaler(pt.currency)
			limit := roundTo(sc.minor(creditLimits[ct.name].Draw(r)*100), digits)
			terms := pick(r, paymentTerms)
			if ct.name == "consumer" {
				terms.name, terms.days = "immediate", 0
			}
			recon := p.accounts.find("Trade receivables - domestic", chart.Receivables)
			if !pt.domestic {
				recon = p.accounts.find("Trade receivables - export", chart.Receivables)
			}
			channel := ct.channel
			if ct.name == "consumer" && r.IntN(2) == 0 {
				channel = "online"
			}
			blocked := rating.name == "c"
			reason := table.Null()
			if blocked {
				reason = table.Str("credit rating c")
			}
			dunning := table.Str("standard")
			if ct.name == "intercompany" {
				dunning = table.Null()
			}
			ic := table.Null()
			if pt.intercompany != "" {
				ic = table.Str(pt.intercompany)
			}
			return append(row,
				table.Str(CustomerID(c.Code, i)), table.Str(pt.name), table.Str(ct.name), table.Str(pt.country.code),
				table.Str(rating.name), table.A(limit, digits), table.A(0, digits),
				table.Str(terms.name), table.I(terms.days), table.Str(rating.behavior), table.B(r.IntN(100) < 97),
				table.Str("1"+pad(i+1, 7)), table.Str(amountRange(sc, ct.min/100+10, ct.min/2+50, digits)),
				table.B(pt.intercompany != ""), ic, table.Str(pt.currency), table.Str(p.accounts.number(recon)),
				table.Null(), table.Str(c.Code), table.Str(channel), taxID, table.B(blocked), reason, dunning,
				table.Null(), table.I(0), table.Str(c.Code), table.Str(pt.street), table.Str(pt.city),
				table.Str(pt.postal), table.D(table.Days(env.Start.AddDate(0, 0, -1-r.IntN(3650)))))
		},
	}
}
