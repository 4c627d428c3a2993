package main

import (
	"encoding/json"
	"fmt"
	"strings"
	"text/tabwriter"

	"datasynth.dev/engine/config"
	"datasynth.dev/engine/generate"
	"github.com/spf13/cobra"
)

type infoDoc struct {
	ProgramVersion   string            `json:"program_version"`
	GeneratorVersion string            `json:"generator_version"`
	Industries       []string          `json:"industries"`
	Complexities     map[string]int    `json:"complexities"`
	Volumes          map[string]int64  `json:"volumes"`
	Formats          map[string]string `json:"formats"`
}

func newInfoCmd() *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:     "info",
		Short:   "List industries, complexity levels, volume presets, formats and versions",
		Example: "  datasynth-data info\n  datasynth-data info --json",
		Args:    noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			d := infoDoc{ProgramVersion: version, GeneratorVersion: generate.GeneratorVersion, Industries: config.Industries,
				Complexities: map[string]int{}, Volumes: map[string]int64{}, Formats: map[string]string{}}
			for _, c := range config.Complexities {
				d.Complexities[c.Name] = c.Accounts
			}
			for _, v := range config.Volumes {
				d.Volumes[v.Name] = v.Entries
			}
			for _, f := range config.Formats {
				d.Formats[f.Name] = map[bool]string{true: "available", false: "not yet available"}[f.Implemented]
			}
			out := cmd.OutOrStdout()
			if asJSON {
				enc := json.NewEncoder(out)
				enc.SetIndent("", "  ")
				return enc.Encode(d)
			}
			tw := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
			fmt.Fprintf(tw, "program version\t%s\n", version)
			fmt.Fprintf(tw, "generator version\t%s\n", generate.GeneratorVersion)
			fmt.Fprintf(tw, "industries\t%s\n", strings.Join(config.Industries, ", "))
			fmt.Fprintln(tw, "complexities\t")
			for _, c := range config.Complexities {
				fmt.Fprintf(tw, "  %s\t%d accounts\n", c.Name, c.Accounts)
			}
			fmt.Fprintln(tw, "volume presets\t(journal entries per company per year)")
			for _, v := range config.Volumes {
				fmt.Fprintf(tw, "  %s\t%d\n", v.Name, v.Entries)
			}
			fmt.Fprintln(tw, "  custom\t{custom: N}")
			fmt.Fprintln(tw, "formats\t")
			for _, f := range config.Formats {
				fmt.Fprintf(tw, "  %s\t%s\n", f.Name, d.Formats[f.Name])
			}
			return tw.Flush()
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print as JSON")
	return cmd
}
