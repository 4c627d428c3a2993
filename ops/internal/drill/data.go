package drill

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"filippo.io/age"
	"github.com/subosito/gotenv"

	"datasynth.dev/backup"
	"datasynth.dev/backup/catalog"
	"datasynth.dev/backup/restore"
	"datasynth.dev/backup/secrets"
	"datasynth.dev/engine/config"
	"datasynth.dev/ops/internal/health"
	"datasynth.dev/ops/internal/objective"
	"datasynth.dev/ops/internal/pinning"
	"datasynth.dev/ops/internal/recipe"
	"datasynth.dev/ops/internal/serverproc"
	"datasynth.dev/verify"
	"datasynth.dev/verify/generator"
)

// configFile returns the drill's generation config, copied into dir: the
// one given, or the embedded demo.
func (o *Options) configFile(dir string) (string, error) {
	data := config.DemoYAML()
	name := "config.yaml"
	if o.Config != "" {
		var err error
		if data, err = os.ReadFile(o.Config); err != nil {
			return "", fmt.Errorf("--config: %w", err)
		}
		name = filepath.Base(o.Config)
	}
	path := filepath.Join(dir, name)
	return path, os.WriteFile(path, data, 0o640)
}

// generate writes a dataset from cfg into out with datasynth-data.
func (o *Options) generate(ctx context.Context, cfg, out string) error {
	inst, err := generator.Probe(ctx, o.Generator)
	if err != nil {
		return err
	}
	o.say("%s generate --config %s --output %s", inst.Path, cfg, out)
	return inst.Generate(ctx, cfg, out, o.Log, o.Log)
}

// differences counts what a verify report found different.
func differences(r *verify.Report) int {
	c := r.Counts()
	return c.Files - c.Identical + c.Mismatches
}

// regenerate pins a dataset, loses it and regenerates it from the lock.
func (o *Options) regenerate(ctx context.Context, dir string) ([]objective.Result, error) {
	cfg, err := o.configFile(dir)
	if err != nil {
		return nil, err
	}
	original := filepath.Join(dir, "original")
	if err := o.generate(ctx, cfg, original); err != nil {
		return nil, err
	}
	lockFile := filepath.Join(dir, "datasynth.lock")
	l, err := pinning.Pin(ctx, pinning.PinOptions{ConfigFile: cfg, Dataset: original, Generator: o.Generator, LockFile: lockFile, Stderr: o.Log})
	if err != nil {
		return nil, err
	}
	o.say("pinned %d files to generator %s, seed %d", len(l.OutputFiles), l.GeneratorVersion, l.Seed)
	if err := os.RemoveAll(original); err != nil {
		return nil, err
	}
	o.say("deleted the dataset")
	start := time.Now()
	rep, err := pinning.Regenerate(ctx, pinning.RegenerateOptions{
		LockFile: lockFile, ConfigFile: cfg, Output: filepath.Join(dir, "recovered"), Generator: o.Generator, Stderr: o.Log,
	})
	if err != nil {
		return nil, err
	}
	took := time.Since(start)
	o.say("regenerated and checked in %.3fs: %s", took.Seconds(), rep.Summary())
	return []objective.Result{objective.Exact("regeneration, recovery point 0", differences(rep),
		fmt.Sprintf("regenerated %d files in %.3fs from config + seed %d + generator %s; dsops verify --lock: %s",
			len(l.OutputFiles), took.Seconds(), l.Seed, l.GeneratorVersion, rep.Summary()))}, nil
}

