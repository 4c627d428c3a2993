package ledger

import (
	"strconv"

	"datasynth.dev/engine/money"
	"datasynth.dev/engine/table"
)

// LabelTable are the columns of labels/anomaly_labels with their kinds.
var LabelTable = func() []table.Column {
	kinds := map[string]table.Kind{
		"anomaly_date": table.Date, "severity": table.Int, "is_injected": table.Bool,
		"monetary_impact": table.Amount, "related_entities": table.JSON, "structured_strategy_json": table.JSON,
		"causal_reason_json": table.JSON, "child_anomaly_ids": table.JSON, "metadata_json": table.JSON,
	}
	optional := map[string]bool{"cluster_id": true, "original_document_hash": true, "structured_strategy_type": true,
		"structured_strategy_json": true, "parent_anomaly_id": true, "scenario_id": true, "run_id": true}
	cols := make([]table.Column, len(LabelColumns))
	for i, name := range LabelColumns {
		cols[i] = table.Column{Name: name, Kind: kinds[name], Optional: optional[name]}
	}
	return cols
}()

// LabelRows calls emit with the label row of each fraudulent document of b,
// in order, in the columns of LabelTable. The row is reused after emit
// returns. Nothing in a label comes from the clock: detection_timestamp is
// the start of the posting day, and run_id is left empty because a run id
// differs between runs.
func (b *Block) LabelRows(emit func(row []table.Value) error) error {
	l := b.l
	co := &l.companies[b.company]
	var row []table.Value
	var id, rel []byte
	for i := range b.docs {
		d := &b.docs[i]
		if d.fraud == noFraud {
			continue
		}
		info := &fraudInfo[d.fraud]
		day := &l.days[d.day]
		id = appendUUID(id[:0], d.idHi, d.idLo)
		rel = l.appendRelated(rel[:0], co, d)
		docID := string(id)
		row = append(row[:0],
			table.Str("ANO-"+docID), table.Str("Fraud"), table.Str(info.typeName), table.Str(docID),
			table.Str(d.tmpl.docType), table.Str(co.cfg.Code), table.D(day.days), table.Str(day.date+" 00:00:00"),
			table.Str("1.0"), table.I(int64(info.severity)), table.Str(info.description), table.B(true),
			table.A(d.total, co.digits), table.Str(string(rel)), table.Null(), table.Null(), table.Str(d.fraud.String()),
			table.Null(), table.Null(), table.Str("RandomRate"), table.Str(`{"RandomRate":{"base_rate":`+l.fraudRate+`}}`),
			table.Null(), table.Str("[]"), table.Null(), table.Null(), table.Str(strconv.FormatUint(l.seed, 10)), table.Str("{}"))
		if err := emit(row); err != nil {
			return err
		}
	}
	return nil
}

// AppendJSON appends the documents of b as DataSynth writes journal entries
// in JSON: one object per document, {"header": {...}, "lines": [...]}, the
// header holding the document columns of Columns and each line the line
// columns (empty optional ones null, the French ledger's four left out as
// DataSynth leaves them out). Each object is followed by sep, except the
// last one of the block when last is set (the end of a JSON array).
func (b *Block) AppendJSON(dst []byte, sep string, last bool) []byte {
	l := b.l
	co := &l.companies[b.company]
	items := b.items
	for i := range b.docs {
		d := &b.docs[i]
		dst = append(dst, `{"header":{`...)
		dst = l.appendJSONHeader(dst, co, d)
		dst = append(dst, `},"lines":[`...)
		for n, it := range items[:d.lines] {
			if n > 0 {
				dst = append(dst, ',')
			}
			dst = l.appendJSONLine(dst, co, n, &it, true)
		}
		items = items[d.lines:]
		dst = append(dst, "]}"...)
		if !last || i < len(b.docs)-1 {
			dst = append(dst, sep...)
		}
	}
	return dst
}

