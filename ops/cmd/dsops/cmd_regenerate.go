package main

import (
	"datasynth.dev/ops/internal/pinning"
	"datasynth.dev/verify"
	"datasynth.dev/verify/lock"
	"github.com/spf13/cobra"
)

type regenerateOptions struct {
	pinning.RegenerateOptions
	json, verbose bool
}

func newRegenerateCmd(g *globals) *cobra.Command {
	var o regenerateOptions
	cmd := &cobra.Command{
		Use:   "regenerate --lock datasynth.lock --config FILE --output DIR",
		Short: "Regenerate a pinned dataset and check it is byte-identical",
		Long: `Regenerate the dataset a lock pins, then check the result against the lock.

The installed datasynth-data must carry the generator version the lock pins;
otherwise nothing is generated and the exact command to fetch the pinned
version (container image or git tag) is printed. The config's seed, and its
hash where this dsops can compute it, must match the lock too.

The dataset is generated with datasynth-data generate into DIR, which must
not exist or be empty, and then checked like dsops verify --lock: the report
has the same lines and the same --json form.

Exit codes:
  0  regenerated, and byte-identical to the lock
  1  regenerated, but it differs from the lock (the report says how)
  2  nothing was checked: the generator or config does not match the lock,
     generation failed, a malformed lock, bad flags`,
		Example: `  dsops regenerate --lock datasynth.lock --config config.yaml --output recovered-output`,
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			o.Stderr = g.stderr
			o.Verify = verify.Options{Logger: g.logger()}
			r, err := pinning.Regenerate(cmd.Context(), o.RegenerateOptions)
			if err != nil {
				return err
			}
			return printReport(g, r, o.json, o.verbose)
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.LockFile, "lock", lock.DefaultName, "lock file written by dsops pin")
	f.StringVarP(&o.ConfigFile, "config", "c", "", "generation config the lock was made from (required)")
	f.StringVarP(&o.Output, "output", "o", "", "folder to generate into; must not exist or be empty (required)")
	f.StringVar(&o.Generator, "generator", "datasynth-data", "datasynth-data program to generate with: a name on PATH or a path")
	f.BoolVar(&o.json, "json", false, "print the check as one JSON document")
	f.BoolVarP(&o.verbose, "verbose", "v", false, "also list identical files and the hashing throughput")
	_ = cmd.MarkFlagRequired("config")
	_ = cmd.MarkFlagRequired("output")
	return cmd
}
