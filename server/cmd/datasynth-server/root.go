package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"datasynth.dev/engine/generate"
	"datasynth.dev/server"
	"datasynth.dev/server/auth"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	"github.com/spf13/viper"
)

// Exit codes, listed in the help.
const (
	exitOK      = 0
	exitFailure = 1 // the server could not run (address in use, unreadable keys)
	exitUsage   = 2 // invalid flags or environment
)

const exitCodesHelp = `
Exit codes:
  0  stopped by SIGTERM or SIGINT after draining
  1  the server could not run (for example the address is in use, or the
     API keys file is unreadable)
  2  invalid flags or environment values`

type usageError struct{ err error }

func (e *usageError) Error() string { return e.err.Error() }
func (e *usageError) Unwrap() error { return e.err }

// run executes the command line and returns the exit code.
func run(args []string, stdout, stderr io.Writer) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	root := newRootCmd(stdout, stderr)
	root.SetArgs(args)
	err := root.ExecuteContext(ctx)
	if err == nil {
		return exitOK
	}
	fmt.Fprintln(stderr, "datasynth-server:", err)
	var ue *usageError
	if errors.As(err, &ue) {
		return exitUsage
	}
	return exitFailure
}

// envPrefix: every flag is also read from DATASYNTH_<FLAG>, dashes as
// underscores (--rate-limit: DATASYNTH_RATE_LIMIT).
const envPrefix = "DATASYNTH"

func newRootCmd(stdout, stderr io.Writer) *cobra.Command {
	v := viper.New()
	d := server.Defaults()
	cmd := &cobra.Command{
		Use:   "datasynth-server [flags]",
		Short: "Serve deterministic synthetic accounting data over HTTP and WebSocket",
		Long: `datasynth-server answers health, readiness and metrics probes, keeps a
generation config in memory, streams bulk generations (NDJSON, CSV or a
tar.gz of the whole dataset, byte-identical to datasynth-data) and serves
journal entries as WebSocket events. It keeps no state on disk: restart it
at any time.

Every flag can also be set in the environment as DATASYNTH_<FLAG> with
dashes as underscores, for example DATASYNTH_API_KEYS=key1,key2 or
DATASYNTH_RATE_LIMIT=50; a flag on the command line wins over the
environment. SIGHUP re-reads --config and --api-keys-file; SIGTERM and
SIGINT drain and stop.` + "\n" + exitCodesHelp,
		Example: `  datasynth-server --config /etc/datasynth/config.yaml
  DATASYNTH_API_KEYS=$(openssl rand -hex 24) datasynth-server --listen 127.0.0.1:3000
  datasynth-server --log-format text --rate-limit 0`,
		Version:       fmt.Sprintf("%s (generator %s, commit %s)", version, generate.GeneratorVersion, commit),
		SilenceUsage:  true,
		SilenceErrors: true,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) > 0 {
				return &usageError{fmt.Errorf("datasynth-server takes no arguments, got %q; see --help", args)}
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, _ []string) error {
			opts, err := options(v, stderr)
			if err != nil {
				return &usageError{err}
			}
			return server.Run(cmd.Context(), opts)
		},
	}
	cmd.SetOut(stdout)
	cmd.SetErr(stderr)
	cmd.SetVersionTemplate("datasynth-server {{.Version}}\n")
	cmd.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return &usageError{err} })

	f := cmd.Flags()
	f.String("listen", d.Listen, "TCP address to listen on")
	f.String("config", "", "generation config (YAML) loaded at start and on reload; default: the embedded demo config")
	f.String("api-keys", "", "comma-separated API keys (prefer DATASYNTH_API_KEYS or --api-keys-file: flags show in ps)")
	f.String("api-keys-file", "", "file of API keys, one per line (# comments allowed), re-read on reload")
	f.Float64("rate-limit", d.RateLimit, "requests per second per client (API key, else address); 0 turns limiting off")
	f.Int("rate-burst", d.RateBurst, "requests a client may send at once before the rate applies")
	f.String("max-body", "1MiB", "largest request body (e.g. 512KiB, 4MiB)")
	f.Duration("drain-timeout", d.DrainTimeout, "on SIGTERM, how long requests in flight may take before connections are cut")
	f.Duration("shutdown-delay", 0, "on SIGTERM, keep serving (not ready) this long before draining, so load balancers notice")
	f.String("log-format", "json", "log format: json or text")
	f.String("log-level", "info", "log level: debug, info, warn or error")
	f.Duration("read-header-timeout", d.ReadHeaderTimeout, "time allowed to read request headers")
	f.Duration("read-timeout", d.ReadTimeout, "time allowed to read a whole request")
	f.Duration("write-timeout", d.WriteTimeout, "time allowed for each write of a response; a client that reads nothing for this long is cut off")
	f.Duration("idle-timeout", d.IdleTimeout, "how long an idle keep-alive connection stays open")
	f.String("work-dir", d.WorkDir, "folder for staging tar.gz bulk responses; /ready checks its free space")
	f.String("min-free-disk", "256MiB", "/ready fails when --work-dir has less free space than this")
	f.Int("max-bulk-jobs", d.MaxBulkJobs, "concurrent bulk generations; more get 503 with Retry-After")
	f.Int64("max-bulk-entries", d.MaxBulkEntries, "largest entry_count of one bulk request")
	f.Int("bulk-threads", 0, "generating goroutines per bulk job (0: one per CPU); never changes the output")
	f.Int("stream-buffer", d.StreamBuffer, "events a WebSocket client may fall behind before it is closed as too slow")
	f.Int("max-events-per-second", d.MaxEventsPerSecond, "highest events_per_second a /ws/events client may ask for")

	v.SetEnvPrefix(envPrefix)
	v.SetEnvKeyReplacer(strings.NewReplacer("-", "_"))
	v.AutomaticEnv()
	f.VisitAll(func(fl *pflag.Flag) { _ = v.BindPFlag(fl.Name, fl) })
	return cmd
}

