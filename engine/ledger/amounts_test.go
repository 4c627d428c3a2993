package ledger

import (
	"fmt"
	"math"
	"sort"
	"strings"
	"testing"

	"datasynth.dev/engine/chart"
	"datasynth.dev/engine/config"
)

// parseLedger builds a ledger from a YAML config.
func parseLedger(t testing.TB, yaml string) (*Ledger, *config.Config) {
	t.Helper()
	cfg, err := config.Parse("test.yaml", []byte(yaml))
	if err != nil {
		t.Fatal(err)
	}
	ch, err := chart.Build(cfg.Global.Industry, 400, true)
	if err != nil {
		t.Fatal(err)
	}
	return New(cfg, cfg.Global.Seed, ch), cfg
}

// eachDoc generates every block of every company and calls fn with each
// document and its line items.
func eachDoc(l *Ledger, fn func(co *company, d *document, items []lineItem)) {
	var blk Block
	s := l.NewSettlement()
	for ci := range l.Companies() {
		for b := range l.Blocks(ci) {
			l.Generate(ci, b, &blk)
			l.Settle(s, &blk)
			items := blk.items
			for i := range blk.docs {
				d := &blk.docs[i]
				fn(&l.companies[ci], d, items[:d.lines])
				items = items[d.lines:]
			}
		}
	}
}

const amountsYAML = `
global: {seed: 7, industry: retail, start_date: "2024-01-01", period_months: 12, group_currency: USD}
companies:
  - {code: US1, name: A, currency: USD, country: US, annual_transaction_volume: {custom: 30000}}
  - {code: JP1, name: B, currency: JPY, country: JP, annual_transaction_volume: {custom: 10000}}
  - {code: KW1, name: C, currency: KWD, country: KW, annual_transaction_volume: {custom: 10000}}
chart_of_accounts: {complexity: medium}
output: {formats: [csv]}
fraud:
  enabled: true
  fraud_rate: 0.1
  fraud_type_distribution: {fictitious_transaction: 0.5, split_transaction: 0.25, duplicate_payment: 0.25}
transactions:
  amounts: {min_amount: MIN, max_amount: MAX}
  line_item_distribution: {two_items: 0.5, four_items: 0.3, ten_to_ninety_nine: 0.1976, thousand_plus: 0.0024}
`

// TestAmountLimits checks min_amount and max_amount on every line, in
// currencies of 0, 2 and 3 decimals, with wide and narrow limits.
func TestAmountLimits(t *testing.T) {
	for _, c := range []struct{ min, max string }{{"1", "1000000"}, {"2.5", "900"}, {"100", "150"}, {"1", "50000000"}} {
		yaml := strings.NewReplacer("MIN", c.min, "MAX", c.max).Replace(amountsYAML)
		l, cfg := parseLedger(t, yaml)
		var lines int
		eachDoc(l, func(co *company, d *document, items []lineItem) {
			lo := cfg.Transactions.MinAmount.Minor(co.digits)
			hi := cfg.Transactions.MaxAmount.Minor(co.digits)
			var bal int64
			for _, it := range items {
				lines++
				if it.amount < lo || it.amount > hi {
					t.Fatalf("limits %s..%s: %s line of %d minor units in %s (%s)", c.min, c.max, co.cfg.Code, it.amount, d.tmpl.name, co.cfg.Currency)
				}
				if it.debit {
					bal += it.amount
				} else {
					bal -= it.amount
				}
			}
			if bal != 0 {
				t.Fatalf("%s document %d does not balance", co.cfg.Code, d.seq)
			}
		})
		if lines == 0 {
			t.Fatal("no lines")
		}
	}
}

// TestAmountShapes checks what the issue measured: amounts by kind of
// document, cents, Benford, and round fraud amounts that no single value
// gives away.
func TestAmountShapes(t *testing.T) {
	l, _ := parseLedger(t, strings.NewReplacer("MIN", "1", "MAX", "1000000").Replace(amountsYAML))
	byKind := map[string][]int64{}
	count := map[int64]int{}
	fraudCount := map[int64]int{}
	var firstDigit [10]int
	var n, fraudLines, cents int
	eachDoc(l, func(co *company, d *document, items []lineItem) {
		if co.cfg.Code != "US1" {
			return
		}
		if d.fraud == noFraud {
			byKind[d.tmpl.name] = append(byKind[d.tmpl.name], d.total)
		}
		for _, it := range items {
			if d.fraud != noFraud {
				if d.lines < 100 {
					fraudCount[it.amount]++
					fraudLines++
				}
				continue
			}
			// Goods issues post quantity x standard cost, so a popular
			// material sold one at a time repeats its cost, as it does in
			// any standard-costing ledger: they are left out here.
			if d.lines < 100 && d.tmpl.name != "cost_of_sales" {
				count[it.amount]++
			}
			v := it.amount
			for v >= 10 {
				v /= 10
			}
			firstDigit[v]++
			n++
			if it.amount%100 != 0 {
				cents++
			}
		}
	})
	median := func(xs []int64) int64 {
		sort.Slice(xs, func(i, j int) bool { return xs[i] < xs[j] })
		return xs[len(xs)/2]
	}
	// Document totals by kind: expense claims are small, goods receipts and asset
	// purchases large.
	claims, receipts, assets := median(byKind["expense_claim"]), median(byKind["goods_receipt"]), median(byKind["asset_acquisition"])
	if !(claims*10 < receipts && receipts < assets) {
		t.Fatalf("medians in cents: expense claims %d, goods receipts %d, asset purchases %d", claims, receipts, assets)
	}
	if share := float64(cents) / float64(n); share < 0.95 {
		t.Fatalf("only %.3f of legitimate amounts have cents", share)
	}
	// No amount is common: the most frequent legitimate value is rare
	// (outside entries of a hundred lines or more, whose lines are
	// necessarily small).
	top := 0
	for _, k := range count {
		top = max(top, k)
	}
	if top > n/2000 {
		t.Fatalf("one legitimate amount occurs %d times in %d lines", top, n)
	}
	mad := 0.0
	for d := 1; d <= 9; d++ {
		mad += math.Abs(float64(firstDigit[d])/float64(n) - math.Log10(1+1/float64(d)))
	}
	if mad /= 9; mad > 0.006 {
		t.Fatalf("first-digit MAD %.4f over %d legitimate lines: %v", mad, n, firstDigit)
	}
	// Fraud: no fraud amount, 1,000.00 included, stands out: none makes
	// up more than 1/500 of the fraud lines.
	ftop := 0
	for _, k := range fraudCount {
		ftop = max(ftop, k)
	}
	t.Logf("MAD %.5f; most common legitimate amount %d times in %d lines, fraud %d in %d, 1,000.00 %d", mad, top, n, ftop, fraudLines, fraudCount[100_000])
	if fraudLines < 5000 || ftop*500 > fraudLines {
		t.Fatalf("%d fraud lines, most common fraud amount %d times", fraudLines, ftop)
	}
}

