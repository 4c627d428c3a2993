package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/schollz/progressbar/v3"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	"github.com/spf13/viper"
	"golang.org/x/term"

	"datasynth.dev/backup"
	"datasynth.dev/backup/archive"
	"datasynth.dev/backup/kube"
	"datasynth.dev/backup/restore"
	"datasynth.dev/backup/retention"
	"datasynth.dev/backup/s3sync"
	"datasynth.dev/backup/schedule"
	"datasynth.dev/backup/secrets"
	"datasynth.dev/ops/internal/recipe"
)

// defaultSettings is the settings file backup and restore read when
// --settings is not given; a missing default file is not an error.
const defaultSettings = "/etc/datasynth/dsops.yaml"

// settingsKeys are the keys a settings file may hold: the long flags of
// backup and restore, which share one file.
var settingsKeys = []string{
	"output-dir", "env-file", "config-file", "dest", "s3", "s3-endpoint", "s3-region",
	"s3-path-style", "s3-retry-for", "retention", "metrics-file", "schedule", "compression-level",
	"encrypt-to", "recipients-file", "secret-file", "kubernetes-namespace", "kubeconfig",
	"kubernetes-configmap", "kubernetes-secret", "allow-plaintext-secrets",
	"output-mode", "prove-every", "lock", "generator",
}

// backupOptions holds the flags of `dsops backup` as given.
type backupOptions struct {
	settings    string
	outputDir   string
	envFile     string
	configFiles []string
	dest        string
	s3          s3Flags
	retention   string
	dryRun      bool
	metricsFile string
	schedule    string
	level       int
	check       bool
	readData    bool
	encryptTo   []string
	recipients  []string
	secretFiles []string
	kube        kube.Options
	allowPlain  bool
	outputMode  string
	proveEvery  string
	lockFile    string
	generator   string
}

// s3Flags are the S3 flags shared by backup and restore.
type s3Flags struct {
	url, endpoint, region string
	pathStyle             bool
	retryFor              time.Duration
}

func (s *s3Flags) register(fs *pflag.FlagSet, withURL bool) {
	if withURL {
		fs.StringVar(&s.url, "s3", "", "mirror the backups to `s3://bucket/prefix`")
	}
	fs.StringVar(&s.endpoint, "s3-endpoint", "", "S3-compatible server `URL` (default: AWS)")
	fs.StringVar(&s.region, "s3-region", "", "S3 `region` (default: from the AWS configuration, else us-east-1)")
	fs.BoolVar(&s.pathStyle, "s3-path-style", false, "address buckets as ENDPOINT/bucket, as most S3-compatible servers need")
	fs.DurationVar(&s.retryFor, "s3-retry-for", s3sync.DefaultRetryFor, "keep retrying a failing S3 request this long (`duration`), e.g. while the server restarts")
}

func (s *s3Flags) load(v *viper.Viper) (s3sync.Config, error) {
	retryFor, err := time.ParseDuration(v.GetString("s3-retry-for"))
	if err != nil || retryFor <= 0 {
		return s3sync.Config{}, fmt.Errorf("--s3-retry-for %q: want a positive duration with its unit, such as 90s or 5m", v.GetString("s3-retry-for"))
	}
	return s3sync.Config{
		URL:       v.GetString("s3"),
		Endpoint:  v.GetString("s3-endpoint"),
		Region:    v.GetString("s3-region"),
		PathStyle: v.GetBool("s3-path-style"),
		RetryFor:  retryFor,
	}, nil
}

