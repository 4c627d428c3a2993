package verify

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"

	"datasynth.dev/verify/generator"
	"datasynth.dev/verify/lock"
	"datasynth.dev/verify/manifest"
)

// LockCheck is the input of CheckLock.
type LockCheck struct {
	// Lock is the parsed lock, read from LockFile.
	Lock     *lock.Lock
	LockFile string
	// Dir is the dataset folder.
	Dir string
	// Installed is the installed datasynth-data, or nil with InstalledErr
	// saying why it could not be probed.
	Installed    *generator.Installed
	InstalledErr error
}

// CheckLock checks a dataset folder and the installed datasynth-data
// against a lock: the installed generator version, the generator version,
// config hash and seed in the folder's run_manifest.json, and every file the
// lock records (present, same size and SHA-256, nothing unrecorded). Each
// version, config or seed that disagrees is a mismatch, and counts as a
// difference like a file does.
func CheckLock(ctx context.Context, c LockCheck, opts Options) (*Report, error) {
	folder, err := OpenFolder(c.Dir, "DIR")
	if err != nil {
		return nil, err
	}
	defer folder.Close()
	l := c.Lock
	lockRole := filepath.Base(c.LockFile)
	expected := filesSource(lockRole, c.LockFile, "lock file", l.OutputFiles)
	data := withoutManifest(folder, "folder")
	r := newReport("lock", expected, data)

	switch inst := c.Installed; {
	case inst == nil:
		r.Mismatches = append(r.Mismatches, fmt.Sprintf("the installed datasynth-data cannot be checked: %v; %s pins datasynth-data %s (generator %s), %s",
			c.InstalledErr, lockRole, l.ProgramVersion, l.GeneratorVersion, l.FetchCommand()))
	case inst.Generator != l.GeneratorVersion:
		r.Mismatches = append(r.Mismatches, fmt.Sprintf("%s pins generator %s (datasynth-data %s), but the installed program is %s; %s",
			lockRole, l.GeneratorVersion, l.ProgramVersion, inst, l.FetchCommand()))
	case inst.Program != l.ProgramVersion:
		r.Notes = append(r.Notes, fmt.Sprintf("the installed datasynth-data is %s and %s names %s; both carry generator %s, which alone decides the bytes",
			inst.Program, lockRole, l.ProgramVersion, l.GeneratorVersion))
	}

	switch m, err := folder.Manifest, folder.ManifestErr; {
	case errors.Is(err, fs.ErrNotExist):
		r.Mismatches = append(r.Mismatches, fmt.Sprintf("%s has no %s, so what produced it cannot be checked; regenerate it with dsops regenerate", QuoteName(c.Dir), manifest.FileName))
	case err != nil:
		r.Mismatches = append(r.Mismatches, fmt.Sprintf("%s cannot be used: %v", manifest.FileName, err))
	default:
		r.Mismatches = append(r.Mismatches, lockMismatches(m, l, lockRole, c.Dir)...)
	}
	if err := compareEntries(ctx, r, expected, data, opts); err != nil {
		return nil, err
	}
	return r, nil
}

// lockMismatches compares what a run manifest records with a lock.
func lockMismatches(m *manifest.Manifest, l *lock.Lock, lockRole, dir string) []string {
	var out []string
	if m.GeneratorVersion != l.GeneratorVersion {
		out = append(out, fmt.Sprintf("%s was produced by generator %s, %s pins %s: see docs/pinning.md",
			QuoteName(dir), m.GeneratorVersion, lockRole, l.GeneratorVersion))
	}
	if m.ConfigHash != l.ConfigHash {
		out = append(out, fmt.Sprintf("%s was generated from a different config (config hash %s) than %s records for %s (%s)",
			QuoteName(dir), m.ConfigHash[:12], lockRole, QuoteName(l.Config), l.ConfigHash[:12]))
	}
	if m.Seed != l.Seed {
		out = append(out, fmt.Sprintf("%s used seed %d, %s pins seed %d", QuoteName(dir), m.Seed, lockRole, l.Seed))
	}
	return out
}
