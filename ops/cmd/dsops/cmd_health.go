package main

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"datasynth.dev/ops/internal/health"
)

const healthExitCodes = `
Exit codes:
  0  healthy: every check passed
  1  the server answered but is not healthy or not ready
  2  unreachable (no check got an answer), or bad flags`

type healthOptions struct {
	url        string
	apiKeyFile string
	wait       time.Duration
	timeout    time.Duration
	json       bool
}

func newHealthCmd(g *globals) *cobra.Command {
	var o healthOptions
	cmd := &cobra.Command{
		Use:   "health [--url URL] [--wait 30s] [--json]",
		Short: "Check that datasynth-server is alive, ready, healthy and scraped",
		Long: `Ask a running datasynth-server the questions its probes and its monitoring
ask, one request each:
  live     GET /live answers 200: the process serves HTTP
  ready    GET /ready answers 200; a 503 lists the reasons (no valid
           config, draining, the work folder short of disk)
  health   GET /health answers 200 and names the version
  metrics  GET /metrics answers 200 with Prometheus text holding synth_ready
  api-key  with --api-key-file: GET /api/metrics with the first key of the
           file answers 200 (the key is accepted)

With --wait, the checks are repeated every 100 ms until all pass or the time
is up, and the time it took is reported: the figure a recovery is measured
by. --json prints one object:
  {"healthy": bool, "url": ..., "version": ..., "checks": [{"name", "ok",
  "detail", "ms"}], ...}
` + healthExitCodes,
		Example: `  dsops health
  dsops health --url http://datasynth.internal:3000 --json
  dsops health --wait 30s
  dsops health --api-key-file /etc/datasynth/api-keys`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts, err := o.resolve()
			if err != nil {
				return err
			}
			r := health.Wait(cmd.Context(), opts, o.wait)
			if o.wait == 0 {
				r.WaitedSeconds = nil
			}
			if o.json {
				err = r.WriteJSON(g.stdout)
			} else {
				err = r.WriteText(g.stdout)
			}
			if err != nil {
				return fmt.Errorf("writing the report: %w", err)
			}
			return healthExit(r)
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.url, "url", health.DefaultURL, "base `URL` of the server")
	f.StringVar(&o.apiKeyFile, "api-key-file", "", "`file` of API keys (one a line, # comments, as the server reads it); the first is checked")
	f.DurationVar(&o.wait, "wait", 0, "keep checking until healthy or this much `time` has passed (e.g. 30s)")
	f.DurationVar(&o.timeout, "timeout", health.DefaultTimeout, "time allowed for each request")
	f.BoolVar(&o.json, "json", false, "print one JSON object")
	return cmd
}

func (o healthOptions) resolve() (health.Options, error) {
	url, err := health.ParseURL(o.url)
	if err != nil {
		return health.Options{}, fmt.Errorf("--url: %w", err)
	}
	if o.wait < 0 {
		return health.Options{}, fmt.Errorf("--wait %v: give a positive duration such as 30s", o.wait)
	}
	if o.timeout <= 0 {
		return health.Options{}, fmt.Errorf("--timeout %v: give a positive duration such as 2s", o.timeout)
	}
	opts := health.Options{URL: url, Timeout: o.timeout}
	if o.apiKeyFile != "" {
		if opts.APIKey, err = firstKey(o.apiKeyFile); err != nil {
			return health.Options{}, err
		}
	}
	return opts, nil
}

// healthExit maps a report to the exit code of dsops health.
func healthExit(r *health.Report) error {
	switch {
	case r.Healthy:
		return nil
	case !r.Reachable:
		return reported(exitFailure)
	}
	return reported(exitDifferent)
}

// firstKey reads the first key of an API-keys file in the server's format:
// one key a line, blank lines and # comments ignored. The format is three
// rules; importing the server module for it would tie dsops to the server's
// dependencies.
func firstKey(file string) (string, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return "", fmt.Errorf("--api-key-file: %w", err)
	}
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		if line := strings.TrimSpace(sc.Text()); line != "" && !strings.HasPrefix(line, "#") {
			return line, nil
		}
	}
	return "", fmt.Errorf("--api-key-file %s holds no key: write one key a line", file)
}
