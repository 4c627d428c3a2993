package masterdata

import (
	"encoding/json"
	"fmt"
	"math/big"
	"regexp"
	"slices"
	"strconv"
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
	env.Seed = seed
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
	{"retail", config.Company{Code: "CA01", Name: "Maple Retail Inc.", Currency: "CAD", Country: "CA", AnnualVolume: 40_000}},
	{"manufacturing", config.Company{Code: "MX01", Name: "Industrias del Bajío S.A. de C.V.", Currency: "MXN", Country: "MX", AnnualVolume: 40_000}},
	{"energy", config.Company{Code: "BR01", Name: "Cerrado Energia S.A.", Currency: "BRL", Country: "BR", AnnualVolume: 40_000}},
	{"financial_services", config.Company{Code: "GB01", Name: "Thames Capital PLC", Currency: "GBP", Country: "GB", AnnualVolume: 40_000}},
	{"retail", config.Company{Code: "FR01", Name: "Provence Distribution SAS", Currency: "EUR", Country: "FR", AnnualVolume: 40_000}},
	{"transportation", config.Company{Code: "NL01", Name: "Noordzee Logistiek B.V.", Currency: "EUR", Country: "NL", AnnualVolume: 40_000}},
	{"healthcare", config.Company{Code: "CH01", Name: "Limmat Pharma AG", Currency: "CHF", Country: "CH", AnnualVolume: 40_000}},
	{"manufacturing", config.Company{Code: "IT01", Name: "Padana Meccanica S.p.A.", Currency: "EUR", Country: "IT", AnnualVolume: 40_000}},
	{"real_estate", config.Company{Code: "ES01", Name: "Levante Inmuebles S.L.", Currency: "EUR", Country: "ES", AnnualVolume: 40_000}},
	{"manufacturing", config.Company{Code: "CN01", Name: "Changjiang Machinery Co., Ltd.", Currency: "CNY", Country: "CN", AnnualVolume: 40_000}},
	{"technology", config.Company{Code: "IN01", Name: "Deccan Technologies Pvt. Ltd.", Currency: "INR", Country: "IN", AnnualVolume: 40_000}},
	{"telecommunications", config.Company{Code: "AU01", Name: "Coral Telecom Pty Ltd", Currency: "AUD", Country: "AU", AnnualVolume: 40_000}},
	{"manufacturing", config.Company{Code: "AT01", Name: "Donau Maschinenbau GmbH", Currency: "EUR", Country: "AT", AnnualVolume: 40_000}},
	{"retail", config.Company{Code: "BE01", Name: "Schelde Retail NV", Currency: "EUR", Country: "BE", AnnualVolume: 40_000}},
	{"manufacturing", config.Company{Code: "SE01", Name: "Norrland Verkstad AB", Currency: "SEK", Country: "SE", AnnualVolume: 40_000}},
	{"retail", config.Company{Code: "DK01", Name: "Jylland Handel A/S", Currency: "DKK", Country: "DK", AnnualVolume: 40_000}},
	{"energy", config.Company{Code: "NO01", Name: "Fjord Kraft AS", Currency: "NOK", Country: "NO", AnnualVolume: 40_000}},
	{"technology", config.Company{Code: "FI01", Name: "Revontuli Tekniikka Oy", Currency: "EUR", Country: "FI", AnnualVolume: 40_000}},
	{"manufacturing", config.Company{Code: "PL01", Name: "Wisła Przemysł Sp. z o.o.", Currency: "PLN", Country: "PL", AnnualVolume: 40_000}},
	{"professional_services", config.Company{Code: "IE01", Name: "Liffey Advisory Ltd", Currency: "EUR", Country: "IE", AnnualVolume: 40_000}},
	{"retail", config.Company{Code: "PT01", Name: "Tejo Comércio Lda.", Currency: "EUR", Country: "PT", AnnualVolume: 40_000}},
	{"transportation", config.Company{Code: "SG01", Name: "Straits Logistics Pte. Ltd.", Currency: "SGD", Country: "SG", AnnualVolume: 40_000}},
	{"retail", config.Company{Code: "NZ01", Name: "Kauri Retail Limited", Currency: "NZD", Country: "NZ", AnnualVolume: 40_000}},
	{"manufacturing", config.Company{Code: "ZA01", Name: "Highveld Engineering (Pty) Ltd", Currency: "ZAR", Country: "ZA", AnnualVolume: 40_000}},
	{"manufacturing", config.Company{Code: "KR01", Name: "Hanbit Jeonja Co., Ltd.", Currency: "KRW", Country: "KR", AnnualVolume: 40_000}},
	{"technology", config.Company{Code: "TW01", Name: "Formosa Electronics Co., Ltd.", Currency: "TWD", Country: "TW", AnnualVolume: 40_000}},
	{"retail", config.Company{Code: "AR01", Name: "Pampa Comercial S.A.", Currency: "ARS", Country: "AR", AnnualVolume: 40_000}},
	{"transportation", config.Company{Code: "AE01", Name: "Al Waha Logistics LLC", Currency: "AED", Country: "AE", AnnualVolume: 40_000}},
}

