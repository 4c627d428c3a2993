// Package generatortest builds the real datasynth-data program for tests,
// from the engine module this module requires, so that tests of pinning and
// regeneration run the same program a user installs.
package generatortest

import (
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// Build compiles datasynth-data with its program version stamped to
// programVersion into a temporary folder and returns the folder, ready to
// be put in front of PATH. The build is cached by the go command, so only
// the first test to ask pays for the compilation.
func Build(t testing.TB, programVersion string) string {
	t.Helper()
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Fatalf("building datasynth-data for the tests needs the go command on PATH: %v", err)
	}
	// go list resolves the engine the way the build does: through go.work,
	// or through the replace directive when GOWORK=off.
	out, err := exec.Command(goBin, "list", "-m", "-f", "{{.Dir}}", "datasynth.dev/engine").Output()
	if err != nil {
		t.Fatalf("finding the engine module: %v", err)
	}
	engine := strings.TrimSpace(string(out))
	bin := t.TempDir()
	cmd := exec.Command(goBin, "build", "-trimpath",
		"-ldflags", "-X main.version="+programVersion+" -X main.commit=test",
		"-o", filepath.Join(bin, "datasynth-data"), "./cmd/datasynth-data")
	cmd.Dir = engine
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("building datasynth-data in %s: %v\n%s", engine, err, out)
	}
	return bin
}
