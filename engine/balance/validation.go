package balance

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"datasynth.dev/engine/chart"
	"datasynth.dev/engine/config"
	"datasynth.dev/engine/money"
)

// ValidationFile is the name of the validation summary in a dataset folder.
const ValidationFile = "balance_validation.json"

// Check names, in the order balance_validation.json lists them.
const (
	CheckEntriesBalanced  = "entries_balanced"
	CheckOpeningBalanced  = "opening_balance_sheet_balanced"
	CheckTrialBalanced    = "trial_balance_debits_equal_credits"
	CheckRollForward      = "trial_balance_roll_forward"
	CheckTiesToJournal    = "trial_balance_ties_to_journal"
	CheckSubledgerControl = "subledger_to_control"
)

var checkText = map[string]string{
	CheckEntriesBalanced: "every journal entry's debits equal its credits",
	CheckOpeningBalanced: "each company's opening balance sheet has assets equal to liabilities plus equity",
	CheckTrialBalanced:   "in every company's trial balance of every period, debits equal credits and the closing balances add up to zero",
	CheckRollForward: "every period opens at the previous period's closing balances; a new fiscal year opens " +
		"income-statement accounts at zero with their result moved into retained earnings",
	CheckTiesToJournal: "each company's trial balance debits over all periods equal the totals of its journal entries " +
		"as generated, and its trial balances count every entry",
	CheckSubledgerControl: "in the opening balances and at every period end of every company, the open items of the " +
		"AP and AR subledgers (subledger/ap_aging, ar_aging) on each control account add up to its balance in the trial balance, " +
		"and the asset register (master_data/fixed_assets: the cost of the assets held, less their depreciation to date) " +
		"equals the balances of the fixed-asset and accumulated-depreciation accounts",
}

// Validation collects the results of the balance checks of a run.
type Validation struct {
	companies []*companyValidation
	byCode    map[string]*companyValidation
	// ch is the chart, for the opening sheet's totals by account type.
	ch *chart.Chart
	// skipOpening and skipSubledgers say why the opening sheet's and the
	// subledgers' checks do not run ("": they run).
	skipOpening, skipSubledgers string
}

type companyValidation struct {
	code, currency string
	digits         int
	entries        int64
	lines          int64
	unbalanced     int64
	debits         int64
	credits        int64
	docTotal       int64
	tallied        int64 // entries seen by the tally
	assets, liabs  int64
	equity         int64
	openingOff     int64 // assets - liabilities - equity
	periodsOff     int64 // periods whose debits differ from credits or closings do not sum to zero
	rollOff        int64 // accounts that did not open at the previous closing
	tieOff         bool
	// controlsRun counts the comparisons of control accounts with their
	// subledgers, controlsOff those that differ; controlDetail describes
	// the first few of them.
	controlsRun, controlsOff int64
	controlDetail            []string
}

// maxDetail is how many differences a check describes.
const maxDetail = 5

// NewValidation returns an empty validation for the chart that runs the
// checks the config's balance section asks for: without opening balances
// or with validate_balance_equation false, the opening sheet is not
// checked; with reconcile_subledgers false, no control account is compared
// with its subledger.
func NewValidation(ch *chart.Chart, b config.Balance) *Validation {
	v := &Validation{byCode: map[string]*companyValidation{}, ch: ch}
	switch {
	case !b.ValidateEquation:
		v.skipOpening = "balance.validate_balance_equation is false"
	case !b.Opening:
		v.skipOpening = "balance.generate_opening_balances is false: every account opens at zero, so there is no opening balance sheet to check"
	}
	if !b.ReconcileSubledgers {
		v.skipSubledgers = "balance.reconcile_subledgers is false"
	}
	return v
}

func (v *Validation) company(code string) *companyValidation {
	c := v.byCode[code]
	if c == nil {
		c = &companyValidation{code: code}
		v.byCode[code] = c
		v.companies = append(v.companies, c)
	}
	return c
}

// Opening records a company's opening sheet: its totals by account type
// and whether they balance.
func (v *Validation) Opening(s *Sheet, currency string) {
	c := v.company(s.Company)
	c.currency, c.digits = currency, s.Digits
	for a, b := range s.Balances {
		switch v.ch.Accounts[a].Type {
		case "asset":
			c.assets += b
		case "liability":
			c.liabs -= b
		case "equity":
			c.equity -= b
		}
	}
	c.openingOff = c.assets - c.liabs - c.equity
}

func (c *companyValidation) period(dr, cr, net int64) {
	c.debits += dr
	c.credits += cr
	if dr != cr || net != 0 {
		c.periodsOff++
	}
}

