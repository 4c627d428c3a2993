package verify

import (
	"context"

	"datasynth.dev/verify/generator"
	"datasynth.dev/verify/lock"
)

// Request selects one check, as a `dsops verify` command line does.
type Request struct {
	// Original and Recovered are the two sides of a comparison, each a
	// folder or a checksum list.
	Original, Recovered string
	// ManifestDir, when set, checks that folder against its own
	// run_manifest.json instead.
	ManifestDir string
	// LockFile, when set, checks Dir and the installed datasynth-data
	// against that lock instead.
	LockFile, Dir string
	// Generator is the datasynth-data to probe for a lock check: a name
	// looked up on PATH or a path; empty means datasynth-data on PATH.
	Generator string
}

// Run performs the check req selects. Like every check, it returns a
// Report when the check ran, whatever it found, and an error when it could
// not run.
func Run(ctx context.Context, req Request, opts Options) (*Report, error) {
	switch {
	case req.ManifestDir != "":
		return CheckManifest(ctx, req.ManifestDir, opts)
	case req.LockFile != "":
		l, err := lock.Read(req.LockFile)
		if err != nil {
			return nil, err
		}
		inst, probeErr := generator.Probe(ctx, req.Generator)
		return CheckLock(ctx, LockCheck{Lock: l, LockFile: req.LockFile, Dir: req.Dir, Installed: inst, InstalledErr: probeErr}, opts)
	}
	left, err := Open(req.Original, "ORIGINAL", opts)
	if err != nil {
		return nil, err
	}
	defer left.Close()
	right, err := Open(req.Recovered, "RECOVERED", opts)
	if err != nil {
		return nil, err
	}
	defer right.Close()
	return Compare(ctx, left, right, opts)
}
