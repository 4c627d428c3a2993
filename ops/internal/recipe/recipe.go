// Package recipe backs up a generated dataset by what regenerates it (its
// config, a lock of the generator version, its run manifest) instead of by
// its bytes, and brings it back by regenerating it. It is the part of
// `dsops backup --output-mode recipe|auto` and of `dsops restore
// recipe-DATE.tar.gz` that needs the generator.
//
// A recipe counts only once a regeneration from it has been proven
// byte-identical on this machine: the first recipe of a (config, seed,
// generator version) regenerates the dataset into a scratch folder beside
// the backups, with the installed datasynth-data, and compares it file by
// file with the output folder. The proof is re-made after ProveEvery. Proofs
// are recorded in the recipe (proof.json) and, for the next runs, in
// ProofsName in the backup folder.
//
// What a recipe needs, each refused with its reason when missing: the output
// folder is a complete generator run (run_manifest.json present, every file
// as it lists, nothing else), one of the configs given is the one that made
// it (same config hash) and sets its seed, and the installed datasynth-data
// has its generator version. Data edited after generation fails the first
// condition: it can only be archived.
package recipe

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"datasynth.dev/backup"
	"datasynth.dev/engine/config"
	"datasynth.dev/engine/genversion"
	"datasynth.dev/verify"
	"datasynth.dev/verify/atomicfile"
	"datasynth.dev/verify/generator"
	"datasynth.dev/verify/lock"
	"datasynth.dev/verify/manifest"
	"github.com/dustin/go-humanize"
)

// Names of the files a recipe holds beside its config.
const (
	LockName  = "datasynth.lock"
	ProofName = "proof.json"
)

// ProofsName is the file in the backup folder that records the proofs of
// earlier runs. It is not a backup: it is never uploaded or deleted by
// retention; without it, the next run proves again.
const ProofsName = ".dsops-recipe-proofs.json"

// DefaultProveEvery is how long a proof is trusted.
const DefaultProveEvery = 7 * 24 * time.Hour

// Proof says when a regeneration from a recipe was checked, with which
// program, and what came of it.
type Proof struct {
	CheckedAt        time.Time `json:"checked_at"`
	Binary           string    `json:"binary"`
	ProgramVersion   string    `json:"program_version"`
	GeneratorVersion string    `json:"generator_version"`
	Commit           string    `json:"commit,omitempty"`
	Identical        bool      `json:"identical"`
	Detail           string    `json:"detail"`
	Files            int       `json:"files"`
	Bytes            int64     `json:"bytes"`
}

// Maker makes and proves recipes; it is dsops's backup.RecipeMaker.
type Maker struct {
	// ConfigFiles are the configs given to dsops backup; the one whose
	// hash the run manifest records is the recipe's.
	ConfigFiles []string
	// LockFile, if set, is a lock from dsops pin for this dataset; its
	// image and git tag go into the recipe's lock.
	LockFile string
	// Generator is datasynth-data: a name on PATH or a path.
	Generator string
	// ProveEvery is how long a proof is trusted (DefaultProveEvery if 0).
	ProveEvery time.Duration
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	Log *slog.Logger
}

