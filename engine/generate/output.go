package generate

import (
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"io"
	"sync"
	"time"

	"datasynth.dev/engine/balance"
	"datasynth.dev/engine/chart"
	"datasynth.dev/engine/config"
	"datasynth.dev/engine/flows"
	"datasynth.dev/engine/fx"
	"datasynth.dev/engine/internal/csvrow"
	"datasynth.dev/engine/ledger"
	"datasynth.dev/engine/masterdata"
	"datasynth.dev/engine/table"
	"datasynth.dev/verify/manifest"
	"github.com/klauspost/compress/zstd"
	"github.com/parquet-go/parquet-go"
)

// codec compresses text files (csv, json, json_lines) with gzip or zstd.
// A file is written as independent members (gzip) or frames (zstd), one per
// block of journal entries, so that workers compress in parallel and the
// bytes still do not depend on the thread count; gunzip, zstd and every
// library that reads these formats read concatenated members as one
// stream. nil means no compression.
type codec struct {
	name  string
	level int
	zenc  *zstd.Encoder
	gz    sync.Pool
}

// textCodec returns the codec for text files, or nil: lz4 and snappy apply
// to Parquet pages only.
func textCodec(cfg *config.Config) (*codec, error) {
	o := cfg.Output
	switch o.Compression {
	case "gzip":
		c := &codec{name: "gzip", level: o.Level}
		c.gz.New = func() any { w, _ := gzip.NewWriterLevel(nil, o.Level); return w }
		return c, nil
	case "zstd":
		enc, err := zstd.NewWriter(nil, zstd.WithEncoderLevel(zstd.EncoderLevelFromZstd(o.Level)), zstd.WithEncoderConcurrency(1))
		if err != nil {
			return nil, err
		}
		return &codec{name: "zstd", level: o.Level, zenc: enc}, nil
	}
	return nil, nil
}

func (c *codec) ext() string {
	switch {
	case c == nil:
		return ""
	case c.name == "gzip":
		return ".gz"
	}
	return ".zst"
}

// block appends src to dst as one member or frame.
func (c *codec) block(dst, src []byte) []byte {
	if c.zenc != nil {
		return c.zenc.EncodeAll(src, dst)
	}
	buf := bytes.NewBuffer(dst)
	w := c.gz.Get().(*gzip.Writer)
	w.Reset(buf)
	w.Write(src)
	w.Close()
	c.gz.Put(w)
	return buf.Bytes()
}

// stream compresses what is written to it into w, one member or frame per
// streamChunk bytes, so that a table of any size needs little memory (the
// chunks depend on the bytes alone, never on timing). Without compression
// it writes through.
type stream struct {
	c   *codec
	w   io.Writer
	buf []byte
	out []byte
	// wrote: a chunk went out; an empty table still gets one (empty)
	// member or frame.
	wrote bool
}

// streamChunk is how much of a table one member or frame holds.
const streamChunk = 1 << 20

func (s *stream) Write(p []byte) (int, error) {
	if s.c == nil {
		return s.w.Write(p)
	}
	s.buf = append(s.buf, p...)
	if len(s.buf) >= streamChunk {
		if err := s.flush(); err != nil {
			return 0, err
		}
	}
	return len(p), nil
}

func (s *stream) flush() error {
	var err error
	if s.c == nil {
		_, err = s.w.Write(s.buf)
	} else {
		s.out = s.c.block(s.out[:0], s.buf)
		_, err = s.w.Write(s.out)
	}
	s.buf = s.buf[:0]
	s.wrote = true
	return err
}

// Close compresses and writes what is left.
func (s *stream) Close() error {
	if len(s.buf) == 0 && s.wrote {
		return nil
	}
	return s.flush()
}

// tableFile is one table written in one format.
type tableFile struct {
	f   *file
	out *stream
	tw  table.Writer
}

// openTable creates the files of a table (path without extension, e.g.
// "master_data/vendors") in every configured format.
func openTable(w *writer, cfg *config.Config, c *codec, path string, cols []table.Column) ([]*tableFile, error) {
	return openTableFormats(w, cfg, c, path, cols, cfg.Output.Formats)
}

