package drill

import (
	"bytes"
	"cmp"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"datasynth.dev/ops/internal/health"
	"datasynth.dev/ops/internal/objective"
	"datasynth.dev/ops/internal/restart"
	"datasynth.dev/ops/internal/serverproc"
)

// probeTimeout bounds each request while waiting for a recovery: a stopped
// server accepts connections and answers nothing.
const probeTimeout = time.Second

func (o *Options) serverCrash(ctx context.Context, dir string) ([]objective.Result, error) {
	switch o.Via {
	case ViaCompose:
		return o.crashCompose(ctx)
	case ViaSystemd:
		return o.crashSystemd(ctx)
	case ViaKubernetes:
		return o.crashKubernetes(ctx)
	}
	return o.crashProcess(ctx, dir)
}

func (o *Options) what() (verb, objName string) {
	if o.Hang {
		return "stopped (SIGSTOP)", "server process after a hang"
	}
	return "killed (SIGKILL)", "server process after a crash"
}

// crashProcess runs the server under this package's supervisor, which
// restarts it as the systemd unit would, kills or stops it, and times it
// back.
func (o *Options) crashProcess(ctx context.Context, dir string) ([]objective.Result, error) {
	logFile, err := os.Create(filepath.Join(dir, "datasynth-server.log"))
	if err != nil {
		return nil, err
	}
	defer logFile.Close()
	po := serverproc.Options{
		Binary: o.Server, Log: logFile,
		Args:         []string{"--work-dir", dir},
		AbortTimeout: cmp.Or(o.AbortTimeout, DefaultAbortTimeout),
		RestartDelay: o.RestartDelay,
		Events:       func(s string) { o.say("supervisor: %s", s) },
	}
	if o.Hang {
		po.Watchdog = cmp.Or(o.Watchdog, DefaultWatchdog)
	}
	srv, err := serverproc.Start(po)
	if err != nil {
		return nil, err
	}
	defer srv.Stop(5 * time.Second)
	first := health.Wait(ctx, health.Options{URL: srv.URL()}, o.Timeout)
	if !first.Healthy {
		return nil, fmt.Errorf("datasynth-server did not become healthy at its first start within %s (log: %s): %s", o.Timeout, logFile.Name(), failed(first))
	}
	o.say("datasynth-server pid %d healthy at %s", srv.Pid(), srv.URL())
	sctx, stop := context.WithCancel(ctx)
	supervised := make(chan error, 1)
	go func() { supervised <- srv.Supervise(sctx) }()
	defer func() { stop(); <-supervised }()

	// Let the watchdog see its first pings before the hang.
	if o.Hang {
		time.Sleep(po.Watchdog / 2)
	}
	verb, name := o.what()
	pid := srv.Pid()
	sig := syscall.SIGKILL
	if o.Hang {
		sig = syscall.SIGSTOP
	}
	start := time.Now()
	if err := srv.Signal(sig); err != nil {
		return nil, err
	}
	o.say("%s pid %d", verb, pid)
	r, took := o.waitRecovered(ctx, srv.URL(), start)
	if r == nil {
		return []objective.Result{objective.Missed(name, objective.ServerProcess, fmt.Sprintf("not healthy on a new process within %s", o.Timeout))}, nil
	}
	detail := fmt.Sprintf("from %s to every health check passing on new pid %d (dsops supervisor: RestartSec=%s", verb, srv.Pid(), po.RestartDelay)
	if o.Hang {
		detail += fmt.Sprintf(", WatchdogSec=%s, TimeoutAbortSec=%s", po.Watchdog, po.AbortTimeout)
	}
	return []objective.Result{objective.Measure(name, objective.ServerProcess, took, detail+")")}, nil
}

// waitRecovered polls url until every check passes on a process that
// started after start, and returns the last report and the time since
// start; the report is nil if that did not happen within o.Timeout.
func (o *Options) waitRecovered(ctx context.Context, url string, start time.Time) (*health.Report, time.Duration) {
	deadline := start.Add(o.Timeout)
	for time.Now().Before(deadline) && ctx.Err() == nil {
		r := health.Run(ctx, health.Options{URL: url, Timeout: probeTimeout})
		took := time.Since(start)
		// A server up for longer than the time since the crash is the one
		// that was meant to die, or another replica.
		if r.Healthy && r.UptimeSeconds <= took.Seconds()+0.5 {
			o.say("healthy again after %.3fs (up %.3fs)", took.Seconds(), r.UptimeSeconds)
			return r, took
		}
		time.Sleep(health.PollInterval)
	}
	return nil, 0
}

// failed names the checks of r that failed.
func failed(r *health.Report) string {
	var out []string
	for _, c := range r.Checks {
		if !c.OK {
			out = append(out, c.Name+": "+c.Detail)
		}
	}
	return strings.Join(out, "; ")
}

// output runs a supervisor command and returns its standard output.
func (o *Options) output(ctx context.Context, argv ...string) (string, error) {
	o.say("$ %s", strings.Join(argv, " "))
	var stdout, stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("%s: %w: %s", strings.Join(argv, " "), err, strings.TrimSpace(stderr.String()))
	}
	return strings.TrimSpace(stdout.String()), nil
}

