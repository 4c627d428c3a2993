// Package restart restarts datasynth-server through its supervisor, with
// the disaster-recovery guide's own commands, and measures the time until the
// server is healthy again: `dsops restart`.
//
// The commands are the page's, unchanged, so that what an operator reads
// in the docs is what runs:
//
//	systemd     systemctl restart datasynth-server
//	compose     docker compose -f FILE restart datasynth-server
//	kubernetes  kubectl -n datasynth rollout restart deployment/datasynth
//	            kubectl -n datasynth rollout status deployment/datasynth
//
// Compose is run as `docker compose` when that plugin is installed and as
// `docker-compose` otherwise (Debian's package is the latter). Every
// command is printed before it runs; a dry run prints and runs nothing.
// After the commands, health is polled until every check passes; the time
// from the first command to healthy is judged against the guide's objective
// (server process < 30 s; on Kubernetes, full service < 2 min).
package restart

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"strings"
	"time"

	"datasynth.dev/ops/internal/health"
	"datasynth.dev/ops/internal/objective"
)

// Supervisors.
const (
	Systemd    = "systemd"
	Compose    = "compose"
	Kubernetes = "kubernetes"
)

// Vias lists the supervisors in the order the help names them.
var Vias = []string{Systemd, Compose, Kubernetes}

// Names the disaster-recovery guide uses.
const (
	DefaultUnit       = "datasynth-server"
	ComposeService    = "datasynth-server"
	DefaultNamespace  = "datasynth"
	Deployment        = "deployment/datasynth"
	DefaultHealthWait = 2 * time.Minute
)

// Options configure one restart.
type Options struct {
	Via         string
	Unit        string // systemd unit; default datasynth-server
	ComposeFile string // compose file; empty lets compose find its own
	Namespace   string // Kubernetes namespace; default datasynth
	DryRun      bool
	// Health names the server to wait for; an empty URL waits for nothing
	// but the commands themselves.
	Health health.Options
	// Wait bounds the wait for health; 0 means DefaultHealthWait.
	Wait time.Duration
	// Out receives the commands, their output and the outcome.
	Out io.Writer
}

// Result is what a restart did and measured.
type Result struct {
	Via       string           `json:"via"`
	Commands  []string         `json:"commands"`
	DryRun    bool             `json:"dry_run"`
	Health    *health.Report   `json:"health,omitempty"`
	Objective objective.Result `json:"objective"`
}

// ErrCommand means a supervisor command failed: the restart could not be
// done, as opposed to done and not healthy afterwards.
var ErrCommand = errors.New("supervisor command failed")

// ErrNotHealthy means the commands succeeded but the server was not healthy
// within the objective.
var ErrNotHealthy = errors.New("not healthy within the objective")

// ComposeCommand returns the program and leading arguments that run
// Compose here: docker compose if the plugin answers, else docker-compose.
func ComposeCommand(ctx context.Context) ([]string, error) {
	if docker, err := exec.LookPath("docker"); err == nil {
		if exec.CommandContext(ctx, docker, "compose", "version").Run() == nil {
			return []string{"docker", "compose"}, nil
		}
	}
	if _, err := exec.LookPath("docker-compose"); err == nil {
		return []string{"docker-compose"}, nil
	}
	return nil, errors.New("neither `docker compose` nor `docker-compose` is installed; install the Compose plugin or Debian's docker-compose package")
}

// Plan returns the commands a restart runs, in order.
func Plan(ctx context.Context, o Options) ([][]string, error) {
	switch o.Via {
	case Systemd:
		return [][]string{{"systemctl", "restart", cmp.Or(o.Unit, DefaultUnit)}}, nil
	case Compose:
		c, err := ComposeCommand(ctx)
		if err != nil {
			return nil, err
		}
		if o.ComposeFile != "" {
			c = append(c, "-f", o.ComposeFile)
		}
		return [][]string{append(c, "restart", ComposeService)}, nil
	case Kubernetes:
		ns := cmp.Or(o.Namespace, DefaultNamespace)
		return [][]string{
			{"kubectl", "-n", ns, "rollout", "restart", Deployment},
			{"kubectl", "-n", ns, "rollout", "status", Deployment},
		}, nil
	}
	return nil, fmt.Errorf("--via %q: choose one of %s", o.Via, strings.Join(Vias, ", "))
}

// Target is the objective a restart through via is judged against.
func Target(via string) (string, time.Duration) {
	if via == Kubernetes {
		return "full service (Kubernetes)", objective.FullService
	}
	return "server process", objective.ServerProcess
}

// Run restarts the server and waits for it. The error wraps ErrCommand or
// ErrNotHealthy; the result holds what was measured either way.
func Run(ctx context.Context, o Options) (*Result, error) {
	if o.Out == nil {
		o.Out = io.Discard
	}
	plan, err := Plan(ctx, o)
	if err != nil {
		return nil, err
	}
	res := &Result{Via: o.Via, DryRun: o.DryRun}
	for _, c := range plan {
		res.Commands = append(res.Commands, strings.Join(c, " "))
	}
	name, target := Target(o.Via)
	if o.DryRun {
		for _, c := range res.Commands {
			fmt.Fprintln(o.Out, "would run:", c)
		}
		if o.Health.URL != "" {
			fmt.Fprintf(o.Out, "would wait for %s to be healthy (objective %s < %s)\n", o.Health.URL, name, target)
		}
		return res, nil
	}
	start := time.Now()
	for i, c := range plan {
		fmt.Fprintln(o.Out, "+", res.Commands[i])
		if err := RunCommand(ctx, c, o.Out); err != nil {
			res.Objective = objective.Missed(name, target, "not restarted: "+err.Error())
			return res, fmt.Errorf("%w: %v", ErrCommand, err)
		}
	}
	detail := "until the last command returned"
	if o.Health.URL != "" {
		res.Health = health.Wait(ctx, o.Health, cmp.Or(o.Wait, DefaultHealthWait))
		if !res.Health.Healthy {
			res.Objective = objective.Missed(name, target, "not healthy after "+time.Since(start).Round(time.Millisecond).String())
			return res, ErrNotHealthy
		}
		detail = "until every health check of " + o.Health.URL + " passed"
	}
	res.Objective = objective.Measure(name, target, time.Since(start), "from the first command "+detail)
	if !res.Objective.Met {
		return res, ErrNotHealthy
	}
	return res, nil
}

// RunCommand runs one supervisor command with its output on out. The error
// names the command and, when it failed, its exit status.
func RunCommand(ctx context.Context, argv []string, out io.Writer) error {
	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("%s: %w", strings.Join(argv, " "), err)
	}
	return nil
}
