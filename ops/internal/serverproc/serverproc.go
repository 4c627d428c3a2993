// Package serverproc runs datasynth-server as a child process the way its
// systemd unit does: on a fixed address, restarted whenever it exits
// (Restart=), and, with a watchdog, killed and restarted when it stops
// sending the sd_notify watchdog pings the server sends only while it
// answers its own /live (WatchdogSec=, then SIGABRT and, after
// TimeoutAbortSec=, SIGKILL). The process drill uses it to rehearse a crash
// and a hang against the real server; the tests use it for a real server to
// ask.
//
// It is not a general supervisor: it runs one program and keeps no state
// beyond the current process. The address is chosen once (a free loopback
// port unless one is given) and kept across restarts, as systemd or a
// container runtime keeps it.
package serverproc

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// DefaultBinary is the program started when Options.Binary is empty.
const DefaultBinary = "datasynth-server"

// Options say how to start the server.
type Options struct {
	// Binary is datasynth-server: a name on PATH or a path.
	Binary string
	// Listen is host:port; empty means a free port on 127.0.0.1.
	Listen string
	// Args are further flags, for example --config FILE.
	Args []string
	// Env is added to this process's environment.
	Env []string
	// Log receives the server's standard error; nil discards it.
	Log io.Writer
	// Watchdog, when set, is WatchdogSec: the server is given a
	// NOTIFY_SOCKET and WATCHDOG_USEC, and Supervise aborts it when no ping
	// arrived for this long.
	Watchdog time.Duration
	// AbortTimeout is TimeoutAbortSec: how long an aborted server has to
	// exit before it is killed. Zero means 5s.
	AbortTimeout time.Duration
	// RestartDelay is RestartSec: the pause before Supervise restarts it.
	RestartDelay time.Duration
	// Events, if set, is told what Supervise does, one sentence a call.
	Events func(string)
}

// Server is the datasynth-server process and the address every restart
// keeps.
type Server struct {
	opts Options
	bin  string

	mu       sync.Mutex
	cmd      *exec.Cmd
	done     chan struct{}
	lastPing time.Time

	notify  *net.UnixConn
	sockDir string
}

// FreeAddr returns a loopback address with a port nobody listens on now.
func FreeAddr() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", fmt.Errorf("finding a free loopback port: %w", err)
	}
	addr := ln.Addr().String()
	return addr, ln.Close()
}

// Start starts the server. It does not wait for it to be ready: ask
// package health for that.
func Start(o Options) (*Server, error) {
	if o.Binary == "" {
		o.Binary = DefaultBinary
	}
	if o.AbortTimeout == 0 {
		o.AbortTimeout = 5 * time.Second
	}
	bin, err := exec.LookPath(o.Binary)
	if err != nil {
		return nil, fmt.Errorf("%s: %w; put datasynth-server on PATH or name it with --server", o.Binary, err)
	}
	if o.Listen == "" {
		if o.Listen, err = FreeAddr(); err != nil {
			return nil, err
		}
	}
	s := &Server{opts: o, bin: bin}
	if o.Watchdog > 0 {
		if err := s.listenNotify(); err != nil {
			return nil, err
		}
	}
	if err := s.start(); err != nil {
		s.closeNotify()
		return nil, err
	}
	return s, nil
}

// listenNotify opens the socket the server sends sd_notify messages to.
func (s *Server) listenNotify() error {
	dir, err := os.MkdirTemp("", "dsops-notify-")
	if err != nil {
		return fmt.Errorf("creating the notify socket's folder: %w", err)
	}
	s.sockDir = dir
	conn, err := net.ListenUnixgram("unixgram", &net.UnixAddr{Name: filepath.Join(dir, "notify"), Net: "unixgram"})
	if err != nil {
		os.RemoveAll(dir)
		return fmt.Errorf("listening for sd_notify: %w", err)
	}
	s.notify = conn
	go func() {
		buf := make([]byte, 4096)
		for {
			n, err := conn.Read(buf)
			if err != nil {
				return
			}
			for _, line := range strings.Split(string(buf[:n]), "\n") {
				if line == "WATCHDOG=1" || line == "READY=1" {
					s.mu.Lock()
					s.lastPing = time.Now()
					s.mu.Unlock()
				}
			}
		}
	}()
	return nil
}

func (s *Server) closeNotify() {
	if s.notify != nil {
		s.notify.Close()
		os.RemoveAll(s.sockDir)
	}
}