// MakeRecipe implements backup.RecipeMaker.
func (mk *Maker) MakeRecipe(ctx context.Context, outputDir, dest string, dryRun bool) (*backup.Recipe, error) {
	now := time.Now
	if mk.Now != nil {
		now = mk.Now
	}
	log := mk.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	m, described, err := completeRun(ctx, outputDir)
	if err != nil {
		return nil, err
	}
	cfgFile, cfgData, err := mk.config(m)
	if err != nil {
		return nil, err
	}
	l := &lock.Lock{
		Format: lock.Format, ProgramVersion: m.ProgramVersion, GeneratorVersion: m.GeneratorVersion,
		Config: filepath.Base(cfgFile), ConfigHash: m.ConfigHash, Seed: m.Seed, OutputFiles: m.OutputFiles,
	}
	if mk.LockFile != "" {
		pinned, err := lock.Read(mk.LockFile)
		if err != nil {
			return nil, err
		}
		if pinned.ConfigHash != m.ConfigHash || pinned.GeneratorVersion != m.GeneratorVersion {
			return nil, fmt.Errorf("--lock %s pins config hash %.12s and generator %s, but the output folder was made from %.12s with generator %s: give the lock of this dataset", mk.LockFile, pinned.ConfigHash, pinned.GeneratorVersion, m.ConfigHash, m.GeneratorVersion)
		}
		l.Image, l.GitTag = pinned.Image, pinned.GitTag
	}
	lockData, err := lock.Marshal(l)
	if err != nil {
		return nil, err
	}
	manifestData, err := os.ReadFile(filepath.Join(outputDir, manifest.FileName))
	if err != nil {
		return nil, err
	}
	rec := &backup.Recipe{
		Files:     map[string][]byte{filepath.Base(cfgFile): cfgData, LockName: lockData, manifest.FileName: manifestData},
		Described: described,
	}

	proofs := readProofs(filepath.Join(dest, ProofsName), log)
	key := proofKey(m)
	every := mk.ProveEvery
	if every == 0 {
		every = DefaultProveEvery
	}
	p, ok := proofs[key]
	switch {
	case ok && p.Identical && now().Sub(p.CheckedAt) < every:
		rec.Why = fmt.Sprintf("config %s, seed %d, generator %s; proven byte-identical on %s (re-proved every %s)",
			filepath.Base(cfgFile), m.Seed, m.GeneratorVersion, p.CheckedAt.Format("2006-01-02 15:04"), every)
	case dryRun:
		return nil, fmt.Errorf("a recipe would first be proven by regenerating the dataset (%s), which a dry run does not do", humanize.IBytes(uint64(described)))
	default:
		log.Info("proving the recipe by regenerating the dataset", "output_dir", outputDir, "bytes", described)
		p, err = mk.prove(ctx, outputDir, dest, cfgFile, m, now)
		if err != nil {
			return nil, err
		}
		proofs[key] = p
		if err := writeProofs(filepath.Join(dest, ProofsName), proofs); err != nil {
			return nil, err
		}
		rec.Why = fmt.Sprintf("config %s, seed %d, generator %s; regenerated just now and proven byte-identical", filepath.Base(cfgFile), m.Seed, m.GeneratorVersion)
	}
	rec.ProvenAt, rec.Proven = p.CheckedAt, p.Identical
	proofData, err := json.MarshalIndent(p, "", "  ")
	if err != nil {
		return nil, err
	}
	rec.Files[ProofName] = append(proofData, '\n')
	if !p.Identical {
		return rec, fmt.Errorf("%w: %s (%s with %s)", backup.ErrProofFailed, p.Detail, p.Binary, p.ProgramVersion)
	}
	return rec, nil
}

// completeRun checks that dir is a complete generator run and returns its
// manifest and size.
func completeRun(ctx context.Context, dir string) (*manifest.Manifest, int64, error) {
	m, err := manifest.Read(filepath.Join(dir, manifest.FileName))
	if errors.Is(err, os.ErrNotExist) {
		return nil, 0, fmt.Errorf("%s has no %s, so it is not known to be a generator run", dir, manifest.FileName)
	}
	if err != nil {
		return nil, 0, err
	}
	r, err := verify.CheckManifest(ctx, dir, verify.Options{})
	if err != nil {
		return nil, 0, err
	}
	if !r.Identical() {
		return nil, 0, fmt.Errorf("%s no longer matches its %s (%s): it was changed after generation", dir, manifest.FileName, r.Summary())
	}
	var size int64
	for _, f := range m.OutputFiles {
		size += f.SizeBytes
	}
	return m, size, nil
}

// config finds the config that made the dataset: the one whose hash the
// run manifest records, when this dsops's engine can compute it (the same
// generator version), else the only one given (the proof then decides).
func (mk *Maker) config(m *manifest.Manifest) (string, []byte, error) {
	if len(mk.ConfigFiles) == 0 {
		return "", nil, errors.New("no --config-file: the recipe needs the config that made the output")
	}
	var notes []string
	for _, f := range mk.ConfigFiles {
		data, err := os.ReadFile(f)
		if err != nil {
			return "", nil, fmt.Errorf("--config-file %s: %w", f, err)
		}
		cfg, err := config.Parse(f, data)
		if err != nil {
			notes = append(notes, fmt.Sprintf("%s does not load (%v)", f, firstLine(err)))
			continue
		}
		if !cfg.Global.HasSeed || cfg.Global.Seed != m.Seed {
			notes = append(notes, fmt.Sprintf("%s does not set global.seed %d", f, m.Seed))
			continue
		}
		if m.GeneratorVersion != genversion.Version {
			if len(mk.ConfigFiles) == 1 {
				return f, data, nil
			}
			notes = append(notes, fmt.Sprintf("%s cannot be told apart from the others: the output was made by generator %s and this dsops knows %s", f, m.GeneratorVersion, genversion.Version))
			continue
		}
		if h := cfg.Hash(cfg.Global.Seed); h == m.ConfigHash {
			return f, data, nil
		}
		notes = append(notes, fmt.Sprintf("%s has another config hash", f))
	}
	return "", nil, fmt.Errorf("none of the configs made the output (config hash %.12s, seed %d): %s", m.ConfigHash, m.Seed, strings.Join(notes, "; "))
}

