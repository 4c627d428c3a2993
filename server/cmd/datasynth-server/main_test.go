package main

import (
	"bytes"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/rogpeppe/go-internal/testscript"
	"github.com/spf13/pflag"
)

func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"datasynth-server": func() { os.Exit(run(os.Args[1:], os.Stdout, os.Stderr)) },
	})
}

func TestScripts(t *testing.T) {
	testscript.Run(t, testscript.Params{
		Dir:                 "testdata/script",
		RequireExplicitExec: true,
		RequireUniqueNames:  true,
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"serve":    cmdServe,
			"sendsig":  cmdSendSig,
			"waitexit": cmdWaitExit,
			"waitlog":  cmdWaitLog,
			"http":     cmdHTTP,
		},
	})
}

// servers are the processes started by the serve command, by script and
// name.
var servers sync.Map // map[*testscript.TestScript]map[string]*proc

type proc struct {
	cmd  *exec.Cmd
	log  string
	done chan struct{}
	err  error
}

func procs(ts *testscript.TestScript) map[string]*proc {
	m, _ := servers.LoadOrStore(ts, map[string]*proc{})
	return m.(map[string]*proc)
}

func getProc(ts *testscript.TestScript, name string) *proc {
	p := procs(ts)[name]
	if p == nil {
		ts.Fatalf("no server %q started", name)
	}
	return p
}

// envNames lists DATASYNTH_* for every flag, so the serve command passes
// the script's environment on.
func envNames() []string {
	var out []string
	newRootCmd(io.Discard, io.Discard, os.LookupEnv).Flags().VisitAll(func(f *pflag.Flag) {
		out = append(out, envName(f.Name))
	})
	return out
}

func freePort() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}

// startProc runs datasynth-server (the test binary, through the PATH set
// up by testscript.Main) with args and env, logging to logFile.
func startProc(args, env []string, logFile string) (*proc, string, error) {
	return startProcIn("", args, env, logFile)
}

// startProcIn is startProc with the working folder dir.
func startProcIn(dir string, args, env []string, logFile string) (*proc, string, error) {
	addr, err := freePort()
	if err != nil {
		return nil, "", err
	}
	bin, err := exec.LookPath("datasynth-server")
	if err != nil {
		return nil, "", err
	}
	f, err := os.Create(logFile)
	if err != nil {
		return nil, "", err
	}
	cmd := exec.Command(bin, append([]string{"--listen", addr}, args...)...)
	cmd.Env = env
	cmd.Dir = dir
	cmd.Stdout, cmd.Stderr = f, f
	if err := cmd.Start(); err != nil {
		f.Close()
		return nil, "", err
	}
	p := &proc{cmd: cmd, log: logFile, done: make(chan struct{})}
	go func() {
		p.err = cmd.Wait()
		f.Close()
		close(p.done)
	}()
	return p, "http://" + addr, nil
}

// waitLive polls url/path until it answers 200, the process ends or the
// timeout passes.
func waitLive(p *proc, url string, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		select {
		case <-p.done:
			return fmt.Errorf("the server exited: %v", p.err)
		default:
		}
		if resp, err := http.Get(url); err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return nil
			}
		}
		time.Sleep(2 * time.Millisecond)
	}
	return fmt.Errorf("%s did not answer 200 within %v", url, timeout)
}

// serve [-nowait] NAME [args...]: start a server; NAME_URL holds its base
// URL and $WORK/NAME.log its output. Without -nowait, wait until /live
// answers.
func cmdServe(ts *testscript.TestScript, neg bool, args []string) {
	if neg {
		ts.Fatalf("unsupported: ! serve")
	}
	wait := true
	if len(args) > 0 && args[0] == "-nowait" {
		wait, args = false, args[1:]
	}
	if len(args) < 1 {
		ts.Fatalf("usage: serve [-nowait] NAME [args...]")
	}
	name := args[0]
	env := []string{"PATH=" + os.Getenv("PATH"), "HOME=" + ts.Getenv("WORK"), "TMPDIR=" + ts.Getenv("WORK")}
	for _, k := range envNames() {
		if v := ts.Getenv(k); v != "" {
			env = append(env, k+"="+v)
		}
	}
	p, url, err := startProcIn(ts.MkAbs("."), args[1:], env, ts.MkAbs(name+".log"))
	ts.Check(err)
	procs(ts)[name] = p
	ts.Setenv(strings.ToUpper(name)+"_URL", url)
	ts.Defer(func() {
		_ = p.cmd.Process.Kill()
		<-p.done
	})
	if wait {
		ts.Check(waitLive(p, url+"/live", 30*time.Second))
	}
}

