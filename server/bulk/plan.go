// Package bulk serves POST /api/generate/bulk and POST /api/generate/plan:
// the data of the config in use, on request, in the bytes datasynth-data
// writes.
//
// A request is first turned into a Plan: the effective config (the config
// in use with the request's entry_count and inject_anomalies applied) and
// its seed. datasynth-data run on the plan's YAML with the plan's seed
// writes byte for byte what the bulk request returns. NDJSON and CSV are
// streamed as they are generated; the tar.gz of a whole dataset is
// generated into a staging folder under the work folder first, because a
// tar header needs each file's size.
//
// Staging never fills the disk on purpose: before it starts, the size of
// the dataset is estimated (master data counted, the journal extrapolated
// from its first blocks) and a request that would leave less than the
// minimum free space is refused with 507; folders being staged hold the
// space they were estimated to need. Each staging folder is locked
// (flock) while in use, so a server that starts removes the folders of
// servers that were killed, and only those (RemoveStale).
//
// bulk uses httpapi for requests and errors and metrics for its counts; the
// stream package uses its Plan.
package bulk

import (
	crand "crypto/rand"
	"encoding/binary"
	"net/http"

	"datasynth.dev/engine/config"
	"datasynth.dev/engine/generate"
	"datasynth.dev/server/httpapi"
)

// Request is the body of POST /api/generate/bulk and /plan. Pointers tell
// "not given" from zero values.
type Request struct {
	EntryCount        *int64  `json:"entry_count"`
	IncludeMasterData *bool   `json:"include_master_data"`
	InjectAnomalies   *bool   `json:"inject_anomalies"`
	Seed              *uint64 `json:"seed"`
}

// dataSynthFraudRate is DataSynth's default fraud.fraud_rate, 0.005.
var dataSynthFraudRate = config.Decimal{Micro: 5_000}

// Plan is a checked request: the effective config and seed.
type Plan struct {
	Config    *config.Config
	Seed      uint64
	SeedDrawn bool
}

// Plan derives the effective config of a request from the config in use:
// inject_anomalies sets fraud.enabled (at DataSynth's default rate when
// the config's fraud_rate is 0), entry_count rescales the companies
// (config.WithTotalEntries) and the seed is the request's, else the
// config's, else a random one. The effective config always carries its
// seed, so its YAML reproduces the data with datasynth-data.
func (s *Service) Plan(req *Request) (*Plan, *httpapi.RequestError) {
	cfg := s.opts.Config()
	if cfg == nil {
		return nil, &httpapi.RequestError{Status: http.StatusServiceUnavailable, Body: httpapi.Error{Code: "no_config",
			Message: "no valid config is loaded; POST /api/config or fix the file and reload"}}
	}
	return s.PlanConfig(cfg, req)
}

// PlanConfig is Plan for a config other than the one in use.
func (s *Service) PlanConfig(cfg *config.Config, req *Request) (*Plan, *httpapi.RequestError) {
	base := *cfg
	if req.InjectAnomalies != nil {
		base.Fraud.Enabled = *req.InjectAnomalies
		if base.Fraud.Enabled && base.Fraud.Rate.Micro == 0 {
			// Asked to inject, with a rate of none: DataSynth's
			// default rate, as the effective config shows.
			base.Fraud.Rate = dataSynthFraudRate
		}
	}
	n := base.TotalEntries()
	given := req.EntryCount != nil && *req.EntryCount != 0
	if given {
		n = *req.EntryCount
		if n < 0 {
			return nil, httpapi.BadRequest("invalid_field", "entry_count", "entry_count %d is negative; give a count of journal entries, or 0 for the config's own %d", n, base.TotalEntries())
		}
		if k := int64(len(base.Companies)); n < k {
			return nil, httpapi.BadRequest("invalid_field", "entry_count", "entry_count %d is below the %d companies of the config; every company gets at least one entry", n, k)
		}
	}
	if n > s.opts.MaxEntries {
		if !given {
			return nil, httpapi.BadRequest("invalid_field", "entry_count", "the config describes %d entries, above the limit of %d (--max-bulk-entries); send a smaller entry_count", n, s.opts.MaxEntries)
		}
		return nil, httpapi.BadRequest("invalid_field", "entry_count", "entry_count %d is above the limit of %d (--max-bulk-entries)", n, s.opts.MaxEntries)
	}
	eff, err := base.WithTotalEntries(n)
	if err != nil {
		return nil, httpapi.BadRequest("invalid_field", "entry_count", "entry_count %d: %v", n, err)
	}
	p := &Plan{Config: eff}
	switch {
	case req.Seed != nil:
		p.Seed = *req.Seed
	case eff.Global.HasSeed:
		p.Seed = eff.Global.Seed
	default:
		var b [8]byte
		_, _ = crand.Read(b[:])
		p.Seed, p.SeedDrawn = binary.BigEndian.Uint64(b[:])>>1, true
	}
	eff.Global.Seed, eff.Global.HasSeed = p.Seed, true
	return p, nil
}

// PlanBody is the answer of POST /api/generate/plan.
type PlanBody struct {
	Entries          int64         `json:"entries"`
	Seed             uint64        `json:"seed"`
	SeedDrawn        bool          `json:"seed_drawn"`
	ConfigHash       string        `json:"config_hash"`
	GeneratorVersion string        `json:"generator_version"`
	Companies        []CompanyView `json:"companies"`
	ConfigYAML       string        `json:"config_yaml"`
}

// CompanyView describes one company of a config in answers.
type CompanyView struct {
	Code     string `json:"code"`
	Name     string `json:"name"`
	Currency string `json:"currency"`
	Country  string `json:"country"`
	Entries  int64  `json:"entries"`
}

// Companies describes the companies of cfg.
func Companies(cfg *config.Config) []CompanyView {
	out := make([]CompanyView, 0, len(cfg.Companies))
	for _, co := range cfg.Companies {
		out = append(out, CompanyView{co.Code, co.Name, co.Currency, co.Country, co.Entries(cfg.Global.PeriodMonths)})
	}
	return out
}

func (p *Plan) body() PlanBody {
	return PlanBody{
		Entries: p.Config.TotalEntries(), Seed: p.Seed, SeedDrawn: p.SeedDrawn, ConfigHash: p.Config.Hash(p.Seed),
		GeneratorVersion: generate.GeneratorVersion, ConfigYAML: string(p.Config.YAML()), Companies: Companies(p.Config),
	}
}

// HandlePlan serves POST /api/generate/plan: the plan of a request, its
// config as YAML.
func (s *Service) HandlePlan(w http.ResponseWriter, r *http.Request) {
	var req Request
	if e := httpapi.DecodeJSON(r, &req); e != nil {
		e.Write(w)
		return
	}
	p, e := s.Plan(&req)
	if e != nil {
		e.Write(w)
		return
	}
	httpapi.WriteJSON(w, http.StatusOK, p.body())
}
