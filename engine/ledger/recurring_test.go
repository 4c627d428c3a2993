package ledger

import (
	"math/rand/v2"
	"strings"

	"datasynth.dev/engine/masterdata"
	"testing"
	"time"
)

const recurringYAML = `
global: {seed: 11, industry: manufacturing, start_date: "2024-01-01", period_months: 12, group_currency: USD}
companies:
  - {code: US1, name: A, currency: USD, country: US, annual_transaction_volume: {custom: 12000}}
  - {code: DE1, name: B, currency: EUR, country: DE, annual_transaction_volume: {custom: 3000}}
chart_of_accounts: {complexity: medium}
output: {formats: [csv]}
HR`

// TestRecurringPostings checks the calendar of recurring postings: one
// payroll run per company and pay period on the last weekday of the
// period, with the employees' pay; the withholdings of each month paid in
// the next; one depreciation run and one accrual
// per company and month end; each accrual reversed, line for line, on the
// first day of the next month; nothing of the kind drawn at random.
func TestRecurringPostings(t *testing.T) {
	for _, c := range []struct {
		hr       string
		payrolls int
	}{
		{"", 12},
		{"hr: {payroll: {pay_frequency: biweekly}}", 26},
		{"hr: {payroll: {pay_frequency: semimonthly}}", 24},
		{"hr: {payroll: {enabled: false}}", 0},
	} {
		l, cfg := parseLedger(t, strings.Replace(recurringYAML, "HR", c.hr, 1))
		type key struct{ co, date string }
		payroll := map[string][]string{}
		gross := map[string]int64{}
		accruals, reversals := map[key][]lineItem{}, map[key][]lineItem{}
		depreciation := map[string][]string{}
		// Withholdings of January to November, and what remittances paid.
		withheld, remitted := map[string]int64{}, map[string]int64{}
		remittances := map[string]int{}
		eachDoc(l, func(co *company, d *document, items []lineItem) {
			date := l.days[d.day].date
			code := co.cfg.Code
			switch d.tmpl.name {
			case "payroll":
				payroll[code] = append(payroll[code], date)
				for _, it := range items {
					if it.debit {
						gross[code] += it.amount
					} else if it.account != l.acctOperatingBank && date < "2024-12-01" {
						withheld[code] += it.amount
					}
				}
			case "payroll_remittance":
				remittances[code]++
				for _, it := range items {
					if it.debit {
						remitted[code] += it.amount
					}
				}
			case "depreciation":
				depreciation[code] = append(depreciation[code], date)
			case "accrual":
				accruals[key{code, date}] = append([]lineItem(nil), items...)
			case "accrual_reversal":
				reversals[key{code, date}] = append([]lineItem(nil), items...)
			}
		})
		for ci := range l.companies {
			co := &l.companies[ci]
			code := co.cfg.Code
			if got := len(payroll[code]); got != c.payrolls {
				t.Fatalf("%q: %s has %d payroll runs, want %d", c.hr, code, got, c.payrolls)
			}
			for _, date := range payroll[code] {
				d, _ := time.Parse(time.DateOnly, date)
				if wd := d.Weekday(); wd == time.Saturday || wd == time.Sunday {
					t.Fatalf("%s pays on %s, a weekend", code, date)
				}
			}
			// Gross pay: monthly, the base salaries exactly over the year;
			// otherwise each run pays a period's share of them.
			var want int64
			for _, e := range masterdata.Employees(l.seed, masterdata.NewEnv(cfg, l.chart, l.seed), co.cfg, co.sizes) {
				if cfg.HR.PayFrequency == "monthly" {
					want += e.BaseSalary
				} else {
					want += e.BaseSalary / periodsPerYear[cfg.HR.PayFrequency] * int64(c.payrolls)
				}
			}
			if c.payrolls > 0 && gross[code] != want {
				t.Fatalf("%q: %s pays %d gross over %d runs, salaries give %d", c.hr, code, gross[code], c.payrolls, want)
			}
			if c.payrolls > 0 && (remittances[code] != 11 || remitted[code] != withheld[code]) {
				t.Fatalf("%q: %s remits %d times, %d of %d withheld before December", c.hr, code, remittances[code], remitted[code], withheld[code])
			}
			if len(depreciation[code]) != 12 {
				t.Fatalf("%s has %d depreciation runs", code, len(depreciation[code]))
			}
			for m := range 12 {
				end := time.Date(2024, time.Month(m+2), 0, 0, 0, 0, 0, time.UTC)
				if depreciation[code][m] != end.Format(time.DateOnly) {
					t.Fatalf("%s: depreciation run %d on %s", code, m, depreciation[code][m])
				}
				acc, ok := accruals[key{code, end.Format(time.DateOnly)}]
				if !ok {
					t.Fatalf("%s: no accrual on %s", code, end.Format(time.DateOnly))
				}
				rev, ok := reversals[key{code, end.AddDate(0, 0, 1).Format(time.DateOnly)}]
				if m == 11 {
					if ok {
						t.Fatalf("%s: the year-end accrual is reversed inside the year", code)
					}
					continue
				}
				if !ok || !mirrors(acc, rev) {
					t.Fatalf("%s: accrual of %s is not reversed line for line the next day:\n%v\n%v", code, end.Format(time.DateOnly), acc, rev)
				}
			}
			if len(accruals) != 24 || len(reversals) != 22 {
				t.Fatalf("%d accruals and %d reversals for two companies over a year", len(accruals), len(reversals))
			}
		}
	}
}