func newBackupCmd(g *globals) *cobra.Command {
	var o backupOptions
	cmd := &cobra.Command{
		Use:   "backup",
		Short: "Back up the output folder, generation configs and server.env, locally and to S3",
		Long: `Back up what docs/disaster-recovery.md lists as critical: the generated output folder as
output-YYYY-MM-DD.tar.gz, the generation configs (--config-file) as
config-YYYY-MM-DD.tar.gz and the server's environment file as
server.env.YYYY-MM-DD (mode 0600), each with a .sha256 sidecar, in --dest.
A second backup on the same day gets a time suffix. Each archive holds a
manifest with the path, size, mode and SHA-256 of every file.

A kind whose content matches its newest backup is reported unchanged and not
archived again; that backup is first proven intact against its sidecar, and
a damaged one is renamed NAME.damaged (never deleted), reported, and replaced
by a fresh backup. A missing or empty output folder is reported and skipped;
one that holds an unfinished generation (.datasynth.tmp-*) is not archived.
With --s3 the backups are mirrored to S3: only new or changed files are
uploaded (judged by SHA-256), each upload is checked by reading its checksum
back, and credentials come from the standard AWS chain (environment, shared
files, instance role). The retention window (--retention) is applied locally
and on S3, anchored to the newest complete backup; the newest is never
deleted, nor is anything this run wrote. A backup dated more than an hour
in the future (a skewed clock) is kept, reported and never taken as the
newest. Nothing is deleted in a run that failed.

The output folder is kept as an archive of its files, or as a recipe: what
regenerates it (its config, the generator version and its run manifest,
recipe-YYYY-MM-DD.tar.gz, a few kilobytes). --output-mode auto (the
default) keeps a recipe when the folder is a complete, unedited generator
run, one of --config-file made it, and a regeneration with the installed
datasynth-data has been proven byte-identical (again every --prove-every);
otherwise it archives, and says why in one line. --output-mode recipe makes
any of that an error; --output-mode archive always archives.

Secrets: with --encrypt-to or --recipients-file (age public keys: age1...,
ssh-ed25519 ..., ssh-rsa ...) the environment file, the files given with
--secret-file and the Kubernetes Secret are written only encrypted, as
NAME.YYYY-MM-DD.age, locally and in S3; the age command or dsops restore
--identity reads them back. Without recipients the environment file is
copied as it is (mode 0600) and the run says so.

With --kubernetes-namespace the ConfigMap datasynth-config and the Secret
datasynth-api-keys are exported with kubectl (as kubectl get -o yaml, less
the fields a re-apply must not carry) as k8s-configmap.YYYY-MM-DD.yaml and
k8s-secret.YYYY-MM-DD.yaml.age; the Secret only encrypted, unless
--allow-plaintext-secrets.

With --check nothing is written: every local backup is hashed and compared
with its sidecar, and with --s3 every object is compared with its sidecar
and the local copy (--read-data downloads and hashes each object too).

With --schedule the command stays running and takes a backup at every time
the cron expression names, never two at once.

Settings come from flags, then DSOPS_* environment variables (DSOPS_DEST,
DSOPS_S3_ENDPOINT, ...), then the settings file, then the defaults.

Exit codes:
  0  the backup is complete (and uploaded, with --s3); with --check, every
     backup is intact
  1  the backup is complete but a damaged backup was found and renamed
     aside, or a recipe's proof failed and the output was archived instead;
     with --check, a backup is damaged, incomplete or missing
  2  the backup failed or could not run; the message says what and where`,
		Example: `  dsops backup
  dsops backup --s3 s3://backups/datasynth --retention 30d
  dsops backup --dry-run
  dsops backup --check --s3 s3://backups/datasynth --read-data
  dsops backup --recipients-file /etc/datasynth/backup-recipients.txt --kubernetes-namespace datasynth
  dsops backup --output-mode recipe --config-file /etc/datasynth/manufacturing.yaml
  dsops backup --schedule "0 2 * * *" --metrics-file /var/lib/node_exporter/textfile/dsops_backup.prom`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			v, err := loadSettings(cmd, o.settings)
			if err != nil {
				return err
			}
			opts, spec, err := o.resolve(v, g, cmd)
			if err != nil {
				return err
			}
			if o.readData && !o.check {
				return errors.New("--read-data goes with --check: it downloads every S3 object to hash it")
			}
			if o.check {
				if spec != "" || opts.DryRun {
					return errors.New("--check reads the backups and writes nothing: leave out --schedule and --dry-run")
				}
				_, err := backup.Check(cmd.Context(), backup.CheckOptions{Dest: opts.Dest, S3: opts.S3, ReadData: o.readData, Out: g.stdout}, g.logger())
				return err
			}
			if spec == "" {
				_, err := backup.Run(cmd.Context(), opts, g.logger())
				return err
			}
			log := g.serviceLogger(cmd)
			opts.Progress, opts.Out = nil, io.Discard
			return schedule.Run(cmd.Context(), spec, func(ctx context.Context) error {
				_, err := backup.Run(ctx, opts, log)
				return err
			}, log)
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.settings, "settings", "", "settings `file` (default "+defaultSettings+" if it exists; env DSOPS_SETTINGS)")
	f.StringVar(&o.outputDir, "output-dir", backup.DefaultOutputDir, "generated output `folder` to archive")
	f.StringVar(&o.envFile, "env-file", backup.DefaultEnvFile, "server environment `file` to copy (mode 0600); none to skip it. Only the default may be missing")
	f.StringArrayVar(&o.configFiles, "config-file", nil, "generation config `file` to back up (repeatable)")
	f.StringVar(&o.dest, "dest", backup.DefaultDest, "backup `folder`")
	o.s3.register(f, true)
	f.StringVar(&o.retention, "retention", "30d", "keep backups this long before the newest one (`window`: 30d, 4w, 36h)")
	f.BoolVar(&o.dryRun, "dry-run", false, "print what would be archived, uploaded and deleted, and change nothing")
	f.StringVar(&o.metricsFile, "metrics-file", "", "write node_exporter textfile metrics to `file` after each run")
	f.StringVar(&o.schedule, "schedule", "", "keep running and back up on this cron `schedule` (\"0 2 * * *\", @daily)")
	f.IntVar(&o.level, "compression-level", archive.DefaultLevel, "gzip `level`, 1 (fastest) to 9 (smallest)")
	f.BoolVar(&o.check, "check", false, "write nothing: re-read every backup in --dest (and --s3) and report damaged, incomplete or missing ones")
	f.BoolVar(&o.readData, "read-data", false, "with --check, download every S3 object and hash it instead of trusting its metadata")
	f.StringArrayVar(&o.encryptTo, "encrypt-to", nil, "encrypt the secrets with age to this public `recipient` (age1..., ssh-ed25519 ...; repeatable)")
	f.StringArrayVar(&o.recipients, "recipients-file", nil, "encrypt the secrets to the recipients in this `file`, one per line (repeatable)")
	f.StringArrayVar(&o.secretFiles, "secret-file", nil, "another `file` holding secrets, kept only encrypted as NAME.DATE.age (repeatable; needs recipients)")
	f.StringVar(&o.kube.Namespace, "kubernetes-namespace", "", "export the ConfigMap and Secret of this `namespace` with kubectl")
	f.StringVar(&o.kube.Kubeconfig, "kubeconfig", "", "kubeconfig `file` for kubectl (default: kubectl's own)")
	f.StringVar(&o.kube.ConfigMap, "kubernetes-configmap", kube.DefaultConfigMap, "`name` of the ConfigMap to export")
	f.StringVar(&o.kube.Secret, "kubernetes-secret", kube.DefaultSecret, "`name` of the Secret to export")
	f.BoolVar(&o.allowPlain, "allow-plaintext-secrets", false, "store the Kubernetes Secret unencrypted when there are no recipients")
	f.StringVar(&o.outputMode, "output-mode", backup.OutputAuto, "keep the output folder as an archive, a recipe, or auto (a recipe when it holds, else an archive)")
	f.StringVar(&o.proveEvery, "prove-every", "7d", "prove a recipe by regenerating it again after this long (`window`: 7d, 1w, 36h)")
	f.StringVar(&o.lockFile, "lock", "", "lock `file` from dsops pin for the output; its image and git tag go into the recipe")
	f.StringVar(&o.generator, "generator", "", "datasynth-data `program` that proves recipes (default: datasynth-data on PATH)")
	return cmd
}

