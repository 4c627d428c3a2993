package generate

import (
	"context"
	"fmt"
	"runtime"

	"datasynth.dev/engine/balance"
	"datasynth.dev/engine/chart"
	"datasynth.dev/engine/config"
	"datasynth.dev/engine/internal/csvrow"
	"datasynth.dev/engine/ledger"
	"datasynth.dev/engine/masterdata"
	"datasynth.dev/engine/money"
	"datasynth.dev/engine/table"
	"datasynth.dev/verify/manifest"
)

// StreamOptions configure Journal and MasterData: a generation without a
// dataset folder, for callers that send the data elsewhere (an HTTP
// response, a WebSocket).
type StreamOptions struct {
	Config *config.Config
	Seed   uint64
	// Threads is the number of generating goroutines; 0 means one per CPU.
	// It changes speed, never content.
	Threads int
}

// JournalHeader returns the first line of journal_entries.csv.
func JournalHeader() []byte { return csvrow.Header(ledger.Columns...) }

// LabelHeader returns the first line of labels/anomaly_labels.csv.
func LabelHeader() []byte { return csvrow.Header(ledger.LabelColumns...) }

// Chart builds the chart of accounts that Run writes for cfg.
func Chart(cfg *config.Config) (*chart.Chart, error) {
	size := 0
	for _, c := range config.Complexities {
		if c.Name == cfg.ChartOfAccounts.Complexity {
			size = c.Accounts
		}
	}
	return chart.Build(cfg.Global.Industry, size, cfg.ChartOfAccounts.IndustrySpecific)
}

// Journal generates the journal entries of opts.Config in the order Run
// writes them and calls emit with each block, in order, one call at a time
// (not always from the same goroutine). JournalHeader followed by every
// block's CSV is byte for byte the journal_entries.csv of Run for the same
// config and seed; the blocks' Labels, after LabelHeader, are
// labels/anomaly_labels.csv.
//
// emit must not keep the block after it returns: its memory is reused. An
// error from emit, or the end of ctx, stops generation and is returned.
// The statistics count what was emitted.
func Journal(ctx context.Context, opts StreamOptions, emit func(*ledger.Block) error) (manifest.Statistics, error) {
	var st manifest.Statistics
	cfg := opts.Config
	ch, err := Chart(cfg)
	if err != nil {
		return st, err
	}
	st.Companies = len(cfg.Companies)
	st.Accounts = len(ch.Accounts)
	threads := opts.Threads
	if threads <= 0 {
		threads = runtime.NumCPU()
	}
	encode := func(blk *ledger.Block, _, _ int64) { blk.EncodeCSV() }
	err = runJournal(ctx, ledger.New(cfg, opts.Seed, ch), threads, encode, func(blk *ledger.Block) (int64, error) {
		if err := emit(blk); err != nil {
			return 0, err
		}
		st.JournalEntries += blk.Entries
		st.LineItems += blk.Lines
		st.FraudEntries += blk.Fraud
		return 0, nil
	}, nil)
	if err != nil {
		return st, err
	}
	// The pipeline can finish between a cancellation and its noticing it;
	// a cancelled stream is never reported as complete.
	return st, ctx.Err()
}

// chartColumns are DataSynth's account fields, in its order.
var chartColumns = []table.Column{
	{Name: "account_number"}, {Name: "short_description"}, {Name: "long_description"}, {Name: "account_type"},
	{Name: "sub_type"}, {Name: "account_class"}, {Name: "account_group"},
	{Name: "is_control_account", Kind: table.Bool}, {Name: "is_suspense_account", Kind: table.Bool},
	{Name: "parent_account", Optional: true}, {Name: "hierarchy_level", Kind: table.Int},
	{Name: "normal_debit_balance", Kind: table.Bool}, {Name: "is_postable", Kind: table.Bool},
}

// MasterTable is one master-data table as Run writes it: the chart of
// accounts, or a table under master_data/.
type MasterTable struct {
	// Path is the table's CSV file in a dataset folder, e.g.
	// "master_data/vendors.csv"; other formats change the extension.
	Path string
	Name string
	// Columns are the column names; Cols the columns with their kinds.
	Columns []string
	Cols    []table.Column
}

