package main

import (
	"crypto/rand"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"datasynth.dev/engine/config"
	"datasynth.dev/engine/generate"
	"github.com/schollz/progressbar/v3"
	"github.com/spf13/cobra"
	"golang.org/x/term"
)

type generateOptions struct {
	configFile string
	output     string
	seed       uint64
	seedSet    bool
	threads    int
	demo       bool
	quiet      bool
	json       bool
	overwrite  bool
	fraudRate  config.Decimal
	// fraudRateSet: --fraud-rate switches fraud on with that rate.
	fraudRateSet bool
	ds           dataSynthFlags
}

func newGenerateCmd(g *globals) *cobra.Command {
	var o generateOptions
	cmd := &cobra.Command{
		Use:   "generate [--config FILE | --demo] [--output DIR]",
		Short: "Generate a dataset from a config and a seed",
		Long: `Generate a dataset from a config and a seed. Without --config, the
embedded demo config is used, as DataSynth does.

The dataset is written into a temporary folder beside DIR and renamed into
place when complete, so DIR never holds a half-written dataset. DIR must not
exist or be empty unless --overwrite is given, and --overwrite replaces only
a dataset: a folder with run_manifest.json and no file its manifest does not
list (never the folder you run in). The seed comes from --seed,
else from global.seed in the config; a config without a seed gets a random
one, printed and recorded in run_manifest.json.

DataSynth's flags work: -s/--seed, --months, --fiscal-year-months,
--fraud-rate, --fraud-scenario, --max-threads, --memory-limit, --scale,
--preset. Its flags for features this generator does not have (--banking,
--audit, --graph-export, --fingerprint, --scenario-pack, --stream-target,
--stream-api-key, --stream-batch-size, --stream-file, --quality-gate,
--append, --export-format) are refused with exit 2.` + exitCodes(
			"0", "the dataset is complete under DIR, run_manifest.json last",
			"1", "the run failed (for example a write error); nothing was left under DIR",
			"2", "invalid flags or config, or DIR is a file, a non-empty folder without\n       --overwrite, or with it not a dataset; nothing was generated",
			"130", "interrupted by SIGINT or SIGTERM; nothing was left under DIR"),
		Example: `  datasynth-data generate --demo --output ./demo-output
  datasynth-data generate --config config.yaml --output ./recovered-output
  datasynth-data generate --config config.yaml --output out --seed 7 --threads 4 --json
  datasynth-data generate -c config.yaml -o out --months 3 --fraud-scenario vendor_kickback`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			o.seedSet = cmd.Flags().Changed("seed")
			o.fraudRateSet = cmd.Flags().Changed("fraud-rate")
			return runGenerate(cmd, g, o)
		},
	}
	f := cmd.Flags()
	f.StringVarP(&o.configFile, "config", "c", "", "generation config (YAML)")
	f.StringVarP(&o.output, "output", "o", "", "output folder (default: output.output_directory from the config, ./output when it has none, as for the demo)")
	f.Uint64VarP(&o.seed, "seed", "s", 0, "seed, overriding global.seed")
	f.IntVarP(&o.threads, "threads", "t", 0, "generating threads (default: global.worker_threads, else one per CPU); never changes the output")
	f.BoolVar(&o.demo, "demo", false, "use the embedded demo config (one manufacturing company, 3 months, seed 42)")
	f.BoolVarP(&o.quiet, "quiet", "q", false, "print nothing but errors and warnings")
	f.BoolVar(&o.json, "json", false, "print a JSON summary on standard output")
	f.BoolVar(&o.overwrite, "overwrite", false, "replace the dataset in the output folder (refused if it holds other files)")
	f.Var(&decimalFlag{v: &o.fraudRate, max: config.Decimal{Micro: config.MicroPerUnit}}, "fraud-rate", "share of fraudulent journal entries, 0..1; switches fraud.enabled on")
	addDataSynthFlags(f, &o.ds)
	return cmd
}

func noArgs(cmd *cobra.Command, args []string) error {
	if len(args) > 0 {
		return invalid(fmt.Errorf("%s takes no arguments, got %q; see --help", cmd.CommandPath(), args))
	}
	return nil
}

// summary is the --json output.
type summary struct {
	Output           string   `json:"output"`
	Seed             uint64   `json:"seed"`
	GeneratorVersion string   `json:"generator_version"`
	ConfigHash       string   `json:"config_hash"`
	JournalEntries   int64    `json:"journal_entries"`
	LineItems        int64    `json:"line_items"`
	FraudEntries     int64    `json:"fraud_entries"`
	Files            []string `json:"files"`
	ElapsedMS        int64    `json:"elapsed_ms"`
}

func loadConfig(file string, demo bool) (*config.Config, error) {
	switch {
	case demo && file != "":
		return nil, invalid(fmt.Errorf("--demo and --config exclude each other; give one"))
	case demo:
		return config.Demo()
	case file == "":
		return config.Demo()
	}
	cfg, err := config.Load(file)
	if err != nil {
		if _, ok := err.(config.Problems); ok {
			return nil, err
		}
		return nil, invalid(err)
	}
	return cfg, nil
}

