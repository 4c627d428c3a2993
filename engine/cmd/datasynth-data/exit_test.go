package main

import (
	"io"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

// TestExitCodes checks the documented exit codes, which testscript's
// "! exec" cannot tell apart.
func TestExitCodes(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.yaml")
	os.WriteFile(bad, []byte("global:\n  period_months: 0\n"), 0o644)
	file := filepath.Join(dir, "file")
	os.WriteFile(file, []byte("x"), 0o644)
	for _, c := range []struct {
		args []string
		want int
	}{
		{[]string{"info"}, exitOK},
		{[]string{"validate", "--config", bad}, exitInvalid},
		{[]string{"validate"}, exitInvalid},
		{[]string{"validate", "--config", filepath.Join(dir, "missing.yaml")}, exitInvalid},
		{[]string{"generate", "--demo", "--threads", "abc"}, exitInvalid},
		{[]string{"generate", "--demo", "--bogus"}, exitInvalid},
		{[]string{"bogus"}, exitInvalid},
		{[]string{"generate", "--demo", "--output", filepath.Join(file, "sub")}, exitFailure},
		{[]string{"generate", "--demo", "--output", file}, exitInvalid},
		{[]string{"generate", "--demo", "--output", dir}, exitInvalid}, // not empty
		{[]string{"generate", "--demo", "--output", filepath.Join(dir, "ok"), "-q"}, exitOK},
	} {
		if got := run(c.args, io.Discard, io.Discard); got != c.want {
			t.Errorf("datasynth-data %v exited %d, want %d", c.args, got, c.want)
		}
	}
}

// TestExitInterrupted sends SIGINT and SIGTERM to this process while a long
// run is writing: run must catch them, clean up and exit 130.
func TestExitInterrupted(t *testing.T) {
	for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGTERM} {
		t.Run(sig.String(), func(t *testing.T) {
			dir := t.TempDir()
			cfg := filepath.Join(dir, "big.yaml")
			os.WriteFile(cfg, []byte(`global: {seed: 1, industry: retail, start_date: "2024-01-01", period_months: 12}
companies: [{code: B, name: B, currency: USD, country: US, annual_transaction_volume: ten_m}]
chart_of_accounts: {complexity: small}
output: {formats: [csv]}
`), 0o644)
			out := filepath.Join(dir, "out")
			go func() {
				for {
					if m, _ := filepath.Glob(filepath.Join(dir, ".out.tmp-*", "journal_entries.csv")); len(m) > 0 {
						syscall.Kill(os.Getpid(), sig)
						return
					}
					time.Sleep(5 * time.Millisecond)
				}
			}()
			if got := run([]string{"generate", "--config", cfg, "--output", out, "-q"}, io.Discard, io.Discard); got != exitInterrupted {
				t.Fatalf("exit %d, want %d", got, exitInterrupted)
			}
			if left, _ := os.ReadDir(dir); len(left) != 1 {
				t.Fatalf("interrupted run left %v beside the config", left)
			}
		})
	}
}