// sendsig NAME HUP|TERM|INT
func cmdSendSig(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 {
		ts.Fatalf("usage: sendsig NAME HUP|TERM|INT")
	}
	sig := map[string]syscall.Signal{"HUP": syscall.SIGHUP, "TERM": syscall.SIGTERM, "INT": syscall.SIGINT}[args[1]]
	if sig == 0 {
		ts.Fatalf("unknown signal %s", args[1])
	}
	ts.Check(getProc(ts, args[0]).cmd.Process.Signal(sig))
}

// waitexit NAME [CODE]: wait for the server to exit with CODE (default 0).
func cmdWaitExit(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 1 || len(args) > 2 {
		ts.Fatalf("usage: waitexit NAME [CODE]")
	}
	p := getProc(ts, args[0])
	want := 0
	if len(args) == 2 {
		var err error
		want, err = strconv.Atoi(args[1])
		ts.Check(err)
	}
	select {
	case <-p.done:
	case <-time.After(60 * time.Second):
		ts.Fatalf("server %s still running after 60 s", args[0])
	}
	if got := p.cmd.ProcessState.ExitCode(); got != want {
		log, _ := os.ReadFile(p.log)
		ts.Fatalf("server %s exited with %d, want %d; output:\n%s", args[0], got, want, log)
	}
}

