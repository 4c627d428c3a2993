package generate

import (
	"encoding/csv"
	"io"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// readCSV returns the header and an iterator-style reader of a dataset file.
func readCSV(t *testing.T, dir, rel string) (map[string]int, *csv.Reader, func()) {
	t.Helper()
	f, err := os.Open(filepath.Join(dir, rel))
	if err != nil {
		t.Fatal(err)
	}
	r := csv.NewReader(f)
	r.ReuseRecord = true
	head, err := r.Read()
	if err != nil {
		t.Fatal(err)
	}
	cols := map[string]int{}
	for i, h := range head {
		cols[h] = i
	}
	return cols, r, func() { f.Close() }
}

func column(t *testing.T, dir, rel, name string) map[string][]string {
	t.Helper()
	out := map[string][]string{}
	eachRow(t, dir, rel, func(cols map[string]int, rec []string) {
		out[rec[cols[name]]] = append([]string(nil), rec...)
	})
	return out
}

// eachRow calls fn with the column indexes by name and every record of the
// CSV file dir/rel in turn (the record's slice is reused between calls).
func eachRow(t *testing.T, dir, rel string, fn func(cols map[string]int, rec []string)) {
	t.Helper()
	cols, r, done := readCSV(t, dir, rel)
	defer done()
	for {
		rec, err := r.Read()
		if err == io.EOF {
			return
		}
		if err != nil {
			t.Fatalf("%s: %v", rel, err)
		}
		fn(cols, rec)
	}
}

// minor parses a decimal amount into minor units without floats.
func minor(t *testing.T, s string) int64 {
	t.Helper()
	v, err := strconv.ParseInt(strings.Replace(s, ".", "", 1), 10, 64)
	if err != nil {
		t.Fatalf("amount %q: %v", s, err)
	}
	return v
}

// TestJournalProperties generates a year of retail data and checks what an
// auditor would check first: balance, referential integrity, the posting
// calendar, exchange rates from fx/daily_rates, Benford's law and the
// line-count shape.
func TestJournalProperties(t *testing.T) {
	cfg := load(t, "testdata/golden/retail-medium.yaml")
	res := gen(t, cfg, 2)
	dir := res.Dir

	accounts := column(t, dir, "chart_of_accounts.csv", "account_number")
	costCenters := column(t, dir, "master_data/cost_centers.csv", "id")
	users := column(t, dir, "master_data/employees.csv", "user_id")
	labels := column(t, dir, "labels/anomaly_labels.csv", "document_id")

	// The day's rate of each currency into the group currency.
	spot := map[string]string{}
	eachRow(t, dir, "fx/daily_rates.csv", func(cols map[string]int, rec []string) {
		if rec[cols["to_currency"]] != cfg.Global.GroupCurrency {
			t.Fatalf("fx/daily_rates: rate into %s, group currency is %s", rec[cols["to_currency"]], cfg.Global.GroupCurrency)
		}
		spot[rec[cols["date"]]+" "+rec[cols["from_currency"]]] = rec[cols["spot_rate"]]
	})
	foreignRates := map[string]bool{}

	// A year's gross pay per company: its employees' base salaries, as
	// master_data/employees holds them.
	annualPay := map[string]int64{}
	eachRow(t, dir, "master_data/employees.csv", func(cols map[string]int, rec []string) {
		annualPay[rec[cols["company_code"]]] += minor(t, rec[cols["base_salary"]])
	})
	payroll := map[string]int64{} // gross pay by document
	payrollDocs := map[string]string{}

	cols, r, done := readCSV(t, dir, "journal_entries.csv")
	defer done()
	start, end := cfg.Global.StartDate, cfg.Global.EndDate()

	var (
		balance           = map[string]int64{}
		linesPerDoc       = map[string]int{}
		seenDocs          = map[string]bool{}
		current           string
		firstDigit        [10]int
		amounts           int
		postingsByDay     = map[string]int{}
		fraudDocs         = map[string]bool{}
		weekendDocs, docs int
	)
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		id := rec[cols["document_id"]]
		if id != current {
			if seenDocs[id] {
				t.Fatalf("document %s is split into non-adjacent lines", id)
			}
			seenDocs[id] = true
			current = id
			docs++
			pd, err := time.Parse(time.DateOnly, rec[cols["posting_date"]])
			if err != nil || pd.Before(start) || pd.After(end) {
				t.Fatalf("document %s posts on %q, outside %s..%s", id, rec[cols["posting_date"]], start.Format(time.DateOnly), end.Format(time.DateOnly))
			}
			if dd, _ := time.Parse(time.DateOnly, rec[cols["document_date"]]); dd.After(pd) {
				t.Fatalf("document %s: document date after posting date", id)
			}
			if fp, _ := strconv.Atoi(rec[cols["fiscal_period"]]); fp != int(pd.Month()) {
				t.Fatalf("document %s: fiscal period %d for %s", id, fp, pd.Format(time.DateOnly))
			}
			want, ok := spot[rec[cols["posting_date"]]+" "+rec[cols["currency"]]]
			if rec[cols["currency"]] == cfg.Global.GroupCurrency {
				want, ok = "1.000000", true
			} else {
				foreignRates[want] = true
			}
			if got := rec[cols["exchange_rate"]]; !ok || got != want {
				t.Fatalf("document %s (%s, %s): exchange_rate %s, fx/daily_rates has %q", id, rec[cols["currency"]], rec[cols["posting_date"]], got, want)
			}
			if rec[cols["is_fraud"]] == "true" {
				fraudDocs[id] = true
			} else {
				postingsByDay[rec[cols["posting_date"]]]++
				if wd := pd.Weekday(); wd == time.Saturday || wd == time.Sunday {
					weekendDocs++
				}
			}
			if _, ok := users[rec[cols["created_by"]]]; !ok {
				t.Fatalf("document %s: created_by %q is not an employee user_id", id, rec[cols["created_by"]])
			}
		}
		linesPerDoc[id]++
		acct, ok := accounts[rec[cols["gl_account"]]]
		if !ok || acct[12] != "true" { // is_postable
			t.Fatalf("document %s: gl_account %q is not a postable account of the chart", id, rec[cols["gl_account"]])
		}
		if cc := rec[cols["cost_center"]]; cc != "" {
			row, ok := costCenters[cc]
			if !ok {
				t.Fatalf("document %s: cost_center %q is not in master data", id, cc)
			}
			if row[9] != rec[cols["profit_center"]] { // profit_center
				t.Fatalf("document %s: profit_center %q, cost centre %s belongs to %s", id, rec[cols["profit_center"]], cc, row[9])
			}
		}
		d, c := minor(t, rec[cols["debit_amount"]]), minor(t, rec[cols["credit_amount"]])
		if (d == 0) == (c == 0) || d < 0 || c < 0 {
			t.Fatalf("document %s line %s: debit %d credit %d: exactly one must be positive", id, rec[cols["line_number"]], d, c)
		}
		if minor(t, rec[cols["local_amount"]]) != d-c {
			t.Fatalf("document %s: local_amount is not debit minus credit", id)
		}
		balance[id] += d - c
		if rec[cols["document_type"]] == "PR" && d > 0 {
			payroll[id] += d
			payrollDocs[id] = rec[cols["company_code"]]
		}
		if !fraudDocs[id] {
			v := d + c
			for v >= 10 {
				v /= 10
			}
			firstDigit[v]++
			amounts++
		}
	}
	// Payroll: a run per company and month; over the year they pay the
	// employees' base salaries exactly.
	if len(payroll) != 12*len(cfg.Companies) {
		t.Fatalf("%d payroll runs for %d companies over 12 months", len(payroll), len(cfg.Companies))
	}
	paid := map[string]int64{}
	for id, gross := range payroll {
		paid[payrollDocs[id]] += gross
	}
	for co, want := range annualPay {
		if paid[co] != want {
			t.Fatalf("%s's payroll runs pay %d over the year, base salaries add up to %d", co, paid[co], want)
		}
	}
	if len(foreignRates) < 100 {
		t.Fatalf("entries in a foreign currency use %d distinct rates over a year", len(foreignRates))
	}
	if int64(docs) != res.Manifest.Statistics.JournalEntries {
		t.Fatalf("%d documents, manifest says %d", docs, res.Manifest.Statistics.JournalEntries)
	}
	for id, b := range balance {
		if b != 0 {
			t.Fatalf("document %s does not balance: off by %d minor units", id, b)
		}
	}

	// Labels: exactly the fraud documents, and about the configured rate.
	if len(labels) != len(fraudDocs) {
		t.Fatalf("%d labels for %d fraud documents", len(labels), len(fraudDocs))
	}
	for id := range labels {
		if !fraudDocs[id] {
			t.Fatalf("label for %s, which is not marked is_fraud", id)
		}
	}
	if rate := float64(len(fraudDocs)) / float64(docs); rate < 0.007 || rate > 0.013 {
		t.Fatalf("fraud rate %.4f, configured 0.01", rate)
	}

	// Benford: mean absolute deviation of first digits within Nigrini's
	// "close conformity" bound.
	if mad := benfordMAD(firstDigit, amounts); mad > 0.006 {
		t.Fatalf("first-digit MAD %.4f exceeds 0.006 (close conformity): %v", mad, firstDigit)
	}
	t.Logf("Benford first-digit MAD %.5f over %d amounts", benfordMAD(firstDigit, amounts), amounts)

	// Line counts: two-line entries are the most common.
	hist := map[int]int{}
	for _, n := range linesPerDoc {
		hist[n]++
	}
	for n, k := range hist {
		if n != 2 && k >= hist[2] {
			t.Fatalf("%d-line entries (%d) are as common as 2-line entries (%d)", n, k, hist[2])
		}
	}

	// Calendar: few weekend postings; month ends and the year end peak.
	if share := float64(weekendDocs) / float64(docs); share > 0.05 {
		t.Fatalf("weekend share %.3f, want under 0.05", share)
	}
	var monthEnd, other, yearEnd []int
	for day := start; !day.After(end); day = day.AddDate(0, 0, 1) {
		if wd := day.Weekday(); wd == time.Saturday || wd == time.Sunday {
			continue
		}
		n := postingsByDay[day.Format(time.DateOnly)]
		last := day.AddDate(0, 0, 5).Month() != day.Month()
		switch {
		case last && day.Month() == time.December:
			yearEnd = append(yearEnd, n)
		case last:
			monthEnd = append(monthEnd, n)
		case day.Day() > 3:
			other = append(other, n)
		}
	}
	avg := func(xs []int) float64 {
		s := 0
		for _, x := range xs {
			s += x
		}
		return float64(s) / float64(len(xs))
	}
	if avg(monthEnd) < 1.5*avg(other) {
		t.Fatalf("month-end days average %.1f postings, other weekdays %.1f: no month-end peak", avg(monthEnd), avg(other))
	}
	if avg(yearEnd) < 1.5*avg(monthEnd) {
		t.Fatalf("year-end days average %.1f postings, other month ends %.1f: no year-end peak", avg(yearEnd), avg(monthEnd))
	}
}

