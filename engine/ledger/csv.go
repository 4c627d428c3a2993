package ledger

import (
	"strconv"

	"datasynth.dev/engine/internal/csvrow"
	"datasynth.dev/engine/money"
	"datasynth.dev/engine/table"
)

// EncodeCSV sets b.CSV to the rows of journal_entries.csv for the block's
// documents and b.Labels to their rows of labels/anomaly_labels.csv,
// reusing the memory of both. A document's header fields are formatted
// once and copied onto each of its lines.
func (b *Block) EncodeCSV() {
	l := b.l
	co := &l.companies[b.company]
	out, labels := b.CSV[:0], b.Labels[:0]
	var h []byte
	items := b.items
	for i := range b.docs {
		d := &b.docs[i]
		h = l.appendCSVHeader(h[:0], co, d)
		for n, it := range items[:d.lines] {
			out = append(out, h...)
			out = strconv.AppendInt(out, int64(n+1), 10)
			out = append(out, ',')
			out = append(out, l.acct[it.account].csv...)
			out = append(out, ',')
			// debit_amount, credit_amount and local_amount: the amount is
			// formatted once and copied, the zero side is the company's
			// zero text.
			if it.debit {
				start := len(out)
				out = money.AppendMinor(out, it.amount, co.digits)
				end := len(out)
				out = append(out, ',')
				out = append(out, co.zeroCSV...)
				out = append(out, out[start:end]...)
			} else {
				out = append(out, co.zeroCSV...)
				start := len(out)
				out = money.AppendMinor(out, it.amount, co.digits)
				end := len(out)
				out = append(out, ',')
				if it.amount > 0 {
					out = append(out, '-')
					out = append(out, out[start:end]...)
				} else {
					out = money.AppendMinor(out, -it.amount, co.digits)
				}
			}
			out = append(out, ',')
			if it.costCenter >= 0 {
				out = append(out, co.ccCSV[it.costCenter]...)
			} else {
				out = append(out, ',')
			}
			out = append(out, ',')
			out = append(out, l.acctName[it.account].csv...)
			out = append(out, ",,,,\n"...)
		}
		items = items[d.lines:]
	}
	if b.Fraud > 0 {
		_ = b.LabelRows(func(row []table.Value) error {
			labels = table.AppendCSV(labels, LabelTable, row)
			return nil
		})
	}
	b.CSV, b.Labels = out, labels
}

// appendCSVHeader appends the document-level fields of a journal_entries.csv
// row, each followed by a comma.
func (l *Ledger) appendCSVHeader(h []byte, co *company, d *document) []byte {
	day := &l.days[d.day]
	t := d.tmpl
	h = appendUUID(h, d.idHi, d.idLo)
	h = append(h, ',')
	h = append(h, co.code.csv...)
	h = append(h, ',')
	h = append(h, day.fy...)
	h = append(h, ',')
	h = append(h, day.fp...)
	h = append(h, ',')
	h = append(h, day.date...)
	h = append(h, ',')
	h = append(h, l.days[d.docDay].date...)
	h = append(h, ',')
	h = append(h, t.docType...)
	h = append(h, ',')
	h = append(h, co.currency.csv...)
	h = append(h, ',')
	h = append(h, co.rates[d.day]...)
	h = append(h, ',')
	h = append(h, t.refPrefix...)
	h = strconv.AppendInt(h, referenceBase+d.seq, 10)
	h = append(h, ',')
	h = l.appendCSVHeaderText(h, co, d)
	h = append(h, ',')
	if co.user.quote {
		h = co.user.appendCSV(h, d.user)
	} else {
		h = append(h, co.userIDs[d.user]...)
	}
	h = append(h, ',')
	h = append(h, d.source...)
	h = append(h, ',')
	h = append(h, t.process...)
	h = append(h, ",0L,"...)
	if d.fraud != noFraud {
		h = append(h, "true,true,"...)
	} else {
		h = append(h, "false,false,"...)
	}
	return h
}

// appendCSVHeaderText appends header_text: the template's text, followed by
// the vendor or customer where the document has one.
func (l *Ledger) appendCSVHeaderText(h []byte, co *company, d *document) []byte {
	p := co.party(d)
	if p == nil {
		return append(h, d.tmpl.text...)
	}
	if p.quote {
		// Rare: a company code that needs quoting. Quote the whole field.
		v := append([]byte(d.tmpl.text+" "+p.raw), p.appendNumber(nil, d.party)...)
		return csvrow.Field(h, string(v))
	}
	h = append(h, d.tmpl.text...)
	h = append(h, ' ')
	return p.appendCSV(h, d.party)
}

// party returns the identifier prefix of the document's vendor or
// customer, or nil.
func (co *company) party(d *document) *idPrefix {
	switch d.partyKind {
	case vendor:
		return &co.vend
	case customer:
		return &co.cust
	}
	return nil
}

// referenceBase is added to a document's sequence number in its reference.
const referenceBase = 100_000_000

// appendRelated appends related_entities: a JSON array of the user who
// posted and the vendor or customer, if any.
func (l *Ledger) appendRelated(b []byte, co *company, d *document) []byte {
	b = append(b, '[')
	b = co.user.appendJSON(b, d.user)
	if p := co.party(d); p != nil {
		b = append(b, ',')
		b = p.appendJSON(b, d.party)
	}
	return append(b, ']')
}
