package ledger

import "datasynth.dev/engine/money"

// Season is the closing window a posting day falls in: the last
// transactions.seasonality.month_end_lead_days days of a month, told apart
// as the calendar's weights tell them apart (the last fiscal period is a
// year end, periods 3, 6 and 9 quarter ends).
type Season int8

const (
	NoSeason Season = iota
	MonthEnd
	QuarterEnd
	YearEnd
)

// Summary is the gist of one document, for callers that report on entries
// one at a time (an event stream) without the whole record.
type Summary struct {
	DocumentID  string
	CompanyCode string
	Currency    string
	PostingDate string
	// Amount is the total of the debit side, as the exact decimal the
	// journal holds.
	Amount  string
	IsFraud bool
	// FraudType is DataSynth's name of the fraud type ("" when not fraud).
	FraudType string
	Season    Season
	Weekend   bool
}

// Summary returns the summary of document i (0 ≤ i < b.Entries) of b, in
// the order that EntryEncoder and EncodeCSV write them.
func (b *Block) Summary(i int) Summary {
	l := b.l
	co := &l.companies[b.company]
	d := &b.docs[i]
	day := &l.days[d.day]
	s := Summary{
		DocumentID:  string(appendUUID(nil, d.idHi, d.idLo)),
		CompanyCode: co.cfg.Code,
		Currency:    co.cfg.Currency,
		PostingDate: day.date,
		Amount:      string(money.AppendMinor(nil, d.total, co.digits)),
		IsFraud:     d.fraud != noFraud,
		Season:      day.season,
		Weekend:     day.weekend,
	}
	if s.IsFraud {
		s.FraudType = fraudInfo[d.fraud].typeName
	}
	return s
}

// Seasons reports which closing windows hold at least one posting day of
// the period.
func (l *Ledger) Seasons() (has [YearEnd + 1]bool) {
	for _, d := range l.days[lead:] {
		has[d.season] = true
	}
	return has
}
