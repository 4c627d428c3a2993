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
// XA..XZ) except XK, the code in general use for Kosovo; groupings such as
// EU, and UN, which CLDR lists among the countries; and reserved or
// withdrawn codes that CLDR maps to a current one (UK, DD), with the
// current code as the fix.
func countryProblem(code string) string {
	example := `such as "US" or "DE"`
	if len(code) != 2 || strings.ToUpper(code) != code {
		if up := strings.ToUpper(code); len(code) == 2 && countryProblem(up) == "" {
			return fmt.Sprintf("%q is not an ISO 3166 country code; did you mean %q?", code, up)
		}
		return fmt.Sprintf("%q is not a two-letter ISO 3166 country code %s", code, example)
	}
	r, err := language.ParseRegion(code)
	switch {
	case err != nil, !r.IsCountry(), r.IsGroup(), code == "UN", r.IsPrivateUse() && code != "XK":
		return fmt.Sprintf("%q is no country in ISO 3166; give a two-letter country code %s", code, example)
	case r.Canonicalize().String() != code:
		return fmt.Sprintf("%q is not the ISO 3166 code of a current country; did you mean %q?", code, r.Canonicalize().String())
	}
	return ""
}