// firstHealthy checks the server is healthy before anything is broken.
func (o *Options) firstHealthy(ctx context.Context) error {
	r := health.Run(ctx, health.Options{URL: o.URL})
	if !r.Healthy {
		return fmt.Errorf("%s is not healthy before the drill (%s): there is nothing to recover; give --url of a healthy server", o.URL, failed(r))
	}
	return nil
}

// crashCompose kills the server's process in its container from the host,
// as a crash or the kernel's OOM killer would. `docker kill` would not do:
// Docker counts it as a manual stop and the restart policy ignores it.
func (o *Options) crashCompose(ctx context.Context) ([]objective.Result, error) {
	if err := o.firstHealthy(ctx); err != nil {
		return nil, err
	}
	compose, err := restart.ComposeCommand(ctx)
	if err != nil {
		return nil, err
	}
	if o.ComposeFile != "" {
		compose = append(compose, "-f", o.ComposeFile)
	}
	id, err := o.output(ctx, append(compose, "ps", "-q", restart.ComposeService)...)
	if err != nil {
		return nil, err
	}
	if id == "" {
		return nil, fmt.Errorf("compose runs no %s container; start it first", restart.ComposeService)
	}
	state := func() (pid, restarts int, err error) {
		out, err := o.output(ctx, "docker", "inspect", "-f", "{{.State.Pid}} {{.RestartCount}}", id)
		if err == nil {
			_, err = fmt.Sscan(out, &pid, &restarts)
		}
		return pid, restarts, err
	}
	pid, before, err := state()
	if err != nil {
		return nil, err
	}
	if pid <= 0 {
		return nil, fmt.Errorf("container %s has no running process", id)
	}
	_, name := o.what()
	start := time.Now()
	if err := syscall.Kill(pid, syscall.SIGKILL); err != nil {
		return nil, fmt.Errorf("killing the server's process %d in container %s from the host: %w; the compose drill needs root (or the container's user)", pid, id[:min(12, len(id))], err)
	}
	o.say("killed (SIGKILL) pid %d of container %s from the host", pid, id[:min(12, len(id))])
	r, took := o.waitRecovered(ctx, o.URL, start)
	if r == nil {
		return []objective.Result{objective.Missed(name, objective.ServerProcess, fmt.Sprintf("%s not healthy on a new process within %s", o.URL, o.Timeout))}, nil
	}
	_, after, err := state()
	if err != nil {
		return nil, err
	}
	return []objective.Result{objective.Measure(name, objective.ServerProcess, took,
		fmt.Sprintf("from SIGKILL of the container's process to every health check passing; the restart policy restarted it (RestartCount %d to %d)", before, after))}, nil
}

// crashSystemd has systemd kill (or stop) the unit's processes; the unit's
// Restart= and WatchdogSec= bring it back.
func (o *Options) crashSystemd(ctx context.Context) ([]objective.Result, error) {
	if err := o.firstHealthy(ctx); err != nil {
		return nil, err
	}
	unit := cmp.Or(o.Unit, restart.DefaultUnit)
	sig := "KILL"
	if o.Hang {
		sig = "STOP"
	}
	verb, name := o.what()
	start := time.Now()
	if _, err := o.output(ctx, "systemctl", "kill", "-s", sig, unit); err != nil {
		return nil, err
	}
	r, took := o.waitRecovered(ctx, o.URL, start)
	if r == nil {
		return []objective.Result{objective.Missed(name, objective.ServerProcess, fmt.Sprintf("%s not healthy on a new process within %s", o.URL, o.Timeout))}, nil
	}
	return []objective.Result{objective.Measure(name, objective.ServerProcess, took,
		fmt.Sprintf("from systemctl kill -s %s %s (%s) to every health check passing on a new process", sig, unit, verb))}, nil
}

// crashKubernetes deletes one server pod at once, as a node failure would
// take it, and times the Deployment back to full availability.
func (o *Options) crashKubernetes(ctx context.Context) ([]objective.Result, error) {
	ns := cmp.Or(o.Namespace, restart.DefaultNamespace)
	kubectl := []string{"kubectl", "-n", ns}
	pod, err := o.output(ctx, append(kubectl, "get", "pods", "-l", "app.kubernetes.io/name=datasynth", "-o", "jsonpath={.items[0].metadata.name}")...)
	if err != nil {
		return nil, err
	}
	if pod == "" {
		return nil, fmt.Errorf("no datasynth pod in namespace %s", ns)
	}
	name := "full service after losing a pod (Kubernetes)"
	start := time.Now()
	if _, err := o.output(ctx, append(kubectl, "delete", "pod", pod, "--grace-period=0", "--force")...); err != nil {
		return nil, err
	}
	status := append(kubectl, "rollout", "status", restart.Deployment, "--timeout="+strconv.Itoa(int(o.Timeout.Seconds()))+"s")
	if _, err := o.output(ctx, status...); err != nil {
		return []objective.Result{objective.Missed(name, objective.FullService, err.Error())}, nil
	}
	detail := "from deleting pod " + pod + " to rollout status reporting the Deployment available"
	if o.URL != "" {
		r := health.Wait(ctx, health.Options{URL: o.URL, Timeout: probeTimeout}, max(o.Timeout-time.Since(start), 0))
		if !r.Healthy {
			return []objective.Result{objective.Missed(name, objective.FullService, o.URL+" not healthy: "+failed(r))}, nil
		}
		detail += " and " + o.URL + " healthy"
	}
	return []objective.Result{objective.Measure(name, objective.FullService, time.Since(start), detail)}, nil
}