// benfordMAD is the mean absolute deviation of the first-digit shares
// (firstDigit[d] of n amounts start with d) from Benford's law.
func benfordMAD(firstDigit [10]int, n int) float64 {
	mad := 0.0
	for d := 1; d <= 9; d++ {
		mad += math.Abs(float64(firstDigit[d])/float64(n) - math.Log10(1+1/float64(d)))
	}
	return mad / 9
}

// TestFraudSizeBlendsIn: the frauds that share their texts with ordinary
// entries (revenue manipulation with revenue deferrals, expense
// capitalization and suspense-balanced reclassifications with
// reclassifications of vendor costs, fictitious entries and splits below
// an approval threshold with the entries of their kind) are of their
// size: hardly any is larger than every ordinary entry of its document
// type and text, or smaller than every one. (Before generator 2.48.0
// three in five revenue manipulations were larger, drawn from a range of
// their own fifty times as large; before 2.52.0 fictitious entries took
// any kind's size, and before 2.53.0 splits could take a threshold
// outside their kind's range.)
// The second config has a threshold below most kinds' ranges, which their
// splits must not take.
func TestFraudSizeBlendsIn(t *testing.T) {
	for name, thresholds := range map[string]string{"default thresholds": "", "a threshold below most ranges": ", approval_thresholds: [5, 2000]"} {
		t.Run(name, func(t *testing.T) {
			cfg := parseConfig(t, `global: {seed: 21, industry: technology, start_date: "2024-01-01", period_months: 12}
companies:
  - {code: "1000", name: Harbor Street Inc., currency: USD, country: US, annual_transaction_volume: {custom: 30000}}
chart_of_accounts: {complexity: medium}
output: {formats: [csv]}
fraud: {enabled: true, fraud_rate: 0.1`+thresholds+`}
`)
			checkFraudSizes(t, gen(t, cfg, 2).Dir)
		})
	}
}