// resolve turns the merged settings into library options and the schedule.
func (o *backupOptions) resolve(v *viper.Viper, g *globals, cmd *cobra.Command) (backup.Options, string, error) {
	window, err := retention.ParseWindow(v.GetString("retention"))
	if err != nil {
		return backup.Options{}, "", fmt.Errorf("--%w", err)
	}
	level := v.GetInt("compression-level")
	if level < 1 || level > 9 {
		return backup.Options{}, "", fmt.Errorf("--compression-level %d: must be 1 (fastest) to 9 (smallest)", level)
	}
	spec := v.GetString("schedule")
	if spec != "" {
		if _, err := schedule.Parse(spec); err != nil {
			return backup.Options{}, "", err
		}
	}
	s3, err := o.s3.load(v)
	if err != nil {
		return backup.Options{}, "", err
	}
	if s3.URL != "" {
		if _, err := s3sync.ParseURL(s3.URL); err != nil {
			return backup.Options{}, "", err
		}
	}
	// "none" opts out of the environment file; any path other than the
	// default must exist, so that a typo cannot drop the secrets silently.
	envFile := v.GetString("env-file")
	envRequired := envFile != backup.DefaultEnvFile
	if envFile == "none" {
		envFile, envRequired = "", false
	}
	recipients, err := secrets.ParseRecipients(v.GetStringSlice("encrypt-to"), v.GetStringSlice("recipients-file"))
	if err != nil {
		return backup.Options{}, "", err
	}
	mode := v.GetString("output-mode")
	if !slices.Contains(backup.OutputModes, mode) {
		return backup.Options{}, "", fmt.Errorf("--output-mode %q: want one of %s", mode, strings.Join(backup.OutputModes, ", "))
	}
	proveEvery, err := retention.ParseWindow(v.GetString("prove-every"))
	if err != nil {
		return backup.Options{}, "", fmt.Errorf("--prove-every: %w", err)
	}
	return backup.Options{
		Recipients:  recipients,
		SecretFiles: v.GetStringSlice("secret-file"),
		Kubernetes: kube.Options{
			Namespace:  v.GetString("kubernetes-namespace"),
			Kubeconfig: v.GetString("kubeconfig"),
			ConfigMap:  v.GetString("kubernetes-configmap"),
			Secret:     v.GetString("kubernetes-secret"),
		},
		AllowPlaintextSecrets: v.GetBool("allow-plaintext-secrets"),
		OutputMode:            mode,
		Recipes: &recipe.Maker{
			ConfigFiles: v.GetStringSlice("config-file"),
			LockFile:    v.GetString("lock"),
			Generator:   v.GetString("generator"),
			ProveEvery:  proveEvery,
			Log:         g.logger(),
		},
		OutputDir:       v.GetString("output-dir"),
		EnvFile:         envFile,
		EnvFileRequired: envRequired,
		ConfigFiles:     v.GetStringSlice("config-file"),
		Dest:            v.GetString("dest"),
		S3:              s3,
		Retention:       window,
		DryRun:          v.GetBool("dry-run"),
		MetricsFile:     v.GetString("metrics-file"),
		Level:           level,
		Progress:        backupProgress(g.stderr),
		Out:             g.stdout,
	}, spec, nil
}