// openTableFormats creates the files of a table in the given formats.
func openTableFormats(w *writer, cfg *config.Config, c *codec, path string, cols []table.Column, formats []string) ([]*tableFile, error) {
	var out []*tableFile
	for _, format := range formats {
		tf := &tableFile{}
		rel := path + "." + config.FormatExtension(format)
		var dst io.Writer
		if format == "parquet" {
			f, err := w.create(rel, format, nil)
			if err != nil {
				return nil, err
			}
			tf.f, dst = f, f.buf
		} else {
			f, err := w.create(rel+c.ext(), format, nil)
			if err != nil {
				return nil, err
			}
			tf.f, tf.out = f, &stream{c: c, w: f.buf}
			dst = tf.out
		}
		tw, err := table.NewWriter(format, dst, cols, cfg.Output.Compression, cfg.Output.Level)
		if err != nil {
			tf.f.abort()
			return nil, err
		}
		tf.tw = tw
		out = append(out, tf)
	}
	return out, nil
}

// writeRow writes a row to each file of a table; an error names the file.
func writeRow(tfs []*tableFile, row []table.Value) error {
	for _, tf := range tfs {
		if err := tf.tw.Write(row); err != nil {
			return fmt.Errorf("writing %s: %w", tf.f.rel, err)
		}
	}
	return nil
}

func closeTable(tfs []*tableFile) error {
	var first error
	for _, tf := range tfs {
		err := tf.tw.Close()
		if err == nil && tf.out != nil {
			err = tf.out.Close()
		}
		tf.f.rows = tf.tw.Rows()
		if err == nil {
			err = tf.f.close() // names the file itself
		} else {
			tf.f.abort()
			err = fmt.Errorf("writing %s: %w", tf.f.rel, err)
		}
		if first == nil {
			first = err
		}
	}
	return first
}

func abortTable(tfs []*tableFile) {
	for _, tf := range tfs {
		tf.f.abort()
	}
}

// writeMaster writes the chart of accounts and the master-data tables, one
// file per table and format, from the rows MasterRows streams.
func writeMaster(ctx context.Context, w *writer, cfg *config.Config, seed uint64, c *codec) error {
	var cur *MasterTable
	var tfs []*tableFile
	// MasterRows puts the table's name before what emit returns, in the
	// CSV form of its path, and a table is closed when the next one's first
	// row comes; a failure here is returned as it is instead, naming the
	// file that failed.
	var failed error
	err := MasterRows(ctx, StreamOptions{Config: cfg, Seed: seed}, func(t *MasterTable, row []table.Value) error {
		if t != cur {
			failed = closeTable(tfs)
			tfs = nil
			if failed != nil {
				return failed
			}
			if tfs, failed = openTable(w, cfg, c, t.Path[:len(t.Path)-len(".csv")], t.Cols); failed != nil {
				return failed
			}
			cur = t
		}
		failed = writeRow(tfs, row)
		return failed
	})
	if err != nil {
		abortTable(tfs)
		if failed != nil {
			return failed
		}
		return err
	}
	return closeTable(tfs)
}

// writeFX writes fx/daily_rates: the exchange rates that the journal's
// exchange_rate column takes, one row per day and currency pair (none when
// every company books in the group currency).
func writeFX(w *writer, cfg *config.Config, seed uint64, c *codec) error {
	tfs, err := openTable(w, cfg, c, fx.Path, fx.Columns)
	if err != nil {
		return err
	}
	if err := fx.ForConfig(cfg, seed).Rows(func(row []table.Value) error { return writeRow(tfs, row) }); err != nil {
		abortTable(tfs)
		return fmt.Errorf("%s: %w", fx.Path, err)
	}
	return closeTable(tfs)
}

// flowText is a flow table in CSV or JSON Lines, encoded block by block
// like the journal.
type flowText struct {
	t   *flows.Table
	f   *file
	csv bool
}

