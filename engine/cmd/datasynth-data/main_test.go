package main

import (
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"datasynth.dev/engine/genversion"
	"github.com/rogpeppe/go-internal/testscript"
)

func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"datasynth-data": func() { os.Exit(run(os.Args[1:], os.Stdout, os.Stderr)) },
	})
}

func TestScripts(t *testing.T) {
	testscript.Run(t, testscript.Params{
		Dir: "testdata/script",
		Setup: func(env *testscript.Env) error {
			env.Setenv("GENVERSION", genversion.Version)
			return nil
		},
		RequireExplicitExec: true,
		RequireUniqueNames:  true,
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"waitsize": cmdWaitSize,
			"globs":    cmdGlobs,
		},
	})
}

// cmdWaitSize waits (up to 60 s) until a file matching a glob reaches a size:
//
//	waitsize GLOB BYTES
func cmdWaitSize(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 {
		ts.Fatalf("usage: waitsize GLOB BYTES")
	}
	want, err := strconv.ParseInt(args[1], 10, 64)
	ts.Check(err)
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		matches, _ := filepath.Glob(ts.MkAbs(args[0]))
		for _, m := range matches {
			if fi, err := os.Stat(m); err == nil && fi.Size() >= want {
				return
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	ts.Fatalf("no file matching %s reached %d bytes within 60s", args[0], want)
}

// cmdGlobs checks how many paths match a glob:
//
//	globs GLOB N
func cmdGlobs(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 2 {
		ts.Fatalf("usage: globs GLOB N")
	}
	matches, err := filepath.Glob(ts.MkAbs(args[0]))
	ts.Check(err)
	n, err := strconv.Atoi(args[1])
	ts.Check(err)
	if (len(matches) == n) == neg {
		ts.Fatalf("%d paths match %s: %v", len(matches), args[0], matches)
	}
}