// prove regenerates the dataset into a scratch folder beside the backups
// and compares it with the output folder.
func (mk *Maker) prove(ctx context.Context, outputDir, dest, cfgFile string, m *manifest.Manifest, now func() time.Time) (Proof, error) {
	inst, err := generator.Probe(ctx, mk.Generator)
	if err != nil {
		return Proof{}, fmt.Errorf("the recipe cannot be proven: %w", err)
	}
	if inst.Generator != m.GeneratorVersion {
		return Proof{}, fmt.Errorf("the recipe cannot be proven here: the output was made by generator %s (datasynth-data %s), the installed program is %s", m.GeneratorVersion, m.ProgramVersion, inst)
	}
	if err := os.MkdirAll(dest, 0o750); err != nil {
		return Proof{}, err
	}
	if _, err := atomicfile.RemoveStale(dest, proofPrefix); err != nil {
		return Proof{}, err
	}
	scratch, err := atomicfile.MkdirTemp(dest, proofPrefix)
	if err != nil {
		return Proof{}, fmt.Errorf("--dest %s: a scratch folder for the proof: %w", dest, err)
	}
	defer scratch.Remove()
	out := filepath.Join(scratch.Path, "dataset")
	var msgs bytes.Buffer
	p := Proof{CheckedAt: now().UTC().Truncate(time.Second), Binary: inst.Path, ProgramVersion: inst.Program, GeneratorVersion: inst.Generator, Commit: inst.Commit}
	if err := inst.Generate(ctx, cfgFile, out, &msgs, &msgs); err != nil {
		p.Detail = fmt.Sprintf("regeneration failed: %v: %s", err, lastLine(msgs.String()))
		return p, nil
	}
	left, err := verify.OpenFolder(outputDir, "OUTPUT")
	if err != nil {
		return Proof{}, err
	}
	defer left.Close()
	right, err := verify.OpenFolder(out, "REGENERATED")
	if err != nil {
		return Proof{}, err
	}
	defer right.Close()
	r, err := verify.Compare(ctx, left, right, verify.Options{})
	if err != nil {
		return Proof{}, err
	}
	c := r.Counts()
	p.Identical, p.Detail, p.Files, p.Bytes = r.Identical(), r.Summary(), c.Files, r.BytesHashed
	return p, nil
}

const proofPrefix = ".dsops-proof-"

func proofKey(m *manifest.Manifest) string {
	return fmt.Sprintf("%s/%d/%s", m.ConfigHash, m.Seed, m.GeneratorVersion)
}

func readProofs(path string, log *slog.Logger) map[string]Proof {
	proofs := map[string]Proof{}
	data, err := os.ReadFile(path)
	if err != nil {
		return proofs
	}
	if err := json.Unmarshal(data, &proofs); err != nil {
		log.Warn("the record of recipe proofs is damaged; proving again", "file", path, "err", err)
		return map[string]Proof{}
	}
	return proofs
}

func writeProofs(path string, proofs map[string]Proof) error {
	data, err := json.MarshalIndent(proofs, "", "  ")
	if err != nil {
		return err
	}
	return atomicfile.WriteFile(path, append(data, '\n'), 0o640)
}

// Regenerator brings a recipe back: it is dsops restore's
// restore.Regenerator.
type Regenerator struct {
	// Generator is datasynth-data: a name on PATH or a path.
	Generator string
	// Docker is the docker program, used when the lock names an image and
	// the installed generator is not the pinned one; empty means "docker".
	Docker string
	// Stderr receives the generator's messages.
	Stderr io.Writer
}

// ErrPinnedUnavailable means neither the installed datasynth-data nor an
// image can regenerate the recipe.
var ErrPinnedUnavailable = errors.New("the pinned generator is not at hand")

// Regenerate implements restore.Regenerator.
func (g *Regenerator) Regenerate(ctx context.Context, recipeDir, out string) error {
	l, err := lock.Read(filepath.Join(recipeDir, LockName))
	if err != nil {
		return err
	}
	cfg := filepath.Join(recipeDir, filepath.Base(l.Config))
	if _, err := os.Stat(cfg); err != nil {
		return fmt.Errorf("the recipe holds no config %s: %w", l.Config, err)
	}
	stderr := g.Stderr
	if stderr == nil {
		stderr = io.Discard
	}
	inst, probeErr := generator.Probe(ctx, g.Generator)
	if probeErr == nil && inst.Generator == l.GeneratorVersion {
		return inst.Generate(ctx, cfg, out, stderr, stderr)
	}
	if l.Image != "" {
		if err := dockerGenerate(ctx, g.Docker, l.Image, recipeDir, filepath.Base(cfg), out, stderr); err == nil {
			return nil
		} else if !errors.Is(err, errNoDocker) {
			return err
		}
	}
	installed := "no datasynth-data is installed"
	if probeErr == nil {
		installed = "the installed program is " + inst.String()
	}
	return fmt.Errorf("%w: the recipe needs generator %s (datasynth-data %s) and %s; %s, then restore again (with --generator if it is not on PATH)",
		ErrPinnedUnavailable, l.GeneratorVersion, l.ProgramVersion, installed, l.FetchCommand())
}

func firstLine(err error) string {
	s, _, _ := strings.Cut(err.Error(), "\n")
	return s
}

func lastLine(s string) string {
	s = strings.TrimSpace(s)
	return s[strings.LastIndexByte(s, '\n')+1:]
}