// journalText is journal_entries in a text format: blocks are encoded (and
// compressed) by the workers, then placed at their offsets in order.
type journalText struct {
	f      *file
	format string
	// perEntry: record_count counts entries (json, json_lines), not lines.
	perEntry bool
}

func writeJournal(ctx context.Context, w *writer, cfg *config.Config, opts Options, l *ledger.Ledger, tally *balance.Tally, threads int, st *manifest.Statistics, c *codec) error {
	var texts []*journalText
	var pq *file
	var pw *parquet.GenericWriter[ledger.JournalRow]
	var labels []*tableFile
	var flowTables [][]*tableFile
	var flowTexts []*flowText
	abort := func() {
		for _, t := range flowTables {
			abortTable(t)
		}
		for _, t := range flowTexts {
			t.f.abort()
		}
		for _, t := range texts {
			t.f.abort()
		}
		if pq != nil {
			pq.abort()
		}
		abortTable(labels)
	}
	for _, format := range cfg.Output.Formats {
		rel := "journal_entries." + config.FormatExtension(format)
		if format == "parquet" {
			f, err := w.create(rel, format, nil)
			if err != nil {
				abort()
				return err
			}
			pq = f
			popts, err := table.ParquetOptions(cfg.Output.Compression, cfg.Output.Level)
			if err != nil {
				abort()
				return err
			}
			// Every column keeps its bounds. parquet-go's SkipPageBounds
			// would save about a twentieth of the writing time on the
			// journal's random identifiers and free text, but it still
			// writes their column index, with empty bounds for every page,
			// and a reader pruning pages by it (Spark, DataFusion) would
			// then find no row (TestParquetPageBounds).
			pw = parquet.NewGenericWriter[ledger.JournalRow](f.buf, popts...)
			continue
		}
		var header []byte
		switch format {
		case "csv":
			header = csvrow.Header(ledger.Columns...)
		case "json":
			header = []byte("[\n")
		}
		if c != nil && header != nil {
			header = c.block(nil, header)
		}
		f, err := w.create(rel+c.ext(), format, header)
		if err != nil {
			abort()
			return err
		}
		texts = append(texts, &journalText{f: f, format: format, perEntry: format != "csv"})
	}
	if cfg.Fraud.Enabled {
		var err error
		if labels, err = openTable(w, cfg, c, "labels/anomaly_labels", ledger.LabelTable); err != nil {
			abort()
			return err
		}
	}

	// Flow tables: CSV and JSON Lines are encoded (and compressed) block by
	// block by the workers, like the journal; JSON arrays and Parquet are
	// written row by row in block order.
	for _, t := range flows.Tables {
		var serial []string
		for _, format := range cfg.Output.Formats {
			if format != "csv" && format != "json_lines" {
				serial = append(serial, format)
				continue
			}
			var header []byte
			if format == "csv" {
				header = csvrow.Header(table.Names(t.Cols)...)
			}
			if c != nil {
				// An empty table is still a valid compressed file.
				header = c.block(nil, header)
			}
			f, err := w.create(t.Path+"."+config.FormatExtension(format)+c.ext(), format, header)
			if err != nil {
				abort()
				return err
			}
			flowTexts = append(flowTexts, &flowText{t: t, f: f, csv: format == "csv"})
		}
		tfs, err := openTableFormats(w, cfg, c, t.Path, t.Cols, serial)
		if err != nil {
			abort()
			return err
		}
		flowTables = append(flowTables, tfs)
	}

	// Encoded[i] holds text format i of a block, ready to write;
	// Encoded[n+i] its uncompressed form when it is compressed.
	n := len(texts)
	// Flow table k's block goes to Encoded[2n+2k] (Encoded[2n+2k+1] holds
	// it uncompressed), its offset to Offsets[n+k] and its row count to
	// Offsets[n+nf+k].
	nf := len(flowTexts)
	encode := func(blk *ledger.Block, seq, blocks int64) {
		if len(blk.Encoded) != 2*(n+nf) {
			blk.Encoded, blk.Offsets = make([][]byte, 2*(n+nf)), make([]int64, n+2*nf)
		}
		for k, ft := range flowTexts {
			raw := blk.Encoded[2*n+2*k+1][:0]
			var rows int64
			if ft.csv {
				raw, rows = blk.Flows.AppendCSV(raw, ft.t)
			} else {
				raw, rows = blk.Flows.AppendJSONL(raw, ft.t)
			}
			blk.Encoded[2*n+2*k+1] = raw
			blk.Offsets[n+nf+k] = rows
			if c != nil && len(raw) > 0 {
				raw = c.block(blk.Encoded[2*n+2*k][:0], raw)
			}
			blk.Encoded[2*n+2*k] = raw
		}
		for i, t := range texts {
			raw := blk.Encoded[i][:0]
			if c != nil {
				raw = blk.Encoded[n+i][:0]
			}
			switch t.format {
			case "csv":
				blk.EncodeCSV()
				raw = blk.CSV
			case "json_lines":
				raw = blk.AppendJSON(raw, "\n", false)
			case "json":
				last := seq == blocks-1
				raw = blk.AppendJSON(raw, ",\n", last)
				if last {
					raw = append(raw, "\n]\n"...)
				}
			}
			if c != nil {
				if t.format != "csv" {
					blk.Encoded[n+i] = raw
				}
				blk.Encoded[i] = c.block(blk.Encoded[i][:0], raw)
			} else {
				blk.Encoded[i] = raw
			}
		}
	}
	total := cfg.TotalEntries()
	var done int64
	order := func(blk *ledger.Block) (int64, error) {
		for i, t := range texts {
			n := blk.Lines
			if t.perEntry {
				n = blk.Entries
			}
			off, err := t.f.reserve(blk.Encoded[i], n)
			if err != nil {
				return 0, err
			}
			blk.Offsets[i] = off
		}
		for k, ft := range flowTexts {
			off, err := ft.f.reserve(blk.Encoded[2*n+2*k], blk.Offsets[n+nf+k])
			if err != nil {
				return 0, err
			}
			blk.Offsets[n+k] = off
		}
		tally.Add(blk)
		st.JournalEntries += blk.Entries
		st.LineItems += blk.Lines
		st.FraudEntries += blk.Fraud
		done += blk.Entries
		if opts.Progress != nil {
			opts.Progress(done, total)
		}
		return 0, nil
	}
	// What must see the blocks in file order each gets a lane: the
	// checksum of each text file (its bytes are encoded by every worker
	// and written at their offsets in any order), and each output written
	// row by row (Parquet, JSON arrays), the journal's Parquet file first,
	// as the largest.
	var lanes []*lane
	for i, t := range texts {
		lanes = append(lanes, newLane(func(blk *ledger.Block) error {
			t.f.digest(blk.Encoded[i])
			return nil
		}))
	}
	for k, ft := range flowTexts {
		lanes = append(lanes, newLane(func(blk *ledger.Block) error {
			ft.f.digest(blk.Encoded[2*n+2*k])
			return nil
		}))
	}
	if pw != nil {
		var rows []ledger.JournalRow
		lanes = append(lanes, newLane(func(blk *ledger.Block) error {
			rows = blk.JournalRows(rows[:0])
			if _, err := pw.Write(rows); err != nil {
				return fmt.Errorf("writing %s: %w", pq.rel, err)
			}
			pq.rows += int64(len(rows))
			return nil
		}))
	}
	if labels != nil {
		lanes = append(lanes, newLane(func(blk *ledger.Block) error {
			if blk.Fraud == 0 {
				return nil
			}
			return blk.LabelRows(func(row []table.Value) error { return writeRow(labels, row) })
		}))
	}
	for i, t := range flows.Tables {
		if len(flowTables[i]) == 0 {
			continue
		}
		tfs := flowTables[i]
		lanes = append(lanes, newLane(func(blk *ledger.Block) error {
			return blk.Flows.Rows(t, func(row []table.Value) error { return writeRow(tfs, row) })
		}))
	}
	write := func(ctx context.Context, blk *ledger.Block, seq, _ int64) error {
		for i, t := range texts {
			if err := t.f.writeAt(blk.Encoded[i], blk.Offsets[i]); err != nil {
				return err
			}
		}
		for k, ft := range flowTexts {
			if err := ft.f.writeAt(blk.Encoded[2*n+2*k], blk.Offsets[n+k]); err != nil {
				return err
			}
		}
		for _, l := range lanes {
			if err := l.do(ctx, seq, blk); err != nil {
				return err
			}
		}
		return nil
	}
	if opts.Logger != nil {
		for _, w := range l.Warnings() {
			opts.Logger.Warn(w)
		}
	}
	if err := runJournal(ctx, l, threads, encode, order, write); err != nil {
		abort()
		return err
	}
	var first error
	keep := func(err error) {
		if first == nil {
			first = err
		}
	}
	for _, t := range texts {
		keep(t.f.close())
	}
	if pw != nil {
		if err := pw.Close(); err != nil {
			pq.abort()
			keep(fmt.Errorf("writing %s: %w", pq.rel, err))
		} else {
			keep(pq.close())
		}
	}
	if labels != nil {
		keep(closeTable(labels))
	}
	for _, t := range flowTables {
		keep(closeTable(t))
	}
	for _, t := range flowTexts {
		keep(t.f.close())
	}
	return first
}