// taxRateCountries are the countries flows.TaxRates knows. Package flows
// imports this one, so the list is copied from that function: keep the two
// in step.
var taxRateCountries = []string{"US", "DE", "FR", "GB", "IT", "ES", "NL", "AT", "BE", "CH", "SE", "DK", "NO", "FI", "PL",
	"IE", "PT", "JP", "CN", "IN", "SG", "AU", "NZ", "CA", "MX", "BR", "ZA", "KR", "TW", "AR", "AE", "TR"}

// format is how a country writes what its businesses are known by: the
// currency, the legal forms that end a business's name, the postal code,
// the tax number and the IBAN's length (0: the country has none). It is
// written out here apart from the profiles, so that a country falling to
// the neutral profile fails.
type format struct {
	currency             string
	legal, postal, taxID *regexp.Regexp
	iban                 int
}

func newFormat(currency, legal, postal, taxID string, iban int) format {
	return format{currency, regexp.MustCompile(` (` + legal + `)$`), regexp.MustCompile(`^(` + postal + `)$`),
		regexp.MustCompile(`^(` + taxID + `)$`), iban}
}

var countryFormats = map[string]format{
	"US": newFormat("USD", `Inc\.|LLC|Corp\.|Co\.`, `\d{5}`, `\d{2}-\d{7}`, 0),
	// Canadian postal codes use no D, F, I, O, Q or U, and W and Z only
	// after the first letter.
	"CA": newFormat("CAD", `Inc\.|Ltd\.|Corp\.`, `[ABCEGHJ-NPRSTVXY]\d[ABCEGHJ-NPRSTV-Z] \d[ABCEGHJ-NPRSTV-Z]\d`, `\d{9}RT0001`, 0),
	// Mexican postal codes start 01 to 99.
	"MX": newFormat("MXN", `S\.A\. de C\.V\.|S\. de R\.L\. de C\.V\.`, `(0[1-9]|[1-9]\d)\d{3}`, `[A-Z]{3}\d{6}[A-Z0-9]{3}`, 0),
	"BR": newFormat("BRL", `Ltda\.|S\.A\.`, `\d{5}-\d{3}`, `\d{2}\.\d{3}\.\d{3}/\d{4}-\d{2}`, 0),
	// A postcode's inward code ends in two letters other than C, I, K, M, O
	// and V; its outward code is a district that exists (gbDistricts).
	"GB": newFormat("GBP", `Ltd|PLC|LLP`, `[A-Z]{1,2}\d[A-Z\d]? \d[ABD-HJLNP-UW-Z]{2}`, `GB\d{9}`, 22),
	"DE": newFormat("EUR", `GmbH|AG|KG`, `\d{5}`, `DE\d{9}`, 22),
	"FR": newFormat("EUR", `SA|SARL|SAS`, `\d{5}`, `FR\d{11}`, 27),
	// Dutch postcodes start 1000 and never end in SA, SD or SS.
	"NL": newFormat("EUR", `B\.V\.|N\.V\.`, `[1-9]\d{3} ([A-RT-Z][A-Z]|S[BCE-RT-Z])`, `NL\d{9}B\d{2}`, 18),
	"CH": newFormat("CHF", `AG|GmbH|SA`, `\d{4}`, `CHE-\d{3}\.\d{3}\.\d{3}`, 21),
	"IT": newFormat("EUR", `S\.p\.A\.|S\.r\.l\.`, `\d{5}`, `IT\d{11}`, 27),
	"ES": newFormat("EUR", `S\.A\.|S\.L\.`, `\d{5}`, `ES[A-Z0-9]\d{7}[A-Z0-9]`, 24),
	"JP": newFormat("JPY", `K\.K\.|Co\., Ltd\.`, `\d{3}-\d{4}`, `T\d{13}`, 0),
	"CN": newFormat("CNY", `Co\., Ltd\.`, `\d{6}`, `[0-9A-Z]{18}`, 0),
	"IN": newFormat("INR", `Pvt\. Ltd\.|Ltd\.`, `\d{6}`, `\d{2}[A-Z]{5}\d{4}[A-Z][1-9A-Z]Z[0-9A-Z]`, 0),
	"AU": newFormat("AUD", `Pty Ltd|Ltd`, `\d{4}`, `\d{11}`, 0),
	"AT": newFormat("EUR", `GmbH|AG|KG|OG`, `\d{4}`, `ATU\d{8}`, 20),
	"BE": newFormat("EUR", `NV|SA|BV|SRL`, `\d{4}`, `BE0\d{9}`, 16),
	"SE": newFormat("SEK", `AB|AB \(publ\)|HB`, `\d{3} \d{2}`, `SE\d{10}01`, 24),
	"DK": newFormat("DKK", `A/S|ApS|I/S`, `\d{4}`, `DK\d{8}`, 18),
	"NO": newFormat("NOK", `AS|ASA`, `\d{4}`, `NO\d{9}MVA`, 15),
	"FI": newFormat("EUR", `Oy|Oyj|Ky`, `\d{5}`, `FI\d{8}`, 18),
	"PL": newFormat("PLN", `Sp\. z o\.o\.|S\.A\.|Sp\.k\.`, `\d{2}-\d{3}`, `PL\d{10}`, 28),
	"IE": newFormat("EUR", `Ltd|DAC|PLC`, `[A-Z]\d{2} [0-9ACDEFHKNPRTVWXY]{4}`, `IE\d{7}[A-Z]{1,2}`, 22),
	"PT": newFormat("EUR", `Lda\.|S\.A\.`, `\d{4}-\d{3}`, `PT\d{9}`, 25),
	"SG": newFormat("SGD", `Pte\. Ltd\.|Ltd\.`, `\d{6}`, `(19|20)\d{7}[A-Z]`, 0),
	"NZ": newFormat("NZD", `Limited|Ltd`, `\d{4}`, `\d{2,3}-\d{3}-\d{3}`, 0),
	"ZA": newFormat("ZAR", `\(Pty\) Ltd|Ltd`, `\d{4}`, `4\d{9}`, 0),
	// Korean postal codes start 01 (Seoul) to 63 (Jeju).
	"KR": newFormat("KRW", `Co\., Ltd\.|Corp\.`, `(0[1-9]|[1-5]\d|6[0-3])\d{3}`, `\d{3}-\d{2}-\d{5}`, 0),
	"TW": newFormat("TWD", `Co\., Ltd\.|Corp\.`, `\d{6}`, `\d{8}`, 0),
	"AR": newFormat("ARS", `S\.A\.|S\.R\.L\.|S\.A\.S\.`, `[A-Z]\d{4}[A-Z]{3}`, `(20|23|24|27|30|33|34)-\d{8}-\d`, 0),
	"AE": newFormat("AED", `LLC|FZE|FZCO`, `P\.O\. Box \d{3,5}`, `100\d{12}`, 23),
	"TR": newFormat("TRY", `A\.Ş\.|Ltd\. Şti\.`, `\d{5}`, `\d{10}`, 26),
}

