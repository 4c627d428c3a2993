// Package drill rehearses recoveries against real components and measures
// them against the disaster-recovery guide's objectives: `dsops drill`.
//
// Every drill works in a scratch folder of its own, never on the caller's
// data, and breaks something on purpose before it times the way back:
//
//	server-crash  kills datasynth-server (or stops it, with Hang) and times
//	              it back to healthy on a new process: < 30 s. Through
//	              this package's own supervisor (process), a Compose
//	              restart policy, systemd or Kubernetes.
//	regenerate    generates a dataset, pins it, deletes it, regenerates it
//	              from config + seed + pinned generator and proves it
//	              identical: recovery point 0.
//	restore       backs up a dataset with dsops backup, loses it, restores
//	              it with dsops restore and proves it identical.
//	config-lost   backs up a config and an environment file, loses both,
//	              restores them, compares them byte for byte and starts a
//	              server on them: < 5 min.
//
// A drill that could not be carried out (a program missing, a first start
// that failed) returns an error; an objective that was missed is a result,
// not an error, and a figure that could not be measured is a miss.
package drill

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"datasynth.dev/ops/internal/objective"
)

// Names of the drills, in the order `all` runs them.
const (
	ServerCrash = "server-crash"
	Regenerate  = "regenerate"
	Restore     = "restore"
	ConfigLost  = "config-lost"
	All         = "all"
)

// Names lists the drills a user may ask for.
var Names = []string{ServerCrash, Regenerate, Restore, ConfigLost, All}

// Supervisors a server-crash drill can go through.
const (
	ViaProcess    = "process"
	ViaCompose    = "compose"
	ViaSystemd    = "systemd"
	ViaKubernetes = "kubernetes"
)

// Vias lists them in the order the help names them.
var Vias = []string{ViaProcess, ViaCompose, ViaSystemd, ViaKubernetes}

// Options configure a drill.
type Options struct {
	// Via is the supervisor of a server-crash drill.
	Via string
	// Hang stops the server (SIGSTOP) instead of killing it, so that only
	// the watchdog or liveness probe can detect it.
	Hang bool
	// Server is datasynth-server: a name on PATH or a path.
	Server string
	// Generator is datasynth-data: a name on PATH or a path.
	Generator string
	// Config is the generation config of regenerate, restore and
	// config-lost; empty means the embedded demo.
	Config string
	// EnvFile is the environment file config-lost backs up; empty means a
	// made-up one with an API key.
	EnvFile string
	// Identity is an age identity file: config-lost then backs the
	// environment file up encrypted to it and restores it with it, as
	// production does with dsops backup --encrypt-to.
	Identity string
	// URL is the server a compose, systemd or kubernetes drill watches.
	URL string
	// Unit, ComposeFile and Namespace name the server to those supervisors.
	Unit, ComposeFile, Namespace string
	// Watchdog, AbortTimeout and RestartDelay are the process supervisor's
	// WatchdogSec, TimeoutAbortSec and RestartSec; the first two default to
	// the unit's, a zero RestartDelay restarts at once.
	Watchdog, AbortTimeout, RestartDelay time.Duration
	// Timeout bounds each wait for a recovery.
	Timeout time.Duration
	// ScratchDir holds the scratch folder; empty means the system's.
	ScratchDir string
	// Keep leaves the scratch folder in place.
	Keep bool
	// Log receives one line for each thing the drill does.
	Log io.Writer
}

// The process supervisor's defaults are the systemd unit's
// (deploy/systemd/datasynth-server.service).
const (
	DefaultWatchdog     = 10 * time.Second
	DefaultAbortTimeout = 5 * time.Second
	DefaultRestartDelay = 1 * time.Second
)

// Report is the outcome of a drill.
type Report struct {
	Drill      string             `json:"drill"`
	Passed     bool               `json:"passed"`
	Objectives []objective.Result `json:"objectives"`
	// Scratch is the scratch folder, when it was kept.
	Scratch string `json:"scratch,omitempty"`
}

// Run carries out the drill called name.
func Run(ctx context.Context, name string, o Options) (*Report, error) {
	if o.Log == nil {
		o.Log = io.Discard
	}
	if err := o.check(name); err != nil {
		return nil, err
	}
	scratch, err := os.MkdirTemp(o.ScratchDir, "dsops-drill-")
	if err != nil {
		return nil, fmt.Errorf("creating a scratch folder: %w", err)
	}
	rep := &Report{Drill: name}
	if o.Keep {
		rep.Scratch = scratch
	} else {
		defer os.RemoveAll(scratch)
	}
	o.say("scratch folder %s", scratch)
	drills := []string{name}
	if name == All {
		drills = []string{ServerCrash, Regenerate, Restore, ConfigLost}
	}
	for _, d := range drills {
		dir := filepath.Join(scratch, d)
		if err := os.Mkdir(dir, 0o700); err != nil {
			return nil, err
		}
		var rs []objective.Result
		switch d {
		case ServerCrash:
			rs, err = o.serverCrash(ctx, dir)
		case Regenerate:
			rs, err = o.regenerate(ctx, dir)
		case Restore:
			rs, err = o.restore(ctx, dir)
		case ConfigLost:
			rs, err = o.configLost(ctx, dir)
		}
		if err != nil {
			return nil, fmt.Errorf("drill %s: %w", d, err)
		}
		rep.Objectives = append(rep.Objectives, rs...)
	}
	rep.Passed = objective.AllMet(rep.Objectives)
	return rep, nil
}

// check refuses what a drill cannot do, before anything is broken.
func (o *Options) check(name string) error {
	known := false
	for _, n := range Names {
		known = known || n == name
	}
	if !known {
		return fmt.Errorf("no drill %q; choose one of %s", name, strings.Join(Names, ", "))
	}
	if o.Via == "" {
		o.Via = ViaProcess
	}
	switch o.Via {
	case ViaProcess, ViaSystemd:
	case ViaCompose:
		if o.Hang {
			return errors.New("--hang --via compose: Docker marks a hung container unhealthy but never restarts it (restart policies act on exits only), so there is no recovery to time; run the hang drill via process or systemd, and see docs/disaster-recovery.md")
		}
	case ViaKubernetes:
		if o.Hang {
			return errors.New("--hang --via kubernetes: the image has no shell, so kubectl cannot stop the server inside a pod; the liveness probe's bound is in docs/disaster-recovery.md")
		}
	default:
		return fmt.Errorf("--via %q: choose one of %s", o.Via, strings.Join(Vias, ", "))
	}
	if name != ServerCrash && name != All && (o.Via != ViaProcess || o.Hang) {
		return errors.New("--via and --hang belong to the server-crash drill")
	}
	if name == All && o.Via != ViaProcess {
		return fmt.Errorf("drill all runs server-crash via process; run drill server-crash --via %s on its own", o.Via)
	}
	if o.Timeout <= 0 {
		o.Timeout = 2 * time.Minute
	}
	return nil
}

func (o *Options) say(format string, args ...any) {
	fmt.Fprintf(o.Log, "drill: "+format+"\n", args...)
}
