package ledger

import (
	"strconv"

	"datasynth.dev/engine/money"
)

// EntryEncoder writes the documents of a Block as JSON, one object per
// journal entry: the header fields under their journal_entries.csv names,
// then "lines", an array of the line items. Amounts and the exchange rate
// are strings holding the exact decimal that the CSV holds; fiscal_year,
// fiscal_period and line_number are numbers; is_fraud and is_anomaly are
// booleans. Every value comes from the block's typed records; text that
// could need escaping was escaped once by encoding/json when the Ledger was
// built. The zero value is ready to use; an EntryEncoder reuses its memory
// and is not safe for concurrent use.
type EntryEncoder struct {
	obj []byte
}

// Encode calls emit with the JSON object of each document of b, in order.
// The slice passed to emit is reused after emit returns.
func (e *EntryEncoder) Encode(b *Block, emit func(entry []byte) error) error {
	l := b.l
	co := &l.companies[b.company]
	items := b.items
	for i := range b.docs {
		d := &b.docs[i]
		o := append(e.obj[:0], '{')
		o = l.appendJSONHeader(o, co, d)
		o = append(o, `,"lines":[`...)
		for n, it := range items[:d.lines] {
			if n > 0 {
				o = append(o, ',')
			}
			o = l.appendJSONLine(o, co, n, &it, false)
		}
		items = items[d.lines:]
		o = append(o, "]}"...)
		e.obj = o
		if err := emit(o); err != nil {
			return err
		}
	}
	return nil
}

// appendJSONHeader appends the header members of a document, without braces.
func (l *Ledger) appendJSONHeader(o []byte, co *company, d *document) []byte {
	day := &l.days[d.day]
	t := d.tmpl
	o = append(o, `"document_id":"`...)
	o = appendUUID(o, d.idHi, d.idLo)
	o = append(o, `","company_code":`...)
	o = append(o, co.code.json...)
	o = append(o, `,"fiscal_year":`...)
	o = append(o, day.fy...)
	o = append(o, `,"fiscal_period":`...)
	o = append(o, day.fp...)
	o = append(o, `,"posting_date":"`...)
	o = append(o, day.date...)
	o = append(o, `","document_date":"`...)
	o = append(o, l.days[d.docDay].date...)
	o = append(o, `","document_type":"`...)
	o = append(o, t.docType...)
	o = append(o, `","currency":`...)
	o = append(o, co.currency.json...)
	o = append(o, `,"exchange_rate":"`...)
	o = append(o, co.rates[d.day]...)
	o = append(o, `","reference":"`...)
	o = append(o, t.refPrefix...)
	o = strconv.AppendInt(o, referenceBase+d.seq, 10)
	o = append(o, `","header_text":"`...)
	o = append(o, t.text...)
	if p := co.party(d); p != nil {
		o = append(o, ' ')
		o = append(o, p.json...)
		o = p.appendNumber(o, d.party)
	}
	o = append(o, `","created_by":`...)
	o = co.user.appendJSON(o, d.user)
	o = append(o, `,"source":"`...)
	o = append(o, d.source...)
	o = append(o, `","business_process":"`...)
	o = append(o, t.process...)
	o = append(o, `","ledger":"0L"`...)
	if d.fraud != noFraud {
		o = append(o, `,"is_fraud":true,"is_anomaly":true`...)
	} else {
		o = append(o, `,"is_fraud":false,"is_anomaly":false`...)
	}
	return o
}

// appendJSONLine appends line item n (zero-based) of a document as an
// object. Without a cost centre, cost_center and profit_center are "" (the
// server's events), or null when nulls is set (the JSON files).
func (l *Ledger) appendJSONLine(o []byte, co *company, n int, it *lineItem, nulls bool) []byte {
	o = append(o, `{"line_number":`...)
	o = strconv.AppendInt(o, int64(n+1), 10)
	o = append(o, `,"gl_account":`...)
	o = append(o, l.acct[it.account].json...)
	debit, credit := it.amount, int64(0)
	if !it.debit {
		debit, credit = 0, it.amount
	}
	o = append(o, `,"debit_amount":"`...)
	o = money.AppendMinor(o, debit, co.digits)
	o = append(o, `","credit_amount":"`...)
	o = money.AppendMinor(o, credit, co.digits)
	o = append(o, `","local_amount":"`...)
	o = money.AppendMinor(o, debit-credit, co.digits)
	o = append(o, `","cost_center":`...)
	if it.costCenter >= 0 {
		o = co.costCenter.appendJSON(o, it.costCenter)
		o = append(o, `,"profit_center":`...)
		o = co.profitCenter.appendJSON(o, co.pcOfCC[it.costCenter])
	} else if nulls {
		o = append(o, `null,"profit_center":null`...)
	} else {
		o = append(o, `"","profit_center":""`...)
	}
	o = append(o, `,"line_text":`...)
	o = append(o, l.acctName[it.account].json...)
	return append(o, '}')
}