// mirrors reports whether b is a with debits and credits swapped.
func mirrors(a, b []lineItem) bool {
	sum := func(items []lineItem, debit bool) map[[2]int32]int64 {
		m := map[[2]int32]int64{}
		for _, it := range items {
			if it.debit == debit {
				m[[2]int32{it.account, it.costCenter}] += it.amount
			}
		}
		return m
	}
	eq := func(x, y map[[2]int32]int64) bool {
		if len(x) != len(y) {
			return false
		}
		for k, v := range x {
			if y[k] != v {
				return false
			}
		}
		return true
	}
	return len(a) == len(b) && eq(sum(a, true), sum(b, false)) && eq(sum(a, false), sum(b, true))
}

// TestRecurringTooSmall: a company whose volume cannot hold its recurring
// postings gets none, a warning, and still exactly its entries.
func TestRecurringTooSmall(t *testing.T) {
	l, _ := parseLedger(t, strings.Replace(strings.Replace(recurringYAML, "{custom: 3000}", "{custom: 20}", 1), "HR", "", 1))
	if w := l.Warnings(); len(w) != 1 || !strings.Contains(w[0], "DE1: 20 journal entries cannot hold its 106 recurring postings") {
		t.Fatalf("warnings %q", w)
	}
	var n int64
	eachDoc(l, func(co *company, d *document, items []lineItem) {
		if co.cfg.Code != "DE1" {
			return
		}
		n++
		if d.source == "recurring" || d.tmpl.name == "payroll" || d.tmpl.name == "accrual" {
			t.Fatalf("DE1 posts %s", d.tmpl.name)
		}
	})
	if n != 20 {
		t.Fatalf("DE1 has %d entries, want 20", n)
	}
}

// TestFitLimitsUneven: a computed line above max_amount splits into lines
// of uneven size within the limits that add up to it, and the sides stay
// balanced.
func TestFitLimitsUneven(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	items := []lineItem{{account: 1, amount: 98_765_432, debit: true}, {account: 2, amount: 98_765_432}}
	out := fitLimits(items, 100, 1_000_000, r)
	var dr, cr int64
	seen := map[int64]int{}
	for _, it := range out {
		if it.amount < 100 || it.amount > 1_000_000 {
			t.Fatalf("line of %d outside the limits", it.amount)
		}
		seen[it.amount]++
		if it.debit {
			dr += it.amount
		} else {
			cr += it.amount
		}
	}
	if dr != 98_765_432 || cr != dr {
		t.Fatalf("debits %d, credits %d", dr, cr)
	}
	for a, n := range seen {
		if n > 2 {
			t.Fatalf("%d lines of %d: an even split", n, a)
		}
	}
}
