package main

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/rogpeppe/go-internal/testscript"

	"datasynth.dev/ops/internal/health"
	"datasynth.dev/ops/internal/serverproc"
)

// standIn is the main of the recording stand-ins for systemctl and kubectl
// that the scripts find on PATH in front of the real programs: systemd as
// PID 1 and a Kubernetes cluster cannot run here. A stand-in
//
//   - appends its command line to $STANDIN_LOG, which the script reads to
//     check what dsops ran;
//   - exits with $STANDIN_EXIT when that is set, as a failing supervisor would;
//   - for the commands that kill the server (systemctl kill -s SIG, kubectl
//     delete pod) sends SIGKILL (or SIGSTOP for -s STOP) to the pid in
//     $STANDIN_PIDFILE, which the script's supervised server keeps current,
//     so that the drill has a real crash or hang to time;
//   - answers the queries dsops makes: kubectl get pods with fixed text,
//     kubectl get configmap|secret NAME -o yaml with the file that
//     $STANDIN_CONFIGMAP or $STANDIN_SECRET names.
//
// It does nothing else: no unit files, no rollouts. The figures a drill
// measures through a stand-in are the script's supervisor's, not systemd's
// or Kubernetes's, and the docs say so.
func standIn(name string) func() {
	return func() {
		args := os.Args[1:]
		logFile := os.Getenv("STANDIN_LOG")
		if logFile == "" {
			fmt.Fprintf(os.Stderr, "%s stand-in: STANDIN_LOG is not set; the scripts set it\n", name)
			os.Exit(3)
		}
		f, err := os.OpenFile(logFile, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
		if err == nil {
			_, err = fmt.Fprintln(f, name+" "+strings.Join(args, " "))
			f.Close()
		}
		if err != nil {
			fmt.Fprintf(os.Stderr, "%s stand-in: %v\n", name, err)
			os.Exit(3)
		}
		if code := os.Getenv("STANDIN_EXIT"); code != "" {
			n, _ := strconv.Atoi(code)
			fmt.Fprintf(os.Stderr, "%s stand-in: failing with exit status %d as told\n", name, n)
			os.Exit(n)
		}
		line := strings.Join(args, " ")
		switch {
		case name == "systemctl" && len(args) > 0 && args[0] == "kill",
			name == "kubectl" && strings.Contains(line, " delete pod "):
			signalFromPidfile(name, args)
		case name == "kubectl" && strings.Contains(line, " get pods "):
			fmt.Println("datasynth-6c9d7b5f4-q2x8z")
		case name == "kubectl" && strings.HasSuffix(line, " -o yaml"):
			serveObject(args)
		}
		os.Exit(0)
	}
}

// serveObject answers `kubectl get configmap|secret NAME -o yaml` with the
// file named by $STANDIN_CONFIGMAP or $STANDIN_SECRET (objects the scripts
// hold in kubectl's own layout), or as kubectl answers for a missing one.
func serveObject(args []string) {
	kind := ""
	for _, a := range args {
		if a == "configmap" || a == "secret" {
			kind = a
		}
	}
	data, err := os.ReadFile(os.Getenv("STANDIN_" + strings.ToUpper(kind)))
	if kind == "" || err != nil {
		fmt.Fprintf(os.Stderr, "Error from server (NotFound): %ss %q not found\n", kind, args[len(args)-3])
		os.Exit(1)
	}
	os.Stdout.Write(data)
}

// signalFromPidfile sends the signal of "-s SIG" (SIGKILL without one) to
// the server in $STANDIN_PIDFILE.
func signalFromPidfile(name string, args []string) {
	sig := syscall.SIGKILL
	for i, a := range args {
		if a == "-s" && i+1 < len(args) && strings.TrimPrefix(args[i+1], "SIG") == "STOP" {
			sig = syscall.SIGSTOP
		}
	}
	data, err := os.ReadFile(os.Getenv("STANDIN_PIDFILE"))
	if err != nil {
		fmt.Fprintf(os.Stderr, "%s stand-in: no server to signal: %v\n", name, err)
		os.Exit(1)
	}
	pid, _ := strconv.Atoi(strings.TrimSpace(string(data)))
	if err := syscall.Kill(pid, sig); err != nil {
		fmt.Fprintf(os.Stderr, "%s stand-in: kill %d: %v\n", name, pid, err)
		os.Exit(1)
	}
}

var (
	serversMu sync.Mutex
	servers   = map[*testscript.TestScript]*scriptServer{}
)

type scriptServer struct {
	proc   *serverproc.Server
	cancel context.CancelFunc
	done   chan struct{}
}

// cmdServer runs a real datasynth-server for a script:
//
//	server start [--supervise] [--watchdog D] [FLAGS...]
//	                      start it on a free loopback port with FLAGS, wait
//	                      until it answers /live, set SERVER_URL and
//	                      SERVER_ADDR
//	server kill           SIGKILL it, as a crash would (a supervised
//	                      server comes back)
//	server stop           end the supervision, SIGTERM it and wait
//
// With --supervise the test process restarts the server on the same
// address whenever it exits, as Restart=always would, and with --watchdog
// also when its sd_notify pings stop for D, killing it D after the abort
// (serverproc does both, as for the process drill). The current pid is kept in $WORK/server.pid for the
// stand-ins. The server is stopped when the script ends.
func cmdServer(ts *testscript.TestScript, neg bool, args []string) {
	const usage = "usage: server start [--supervise] [--watchdog D] [FLAGS...] | kill | stop"
	if neg || len(args) == 0 {
		ts.Fatalf(usage)
	}
	serversMu.Lock()
	s := servers[ts]
	serversMu.Unlock()
	switch args[0] {
	case "start":
		if s != nil {
			ts.Fatalf("server: already started")
		}
		flags := args[1:]
		supervise := len(flags) > 0 && flags[0] == "--supervise"
		if supervise {
			flags = flags[1:]
		}
		var watchdog time.Duration
		if len(flags) > 1 && flags[0] == "--watchdog" {
			d, err := time.ParseDuration(flags[1])
			ts.Check(err)
			watchdog, flags = d, flags[2:]
		}
		log, err := os.Create(ts.MkAbs("server.log"))
		ts.Check(err)
		pidfile := ts.MkAbs("server.pid")
		var proc *serverproc.Server
		writePid := func(string) { _ = os.WriteFile(pidfile, []byte(strconv.Itoa(proc.Pid())+"\n"), 0o644) }
		proc, err = serverproc.Start(serverproc.Options{Binary: serverBin, Args: flags, Log: log, Watchdog: watchdog, AbortTimeout: watchdog, Events: writePid})
		ts.Check(err)
		writePid("")
		s = &scriptServer{proc: proc, done: make(chan struct{})}
		ctx, cancel := context.WithCancel(context.Background())
		s.cancel = cancel
		serversMu.Lock()
		servers[ts] = s
		serversMu.Unlock()
		if supervise {
			go func() {
				defer close(s.done)
				_ = proc.Supervise(ctx)
			}()
		} else {
			close(s.done)
		}
		ts.Defer(func() {
			cancel()
			<-s.done
			proc.Stop(5 * time.Second)
			log.Close()
			serversMu.Lock()
			delete(servers, ts)
			serversMu.Unlock()
		})
		// Wait until it answers /live: some scripts start a server that is
		// never ready on purpose.
		deadline := time.Now().Add(30 * time.Second)
		for {
			r := health.Run(context.Background(), health.Options{URL: proc.URL()})
			if r.Checks[0].OK {
				break
			}
			if time.Now().After(deadline) {
				ts.Fatalf("server did not answer /live at %s within 30s: %+v; see %s", proc.URL(), r.Checks, log.Name())
			}
			time.Sleep(health.PollInterval)
		}
		ts.Setenv("SERVER_URL", proc.URL())
		ts.Setenv("SERVER_ADDR", proc.Addr())
		ts.Setenv("STANDIN_PIDFILE", pidfile)
	case "kill", "stop":
		if s == nil {
			ts.Fatalf("server %s: not started", args[0])
		}
		if args[0] == "kill" {
			ts.Check(s.proc.Kill())
		} else {
			s.cancel() // a stopped server stays stopped
			<-s.done
			s.proc.Stop(10 * time.Second)
		}
	default:
		ts.Fatalf(usage)
	}
}
