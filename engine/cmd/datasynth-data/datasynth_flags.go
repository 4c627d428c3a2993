package main

import (
	"errors"
	"fmt"
	"os"
	"runtime/debug"
	"slices"
	"strings"

	"datasynth.dev/engine/config"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// dataSynthFlags are DataSynth's generate flags that change the data or
// the run: each works here as it does there, or as close as this generator
// allows (see docs/configuration.md).
type dataSynthFlags struct {
	months, fiscalMonths int
	maxThreads           int
	memoryLimitMB        int64
	scale                config.Decimal
	presets              string
	fraudScenarios       []string
}

// unsupportedFlags are DataSynth's generate flags for features this
// generator does not have. They are accepted by the parser, so that a
// DataSynth command line gets a clear refusal (exit 2) instead of
// "unknown flag".
var unsupportedFlags = []struct{ name, kind, what string }{
	{"scenario-pack", "string", "scenario packs"},
	{"fingerprint", "string", "generation from a fingerprint file"},
	{"banking", "bool", "banking KYC/AML data"},
	{"audit", "bool", "audit engagement data"},
	{"graph-export", "bool", "graph export"},
	{"stream-target", "string", "streaming to an ingest endpoint (datasynth-server streams over WebSocket)"},
	{"stream-api-key", "string", "streaming to an ingest endpoint"},
	{"stream-batch-size", "string", "streaming to an ingest endpoint"},
	{"quality-gate", "string", "quality gates"},
	{"append", "bool", "incremental generation into an existing dataset"},
	{"stream-file", "string", "streaming to a JSON Lines file during generation"},
	{"export-format", "string", "SAP, FEC and GoBD exports"},
}

// fraudScenarios are the fraud packs DataSynth names, each a fraud rate and
// shares of fraud types (config.FraudTypes order): what the pack's name
// describes, in this generator's own figures.
var fraudScenarios = map[string]struct {
	rate   string
	shares [8]string
}{
	//                    suspense fictitious revenue capitalisation split timing unauthorized duplicate
	"revenue_fraud":       {"0.02", [8]string{"0", "0.3", "0.4", "0.2", "0", "0.1", "0", "0"}},
	"payroll_ghost":       {"0.01", [8]string{"0.1", "0.5", "0", "0", "0", "0", "0.4", "0"}},
	"vendor_kickback":     {"0.015", [8]string{"0", "0.2", "0", "0", "0.4", "0", "0", "0.4"}},
	"management_override": {"0.01", [8]string{"0.3", "0", "0.3", "0", "0", "0.2", "0.2", "0"}},
	"comprehensive":       {"0.03", [8]string{"0.125", "0.125", "0.125", "0.125", "0.125", "0.125", "0.125", "0.125"}},
}

func scenarioNames() []string {
	var out []string
	for name := range fraudScenarios {
		out = append(out, name)
	}
	slices.Sort(out)
	return out
}

func addDataSynthFlags(f *pflag.FlagSet, d *dataSynthFlags) {
	f.IntVar(&d.months, "months", 0, "generate this many months, overriding global.period_months (1..120)")
	f.IntVar(&d.fiscalMonths, "fiscal-year-months", 0, "fiscal periods per fiscal year, overriding global.fiscal_year_months (1..12)")
	f.IntVar(&d.maxThreads, "max-threads", 0, "DataSynth's name for --threads")
	f.Int64Var(&d.memoryLimitMB, "memory-limit", 0, fmt.Sprintf("soft memory limit in MB for the Go runtime (default: global.memory_limit_mb, else %d; GOMEMLIMIT in the environment replaces the default)", defaultMemoryLimitMB))
	f.Var(&decimalFlag{v: &d.scale, min: config.Decimal{Micro: 1}, max: config.Decimal{Micro: 1_000_000 * config.MicroPerUnit}}, "scale", "multiply every company's volume by this factor")
	f.StringVar(&d.presets, "preset", "", "apply a named DataSynth overlay preset (audit-group)")
	f.StringArrayVar(&d.fraudScenarios, "fraud-scenario", nil, "apply a fraud pack, repeatable: "+strings.Join(scenarioNames(), ", "))
	for _, u := range unsupportedFlags {
		usage := "DataSynth's flag for " + u.what + "; not supported by this generator"
		if u.kind == "bool" {
			f.Bool(u.name, false, usage)
		} else {
			f.String(u.name, "", usage)
		}
		_ = f.MarkHidden(u.name)
	}
}

// applyDataSynthFlags refuses the flags this generator does not support,
// then applies the others to cfg, in DataSynth's order: preset, fraud
// packs, then single values. It returns notes for the user.
func applyDataSynthFlags(cmd *cobra.Command, d *dataSynthFlags, cfg *config.Config) ([]string, error) {
	for _, u := range unsupportedFlags {
		if cmd.Flags().Changed(u.name) {
			return nil, invalid(fmt.Errorf("--%s: %s is not supported by this generator (DataSynth has it); remove the flag", u.name, u.what))
		}
	}
	var notes []string
	changed := cmd.Flags().Changed
	if changed("preset") {
		if d.presets != "audit-group" {
			return nil, invalid(fmt.Errorf("--preset %q is not known (allowed: audit-group)", d.presets))
		}
		notes = append(notes, "--preset audit-group switches on DataSynth's audit, controls and anomaly-injection sections, which this generator does not implement; the data is unchanged")
	}
	for _, name := range d.fraudScenarios {
		sc, ok := fraudScenarios[name]
		if !ok {
			msg := fmt.Sprintf("--fraud-scenario %q is not known", name)
			if s := config.Suggest(name, scenarioNames()); s != "" {
				msg += fmt.Sprintf("; did you mean %q?", s)
			}
			return nil, invalid(fmt.Errorf("%s (allowed: %s)", msg, strings.Join(scenarioNames(), ", ")))
		}
		cfg.Fraud.Enabled = true
		cfg.Fraud.Rate, _ = config.ParseDecimal(sc.rate)
		cfg.Fraud.TypeWeights = make([]config.Decimal, len(sc.shares))
		for i, s := range sc.shares {
			cfg.Fraud.TypeWeights[i], _ = config.ParseDecimal(s)
		}
	}
	if changed("months") {
		if d.months < 1 || d.months > 120 {
			return nil, invalid(fmt.Errorf("--months %d is out of range 1..120", d.months))
		}
		cfg.Global.PeriodMonths = d.months
	}
	if changed("fiscal-year-months") {
		if d.fiscalMonths < 1 || d.fiscalMonths > 12 {
			return nil, invalid(fmt.Errorf("--fiscal-year-months %d is out of range 1..12", d.fiscalMonths))
		}
		cfg.Global.FiscalYearMonths = d.fiscalMonths
	}
	if changed("scale") {
		for i := range cfg.Companies {
			c := &cfg.Companies[i]
			c.VolumeWeight = config.Decimal{Micro: c.VolumeWeight.MulDiv(d.scale.Micro, 1)}
			if c.VolumeWeight.Micro == 0 || c.Entries(cfg.Global.PeriodMonths) == 0 {
				return nil, invalid(fmt.Errorf("--scale %s leaves company %s without journal entries; use a larger factor", d.scale, c.Code))
			}
		}
	}
	if changed("memory-limit") {
		if d.memoryLimitMB < 0 {
			return nil, invalid(errors.New("--memory-limit: give megabytes, or 0 for the default"))
		}
		cfg.Global.MemoryLimitMB = d.memoryLimitMB
	}
	switch _, env := os.LookupEnv("GOMEMLIMIT"); {
	case cfg.Global.MemoryLimitMB > 0:
		debug.SetMemoryLimit(cfg.Global.MemoryLimitMB << 20)
	case !env:
		debug.SetMemoryLimit(defaultMemoryLimitMB << 20)
	}
	return notes, nil
}

// defaultMemoryLimitMB is the Go runtime's soft memory limit when neither
// --memory-limit nor global.memory_limit_mb sets one and GOMEMLIMIT is not
// in the environment (GOMEMLIMIT=off runs without a limit). Without a
// limit the garbage collector lets the heap grow to twice the live heap,
// and a Parquet writer's live heap grows with the volume (its page index
// and footer stay in memory until the file is complete), so peak RSS grew
// about twice as fast as the live heap: 278 MB at 12.8M entries. With this
// limit, peak RSS stays near it while the live heap is below it (about
// 120 MB at 12.8M entries in Parquet; text formats stay under 50 MB, where
// the limit never acts); the garbage collector then runs more often, which
// docs/benchmarks.md measures.
const defaultMemoryLimitMB = 150
