package masterdata

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"

	"datasynth.dev/engine/table"
)

// country holds what makes a name, an address and a tax number look like
// they belong to one country: its legal forms, names of people and
// businesses, cities with their postal codes, and number formats.
type country struct {
	code, currency string
	// suffixes are the legal forms of companies (GmbH, S.A.S., Inc.).
	suffixes []string
	// stems and trades make business names: "{stem} {trade} {suffix}",
	// or "{last name} {trade} {suffix}" for a family business.
	stems, trades []string
	first, last   []string
	cities        []city
	// street formats a street address from a street name and a number.
	street      func(r *rand.Rand, name string) string
	streetNames []string
	// postal draws a postal code; the city's prefix, where given, leads.
	postal func(r *rand.Rand, prefix string) string
	// taxID draws a tax or VAT number in the country's format.
	taxID func(r *rand.Rand) string
	// bank names a bank; iban is the IBAN length (0: no IBAN). The account
	// in an IBAN starts with a four-letter bank code, or is all digits
	// where ibanDigits is set.
	banks      []string
	iban       int
	ibanDigits bool
	// partners are the countries trading partners come from.
	partners []string
}

// city is a city with its region and the start of its postal codes: a
// prefix, or several separated by spaces of which the country's postal
// function draws one (the districts of a British city, the areas of a
// Canadian one).
type city struct{ name, region, postal string }

// onePrefix draws one of the prefixes in p, or is p when it has one.
func onePrefix(r *rand.Rand, p string) string {
	if !strings.Contains(p, " ") {
		return p
	}
	return pick(r, strings.Fields(p))
}

func digits(r *rand.Rand, n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte('0' + r.IntN(10))
	}
	return string(b)
}

func letters(r *rand.Rand, n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte('A' + r.IntN(26))
	}
	return string(b)
}

// from draws n characters of set, which is ASCII.
func from(r *rand.Rand, set string, n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = set[r.IntN(len(set))]
	}
	return string(b)
}

func numbered(format string) func(r *rand.Rand, name string) string {
	return func(r *rand.Rand, name string) string {
		n := fmt.Sprint(1 + r.IntN(199))
		return strings.NewReplacer("{n}", n, "{s}", name).Replace(format)
	}
}

func postalDigits(n int) func(r *rand.Rand, prefix string) string {
	return func(r *rand.Rand, prefix string) string {
		prefix = onePrefix(r, prefix)
		return prefix + digits(r, n-len(prefix))
	}
}

// canadianArea draws one of the forward sortation areas in p (M5V M5H
// M4W) as its two characters after the province's letter: the digit
// among the areas', then the letter among those of the areas with that
// digit.
func canadianArea(r *rand.Rand, p string) string {
	areas := strings.Fields(p)
	var ds []byte
	for _, a := range areas {
		if !slices.Contains(ds, a[1]) {
			ds = append(ds, a[1])
		}
	}
	d := pick(r, ds)
	return pick(r, slices.DeleteFunc(areas, func(a string) bool { return a[1] != d }))
}

// postalSplit draws an n-digit postal code written with sep after its
// first at digits (SE 114 55, PL 00-950).
func postalSplit(n, at int, sep string) func(r *rand.Rand, prefix string) string {
	return func(r *rand.Rand, prefix string) string {
		s := prefix + digits(r, n-len(prefix))
		return s[:at] + sep + s[at:]
	}
}

var euPartners = []string{"DE", "FR", "NL", "IT", "ES", "GB", "CH", "US", "CN"}