// JournalRow is one line of journal_entries as a Parquet row: DataSynth's
// 29 columns, typed. Amounts are DECIMAL(18,4) (every currency's minor unit
// fits four places), the exchange rate DECIMAL(18,6), dates DATE. Every
// column is PLAIN-encoded: parquet-go's dictionary encoding writes its
// RLE/bit-packed indexes differently on 32-bit ARM than on amd64 (same
// values, other bytes), which would break byte-identical output across
// architectures.
type JournalRow struct {
	DocumentID             string `parquet:"document_id"`
	CompanyCode            string `parquet:"company_code"`
	FiscalYear             int32  `parquet:"fiscal_year"`
	FiscalPeriod           int32  `parquet:"fiscal_period"`
	PostingDate            int32  `parquet:"posting_date,date"`
	DocumentDate           int32  `parquet:"document_date,date"`
	DocumentType           string `parquet:"document_type"`
	Currency               string `parquet:"currency"`
	ExchangeRate           int64  `parquet:"exchange_rate,decimal(6:18)"`
	Reference              string `parquet:"reference"`
	HeaderText             string `parquet:"header_text"`
	CreatedBy              string `parquet:"created_by"`
	Source                 string `parquet:"source"`
	BusinessProcess        string `parquet:"business_process"`
	Ledger                 string `parquet:"ledger"`
	IsFraud                bool   `parquet:"is_fraud"`
	IsAnomaly              bool   `parquet:"is_anomaly"`
	LineNumber             int32  `parquet:"line_number"`
	GLAccount              string `parquet:"gl_account"`
	DebitAmount            int64  `parquet:"debit_amount,decimal(4:18)"`
	CreditAmount           int64  `parquet:"credit_amount,decimal(4:18)"`
	LocalAmount            int64  `parquet:"local_amount,decimal(4:18)"`
	CostCenter             string `parquet:"cost_center,optional"`
	ProfitCenter           string `parquet:"profit_center,optional"`
	LineText               string `parquet:"line_text"`
	AuxiliaryAccountNumber string `parquet:"auxiliary_account_number,optional"`
	AuxiliaryAccountLabel  string `parquet:"auxiliary_account_label,optional"`
	Lettrage               string `parquet:"lettrage,optional"`
	LettrageDate           *int32 `parquet:"lettrage_date,date,optional"`
}

// JournalRows appends the lines of b as Parquet rows.
func (b *Block) JournalRows(dst []JournalRow) []JournalRow {
	l := b.l
	co := &l.companies[b.company]
	scale := money.Pow10(table.AmountScale - co.digits)
	items := b.items
	var buf []byte
	for i := range b.docs {
		d := &b.docs[i]
		day, docDay := &l.days[d.day], &l.days[d.docDay]
		t := d.tmpl
		fy, _ := strconv.Atoi(day.fy)
		fp, _ := strconv.Atoi(day.fp)
		buf = appendUUID(buf[:0], d.idHi, d.idLo)
		id := string(buf)
		buf = strconv.AppendInt(append(buf[:0], t.refPrefix...), referenceBase+d.seq, 10)
		ref := string(buf)
		buf = append(buf[:0], t.text...)
		if p := co.party(d); p != nil {
			buf = append(append(buf, ' '), p.raw...)
			buf = p.appendNumber(buf, d.party)
		}
		text := string(buf)
		user := co.userIDs[d.user]
		for n, it := range items[:d.lines] {
			r := JournalRow{
				DocumentID: id, CompanyCode: co.cfg.Code, FiscalYear: int32(fy), FiscalPeriod: int32(fp),
				PostingDate: day.days, DocumentDate: docDay.days, DocumentType: t.docType, Currency: co.cfg.Currency,
				ExchangeRate: co.rateMicros[d.day], Reference: ref, HeaderText: text, CreatedBy: user, Source: d.source,
				BusinessProcess: t.process, Ledger: "0L", IsFraud: d.fraud != noFraud, IsAnomaly: d.fraud != noFraud,
				LineNumber: int32(n + 1), GLAccount: l.chart.Accounts[it.account].Number,
				LineText: l.chart.Accounts[it.account].Name,
			}
			a := it.amount * scale
			if it.debit {
				r.DebitAmount, r.LocalAmount = a, a
			} else {
				r.CreditAmount, r.LocalAmount = a, -a
			}
			if it.costCenter >= 0 {
				r.CostCenter = co.ccID[it.costCenter]
				r.ProfitCenter = co.pcID[co.pcOfCC[it.costCenter]]
			}
			dst = append(dst, r)
		}
		items = items[d.lines:]
	}
	return dst
}
