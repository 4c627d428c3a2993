package main

import (
	"runtime/debug"

	"datasynth.dev/engine/genversion"
)

// Set at build time: make build stamps them with
// -ldflags "-X main.version=... -X main.commit=...".
var version, commit = "dev", "unknown"

// versions are the program's own, as it prints them.
type versions struct {
	Program   string `json:"program_version"`
	Generator string `json:"generator_version"`
	Commit    string `json:"commit"`
}

// buildVersions returns the stamped versions. A binary built without the
// stamp (go build, go install) falls back to what the Go toolchain recorded:
// the module version for go install, the VCS revision for a build in a
// checkout.
func buildVersions() versions {
	v := versions{Program: version, Generator: genversion.Version, Commit: commit}
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return v
	}
	if v.Program == "dev" && info.Main.Version != "" && info.Main.Version != "(devel)" {
		v.Program = info.Main.Version
	}
	if v.Commit == "unknown" {
		var rev, dirty string
		for _, s := range info.Settings {
			switch s.Key {
			case "vcs.revision":
				rev = s.Value
			case "vcs.modified":
				if s.Value == "true" {
					dirty = "-dirty"
				}
			}
		}
		if len(rev) > 12 {
			rev = rev[:12]
		}
		if rev != "" {
			v.Commit = rev + dirty
		}
	}
	return v
}

// String is the --version line, which tools parse:
// "v1.2.0 (generator 1.0.0, commit 1a2b3c4d5e6f)".
func (v versions) String() string {
	return v.Program + " (generator " + v.Generator + ", commit " + v.Commit + ")"
}
