package masterdata

import (
	"fmt"
	"math/rand/v2"
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
	// bank names a bank; iban is the IBAN length (0: no IBAN).
	banks []string
	iban  int
	// partners are the countries trading partners come from.
	partners []string
}

type city struct{ name, region, postal string }

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

func numbered(format string) func(r *rand.Rand, name string) string {
	return func(r *rand.Rand, name string) string {
		n := fmt.Sprint(1 + r.IntN(199))
		return strings.NewReplacer("{n}", n, "{s}", name).Replace(format)
	}
}

func postalDigits(n int) func(r *rand.Rand, prefix string) string {
	return func(r *rand.Rand, prefix string) string {
		return prefix + digits(r, n-len(prefix))
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
		stems:       []string{"Maple", "Northern", "Laurentian", "Prairie", "Coastal", "Boreal", "Frontenac", "Cascade"},
		trades:      []string{"Supply", "Industries", "Logistics", "Distribution", "Resources", "Services", "Systems"},
		first:       []string{"Liam", "Olivia", "Noah", "Emma", "William", "Charlotte", "Étienne", "Chloé", "Benjamin", "Amelia"},
		last:        []string{"Tremblay", "Gagnon", "Roy", "Smith", "Brown", "MacDonald", "Wilson", "Martin", "Côté", "Campbell"},
		cities:      []city{{"Toronto", "ON", "M"}, {"Montreal", "QC", "H"}, {"Vancouver", "BC", "V"}, {"Calgary", "AB", "T"}, {"Ottawa", "ON", "K"}},
		street:      func(r *rand.Rand, s string) string { return fmt.Sprintf("%d %s", 10+r.IntN(2000), s) },
		streetNames: []string{"King Street", "Queen Street", "Yonge Street", "Rue Sainte-Catherine", "Granville Street", "Bank Street"},
		postal: func(r *rand.Rand, p string) string {
			return p + digits(r, 1) + letters(r, 1) + " " + digits(r, 1) + letters(r, 1) + digits(r, 1)
		},
		taxID:    func(r *rand.Rand) string { return digits(r, 9) + "RT0001" },
		banks:    []string{"Dominion Commerce Bank", "Maritime Savings Bank", "Canadian Trust Bank"},
		partners: []string{"US", "MX", "CN", "GB", "DE"}},
	"MX": {code: "MX", currency: "MXN", suffixes: []string{"S.A. de C.V.", "S. de R.L. de C.V."},
		stems:       []string{"Azteca", "Sierra", "Pacífico", "Bajío", "Norteña", "Del Valle", "Maya", "Sol"},
		trades:      []string{"Distribuidora", "Industrias", "Logística", "Comercializadora", "Servicios", "Manufacturas"},
		first:       []string{"José", "María", "Juan", "Guadalupe", "Luis", "Fernanda", "Carlos", "Sofía", "Miguel", "Valeria"},
		last:        []string{"Hernández", "García", "Martínez", "López", "González", "Pérez", "Rodríguez", "Sánchez", "Ramírez", "Flores"},
		cities:      []city{{"Ciudad de México", "CDMX", "0"}, {"Guadalajara", "JAL", "44"}, {"Monterrey", "NL", "64"}, {"Puebla", "PUE", "72"}, {"Querétaro", "QRO", "76"}},
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
		stems:       []string{"Thames", "Pennine", "Albion", "Cotswold", "Mersey", "Highland", "Kingsway", "Windsor"},
		trades:      []string{"Supplies", "Engineering", "Logistics", "Distribution", "Services", "Trading", "Systems"},
		first:       []string{"Oliver", "Amelia", "George", "Isla", "Harry", "Ava", "Jack", "Emily", "Thomas", "Sophie"},
		last:        []string{"Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Evans", "Thomas", "Roberts", "Walker"},
		cities:      []city{{"London", "", "EC"}, {"Manchester", "", "M"}, {"Birmingham", "", "B"}, {"Leeds", "", "LS"}, {"Glasgow", "", "G"}, {"Bristol", "", "BS"}},
		street:      func(r *rand.Rand, s string) string { return fmt.Sprintf("%d %s", 1+r.IntN(250), s) },
		streetNames: []string{"High Street", "Station Road", "Church Lane", "Victoria Road", "Mill Lane", "Park Road"},
		postal: func(r *rand.Rand, p string) string {
			return p + fmt.Sprint(1+r.IntN(20)) + " " + digits(r, 1) + letters(r, 2)
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
		postal:      func(r *rand.Rand, p string) string { return p + digits(r, 2) + " " + letters(r, 2) },
		taxID:       func(r *rand.Rand) string { return "NL" + digits(r, 9) + "B01" },
		banks:       []string{"Nederlandse Handelsbank", "Polderbank", "Rabo Coöperatieve Handelsbank"},
		iban:        18,
		partners:    euPartners},
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

// neutralCurrencies are the currencies of partner countries without a
// profile of their own.
var neutralCurrencies = map[string]string{"KR": "KRW", "TW": "TWD", "AR": "ARS", "AE": "AED", "SG": "SGD", "NZ": "NZD"}

func newNeutral(code string) *country {
	gb := countries["GB"]
	c := *gb
	c.code = code
	c.currency = neutralCurrencies[code]
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

// businessName draws a company name of the country with one of its legal
// forms: a made-up brand or a family name, a trade, a suffix.
func (c *country) businessName(r *rand.Rand) string {
	stem := pick(r, c.stems)
	if r.IntN(3) == 0 {
		stem = pick(r, c.last)
	}
	return stem + " " + pick(r, c.trades) + " " + pick(r, c.suffixes)
}

// address draws a street address, city and postal code.
func (c *country) address(r *rand.Rand) (street, cityName, postal string) {
	ct := pick(r, c.cities)
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
		number = c.code + digits(r, 2) + letters(r, 4) + digits(r, c.iban-8)
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