// writeBalances writes each company's opening balances, the trial balances
// of every period from the tally of the journal, and balance_validation.json
// with the checks they pass. The balance section decides which of the two
// tables are written (without opening balances the books open empty, and
// DataSynth writes no opening balance records); the checks run either way.
func writeBalances(w *writer, cfg *config.Config, seed uint64, ch *chart.Chart, l *ledger.Ledger, tally *balance.Tally, c *codec) error {
	v := balance.NewValidation(ch, cfg.Balance)
	sheets := make([]*balance.Sheet, len(cfg.Companies))
	currencies := make([]string, len(cfg.Companies))
	for ci, co := range cfg.Companies {
		sheets[ci], currencies[ci] = l.Opening(ci), co.Currency
		v.Opening(sheets[ci], co.Currency)
	}
	if cfg.Balance.Opening {
		tfs, err := openTable(w, cfg, c, "balance/opening_balances", balance.OpeningColumns)
		if err != nil {
			return err
		}
		emit := func(row []table.Value) error { return writeRow(tfs, row) }
		for ci, s := range sheets {
			if err := s.Rows(ch, currencies[ci], emit); err != nil {
				abortTable(tfs)
				return fmt.Errorf("balance/opening_balances: %w", err)
			}
		}
		if err := closeTable(tfs); err != nil {
			return err
		}
	}
	// Without the trial balance table, the checks still walk every period
	// (emit nil: no row is made).
	var tfs []*tableFile
	var emit func(row []table.Value) error
	if cfg.Balance.TrialBalances {
		var err error
		if tfs, err = openTable(w, cfg, c, "period_close/trial_balances", balance.TrialBalanceColumns); err != nil {
			return err
		}
		emit = func(row []table.Value) error { return writeRow(tfs, row) }
	}
	// The fixed-asset accounts are compared with the asset register at
	// every period end, where the journal posts its purchases and
	// depreciation.
	for ci := range cfg.Companies {
		if assets, ok := l.Assets(ci); ok {
			tally.Hold(ci, func(asOf time.Time) map[int]int64 {
				held := map[int]int64{}
				for _, b := range masterdata.AssetBalances(assets, asOf) {
					held[b.Account] = b.Amount
				}
				return held
			})
		}
	}
	if err := tally.TrialBalances(sheets, currencies, v, emit); err != nil {
		abortTable(tfs)
		return fmt.Errorf("period_close/trial_balances: %w", err)
	}
	if err := closeTable(tfs); err != nil {
		return err
	}
	for _, co := range cfg.Companies {
		v.Expect(co.Code, co.Entries(cfg.Global.PeriodMonths))
	}
	data, err := v.JSON()
	if err != nil {
		return err
	}
	f, err := w.create(balance.ValidationFile, "json", data)
	if err != nil {
		return err
	}
	f.rows = 1
	return f.close()
}