// options turns flags and environment into server options.
func options(v *viper.Viper, stderr io.Writer) (server.Options, error) {
	o := server.Defaults()
	o.Version, o.Commit = version, commit
	o.Listen = v.GetString("listen")
	o.ConfigFile = v.GetString("config")
	o.APIKeys = auth.SplitList(v.GetString("api-keys"))
	o.APIKeysFile = v.GetString("api-keys-file")
	var errs []error
	num := func(name string, get func(string) error) {
		if err := get(name); err != nil {
			errs = append(errs, fmt.Errorf("--%s (or %s_%s): %w", name, envPrefix, strings.ToUpper(strings.ReplaceAll(name, "-", "_")), err))
		}
	}
	num("rate-limit", func(n string) (err error) {
		o.RateLimit, err = castFloat(v.GetString(n))
		if err == nil && o.RateLimit < 0 {
			err = fmt.Errorf("%g is negative; give requests per second, or 0 to turn limiting off", o.RateLimit)
		}
		return err
	})
	num("rate-burst", func(n string) (err error) { o.RateBurst, err = castInt(v.GetString(n), 1); return err })
	num("max-body", func(n string) error {
		b, err := parseSize(v.GetString(n))
		o.MaxBody = int64(b)
		if err == nil && b == 0 {
			err = errors.New("must be above 0")
		}
		return err
	})
	num("min-free-disk", func(n string) (err error) { o.MinFreeDisk, err = parseSize(v.GetString(n)); return err })
	dur := func(name string, dst *durationField) {
		num(name, func(n string) (err error) { *dst.d, err = castDuration(v.GetString(n), dst.allowZero); return err })
	}
	dur("drain-timeout", &durationField{&o.DrainTimeout, false})
	dur("shutdown-delay", &durationField{&o.ShutdownDelay, true})
	dur("read-header-timeout", &durationField{&o.ReadHeaderTimeout, false})
	dur("read-timeout", &durationField{&o.ReadTimeout, false})
	dur("write-timeout", &durationField{&o.WriteTimeout, false})
	dur("idle-timeout", &durationField{&o.IdleTimeout, false})
	o.WorkDir = v.GetString("work-dir")
	num("max-bulk-jobs", func(n string) (err error) { o.MaxBulkJobs, err = castInt(v.GetString(n), 1); return err })
	num("max-bulk-entries", func(n string) (err error) {
		var i int
		i, err = castInt(v.GetString(n), 1)
		o.MaxBulkEntries = int64(i)
		return err
	})
	num("bulk-threads", func(n string) (err error) { o.BulkThreads, err = castInt(v.GetString(n), 0); return err })
	num("stream-buffer", func(n string) (err error) { o.StreamBuffer, err = castInt(v.GetString(n), 1); return err })
	num("max-events-per-second", func(n string) (err error) { o.MaxEventsPerSecond, err = castInt(v.GetString(n), 1); return err })

	var level slog.Level
	if err := level.UnmarshalText([]byte(v.GetString("log-level"))); err != nil {
		errs = append(errs, fmt.Errorf("--log-level %q: use debug, info, warn or error", v.GetString("log-level")))
	}
	hopts := &slog.HandlerOptions{Level: level}
	switch lf := v.GetString("log-format"); lf {
	case "json":
		o.Logger = slog.New(slog.NewJSONHandler(stderr, hopts))
	case "text":
		o.Logger = slog.New(slog.NewTextHandler(stderr, hopts))
	default:
		errs = append(errs, fmt.Errorf("--log-format %q: use json or text", lf))
	}
	if len(errs) > 0 {
		return o, errors.Join(errs...)
	}
	return o, nil
}
