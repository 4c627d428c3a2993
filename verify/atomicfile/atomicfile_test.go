package atomicfile

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"
)

func TestCommitPublishesWithExactMode(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "secret.env")
	f, err := Create(path, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.WriteString("TOKEN=x\n"); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Fatalf("final name visible before Commit: %v", err)
	}
	if err := f.Commit(); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("mode = %v, want 0600", fi.Mode().Perm())
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("folder holds %d entries, want only the committed file", len(entries))
	}
}

func TestAbortLeavesNothing(t *testing.T) {
	dir := t.TempDir()
	f, err := Create(filepath.Join(dir, "a.tar.gz"), 0o644)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString("partial")
	f.Abort()
	f.Abort()
	entries, _ := os.ReadDir(dir)
	if len(entries) != 0 {
		t.Errorf("abort left %d entries", len(entries))
	}
	if err := f.Commit(); err == nil {
		t.Error("Commit after Abort succeeded")
	}
}

func TestWriteFileReplaces(t *testing.T) {
	path := filepath.Join(t.TempDir(), "m.prom")
	if err := WriteFile(path, []byte("a"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := WriteFile(path, []byte("b"), 0o644); err != nil {
		t.Fatal(err)
	}
	got, _ := os.ReadFile(path)
	if string(got) != "b" {
		t.Errorf("content = %q, want b", got)
	}
}

func TestModeIgnoresUmask(t *testing.T) {
	old := syscall.Umask(0o077)
	defer syscall.Umask(old)
	path := filepath.Join(t.TempDir(), "output.tar.gz")
	if err := WriteFile(path, []byte("x"), 0o640); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o640 {
		t.Errorf("mode = %v under umask 077, want 0640", fi.Mode().Perm())
	}
}

func TestIsTempRecognisesLeftovers(t *testing.T) {
	dir := t.TempDir()
	final := "server.env.2026-11-25"
	f, err := Create(filepath.Join(dir, final), 0o600)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Abort()
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 || !IsTemp(entries[0].Name(), final) {
		t.Fatalf("temporary file %v not recognised as a temporary of %s", entries, final)
	}
	for _, name := range []string{final, "." + final, "." + final + ".bak", "x" + final + "1", ".server.env.2026-11-2"} {
		if IsTemp(name, final) {
			t.Errorf("IsTemp(%q, %q) = true", name, final)
		}
	}
}

// TestMain doubles as the helper process of TestRemoveStale: with
// ATOMICFILE_HOLD set it claims a temporary folder there, prints its path
// and waits to be killed.
func TestMain(m *testing.M) {
	if parent := os.Getenv("ATOMICFILE_HOLD"); parent != "" {
		d, err := MkdirTemp(parent, ".work-")
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(3)
		}
		fmt.Println(d.Path)
		// Sleep until killed. (select {} would let the runtime end the
		// process as deadlocked, and an unreachable d would let the
		// collector close its file and so drop the claim early.)
		time.Sleep(time.Hour)
		runtime.KeepAlive(d)
	}
	os.Exit(m.Run())
}

// A folder claimed by a process that was killed with SIGKILL is stale and
// removed; one claimed by a running process (here, this one) is kept, and
// so is a folder that does not match the pattern.
func TestRemoveStale(t *testing.T) {
	parent := t.TempDir()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "ATOMICFILE_HOLD="+parent)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		t.Fatal(err)
	}
	killed := strings.TrimSpace(line)

	// While the helper runs, its folder is claimed.
	if removed, err := RemoveStale(parent, ".work-"); err != nil || len(removed) != 0 {
		t.Fatalf("RemoveStale removed %v (%v) while its owner runs", removed, err)
	}
	cmd.Process.Kill()
	cmd.Wait()

	live, err := MkdirTemp(parent, ".work-")
	if err != nil {
		t.Fatal(err)
	}
	defer live.Remove()
	other := filepath.Join(parent, ".other-1")
	notDigits := filepath.Join(parent, ".work-keep")
	for _, p := range []string{other, notDigits} {
		if err := os.Mkdir(p, 0o700); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(killed, "half.csv"), []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	removed, err := RemoveStale(parent, ".work-")
	if err != nil || len(removed) != 1 || removed[0] != killed {
		t.Fatalf("RemoveStale = %v, %v; want only %s", removed, err, killed)
	}
	for _, p := range []string{live.Path, other, notDigits} {
		if _, err := os.Stat(p); err != nil {
			t.Errorf("%s was removed: %v", p, err)
		}
	}
}
