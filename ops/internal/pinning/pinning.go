// Package pinning writes version locks for generation configs and
// regenerates pinned datasets.
//
// A lock (package datasynth.dev/verify/lock) ties a config to the
// datasynth-data release that generated it and to the checksums of what it
// generated. Pin writes one; Regenerate runs the installed datasynth-data
// again only when its generator version is the pinned one, and checks the
// result against the lock byte for byte.
//
// Generation is always done by the installed datasynth-data program, never
// by the engine linked into dsops: the lock pins a release of that program,
// and the program a user runs by hand is the one whose bytes must match. The
// linked engine is used only to read configs, so that a config without a
// seed or with the wrong seed is refused before anything is generated.
package pinning

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"

	"datasynth.dev/engine/config"
	"datasynth.dev/engine/genversion"
	"datasynth.dev/verify"
	"datasynth.dev/verify/generator"
	"datasynth.dev/verify/lock"
	"datasynth.dev/verify/manifest"
)

// PinOptions describe a lock to write.
type PinOptions struct {
	// ConfigFile is the generation config to pin.
	ConfigFile string
	// Dataset, when set, is an existing dataset generated from ConfigFile
	// whose checksums are recorded. Otherwise the installed datasynth-data
	// generates the dataset once, into a temporary folder under TempDir.
	Dataset string
	// Generator is the datasynth-data program: a name on PATH or a path;
	// empty means datasynth-data on PATH.
	Generator string
	// Image and GitTag record where the pinned program can be fetched.
	Image, GitTag string
	// LockFile is where the lock is written.
	LockFile string
	// TempDir holds the temporary dataset; empty means os.TempDir().
	TempDir string
	// Stderr receives the generator's messages.
	Stderr io.Writer
	// Verify tunes the integrity check of an existing dataset.
	Verify verify.Options
}

// ErrNoSeed is returned for a config without global.seed.
var ErrNoSeed = errors.New("the config has no global.seed")

// Pin writes a lock for o.ConfigFile and returns it.
func Pin(ctx context.Context, o PinOptions) (*lock.Lock, error) {
	cfg, err := loadConfig(o.ConfigFile)
	if err != nil {
		return nil, err
	}
	if !cfg.Global.HasSeed {
		return nil, fmt.Errorf("%s: %w. Without one, datasynth-data draws a new random seed on every run, so no run can be reproduced and there is nothing to pin; add `seed: N` under `global:` (an existing dataset's seed is in its run_manifest.json)",
			o.ConfigFile, ErrNoSeed)
	}
	var m *manifest.Manifest
	if o.Dataset != "" {
		m, err = recordedDataset(ctx, cfg, o)
	} else {
		m, err = generateOnce(ctx, o)
	}
	if err != nil {
		return nil, err
	}
	l := &lock.Lock{
		Format:           lock.Format,
		ProgramVersion:   m.ProgramVersion,
		GeneratorVersion: m.GeneratorVersion,
		Config:           filepath.ToSlash(o.ConfigFile),
		ConfigHash:       m.ConfigHash,
		Seed:             m.Seed,
		Image:            o.Image,
		GitTag:           o.GitTag,
		OutputFiles:      m.OutputFiles,
	}
	if err := os.MkdirAll(filepath.Dir(o.LockFile), 0o755); err != nil {
		return nil, fmt.Errorf("creating the folder for %s: %w", o.LockFile, err)
	}
	if err := lock.WriteFile(o.LockFile, l); err != nil {
		return nil, err
	}
	return l, nil
}

func loadConfig(file string) (*config.Config, error) {
	cfg, err := config.Load(file)
	var problems config.Problems
	switch {
	case errors.As(err, &problems):
		return nil, fmt.Errorf("%w\n%d problem(s) in %s; fix them and run again", err, len(problems), file)
	case err != nil:
		return nil, fmt.Errorf("config %s: %w", file, err)
	}
	return cfg, nil
}

// recordedDataset checks that o.Dataset is intact and was generated from
// cfg, and returns its manifest.
func recordedDataset(ctx context.Context, cfg *config.Config, o PinOptions) (*manifest.Manifest, error) {
	r, err := verify.CheckManifest(ctx, o.Dataset, o.Verify)
	if err != nil {
		return nil, err
	}
	if !r.Identical() {
		c := r.Counts()
		return nil, fmt.Errorf("%s does not match its own run_manifest.json (%d of %d files differ): pin only an intact dataset; dsops verify --manifest %s lists the differences",
			o.Dataset, c.Files-c.Identical, c.Files, o.Dataset)
	}
	m, err := manifest.Read(filepath.Join(o.Dataset, manifest.FileName))
	if err != nil {
		return nil, err
	}
	if m.Seed != cfg.Global.Seed {
		return nil, fmt.Errorf("%s was generated with seed %d, but %s sets global.seed %d: give the config that produced the dataset",
			o.Dataset, m.Seed, o.ConfigFile, cfg.Global.Seed)
	}
	// The linked engine hashes configs as its own generator version does;
	// a dataset from another version is vouched for by its manifest alone.
	if m.GeneratorVersion == genversion.Version {
		if h := cfg.Hash(cfg.Global.Seed); h != m.ConfigHash {
			return nil, fmt.Errorf("%s was generated from a different config (config hash %s) than %s (%s): give the config that produced the dataset",
				o.Dataset, m.ConfigHash[:12], o.ConfigFile, h[:12])
		}
	}
	return m, nil
}