// restore backs up a dataset both ways dsops backup keeps an output
// folder, as an archive of its files and as a recipe (its config, lock and
// run manifest, proven by a regeneration), loses it, and restores it from
// each, checking both identical to the original.
func (o *Options) restore(ctx context.Context, dir string) ([]objective.Result, error) {
	cfg, err := o.configFile(dir)
	if err != nil {
		return nil, err
	}
	output := filepath.Join(dir, "output")
	if err := o.generate(ctx, cfg, output); err != nil {
		return nil, err
	}
	type way struct {
		mode, kind, name string
		backup           string
	}
	ways := []*way{{mode: backup.OutputArchive, kind: catalog.KindOutput, name: "archive"}, {mode: backup.OutputRecipe, kind: catalog.KindRecipe, name: "recipe"}}
	for _, w := range ways {
		dest := filepath.Join(dir, "backups-"+w.name)
		res, err := backup.Run(ctx, backup.Options{OutputDir: output, Dest: dest, Out: io.Discard, OutputMode: w.mode,
			Recipes: &recipe.Maker{ConfigFiles: []string{cfg}, Generator: o.Generator, Log: o.logger()}}, o.logger())
		if err != nil {
			return nil, err
		}
		name, err := created(res, w.kind)
		if err != nil {
			return nil, err
		}
		w.backup = filepath.Join(dest, name)
		o.say("dsops backup --output-mode %s wrote %s", w.mode, name)
	}
	original := filepath.Join(dir, "original")
	if err := os.Rename(output, original); err != nil {
		return nil, err
	}
	o.say("moved the dataset away")
	var results []objective.Result
	for _, w := range ways {
		start := time.Now()
		restored := filepath.Join(dir, "restored-"+w.name)
		err := restore.Run(ctx, restore.Options{Source: w.backup, To: restored, Out: io.Discard,
			Regenerator: &recipe.Regenerator{Generator: o.Generator}}, o.logger())
		if err != nil {
			return nil, err
		}
		rep, err := verify.Run(ctx, verify.Request{Original: original, Recovered: restored}, verify.Options{})
		if err != nil {
			return nil, err
		}
		took := time.Since(start)
		o.say("restored from the %s and compared in %.3fs: %s", w.name, took.Seconds(), rep.Summary())
		results = append(results, objective.Exact("restore from backup ("+w.name+"), identical", differences(rep),
			fmt.Sprintf("dsops restore %s and dsops verify in %.3fs: %s", filepath.Base(w.backup), took.Seconds(), rep.Summary())))
	}
	return results, nil
}

// created returns the backup of kind that a run wrote.
func created(res backup.Result, kind string) (string, error) {
	for _, n := range res.Created {
		if k, _, ok := catalog.Parse(n); ok && k == kind {
			return n, nil
		}
	}
	return "", fmt.Errorf("dsops backup wrote no %s backup (it wrote %v)", kind, res.Created)
}

func (o *Options) logger() *slog.Logger {
	return slog.New(slog.NewTextHandler(o.Log, &slog.HandlerOptions{Level: slog.LevelWarn}))
}

// configLost backs up a config and an environment file as they are backed
// up in production (with Identity, the environment file encrypted with
// age to that identity's recipient), loses both, restores them (decrypting
// with the identity), compares them byte for byte and starts a server on
// them.
func (o *Options) configLost(ctx context.Context, dir string) ([]objective.Result, error) {
	etc := filepath.Join(dir, "etc")
	if err := os.Mkdir(etc, 0o700); err != nil {
		return nil, err
	}
	cfg, err := o.configFile(etc)
	if err != nil {
		return nil, err
	}
	env := filepath.Join(etc, "server.env")
	envData, err := o.envFile()
	if err != nil {
		return nil, err
	}
	if err := os.WriteFile(env, envData, 0o600); err != nil {
		return nil, err
	}
	originals := map[string][]byte{}
	for _, f := range []string{cfg, env} {
		if originals[filepath.Base(f)], err = os.ReadFile(f); err != nil {
			return nil, err
		}
	}
	ids, recipients, err := o.keys()
	if err != nil {
		return nil, err
	}
	backups := filepath.Join(dir, "backups")
	res, err := backup.Run(ctx, backup.Options{ConfigFiles: []string{cfg}, EnvFile: env, EnvFileRequired: true, Dest: backups,
		Recipients: recipients, Out: io.Discard}, o.logger())
	if err != nil {
		return nil, err
	}
	cfgBackup, err := created(res, catalog.KindConfig)
	if err != nil {
		return nil, err
	}
	envBackup, err := created(res, catalog.KindEnv)
	if err != nil {
		return nil, err
	}
	o.say("dsops backup wrote %s and %s", cfgBackup, envBackup)
	if err := os.RemoveAll(etc); err != nil {
		return nil, err
	}
	o.say("deleted the config and the environment file")

	start := time.Now()
	recovered := filepath.Join(dir, "recovered")
	for _, b := range []struct{ name, to string }{{cfgBackup, "config"}, {envBackup, "env"}} {
		if err := restore.Run(ctx, restore.Options{Source: filepath.Join(backups, b.name), To: filepath.Join(recovered, b.to), Identities: ids, Out: io.Discard}, o.logger()); err != nil {
			return nil, err
		}
	}
	restoredCfg := filepath.Join(recovered, "config", filepath.Base(cfg))
	restoredEnv := filepath.Join(recovered, "env", "server.env")
	var differ []string
	for name, path := range map[string]string{filepath.Base(cfg): restoredCfg, "server.env": restoredEnv} {
		got, err := os.ReadFile(path)
		if err != nil || !bytes.Equal(got, originals[name]) {
			differ = append(differ, name)
		}
	}
	slices.Sort(differ)
	identical := objective.Exact("config and environment file identical", len(differ), "byte for byte after dsops restore")
	if len(differ) > 0 {
		identical.Detail = "differ after dsops restore: " + strings.Join(differ, ", ")
		return []objective.Result{objective.Missed("config recovery", objective.ConfigRecovery, "the restored files differ"), identical}, nil
	}
	o.say("restored both, identical byte for byte")

	r, err := o.serveRecovered(ctx, dir, restoredCfg, restoredEnv)
	if err != nil {
		return nil, err
	}
	took := time.Since(start)
	if !r.Healthy {
		return []objective.Result{objective.Missed("config recovery", objective.ConfigRecovery,
			"a server started on the restored files is not healthy: "+failed(r)), identical}, nil
	}
	return []objective.Result{objective.Measure("config recovery", objective.ConfigRecovery, took,
		"from dsops restore of both backups to a server started on them passing every health check, with the restored API key"), identical}, nil
}

