package main

import (
	"fmt"

	"datasynth.dev/ops/internal/pinning"
	"datasynth.dev/verify"
	"datasynth.dev/verify/lock"
	"github.com/spf13/cobra"
)

func newPinCmd(g *globals) *cobra.Command {
	var o pinning.PinOptions
	cmd := &cobra.Command{
		Use:   "pin --config FILE [-o datasynth.lock]",
		Short: "Write a lock that pins the generator version for a config",
		Long: `Write a lock file for version control that pins what a dataset depends on:
the datasynth-data program and generator versions, the SHA-256 of the
canonical config, the seed, and the size and SHA-256 of every generated
file; and, when given, a container image reference and a git tag from which
the pinned program can be fetched again.

The checksums come from --dataset, an existing dataset generated from the
config (checked against its own run_manifest.json first), or else from one
generation by the installed datasynth-data into a temporary folder (under
$TMPDIR) that is removed afterwards.

A config without global.seed is refused: datasynth-data would draw a new
random seed on every run, so nothing could be reproduced.

The lock is written atomically: a crash leaves the old lock or the new one.

Exit codes:
  0  the lock was written
  2  nothing was written: no seed, an invalid config, a damaged dataset,
     datasynth-data not installed, bad flags`,
		Example: `  dsops pin --config config.yaml
  dsops pin --config configs/production/manufacturing.yaml --image datasynth/datasynth-server:0.6.0 --git-tag v0.6.0 -o configs/production/datasynth.lock
  dsops pin --config config.yaml --dataset original-output`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			o.Stderr = g.stderr
			o.Verify = verify.Options{Logger: g.logger()}
			l, err := pinning.Pin(cmd.Context(), o)
			if err != nil {
				return err
			}
			fmt.Fprintln(g.stdout, pinning.Describe(o.LockFile, l))
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVarP(&o.ConfigFile, "config", "c", "", "generation config to pin (required)")
	f.StringVarP(&o.LockFile, "output", "o", lock.DefaultName, "lock file to write")
	f.StringVar(&o.Dataset, "dataset", "", "record the checksums of this existing dataset instead of generating once")
	f.StringVar(&o.Image, "image", "", "container image that runs the pinned datasynth-data, e.g. datasynth/datasynth-server:0.6.0")
	f.StringVar(&o.GitTag, "git-tag", "", "git tag of the source tree that builds the pinned datasynth-data")
	f.StringVar(&o.Generator, "generator", "datasynth-data", "datasynth-data program to generate with: a name on PATH or a path")
	_ = cmd.MarkFlagRequired("config")
	return cmd
}
