package pinning

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"datasynth.dev/engine/config"
	"datasynth.dev/engine/generate"
	"datasynth.dev/ops/internal/generatortest"
	"datasynth.dev/verify"
	"datasynth.dev/verify/lock"
	"datasynth.dev/verify/manifest"
)

const smallConfig = `global:
  seed: 7
  industry: retail
  start_date: "2024-01-01"
  period_months: 1
  group_currency: USD
companies:
  - code: "1000"
    name: Test Retail
    currency: USD
    country: US
    annual_transaction_volume: ten_k
chart_of_accounts:
  complexity: small
output:
  output_directory: ./out
  formats: [csv]
`

func writeConfig(t *testing.T, dir, name, text string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestPinRefusesConfigWithoutSeed(t *testing.T) {
	dir := t.TempDir()
	cfg := writeConfig(t, dir, "noseed.yaml", strings.Replace(smallConfig, "  seed: 7\n", "", 1))
	lockFile := filepath.Join(dir, "datasynth.lock")
	_, err := Pin(context.Background(), PinOptions{ConfigFile: cfg, LockFile: lockFile, Generator: "/nonexistent"})
	if !errors.Is(err, ErrNoSeed) || !strings.Contains(err.Error(), "add `seed: N` under `global:`") {
		t.Fatalf("err = %v", err)
	}
	if _, err := os.Stat(lockFile); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("a lock was written for a config without seed")
	}
}

func TestPinRegenerate(t *testing.T) {
	bin := generatortest.Build(t, "v0.5.0")
	gen := filepath.Join(bin, "datasynth-data")
	ctx := context.Background()
	dir := t.TempDir()
	cfg := writeConfig(t, dir, "small.yaml", smallConfig)
	lockFile := filepath.Join(dir, "locks", "datasynth.lock")
	var stderr bytes.Buffer

	l, err := Pin(ctx, PinOptions{ConfigFile: cfg, Generator: gen, GitTag: "v0.5.0", LockFile: lockFile, TempDir: dir, Stderr: &stderr})
	if err != nil {
		t.Fatalf("%v\n%s", err, stderr.String())
	}
	if l.ProgramVersion != "v0.5.0" || l.GeneratorVersion != generate.GeneratorVersion || l.Seed != 7 || len(l.OutputFiles) == 0 {
		t.Fatalf("lock = %+v", l)
	}
	if leftovers, _ := filepath.Glob(filepath.Join(dir, "dsops-pin-*")); len(leftovers) != 0 {
		t.Fatalf("temporary dataset left behind: %v", leftovers)
	}
	read, err := lock.Read(lockFile)
	if err != nil || read.ConfigHash != l.ConfigHash {
		t.Fatalf("lock on disk = %+v, %v", read, err)
	}

	out := filepath.Join(dir, "recovered")
	r, err := Regenerate(ctx, RegenerateOptions{LockFile: lockFile, ConfigFile: cfg, Output: out, Generator: gen, Stderr: &stderr})
	if err != nil {
		t.Fatalf("%v\n%s", err, stderr.String())
	}
	if !r.Identical() || r.Counts().Files != len(l.OutputFiles) {
		t.Fatalf("regenerated dataset differs from the lock: %+v", r.Counts())
	}
	m, err := manifest.Read(filepath.Join(out, manifest.FileName))
	if err != nil || m.ConfigHash != l.ConfigHash {
		t.Fatalf("regenerated manifest = %+v, %v", m, err)
	}

	// Pinning the regenerated dataset records the same lock.
	again := filepath.Join(dir, "again.lock")
	if _, err := Pin(ctx, PinOptions{ConfigFile: cfg, Dataset: out, GitTag: "v0.5.0", LockFile: again}); err != nil {
		t.Fatal(err)
	}
	a, _ := os.ReadFile(lockFile)
	b, _ := os.ReadFile(again)
	if !bytes.Equal(a, b) {
		t.Fatalf("lock from the dataset differs from the lock from generation:\n%s\n%s", a, b)
	}

	// A lock that pins another generator is refused with the fetch command,
	// and nothing is generated.
	old := *l
	old.GeneratorVersion = "0.9.0"
	oldFile := filepath.Join(dir, "old.lock")
	if err := lock.WriteFile(oldFile, &old); err != nil {
		t.Fatal(err)
	}
	refused := filepath.Join(dir, "refused")
	_, err = Regenerate(ctx, RegenerateOptions{LockFile: oldFile, ConfigFile: cfg, Output: refused, Generator: gen, Stderr: &stderr})
	if !errors.Is(err, ErrRefused) || !strings.Contains(err.Error(), "fetch it with: git fetch --tags && git checkout v0.5.0 && make build") {
		t.Fatalf("err = %v", err)
	}
	if _, err := os.Stat(refused); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("a refused regeneration wrote %s", refused)
	}
}