func checkFraudSizes(t *testing.T, dir string) {
	kinds := map[string]string{}
	eachRow(t, dir, "labels/anomaly_labels.csv", func(cols map[string]int, rec []string) {
		kinds[rec[cols["document_id"]]] = rec[cols["anomaly_type"]]
	})
	type doc struct {
		group string
		total int64
	}
	docs := map[string]*doc{}
	eachRow(t, dir, "journal_entries.csv", func(cols map[string]int, rec []string) {
		id := rec[cols["document_id"]]
		d := docs[id]
		if d == nil {
			text, _, _ := strings.Cut(rec[cols["header_text"]], " V-")
			d = &doc{group: rec[cols["document_type"]] + " " + text}
			docs[id] = d
		}
		d.total += minor(t, rec[cols["debit_amount"]])
	})
	largest, smallest := map[string]int64{}, map[string]int64{}
	for id, d := range docs {
		if kinds[id] == "" {
			largest[d.group] = max(largest[d.group], d.total)
			if s, ok := smallest[d.group]; !ok || d.total < s {
				smallest[d.group] = d.total
			}
		}
	}
	frauds, outside := map[string]int{}, map[string]int{}
	for id, d := range docs {
		switch k := kinds[id]; k {
		case "RevenueManipulation", "ExpenseCapitalization", "SuspenseAccountAbuse", "FictitiousTransaction", "SplitTransaction":
			if _, ok := largest[d.group]; !ok {
				continue // a kind with no ordinary entries of this text
			}
			frauds[k]++
			if d.total > largest[d.group] || d.total < smallest[d.group] {
				outside[k]++
			}
		}
	}
	for _, k := range []string{"RevenueManipulation", "ExpenseCapitalization", "SuspenseAccountAbuse", "FictitiousTransaction", "SplitTransaction"} {
		if frauds[k] < 50 {
			t.Fatalf("%d %s entries; the test needs more", frauds[k], k)
		}
		// Drawn like the ordinary entries, about 2/(n+1) of the frauds
		// would fall outside n ordinary entries by chance: under 1% for
		// the hundreds of each kind here.
		if outside[k]*50 > frauds[k] {
			t.Errorf("%d of %d %s entries are larger or smaller than every ordinary entry of their type and text", outside[k], frauds[k], k)
		}
		t.Logf("%s: %d of %d outside the ordinary entries", k, outside[k], frauds[k])
	}
}
