package main

import (
	"errors"
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"

	"datasynth.dev/engine/generate"
	"datasynth.dev/ops/internal/generatortest"
	"github.com/rogpeppe/go-internal/testscript"
)

func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"dsops":     func() { os.Exit(run(os.Args[1:], os.Stdout, os.Stderr)) },
		"systemctl": standIn("systemctl"),
		"kubectl":   standIn("kubectl"),
	})
}

var update = flag.Bool("update", false, "rewrite the files that cmp compares stdout with in testdata/script")

// generatorVersion is the program version stamped into the datasynth-data
// the scripts run; the generator version is whatever the engine declares.
const generatorVersion = "0.6.0"

// serverBin is the datasynth-server the scripts' server command starts.
var serverBin string

// TestScripts runs testdata/script/*.txtar. The scripts find a real
// datasynth-data and datasynth-server, built from the engine and server
// modules, on PATH, and their program and generator versions in
// $PROGRAM_VERSION and $GENERATOR_VERSION.
func TestScripts(t *testing.T) {
	bin := generatortest.Build(t, generatorVersion)
	serverDir := generatortest.BuildServer(t, generatorVersion)
	serverBin = filepath.Join(serverDir, "datasynth-server")
	testscript.Run(t, testscript.Params{
		Dir:                 filepath.Join("testdata", "script"),
		RequireExplicitExec: true,
		RequireUniqueNames:  true,
		UpdateScripts:       *update,
		Setup: func(env *testscript.Env) error {
			env.Setenv("PATH", bin+string(os.PathListSeparator)+serverDir+string(os.PathListSeparator)+env.Getenv("PATH"))
			// No script may make the AWS SDK reach beyond loopback.
			env.Setenv("AWS_EC2_METADATA_DISABLED", "true")
			env.Setenv("PROGRAM_VERSION", generatorVersion)
			env.Setenv("GENERATOR_VERSION", generate.GeneratorVersion)
			return nil
		},
		Condition: func(cond string) (bool, error) {
			switch cond {
			case "root":
				return os.Geteuid() == 0, nil
			}
			return false, errors.New("unknown condition " + cond)
		},
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"exitcode": cmdExitcode,
			"s3server": cmdS3Server,
			"server":   cmdServer,
		},
	})
}

// cmdExitcode runs a program like exec and checks its exact exit status:
//
//	exitcode 1 dsops verify a b
//
// exec only tells success from failure, and dsops gives failures two
// meanings (1 differences, 2 could not run).
func cmdExitcode(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 2 {
		ts.Fatalf("usage: exitcode CODE program [args...]")
	}
	want, err := strconv.Atoi(args[0])
	if err != nil {
		ts.Fatalf("exitcode: %q is not a number", args[0])
	}
	got := 0
	if err := ts.Exec(args[1], args[2:]...); err != nil {
		var ee *exec.ExitError
		if !errors.As(err, &ee) {
			ts.Fatalf("exitcode: %v", err)
		}
		got = ee.ExitCode()
	}
	if got != want {
		ts.Fatalf("%s exited with status %d, want %d", args[1], got, want)
	}
}