func TestConfigMatches(t *testing.T) {
	pinned, err := config.Parse("small.yaml", []byte(smallConfig))
	if err != nil {
		t.Fatal(err)
	}
	base := lock.Lock{Config: "small.yaml", Seed: 7, ConfigHash: pinned.Hash(7), GeneratorVersion: generate.GeneratorVersion}
	for _, tc := range []struct {
		name   string
		config string
		edit   func(*lock.Lock)
		want   string
	}{
		{"same config", smallConfig, nil, ""},
		{"comments and key order do not matter", "# pinned\n" + strings.Replace(smallConfig, "  industry: retail\n  start_date: \"2024-01-01\"\n", "  start_date: \"2024-01-01\"\n  industry: retail\n", 1), nil, ""},
		{"other seed", strings.Replace(smallConfig, "seed: 7", "seed: 8", 1), nil, "c.yaml sets global.seed 8, and x.lock pins seed 7"},
		{"no seed", strings.Replace(smallConfig, "  seed: 7\n", "", 1), nil, "c.yaml has no global.seed, and x.lock pins seed 7"},
		{"other settings", strings.Replace(smallConfig, "period_months: 1", "period_months: 2", 1), nil, "the settings differ"},
		{"other generator: hash not compared", strings.Replace(smallConfig, "period_months: 1", "period_months: 2", 1), func(l *lock.Lock) { l.GeneratorVersion = "0.9.0" }, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg, err := config.Parse("c.yaml", []byte(tc.config))
			if err != nil {
				t.Fatal(err)
			}
			l := base
			if tc.edit != nil {
				tc.edit(&l)
			}
			err = configMatches(cfg, &l, RegenerateOptions{LockFile: "x.lock", ConfigFile: "c.yaml"})
			switch {
			case tc.want == "" && err != nil:
				t.Fatalf("unexpected refusal: %v", err)
			case tc.want != "" && (!errors.Is(err, ErrRefused) || !strings.Contains(err.Error(), tc.want)):
				t.Fatalf("err = %v, want a refusal mentioning %q", err, tc.want)
			}
		})
	}
}

func TestPinRefusesDamagedDataset(t *testing.T) {
	bin := generatortest.Build(t, "v0.5.0")
	ctx := context.Background()
	dir := t.TempDir()
	cfg := writeConfig(t, dir, "small.yaml", smallConfig)
	data := filepath.Join(dir, "data")
	var stderr bytes.Buffer
	inst := filepath.Join(bin, "datasynth-data")
	if _, err := Pin(ctx, PinOptions{ConfigFile: cfg, Generator: inst, LockFile: filepath.Join(dir, "a.lock"), Stderr: &stderr}); err != nil {
		t.Fatal(err)
	}
	r, err := Regenerate(ctx, RegenerateOptions{LockFile: filepath.Join(dir, "a.lock"), ConfigFile: cfg, Output: data, Generator: inst, Stderr: &stderr, Verify: verify.Options{Workers: 1}})
	if err != nil || !r.Identical() {
		t.Fatalf("regenerate: %v", err)
	}
	if err := os.WriteFile(filepath.Join(data, "chart_of_accounts.csv"), []byte("changed\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err = Pin(ctx, PinOptions{ConfigFile: cfg, Dataset: data, LockFile: filepath.Join(dir, "b.lock")})
	if err == nil || !strings.Contains(err.Error(), "does not match its own run_manifest.json (1 of ") {
		t.Fatalf("err = %v", err)
	}
}