var countries = map[string]*country{
	"US": {code: "US", currency: "USD", suffixes: []string{"Inc.", "LLC", "Corp.", "Co."},
		stems:  []string{"Apex", "Summit", "Pioneer", "Liberty", "Cedar", "Harbor", "Granite", "Keystone", "Lakeside", "Redwood", "Evergreen", "Bluebird"},
		trades: []string{"Supply", "Industries", "Logistics", "Solutions", "Distribution", "Systems", "Services", "Manufacturing", "Partners", "Technologies"},
		first:  []string{"James", "Mary", "Robert", "Patricia", "John", "Jennifer", "Michael", "Linda", "David", "Elizabeth", "Carlos", "Maria", "Daniel", "Ashley", "Kevin", "Priya"},
		last:   []string{"Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis", "Rodriguez", "Martinez", "Wilson", "Anderson", "Taylor", "Moore", "Lee", "Patel"},
		cities: []city{{"New York", "NY", "100"}, {"Chicago", "IL", "606"}, {"Houston", "TX", "770"}, {"Phoenix", "AZ", "850"},
			{"Atlanta", "GA", "303"}, {"Denver", "CO", "802"}, {"Seattle", "WA", "981"}, {"Boston", "MA", "021"}, {"Columbus", "OH", "432"}},
		street:      func(r *rand.Rand, s string) string { return fmt.Sprintf("%d %s", 100+r.IntN(9800), s) },
		streetNames: []string{"Main Street", "Oak Avenue", "Maple Drive", "Commerce Boulevard", "Industrial Parkway", "Park Avenue", "Elm Street", "Lake Road"},
		postal:      postalDigits(5),
		taxID:       func(r *rand.Rand) string { return digits(r, 2) + "-" + digits(r, 7) },
		banks:       []string{"First National Bank", "Union Trust Bank", "Pacific Commerce Bank", "Heartland Savings Bank"},
		partners:    []string{"CA", "MX", "CN", "DE", "JP", "GB", "IN"}},
	"CA": {code: "CA", currency: "CAD", suffixes: []string{"Inc.", "Ltd.", "Corp."},
		stems:  []string{"Maple", "Northern", "Laurentian", "Prairie", "Coastal", "Boreal", "Frontenac", "Cascade"},
		trades: []string{"Supply", "Industries", "Logistics", "Distribution", "Resources", "Services", "Systems"},
		first:  []string{"Liam", "Olivia", "Noah", "Emma", "William", "Charlotte", "Étienne", "Chloé", "Benjamin", "Amelia"},
		last:   []string{"Tremblay", "Gagnon", "Roy", "Smith", "Brown", "MacDonald", "Wilson", "Martin", "Côté", "Campbell"},
		// The postal prefixes are forward sortation areas of the city.
		cities: []city{{"Toronto", "ON", "M5V M5H M5J M5G M4W M4Y M6K M2N M3C M9W"}, {"Montreal", "QC", "H2X H2Y H2L H3A H3B H3G H4N H1V"},
			{"Vancouver", "BC", "V6B V6C V6E V6Z V5K V5T"}, {"Calgary", "AB", "T2P T2G T2R T2E T3E T1Y"}, {"Ottawa", "ON", "K1P K1R K1N K1Y K2P K2B"}},
		street:      func(r *rand.Rand, s string) string { return fmt.Sprintf("%d %s", 10+r.IntN(2000), s) },
		streetNames: []string{"King Street", "Queen Street", "Yonge Street", "Rue Sainte-Catherine", "Granville Street", "Bank Street"},
		// The local delivery unit has no D, F, I, O, Q or U either.
		postal: func(r *rand.Rand, p string) string {
			return canadianArea(r, p) + " " + digits(r, 1) + from(r, "ABCEGHJKLMNPRSTVWXYZ", 1) + digits(r, 1)
		},
		taxID:    func(r *rand.Rand) string { return digits(r, 9) + "RT0001" },
		banks:    []string{"Dominion Commerce Bank", "Maritime Savings Bank", "Canadian Trust Bank"},
		partners: []string{"US", "MX", "CN", "GB", "DE"}},
	"MX": {code: "MX", currency: "MXN", suffixes: []string{"S.A. de C.V.", "S. de R.L. de C.V."},
		stems:  []string{"Azteca", "Sierra", "Pacífico", "Bajío", "Norteña", "Del Valle", "Maya", "Sol"},
		trades: []string{"Distribuidora", "Industrias", "Logística", "Comercializadora", "Servicios", "Manufacturas"},
		first:  []string{"José", "María", "Juan", "Guadalupe", "Luis", "Fernanda", "Carlos", "Sofía", "Miguel", "Valeria"},
		last:   []string{"Hernández", "García", "Martínez", "López", "González", "Pérez", "Rodríguez", "Sánchez", "Ramírez", "Flores"},
		// Mexico City's postal codes run from 01000 to 16999.
		cities: []city{{"Ciudad de México", "CDMX", "01 02 03 04 05 06 07 08 09 10 11 12 13 14 15 16"}, {"Guadalajara", "JAL", "44"},
			{"Monterrey", "NL", "64"}, {"Puebla", "PUE", "72"}, {"Querétaro", "QRO", "76"}},
		street:      numbered("Calle {s} {n}"),
		streetNames: []string{"Reforma", "Juárez", "Hidalgo", "Morelos", "Insurgentes", "Madero"},
		postal:      postalDigits(5),
		taxID:       func(r *rand.Rand) string { return letters(r, 3) + digits(r, 6) + letters(r, 1) + digits(r, 2) },
		banks:       []string{"Banco del Norte", "Banco Mercantil de México", "Banco Azteca Comercial"},
		partners:    []string{"US", "CA", "CN", "ES", "DE"}},
	"BR": {code: "BR", currency: "BRL", suffixes: []string{"Ltda.", "S.A."},
		stems:       []string{"Paulista", "Atlântico", "Cerrado", "Amazônia", "Ipiranga", "Guanabara", "Serra Azul", "Horizonte"},
		trades:      []string{"Distribuidora", "Indústria", "Logística", "Comércio", "Serviços", "Tecnologia"},
		first:       []string{"João", "Maria", "Pedro", "Ana", "Lucas", "Juliana", "Gabriel", "Fernanda", "Rafael", "Beatriz"},
		last:        []string{"Silva", "Santos", "Oliveira", "Souza", "Lima", "Pereira", "Ferreira", "Costa", "Rodrigues", "Almeida"},
		cities:      []city{{"São Paulo", "SP", "01"}, {"Rio de Janeiro", "RJ", "20"}, {"Belo Horizonte", "MG", "30"}, {"Curitiba", "PR", "80"}, {"Porto Alegre", "RS", "90"}},
		street:      numbered("Rua {s}, {n}"),
		streetNames: []string{"das Flores", "XV de Novembro", "Augusta", "da Consolação", "Sete de Setembro", "do Comércio"},
		postal:      func(r *rand.Rand, p string) string { return p + digits(r, 3) + "-" + digits(r, 3) },
		taxID: func(r *rand.Rand) string {
			return digits(r, 2) + "." + digits(r, 3) + "." + digits(r, 3) + "/0001-" + digits(r, 2)
		},
		banks:    []string{"Banco Paulista de Comércio", "Banco do Sul", "Banco Atlântico"},
		partners: []string{"US", "CN", "AR", "DE", "MX"}},
	"GB": {code: "GB", currency: "GBP", suffixes: []string{"Ltd", "PLC", "LLP"},
		stems:  []string{"Thames", "Pennine", "Albion", "Cotswold", "Mersey", "Highland", "Kingsway", "Windsor"},
		trades: []string{"Supplies", "Engineering", "Logistics", "Distribution", "Services", "Trading", "Systems"},
		first:  []string{"Oliver", "Amelia", "George", "Isla", "Harry", "Ava", "Jack", "Emily", "Thomas", "Sophie"},
		last:   []string{"Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Evans", "Thomas", "Roberts", "Walker"},
		// The postal prefixes are postcode districts that exist in the
		// city: the City of London's EC1 to EC4 are split by a letter.
		cities: []city{
			{"London", "", "EC1A EC1M EC1N EC1R EC1V EC1Y EC2A EC2M EC2N EC2R EC2V EC2Y EC3A EC3M EC3N EC3R EC3V " +
				"EC4A EC4M EC4N EC4R EC4V EC4Y WC1A WC1B WC1E WC1H WC1N WC1R WC1V WC1X WC2A WC2B WC2E WC2H WC2N WC2R " +
				"E1 E1W E14 N1 NW1 SE1 SW1A SW1E SW1H SW1P SW1V SW1W SW1X SW1Y W1B W1D W1F W1G W1H W1J W1K W1S W1T W1U W1W"},
			{"Manchester", "", "M1 M2 M3 M4 M8 M9 M11 M12 M13 M14 M15 M16 M18 M19 M20 M21 M22 M23 M40"},
			{"Birmingham", "", "B1 B2 B3 B4 B5 B6 B7 B8 B9 B10 B11 B12 B13 B14 B15 B16 B17 B18 B19 B20 B21 B23 B24 B25 " +
				"B26 B27 B28 B29 B30 B31 B32 B33 B34 B35 B36 B38 B42 B44"},
			{"Leeds", "", "LS1 LS2 LS3 LS4 LS5 LS6 LS7 LS8 LS9 LS10 LS11 LS12 LS13 LS14 LS15 LS16 LS17 LS25 LS26 LS27"},
			{"Glasgow", "", "G1 G2 G3 G4 G5 G11 G12 G13 G14 G15 G20 G21 G22 G23 G31 G32 G33 G34 G40 G41 G42 G43 G44 G45 G46 G51 G52 G53"},
			{"Bristol", "", "BS1 BS2 BS3 BS4 BS5 BS6 BS7 BS8 BS9 BS10 BS11 BS12 BS13 BS14 BS15 BS16"}},
		street:      func(r *rand.Rand, s string) string { return fmt.Sprintf("%d %s", 1+r.IntN(250), s) },
		streetNames: []string{"High Street", "Station Road", "Church Lane", "Victoria Road", "Mill Lane", "Park Road"},
		// The inward code: a sector digit and two letters, never C, I, K,
		// M, O or V.
		postal: func(r *rand.Rand, p string) string {
			return onePrefix(r, p) + " " + digits(r, 1) + from(r, "ABDEFGHJLNPQRSTUWXYZ", 2)
		},
		taxID:    func(r *rand.Rand) string { return "GB" + digits(r, 9) },
		banks:    []string{"Albion Bank", "Northern Counties Bank", "Royal Exchange Bank"},
		iban:     22,
		partners: euPartners},
	"DE": {code: "DE", currency: "EUR", suffixes: []string{"GmbH", "AG", "KG", "GmbH & Co. KG"},
		stems:  []string{"Rheintal", "Nordstern", "Alpen", "Hanse", "Schwarzwald", "Elbe", "Bavaria", "Westfalen"},
		trades: []string{"Maschinenbau", "Logistik", "Handel", "Technik", "Elektro", "Metallwerke", "Vertrieb", "Dienstleistungen"},
		first:  []string{"Lukas", "Anna", "Jonas", "Lea", "Felix", "Hannah", "Maximilian", "Sophie", "Paul", "Marie"},
		last:   []string{"Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker", "Schulz", "Hoffmann"},
		cities: []city{{"Berlin", "", "10"}, {"Hamburg", "", "20"}, {"München", "", "80"}, {"Köln", "", "50"}, {"Frankfurt am Main", "", "60"},
			{"Stuttgart", "", "70"}, {"Düsseldorf", "", "40"}, {"Leipzig", "", "04"}},
		street:      numbered("{s} {n}"),
		streetNames: []string{"Hauptstraße", "Bahnhofstraße", "Industriestraße", "Gartenstraße", "Schillerstraße", "Goethestraße"},
		postal:      postalDigits(5),
		taxID:       func(r *rand.Rand) string { return "DE" + digits(r, 9) },
		banks:       []string{"Rheinische Handelsbank", "Sparkasse Nordstadt", "Volksbank Mittelland"},
		iban:        22,
		partners:    euPartners},
	"FR": {code: "FR", currency: "EUR", suffixes: []string{"SA", "SARL", "SAS"},
		stems:       []string{"Provence", "Atlantique", "Lumière", "Normandie", "Alsace", "Rivoli", "Garonne", "Loire"},
		trades:      []string{"Industries", "Logistique", "Distribution", "Services", "Technologies", "Équipements", "Négoce"},
		first:       []string{"Louis", "Emma", "Gabriel", "Jade", "Léo", "Louise", "Hugo", "Alice", "Arthur", "Chloé"},
		last:        []string{"Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand", "Leroy", "Moreau"},
		cities:      []city{{"Paris", "", "75"}, {"Lyon", "", "69"}, {"Marseille", "", "13"}, {"Toulouse", "", "31"}, {"Lille", "", "59"}, {"Bordeaux", "", "33"}},
		street:      numbered("{n} {s}"),
		streetNames: []string{"rue de la République", "avenue Victor Hugo", "rue du Commerce", "boulevard Pasteur", "rue de la Gare", "avenue Jean Jaurès"},
		postal:      postalDigits(5),
		taxID:       func(r *rand.Rand) string { return "FR" + digits(r, 11) },
		banks:       []string{"Crédit Atlantique", "Banque de Provence", "Société Bancaire du Nord"},
		iban:        27,
		partners:    euPartners},
	"NL": {code: "NL", currency: "EUR", suffixes: []string{"B.V.", "N.V."},
		stems:       []string{"Oranje", "Delta", "Noordzee", "Polder", "Zuiderzee", "Maas", "Holland", "Tulp"},
		trades:      []string{"Handel", "Logistiek", "Techniek", "Distributie", "Groep", "Industrie"},
		first:       []string{"Daan", "Emma", "Sem", "Julia", "Lucas", "Mila", "Levi", "Sophie", "Finn", "Tess"},
		last:        []string{"de Jong", "Jansen", "de Vries", "van den Berg", "van Dijk", "Bakker", "Visser", "Smit", "Meijer", "de Boer"},
		cities:      []city{{"Amsterdam", "", "10"}, {"Rotterdam", "", "30"}, {"Utrecht", "", "35"}, {"Eindhoven", "", "56"}, {"Den Haag", "", "25"}},
		street:      numbered("{s} {n}"),
		streetNames: []string{"Kerkstraat", "Dorpsstraat", "Stationsweg", "Industrieweg", "Molenstraat", "Havenstraat"},
		// The letters are never SA, SD or SS.
		postal: func(r *rand.Rand, p string) string {
			l := letters(r, 1)
			if l == "S" {
				return p + digits(r, 2) + " S" + from(r, "BCEFGHIJKLMNOPQRTUVWXYZ", 1)
			}
			return p + digits(r, 2) + " " + l + letters(r, 1)
		},
		taxID:    func(r *rand.Rand) string { return "NL" + digits(r, 9) + "B01" },
		banks:    []string{"Nederlandse Handelsbank", "Polderbank", "Rabo Coöperatieve Handelsbank"},
		iban:     18,
		partners: euPartners},
	"CH": {code: "CH", currency: "CHF", suffixes: []string{"AG", "GmbH", "SA"},
		stems:       []string{"Helvetia", "Alpina", "Matterhorn", "Rigi", "Jura", "Limmat", "Gotthard", "Säntis"},
		trades:      []string{"Präzision", "Handel", "Technik", "Logistik", "Pharma", "Instrumente"},
		first:       []string{"Noah", "Mia", "Luca", "Emma", "Leon", "Lina", "Elias", "Sofia", "Matteo", "Laura"},
		last:        []string{"Müller", "Meier", "Schmid", "Keller", "Weber", "Huber", "Schneider", "Meyer", "Steiner", "Fischer"},
		cities:      []city{{"Zürich", "ZH", "80"}, {"Genève", "GE", "12"}, {"Basel", "BS", "40"}, {"Bern", "BE", "30"}, {"Lausanne", "VD", "10"}},
		street:      numbered("{s} {n}"),
		streetNames: []string{"Bahnhofstrasse", "Seestrasse", "Dorfstrasse", "Rue du Rhône", "Industriestrasse", "Kirchgasse"},
		postal:      postalDigits(4),
		taxID:       func(r *rand.Rand) string { return "CHE-" + digits(r, 3) + "." + digits(r, 3) + "." + digits(r, 3) },
		banks:       []string{"Zürcher Handelsbank", "Banque Cantonale du Lac", "Alpenbank"},
		iban:        21,
		partners:    euPartners},
	"IT": {code: "IT", currency: "EUR", suffixes: []string{"S.p.A.", "S.r.l."},
		stems:       []string{"Adriatica", "Tirrena", "Padana", "Lombarda", "Etrusca", "Dolomiti", "Toscana", "Ligure"},
		trades:      []string{"Industrie", "Logistica", "Distribuzione", "Meccanica", "Servizi", "Commerciale"},
		first:       []string{"Leonardo", "Sofia", "Francesco", "Giulia", "Alessandro", "Aurora", "Lorenzo", "Alice", "Mattia", "Ginevra"},
		last:        []string{"Rossi", "Russo", "Ferrari", "Esposito", "Bianchi", "Romano", "Colombo", "Ricci", "Marino", "Greco"},
		cities:      []city{{"Milano", "MI", "201"}, {"Roma", "RM", "001"}, {"Torino", "TO", "101"}, {"Bologna", "BO", "401"}, {"Napoli", "NA", "801"}},
		street:      numbered("Via {s} {n}"),
		streetNames: []string{"Roma", "Garibaldi", "Mazzini", "Cavour", "Verdi", "Dante"},
		postal:      postalDigits(5),
		taxID:       func(r *rand.Rand) string { return "IT" + digits(r, 11) },
		banks:       []string{"Banca Padana", "Credito Adriatico", "Banca Commerciale Toscana"},
		iban:        27,
		partners:    euPartners},
	"ES": {code: "ES", currency: "EUR", suffixes: []string{"S.A.", "S.L."},
		stems:       []string{"Ibérica", "Cantábrica", "Levante", "Mediterránea", "Castellana", "Andaluza", "Galaica", "Meseta"},
		trades:      []string{"Distribuciones", "Industrias", "Logística", "Suministros", "Servicios", "Comercial"},
		first:       []string{"Hugo", "Lucía", "Martín", "Sofía", "Pablo", "Martina", "Daniel", "María", "Alejandro", "Paula"},
		last:        []string{"García", "Rodríguez", "González", "Fernández", "López", "Martínez", "Sánchez", "Pérez", "Gómez", "Martín"},
		cities:      []city{{"Madrid", "", "28"}, {"Barcelona", "", "08"}, {"Valencia", "", "46"}, {"Sevilla", "", "41"}, {"Bilbao", "", "48"}},
		street:      numbered("Calle {s} {n}"),
		streetNames: []string{"Mayor", "Real", "de Alcalá", "del Sol", "de la Paz", "Gran Vía"},
		postal:      postalDigits(5),
		taxID:       func(r *rand.Rand) string { return "ES" + letters(r, 1) + digits(r, 8) },
		banks:       []string{"Banco Ibérico", "Caja del Levante", "Banco Castellano"},
		iban:        24,
		partners:    euPartners},
	"JP": {code: "JP", currency: "JPY", suffixes: []string{"K.K.", "Co., Ltd."},
		stems:  []string{"Sakura", "Fuji", "Nippon", "Kanto", "Yamato", "Asahi", "Kansai", "Hikari"},
		trades: []string{"Trading", "Industries", "Logistics", "Electric", "Precision", "Shoji"},
		first:  []string{"Haruto", "Yui", "Sota", "Hina", "Yuto", "Aoi", "Riku", "Sakura", "Kenji", "Aiko"},
		last:   []string{"Sato", "Suzuki", "Takahashi", "Tanaka", "Watanabe", "Ito", "Yamamoto", "Nakamura", "Kobayashi", "Kato"},
		cities: []city{{"Tokyo", "Tokyo", "1"}, {"Osaka", "Osaka", "5"}, {"Nagoya", "Aichi", "4"}, {"Yokohama", "Kanagawa", "2"}, {"Fukuoka", "Fukuoka", "8"}},
		street: func(r *rand.Rand, s string) string {
			return fmt.Sprintf("%d-%d-%d %s", 1+r.IntN(9), 1+r.IntN(30), 1+r.IntN(20), s)
		},
		streetNames: []string{"Marunouchi", "Umeda", "Sakae", "Minatomirai", "Tenjin", "Shinjuku"},
		postal:      func(r *rand.Rand, p string) string { return p + digits(r, 2) + "-" + digits(r, 4) },
		taxID:       func(r *rand.Rand) string { return "T" + digits(r, 13) },
		banks:       []string{"Sakura Commercial Bank", "Yamato Trust Bank", "Kansai Shinkin Bank"},
		partners:    []string{"CN", "US", "KR", "DE", "TW"}},
	"CN": {code: "CN", currency: "CNY", suffixes: []string{"Co., Ltd."},
		stems:       []string{"Huaxia", "Zhongxing", "Changjiang", "Jinhua", "Dongfang", "Hengtai", "Xinda", "Baolong"},
		trades:      []string{"Trading", "Industrial", "Electronics", "Logistics", "Machinery", "Technology"},
		first:       []string{"Wei", "Fang", "Lei", "Min", "Jun", "Li", "Yang", "Jing", "Hao", "Xiu"},
		last:        []string{"Wang", "Li", "Zhang", "Liu", "Chen", "Yang", "Huang", "Zhao", "Wu", "Zhou"},
		cities:      []city{{"Shanghai", "SH", "200"}, {"Beijing", "BJ", "100"}, {"Shenzhen", "GD", "518"}, {"Guangzhou", "GD", "510"}, {"Hangzhou", "ZJ", "310"}},
		street:      numbered("{n} {s}"),
		streetNames: []string{"Nanjing Road", "Renmin Road", "Zhongshan Road", "Jiefang Avenue", "Huaihai Road", "Shennan Avenue"},
		postal:      postalDigits(6),
		taxID:       func(r *rand.Rand) string { return "91" + digits(r, 6) + letters(r, 10) },
		banks:       []string{"Huaxia Commercial Bank", "Changjiang Industrial Bank", "Eastern Merchants Bank"},
		partners:    []string{"US", "JP", "KR", "DE", "SG"}},
	"IN": {code: "IN", currency: "INR", suffixes: []string{"Pvt. Ltd.", "Ltd."},
		stems:       []string{"Bharat", "Ganga", "Deccan", "Sahyadri", "Vindhya", "Indus", "Kaveri", "Himalaya"},
		trades:      []string{"Enterprises", "Industries", "Logistics", "Traders", "Technologies", "Engineering"},
		first:       []string{"Aarav", "Priya", "Vihaan", "Ananya", "Arjun", "Diya", "Rohan", "Isha", "Rahul", "Kavya"},
		last:        []string{"Sharma", "Patel", "Singh", "Kumar", "Gupta", "Reddy", "Iyer", "Nair", "Mehta", "Joshi"},
		cities:      []city{{"Mumbai", "MH", "400"}, {"Bengaluru", "KA", "560"}, {"New Delhi", "DL", "110"}, {"Chennai", "TN", "600"}, {"Pune", "MH", "411"}, {"Hyderabad", "TG", "500"}},
		street:      numbered("{n} {s}"),
		streetNames: []string{"MG Road", "Station Road", "Nehru Marg", "Gandhi Road", "Residency Road", "Link Road"},
		postal:      postalDigits(6),
		taxID: func(r *rand.Rand) string {
			return digits(r, 2) + letters(r, 5) + digits(r, 4) + letters(r, 1) + "1Z" + digits(r, 1)
		},
		banks:    []string{"Bharat Commercial Bank", "Deccan Co-operative Bank", "Indus Trade Bank"},
		partners: []string{"US", "AE", "CN", "GB", "SG", "DE"}},
	"AU": {code: "AU", currency: "AUD", suffixes: []string{"Pty Ltd", "Ltd"},
		stems:       []string{"Southern Cross", "Outback", "Coral", "Eucalyptus", "Murray", "Tasman", "Kookaburra", "Harbourside"},
		trades:      []string{"Supplies", "Industries", "Logistics", "Distribution", "Services", "Trading"},
		first:       []string{"Oliver", "Charlotte", "Jack", "Olivia", "William", "Mia", "Noah", "Isla", "Thomas", "Grace"},
		last:        []string{"Smith", "Jones", "Williams", "Brown", "Wilson", "Taylor", "Nguyen", "Johnson", "Martin", "White"},
		cities:      []city{{"Sydney", "NSW", "2"}, {"Melbourne", "VIC", "3"}, {"Brisbane", "QLD", "4"}, {"Perth", "WA", "6"}, {"Adelaide", "SA", "5"}},
		street:      func(r *rand.Rand, s string) string { return fmt.Sprintf("%d %s", 1+r.IntN(400), s) },
		streetNames: []string{"George Street", "Collins Street", "Queen Street", "Hay Street", "King William Street", "Pitt Street"},
		postal:      postalDigits(4),
		taxID:       func(r *rand.Rand) string { return digits(r, 11) },
		banks:       []string{"Southern Cross Bank", "Tasman Savings Bank", "Commonwealth Trade Bank"},
		partners:    []string{"CN", "US", "JP", "NZ", "SG"}},
	"AT": {code: "AT", currency: "EUR", suffixes: []string{"GmbH", "AG", "KG", "OG"},
		stems:  []string{"Donau", "Alpenland", "Wienerwald", "Tauern", "Arlberg", "Salzach", "Dachstein", "Wachau"},
		trades: []string{"Handel", "Maschinenbau", "Logistik", "Technik", "Holzindustrie", "Elektro", "Vertrieb", "Bau"},
		first:  []string{"Lukas", "Anna", "Tobias", "Sarah", "David", "Lena", "Florian", "Katharina", "Stefan", "Julia"},
		last:   []string{"Gruber", "Huber", "Bauer", "Wagner", "Müller", "Pichler", "Steiner", "Moser", "Mayer", "Hofer"},
		cities: []city{{"Wien", "", "10"}, {"Graz", "", "80"}, {"Linz", "", "40"}, {"Salzburg", "", "50"}, {"Innsbruck", "", "60"},
			{"Klagenfurt", "", "90"}, {"St. Pölten", "", "31"}, {"Villach", "", "95"}},
		street:      numbered("{s} {n}"),
		streetNames: []string{"Hauptstraße", "Mariahilfer Straße", "Bahnhofstraße", "Wiener Straße", "Linzer Straße", "Industriestraße", "Kirchengasse"},
		postal:      postalDigits(4),
		taxID:       func(r *rand.Rand) string { return "ATU" + digits(r, 8) },
		banks:       []string{"Donautal Handelsbank", "Tauern Sparkasse", "Wienerwald Kreditbank"},
		iban:        20,
		ibanDigits:  true,
		partners:    []string{"DE", "IT", "CH", "PL", "FR", "US", "CN"}},
	"BE": {code: "BE", currency: "EUR", suffixes: []string{"NV", "SA", "BV", "SRL"},
		stems:  []string{"Schelde", "Ardennes", "Brabant", "Kempen", "Flandria", "Meuse", "Leie", "Hesbaye"},
		trades: []string{"Logistiek", "Distribution", "Techniek", "Industrie", "Handel", "Services", "Transport"},
		first:  []string{"Lucas", "Emma", "Arthur", "Louise", "Thomas", "Marie", "Luc", "Sophie", "Pieter", "Nathalie"},
		last:   []string{"Peeters", "Janssens", "Maes", "Jacobs", "Mertens", "Willems", "Claes", "Goossens", "Wouters", "Dubois"},
		cities: []city{{"Brussel", "", "10"}, {"Antwerpen", "", "20"}, {"Gent", "", "90"}, {"Liège", "", "40"}, {"Charleroi", "", "60"},
			{"Leuven", "", "30"}, {"Brugge", "", "80"}, {"Namur", "", "50"}},
		street:      numbered("{s} {n}"),
		streetNames: []string{"Kerkstraat", "Stationsstraat", "Nieuwstraat", "Rue de la Station", "Avenue Louise", "Rue Neuve", "Chaussée de Louvain"},
		postal:      postalDigits(4),
		taxID:       func(r *rand.Rand) string { return "BE0" + digits(r, 9) },
		banks:       []string{"Kempische Handelsbank", "Banque Mosane de Commerce", "Flandria Spaarbank"},
		iban:        16,
		ibanDigits:  true,
		partners:    []string{"NL", "DE", "FR", "GB", "IT", "ES", "US", "CN"}},
	"SE": {code: "SE", currency: "SEK", suffixes: []string{"AB", "AB (publ)", "HB"},
		stems:  []string{"Norrland", "Vättern", "Skåne", "Mälardalen", "Fjäll", "Björk", "Svea", "Kolmården"},
		trades: []string{"Bygg", "Logistik", "Industri", "Teknik", "Handel", "Verkstad", "Transport", "Konsult"},
		first:  []string{"Erik", "Anna", "Lars", "Maria", "Karl", "Eva", "Johan", "Karin", "Anders", "Sara"},
		last:   []string{"Andersson", "Johansson", "Karlsson", "Nilsson", "Eriksson", "Larsson", "Olsson", "Persson", "Svensson", "Gustafsson"},
		cities: []city{{"Stockholm", "", "11"}, {"Göteborg", "", "41"}, {"Malmö", "", "21"}, {"Uppsala", "", "75"}, {"Västerås", "", "72"},
			{"Örebro", "", "70"}, {"Linköping", "", "58"}, {"Helsingborg", "", "25"}},
		street:      numbered("{s} {n}"),
		streetNames: []string{"Storgatan", "Drottninggatan", "Kungsgatan", "Industrivägen", "Hamngatan", "Sveavägen", "Järnvägsgatan"},
		postal:      postalSplit(5, 3, " "),
		taxID:       func(r *rand.Rand) string { return "SE55" + digits(r, 8) + "01" },
		banks:       []string{"Norrsken Bank", "Fjällbanken", "Skärgårdens Affärsbank"},
		iban:        24,
		ibanDigits:  true,
		partners:    []string{"NO", "DK", "FI", "DE", "GB", "NL", "PL", "US", "CN"}},
	"DK": {code: "DK", currency: "DKK", suffixes: []string{"A/S", "ApS", "I/S"},
		stems:  []string{"Jylland", "Øresund", "Fyn", "Limfjord", "Kattegat", "Nordsø", "Himmerland", "Vesterhav"},
		trades: []string{"Handel", "Logistik", "Maskinfabrik", "Byg", "Teknik", "Transport", "Industri", "Engros"},
		first:  []string{"Peter", "Anne", "Jens", "Kirsten", "Lars", "Mette", "Søren", "Hanne", "Michael", "Camilla"},
		last:   []string{"Nielsen", "Jensen", "Hansen", "Pedersen", "Andersen", "Christensen", "Larsen", "Sørensen", "Rasmussen", "Jørgensen"},
		cities: []city{{"København", "", "1"}, {"Aarhus", "", "80"}, {"Odense", "", "50"}, {"Aalborg", "", "90"}, {"Esbjerg", "", "67"},
			{"Kolding", "", "60"}, {"Vejle", "", "71"}, {"Randers", "", "89"}},
		street:      numbered("{s} {n}"),
		streetNames: []string{"Vestergade", "Østergade", "Nørregade", "Søndergade", "Algade", "Havnegade", "Industrivej", "Jernbanegade"},
		postal:      postalDigits(4),
		taxID:       func(r *rand.Rand) string { return "DK" + digits(r, 8) },
		banks:       []string{"Kattegat Erhvervsbank", "Øresund Handelsbank", "Limfjord Andelskasse"},
		iban:        18,
		ibanDigits:  true,
		partners:    []string{"DE", "SE", "NO", "GB", "NL", "PL", "US", "CN"}},
	"NO": {code: "NO", currency: "NOK", suffixes: []string{"AS", "ASA"},
		stems:  []string{"Fjord", "Nordkapp", "Lofoten", "Hardanger", "Vestland", "Polar", "Trollheimen", "Jotun"},
		trades: []string{"Handel", "Logistikk", "Industri", "Teknikk", "Entreprenør", "Transport", "Verksted", "Maritim"},
		first:  []string{"Jan", "Anne", "Per", "Inger", "Bjørn", "Kari", "Ole", "Marit", "Lars", "Ingrid"},
		last:   []string{"Hansen", "Johansen", "Olsen", "Larsen", "Andersen", "Pedersen", "Nilsen", "Kristiansen", "Jensen", "Karlsen"},
		cities: []city{{"Oslo", "", "0"}, {"Bergen", "", "50"}, {"Trondheim", "", "70"}, {"Stavanger", "", "40"}, {"Drammen", "", "30"},
			{"Kristiansand", "", "46"}, {"Tromsø", "", "90"}, {"Fredrikstad", "", "16"}},
		street:      numbered("{s} {n}"),
		streetNames: []string{"Storgata", "Kirkegata", "Strandgata", "Karl Johans gate", "Kongens gate", "Sjøgata", "Industriveien"},
		postal:      postalDigits(4),
		taxID:       func(r *rand.Rand) string { return "NO9" + digits(r, 8) + "MVA" },
		banks:       []string{"Nordlys Sparebank", "Hardanger Næringsbank", "Vestkyst Forretningsbank"},
		iban:        15,
		ibanDigits:  true,
		partners:    []string{"SE", "DK", "DE", "GB", "NL", "FI", "US", "CN"}},
	"FI": {code: "FI", currency: "EUR", suffixes: []string{"Oy", "Oyj", "Ky"},
		stems:  []string{"Saimaa", "Lappi", "Karelia", "Tunturi", "Revontuli", "Kaleva", "Koivu", "Päijänne"},
		trades: []string{"Kauppa", "Logistiikka", "Tekniikka", "Rakennus", "Metalli", "Kuljetus", "Teollisuus", "Palvelut"},
		first:  []string{"Juha", "Anne", "Mikko", "Päivi", "Timo", "Tuula", "Jari", "Sari", "Antti", "Laura"},
		last:   []string{"Korhonen", "Virtanen", "Mäkinen", "Nieminen", "Mäkelä", "Hämäläinen", "Laine", "Heikkinen", "Koskinen", "Järvinen"},
		cities: []city{{"Helsinki", "", "00"}, {"Espoo", "", "02"}, {"Vantaa", "", "01"}, {"Tampere", "", "33"}, {"Turku", "", "20"},
			{"Oulu", "", "90"}, {"Jyväskylä", "", "40"}, {"Lahti", "", "15"}},
		street:      numbered("{s} {n}"),
		streetNames: []string{"Mannerheimintie", "Hämeenkatu", "Aleksanterinkatu", "Kauppakatu", "Satamakatu", "Asemakatu", "Teollisuustie"},
		postal:      postalDigits(5),
		taxID:       func(r *rand.Rand) string { return "FI" + digits(r, 8) },
		banks:       []string{"Tunturi Säästöpankki", "Saimaan Liikepankki", "Revontuli Pankki"},
		iban:        18,
		ibanDigits:  true,
		partners:    []string{"SE", "DE", "NO", "DK", "NL", "PL", "US", "CN"}},
	"PL": {code: "PL", currency: "PLN", suffixes: []string{"Sp. z o.o.", "S.A.", "Sp.k."},
		stems:  []string{"Wisła", "Mazowsze", "Bałtyk", "Tatry", "Pomorze", "Warta", "Orzeł", "Śląsk"},
		trades: []string{"Handel", "Logistyka", "Transport", "Budownictwo", "Przemysł", "Technika", "Dystrybucja", "Usługi"},
		first:  []string{"Piotr", "Anna", "Krzysztof", "Maria", "Andrzej", "Katarzyna", "Tomasz", "Małgorzata", "Paweł", "Agnieszka"},
		// Surnames that keep their form for women (Nowak, not Kowalski).
		last: []string{"Nowak", "Wójcik", "Kowalczyk", "Woźniak", "Mazur", "Krawczyk", "Kaczmarek", "Zając", "Król", "Wieczorek"},
		cities: []city{{"Warszawa", "", "00"}, {"Kraków", "", "30"}, {"Łódź", "", "90"}, {"Wrocław", "", "50"}, {"Poznań", "", "60"},
			{"Gdańsk", "", "80"}, {"Katowice", "", "40"}, {"Lublin", "", "20"}},
		street:      numbered("ul. {s} {n}"),
		streetNames: []string{"Marszałkowska", "Piłsudskiego", "Mickiewicza", "Kościuszki", "Długa", "Polna", "Przemysłowa", "Słowackiego"},
		postal:      postalSplit(5, 2, "-"),
		taxID:       func(r *rand.Rand) string { return "PL" + digits(r, 10) },
		banks:       []string{"Nadwiślański Bank Kupiecki", "Tatrzański Bank Przemysłowy", "Mazowiecka Kasa Kredytowa"},
		iban:        28,
		ibanDigits:  true,
		partners:    []string{"DE", "NL", "IT", "FR", "GB", "SE", "CN", "US"}},
	"IE": {code: "IE", currency: "EUR", suffixes: []string{"Ltd", "DAC", "PLC"},
		stems:  []string{"Shannon", "Liffey", "Emerald", "Connacht", "Wicklow", "Burren", "Munster", "Slaney"},
		trades: []string{"Supplies", "Engineering", "Logistics", "Distribution", "Services", "Trading", "Technologies"},
		first:  []string{"Seán", "Mary", "Conor", "Siobhán", "Patrick", "Aoife", "Declan", "Niamh", "Ciarán", "Sinéad"},
		last:   []string{"Murphy", "Kelly", "O'Sullivan", "Walsh", "Smith", "O'Brien", "Byrne", "Ryan", "O'Connor", "O'Neill"},
		// The postal prefix is the Eircode's routing key.
		cities: []city{{"Dublin", "", "D02"}, {"Cork", "", "T12"}, {"Galway", "", "H91"}, {"Limerick", "", "V94"}, {"Waterford", "", "X91"},
			{"Kilkenny", "", "R95"}, {"Sligo", "", "F91"}},
		street:      numbered("{n} {s}"),
		streetNames: []string{"Main Street", "O'Connell Street", "Grafton Street", "Patrick Street", "Shop Street", "Dame Street", "Church Road"},
		postal: func(r *rand.Rand, p string) string {
			const eircode = "ACDEFHKNPRTVWXY" // the letters an Eircode's unique identifier uses
			return p + " " + string(eircode[r.IntN(len(eircode))]) + digits(r, 3)
		},
		taxID:    func(r *rand.Rand) string { return "IE" + digits(r, 7) + letters(r, 1) },
		banks:    []string{"Shannon Commercial Bank", "Liffey Savings Bank", "Connacht Trust Bank"},
		iban:     22,
		partners: []string{"GB", "US", "DE", "FR", "NL", "BE", "CN"}},
	"PT": {code: "PT", currency: "EUR", suffixes: []string{"Lda.", "S.A.", "Unipessoal Lda."},
		stems:  []string{"Lusitana", "Tejo", "Douro", "Minho", "Algarve", "Alentejo", "Mondego", "Estrela"},
		trades: []string{"Comércio", "Distribuição", "Logística", "Indústria", "Serviços", "Construções", "Transportes", "Tecnologia"},
		first:  []string{"João", "Maria", "José", "Ana", "António", "Joana", "Francisco", "Inês", "Rui", "Catarina"},
		last:   []string{"Silva", "Santos", "Ferreira", "Pereira", "Oliveira", "Costa", "Rodrigues", "Martins", "Sousa", "Fernandes"},
		cities: []city{{"Lisboa", "", "11"}, {"Porto", "", "40"}, {"Braga", "", "47"}, {"Coimbra", "", "30"}, {"Faro", "", "80"},
			{"Aveiro", "", "38"}, {"Setúbal", "", "29"}, {"Funchal", "", "90"}},
		street:      numbered("{s}, {n}"),
		streetNames: []string{"Rua Augusta", "Avenida da Liberdade", "Rua de Santa Catarina", "Rua do Comércio", "Avenida da República", "Rua Direita"},
		postal:      postalSplit(7, 4, "-"),
		// Companies' numbers (NIPC) start with 5.
		taxID:      func(r *rand.Rand) string { return "PT5" + digits(r, 8) },
		banks:      []string{"Banco do Tejo e Douro", "Caixa Económica do Mondego", "Banco Minhoto de Investimento"},
		iban:       25,
		ibanDigits: true,
		partners:   []string{"ES", "FR", "DE", "GB", "IT", "NL", "BR", "US"}},
	"SG": {code: "SG", currency: "SGD", suffixes: []string{"Pte. Ltd.", "Ltd."},
		stems:  []string{"Lion City", "Merlion", "Orchard", "Straits", "Marina", "Kallang", "Jurong", "Tanjong"},
		trades: []string{"Trading", "Logistics", "Engineering", "Holdings", "Supplies", "Technologies", "Marine", "Services"},
		first:  []string{"Wei Ming", "Hui Min", "Jun Jie", "Mei Ling", "Kai Xiang", "Xin Yi", "Daniel", "Rachel", "Jonathan", "Michelle"},
		last:   []string{"Tan", "Lim", "Lee", "Ng", "Ong", "Wong", "Goh", "Chua", "Chan", "Koh"},
		// One city; the postal prefix is the sector: Raffles Place,
		// Tanjong Pagar, Orchard, Ang Mo Kio, Tampines, Jurong, Woodlands.
		cities: []city{{"Singapore", "", "04"}, {"Singapore", "", "07"}, {"Singapore", "", "23"}, {"Singapore", "", "56"},
			{"Singapore", "", "52"}, {"Singapore", "", "60"}, {"Singapore", "", "73"}},
		street:      numbered("{n} {s}"),
		streetNames: []string{"Orchard Road", "Shenton Way", "Anson Road", "Jurong Port Road", "Tampines Avenue 5", "Ang Mo Kio Avenue 3", "Ubi Avenue 1"},
		postal:      postalDigits(6),
		// A company's UEN: year of registration, five digits, a letter.
		taxID:    func(r *rand.Rand) string { return fmt.Sprint(1990+r.IntN(35)) + digits(r, 5) + letters(r, 1) },
		banks:    []string{"Lion City Commercial Bank", "Straits Merchant Bank", "Merlion Trust Bank"},
		partners: []string{"CN", "US", "JP", "IN", "AU", "KR", "TW", "DE"}},
	"NZ": {code: "NZ", currency: "NZD", suffixes: []string{"Limited", "Ltd"},
		stems:  []string{"Kiwi", "Aotearoa", "Kauri", "Fernleaf", "Waitemata", "Canterbury", "Ruapehu", "Southern Alps"},
		trades: []string{"Supplies", "Logistics", "Engineering", "Distribution", "Services", "Trading", "Industries"},
		first:  []string{"James", "Charlotte", "Jack", "Olivia", "William", "Isla", "Oliver", "Sophie", "Wiremu", "Aroha"},
		last:   []string{"Smith", "Wilson", "Williams", "Brown", "Taylor", "Jones", "Singh", "Anderson", "Thompson", "Walker"},
		cities: []city{{"Auckland", "", "10"}, {"Wellington", "", "60"}, {"Christchurch", "", "80"}, {"Hamilton", "", "32"},
			{"Tauranga", "", "31"}, {"Dunedin", "", "90"}, {"Palmerston North", "", "44"}, {"Napier", "", "41"}},
		street:      numbered("{n} {s}"),
		streetNames: []string{"Queen Street", "Lambton Quay", "Colombo Street", "Victoria Street", "Great South Road", "Cuba Street", "George Street"},
		postal:      postalDigits(4),
		// The GST number is the IRD number.
		taxID:    func(r *rand.Rand) string { return digits(r, 3) + "-" + digits(r, 3) + "-" + digits(r, 3) },
		banks:    []string{"Kauri Commercial Bank", "Waitemata Trust Bank", "Ruapehu Savings Bank"},
		partners: []string{"AU", "CN", "US", "JP", "SG", "KR", "GB"}},
	"ZA": {code: "ZA", currency: "ZAR", suffixes: []string{"(Pty) Ltd", "Ltd"},
		stems:  []string{"Highveld", "Karoo", "Drakensberg", "Protea", "Limpopo", "Kalahari", "Vaal", "Boland"},
		trades: []string{"Trading", "Engineering", "Logistics", "Holdings", "Supplies", "Services", "Distributors", "Construction"},
		first:  []string{"Sipho", "Thandi", "Thabo", "Nomvula", "Johan", "Lerato", "Pieter", "Zanele", "David", "Anele"},
		last:   []string{"Dlamini", "Nkosi", "Ndlovu", "Khumalo", "Mokoena", "Mahlangu", "Naidoo", "Botha", "van der Merwe", "Smith"},
		cities: []city{{"Johannesburg", "GP", "20"}, {"Cape Town", "WC", "80"}, {"Durban", "KZN", "40"}, {"Pretoria", "GP", "00"},
			{"Gqeberha", "EC", "60"}, {"Bloemfontein", "FS", "93"}, {"East London", "EC", "52"}},
		street:      numbered("{n} {s}"),
		streetNames: []string{"Main Road", "Church Street", "Jan Smuts Avenue", "Long Street", "Commissioner Street", "Voortrekker Road", "Oxford Road"},
		postal:      postalDigits(4),
		taxID:       func(r *rand.Rand) string { return "4" + digits(r, 9) },
		banks:       []string{"Highveld Commercial Bank", "Karoo Savings Bank", "Drakensberg Trust Bank"},
		partners:    []string{"CN", "DE", "US", "GB", "IN", "JP", "NL"}},
	"KR": {code: "KR", currency: "KRW", suffixes: []string{"Co., Ltd.", "Corp."},
		stems:  []string{"Daehan", "Hanil", "Dongyang", "Hanbit", "Seorak", "Baekdu", "Mirae", "Sejong"},
		trades: []string{"Sangsa", "Saneop", "Jeonja", "Mullyu", "Trading", "Industrial", "Precision", "Chemical"},
		first:  []string{"Min-jun", "Seo-yeon", "Ji-hoon", "Ji-woo", "Hyun-woo", "Su-bin", "Jun-seo", "Ha-eun", "Dong-hyun", "Ji-yeon"},
		last:   []string{"Kim", "Lee", "Park", "Choi", "Jung", "Kang", "Cho", "Yoon", "Jang", "Lim"},
		// Seoul's postal codes start 01 to 08.
		cities: []city{{"Seoul", "", "01 02 03 04 05 06 07 08"}, {"Busan", "", "48"}, {"Incheon", "", "22"}, {"Daegu", "", "42"},
			{"Daejeon", "", "34"}, {"Gwangju", "", "61"}, {"Ulsan", "", "44"}, {"Suwon", "Gyeonggi", "16"}},
		street:      numbered("{n} {s}"),
		streetNames: []string{"Teheran-ro", "Sejong-daero", "Jong-ro", "Eulji-ro", "Gangnam-daero", "Jungang-daero", "Haeundae-ro"},
		postal:      postalDigits(5),
		taxID:       func(r *rand.Rand) string { return digits(r, 3) + "-" + digits(r, 2) + "-" + digits(r, 5) },
		banks:       []string{"Seorak Commercial Bank", "Baekdu Savings Bank", "Sejong Trust Bank"},
		partners:    []string{"CN", "US", "JP", "TW", "SG", "DE", "AU"}},
	"TW": {code: "TW", currency: "TWD", suffixes: []string{"Co., Ltd.", "Corp."},
		stems:  []string{"Formosa", "Yu Shan", "Chung Hsing", "Kuang Hua", "Chin Lung", "Fu Hsing", "Tai Ping", "Hua Mei"},
		trades: []string{"Industrial", "Electronics", "Precision", "Enterprise", "Trading", "Technology", "Machinery"},
		first:  []string{"Chia-hao", "Shu-fen", "Chih-ming", "Mei-ling", "Chun-hung", "Ya-ting", "Chien-hung", "Hsiu-ying", "Yu-ting", "Wei-lun"},
		last:   []string{"Chen", "Lin", "Huang", "Chang", "Li", "Wang", "Wu", "Liu", "Tsai", "Yang"},
		cities: []city{{"Taipei", "", "10"}, {"New Taipei", "", "22"}, {"Taichung", "", "40"}, {"Kaohsiung", "", "80"}, {"Tainan", "", "70"},
			{"Taoyuan", "", "33"}, {"Hsinchu", "", "30"}},
		street:      numbered("No. {n}, {s}"),
		streetNames: []string{"Zhongxiao East Road", "Zhongshan North Road", "Minsheng East Road", "Xinyi Road", "Dunhua South Road", "Chenggong Road", "Zhonghua Road"},
		postal:      postalDigits(6),
		// The unified business number.
		taxID:    func(r *rand.Rand) string { return digits(r, 8) },
		banks:    []string{"Jade Harbor Commercial Bank", "Formosa Strait Trust Bank", "Island Merchants Savings Bank"},
		partners: []string{"CN", "US", "JP", "KR", "SG", "DE"}},
	"AR": {code: "AR", currency: "ARS", suffixes: []string{"S.A.", "S.R.L.", "S.A.S."},
		stems:  []string{"Pampa", "Andina", "Patagonia", "Del Plata", "Austral", "Cuyo", "Litoral", "Aconcagua"},
		trades: []string{"Distribuidora", "Industrias", "Logística", "Comercial", "Servicios", "Agropecuaria", "Metalúrgica", "Transportes"},
		first:  []string{"Juan", "María", "Santiago", "Sofía", "Mateo", "Valentina", "Martín", "Camila", "Lucas", "Florencia"},
		last:   []string{"González", "Rodríguez", "Gómez", "Fernández", "López", "Díaz", "Martínez", "Pérez", "García", "Sánchez"},
		// The postal prefix is the province's letter and the old code's
		// leading digits of a CPA (C1043AAB).
		cities: []city{{"Buenos Aires", "CABA", "C10"}, {"Córdoba", "Córdoba", "X50"}, {"Rosario", "Santa Fe", "S20"},
			{"Mendoza", "Mendoza", "M55"}, {"La Plata", "Buenos Aires", "B19"}, {"San Miguel de Tucumán", "Tucumán", "T40"},
			{"Mar del Plata", "Buenos Aires", "B76"}},
		street:      func(r *rand.Rand, s string) string { return fmt.Sprintf("%s %d", s, 100+r.IntN(4900)) },
		streetNames: []string{"Av. Corrientes", "Av. Santa Fe", "San Martín", "Belgrano", "Rivadavia", "Sarmiento", "Bartolomé Mitre"},
		postal:      func(r *rand.Rand, p string) string { return p + digits(r, 5-len(p)) + letters(r, 3) },
		// A company's CUIT starts with 30.
		taxID:    func(r *rand.Rand) string { return "30-" + digits(r, 8) + "-" + digits(r, 1) },
		banks:    []string{"Banco Cuyano Comercial", "Caja Rioplatense de Crédito", "Banco Aconcagua de Inversión"},
		partners: []string{"BR", "CN", "US", "ES", "DE", "IT", "MX"}},
	"AE": {code: "AE", currency: "AED", suffixes: []string{"LLC", "FZE", "FZCO"},
		stems:  []string{"Al Noor", "Al Waha", "Al Khaleej", "Al Reem", "Al Majd", "Al Safa", "Al Marjan", "Al Sahel"},
		trades: []string{"General Trading", "Trading", "Contracting", "Logistics", "Technical Services", "Building Materials", "Electromechanical"},
		first:  []string{"Mohammed", "Fatima", "Ahmed", "Mariam", "Khalid", "Aisha", "Omar", "Noura", "Rashid", "Sara"},
		last:   []string{"Al Mansoori", "Al Hashimi", "Al Nuaimi", "Al Shamsi", "Al Zaabi", "Al Mazrouei", "Al Ketbi", "Al Dhaheri", "Al Suwaidi", "Al Falasi"},
		cities: []city{{"Dubai", "", ""}, {"Abu Dhabi", "", ""}, {"Sharjah", "", ""}, {"Ajman", "", ""}, {"Ras Al Khaimah", "", ""},
			{"Fujairah", "", ""}, {"Al Ain", "Abu Dhabi", ""}},
		street:      numbered("Office {n}, {s}"),
		streetNames: []string{"Sheikh Zayed Road", "Al Wasl Road", "Khalifa Street", "Corniche Road", "Al Maktoum Road", "Hamdan Street", "Al Ittihad Road"},
		// The Emirates have no postal codes; mail goes to a P.O. Box.
		postal:     func(r *rand.Rand, _ string) string { return "P.O. Box " + fmt.Sprint(100+r.IntN(99900)) },
		taxID:      func(r *rand.Rand) string { return "100" + digits(r, 12) },
		banks:      []string{"Al Waha Commercial Bank", "Marjan Trade Bank", "Sahel Merchant Bank"},
		iban:       23,
		ibanDigits: true,
		partners:   []string{"IN", "CN", "US", "GB", "DE", "JP", "SG"}},
	"TR": {code: "TR", currency: "TRY", suffixes: []string{"A.Ş.", "Ltd. Şti."},
		stems:  []string{"Anadolu", "Boğaziçi", "Ege", "Marmara", "Toros", "Karadeniz", "Kapadokya", "Yıldız"},
		trades: []string{"Ticaret", "Sanayi ve Ticaret", "Lojistik", "İnşaat", "Tekstil", "Gıda", "Makina", "Elektronik"},
		first:  []string{"Mehmet", "Ayşe", "Mustafa", "Fatma", "Ahmet", "Emine", "Ali", "Hatice", "Hüseyin", "Zeynep"},
		last:   []string{"Yılmaz", "Kaya", "Demir", "Şahin", "Çelik", "Yıldız", "Yıldırım", "Öztürk", "Aydın", "Özdemir"},
		// Postal codes start with the province's number.
		cities: []city{{"İstanbul", "", "34"}, {"Ankara", "", "06"}, {"İzmir", "", "35"}, {"Bursa", "", "16"}, {"Antalya", "", "07"},
			{"Konya", "", "42"}, {"Adana", "", "01"}, {"Gaziantep", "", "27"}},
		street:      numbered("{s} No: {n}"),
		streetNames: []string{"Atatürk Caddesi", "Cumhuriyet Caddesi", "İstiklal Caddesi", "İnönü Caddesi", "Bağdat Caddesi", "Fevzi Çakmak Caddesi"},
		postal:      postalDigits(5),
		taxID:       func(r *rand.Rand) string { return digits(r, 10) },
		banks:       []string{"Kapadokya Yatırım Bankası", "Toros Katılım Bankası", "Yıldız Ticaret Bankası"},
		iban:        26,
		ibanDigits:  true,
		partners:    []string{"DE", "CN", "GB", "IT", "US", "ES", "NL", "FR"}},
}