// loadSettings merges flags, DSOPS_* environment and the settings file, in
// that order of precedence, over the flag defaults.
func loadSettings(cmd *cobra.Command, file string) (*viper.Viper, error) {
	v := viper.New()
	v.SetEnvPrefix("DSOPS")
	v.SetEnvKeyReplacer(strings.NewReplacer("-", "_"))
	v.AutomaticEnv()
	var bindErr error
	cmd.Flags().VisitAll(func(f *pflag.Flag) {
		if err := v.BindPFlag(f.Name, f); err != nil && bindErr == nil {
			bindErr = err
		}
	})
	if bindErr != nil {
		return nil, bindErr
	}
	explicit := file != ""
	if !explicit {
		file = os.Getenv("DSOPS_SETTINGS")
		explicit = file != ""
	}
	if !explicit {
		file = defaultSettings
	}
	v.SetConfigFile(file)
	v.SetConfigType("yaml")
	if err := v.ReadInConfig(); err != nil {
		if !explicit && errors.Is(err, fs.ErrNotExist) {
			return v, nil
		}
		return nil, fmt.Errorf("settings file %s: %w", file, err)
	}
	for _, k := range v.AllKeys() {
		if !slices.Contains(settingsKeys, k) && cmd.Flags().Lookup(k) == nil {
			return nil, fmt.Errorf("settings file %s: unknown key %q; known keys: %s", file, k, strings.Join(settingsKeys, ", "))
		}
	}
	return v, nil
}

// serviceLogger is the logger of a long-running scheduler: JSON lines at
// info level unless --log-level says otherwise.
func (g *globals) serviceLogger(cmd *cobra.Command) *slog.Logger {
	level := g.logLevel
	if !cmd.Flags().Changed("log-level") {
		level = slog.LevelInfo
	}
	return slog.New(slog.NewJSONHandler(g.stderr, &slog.HandlerOptions{Level: level}))
}

// bar adapts a terminal progress bar to the library's Progress.
type bar struct{ *progressbar.ProgressBar }

func (b bar) Add(n int64) { b.Add64(n) }
func (b bar) Done()       { b.Finish(); b.ProgressBar.Close() }

// newBar returns a progress bar factory drawing on w when w is a terminal,
// and nil otherwise, so logs and pipes get no control characters.
func newBar(w io.Writer) func(label string, total int64) bar {
	f, ok := w.(*os.File)
	if !ok || !term.IsTerminal(int(f.Fd())) {
		return nil
	}
	return func(label string, total int64) bar {
		return bar{progressbar.NewOptions64(total,
			progressbar.OptionSetWriter(f),
			progressbar.OptionSetDescription(label),
			progressbar.OptionShowBytes(true),
			progressbar.OptionShowCount(),
			progressbar.OptionThrottle(200*time.Millisecond),
			progressbar.OptionClearOnFinish(),
		)}
	}
}

func backupProgress(w io.Writer) func(string, int64) backup.Progress {
	nb := newBar(w)
	if nb == nil {
		return nil
	}
	return func(label string, total int64) backup.Progress { return nb(label, total) }
}

func restoreProgress(w io.Writer) func(string, int64) restore.Progress {
	nb := newBar(w)
	if nb == nil {
		return nil
	}
	return func(label string, total int64) restore.Progress { return nb(label, total) }
}
