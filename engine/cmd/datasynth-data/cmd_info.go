package main

import (
	"encoding/json"
	"fmt"
	"strings"
	"text/tabwriter"

	"datasynth.dev/engine/config"
	"github.com/spf13/cobra"
)

// infoDoc is `info --json`. Tools read program_version, generator_version
// and commit from it rather than parsing --version.
type infoDoc struct {
	versions
	Industries   []string          `json:"industries"`
	Complexities map[string]int    `json:"complexities"`
	Volumes      map[string]int64  `json:"volumes"`
	Formats      map[string]string `json:"formats"`
}

func newInfoCmd() *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "info [--json]",
		Short: "List versions, industries, complexity levels, volume presets and formats",
		Long: `List what this datasynth-data carries: its program, generator and commit
versions, and the values a config may use for industries, chart complexity,
volume presets and output formats. --json prints the same as one JSON
object, for tools.` + exitCodes(
			"0", "printed",
			"2", "invalid flags"),
		Example: "  datasynth-data info\n  datasynth-data info --json | jq -r .generator_version",
		Args:    noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			d := infoDoc{versions: buildVersions(), Industries: config.Industries,
				Complexities: map[string]int{}, Volumes: map[string]int64{}, Formats: map[string]string{}}
			for _, c := range config.Complexities {
				d.Complexities[c.Name] = c.Accounts
			}
			for _, v := range config.Volumes {
				d.Volumes[v.Name] = v.Entries
			}
			for _, f := range config.Formats {
				d.Formats[f.Name] = "." + f.Extension
			}
			out := cmd.OutOrStdout()
			if asJSON {
				enc := json.NewEncoder(out)
				enc.SetIndent("", "  ")
				return enc.Encode(d)
			}
			tw := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
			fmt.Fprintf(tw, "program version\t%s\n", d.Program)
			fmt.Fprintf(tw, "generator version\t%s\n", d.Generator)
			fmt.Fprintf(tw, "commit\t%s\n", d.Commit)
			fmt.Fprintf(tw, "industries\t%s\n", strings.Join(config.Industries, ", "))
			fmt.Fprintln(tw, "\nchart of accounts complexity (accounts, headings included):")
			for _, c := range config.Complexities {
				fmt.Fprintf(tw, "  %s\t%d\n", c.Name, c.Accounts)
			}
			fmt.Fprintln(tw, "\nvolume presets (journal entries per company per year):")
			for _, v := range config.Volumes {
				fmt.Fprintf(tw, "  %s\t%d\n", v.Name, v.Entries)
			}
			fmt.Fprintln(tw, "  {custom: N}\tN")
			fmt.Fprintln(tw, "\noutput formats (file extension):")
			for _, f := range config.Formats {
				fmt.Fprintf(tw, "  %s\t%s\n", f.Name, d.Formats[f.Name])
			}
			return tw.Flush()
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print as one JSON object")
	return cmd
}
