package generator

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestParseInfo(t *testing.T) {
	for _, tc := range []struct {
		out  string
		want Installed
	}{
		{`{"program_version":"0.6.0","generator_version":"1.0.0","commit":"1a2b3c4d5e6f","industries":["retail"]}`, Installed{Program: "0.6.0", Generator: "1.0.0", Commit: "1a2b3c4d5e6f"}},
		{`{"program_version":"dev","generator_version":"1.1.0-rc.1"}`, Installed{Program: "dev", Generator: "1.1.0-rc.1"}},
	} {
		got, err := ParseInfo([]byte(tc.out))
		if err != nil || *got != tc.want {
			t.Errorf("ParseInfo(%q) = %+v, %v; want %+v", tc.out, got, err, tc.want)
		}
	}
	for _, out := range []string{"", "datasynth-data 0.6.0\n", "[1,2]", `{"program_version":"0.6.0"}`, `{"generator_version":"1.0.0"}`} {
		if _, err := ParseInfo([]byte(out)); err == nil || !strings.Contains(err.Error(), "is this datasynth-data?") {
			t.Errorf("ParseInfo(%q) error = %v", out, err)
		}
	}
}

// script writes an executable shell script standing in for a program.
func script(t *testing.T, dir, name, body string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte("#!/bin/sh\n"+body+"\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestProbe(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	script(t, dir, "datasynth-data", `[ "$*" = "info --json" ] && echo '{"program_version":"0.6.0","generator_version":"1.0.0","commit":"abc"}'`)
	script(t, dir, "not-datasynth", `echo "hello"`)
	script(t, dir, "failing", `echo "broken install" >&2; exit 3`)
	t.Setenv("PATH", dir)

	got, err := Probe(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	want := Installed{Path: filepath.Join(dir, "datasynth-data"), Program: "0.6.0", Generator: "1.0.0", Commit: "abc"}
	if *got != want {
		t.Fatalf("Probe = %+v, want %+v", got, want)
	}
	if s := got.String(); s != "datasynth-data 0.6.0 (generator 1.0.0) at "+want.Path {
		t.Errorf("String = %q", s)
	}

	for _, tc := range []struct {
		binary, want string
	}{
		{"absent", "datasynth-data not found: absent is not on PATH; install it, or give its path with --generator"},
		{filepath.Join(dir, "nope"), "datasynth-data not found at " + filepath.Join(dir, "nope")},
		{"not-datasynth", `info --json: printed "hello", not a JSON object`},
		{"failing", "info --json failed: exit status 3 broken install; is this datasynth-data?"},
	} {
		_, err := Probe(ctx, tc.binary)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Probe(%s) error = %v\nwant it to contain %q", tc.binary, err, tc.want)
		}
	}
	if _, err := Probe(ctx, "absent"); !errors.Is(err, ErrNotFound) {
		t.Errorf("Probe(absent) is not ErrNotFound: %v", err)
	}
}

func TestGenerate(t *testing.T) {
	dir := t.TempDir()
	ok := &Installed{Path: script(t, dir, "gen", `echo "args: $*"; echo "progress" >&2`)}
	var stdout, stderr bytes.Buffer
	if err := ok.Generate(context.Background(), "c.yaml", "out", &stdout, &stderr); err != nil {
		t.Fatal(err)
	}
	if stdout.String() != "args: generate --config c.yaml --output out\n" || stderr.String() != "progress\n" {
		t.Fatalf("stdout %q, stderr %q", stdout.String(), stderr.String())
	}
	bad := &Installed{Path: script(t, dir, "bad", `echo "c.yaml:3:1: bad key" >&2; exit 2`)}
	stderr.Reset()
	err := bad.Generate(context.Background(), "c.yaml", "out", &stdout, &stderr)
	if err == nil || !strings.Contains(err.Error(), "generate --config c.yaml --output out failed (exit status 2); its messages are above") || stderr.String() != "c.yaml:3:1: bad key\n" {
		t.Fatalf("err = %v, stderr %q", err, stderr.String())
	}
}
