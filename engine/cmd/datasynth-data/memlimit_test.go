package main

import (
	"math"
	"runtime/debug"
	"testing"

	"datasynth.dev/engine/config"
	"github.com/spf13/cobra"
)

// TestMemoryLimit checks which soft memory limit generate sets: the flag,
// else the config, else defaultMemoryLimitMB, unless GOMEMLIMIT is in the
// environment.
func TestMemoryLimit(t *testing.T) {
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(-1))
	cases := []struct {
		name     string
		args     []string
		configMB int64
		env      string // GOMEMLIMIT, "" for unset
		want     int64
	}{
		{"default", nil, 0, "", defaultMemoryLimitMB << 20},
		{"config", nil, 300, "", 300 << 20},
		{"flag over config", []string{"--memory-limit", "400"}, 300, "", 400 << 20},
		{"flag 0 is the default", []string{"--memory-limit", "0"}, 0, "", defaultMemoryLimitMB << 20},
		{"environment replaces the default", nil, 0, "off", math.MaxInt64},
		{"config over environment", nil, 300, "off", 300 << 20},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if c.env != "" {
				t.Setenv("GOMEMLIMIT", c.env)
			}
			debug.SetMemoryLimit(math.MaxInt64)
			var d dataSynthFlags
			cmd := &cobra.Command{}
			addDataSynthFlags(cmd.Flags(), &d)
			if err := cmd.Flags().Parse(c.args); err != nil {
				t.Fatal(err)
			}
			cfg := &config.Config{Global: config.Global{MemoryLimitMB: c.configMB}}
			if _, err := applyDataSynthFlags(cmd, &d, cfg); err != nil {
				t.Fatal(err)
			}
			if got := debug.SetMemoryLimit(-1); got != c.want {
				t.Errorf("memory limit %d MB, want %d MB", got>>20, c.want>>20)
			}
		})
	}
}
