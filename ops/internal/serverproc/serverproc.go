// Package serverproc runs datasynth-server as a child process, the way a
// supervisor does: start it on a fixed address, kill it, start it again on
// the same address. The process drill uses it to rehearse a crash, and the
// tests use it to have a real server to ask.
//
// The address is chosen once (a free loopback port unless one is given) and
// kept across restarts, as systemd or a container runtime keeps it: a
// client that knew the old process finds the new one at the same URL.
package serverproc

import (
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
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
}

// Server is one datasynth-server process and the address every restart
// keeps.
type Server struct {
	opts Options
	bin  string
	cmd  *exec.Cmd
	done chan struct{}
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
	return s, s.start()
}

func (s *Server) start() error {
	cmd := exec.Command(s.bin, append([]string{"--listen", s.opts.Listen}, s.opts.Args...)...)
	cmd.Env = append(os.Environ(), s.opts.Env...)
	cmd.Stdout = s.opts.Log
	cmd.Stderr = s.opts.Log
	// Its own process group, so that a Ctrl-C meant for the caller does
	// not reach it before the caller has stopped it.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("starting %s: %w", s.bin, err)
	}
	s.cmd, s.done = cmd, make(chan struct{})
	done := s.done
	go func() {
		_ = cmd.Wait() // a killed server's status says nothing new
		close(done)
	}()
	return nil
}

// URL is the base URL of the server.
func (s *Server) URL() string { return "http://" + s.opts.Listen }

// Addr is the host:port the server listens on.
func (s *Server) Addr() string { return s.opts.Listen }

// Pid is the process id of the running process.
func (s *Server) Pid() int { return s.cmd.Process.Pid }

// Exited is closed when the current process has ended.
func (s *Server) Exited() <-chan struct{} { return s.done }

// Signal sends sig to the current process.
func (s *Server) Signal(sig os.Signal) error {
	if err := s.cmd.Process.Signal(sig); err != nil {
		return fmt.Errorf("sending %v to datasynth-server (pid %d): %w", sig, s.Pid(), err)
	}
	return nil
}

// Kill sends SIGKILL, as a crash or the OOM killer would, and waits until
// the process is gone.
func (s *Server) Kill() error {
	if err := s.Signal(syscall.SIGKILL); err != nil && !errors.Is(err, os.ErrProcessDone) {
		return err
	}
	<-s.done
	return nil
}

// Restart starts a new process on the same address after the current one
// has ended.
func (s *Server) Restart() error {
	select {
	case <-s.done:
	default:
		return fmt.Errorf("datasynth-server (pid %d) is still running; kill or stop it first", s.Pid())
	}
	return s.start()
}

// Stop sends SIGTERM, waits up to grace for the drain, then kills. A
// process that has already ended is left alone.
func (s *Server) Stop(grace time.Duration) {
	select {
	case <-s.done:
		return
	default:
	}
	_ = s.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-s.done:
	case <-time.After(grace):
		_ = s.Kill()
	}
}