// rollForward compares the balances a period opens at with the previous
// period's closing balances.
func (c *companyValidation) rollForward(ch *chart.Chart, prev, open []int64, yearStart bool, retained int) {
	var result int64
	if yearStart {
		for a := range ch.Accounts {
			if ch.Accounts[a].PL {
				result += prev[a]
			}
		}
	}
	for a := range ch.Accounts {
		want := prev[a]
		if yearStart && ch.Accounts[a].PL {
			want = 0
		}
		if yearStart && a == retained {
			want += result
		}
		if open[a] != want {
			c.rollOff++
		}
	}
}

// controls compares, at one as-of date (the opening or a period end), the
// balance of every control account (and of any account the subledgers hold
// items on, and with register every fixed-asset and
// accumulated-depreciation account) with the subledgers' open items and
// the asset register; both debits positive.
func (c *companyValidation) controls(ch *chart.Chart, label string, asOf time.Time, bal, open []int64, register bool) {
	for a := range ch.Accounts {
		acct := &ch.Accounts[a]
		fixed := register && acct.Postable && (acct.Role == chart.FixedAssets || acct.Role == chart.AccumDepr)
		if !acct.Control && open[a] == 0 && !fixed {
			continue
		}
		c.controlsRun++
		if bal[a] == open[a] {
			continue
		}
		c.controlsOff++
		if len(c.controlDetail) < maxDetail {
			amt := func(x int64) string { return string(money.AppendMinor(nil, x, c.digits)) }
			held := "subledger open items"
			if fixed {
				held = "asset register"
			}
			c.controlDetail = append(c.controlDetail, fmt.Sprintf("%s %s (%s) account %s %s: balance %s, %s %s, off by %s",
				c.code, label, asOf.Format(time.DateOnly), acct.Number, acct.Name, amt(bal[a]), held, amt(open[a]), amt(bal[a]-open[a])))
		}
	}
}

// journal compares the trial balances with the journal as tallied.
func (c *companyValidation) journal(t *companyTally) {
	c.entries, c.lines, c.unbalanced = t.entries, t.lines, t.unbalanced
	c.docTotal, c.tallied = t.docTotal, t.entries
	c.tieOff = c.debits != t.docTotal || c.credits != t.docTotal
}

// Expect records the number of journal entries each company was to get,
// which the trial balances must account for.
func (v *Validation) Expect(code string, entries int64) {
	c := v.company(code)
	if c.tallied != entries {
		c.tieOff = true
	}
}

type checkJSON struct {
	Name        string `json:"name"`
	Status      string `json:"status"` // passed, failed, not_run
	Description string `json:"description"`
	Failures    int64  `json:"failures"`
	Detail      string `json:"detail,omitempty"`
}

type companyJSON struct {
	CompanyCode        string `json:"company_code"`
	Currency           string `json:"currency"`
	EntriesProcessed   int64  `json:"entries_processed"`
	LinesProcessed     int64  `json:"lines_processed"`
	TotalDebits        string `json:"total_debits"`
	TotalCredits       string `json:"total_credits"`
	UnbalancedEntries  int64  `json:"unbalanced_entries"`
	OpeningTotalAssets string `json:"opening_total_assets"`
	OpeningLiabilities string `json:"opening_total_liabilities"`
	OpeningEquity      string `json:"opening_total_equity"`
	// OpeningIsBalanced is left out when the opening sheet is not checked.
	OpeningIsBalanced *bool `json:"opening_is_balanced,omitempty"`
	PeriodsUnbalanced int64 `json:"periods_unbalanced"`
	RollForwardBreaks int64 `json:"roll_forward_breaks"`
	TiesToJournal     bool  `json:"ties_to_journal"`
	// SubledgerBreaks counts the control-account balances, at the opening
	// and at each period end, that differ from their subledgers' open items;
	// it is left out when they are not compared.
	SubledgerBreaks *int64 `json:"subledger_breaks,omitempty"`
}

// validationJSON is balance_validation.json: DataSynth's summary fields
// first, then each check and each company.
type validationJSON struct {
	Validated            bool          `json:"validated"`
	IsBalanced           bool          `json:"is_balanced"`
	EntriesProcessed     int64         `json:"entries_processed"`
	TotalDebits          *string       `json:"total_debits"`
	TotalCredits         *string       `json:"total_credits"`
	AccountsTracked      int           `json:"accounts_tracked"`
	CompaniesTracked     int           `json:"companies_tracked"`
	HasUnbalancedEntries bool          `json:"has_unbalanced_entries"`
	ValidationErrorCount int64         `json:"validation_error_count"`
	Checks               []checkJSON   `json:"checks"`
	Companies            []companyJSON `json:"companies"`
}

// Passed reports whether every check that ran passed.
func (v *Validation) Passed() bool {
	for _, c := range v.checks() {
		if c.Status == "failed" {
			return false
		}
	}
	return true
}

