package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"datasynth.dev/engine/config"
	"github.com/spf13/cobra"
)

// Exit codes. Each command's help lists the ones it uses.
const (
	exitOK          = 0
	exitFailure     = 1   // generate, init: the run failed; validate: the config has problems
	exitInvalid     = 2   // bad flags or input: nothing was done
	exitInterrupted = 130 // generate stopped by SIGINT or SIGTERM: nothing was written
)

// exitCodes renders an "Exit codes:" help section from code/meaning pairs.
func exitCodes(lines ...string) string {
	var b strings.Builder
	b.WriteString("\n\nExit codes:")
	for i := 0; i+1 < len(lines); i += 2 {
		fmt.Fprintf(&b, "\n  %-4s %s", lines[i], lines[i+1])
	}
	return b.String()
}

// exitError carries an exit code with an error.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }
func (e *exitError) Unwrap() error { return e.err }

func invalid(err error) error { return &exitError{exitInvalid, err} }

// globals are the settings every command shares.
type globals struct {
	stderr   io.Writer
	verbose  bool
	logLevel slog.Level
}

// logger writes to standard error at --log-level, or debug with --verbose.
func (g *globals) logger() *slog.Logger {
	level := g.logLevel
	if g.verbose {
		level = slog.LevelDebug
	}
	return slog.New(slog.NewTextHandler(g.stderr, &slog.HandlerOptions{Level: level}))
}

// levelFlag is --log-level: one of debug, info, warn, error, shown in lower
// case.
type levelFlag struct{ l *slog.Level }

func (f levelFlag) String() string { return strings.ToLower(f.l.String()) }
func (f levelFlag) Type() string   { return "level" }
func (f levelFlag) Set(s string) error {
	for _, name := range []string{"debug", "info", "warn", "error"} {
		if s == name {
			return f.l.UnmarshalText([]byte(s))
		}
	}
	return fmt.Errorf("%q is not a level; use debug, info, warn or error", s)
}

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
		if errors.As(err, &ee) {
			return ee.code
		}
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

// dataSynthOnly are DataSynth's commands that this generator lacks: a
// DataSynth user who types one is told so rather than "unknown command".
var dataSynthOnly = map[string]bool{"fingerprint": true, "scenario": true, "audit": true}

func newRootCmd(stdout, stderr io.Writer) *cobra.Command {
	g := &globals{stderr: stderr, logLevel: slog.LevelWarn}
	v := buildVersions()
	root := &cobra.Command{
		Use:   "datasynth-data",
		Short: "Generate deterministic synthetic enterprise-accounting data",
		Long: `datasynth-data generates a company's books from a YAML config and a seed:
chart of accounts, master data, balanced journal entries and anomaly labels,
with a run manifest of SHA-256 checksums. The same config, seed and generator
version give byte-identical files on any machine and any thread count.` + exitCodes(
			"0", "success",
			"1", "the command ran and failed (see each command)",
			"2", "invalid flags or input; nothing was done",
			"130", "generate was interrupted; nothing was written"),
		Example: `  datasynth-data init -o config.yaml
  datasynth-data validate -c config.yaml
  datasynth-data generate -c config.yaml -o ./output
  datasynth-data verify -o ./output --checksums
  datasynth-data info --json`,
		Version:       v.String(),
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
		if dataSynthOnly[args[0]] {
			return invalid(fmt.Errorf("%q is a DataSynth command that this generator does not support (it has generate, validate, init, info and verify)", args[0]))
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
	// DataSynth's habit: -V prints the version, -v means verbose.
	root.Flags().BoolP("version", "V", false, "print the program, generator and commit versions")
	pf := root.PersistentFlags()
	pf.BoolVarP(&g.verbose, "verbose", "v", false, "log everything (same as --log-level debug)")
	pf.Var(levelFlag{&g.logLevel}, "log-level", "log level on standard error: debug, info, warn or error")
	root.AddCommand(
		newGenerateCmd(g),
		newValidateCmd(),
		newInitCmd(),
		newInfoCmd(),
		newVerifyCmd(g),
	)
	return root
}