// countryOf returns the profile of an ISO 3166 country code. A country
// without one of its own gets a neutral profile under its own code: English
// names, "Ltd." and a tax number that starts with the code.
func countryOf(code string) *country {
	if c, ok := countries[code]; ok {
		return c
	}
	if c, ok := neutral.Load(code); ok {
		return c.(*country)
	}
	c, _ := neutral.LoadOrStore(code, newNeutral(code))
	return c.(*country)
}

// neutral caches the neutral profiles made so far.
var neutral sync.Map

// newNeutral makes the profile of a country without one of its own. No
// profile names such a country among its partners, so it is only ever the
// country of a company of the run, whose partners there pay in that
// company's currency: the profile needs no currency.
func newNeutral(code string) *country {
	gb := countries["GB"]
	c := *gb
	c.code = code
	c.currency = ""
	c.suffixes = []string{"Ltd."}
	c.stems = []string{"Global", "Central", "United", "Premier", "National", "Metro", "Eastern", "Western"}
	c.cities = []city{{"Capital City", "", ""}, {"Port City", "", ""}, {"Riverside", "", ""}}
	c.postal = postalDigits(5)
	c.taxID = func(r *rand.Rand) string { return code + digits(r, 10) }
	c.iban = 0
	c.partners = []string{"US", "DE", "CN", "GB"}
	return &c
}