// TestFraudRate: the share of fraudulent entries follows fraud_rate within
// sampling error at any rate, low or high (the flows give up entries to
// the generic documents that carry fraud), and only recurring postings,
// never fraudulent, keep a rate of 1 from being reached exactly.
func TestFraudRate(t *testing.T) {
	for _, rate := range []float64{0.02, 0.3, 0.7, 1} {
		doc := fmt.Sprintf(`global: {seed: 3, industry: retail, start_date: "2024-01-01", period_months: 12}
companies:
  - {code: R1, name: A, currency: USD, country: US, annual_transaction_volume: {custom: 6000}}
chart_of_accounts: {complexity: small}
output: {formats: [csv]}
fraud: {enabled: true, fraud_rate: %g}
`, rate)
		l, _ := parseLedger(t, doc)
		var n, fraud, recurring float64
		eachDoc(l, func(co *company, d *document, items []lineItem) {
			n++
			if d.fraud != noFraud {
				fraud++
			}
			if d.source == "recurring" || d.tmpl == l.accrual || d.tmpl == &accrualReversal {
				recurring++
			}
		})
		want := rate * n
		if rate == 1 {
			want = n - recurring
		}
		if sd := math.Sqrt(n * rate * (1 - rate)); math.Abs(fraud-want) > 4*sd+0.01*n {
			t.Errorf("fraud_rate %g: %v of %v entries fraudulent, want about %v", rate, fraud, n, want)
		}
	}
}

// TestNoFraudOnlyText: no kind of entry (document type, source and text)
// is posted by fraud alone, so that a fraud model must read what an entry
// posts, not its labels.
func TestNoFraudOnlyText(t *testing.T) {
	l, _ := parseLedger(t, `global: {seed: 5, industry: retail, start_date: "2024-01-01", period_months: 12}
companies:
  - {code: R1, name: A, currency: USD, country: US, annual_transaction_volume: {custom: 20000}}
chart_of_accounts: {complexity: small}
output: {formats: [csv]}
fraud: {enabled: true, fraud_rate: 0.05}
`)
	type kind struct{ docType, source, text string }
	fraud, legit := map[kind]int{}, map[kind]int{}
	eachDoc(l, func(co *company, d *document, items []lineItem) {
		k := kind{d.tmpl.docType, d.source, d.tmpl.text}
		if d.fraud != noFraud {
			fraud[k]++
		} else {
			legit[k]++
		}
	})
	if len(fraud) == 0 {
		t.Fatal("no fraud")
	}
	for k, n := range fraud {
		if legit[k] == 0 {
			t.Errorf("%d fraudulent entries %+v and no legitimate one", n, k)
		}
	}
}

// TestSalesCutWarning: a company whose currency makes the default
// max_amount cut its customer invoices (JPY) is warned, with the limit
// that keeps them whole; one in US dollars, or in yen with that limit, is
// not.
func TestSalesCutWarning(t *testing.T) {
	const doc = `
global: {seed: 7, industry: retail, start_date: "2024-01-01", period_months: 12}
companies:
  - {code: US1, name: A, currency: USD, country: US, annual_transaction_volume: {custom: 3000}}
  - {code: JP1, name: B, currency: JPY, country: JP, annual_transaction_volume: {custom: 3000}}
chart_of_accounts: {complexity: small}
output: {formats: [csv]}
`
	l, _ := parseLedger(t, doc)
	want := "JP1: transactions.amounts.max_amount is 1000000 JPY, below its largest customer invoice line (50000 USD, 7500000 JPY)"
	if w := l.Warnings(); len(w) != 1 || !strings.HasPrefix(w[0], want) || !strings.HasSuffix(w[0], "raise max_amount to at least 7500000") {
		t.Fatalf("warnings %q, want one starting %q", w, want)
	}
	l, _ = parseLedger(t, doc+"transactions: {amounts: {max_amount: 7500000}}\n")
	if w := l.Warnings(); len(w) != 0 {
		t.Fatalf("warnings %q with max_amount 7500000", w)
	}
}
