package config

import (
	"fmt"
	"strings"

	"golang.org/x/text/language"
)

// countryProblem says what is wrong with code as a company's country, or
// returns "" for an ISO 3166-1 alpha-2 code of a country. The codes come
// from the CLDR region data of golang.org/x/text rather than a list of our
// own. Refused: codes reserved for private use (XX, ZZ, AA, QM..QZ,
// XA..XZ) except XK, the code in general use for Kosovo; regions that
// ISO 3166-1 does not list as countries (CLDR gives them no ISO 3166
// alpha-3 code or no UN M49 number: EU, EZ, UN, EA, IC, AC, CP, DG, TA);
// codes withdrawn from ISO 3166-1, with their successors as the fix (CLDR
// maps some to one current code: UK and DD; the others are listed in
// withdrawnCountries).
func countryProblem(code string) string {
	example := `such as "US" or "DE"`
	if len(code) != 2 || strings.ToUpper(code) != code {
		if up := strings.ToUpper(code); len(code) == 2 && countryProblem(up) == "" {
			return fmt.Sprintf("%q is not an ISO 3166 country code; did you mean %q?", code, up)
		}
		return fmt.Sprintf("%q is not a two-letter ISO 3166 country code %s", code, example)
	}
	if now, ok := withdrawnCountries[code]; ok {
		return fmt.Sprintf("%q was withdrawn from ISO 3166; use %s", code, now)
	}
	r, err := language.ParseRegion(code)
	switch {
	case err == nil && r.Canonicalize().String() != code:
		return fmt.Sprintf("%q is not the ISO 3166 code of a current country; did you mean %q?", code, r.Canonicalize().String())
	case err != nil, !r.IsCountry(), r.IsGroup(), r.ISO3() == "ZZZ", r.M49() == 0, r.IsPrivateUse() && code != "XK":
		return fmt.Sprintf("%q is no country in ISO 3166; give a two-letter country code %s", code, example)
	}
	return ""
}

// withdrawnCountries are the codes withdrawn from ISO 3166-1 that CLDR
// still lists as countries without one successor, and what replaced them.
var withdrawnCountries = map[string]string{
	"AN": `"BQ", "CW" or "SX" (the Netherlands Antilles were dissolved in 2010)`,
	"CS": `"RS" or "ME" (Serbia and Montenegro split in 2006)`,
	"NT": `"IQ" or "SA" (the Neutral Zone was divided in 1991)`,
	"SU": `the code of a successor state, such as "RU" or "UA"`,
	"YU": `the code of a successor state, such as "RS", "HR" or "SI"`,
}
