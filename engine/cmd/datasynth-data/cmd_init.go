package main

import (
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"

	"datasynth.dev/engine/config"
	"datasynth.dev/verify/atomicfile"
	"github.com/spf13/cobra"
)

func newInitCmd() *cobra.Command {
	var (
		industry, complexity, output string
		seed                         uint64
		force                        bool
	)
	cmd := &cobra.Command{
		Use:   "init --industry NAME --complexity small|medium|large -o FILE",
		Short: "Write a commented starter config",
		Long: `Write a commented starter config that always carries a seed: the one
given with --seed, or a random one that is printed. The file is written
atomically and an existing file is kept unless --force is given.

Industries: ` + strings.Join(config.Industries, ", ") + "\n" + exitCodesHelp,
		Example: `  datasynth-data init --industry retail --complexity medium --seed 7 -o retail.yaml
  datasynth-data validate --config retail.yaml`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			var problems []string
			if !slices.Contains(config.Industries, industry) {
				problems = append(problems, fmt.Sprintf("--industry %q is not known (allowed: %s)", industry, strings.Join(config.Industries, ", ")))
			}
			if !slices.ContainsFunc(config.Complexities, func(c struct {
				Name     string
				Accounts int
			}) bool {
				return c.Name == complexity
			}) {
				problems = append(problems, fmt.Sprintf("--complexity %q is not known (allowed: small, medium, large)", complexity))
			}
			if output == "" {
				problems = append(problems, "-o FILE is required (use - for standard output)")
			}
			if len(problems) > 0 {
				return invalid(errors.New(strings.Join(problems, "; ")))
			}
			if !cmd.Flags().Changed("seed") {
				seed = randomSeed()
				fmt.Fprintf(cmd.ErrOrStderr(), "note: no --seed given; the config carries random seed %d\n", seed)
			}
			data := config.Template(config.InitParams{Seed: seed, Industry: industry, Complexity: complexity})
			if output == "-" {
				_, err := cmd.OutOrStdout().Write(data)
				return err
			}
			if err := writeNew(output, data, force); err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "wrote %s (seed %d); next: datasynth-data validate --config %s\n", output, seed, output)
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&industry, "industry", "", "industry of the company")
	f.StringVar(&complexity, "complexity", "small", "chart of accounts size: small (~100 accounts), medium (~400), large (~2,500)")
	f.Uint64Var(&seed, "seed", 0, "seed to write (default: a random one, printed)")
	f.StringVarP(&output, "output", "o", "", "file to write, or - for standard output")
	f.BoolVar(&force, "force", false, "replace an existing file")
	return cmd
}

// writeNew writes data to name atomically: a temporary file in the same
// folder, flushed and renamed. An existing file is refused unless force is set.
func writeNew(name string, data []byte, force bool) error {
	if _, err := os.Stat(name); err == nil && !force {
		return invalid(fmt.Errorf("%s already exists; choose another name or pass --force to replace it", name))
	}
	if err := atomicfile.WriteFile(name, data, 0o644); err != nil {
		return fmt.Errorf("writing %s: %w", name, err)
	}
	return nil
}
