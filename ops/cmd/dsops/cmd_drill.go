package main

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"datasynth.dev/ops/internal/drill"
	"datasynth.dev/ops/internal/health"
	"datasynth.dev/ops/internal/objective"
)

func newDrillCmd(g *globals) *cobra.Command {
	var o drill.Options
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "drill " + strings.Join(drill.Names, "|"),
		Short: "Rehearse a recovery against real components and measure it against the objectives",
		Long: `Rehearse a recovery in a scratch folder of its own (never on your data) and
measure it against the objectives of docs/disaster-recovery.md:

  server-crash  start datasynth-server, kill it (SIGKILL) and time the
                restarted process until every dsops health check passes:
                server process back and ready in < 30s.
                --via process     dsops supervises the server itself, with the
                                  systemd unit's RestartSec=1s (default)
                --via compose     kill the server's process in its container
                                  from the host; the restart policy brings it
                                  back (needs root)
                --via systemd     systemctl kill -s KILL UNIT
                --via kubernetes  delete one pod; full service (rollout
                                  status) in < 2m
                --hang stops the server (SIGSTOP) instead: only the watchdog
                can see it. Via process, dsops plays systemd's watchdog with
                the unit's WatchdogSec=10s and TimeoutAbortSec=5s.
  regenerate    generate a dataset (--config, default the embedded demo), pin
                it, delete it, regenerate it from config + seed + pinned
                generator: recovery point 0, dsops verify identical.
  restore       back the dataset up with dsops backup, lose it, dsops restore
                it: identical to the original.
  config-lost   back up a config and an environment file (--env-file, default
                a made-up one), delete both, restore them, compare them byte
                for byte and start a server on them: recovered in < 5m.
                With --identity the environment file is backed up encrypted
                with age to that key and decrypted with it on restore.
  all           server-crash (process), regenerate, restore and config-lost.

Output: a table of objective, target, measured, met; --json prints
  {"drill": NAME, "passed": bool, "objectives": [{"name", "target_seconds",
  "measured_seconds", "met", "detail"}]}
(measured_seconds is -1 when nothing could be measured; for the identity
objectives, target and measured count differing files).

Exit codes:
  0  every objective met
  1  an objective was missed
  2  the drill could not run: a program missing, bad flags, a server that
     was not healthy before the drill`,
		Example: `  dsops drill server-crash
  dsops drill server-crash --hang
  dsops drill server-crash --via compose --compose-file deploy/compose/docker-compose.yml
  dsops drill regenerate --config retail.yaml --json
  dsops drill config-lost --identity ~/.config/datasynth/backup-key.txt
  dsops drill all`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) != 1 {
				return fmt.Errorf("drill takes one name: %s; see dsops drill --help", strings.Join(drill.Names, ", "))
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			if o.URL != "" {
				u, err := health.ParseURL(o.URL)
				if err != nil {
					return fmt.Errorf("--url: %w", err)
				}
				o.URL = u
			} else if o.Via == drill.ViaCompose || o.Via == drill.ViaSystemd {
				o.URL = health.DefaultURL
			}
			o.Log = g.stderr
			rep, err := drill.Run(cmd.Context(), args[0], o)
			if err != nil {
				return err
			}
			if asJSON {
				err = json.NewEncoder(g.stdout).Encode(rep)
			} else {
				err = objective.WriteTable(g.stdout, rep.Objectives)
			}
			if err != nil {
				return err
			}
			if rep.Scratch != "" {
				fmt.Fprintln(g.stderr, "drill: kept the scratch folder", rep.Scratch)
			}
			if !rep.Passed {
				return reported(exitDifferent)
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.Via, "via", drill.ViaProcess, "server-crash supervisor: "+strings.Join(drill.Vias, ", "))
	f.BoolVar(&o.Hang, "hang", false, "server-crash: stop the server (SIGSTOP) instead of killing it")
	f.StringVar(&o.Server, "server", "datasynth-server", "datasynth-server `program`: a name on PATH or a path")
	f.StringVar(&o.Generator, "generator", "datasynth-data", "datasynth-data `program`: a name on PATH or a path")
	f.StringVarP(&o.Config, "config", "c", "", "generation config `file` (default: the embedded demo)")
	f.StringVar(&o.EnvFile, "env-file", "", "config-lost: environment `file` to back up (default: a made-up one)")
	f.StringVar(&o.Identity, "identity", "", "config-lost: age identity `file`; the environment file is backed up encrypted to it and restored with it")
	f.StringVar(&o.URL, "url", "", "compose, systemd, kubernetes: base `URL` of the server (default "+health.DefaultURL+"; kubernetes: none)")
	f.StringVar(&o.Unit, "unit", "datasynth-server", "systemd `unit`")
	f.StringVar(&o.ComposeFile, "compose-file", "", "Compose `file` (default: the one Compose finds)")
	f.StringVar(&o.Namespace, "namespace", "datasynth", "Kubernetes `namespace`")
	f.DurationVar(&o.Watchdog, "watchdog", drill.DefaultWatchdog, "process --hang: the supervisor's WatchdogSec")
	f.DurationVar(&o.AbortTimeout, "abort-timeout", drill.DefaultAbortTimeout, "process --hang: the supervisor's TimeoutAbortSec")
	f.DurationVar(&o.RestartDelay, "restart-delay", drill.DefaultRestartDelay, "process: the supervisor's RestartSec")
	f.DurationVar(&o.Timeout, "timeout", 2*time.Minute, "how long to wait for each recovery")
	f.StringVar(&o.ScratchDir, "scratch", "", "`folder` to make the scratch folder in (default: the system's temporary folder)")
	f.BoolVar(&o.Keep, "keep", false, "keep the scratch folder (its path is printed)")
	f.BoolVar(&asJSON, "json", false, "print one JSON object")
	return cmd
}