// gbDistricts are postcode districts that exist in British cities: the
// outward code of a postcode there is one of them. The City of London has
// EC1 to EC4, each split by a letter (EC1A, EC2M); there is no EC12.
var gbDistricts = map[string]*regexp.Regexp{
	"London": regexp.MustCompile(`^(EC1[AMNRVY]|EC2[AMNPRVY]|EC3[AMNPRV]|EC4[AMNPRVY]|WC1[ABEHNRVX]|WC2[ABEHNR]|` +
		`E1W?|E14|N1|NW1|SE1|SW1[AEHPVWXY]|W1[ABCDFGHJKSTUW]) `),
	"Manchester": regexp.MustCompile(`^M([1-4]|[89]|1[1-9]|2[0-3]|40) `),
	"Birmingham": regexp.MustCompile(`^B([1-9]|1\d|2[013-9]|3[0-8]|4[24]) `),
	"Leeds":      regexp.MustCompile(`^LS([1-9]|1[0-7]|2[5-7]) `),
	"Glasgow":    regexp.MustCompile(`^G([1-5]|1[1-5]|2[0-3]|3[1-4]|4[0-6]|5[1-3]) `),
	"Bristol":    regexp.MustCompile(`^BS([1-9]|1[0-6]) `),
}

// publicBody is the city a public customer's name names ("Stadt Köln",
// "City of Denver").
var publicBody = regexp.MustCompile(`^(City of|Stadt|Ville de|Ayuntamiento de|Comune di|Gemeente|Municipio de|Prefeitura de|Municipalidad de) (.+)$`)

