package main

import (
	"fmt"

	"datasynth.dev/engine/config"
	"github.com/spf13/cobra"
)

func newValidateCmd() *cobra.Command {
	var file string
	cmd := &cobra.Command{
		Use:   "validate --config FILE",
		Short: "Check a config and report every problem at once",
		Long: `Check a config and report every problem at once, one per line, as
FILE:LINE:COL: key.path: what is wrong, and what is allowed. Warnings (for
example DataSynth sections this generator ignores) do not make a config
invalid.` + exitCodes(
			"0", "the config is valid",
			"1", "the config has problems, listed on standard error",
			"2", "no config could be checked: no --config, an unreadable or oversized\n       file, or bad flags"),
		Example: `  datasynth-data validate --config config.yaml`,
		Args:    noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if file == "" {
				return invalid(fmt.Errorf("no config given; pass --config FILE"))
			}
			cfg, err := loadConfig(file, false)
			if _, ok := err.(config.Problems); ok {
				return &exitError{exitFailure, err}
			}
			if err != nil {
				return err
			}
			for _, w := range cfg.Warnings {
				fmt.Fprintln(cmd.ErrOrStderr(), "warning:", w)
			}
			seed := "none (a random seed will be drawn and recorded)"
			if cfg.Global.HasSeed {
				seed = fmt.Sprint(cfg.Global.Seed)
			}
			companies := "companies"
			if len(cfg.Companies) == 1 {
				companies = "company"
			}
			fmt.Fprintf(cmd.OutOrStdout(), "%s: valid: %d %s, %d journal entries over %d months, seed %s\n",
				file, len(cfg.Companies), companies, cfg.TotalEntries(), cfg.Global.PeriodMonths, seed)
			return nil
		},
	}
	cmd.Flags().StringVarP(&file, "config", "c", "", "config to check")
	return cmd
}