// generateOnce runs the installed datasynth-data into a temporary folder and
// returns the manifest it wrote.
func generateOnce(ctx context.Context, o PinOptions) (*manifest.Manifest, error) {
	inst, err := generator.Probe(ctx, o.Generator)
	if err != nil {
		return nil, fmt.Errorf("pinning needs the datasynth-data to pin: %w", err)
	}
	tmp, err := os.MkdirTemp(o.TempDir, "dsops-pin-")
	if err != nil {
		return nil, fmt.Errorf("creating a temporary folder to generate into: %w", err)
	}
	defer os.RemoveAll(tmp)
	out := filepath.Join(tmp, "dataset")
	// The generator's messages name the temporary folder, which is gone
	// once the lock is written: they are shown only if it fails.
	var msgs bytes.Buffer
	if err := inst.Generate(ctx, o.ConfigFile, out, &msgs, &msgs); err != nil {
		o.Stderr.Write(msgs.Bytes())
		return nil, err
	}
	return manifest.Read(filepath.Join(out, manifest.FileName))
}

// RegenerateOptions describe a regeneration.
type RegenerateOptions struct {
	LockFile   string
	ConfigFile string
	// Output is the folder to generate into; datasynth-data refuses a
	// non-empty one.
	Output string
	// Generator is the datasynth-data program: a name on PATH or a path;
	// empty means datasynth-data on PATH.
	Generator string
	// Stderr receives the generator's messages.
	Stderr io.Writer
	// Verify tunes the final check.
	Verify verify.Options
}

// ErrRefused is returned when the installed generator or the config does
// not match the lock, so regenerating could not reproduce the dataset.
var ErrRefused = errors.New("refusing to regenerate")

// Regenerate checks the installed datasynth-data and the config against the
// lock, generates into o.Output, and checks the result against the lock. The
// report is identical only when the new dataset is byte-identical to the
// pinned one.
func Regenerate(ctx context.Context, o RegenerateOptions) (*verify.Report, error) {
	l, err := lock.Read(o.LockFile)
	if err != nil {
		return nil, err
	}
	inst, err := generator.Probe(ctx, o.Generator)
	if err != nil {
		return nil, fmt.Errorf("%w: %v; %s pins datasynth-data %s (generator %s), %s",
			ErrRefused, err, o.LockFile, l.ProgramVersion, l.GeneratorVersion, l.FetchCommand())
	}
	if inst.Generator != l.GeneratorVersion {
		return nil, fmt.Errorf("%w: %s pins generator %s (datasynth-data %s), but the installed program is %s, which may write different bytes; %s; then put it on PATH or pass --generator",
			ErrRefused, o.LockFile, l.GeneratorVersion, l.ProgramVersion, inst, l.FetchCommand())
	}
	cfg, err := loadConfig(o.ConfigFile)
	if err != nil {
		return nil, err
	}
	if err := configMatches(cfg, l, o); err != nil {
		return nil, err
	}
	if err := inst.Generate(ctx, o.ConfigFile, o.Output, o.Stderr, o.Stderr); err != nil {
		return nil, err
	}
	return verify.CheckLock(ctx, verify.LockCheck{Lock: l, LockFile: o.LockFile, Dir: o.Output, Installed: inst}, o.Verify)
}

// configMatches refuses a config whose seed, or whose hash where the linked
// engine can compute it, differs from the lock.
func configMatches(cfg *config.Config, l *lock.Lock, o RegenerateOptions) error {
	made := fmt.Sprintf("use the config the lock was made from (%s, in version control)", l.Config)
	switch {
	case !cfg.Global.HasSeed:
		return fmt.Errorf("%w: %s has no global.seed, and %s pins seed %d: %s, or add `seed: %d` under `global:`",
			ErrRefused, o.ConfigFile, o.LockFile, l.Seed, made, l.Seed)
	case cfg.Global.Seed != l.Seed:
		return fmt.Errorf("%w: %s sets global.seed %d, and %s pins seed %d: %s",
			ErrRefused, o.ConfigFile, cfg.Global.Seed, o.LockFile, l.Seed, made)
	}
	if l.GeneratorVersion != genversion.Version {
		return nil
	}
	if h := cfg.Hash(cfg.Global.Seed); h != l.ConfigHash {
		return fmt.Errorf("%w: %s has config hash %s, and %s records %s: the settings differ; %s",
			ErrRefused, o.ConfigFile, h[:12], o.LockFile, l.ConfigHash[:12], made)
	}
	return nil
}

// Describe summarises a lock in one line for the pin command.
func Describe(file string, l *lock.Lock) string {
	var size int64
	for _, f := range l.OutputFiles {
		size += f.SizeBytes
	}
	return fmt.Sprintf("wrote %s: datasynth-data %s, generator %s, seed %s, config hash %s, %d files (%d bytes)",
		file, l.ProgramVersion, l.GeneratorVersion, strconv.FormatUint(l.Seed, 10), l.ConfigHash[:12], len(l.OutputFiles), size)
}
