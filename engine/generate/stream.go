package generate

import (
	"context"
	"fmt"
	"runtime"

	"datasynth.dev/engine/chart"
	"datasynth.dev/engine/config"
	"datasynth.dev/engine/internal/csvrow"
	"datasynth.dev/engine/ledger"
	"datasynth.dev/engine/masterdata"
	"datasynth.dev/engine/rng"
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
	err = runJournal(ctx, ledger.New(cfg, opts.Seed, ch), threads, func(blk *ledger.Block) (int64, error) {
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
var chartColumns = []string{"account_number", "short_description", "long_description", "account_type",
	"sub_type", "account_class", "account_group", "is_control_account", "is_suspense_account",
	"parent_account", "hierarchy_level", "normal_debit_balance", "is_postable"}

// MasterTable is one master-data table as Run writes it under master_data/.
type MasterTable struct {
	// Path is the file's path in a dataset folder, e.g.
	// "master_data/vendors.csv".
	Path    string
	Name    string
	Columns []string
}

// MasterData generates the chart of accounts and the master-data tables of
// opts.Config. For each file, in the order Run writes them, it calls emit
// once per row (a CSV record ending in a newline, without the header). The
// header of a table is csv of its Columns; header plus rows is byte for byte
// the file Run writes.
func MasterData(ctx context.Context, opts StreamOptions, emit func(t *MasterTable, row []byte) error) error {
	cfg := opts.Config
	ch, err := Chart(cfg)
	if err != nil {
		return err
	}
	coa := &MasterTable{Path: "chart_of_accounts.csv", Name: "chart_of_accounts", Columns: chartColumns}
	var r csvrow.Row
	for _, a := range ch.Accounts {
		r.Reset()
		r.Str(a.Number)
		r.Str(a.Name)
		r.Str(a.LongName)
		r.Str(a.Type)
		r.Str(a.SubType)
		r.Str(a.Class)
		r.Str(a.Group)
		r.Bool(a.Control)
		r.Bool(a.Suspense)
		r.Str(a.Parent)
		r.Int(int64(a.Level))
		r.Bool(a.NormalBalance == "debit")
		r.Bool(a.Postable)
		r.End()
		if err := emit(coa, r.B); err != nil {
			return err
		}
	}
	for _, t := range masterdata.Tables(cfg.Global.StartDate) {
		mt := &MasterTable{Path: "master_data/" + t.Name + ".csv", Name: t.Name, Columns: t.Columns}
		for _, c := range cfg.Companies {
			s := masterdata.SizesFor(c, cfg.ChartOfAccounts.Complexity)
			rs := rng.New(opts.Seed, "master", t.Name, c.Code)
			for i := range t.Rows(s) {
				if i%4096 == 0 {
					if err := ctx.Err(); err != nil {
						return err
					}
				}
				r.Reset()
				t.Row(c, s, i, rs, &r)
				r.End()
				if err := emit(mt, r.B); err != nil {
					return fmt.Errorf("%s: %w", mt.Path, err)
				}
			}
		}
	}
	return nil
}
