package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"datasynth.dev/engine/config"
	"datasynth.dev/engine/generate"
	"github.com/spf13/cobra"
)

// Exit codes, listed in every command's help.
const (
	exitOK          = 0
	exitFailure     = 1   // the run failed (I/O error, disk full, ...)
	exitInvalid     = 2   // bad flags or an invalid config: nothing was generated
	exitInterrupted = 130 // stopped by SIGINT or SIGTERM: nothing was written
)

const exitCodesHelp = `
Exit codes:
  0    success
  1    the run failed (for example a write error); nothing was left under the output name
  2    invalid flags or config, or an output folder that is not empty (see
       --overwrite) or is a file; nothing was generated
  130  interrupted by SIGINT or SIGTERM; nothing was left under the output name`

// exitError carries an exit code with an error.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }
func (e *exitError) Unwrap() error { return e.err }

func invalid(err error) error { return &exitError{exitInvalid, err} }

// run executes the command line and returns the exit code.
func run(args []string, stdout, stderr io.Writer) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	root := newRootCmd(stdout, stderr)
	root.SetArgs(args)
	err := root.ExecuteContext(ctx)
	if err == nil {
		return exitOK
	}
	var ee *exitError
	var problems config.Problems
	if errors.As(err, &problems) {
		for _, p := range problems {
			fmt.Fprintln(stderr, p)
		}
		fmt.Fprintf(stderr, "datasynth-data: %d problem(s) in the config; fix them and run again\n", len(problems))
		return exitInvalid
	}
	fmt.Fprintln(stderr, "datasynth-data:", err)
	switch {
	case errors.As(err, &ee):
		return ee.code
	case ctx.Err() != nil:
		return exitInterrupted
	}
	return exitFailure
}

func newRootCmd(stdout, stderr io.Writer) *cobra.Command {
	root := &cobra.Command{
		Use:   "datasynth-data",
		Short: "Generate deterministic synthetic enterprise-accounting data",
		Long: `datasynth-data generates a company's books from a YAML config and a seed:
chart of accounts, master data, balanced journal entries and anomaly labels,
with a run manifest of SHA-256 checksums. The same config, seed and generator
version give byte-identical files on any machine and any thread count.` + "\n" + exitCodesHelp,
		Version:       fmt.Sprintf("%s (generator %s, commit %s)", version, generate.GeneratorVersion, commit),
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	// Unknown subcommands reach RunE so that they exit 2 like other usage
	// errors, with cobra's suggestions.
	root.Args = cobra.ArbitraryArgs
	root.RunE = func(cmd *cobra.Command, args []string) error {
		if len(args) == 0 {
			return cmd.Help()
		}
		msg := fmt.Sprintf("unknown command %q", args[0])
		if s := cmd.SuggestionsFor(args[0]); len(s) > 0 {
			msg += fmt.Sprintf("; did you mean %q?", s[0])
		}
		return invalid(errors.New(msg + " (see datasynth-data --help)"))
	}
	root.SetOut(stdout)
	root.SetErr(stderr)
	root.SetVersionTemplate("datasynth-data {{.Version}}\n")
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return invalid(err) })
	root.AddCommand(
		newGenerateCmd(),
		newValidateCmd(),
		newInitCmd(),
		newInfoCmd(),
	)
	return root
}