func (s *Server) start() error {
	cmd := exec.Command(s.bin, append([]string{"--listen", s.opts.Listen}, s.opts.Args...)...)
	cmd.Env = append(os.Environ(), s.opts.Env...)
	if s.notify != nil {
		cmd.Env = append(cmd.Env, "NOTIFY_SOCKET="+s.notify.LocalAddr().String(),
			"WATCHDOG_USEC="+strconv.FormatInt(s.opts.Watchdog.Microseconds(), 10))
	}
	cmd.Stdout = s.opts.Log
	cmd.Stderr = s.opts.Log
	// Its own process group, so that a Ctrl-C meant for the caller does
	// not reach it before the caller has stopped it.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("starting %s: %w", s.bin, err)
	}
	done := make(chan struct{})
	go func() {
		_ = cmd.Wait() // a killed server's status says nothing new
		close(done)
	}()
	s.mu.Lock()
	s.cmd, s.done, s.lastPing = cmd, done, time.Now()
	s.mu.Unlock()
	return nil
}

func (s *Server) current() (*exec.Cmd, chan struct{}) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.cmd, s.done
}

// URL is the base URL of the server.
func (s *Server) URL() string { return "http://" + s.opts.Listen }

// Addr is the host:port the server listens on.
func (s *Server) Addr() string { return s.opts.Listen }

// Pid is the process id of the current process.
func (s *Server) Pid() int {
	cmd, _ := s.current()
	return cmd.Process.Pid
}

// Exited is closed when the current process has ended.
func (s *Server) Exited() <-chan struct{} {
	_, done := s.current()
	return done
}

// Signal sends sig to the current process.
func (s *Server) Signal(sig os.Signal) error {
	cmd, _ := s.current()
	if err := cmd.Process.Signal(sig); err != nil {
		return fmt.Errorf("sending %v to datasynth-server (pid %d): %w", sig, cmd.Process.Pid, err)
	}
	return nil
}

// Kill sends SIGKILL, as a crash or the OOM killer would, and waits until
// the process is gone.
func (s *Server) Kill() error {
	_, done := s.current()
	if err := s.Signal(syscall.SIGKILL); err != nil && !errors.Is(err, os.ErrProcessDone) {
		return err
	}
	<-done
	return nil
}

// Restart starts a new process on the same address after the current one
// has ended.
func (s *Server) Restart() error {
	_, done := s.current()
	select {
	case <-done:
	default:
		return fmt.Errorf("datasynth-server (pid %d) is still running; kill or stop it first", s.Pid())
	}
	return s.start()
}

// Supervise restarts the server whenever it exits and, with a watchdog,
// aborts it when its pings stop, until ctx ends. It returns the error of a
// restart that failed, or nil when ctx ended.
func (s *Server) Supervise(ctx context.Context) error {
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	for {
		cmd, done := s.current()
		select {
		case <-ctx.Done():
			return nil
		case <-done:
		case <-tick.C:
			if s.opts.Watchdog == 0 || s.silentFor() <= s.opts.Watchdog {
				continue
			}
			s.abort(cmd, done)
		}
		s.event(fmt.Sprintf("pid %d exited; restarting in %s", cmd.Process.Pid, s.opts.RestartDelay))
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(s.opts.RestartDelay):
		}
		if err := s.start(); err != nil {
			return err
		}
		s.event(fmt.Sprintf("started pid %d", s.Pid()))
	}
}

func (s *Server) silentFor() time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	return time.Since(s.lastPing)
}

// abort does what systemd does on a watchdog timeout: SIGABRT (a Go
// program dumps its goroutines and exits), then SIGKILL after AbortTimeout
// if it has not exited (a stopped process cannot take SIGABRT).
func (s *Server) abort(cmd *exec.Cmd, done chan struct{}) {
	s.event(fmt.Sprintf("watchdog: no ping from pid %d for %s; SIGABRT", cmd.Process.Pid, s.opts.Watchdog))
	_ = cmd.Process.Signal(syscall.SIGABRT)
	select {
	case <-done:
	case <-time.After(s.opts.AbortTimeout):
		s.event(fmt.Sprintf("pid %d still there after %s; SIGKILL", cmd.Process.Pid, s.opts.AbortTimeout))
		_ = cmd.Process.Signal(syscall.SIGKILL)
		<-done
	}
}

func (s *Server) event(msg string) {
	if s.opts.Events != nil {
		s.opts.Events(msg)
	}
}

// Stop sends SIGTERM, waits up to grace for the drain, then kills, and
// releases the notify socket. A process that has already ended is left
// alone. Stop the supervision first, or it restarts the server.
func (s *Server) Stop(grace time.Duration) {
	defer s.closeNotify()
	cmd, done := s.current()
	select {
	case <-done:
		return
	default:
	}
	_ = syscall.Kill(cmd.Process.Pid, syscall.SIGCONT) // a stopped process cannot drain
	_ = cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-done:
	case <-time.After(grace):
		_ = s.Kill()
	}
}
