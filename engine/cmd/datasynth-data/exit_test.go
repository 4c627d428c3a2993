package main

import (
	"io"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"datasynth.dev/engine/genversion"
	"github.com/spf13/pflag"
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
		{[]string{"info", "--bogus"}, exitInvalid},
		{[]string{"--version"}, exitOK},
		{[]string{"-V"}, exitOK},
		{[]string{"--log-level", "loud", "info"}, exitInvalid},
		{[]string{"init", "-i", "retial", "-o", filepath.Join(dir, "x.yaml")}, exitInvalid},
		{[]string{"init", "-o", bad}, exitInvalid}, // exists
		{[]string{"generate", "--demo", "--bogus"}, exitInvalid},
		{[]string{"validate", "--config", bad}, exitFailure},
		{[]string{"validate"}, exitInvalid},
		{[]string{"validate", "--config", filepath.Join(dir, "missing.yaml")}, exitInvalid},
		{[]string{"generate", "--demo", "--threads", "abc"}, exitInvalid},
		{[]string{"generate", "--demo", "--bogus"}, exitInvalid},
		{[]string{"bogus"}, exitInvalid},
		{[]string{"generate", "--demo", "--output", filepath.Join(file, "sub")}, exitInvalid}, // under a file: bad input
		{[]string{"generate", "--demo", "--output", file}, exitInvalid},
		{[]string{"generate", "--demo", "--output", dir}, exitInvalid}, // not empty
		{[]string{"generate", "--demo", "--output", filepath.Join(dir, "ok"), "-q"}, exitOK},
		{[]string{"verify", "-o", filepath.Join(dir, "ok"), "--checksums", "--record-counts"}, exitOK},
		{[]string{"verify", "-o", dir}, exitInvalid}, // no manifest
		{[]string{"verify", "-o", filepath.Join(dir, "ok"), "--check"}, exitInvalid},
		{[]string{"fingerprint", "extract"}, exitInvalid},
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

// TestNumericFlagsRejectNonFinite walks every flag of every command: each
// numeric one (integers, floats, decimals) must refuse NaN and infinities
// with exit 2 and a message naming the flag, so that no such value ever
// reaches generation as a silent default.
func TestNumericFlagsRejectNonFinite(t *testing.T) {
	numeric := map[string]bool{"int": true, "int8": true, "int16": true, "int32": true, "int64": true,
		"uint": true, "uint8": true, "uint16": true, "uint32": true, "uint64": true,
		"float32": true, "float64": true, "decimal": true, "count": true}
	root := newRootCmd(io.Discard, io.Discard)
	checked := 0
	for _, cmd := range append(root.Commands(), root) {
		cmd.Flags().VisitAll(func(f *pflag.Flag) {
			typ := f.Value.Type()
			if !numeric[typ] {
				if strings.Contains(typ, "int") || strings.Contains(typ, "float") {
					t.Errorf("%s --%s: numeric type %q missing from this test's list", cmd.Name(), f.Name, typ)
				}
				return
			}
			for _, v := range []string{"NaN", "nan", "Inf", "+Inf", "-Inf", "infinity", "1e400"} {
				args := []string{"--" + f.Name + "=" + v}
				if cmd != root {
					args = append([]string{cmd.Name()}, args...)
				}
				var stderr strings.Builder
				if got := run(args, io.Discard, &stderr); got != exitInvalid || !strings.Contains(stderr.String(), f.Name) {
					t.Errorf("datasynth-data %v: exit %d, want %d with a message naming --%s; stderr: %s", args, got, exitInvalid, f.Name, stderr.String())
				}
			}
			checked++
		})
	}
	if checked < 3 {
		t.Fatalf("only %d numeric flags found; the walk is broken", checked)
	}
}

// TestHelpTexts checks that every command's help has an example and lists
// its own exit codes, and only those that apply to it.
func TestHelpTexts(t *testing.T) {
	root := newRootCmd(io.Discard, io.Discard)
	for _, cmd := range append(root.Commands(), root) {
		if cmd.Hidden || cmd.Name() == "help" || cmd.Name() == "completion" {
			continue
		}
		var out strings.Builder
		args := []string{"--help"}
		if cmd != root {
			args = []string{cmd.Name(), "--help"}
		}
		if code := run(args, &out, io.Discard); code != exitOK {
			t.Fatalf("%v: exit %d", args, code)
		}
		help := out.String()
		if !strings.Contains(help, "Examples:\n  datasynth-data") || !strings.Contains(help, "Exit codes:\n  0") {
			t.Errorf("%s --help lacks an example or exit codes:\n%s", cmd.Name(), help)
		}
		// Only the commands that stop on SIGINT and SIGTERM exit 130.
		interruptible := cmd.Name() == "generate" || cmd.Name() == "verify"
		if !interruptible && cmd != root && strings.Contains(help, "130") || cmd.Name() != "generate" && cmd != root && strings.Contains(help, "--overwrite") {
			t.Errorf("%s --help lists generate's exit codes:\n%s", cmd.Name(), help)
		}
		if interruptible && !strings.Contains(help, "\n  130") {
			t.Errorf("%s --help lacks exit code 130", cmd.Name())
		}
		if !strings.Contains(help, "-v, --verbose") || !strings.Contains(help, "--log-level level") {
			t.Errorf("%s --help lacks the shared -v/--verbose and --log-level flags", cmd.Name())
		}
	}
}

// TestVersionAndVerbose: -V prints the version line that tools parse; -v
// means verbose, as in DataSynth.
func TestVersionAndVerbose(t *testing.T) {
	var out, errOut strings.Builder
	if code := run([]string{"-V"}, &out, io.Discard); code != exitOK || out.String() != "datasynth-data dev (generator "+genversion.Version+", commit unknown)\n" {
		t.Fatalf("-V: exit %d, %q", code, out.String())
	}
	out.Reset()
	dir := t.TempDir()
	if code := run([]string{"generate", "--demo", "-v", "-q", "-o", filepath.Join(dir, "out")}, &out, &errOut); code != exitOK {
		t.Fatalf("generate -v: exit %d: %s", code, errOut.String())
	}
	if !strings.Contains(errOut.String(), "level=INFO msg=generating") || strings.Contains(out.String(), "datasynth-data dev") {
		t.Fatalf("generate -v did not log verbosely: stdout %q, stderr %q", out.String(), errOut.String())
	}
}
