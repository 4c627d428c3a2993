package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"datasynth.dev/engine/generate"
	"datasynth.dev/server"
	"github.com/spf13/cobra"
)

// Exit codes, listed in the help.
const (
	exitOK    = 0
	exitUsage = 2 // invalid flags or environment, or the server could not run
)

const exitCodesHelp = `
Exit codes:
  0  stopped by SIGTERM or SIGINT after draining
  2  invalid flags or environment values, or the server could not run or
     stopped on an error (for example the address is in use, or the API
     keys file cannot be used)`

// run executes the command line and returns the exit code.
func run(args []string, stdout, stderr io.Writer) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	root := newRootCmd(stdout, stderr, os.LookupEnv)
	root.SetArgs(args)
	if err := root.ExecuteContext(ctx); err != nil {
		fmt.Fprintln(stderr, "datasynth-server:", err)
		return exitUsage
	}
	return exitOK
}

func newRootCmd(stdout, stderr io.Writer, lookupEnv func(string) (string, bool)) *cobra.Command {
	var v flagValues
	cmd := &cobra.Command{
		Use:   "datasynth-server [flags]",
		Short: "Serve deterministic synthetic accounting data over HTTP and WebSocket",
		Long: `datasynth-server answers health, readiness and metrics probes, keeps a
generation config in memory, streams bulk generations (NDJSON, CSV or a
tar.gz of the whole dataset, byte-identical to datasynth-data), runs
generation jobs whose datasets are kept for --job-ttl, and serves journal
entries as WebSocket events. It speaks DataSynth's REST shapes, so its
clients work unchanged. It keeps no state across restarts: restart it at
any time (queued and finished jobs are lost; clients resubmit).

Every flag can also be set in the environment as DATASYNTH_<FLAG> with
dashes as underscores, for example DATASYNTH_API_KEYS=key1,key2 or
DATASYNTH_RATE_LIMIT=50; a flag on the command line wins over the
environment. SIGHUP re-reads --config and --api-keys-file; SIGTERM and
SIGINT drain and stop.` + "\n" + exitCodesHelp,
		Example: `  datasynth-server -c /etc/datasynth/config.yaml
  DATASYNTH_API_KEYS=$(openssl rand -hex 24) datasynth-server --listen 127.0.0.1:3000
  datasynth-server --log-format text --log-level debug --rate-limit 0`,
		Version:       fmt.Sprintf("%s (generator %s, commit %s)", version, generate.GeneratorVersion, commit),
		SilenceUsage:  true,
		SilenceErrors: true,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) > 0 {
				return fmt.Errorf("datasynth-server takes no arguments, got %q; see --help", args)
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, _ []string) error {
			opts, err := v.resolve(cmd.Flags(), lookupEnv, stderr)
			if err != nil {
				return err
			}
			return server.Run(cmd.Context(), opts)
		},
	}
	cmd.SetOut(stdout)
	cmd.SetErr(stderr)
	cmd.SetVersionTemplate("datasynth-server {{.Version}}\n")
	v.register(cmd.Flags())
	cmd.Flags().BoolP("version", "V", false, "print the version and exit")
	return cmd
}
