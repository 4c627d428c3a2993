// Package generatortest builds the real datasynth-data and datasynth-server
// programs for tests, from the engine module this module requires and the
// server module beside it, so that tests of pinning, regeneration, health
// and recovery run the same programs a user installs.
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
	bin := t.TempDir()
	build(t, engineDir(t), "datasynth-data", programVersion, bin)
	return bin
}

// BuildServer compiles datasynth-server like Build compiles datasynth-data.
// The server module is not a dependency of this one: it is found beside the
// engine module, where the repository keeps it, and built on its own
// go.mod.
func BuildServer(t testing.TB, programVersion string) string {
	t.Helper()
	bin := t.TempDir()
	build(t, filepath.Join(engineDir(t), "..", "server"), "datasynth-server", programVersion, bin)
	return bin
}

// engineDir resolves the engine the way the build does: through go.work,
// or through the replace directive when GOWORK=off.
func engineDir(t testing.TB) string {
	t.Helper()
	out, err := exec.Command(goBin(t), "list", "-m", "-f", "{{.Dir}}", "datasynth.dev/engine").Output()
	if err != nil {
		t.Fatalf("finding the engine module: %v", err)
	}
	return strings.TrimSpace(string(out))
}

func goBin(t testing.TB) string {
	t.Helper()
	g, err := exec.LookPath("go")
	if err != nil {
		t.Fatalf("building the programs for the tests needs the go command on PATH: %v", err)
	}
	return g
}

func build(t testing.TB, moduleDir, program, programVersion, bin string) {
	t.Helper()
	cmd := exec.Command(goBin(t), "build", "-trimpath",
		"-ldflags", "-X main.version="+programVersion+" -X main.commit=test",
		"-o", filepath.Join(bin, program), "./cmd/"+program)
	cmd.Dir = moduleDir
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("building %s in %s: %v\n%s", program, moduleDir, err, out)
	}
}
