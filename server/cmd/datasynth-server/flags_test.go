package main

import (
	"io"
	"slices"
	"strings"
	"testing"

	"github.com/spf13/pflag"
)

// resolveArgs parses args and env as the command does, without running a
// server.
func resolveArgs(args []string, env map[string]string) (*flagValues, error) {
	var v flagValues
	f := pflag.NewFlagSet("datasynth-server", pflag.ContinueOnError)
	f.SetOutput(io.Discard)
	v.register(f)
	if err := f.Parse(args); err != nil {
		return nil, err
	}
	_, err := v.resolve(f, func(k string) (string, bool) { val, ok := env[k]; return val, ok }, io.Discard)
	return &v, err
}

// numericFlags lists every flag that takes a number, a duration or a size.
func numericFlags(t *testing.T) []string {
	var v flagValues
	f := pflag.NewFlagSet("x", pflag.ContinueOnError)
	v.register(f)
	var out []string
	f.VisitAll(func(fl *pflag.Flag) {
		if slices.Contains([]string{"float64", "int", "int64", "duration", "size"}, fl.Value.Type()) {
			out = append(out, fl.Name)
		}
	})
	if len(out) < 15 {
		t.Fatalf("only %d numeric flags found: %v", len(out), out)
	}
	return out
}

// Every numeric flag and its variable refuse NaN and the infinities, with
// a message that names the flag or the variable.
func TestNonFiniteRefused(t *testing.T) {
	for _, name := range numericFlags(t) {
		for _, bad := range []string{"NaN", "nan", "Inf", "+Inf", "-Inf", "infinity"} {
			if _, err := resolveArgs([]string{"--" + name, bad}, nil); err == nil || !strings.Contains(err.Error(), "--"+name) {
				t.Errorf("--%s %s: %v", name, bad, err)
			}
			if _, err := resolveArgs(nil, map[string]string{envName(name): bad}); err == nil || !strings.Contains(err.Error(), envName(name)) {
				t.Errorf("%s=%s: %v", envName(name), bad, err)
			}
		}
	}
}

func TestFlagsAndEnvironment(t *testing.T) {
	v, err := resolveArgs([]string{"--rate-limit", "50", "-c", "x.yaml"}, map[string]string{
		"DATASYNTH_RATE_LIMIT": "7", "DATASYNTH_MAX_BODY": "2MiB", "DATASYNTH_DRAIN_TIMEOUT": "5s",
		"DATASYNTH_MAX_STREAMS": "9", "DATASYNTH_LOG_LEVEL": "", "DATASYNTH_VERSION": "1",
	})
	if err != nil {
		t.Fatal(err)
	}
	if v.rateLimit != 50 || v.config != "x.yaml" || v.maxBody != 2<<20 || v.drainTimeout.String() != "5s" || v.maxStreams != 9 || v.logLevel != "info" {
		t.Fatalf("%+v", v)
	}
	for _, tt := range []struct {
		args []string
		env  map[string]string
		want string
	}{
		{[]string{"--rate-limit", "fast"}, nil, `invalid argument "fast" for "--rate-limit"`},
		{nil, map[string]string{"DATASYNTH_RATE_LIMIT": "fast"}, `DATASYNTH_RATE_LIMIT="fast": invalid argument "fast" for "--rate-limit"`},
		{nil, map[string]string{"DATASYNTH_MAX_BODY": "huge"}, `DATASYNTH_MAX_BODY="huge": invalid argument "huge" for "--max-body" flag: "huge" is not a size`},
		{[]string{"--rate-limit", "-1"}, nil, "--rate-limit -1: is negative"},
		{[]string{"--max-body", "0"}, nil, "--max-body 0B: must be above 0"},
		{[]string{"--drain-timeout", "0s"}, nil, "--drain-timeout 0s: must be above 0"},
		{nil, map[string]string{"DATASYNTH_MAX_STREAMS": "0"}, "DATASYNTH_MAX_STREAMS 0: is below 1"},
		{[]string{"--job-ttl", "0s"}, nil, "--job-ttl 0s: must be above 0"},
		{nil, map[string]string{"DATASYNTH_MAX_JOBS": "0"}, "DATASYNTH_MAX_JOBS 0: is below 1"},
		{[]string{"--log-level", "INFO"}, nil, `--log-level "INFO": use debug, info, warn or error`},
		{[]string{"--log-format", "xml"}, nil, `--log-format "xml": use json or text`},
	} {
		if _, err := resolveArgs(tt.args, tt.env); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%v %v: %v, want %q", tt.args, tt.env, err, tt.want)
		}
	}
}

func TestByteSize(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want uint64
		ok   bool
	}{
		{"1048576", 1 << 20, true},
		{"1MiB", 1 << 20, true},
		{" 512 KiB ", 512 << 10, true},
		{"2GB", 2_000_000_000, true},
		{"1.5MiB", 3 << 19, true},
		{"-1", 0, false},
		{"huge", 0, false},
		{"99999999999TiB", 0, false},
	} {
		var b byteSize
		err := b.Set(tt.in)
		if (err == nil) != tt.ok || uint64(b) != tt.want {
			t.Errorf("Set(%q) = %d, %v; want %d, ok %v", tt.in, b, err, tt.want, tt.ok)
		}
	}
}
