package bulk

import (
	"net/http"
	"time"

	"datasynth.dev/engine/generate"
	"datasynth.dev/engine/ledger"
	"datasynth.dev/server/httpapi"
)

// Summary is the answer of a bulk request that asks for JSON (or for
// nothing in particular): DataSynth's BulkGenerateResponse, then what
// identifies the data so that it can be had again, from this server
// (the same body with an Accept of a data format) or from datasynth-data
// (POST /api/generate/plan gives the config).
type Summary struct {
	Success          bool   `json:"success"`
	EntriesGenerated int64  `json:"entries_generated"`
	DurationMS       int64  `json:"duration_ms"`
	AnomalyCount     int64  `json:"anomaly_count"`
	LineItems        int64  `json:"line_items"`
	MasterRecords    *int64 `json:"master_data_records,omitempty"`
	Seed             uint64 `json:"seed"`
	ConfigHash       string `json:"config_hash"`
	GeneratorVersion string `json:"generator_version"`
}

// writeSummary generates the journal of p (and its master data when
// asked), keeps the counts and answers with them. The data is generated
// for real and thrown away: the counts and the duration are those of the
// generation, as DataSynth's clients expect of this answer.
func (s *Service) writeSummary(w http.ResponseWriter, r *http.Request, p *Plan, master bool) error {
	ctx := r.Context()
	start := time.Now()
	opts := generate.StreamOptions{Config: p.Config, Seed: p.Seed, Threads: s.opts.Threads}
	sum := Summary{Success: true, Seed: p.Seed, ConfigHash: p.Config.Hash(p.Seed), GeneratorVersion: generate.GeneratorVersion}
	if master {
		var n int64
		if err := generate.MasterData(ctx, opts, func(*generate.MasterTable, []byte) error { n++; return nil }); err != nil {
			return s.summaryFailed(w, r, err)
		}
		sum.MasterRecords = &n
	}
	stats, err := generate.Journal(ctx, opts, func(b *ledger.Block) error {
		s.opts.Metrics.EntriesBulk.Add(b.Entries)
		s.opts.Metrics.Anomalies.Add(b.Fraud)
		return nil
	})
	if err != nil {
		return s.summaryFailed(w, r, err)
	}
	sum.EntriesGenerated, sum.AnomalyCount, sum.LineItems = stats.JournalEntries, stats.FraudEntries, stats.LineItems
	sum.DurationMS = time.Since(start).Milliseconds()
	identify(w, p)
	httpapi.WriteJSON(w, http.StatusOK, sum)
	return nil
}

func (s *Service) summaryFailed(w http.ResponseWriter, r *http.Request, err error) error {
	if r.Context().Err() == nil {
		httpapi.WriteError(w, http.StatusInternalServerError, "generation_failed", "generating the data failed; the request id identifies it in the server log", "")
	}
	return err
}