// personName draws a first and last name of the country.
func (c *country) personName(r *rand.Rand) (first, last string) {
	return pick(r, c.first), pick(r, c.last)
}

// brand draws what a business or foundation of the country is called
// after: a made-up brand or a family name.
func (c *country) brand(r *rand.Rand) string {
	if stem := pick(r, c.stems); r.IntN(3) != 0 {
		return stem
	}
	return pick(r, c.last)
}

// businessName draws a company name of the country: a brand and a trade,
// then one of its legal forms.
func (c *country) businessName(r *rand.Rand) (name, legal string) {
	return c.brand(r) + " " + pick(r, c.trades), pick(r, c.suffixes)
}

// address draws a street address, city and postal code.
func (c *country) address(r *rand.Rand) (street, cityName, postal string) {
	return c.addressIn(r, pick(r, c.cities))
}

// addressIn draws a street address and postal code in city ct.
func (c *country) addressIn(r *rand.Rand, ct city) (street, cityName, postal string) {
	street = c.street(r, pick(r, c.streetNames))
	postal = c.postal(r, ct.postal)
	cityName = ct.name
	if ct.region != "" && ct.region != ct.name {
		cityName += ", " + ct.region
	}
	return street, cityName, postal
}

// partnerCountry draws the country of a trading partner of a company in
// home: mostly domestic (domesticPct percent), otherwise one of home's
// usual partners.
func partnerCountry(r *rand.Rand, home *country, domesticPct int) *country {
	if r.IntN(100) < domesticPct {
		return home
	}
	return countryOf(pick(r, home.partners))
}