// TestKnownCountriesHaveProfiles checks that every country the code names
// (a tax rate, a profile's trading partner, a public or non-profit name, a
// test company) has a profile of its own, not the neutral one, and formats
// to test it by.
func TestKnownCountriesHaveProfiles(t *testing.T) {
	known := slices.Clone(taxRateCountries)
	for _, c := range countries {
		known = append(known, c.code)
		known = append(known, c.partners...)
	}
	for code := range governmentNames {
		known = append(known, code)
	}
	for code := range charityWords {
		known = append(known, code)
	}
	tested := map[string]bool{}
	for _, cc := range coherenceCompanies {
		known = append(known, cc.company.Country)
		tested[cc.company.Country] = true
	}
	slices.Sort(known)
	for _, code := range slices.Compact(known) {
		if c, ok := countries[code]; !ok || c.code != code {
			t.Errorf("%s has no profile of its own", code)
		}
		if _, ok := countryFormats[code]; !ok {
			t.Errorf("%s has no formats in countryFormats", code)
		}
		if !tested[code] {
			t.Errorf("no company in %s among coherenceCompanies", code)
		}
	}
}

// ibanValid checks an IBAN's check digits (ISO 13616): moved behind the
// account, with letters as A=10 to Z=35, the IBAN is 1 modulo 97.
func ibanValid(iban string) bool {
	var b strings.Builder
	for _, ch := range iban[4:] + iban[:4] {
		switch {
		case ch >= '0' && ch <= '9':
			b.WriteRune(ch)
		case ch >= 'A' && ch <= 'Z':
			b.WriteString(strconv.Itoa(int(ch-'A') + 10))
		default:
			return false
		}
	}
	n, ok := new(big.Int).SetString(b.String(), 10)
	return ok && n.Mod(n, big.NewInt(97)).Int64() == 1
}

