package ledger

import (
	"bytes"
	"encoding/json"
	"math/big"
	"testing"
	"time"
)

// TestSummaryMatchesEntries checks every summary of the demo's first
// blocks against the JSON entry of the same document, and its season and
// weekend against the calendar's rules.
func TestSummaryMatchesEntries(t *testing.T) {
	l, cfg := demoLedger(t)
	var enc EntryEncoder
	var blk Block
	var frauds int
	seasons := map[Season]int{}
	for b := range min(8, l.Blocks(0)) {
		l.Generate(0, b, &blk)
		i := 0
		err := enc.Encode(&blk, func(entry []byte) error {
			s := blk.Summary(i)
			i++
			var doc struct {
				DocumentID  string `json:"document_id"`
				CompanyCode string `json:"company_code"`
				Currency    string `json:"currency"`
				PostingDate string `json:"posting_date"`
				IsFraud     bool   `json:"is_fraud"`
				Lines       []struct {
					Debit string `json:"debit_amount"`
				} `json:"lines"`
			}
			if err := json.NewDecoder(bytes.NewReader(entry)).Decode(&doc); err != nil {
				t.Fatal(err)
			}
			debit := new(big.Rat)
			for _, ln := range doc.Lines {
				r, _ := new(big.Rat).SetString(ln.Debit)
				debit.Add(debit, r)
			}
			amount, _ := new(big.Rat).SetString(s.Amount)
			if s.DocumentID != doc.DocumentID || s.CompanyCode != doc.CompanyCode || s.Currency != doc.Currency ||
				s.PostingDate != doc.PostingDate || s.IsFraud != doc.IsFraud || amount.Cmp(debit) != 0 || (s.FraudType != "") != s.IsFraud {
				t.Fatalf("summary %+v of %s", s, entry)
			}
			day, _ := time.Parse(time.DateOnly, s.PostingDate)
			if wd := day.Weekday(); s.Weekend != (wd == time.Saturday || wd == time.Sunday) {
				t.Fatalf("%s: weekend %v", s.PostingDate, s.Weekend)
			}
			inWindow := daysToMonthEnd(day) < cfg.Transactions.Seasonality.MonthEndDays
			// The demo's fiscal year is the calendar year from January.
			want := NoSeason
			switch {
			case inWindow && day.Month() == time.December:
				want = YearEnd
			case inWindow && day.Month()%3 == 0:
				want = QuarterEnd
			case inWindow:
				want = MonthEnd
			}
			if s.Season != want {
				t.Fatalf("%s: season %d, want %d", s.PostingDate, s.Season, want)
			}
			seasons[s.Season]++
			if s.IsFraud {
				frauds++
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if seasons[MonthEnd] == 0 || seasons[QuarterEnd] == 0 || frauds == 0 {
		t.Fatalf("the sample has no month end, quarter end or fraud: %v, %d", seasons, frauds)
	}
	// The demo's three months, January to March, hold month and quarter
	// ends but no year end.
	if has := l.Seasons(); !has[MonthEnd] || !has[QuarterEnd] || has[YearEnd] {
		t.Fatalf("Seasons() = %v", has)
	}
}