func randomSeed() uint64 {
	var b [8]byte
	_, _ = rand.Read(b[:])
	return binary.BigEndian.Uint64(b[:]) >> 1 // keep it positive in YAML and JSON tools
}

func runGenerate(cmd *cobra.Command, g *globals, o generateOptions) error {
	stderr := cmd.ErrOrStderr()
	cfg, err := loadConfig(o.configFile, o.demo)
	if err != nil {
		return err
	}
	if o.configFile == "" && !o.demo && !o.quiet {
		fmt.Fprintln(stderr, "note: no --config given; using the embedded demo config (see --help)")
	}
	for _, w := range cfg.Warnings {
		fmt.Fprintln(stderr, "warning:", w)
	}
	notes, err := applyDataSynthFlags(cmd, &o.ds, cfg)
	if err != nil {
		return err
	}
	for _, n := range notes {
		fmt.Fprintln(stderr, "note:", n)
	}
	if o.fraudRateSet {
		cfg.Fraud.Enabled, cfg.Fraud.Rate = true, o.fraudRate
	}
	flag := "--threads"
	switch {
	case o.threads != 0 && o.ds.maxThreads != 0 && o.threads != o.ds.maxThreads:
		return invalid(fmt.Errorf("--threads %d and --max-threads %d disagree; give one of them", o.threads, o.ds.maxThreads))
	case o.threads == 0 && o.ds.maxThreads != 0:
		o.threads, flag = o.ds.maxThreads, "--max-threads"
	}
	seed := cfg.Global.Seed
	switch {
	case o.seedSet:
		seed = o.seed
	case !cfg.Global.HasSeed:
		seed = randomSeed()
		fmt.Fprintf(stderr, "note: the config has no global.seed; using random seed %d (recorded in run_manifest.json; pass --seed %d to reproduce)\n", seed, seed)
	}
	out := o.output
	if out == "" {
		out = cfg.Output.Directory
	}
	threads := o.threads
	if threads < 0 || threads > config.MaxThreads {
		return invalid(fmt.Errorf("%s %d: give a count from 1 to %d, or 0 for one per CPU", flag, threads, config.MaxThreads))
	}
	if threads == 0 {
		threads = cfg.Global.WorkerThreads
		if !cfg.Global.Parallel {
			threads = 1
		}
	}

	opts := generate.Options{
		Config: cfg, Seed: seed, Output: out, Threads: threads, Overwrite: o.overwrite,
		ProgramVersion: buildVersions().Program,
		Logger:         g.logger(),
	}
	var bar *progressbar.ProgressBar
	if !o.quiet && !o.json && isTerminal(stderr) {
		total := cfg.TotalEntries()
		bar = progressbar.NewOptions64(total,
			progressbar.OptionSetWriter(stderr),
			progressbar.OptionSetDescription("journal entries"),
			progressbar.OptionShowCount(),
			progressbar.OptionShowIts(),
			progressbar.OptionSetItsString("entries"),
			progressbar.OptionThrottle(100*time.Millisecond),
			progressbar.OptionClearOnFinish(),
		)
		opts.Progress = func(done, _ int64) { _ = bar.Set64(done) }
	}
	res, err := generate.Run(cmd.Context(), opts)
	if bar != nil {
		_ = bar.Finish()
	}
	if err != nil {
		switch {
		case cmd.Context().Err() != nil:
			return fmt.Errorf("interrupted; nothing was written to %s", out)
		case errors.Is(err, generate.ErrOutputExists), errors.Is(err, generate.ErrOutputNotFolder):
			return invalid(err)
		}
		return err
	}
	m := res.Manifest
	switch {
	case o.json:
		s := summary{Output: res.Dir, Seed: m.Seed, GeneratorVersion: m.GeneratorVersion, ConfigHash: m.ConfigHash,
			JournalEntries: m.Statistics.JournalEntries, LineItems: m.Statistics.LineItems,
			FraudEntries: m.Statistics.FraudEntries, ElapsedMS: res.Elapsed.Milliseconds()}
		for _, f := range m.OutputFiles {
			s.Files = append(s.Files, f.Path)
		}
		enc := json.NewEncoder(cmd.OutOrStdout())
		enc.SetIndent("", "  ")
		return enc.Encode(s)
	case !o.quiet:
		fmt.Fprintf(cmd.OutOrStdout(), "generated %d journal entries (%d line items) in %d files to %s in %s\nseed %d, generator %s; checksums in %s/run_manifest.json\n",
			m.Statistics.JournalEntries, m.Statistics.LineItems, len(m.OutputFiles)+1, res.Dir,
			res.Elapsed.Round(time.Millisecond), m.Seed, m.GeneratorVersion, res.Dir)
	}
	return nil
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}
