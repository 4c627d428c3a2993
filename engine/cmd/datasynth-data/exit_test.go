package main

import (
	"io"
	"os"
	"path/filepath"
	"testing"
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
		{[]string{"generate", "--demo", "--output", filepath.Join(dir, "ok"), "-q"}, exitOK},
	} {
		if got := run(c.args, io.Discard, io.Discard); got != c.want {
			t.Errorf("datasynth-data %v exited %d, want %d", c.args, got, c.want)
		}
	}
}
