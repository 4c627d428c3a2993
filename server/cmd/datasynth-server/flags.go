package main

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"
	"strings"
	"time"

	"datasynth.dev/server"
	"datasynth.dev/server/auth"
	"github.com/dustin/go-humanize"
	"github.com/spf13/pflag"
)

// envPrefix: every flag is also read from DATASYNTH_<FLAG>, dashes as
// underscores (--rate-limit: DATASYNTH_RATE_LIMIT).
const envPrefix = "DATASYNTH"

// envName is the environment variable of a flag.
func envName(flag string) string {
	return envPrefix + "_" + strings.ToUpper(strings.ReplaceAll(flag, "-", "_"))
}

// flagValues are the typed destinations of the flags.
type flagValues struct {
	listen, config, apiKeys, apiKeysFile, workDir, logFormat, logLevel string

	rateLimit                                         float64
	rateBurst, maxBulkJobs, bulkThreads, streamBuffer int
	maxEventsPerSecond, maxStreams, maxStreamsPerKey  int
	maxJobs                                           int
	maxBulkEntries                                    int64
	maxBody, minFreeDisk                              byteSize
	drainTimeout, shutdownDelay, readHeaderTimeout    time.Duration
	readTimeout, writeTimeout, idleTimeout, jobTTL    time.Duration
}

func (v *flagValues) register(f *pflag.FlagSet) {
	d := server.Defaults()
	v.maxBody, v.minFreeDisk = byteSize(d.MaxBody), byteSize(d.MinFreeDisk)
	f.StringVar(&v.listen, "listen", d.Listen, "TCP address to listen on")
	f.StringVarP(&v.config, "config", "c", "", "generation config (YAML) loaded at start and on reload; default: the embedded demo config")
	f.StringVar(&v.apiKeys, "api-keys", "", "comma-separated API keys (prefer DATASYNTH_API_KEYS or --api-keys-file: flags show in ps)")
	f.StringVar(&v.apiKeysFile, "api-keys-file", "", "file of API keys, one per line (# comments allowed), re-read on reload")
	f.Float64Var(&v.rateLimit, "rate-limit", d.RateLimit, "requests per second per client (API key, else address); 0 turns limiting off")
	f.IntVar(&v.rateBurst, "rate-burst", d.RateBurst, "requests a client may send at once before the rate applies")
	f.Var(&v.maxBody, "max-body", "largest request body (e.g. 512KiB, 4MiB)")
	f.DurationVar(&v.drainTimeout, "drain-timeout", d.DrainTimeout, "on SIGTERM, how long requests in flight may take before connections are cut")
	f.DurationVar(&v.shutdownDelay, "shutdown-delay", 0, "on SIGTERM, keep serving (not ready) this long before draining, so load balancers notice")
	f.StringVar(&v.logFormat, "log-format", "json", "log format: json or text")
	f.StringVar(&v.logLevel, "log-level", "info", "log level: debug, info, warn or error")
	f.DurationVar(&v.readHeaderTimeout, "read-header-timeout", d.ReadHeaderTimeout, "time allowed to read request headers")
	f.DurationVar(&v.readTimeout, "read-timeout", d.ReadTimeout, "time allowed to read a whole request, body included")
	f.DurationVar(&v.writeTimeout, "write-timeout", d.WriteTimeout, "time allowed for each write of a response; a client that reads nothing for this long is cut off")
	f.DurationVar(&v.idleTimeout, "idle-timeout", d.IdleTimeout, "how long an idle keep-alive connection stays open")
	f.StringVar(&v.workDir, "work-dir", d.WorkDir, "folder for staging tar.gz bulk responses and keeping the datasets of jobs; /ready checks its free space")
	f.Var(&v.minFreeDisk, "min-free-disk", "/ready fails, and a tar.gz that would leave less is refused, below this free space in --work-dir")
	f.IntVar(&v.maxBulkJobs, "max-bulk-jobs", d.MaxBulkJobs, "concurrent generations of bulk requests and jobs; more bulk requests get 503 with Retry-After, more jobs wait")
	f.Int64Var(&v.maxBulkEntries, "max-bulk-entries", d.MaxBulkEntries, "largest entry_count of one bulk request, and most entries of one job")
	f.DurationVar(&v.jobTTL, "job-ttl", d.JobTTL, "how long a finished job and its dataset are kept for download")
	f.IntVar(&v.maxJobs, "max-jobs", d.MaxJobs, "jobs held at once (queued, running, or finished and kept); more submissions get 503")
	f.IntVar(&v.bulkThreads, "bulk-threads", 0, "generating goroutines per bulk job (0: one per CPU); never changes the output")
	f.IntVar(&v.streamBuffer, "stream-buffer", d.StreamBuffer, "events a WebSocket client may fall behind before it is closed as too slow")
	f.IntVar(&v.maxEventsPerSecond, "max-events-per-second", d.MaxEventsPerSecond, "highest events_per_second a /ws/events client may ask for")
	f.IntVar(&v.maxStreams, "max-streams", d.MaxStreams, "open WebSocket streams the server allows; more get 503")
	f.IntVar(&v.maxStreamsPerKey, "max-streams-per-key", d.MaxStreamsPerKey, "open WebSocket streams one API key (one address, without keys) may have; more get 503")
}

