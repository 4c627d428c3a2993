package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"datasynth.dev/ops/internal/health"
	"datasynth.dev/ops/internal/objective"
	"datasynth.dev/ops/internal/restart"
)

type restartOptions struct {
	via         string
	unit        string
	composeFile string
	namespace   string
	dryRun      bool
	waitHealthy string
	timeout     time.Duration
	json        bool
}

func newRestartCmd(g *globals) *cobra.Command {
	var o restartOptions
	cmd := &cobra.Command{
		Use:   "restart --via systemd|compose|kubernetes",
		Short: "Restart datasynth-server through its supervisor and time it back to healthy",
		Long: `Restart datasynth-server with the procedure of docs/disaster-recovery.md,
then wait until every check of dsops health passes and report the time it
took against the recovery-time objective.

  --via systemd     systemctl restart UNIT
  --via compose     docker compose -f FILE restart datasynth-server
                    (docker-compose where the Compose plugin is missing)
  --via kubernetes  kubectl -n NAMESPACE rollout restart deployment/datasynth
                    kubectl -n NAMESPACE rollout status deployment/datasynth

Each command is printed before it runs; --dry-run prints them and runs
nothing. The server is stateless: a restart loses only what the guide lists
(counters, streams, in-memory config, rate-limit buckets).

The time is measured from the first command to the first moment every health
check of --wait-healthy passed (systemd and compose: default ` + health.DefaultURL + `;
Kubernetes: none by default, rollout status is the wait; give the Service's
URL to wait for it too). The objective is "server process < 30s", or on
Kubernetes "full service < 2m".

Exit codes:
  0  restarted and healthy within the objective
  1  restarted, but not healthy within the objective
  2  a command failed, a program is missing, or bad flags`,
		Example: `  sudo dsops restart --via systemd
  dsops restart --via compose --compose-file deploy/compose/docker-compose.yml
  dsops restart --via kubernetes --namespace datasynth --dry-run
  dsops restart --via kubernetes --wait-healthy http://localhost:3000   # with kubectl port-forward`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts, err := o.resolve(cmd, g)
			if err != nil {
				return err
			}
			res, err := restart.Run(cmd.Context(), opts)
			if res == nil {
				return err
			}
			if o.json {
				if jerr := json.NewEncoder(g.stdout).Encode(res); jerr != nil {
					return jerr
				}
			} else if !res.DryRun {
				if res.Health != nil {
					if herr := res.Health.WriteText(g.stdout); herr != nil {
						return herr
					}
				}
				if terr := objective.WriteTable(g.stdout, []objective.Result{res.Objective}); terr != nil {
					return terr
				}
			}
			switch {
			case errors.Is(err, restart.ErrNotHealthy):
				return reported(exitDifferent)
			case err != nil && o.json:
				fmt.Fprintln(g.stderr, "dsops:", err)
				return reported(exitFailure)
			}
			return err
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.via, "via", "", "supervisor: "+strings.Join(restart.Vias, ", "))
	f.StringVar(&o.unit, "unit", restart.DefaultUnit, "systemd `unit`")
	f.StringVar(&o.composeFile, "compose-file", "", "Compose `file` (default: the one Compose finds in the current folder)")
	f.StringVar(&o.namespace, "namespace", restart.DefaultNamespace, "Kubernetes `namespace`")
	f.BoolVar(&o.dryRun, "dry-run", false, "print the commands and run nothing")
	f.StringVar(&o.waitHealthy, "wait-healthy", "", "base `URL` to wait for (systemd, compose: default "+health.DefaultURL+"; none to skip)")
	f.DurationVar(&o.timeout, "timeout", restart.DefaultHealthWait, "how long to wait for health")
	f.BoolVar(&o.json, "json", false, "print one JSON object")
	_ = cmd.MarkFlagRequired("via")
	return cmd
}

func (o restartOptions) resolve(cmd *cobra.Command, g *globals) (restart.Options, error) {
	opts := restart.Options{Via: o.via, Unit: o.unit, ComposeFile: o.composeFile, Namespace: o.namespace,
		DryRun: o.dryRun, Wait: o.timeout, Out: g.stdout}
	if o.json {
		opts.Out = g.stderr
	}
	if o.timeout <= 0 {
		return opts, fmt.Errorf("--timeout %v: give a positive duration such as 2m", o.timeout)
	}
	url := o.waitHealthy
	if !cmd.Flags().Changed("wait-healthy") && o.via != restart.Kubernetes {
		url = health.DefaultURL
	}
	if url != "" && url != "none" {
		parsed, err := health.ParseURL(url)
		if err != nil {
			return opts, fmt.Errorf("--wait-healthy: %w", err)
		}
		opts.Health = health.Options{URL: parsed}
	}
	return opts, nil
}
