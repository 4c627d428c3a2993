package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/creack/pty"

	"datasynth.dev/ops/internal/generatortest"
	"datasynth.dev/ops/internal/health"
	"datasynth.dev/ops/internal/serverproc"
)

// TestTerminalPrompts runs dsops runbook run on a real terminal (a pty) and
// answers its prompts as an operator would: a step that changes the system
// is asked for before it runs, a manual step's question is asked after its
// instructions, and "no" to a change declines it (exit 2) while "no" to a
// check fails it (exit 1).
func TestTerminalPrompts(t *testing.T) {
	dir := t.TempDir()
	book := `name: prompts
title: Prompts
kind: procedure
summary: Asks twice.
params:
  url: {help: base URL}
steps:
  - {name: restart, title: Restart, action: restart, args: [--via, systemd, --wait-healthy, "${url}"], check: {exit: 0}, timeout: 1m}
  - {name: tell, title: Tell, text: "tell the clients", check: {confirm: "Told?"}, timeout: 1m}
`
	if err := os.WriteFile(filepath.Join(dir, "prompts.yaml"), []byte(book), 0o644); err != nil {
		t.Fatal(err)
	}
	bin := generatortest.BuildServer(t, generatorVersion)
	srv, err := serverproc.Start(serverproc.Options{Binary: filepath.Join(bin, "datasynth-server")})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Stop(5 * time.Second)
	if r := health.Wait(context.Background(), health.Options{URL: srv.URL()}, 30*time.Second); !r.Healthy {
		t.Fatalf("server not healthy: %+v", r.Checks)
	}
	standinLog := filepath.Join(dir, "standin.log")

	for _, tt := range []struct {
		name    string
		answers []string
		code    int
		outcome string
		restart bool
	}{
		{"approve and confirm", []string{"y", "yes"}, 0, `"step":"tell",.*"outcome":"passed"`, true},
		{"approve, then no", []string{"y", "n"}, 1, `"step":"tell",.*"outcome":"failed"`, true},
		{"decline the change", []string{"n"}, 2, `"step":"restart",.*"outcome":"declined"`, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			os.Remove(standinLog)
			logFile := filepath.Join(dir, strings.ReplaceAll(tt.name, " ", "-")+".jsonl")
			cmd := exec.Command("dsops", "runbook", "run", "prompts", "--dir", dir, "--set", "url="+srv.URL(), "--log", logFile)
			cmd.Env = append(os.Environ(), "STANDIN_LOG="+standinLog)
			f, err := pty.Start(cmd)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			var out bytes.Buffer
			r := bufio.NewReader(io.TeeReader(f, &out))
			for _, a := range tt.answers {
				if err := readUntil(r, "[y/N] "); err != nil {
					t.Fatalf("no prompt: %v\n%s", err, out.String())
				}
				if _, err := f.WriteString(a + "\n"); err != nil {
					t.Fatal(err)
				}
			}
			_, _ = io.Copy(io.Discard, r) // the pty reports EIO once dsops exits
			err = cmd.Wait()
			code := 0
			var ee *exec.ExitError
			if errors.As(err, &ee) {
				code = ee.ExitCode()
			}
			if code != tt.code {
				t.Errorf("exit status %d, want %d\n%s", code, tt.code, out.String())
			}
			if !strings.Contains(out.String(), "Run `dsops restart --via systemd --wait-healthy http://") {
				t.Errorf("the change was not asked for:\n%s", out.String())
			}
			data, _ := os.ReadFile(logFile)
			if !regexp.MustCompile(tt.outcome).Match(data) {
				t.Errorf("log lacks %s:\n%s", tt.outcome, data)
			}
			_, serr := os.Stat(standinLog)
			if ran := serr == nil; ran != tt.restart {
				t.Errorf("systemctl ran: %v, want %v", ran, tt.restart)
			}
		})
	}
}

// readUntil reads r until it has read s.
func readUntil(r *bufio.Reader, s string) error {
	var seen []byte
	for !bytes.HasSuffix(seen, []byte(s)) {
		b, err := r.ReadByte()
		if err != nil {
			return err
		}
		seen = append(seen, b)
	}
	return nil
}
