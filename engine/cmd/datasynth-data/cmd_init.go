package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"datasynth.dev/engine/config"
	"datasynth.dev/verify/atomicfile"
	"github.com/spf13/cobra"
)

// industryAliases are the short names DataSynth's init accepts.
var industryAliases = map[string]string{"financial": "financial_services", "tech": "technology"}

// resolveIndustry reads --industry as DataSynth does: any case, with its
// aliases.
func resolveIndustry(s string) (string, error) {
	name := strings.ToLower(s)
	if a, ok := industryAliases[name]; ok {
		name = a
	}
	if slices.Contains(config.Industries, name) {
		return name, nil
	}
	msg := fmt.Sprintf("--industry %q is not known", s)
	if sug := config.Suggest(name, config.Industries); sug != "" {
		msg += fmt.Sprintf("; did you mean %q?", sug)
	}
	return "", fmt.Errorf("%s (allowed: %s; aliases: financial, tech)", msg, strings.Join(config.Industries, ", "))
}

func resolveComplexity(s string) (string, error) {
	name := strings.ToLower(s)
	var names []string
	for _, c := range config.Complexities {
		names = append(names, c.Name)
	}
	if slices.Contains(names, name) {
		return name, nil
	}
	msg := fmt.Sprintf("--complexity %q is not known", s)
	if sug := config.Suggest(name, names); sug != "" {
		msg += fmt.Sprintf("; did you mean %q?", sug)
	}
	return "", fmt.Errorf("%s (allowed: %s)", msg, strings.Join(names, ", "))
}

func newInitCmd() *cobra.Command {
	var (
		industry, complexity, output string
		seed                         uint64
		force                        bool
	)
	cmd := &cobra.Command{
		Use:   "init [-i INDUSTRY] [-c small|medium|large] [-o FILE]",
		Short: "Write a commented starter config",
		Long: `Write a commented starter config. The defaults are DataSynth's: industry
manufacturing, complexity medium, file datasynth_config.yaml. The config
always carries a seed: the one given with --seed, or a random one that is
printed. The file is written atomically and an existing file is kept unless
--force is given.

Industries: ` + strings.Join(config.Industries, ", ") + `
(any case; "financial" and "tech" are accepted as in DataSynth).` + exitCodes(
			"0", "the config was written",
			"1", "writing the file failed",
			"2", "invalid flags, or FILE exists and --force was not given"),
		Example: `  datasynth-data init
  datasynth-data init -i retail -c small --seed 7 -o retail.yaml
  datasynth-data init --industry tech -o - | less
  datasynth-data validate -c retail.yaml`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			var problems []string
			ind, err := resolveIndustry(industry)
			if err != nil {
				problems = append(problems, err.Error())
			}
			cx, err := resolveComplexity(complexity)
			if err != nil {
				problems = append(problems, err.Error())
			}
			if output == "" {
				problems = append(problems, "-o/--output is empty; give a file name, or - for standard output")
			}
			if len(problems) > 0 {
				return invalid(errors.New(strings.Join(problems, "; ")))
			}
			if !cmd.Flags().Changed("seed") {
				seed = randomSeed()
				fmt.Fprintf(cmd.ErrOrStderr(), "note: no --seed given; the config carries random seed %d\n", seed)
			}
			data := config.Template(config.InitParams{Seed: seed, Industry: ind, Complexity: cx})
			if output == "-" {
				_, err := cmd.OutOrStdout().Write(data)
				return err
			}
			if err := writeNew(output, data, force); err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "wrote %s (%s, %s chart, seed %d); next: datasynth-data validate -c %s\n", output, ind, cx, seed, output)
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVarP(&industry, "industry", "i", "manufacturing", "industry of the companies")
	f.StringVarP(&complexity, "complexity", "c", "medium", "chart of accounts size: small (~100 accounts), medium (~400), large (~2,500)")
	f.Uint64VarP(&seed, "seed", "s", 0, "seed to write (default: a random one, printed)")
	f.StringVarP(&output, "output", "o", "datasynth_config.yaml", "file to write, or - for standard output")
	f.BoolVar(&force, "force", false, "replace an existing file")
	return cmd
}

// writeNew writes data to name atomically. An existing file is refused
// unless force is set.
func writeNew(name string, data []byte, force bool) error {
	fi, err := os.Stat(name)
	if err == nil && fi.IsDir() {
		return invalid(fmt.Errorf("%s is a folder; give a file name for the config, such as %s", name, filepath.Join(name, "datasynth_config.yaml")))
	}
	if err == nil && !force {
		return invalid(fmt.Errorf("%s already exists; choose another name or pass --force to replace it", name))
	}
	if err := atomicfile.WriteFile(name, data, 0o644); err != nil {
		return fmt.Errorf("writing %s: %w", name, err)
	}
	return nil
}