// waitlog NAME REGEXP: wait until the server's output matches.
func cmdWaitLog(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 {
		ts.Fatalf("usage: waitlog NAME REGEXP")
	}
	p := getProc(ts, args[0])
	re := regexp.MustCompile(args[1])
	deadline := time.Now().Add(30 * time.Second)
	for {
		data, _ := os.ReadFile(p.log)
		if re.Match(data) {
			return
		}
		if time.Now().After(deadline) {
			ts.Fatalf("server %s never logged %q; output:\n%s", args[0], args[1], data)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// http [-i] [-H NAME:VALUE]... METHOD URL [BODYFILE]: print the status
// code, with -i the response headers, then the body.
func cmdHTTP(ts *testscript.TestScript, neg bool, args []string) {
	if neg {
		ts.Fatalf("unsupported: ! http (check the status on stdout)")
	}
	headers := http.Header{}
	show := false
	for len(args) > 0 && strings.HasPrefix(args[0], "-") {
		switch args[0] {
		case "-i":
			show, args = true, args[1:]
		case "-H":
			if len(args) < 2 {
				ts.Fatalf("-H needs NAME:VALUE")
			}
			k, v, _ := strings.Cut(args[1], ":")
			headers.Add(k, strings.TrimSpace(v))
			args = args[2:]
		default:
			ts.Fatalf("unknown option %s", args[0])
		}
	}
	if len(args) < 2 || len(args) > 3 {
		ts.Fatalf("usage: http [-i] [-H NAME:VALUE]... METHOD URL [BODYFILE]")
	}
	var body io.Reader
	if len(args) == 3 {
		data, err := os.ReadFile(ts.MkAbs(args[2]))
		ts.Check(err)
		body = bytes.NewReader(data)
	}
	req, err := http.NewRequest(args[0], args[1], body)
	ts.Check(err)
	req.Header = headers
	resp, err := http.DefaultClient.Do(req)
	ts.Check(err)
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	ts.Check(err)
	fmt.Fprintf(ts.Stdout(), "%d\n", resp.StatusCode)
	if show {
		for _, k := range slices.Sorted(func(yield func(string) bool) {
			for k := range resp.Header {
				if !yield(k) {
					return
				}
			}
		}) {
			fmt.Fprintf(ts.Stdout(), "%s: %s\n", k, strings.Join(resp.Header[k], ", "))
		}
	}
	_, _ = ts.Stdout().Write(data)
}

// A server killed with SIGKILL while it stages a tar.gz leaves its staging
// folder in the work folder; the next server to start there removes it,
// and says so.
func TestKilledServerStagingRemoved(t *testing.T) {
	work := t.TempDir()
	args := []string{"--work-dir", work, "--min-free-disk", "1MiB", "--bulk-threads", "1", "--max-bulk-entries", "10000000"}
	env := []string{"PATH=" + os.Getenv("PATH")}
	p, url, err := startProc(args, env, filepath.Join(t.TempDir(), "first.log"))
	if err != nil {
		t.Fatal(err)
	}
	defer func() {
		_ = p.cmd.Process.Kill()
		<-p.done
	}()
	if err := waitLive(p, url+"/ready", 30*time.Second); err != nil {
		t.Fatal(err)
	}
	go func() {
		req, _ := http.NewRequest("POST", url+"/api/generate/bulk", strings.NewReader(`{"entry_count": 200000}`))
		req.Header.Set("Accept", "application/gzip")
		if resp, err := http.DefaultClient.Do(req); err == nil {
			resp.Body.Close()
		}
	}()
	var staged []string
	for deadline := time.Now().Add(30 * time.Second); len(staged) == 0; time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("no staging folder appeared")
		}
		staged, _ = filepath.Glob(filepath.Join(work, ".datasynth-bulk-*", "dataset*"))
	}
	if err := p.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	<-p.done
	left, _ := filepath.Glob(filepath.Join(work, ".datasynth-bulk-*"))
	if len(left) != 1 {
		t.Fatalf("after SIGKILL the work folder holds %v", left)
	}

	log := filepath.Join(t.TempDir(), "second.log")
	p2, url2, err := startProc(args, env, log)
	if err != nil {
		t.Fatal(err)
	}
	defer func() {
		_ = p2.cmd.Process.Kill()
		<-p2.done
	}()
	if err := waitLive(p2, url2+"/ready", 30*time.Second); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(left[0]); !os.IsNotExist(err) {
		t.Fatalf("%s is still there after a restart: %v", left[0], err)
	}
	out, _ := os.ReadFile(log)
	if !bytes.Contains(out, []byte(`"msg":"removed a staging folder left by a stopped server"`)) || !bytes.Contains(out, []byte(left[0])) {
		t.Fatalf("the removal is not logged:\n%s", out)
	}
}

// TestSIGTERMDrainsInFlight sends SIGTERM to a server while a bulk
// response is being read: readiness turns 503, the response completes, the
// process exits 0.
func TestSIGTERMDrainsInFlight(t *testing.T) {
	log := filepath.Join(t.TempDir(), "server.log")
	// The shutdown delay is the time /ready answers 503 before the
	// listener closes: long enough for a loaded machine to see it.
	p, url, err := startProc([]string{"--shutdown-delay", "3s", "--drain-timeout", "20s"}, []string{"PATH=" + os.Getenv("PATH")}, log)
	if err != nil {
		t.Fatal(err)
	}
	defer func() {
		_ = p.cmd.Process.Kill()
		<-p.done
	}()
	if err := waitLive(p, url+"/ready", 30*time.Second); err != nil {
		t.Fatal(err)
	}
	const entries = 20_000
	req, _ := http.NewRequest("POST", url+"/api/generate/bulk", strings.NewReader(`{"entry_count": 20000}`))
	req.Header.Set("Accept", "application/x-ndjson")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	head := make([]byte, 64<<10)
	if _, err := io.ReadFull(resp.Body, head); err != nil {
		t.Fatal(err)
	}
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for {
		r, err := http.Get(url + "/ready")
		if err == nil {
			r.Body.Close()
			if r.StatusCode == http.StatusServiceUnavailable {
				break
			}
		}
		if err != nil || time.Now().After(deadline) {
			t.Fatalf("/ready never answered 503 while draining: %v", err)
		}
		time.Sleep(5 * time.Millisecond)
	}
	rest, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("the in-flight response was cut: %v", err)
	}
	if resp.Header.Get("X-Datasynth-Entries") != strconv.Itoa(entries) {
		t.Fatalf("X-Datasynth-Entries %q", resp.Header.Get("X-Datasynth-Entries"))
	}
	if got := bytes.Count(head, []byte{'\n'}) + bytes.Count(rest, []byte{'\n'}); got != entries {
		t.Fatalf("%d NDJSON lines after the drain, want %d", got, entries)
	}
	select {
	case <-p.done:
	case <-time.After(30 * time.Second):
		t.Fatal("still running 30 s after SIGTERM")
	}
	if code := p.cmd.ProcessState.ExitCode(); code != exitOK {
		t.Fatalf("exit code %d after SIGTERM", code)
	}
	out, _ := os.ReadFile(log)
	if !bytes.Contains(out, []byte(`"msg":"stopped"`)) {
		t.Fatalf("no stop in the log:\n%s", out)
	}
}