func newMasterTable(dir, name string, cols []table.Column) *MasterTable {
	t := &MasterTable{Path: dir + name + ".csv", Name: name, Cols: cols}
	for _, c := range cols {
		t.Columns = append(t.Columns, c.Name)
	}
	return t
}

// MasterRows generates the chart of accounts and the master-data tables of
// opts.Config. For each table, in the order Run writes them, it calls emit
// once per row with the row's typed values (reused after emit returns).
func MasterRows(ctx context.Context, opts StreamOptions, emit func(t *MasterTable, row []table.Value) error) error {
	cfg := opts.Config
	ch, err := Chart(cfg)
	if err != nil {
		return err
	}
	coa := newMasterTable("", "chart_of_accounts", chartColumns)
	var row []table.Value
	for _, a := range ch.Accounts {
		row = append(row[:0], table.Str(a.Number), table.Str(a.Name), table.Str(a.LongName), table.Str(a.Type),
			table.Str(a.SubType), table.Str(a.Class), table.Str(a.Group), table.B(a.Control), table.B(a.Suspense),
			table.OptStr(a.Parent), table.I(int64(a.Level)), table.B(a.NormalBalance == "debit"), table.B(a.Postable))
		if err := emit(coa, row); err != nil {
			return err
		}
	}
	for _, t := range masterdata.Tables(masterdata.NewEnv(cfg, ch, opts.Seed)) {
		mt := newMasterTable("master_data/", t.Name, t.Columns)
		for _, c := range cfg.Companies {
			s := masterdata.SizesOf(cfg, c)
			rs := masterdata.Stream(opts.Seed, t.Name, c.Code)
			for i := range t.Rows(s) {
				if i%4096 == 0 {
					if err := ctx.Err(); err != nil {
						return err
					}
				}
				row = t.Row(c, s, i, rs, row[:0])
				if err := emit(mt, row); err != nil {
					return fmt.Errorf("%s: %w", mt.Path, err)
				}
			}
		}
	}
	return nil
}

// MasterData is MasterRows with each row as a CSV record (ending in a
// newline, without the header). The header of a table is csvrow.Header of
// its Columns; header plus rows is byte for byte the CSV file Run writes.
func MasterData(ctx context.Context, opts StreamOptions, emit func(t *MasterTable, row []byte) error) error {
	var b []byte
	return MasterRows(ctx, opts, func(t *MasterTable, row []table.Value) error {
		b = table.AppendCSV(b[:0], t.Cols, row)
		return emit(t, b)
	})
}

// BalanceBytes estimates the size of balance/opening_balances.csv and
// period_close/trial_balances.csv as Run writes them for opts (those of
// the two that the balance section leaves on), without
// generating the journal: their rows are known in advance (one per company
// and postable account, and per fiscal period for trial balances), and each
// amount is counted at the width of the company's largest opening balance,
// which few amounts exceed.
func BalanceBytes(opts StreamOptions) (uint64, error) {
	cfg := opts.Config
	ch, err := Chart(cfg)
	if err != nil {
		return 0, err
	}
	l := ledger.New(cfg, opts.Seed, ch)
	periods := uint64(len(l.Periods()))
	var n uint64
	for ci, co := range cfg.Companies {
		s := l.Opening(ci)
		var top int64
		for _, b := range s.Balances {
			top = max(top, b, -b)
		}
		amount := uint64(len(money.AppendMinor(nil, -top, s.Digits))) + 1
		fixed := uint64(len(co.Code)+len(co.Currency)) + 2*10 + 12 // dates, fiscal year and period, commas
		for _, a := range ch.Accounts {
			if !a.Postable {
				continue
			}
			text := fixed + uint64(len(a.Number)+len(a.Name)+len(balance.Category(&a))+len(a.Type)) + 2
			if cfg.Balance.Opening {
				n += text + 3*amount
			}
			if cfg.Balance.TrialBalances {
				n += periods * (text + 6*amount)
			}
		}
	}
	return n, nil
}