// applyEnv sets every flag not given on the command line from its
// DATASYNTH_* variable, through the flag's own Set: the variable is parsed
// exactly as the flag would be, with the same errors. (viper's binding
// would read the variable back through spf13/cast, which turns text that
// is not a number into 0 without a word.) An empty variable counts as
// unset. It returns the names of the flags the environment set.
func applyEnv(f *pflag.FlagSet, lookup func(string) (string, bool)) (fromEnv map[string]bool, err error) {
	fromEnv = map[string]bool{}
	var errs []error
	f.VisitAll(func(fl *pflag.Flag) {
		if fl.Changed || fl.Name == "help" || fl.Name == "version" {
			return
		}
		name := envName(fl.Name)
		val, ok := lookup(name)
		if !ok || val == "" {
			return
		}
		if err := f.Set(fl.Name, val); err != nil {
			errs = append(errs, fmt.Errorf("%s=%q: %w", name, val, err))
			return
		}
		fromEnv[fl.Name] = true
	})
	return fromEnv, errors.Join(errs...)
}

// resolve completes the parsed flags from the environment and checks them,
// reporting every problem at once.
func (v *flagValues) resolve(f *pflag.FlagSet, lookupEnv func(string) (string, bool), stderr io.Writer) (server.Options, error) {
	fromEnv, envErr := applyEnv(f, lookupEnv)
	o, err := v.options(fromEnv, stderr)
	return o, errors.Join(envErr, err)
}