func TestPartnersCoherent(t *testing.T) {
	public := 0
	for _, cc := range coherenceCompanies {
		c := cc.company
		env := testEnv(t, cc.industry, 400)
		env.Companies = []config.Company{c, {Code: "9000", Name: "Group Holding SA", Currency: "CHF", Country: "CH"}}
		s := SizesFor(c, "medium")
		for _, name := range []string{"vendors", "customers"} {
			rows := generateTable(t, env, 5, name, c, s)
			domestic := 0
			names := map[string]string{rows[0]["name"].Str: rows[0][name[:len(name)-1]+"_id"].Str}
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
				f := countryFormats[home.code]
				id := rec[name[:len(name)-1]+"_id"].Str
				if typ != "consumer" && typ != "government" && typ != "non_profit" &&
					(!f.legal.MatchString(rec["name"].Str) ||
						!slices.ContainsFunc(home.suffixes, func(sfx string) bool { return strings.HasSuffix(rec["name"].Str, " "+sfx) })) {
					t.Errorf("%s %s %s: %q does not end in a legal form of %s %v", c.Code, name, id, rec["name"].Str, home.code, home.suffixes)
				}
				if typ == "consumer" && !slices.ContainsFunc(home.first, func(first string) bool {
					last, ok := strings.CutPrefix(rec["name"].Str, first+" ")
					return ok && slices.Contains(home.last, last)
				}) {
					t.Errorf("%s %s: consumer %q is not named as people in %s are", c.Code, id, rec["name"].Str, home.code)
				}
				if !slices.ContainsFunc(home.cities, func(ct city) bool { return strings.HasPrefix(rec["city"].Str, ct.name) }) {
					t.Errorf("%s %s: city %q is not in %s", c.Code, name, rec["city"].Str, home.code)
				}
				if !f.postal.MatchString(rec["postal_code"].Str) {
					t.Errorf("%s %s: postal code %q is not written as in %s", c.Code, id, rec["postal_code"].Str, home.code)
				}
				if d, ok := gbDistricts[rec["city"].Str]; ok && home.code == "GB" && !d.MatchString(rec["postal_code"].Str) {
					t.Errorf("%s %s: %s has no postcode district %q", c.Code, id, rec["city"].Str, rec["postal_code"].Str)
				}
				if typ == "government" {
					public++
					m := publicBody.FindStringSubmatch(rec["name"].Str)
					if city, _, _ := strings.Cut(rec["city"].Str, ", "); m == nil || m[2] != city {
						t.Errorf("%s %s: public customer %q is located in %q", c.Code, id, rec["name"].Str, rec["city"].Str)
					}
				}
				if typ != "consumer" {
					// Consumers are people, who may share a name; businesses
					// and public bodies may not.
					if prev, ok := names[rec["name"].Str]; ok {
						t.Errorf("%s %s: %s and %s are both %q", c.Code, name, prev, id, rec["name"].Str)
					}
					names[rec["name"].Str] = id
				}
				if tax := rec["tax_id"]; !tax.Null && !f.taxID.MatchString(tax.Str) {
					t.Errorf("%s %s: tax number %q is not one of %s", c.Code, id, tax.Str, home.code)
				}
				if cur := rec["currency"].Str; cur != f.currency {
					t.Errorf("%s %s: a partner in %s pays in %s, not %s", c.Code, id, home.code, cur, f.currency)
				}
				if name == "vendors" {
					checkBankAccount(t, id, home.code, f.iban, rec["bank_accounts"].Str)
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
	if public < len(coherenceCompanies) {
		t.Errorf("%d public customers in %d companies", public, len(coherenceCompanies))
	}
}

// checkBankAccount checks the bank account of a partner in country code:
// a valid IBAN of the country's length and a BIC in an IBAN country,
// digits elsewhere.
func checkBankAccount(t *testing.T, id, code string, ibanLen int, accounts string) {
	t.Helper()
	var acc []struct {
		BankName      string `json:"bank_name"`
		BankCountry   string `json:"bank_country"`
		AccountNumber string `json:"account_number"`
		RoutingCode   string `json:"routing_code"`
	}
	if err := json.Unmarshal([]byte(accounts), &acc); err != nil || len(acc) != 1 {
		t.Fatalf("%s: bank accounts %s: %v", id, accounts, err)
	}
	a := acc[0]
	if a.BankCountry != code || a.BankName == "" {
		t.Errorf("%s: bank %q in %q, want one in %s", id, a.BankName, a.BankCountry, code)
	}
	number, routing := a.AccountNumber, a.RoutingCode
	if ibanLen == 0 {
		if strings.Trim(number, "0123456789") != "" || strings.Trim(routing, "0123456789") != "" {
			t.Errorf("%s: account %q, routing code %q in %s, which has no IBAN", id, number, routing, code)
		}
		return
	}
	if len(number) != ibanLen || !strings.HasPrefix(number, code) || !ibanValid(number) {
		t.Errorf("%s: %q is no valid IBAN of %s (%d characters)", id, number, code, ibanLen)
	}
	if !regexp.MustCompile(`^[A-Z]{4}` + code + `[A-Z0-9]{2}$`).MatchString(routing) {
		t.Errorf("%s: %q is no BIC of %s", id, routing, code)
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

// email is an e-mail address in ASCII letters: first.last@company.example,
// with the middle initials of a name given twice (first.r.last).
var email = regexp.MustCompile(`^[a-z]+(-[a-z]+)*(\.[a-z])*\.[a-z]+(-[a-z]+)*@[a-z0-9]+\.example$`)

func TestEmployeesCoherent(t *testing.T) {
	for _, cc := range coherenceCompanies {
		c := cc.company
		env := testEnv(t, cc.industry, 2500)
		s := SizesFor(c, "medium")
		rows := generateTable(t, env, 9, "employees", c, s)
		api := Employees(9, env, c, s)
		sc := newUSDScaler(c.Currency)
		home, ok := countries[c.Country]
		if !ok {
			t.Fatalf("%s: no profile of %s", c.Code, c.Country)
		}
		limitOf := map[string]int64{}
		named, mailed := map[string]bool{}, map[string]bool{}
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
			if e.BaseSalary <= 0 || !slices.Contains(home.first, e.First) || !slices.Contains(home.last, e.Last) {
				t.Errorf("%s: employee %s %s, salary %d", c.Code, e.First, e.Last, e.BaseSalary)
			}
			if !email.MatchString(rec["email"].Str) {
				t.Errorf("%s: employee %s %s has e-mail address %q", c.Code, e.First, e.Last, rec["email"].Str)
			}
			if full := rec["display_name"].Str; !strings.HasPrefix(full, e.First+" ") || !strings.HasSuffix(full, " "+e.Last) || named[full] {
				t.Errorf("%s: employee %s is named %q, a second time or not as %s %s", c.Code, rec["employee_id"].Str, full, e.First, e.Last)
			}
			if mailed[rec["email"].Str] {
				t.Errorf("%s: employee %s has the e-mail address %q of another", c.Code, rec["employee_id"].Str, rec["email"].Str)
			}
			named[rec["display_name"].Str], mailed[rec["email"].Str] = true, true
			if !slices.ContainsFunc(home.cities, func(ct city) bool { return ct.name == rec["location"].Str }) {
				t.Errorf("%s: employee %s %s works in %q, not in %s", c.Code, e.First, e.Last, rec["location"].Str, home.code)
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
		// The chief executive, directors and at least two of the levels
		// below (a company of 25 may have no lead or supervisor, who are
		// one in six of its staff).
		if len(limitOf) < 4 {
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

// TestHierarchyHasTop checks, for every chart size and from one employee
// to many, that every department has a cost centre, that the company has
// one chief executive, who heads the Executive department and reports to
// nobody, and that everyone else has a manager of a higher level, the
// directors the chief executive, in a chain that ends at the chief
// executive; and that each manager lists the employee among direct reports.
func TestHierarchyHasTop(t *testing.T) {
	c := coherenceCompanies[7].company
	env := testEnv(t, "financial_services", 400)
	for _, complexity := range []string{"small", "medium", "large"} {
		for _, n := range []int{1, 2, 5, 9, 10, 11, 15, 24, 40, 90, 400} {
			s := SizesFor(c, complexity)
			s.Employees = n
			name := fmt.Sprintf("%s chart, %d employees", complexity, n)
			ccs := generateTable(t, env, 11, "cost_centers", c, s)
			depts := map[string]bool{}
			for _, rec := range ccs {
				depts[rec["department"].Str] = true
			}
			if len(depts) != len(departments) {
				t.Errorf("%s: departments %v", name, depts)
			}
			rows := generateTable(t, env, 11, "employees", c, s)
			byID := map[string]record{}
			for _, rec := range rows {
				byID[rec["employee_id"].Str] = rec
			}
			var top []string
			for _, rec := range rows {
				id, lvl := rec["employee_id"].Str, slices.Index(levelNames, rec["job_level"].Str)
				if rec["manager_id"].Null {
					top = append(top, id)
					if lvl != levelExecutive || rec["job_title"].Str != "Chief Executive Officer" || rec["department_id"].Str != "Executive" {
						t.Errorf("%s: %s, %s %s in %s, has no manager", name, id, rec["job_level"].Str, rec["job_title"].Str, rec["department_id"].Str)
					}
					continue
				}
				m, ok := byID[rec["manager_id"].Str]
				if !ok {
					t.Fatalf("%s: %s reports to %s, who is not an employee", name, id, rec["manager_id"].Str)
				}
				var reports []string
				if err := json.Unmarshal([]byte(m["direct_reports"].Str), &reports); err != nil || !slices.Contains(reports, id) {
					t.Errorf("%s: %s reports to %s, whose direct reports are %s", name, id, m["employee_id"].Str, m["direct_reports"].Str)
				}
				if ml := slices.Index(levelNames, m["job_level"].Str); ml <= lvl || lvl == levelDirector && ml != levelExecutive {
					t.Errorf("%s: %s, %s, reports to %s, %s", name, id, rec["job_title"].Str, m["employee_id"].Str, m["job_title"].Str)
				}
				for k, up := 0, rec; !up["manager_id"].Null; k++ {
					if up = byID[up["manager_id"].Str]; k > len(levelNames) {
						t.Fatalf("%s: %s's line of managers does not end", name, id)
					}
				}
			}
			if len(top) != 1 {
				t.Errorf("%s: %d employees without a manager: %v", name, len(top), top)
			}
			for _, rec := range ccs {
				if rec["responsible_person"].Null {
					t.Errorf("%s: nobody heads %s", name, rec["id"].Str)
				}
				if rec["department"].Str == "Executive" && rec["level"].Int == 1 && len(top) == 1 && rec["responsible_person"].Str != top[0] {
					t.Errorf("%s: the Executive department is headed by %s, not by the chief executive %s", name, rec["responsible_person"].Str, top[0])
				}
			}
		}
	}
}

// TestNamesUniqueAtScale checks that names stay unique, and cheap, where
// a country's names run out: tens of thousands of businesses and
// employees in one company.
func TestNamesUniqueAtScale(t *testing.T) {
	if testing.Short() {
		t.Skip("large master data")
	}
	for _, cc := range []struct {
		industry string
		company  config.Company
	}{coherenceCompanies[7], coherenceCompanies[2]} {
		c := cc.company
		env := testEnv(t, cc.industry, 400)
		s := SizesFor(c, "large")
		s.Vendors, s.Customers, s.Employees = 6_000, 12_000, 8_000
		for _, tb := range []struct{ table, key string }{{"vendors", "name"}, {"customers", "name"}, {"employees", "display_name"}, {"employees", "email"}} {
			seen := map[string]bool{}
			for _, rec := range generateTable(t, env, 13, tb.table, c, s) {
				if rec["customer_type"].Str == "consumer" {
					continue
				}
				if v := rec[tb.key].Str; seen[v] {
					t.Fatalf("%s %s: %s %q twice", c.Code, tb.table, tb.key, v)
				}
				seen[rec[tb.key].Str] = true
			}
			if len(seen) < 3_000 {
				t.Errorf("%s %s: %d rows", c.Code, tb.table, len(seen))
			}
		}
	}
}