func (v *Validation) checks() []checkJSON {
	var unbalanced, opening, periods, roll, tie, controlsRun, controlsOff int64
	var controlDetail []string
	for _, c := range v.companies {
		controlsRun += c.controlsRun
		controlsOff += c.controlsOff
		controlDetail = append(controlDetail, c.controlDetail...)
		unbalanced += c.unbalanced
		if c.openingOff != 0 {
			opening++
		}
		periods += c.periodsOff
		roll += c.rollOff
		if c.tieOff {
			tie++
		}
	}
	mk := func(name string, failures int64) checkJSON {
		st := "passed"
		if failures > 0 {
			st = "failed"
		}
		return checkJSON{Name: name, Status: st, Description: checkText[name], Failures: failures}
	}
	openingCheck := mk(CheckOpeningBalanced, opening)
	if v.skipOpening != "" {
		openingCheck = notRun(CheckOpeningBalanced, v.skipOpening)
	}
	return []checkJSON{
		mk(CheckEntriesBalanced, unbalanced),
		openingCheck,
		mk(CheckTrialBalanced, periods),
		mk(CheckRollForward, roll),
		mk(CheckTiesToJournal, tie),
		v.subledgerCheck(controlsRun, controlsOff, controlDetail),
	}
}

// notRun is check name, not run for the reason detail gives.
func notRun(name, detail string) checkJSON {
	return checkJSON{Name: name, Status: "not_run", Description: checkText[name], Detail: detail}
}

// subledgerCheck reports the comparison of control accounts with their
// subledgers: not_run when the config switches it off or no trial balance
// compared any.
func (v *Validation) subledgerCheck(run, off int64, detail []string) checkJSON {
	ck := checkJSON{Name: CheckSubledgerControl, Status: "passed", Description: checkText[CheckSubledgerControl], Failures: off}
	switch {
	case v.skipSubledgers != "":
		return notRun(CheckSubledgerControl, v.skipSubledgers)
	case run == 0:
		ck.Status, ck.Detail = "not_run", "no trial balance was compared with the subledgers"
	case off > 0:
		ck.Status = "failed"
		if len(detail) > maxDetail {
			detail = detail[:maxDetail]
		}
		ck.Detail = fmt.Sprintf("%d of %d control-account and fixed-asset balances differ from their subledgers or the asset register; %s", off, run, strings.Join(detail, "; "))
	default:
		ck.Detail = fmt.Sprintf("%d control-account and fixed-asset balances equal their subledgers' open items and the asset register", run)
	}
	return ck
}

// JSON returns balance_validation.json.
func (v *Validation) JSON() ([]byte, error) {
	out := validationJSON{Validated: true, CompaniesTracked: len(v.companies), Checks: v.checks()}
	for _, a := range v.ch.Accounts {
		if a.Postable {
			out.AccountsTracked++
		}
	}
	out.IsBalanced = v.Passed()
	for _, ck := range out.Checks {
		out.ValidationErrorCount += ck.Failures
	}
	sameCurrency := true
	var dr, cr int64
	for _, c := range v.companies {
		out.EntriesProcessed += c.entries
		if c.unbalanced > 0 {
			out.HasUnbalancedEntries = true
		}
		amt := func(x int64) string { return string(money.AppendMinor(nil, x, c.digits)) }
		cj := companyJSON{
			CompanyCode: c.code, Currency: c.currency, EntriesProcessed: c.entries, LinesProcessed: c.lines,
			TotalDebits: amt(c.debits), TotalCredits: amt(c.credits), UnbalancedEntries: c.unbalanced,
			OpeningTotalAssets: amt(c.assets), OpeningLiabilities: amt(c.liabs), OpeningEquity: amt(c.equity),
			PeriodsUnbalanced: c.periodsOff, RollForwardBreaks: c.rollOff, TiesToJournal: !c.tieOff,
		}
		if v.skipOpening == "" {
			balanced := c.openingOff == 0
			cj.OpeningIsBalanced = &balanced
		}
		if v.skipSubledgers == "" {
			cj.SubledgerBreaks = &c.controlsOff
		}
		out.Companies = append(out.Companies, cj)
		if c.currency != v.companies[0].currency {
			sameCurrency = false
		}
		dr += c.debits
		cr += c.credits
	}
	// Totals across companies are only a figure when they share a currency.
	if sameCurrency && len(v.companies) > 0 {
		d, k := string(money.AppendMinor(nil, dr, v.companies[0].digits)), string(money.AppendMinor(nil, cr, v.companies[0].digits))
		out.TotalDebits, out.TotalCredits = &d, &k
	}
	b, err := json.MarshalIndent(out, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("%s: %w", ValidationFile, err)
	}
	return append(b, '\n'), nil
}