// options checks the parsed values and turns them into server options.
// Every problem is reported, each naming the flag or the variable it came
// from.
func (v *flagValues) options(fromEnv map[string]bool, stderr io.Writer) (server.Options, error) {
	var errs []error
	bad := func(flag string, val any, format string, args ...any) {
		src := "--" + flag
		if fromEnv[flag] {
			src = envName(flag)
		}
		errs = append(errs, fmt.Errorf("%s %v: %s", src, val, fmt.Sprintf(format, args...)))
	}
	switch {
	case math.IsNaN(v.rateLimit) || math.IsInf(v.rateLimit, 0):
		bad("rate-limit", v.rateLimit, "give requests per second as a finite number, or 0 to turn limiting off")
	case v.rateLimit < 0:
		bad("rate-limit", v.rateLimit, "is negative; give requests per second, or 0 to turn limiting off")
	}
	atLeast := func(flag string, val int64, lo int64) {
		if val < lo {
			bad(flag, val, "is below %d", lo)
		}
	}
	atLeast("rate-burst", int64(v.rateBurst), 1)
	atLeast("max-bulk-jobs", int64(v.maxBulkJobs), 1)
	atLeast("max-bulk-entries", v.maxBulkEntries, 1)
	atLeast("bulk-threads", int64(v.bulkThreads), 0)
	atLeast("stream-buffer", int64(v.streamBuffer), 1)
	atLeast("max-events-per-second", int64(v.maxEventsPerSecond), 1)
	atLeast("max-streams", int64(v.maxStreams), 1)
	atLeast("max-streams-per-key", int64(v.maxStreamsPerKey), 1)
	atLeast("max-jobs", int64(v.maxJobs), 1)
	if v.maxBody == 0 || uint64(v.maxBody) > math.MaxInt64 {
		bad("max-body", v.maxBody.String(), "must be above 0 and below 8 EiB")
	}
	for _, d := range []struct {
		flag string
		d    time.Duration
	}{{"drain-timeout", v.drainTimeout}, {"read-header-timeout", v.readHeaderTimeout},
		{"read-timeout", v.readTimeout}, {"write-timeout", v.writeTimeout}, {"idle-timeout", v.idleTimeout}, {"job-ttl", v.jobTTL}} {
		if d.d <= 0 {
			bad(d.flag, d.d, "must be above 0")
		}
	}
	if v.shutdownDelay < 0 {
		bad("shutdown-delay", v.shutdownDelay, "is negative")
	}
	level, ok := map[string]slog.Level{"debug": slog.LevelDebug, "info": slog.LevelInfo, "warn": slog.LevelWarn, "error": slog.LevelError}[v.logLevel]
	if !ok {
		bad("log-level", fmt.Sprintf("%q", v.logLevel), "use debug, info, warn or error")
	}
	o := server.Options{
		Listen: v.listen, ConfigFile: v.config, APIKeys: auth.SplitList(v.apiKeys), APIKeysFile: v.apiKeysFile,
		RateLimit: v.rateLimit, RateBurst: v.rateBurst, MaxBody: int64(v.maxBody),
		DrainTimeout: v.drainTimeout, ShutdownDelay: v.shutdownDelay,
		ReadHeaderTimeout: v.readHeaderTimeout, ReadTimeout: v.readTimeout, WriteTimeout: v.writeTimeout, IdleTimeout: v.idleTimeout,
		WorkDir: v.workDir, MinFreeDisk: uint64(v.minFreeDisk),
		MaxBulkJobs: v.maxBulkJobs, MaxBulkEntries: v.maxBulkEntries, BulkThreads: v.bulkThreads,
		StreamBuffer: v.streamBuffer, MaxEventsPerSecond: v.maxEventsPerSecond,
		MaxStreams: v.maxStreams, MaxStreamsPerKey: v.maxStreamsPerKey,
		JobTTL: v.jobTTL, MaxJobs: v.maxJobs,
		Version: version, Commit: commit,
	}
	hopts := &slog.HandlerOptions{Level: level, ReplaceAttr: durationText}
	switch v.logFormat {
	case "json":
		o.Logger = slog.New(slog.NewJSONHandler(stderr, hopts))
	case "text":
		o.Logger = slog.New(slog.NewTextHandler(stderr, hopts))
	default:
		bad("log-format", fmt.Sprintf("%q", v.logFormat), "use json or text")
	}
	return o, errors.Join(errs...)
}

// byteSize is a flag value for a size in bytes, read by go-humanize: a
// number with an optional unit, SI (kB, MB, GB: powers of 1000) or IEC
// (KiB, MiB, GiB: powers of 1024). Fractions such as 1.5MiB are rounded
// down.
type byteSize uint64

func (b *byteSize) Set(s string) error {
	n, err := humanize.ParseBytes(strings.TrimSpace(s))
	if err != nil {
		return fmt.Errorf("%q is not a size such as 1048576, 512KiB or 1GiB", s)
	}
	*b = byteSize(n)
	return nil
}

func (b *byteSize) String() string { return strings.ReplaceAll(humanize.IBytes(uint64(*b)), " ", "") }

func (b *byteSize) Type() string { return "size" }

// durationText logs a duration as Go writes it ("30s", "1.5ms"), also one
// logged by the engine: slog's JSON handler would write nanoseconds.
func durationText(_ []string, a slog.Attr) slog.Attr {
	if a.Value.Kind() == slog.KindDuration {
		a.Value = slog.StringValue(a.Value.Duration().String())
	}
	return a
}