// bankAccount draws a bank account of a partner in country c, as the JSON
// array DataSynth writes in bank_accounts.
func (c *country) bankAccount(r *rand.Rand, holder string) string {
	var number, routing string
	if c.iban > 0 {
		var bban string
		if c.ibanDigits {
			bban = digits(r, c.iban-4)
		} else {
			bban = letters(r, 4) + digits(r, c.iban-8)
		}
		number = c.code + ibanCheck(c.code, bban) + bban
		routing = letters(r, 4) + c.code + letters(r, 2)
	} else {
		number = digits(r, 10+r.IntN(3))
		routing = digits(r, 9)
	}
	b := []byte(`[{"bank_name":`)
	b = table.AppendJSONString(b, pick(r, c.banks))
	b = append(b, `,"bank_country":`...)
	b = table.AppendJSONString(b, c.code)
	b = append(b, `,"account_number":`...)
	b = table.AppendJSONString(b, number)
	b = append(b, `,"routing_code":`...)
	b = table.AppendJSONString(b, routing)
	b = append(b, `,"holder_name":`...)
	b = table.AppendJSONString(b, holder)
	b = append(b, `,"is_primary":true}]`...)
	return string(b)
}

// ibanCheck returns the check digits of the IBAN of country code and
// account bban (ISO 13616): 98 minus the remainder, divided by 97, of the
// number that bban, code and "00" spell with the letters as A=10 to Z=35.
func ibanCheck(code, bban string) string {
	m := 0
	for _, ch := range bban + code + "00" {
		if ch >= 'A' {
			m = (m*100 + int(ch-'A'+10)) % 97
		} else {
			m = (m*10 + int(ch-'0')) % 97
		}
	}
	return fmt.Sprintf("%02d", 98-m)
}