// keys loads the age identity of --identity and the recipients it
// decrypts for; both are empty without one.
func (o *Options) keys() ([]age.Identity, []age.Recipient, error) {
	if o.Identity == "" {
		return nil, nil, nil
	}
	ids, err := secrets.LoadIdentities(o.Identity)
	if err != nil {
		return nil, nil, fmt.Errorf("--identity: %w", err)
	}
	var recipients []age.Recipient
	for _, id := range ids {
		if x, ok := id.(*age.X25519Identity); ok {
			recipients = append(recipients, x.Recipient())
		}
	}
	if len(recipients) == 0 {
		return nil, nil, fmt.Errorf("--identity %s holds no X25519 identity to encrypt the drill's backup to", o.Identity)
	}
	return ids, recipients, nil
}

// envFile returns the environment file to back up: the one given, or a
// made-up one with a fresh API key.
func (o *Options) envFile() ([]byte, error) {
	if o.EnvFile != "" {
		data, err := os.ReadFile(o.EnvFile)
		if err != nil {
			return nil, fmt.Errorf("--env-file: %w", err)
		}
		return data, nil
	}
	key := make([]byte, 24)
	if _, err := rand.Read(key); err != nil {
		return nil, err
	}
	return []byte("# made up by dsops drill config-lost\nDATASYNTH_API_KEYS=" + hex.EncodeToString(key) + "\nDATASYNTH_RATE_LIMIT=100\n"), nil
}

// serveRecovered starts datasynth-server with the restored config and
// environment, as the systemd unit would (EnvironmentFile=), and waits for
// it to be healthy, checking the first restored API key when there is one.
// The address and work folder are the drill's own.
func (o *Options) serveRecovered(ctx context.Context, dir, cfg, envFile string) (*health.Report, error) {
	f, err := os.Open(envFile)
	if err != nil {
		return nil, err
	}
	env, err := gotenv.StrictParse(f)
	f.Close()
	if err != nil {
		return nil, fmt.Errorf("the restored environment file does not parse: %w", err)
	}
	var vars []string
	for k, v := range env {
		vars = append(vars, k+"="+v)
	}
	log, err := os.Create(filepath.Join(dir, "datasynth-server.log"))
	if err != nil {
		return nil, err
	}
	defer log.Close()
	srv, err := serverproc.Start(serverproc.Options{Binary: o.Server, Args: []string{"--config", cfg, "--work-dir", dir}, Env: vars, Log: log})
	if err != nil {
		return nil, err
	}
	defer srv.Stop(5 * time.Second)
	ho := health.Options{URL: srv.URL()}
	if keys := env["DATASYNTH_API_KEYS"]; keys != "" {
		ho.APIKey = strings.TrimSpace(strings.Split(keys, ",")[0])
	}
	// A server that exits (a setting it refuses) is not waited for.
	wctx, cancel := context.WithCancel(ctx)
	defer cancel()
	go func() {
		select {
		case <-srv.Exited():
			cancel()
		case <-wctx.Done():
		}
	}()
	r := health.Wait(wctx, ho, o.Timeout)
	select {
	case <-srv.Exited():
		r.Healthy = false
		r.Checks = append(r.Checks, health.Check{Name: "process", Detail: "datasynth-server exited on the restored files; its log: " + log.Name()})
	default:
	}
	o.say("datasynth-server on the restored files at %s: healthy %v", srv.URL(), r.Healthy)
	return r, nil
}
