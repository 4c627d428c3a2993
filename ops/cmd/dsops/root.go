package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"syscall"

	"datasynth.dev/backup"
	"datasynth.dev/verify"
	"github.com/spf13/cobra"
)

// Exit codes. Each command lists the ones it uses in its help.
const (
	exitOK        = 0 // success; for checks: identical
	exitDifferent = 1 // a check ran and found differences
	exitFailure   = 2 // could not run: bad flags, missing or malformed input
)

// run executes the command line and returns the exit code. Errors are
// printed here, once; a check that found differences has already printed
// its report and exits 1 without another word.
func run(args []string, stdout, stderr io.Writer) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	root := newRootCmd(stdout, stderr)
	root.SetArgs(args)
	err := root.ExecuteContext(ctx)
	switch {
	case err == nil:
		return exitOK
	case errors.Is(err, verify.ErrDifferent):
		return exitDifferent
	case errors.Is(err, backup.ErrDamaged), errors.Is(err, backup.ErrCheckFailed):
		fmt.Fprintln(stderr, "dsops:", err)
		return exitDifferent
	}
	var code reported
	if errors.As(err, &code) {
		return int(code)
	}
	fmt.Fprintln(stderr, "dsops:", err)
	return exitFailure
}

// reported is returned by a command that has already printed its outcome
// and has only an exit code left to give.
type reported int

func (r reported) Error() string { return fmt.Sprintf("exit status %d", int(r)) }

// globals holds what every command shares.
type globals struct {
	stdout, stderr io.Writer
	logLevel       slog.Level
}

// logger returns a text logger on standard error at the --log-level.
func (g *globals) logger() *slog.Logger {
	return slog.New(slog.NewTextHandler(g.stderr, &slog.HandlerOptions{Level: g.logLevel}))
}

func newRootCmd(stdout, stderr io.Writer) *cobra.Command {
	g := &globals{stdout: stdout, stderr: stderr, logLevel: slog.LevelWarn}
	root := &cobra.Command{
		Use:   "dsops",
		Short: "Operate DataSynth: verify, pin, regenerate, back up, restore and recover",
		Long: `dsops operates DataSynth datasets: it compares datasets by content, checks a
dataset against its run manifest or a version lock, pins the generator
version for a config, regenerates a pinned dataset byte for byte, and backs
up and restores configs, secrets and output (locally and to S3, with
retention and checksums). For incidents it checks a server's health,
restarts it through its supervisor and times it back, and walks through the
runbooks of the recovery scenarios and alerts.

Exit codes (each command's help gives what they mean for it):
  0  success; for checks: identical, intact, healthy
  1  a check ran and found a problem (differences, damage, not healthy)
  2  could not run: bad flags, missing or malformed input, unreachable`,
		Example: `  dsops verify original-output/ recovered-output/
  dsops pin -c config.yaml && dsops regenerate -c config.yaml --output ./recovered
  dsops backup --s3 s3://backups/datasynth && dsops backup --check
  dsops restore /var/backups/datasynth/output-2026-11-25.tar.gz --to ./restored
  dsops health --wait 30s && dsops runbook list`,
		Version:       fmt.Sprintf("%s (commit %s)", version, commit),
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetOut(stdout)
	root.SetErr(stderr)
	root.SetVersionTemplate("dsops {{.Version}}\n")
	root.PersistentFlags().TextVar(&g.logLevel, "log-level", g.logLevel, "log level on standard error: debug, info, warn or error")
	root.Flags().BoolP("version", "V", false, "print the version and the commit it was built from")

	root.AddCommand(newVerifyCmd(g))
	root.AddCommand(newPinCmd(g))
	root.AddCommand(newRegenerateCmd(g))
	root.AddCommand(newBackupCmd(g))
	root.AddCommand(newRestoreCmd(g))
	root.AddCommand(newSecretsCmd(g))
	root.AddCommand(newHealthCmd(g))
	root.AddCommand(newRestartCmd(g))
	root.AddCommand(newRunbookCmd(g))
	root.AddCommand(newDrillCmd(g))
	return root
}
