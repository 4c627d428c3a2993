// Package server is datasynth-server: a stateless HTTP service that
// generates the same data as datasynth-data, on request and as streams.
//
// The server keeps nothing that outlives the process. The generation config
// is read from a file at start (or the embedded demo config when there is
// none) and lives in memory; POST /api/config replaces it until the next
// restart or reload, POST /api/config/reload and SIGHUP read the file again.
// A config that fails validation never replaces a working one. A keys file
// that fails to reload is the opposite case: the keys in use may include
// one being revoked, so the server accepts no key at all until the file
// reads cleanly again, and says so in /ready and in a metric.
//
// Lifecycle: Serve answers until its context ends, then drains: /ready turns
// 503 at once, WebSocket streams get a close frame, requests in flight get
// up to DrainTimeout to finish, and only then are connections cut. Under
// systemd, Run reports READY=1, STOPPING=1 and RELOADING=1 and feeds the
// watchdog while the server answers its own /live.
//
// This package wires the parts together and serves the probes and the
// config endpoints; each other job has a package of its own, and the
// imports point one way, away from this package:
//
//	server ──┬── router ─── auth, ratelimit
//	         ├── stream ──┐
//	         ├── jobs ────┤
//	         ├── bulk ◄───┘
//	         └── notify
//
// router, stream, jobs and bulk answer through httpapi (the JSON and error
// conventions) and count in metrics; bulk and stream use the engine. None
// of them imports this package or the router.
package server

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"runtime"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"datasynth.dev/engine/config"
	"datasynth.dev/engine/generate"
	"datasynth.dev/server/auth"
	"datasynth.dev/server/bulk"
	"datasynth.dev/server/httpapi"
	"datasynth.dev/server/jobs"
	"datasynth.dev/server/metrics"
	"datasynth.dev/server/notify"
	"datasynth.dev/server/ratelimit"
	"datasynth.dev/server/router"
	"datasynth.dev/server/stream"
	"github.com/dustin/go-humanize"
)

// Options configure a server. The zero value of a field means its default
// (see Defaults) except where said otherwise.
type Options struct {
	// Listen is the TCP address, default ":3000".
	Listen string
	// ConfigFile is the generation config read at start and on reload.
	// Empty: the embedded demo config, and reload answers 409.
	ConfigFile string
	// APIKeys are accepted keys; APIKeysFile names a file of more keys
	// (one per line), read again on reload. No keys at all: no
	// authentication.
	APIKeys     []string
	APIKeysFile string
	// RateLimit is requests per second per client; 0 turns limiting off
	// (Defaults sets it on). RateBurst is the bucket size.
	RateLimit float64
	RateBurst int
	// MaxBody is the largest request body in bytes.
	MaxBody int64
	// DrainTimeout bounds how long requests in flight may take after a
	// shutdown signal. ShutdownDelay keeps serving, not ready, for that
	// long first, so that load balancers stop sending traffic.
	DrainTimeout  time.Duration
	ShutdownDelay time.Duration

	ReadHeaderTimeout time.Duration
	ReadTimeout       time.Duration
	// WriteTimeout bounds each write of a response: a client that accepts
	// no data for that long is cut off. Long bulk responses are fine as
	// long as the client keeps reading.
	WriteTimeout time.Duration
	IdleTimeout  time.Duration

	// WorkDir holds the staging folders of tar.gz bulk responses; /ready
	// fails when it has less than MinFreeDisk bytes free, and a tar.gz
	// that would leave less is refused.
	WorkDir     string
	MinFreeDisk uint64

	// MaxBulkJobs bounds concurrent generations, bulk requests and jobs
	// together; beyond it a bulk request is answered 503 with Retry-After
	// and a job waits in its queue. MaxBulkEntries bounds entry_count and
	// a job's entries. BulkThreads is the generating goroutines per
	// generation (0: one per CPU).
	MaxBulkJobs    int
	MaxBulkEntries int64
	BulkThreads    int

	// JobTTL is how long a finished job and its dataset are kept;
	// MaxJobs caps the jobs held at once (queued, running, kept).
	JobTTL  time.Duration
	MaxJobs int

	// StreamBuffer is how many events a WebSocket client may fall behind
	// before it is closed as too slow. MaxEventsPerSecond bounds the rate a
	// client may ask for. MetricsInterval is the /ws/metrics period.
	// MaxStreams caps the open WebSocket streams, MaxStreamsPerKey those of
	// one API key (one address without keys).
	StreamBuffer       int
	MaxEventsPerSecond int
	MetricsInterval    time.Duration
	MaxStreams         int
	MaxStreamsPerKey   int

	Version string
	Commit  string
	Logger  *slog.Logger

	// now is the clock of the rate limiter (tests set it).
	now func() time.Time
	// freeBytes measures the work folder's free space (tests set it).
	freeBytes func(string) (uint64, error)
	// afterFunc times the expiry of jobs (tests set it).
	afterFunc func(time.Duration, func()) func() bool
}

// Defaults returns the documented defaults.
func Defaults() Options {
	return Options{
		Listen:             ":3000",
		RateLimit:          100,
		RateBurst:          200,
		MaxBody:            1 << 20,
		DrainTimeout:       30 * time.Second,
		ReadHeaderTimeout:  5 * time.Second,
		ReadTimeout:        30 * time.Second,
		WriteTimeout:       30 * time.Second,
		IdleTimeout:        120 * time.Second,
		WorkDir:            os.TempDir(),
		MinFreeDisk:        256 << 20,
		MaxBulkJobs:        2,
		MaxBulkEntries:     100_000_000,
		JobTTL:             time.Hour,
		MaxJobs:            100,
		StreamBuffer:       64,
		MaxEventsPerSecond: 10_000,
		MetricsInterval:    time.Second,
		MaxStreams:         500,
		MaxStreamsPerKey:   20,
		Version:            "dev",
		Commit:             "unknown",
	}
}

// fill replaces zero fields with defaults. RateLimit is taken as given: 0
// means off.
func (o *Options) fill() {
	d := Defaults()
	set := func(v *time.Duration, def time.Duration) {
		if *v <= 0 {
			*v = def
		}
	}
	positive := func(v *int, def int) {
		if *v <= 0 {
			*v = def
		}
	}
	if o.Listen == "" {
		o.Listen = d.Listen
	}
	if o.RateBurst <= 0 {
		o.RateBurst = max(1, int(o.RateLimit*2))
	}
	if o.MaxBody <= 0 {
		o.MaxBody = d.MaxBody
	}
	set(&o.DrainTimeout, d.DrainTimeout)
	set(&o.ReadHeaderTimeout, d.ReadHeaderTimeout)
	set(&o.ReadTimeout, d.ReadTimeout)
	set(&o.WriteTimeout, d.WriteTimeout)
	set(&o.IdleTimeout, d.IdleTimeout)
	set(&o.MetricsInterval, d.MetricsInterval)
	if o.WorkDir == "" {
		o.WorkDir = d.WorkDir
	}
	positive(&o.MaxBulkJobs, d.MaxBulkJobs)
	if o.MaxBulkEntries <= 0 {
		o.MaxBulkEntries = d.MaxBulkEntries
	}
	positive(&o.BulkThreads, runtime.NumCPU())
	set(&o.JobTTL, d.JobTTL)
	positive(&o.MaxJobs, d.MaxJobs)
	positive(&o.StreamBuffer, d.StreamBuffer)
	positive(&o.MaxEventsPerSecond, d.MaxEventsPerSecond)
	positive(&o.MaxStreams, d.MaxStreams)
	positive(&o.MaxStreamsPerKey, d.MaxStreamsPerKey)
	if o.Version == "" {
		o.Version = d.Version
	}
	if o.Commit == "" {
		o.Commit = d.Commit
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.now == nil {
		o.now = time.Now
	}
	if o.freeBytes == nil {
		o.freeBytes = bulk.FreeBytes
	}
}

// loaded is a generation config in use.
type loaded struct {
	cfg      *config.Config
	source   string // file name, "demo.yaml (embedded)" or "POST /api/config"
	text     []byte // the YAML as given
	loadedAt time.Time
}

// Server is one datasynth-server. Create it with New.
type Server struct {
	opts    Options
	log     *slog.Logger
	metrics *metrics.Set
	handler http.Handler
	bulk    *bulk.Service
	streams *stream.Hub
	queue   *jobs.Queue

	cfg    atomic.Pointer[loaded]
	cfgErr atomic.Pointer[string] // why no config is loaded, while cfg is nil
	keys   atomic.Pointer[auth.Keys]
	// keysErr is why the keys file failed to reload; while it is set no
	// key is accepted.
	keysErr      atomic.Pointer[error]
	reloadMu     sync.Mutex
	draining     atomic.Bool
	healthPrefix []byte
	// notify speaks sd_notify when Run serves under systemd.
	notify *notify.Notifier

	// base is the parent context of requests and streams; it is
	// cancelled when the drain timeout runs out.
	base       context.Context
	cancelBase context.CancelFunc
}

// ErrNoConfigFile is returned by Reload when the server was started
// without a config file.
var ErrNoConfigFile = errors.New("the server was started without --config; there is no file to reload (POST /api/config sets a config in memory)")

// New checks opts and loads the config and API keys. An invalid config
// file is not an error: the server starts, logs the problems and is not
// ready until a valid config is loaded. Unreadable API keys are an error:
// the server never runs with fewer keys than asked for. New also removes
// the staging folders that a killed server left in the work folder.
func New(opts Options) (*Server, error) {
	opts.fill()
	s := &Server{
		opts: opts,
		log:  opts.Logger,
		metrics: metrics.New(metrics.Build{
			Version: opts.Version, Commit: opts.Commit, GeneratorVersion: generate.GeneratorVersion,
		}),
	}
	s.base, s.cancelBase = context.WithCancel(context.Background())
	keys, err := s.loadKeys()
	if err != nil {
		return nil, err
	}
	s.keys.Store(keys)
	if !keys.Enabled() {
		s.log.Warn("no API keys configured: every endpoint is open; set DATASYNTH_API_KEYS or --api-keys-file")
	}
	if opts.ConfigFile == "" {
		cfg, err := config.Demo()
		if err != nil {
			return nil, fmt.Errorf("embedded demo config: %w", err)
		}
		s.cfg.Store(&loaded{cfg: cfg, source: config.DemoName, text: config.DemoYAML(), loadedAt: time.Now()})
	} else if err := s.loadFile(); err != nil {
		msg := err.Error()
		s.cfgErr.Store(&msg)
		s.log.Error("config not loaded; /ready answers 503 until a valid config is loaded", "file", opts.ConfigFile, "error", err)
	}
	bulk.RemoveStale(opts.WorkDir, s.log)
	s.healthPrefix = healthPrefix(opts)
	s.bulk = bulk.New(bulk.Options{
		Config: s.config, Log: s.log, Metrics: s.metrics,
		WorkDir: opts.WorkDir, MinFreeDisk: opts.MinFreeDisk, FreeBytes: opts.freeBytes,
		MaxJobs: opts.MaxBulkJobs, MaxEntries: opts.MaxBulkEntries, Threads: opts.BulkThreads,
		WriteTimeout: opts.WriteTimeout, ProgramVersion: opts.Version,
	})
	s.streams = stream.New(stream.Options{
		Log: s.log, Metrics: s.metrics, Jobs: s.base,
		Plan: func(seed *uint64, inject *bool) (*bulk.Plan, *httpapi.RequestError) {
			return s.bulk.Plan(&bulk.Request{Seed: seed, InjectAnomalies: inject})
		},
		Snapshot: s.snapshot, Draining: s.draining.Load,
		Buffer: opts.StreamBuffer, MaxEventsPerSecond: opts.MaxEventsPerSecond, MetricsInterval: opts.MetricsInterval,
		WriteTimeout: opts.WriteTimeout, MaxStreams: opts.MaxStreams, MaxPerKey: opts.MaxStreamsPerKey,
	})
	s.queue = jobs.New(jobs.Options{
		Bulk: s.bulk, Config: s.config, Log: s.log, Metrics: s.metrics, TTL: opts.JobTTL, MaxJobs: opts.MaxJobs,
		MaxEntries: opts.MaxBulkEntries, AfterFunc: opts.afterFunc,
	})
	s.handler = s.routes()
	s.updateReady()
	return s, nil
}

// routes registers every endpoint (docs/server.md) with a router.
func (s *Server) routes() http.Handler {
	var limiter *ratelimit.Limiter
	if s.opts.RateLimit > 0 {
		limiter = ratelimit.New(s.opts.RateLimit, s.opts.RateBurst)
	}
	rt := router.New(router.Options{
		Log: s.log, Metrics: s.metrics, MaxBody: s.opts.MaxBody,
		Keys: s.apiKeys, Limiter: limiter, Now: s.opts.now,
	})
	get, post := http.MethodGet, http.MethodPost
	rt.Handle(get, "/health", router.Public, s.handleHealth)
	rt.Handle(get, "/live", router.Public, s.handleLive)
	rt.Handle(get, "/ready", router.Public, s.handleReady)
	rt.Handle(get, "/metrics", router.Public, s.handlePrometheus)
	rt.Handle(get, "/api/metrics", router.Protected, s.handleMetricsJSON)
	rt.Handle(get, "/api/config", router.Protected, s.handleGetConfig)
	rt.Handle(post, "/api/config", router.Protected, s.handlePostConfig)
	rt.Handle(post, "/api/config/reload", router.Protected, s.handleReload)
	rt.Handle(post, "/api/generate/bulk", router.Protected, s.bulk.HandleBulk)
	rt.Handle(post, "/api/generate/plan", router.Protected, s.bulk.HandlePlan)
	for _, action := range []string{"start", "stop", "pause", "resume"} {
		rt.Handle(post, "/api/stream/"+action, router.Protected, s.streams.HandleControl(action))
	}
	rt.Handle(post, "/api/stream/trigger/{pattern}", router.Protected, s.streams.HandleTrigger)
	rt.Handle(get, "/api/stream/status", router.Protected, s.streams.HandleStatus)
	rt.Handle(post, "/api/jobs/submit", router.Protected, s.queue.HandleSubmit)
	rt.Handle(get, "/api/jobs", router.Protected, s.queue.HandleList)
	rt.Handle(get, "/api/jobs/{id}", router.Protected, s.queue.HandleGet)
	rt.Handle(post, "/api/jobs/{id}/cancel", router.Protected, s.queue.HandleCancel)
	rt.Handle(get, "/api/jobs/{id}/download", router.Protected, s.queue.HandleDownload)
	rt.Handle(get, "/ws/events", router.Protected, s.streams.HandleEvents)
	rt.Handle(get, "/ws/metrics", router.Protected, s.streams.HandleMetrics)
	return rt
}

// Handler returns the HTTP handler of the server.
func (s *Server) Handler() http.Handler { return s.handler }

// Metrics returns the server's metrics.
func (s *Server) Metrics() *metrics.Set { return s.metrics }

// config is the config in use, nil when none is loaded.
func (s *Server) config() *config.Config {
	if l := s.cfg.Load(); l != nil {
		return l.cfg
	}
	return nil
}

// apiKeys is the key set in use, or why none can be trusted.
func (s *Server) apiKeys() (*auth.Keys, error) {
	if e := s.keysErr.Load(); e != nil {
		return nil, *e
	}
	return s.keys.Load(), nil
}

func (s *Server) snapshot() metrics.Snapshot {
	s.updateReady()
	return s.metrics.Snapshot()
}

func (s *Server) loadKeys() (*auth.Keys, error) {
	list := append([]string(nil), s.opts.APIKeys...)
	if s.opts.APIKeysFile != "" {
		data, err := os.ReadFile(s.opts.APIKeysFile)
		if err != nil {
			return nil, fmt.Errorf("reading API keys: %w", err)
		}
		fromFile := auth.ParseFile(data)
		if len(fromFile) == 0 {
			return nil, fmt.Errorf("API keys file %s holds no key; add one per line or drop --api-keys-file", s.opts.APIKeysFile)
		}
		list = append(list, fromFile...)
	}
	keys, err := auth.New(list)
	if err != nil {
		return nil, fmt.Errorf("API keys: %w", err)
	}
	return keys, nil
}

// loadFile reads and checks the config file and puts it in use.
func (s *Server) loadFile() error {
	data, err := config.ReadFile(s.opts.ConfigFile)
	if err != nil {
		return err
	}
	cfg, err := config.Parse(s.opts.ConfigFile, data)
	if err != nil {
		return err
	}
	s.useConfig(&loaded{cfg: cfg, source: s.opts.ConfigFile, text: data, loadedAt: time.Now()})
	return nil
}

func (s *Server) useConfig(l *loaded) {
	s.cfg.Store(l)
	s.cfgErr.Store(nil)
	for _, w := range l.cfg.Warnings {
		s.log.Warn("config warning", "warning", w.String())
	}
	s.log.Info("config in use", "source", l.source, "entries", l.cfg.TotalEntries(), "companies", len(l.cfg.Companies), "hash", l.cfg.Hash(l.cfg.Global.Seed))
	s.updateReady()
}

// Reload reads the config file and the API keys file again. A config that
// fails keeps the config in use. A keys file that fails does the
// opposite: the keys in use may include one being revoked, so no key is
// accepted (protected endpoints answer 503, /ready gives the reason,
// synth_api_keys_last_reload_successful is 0) until a reload succeeds.
// Failures are logged and counted, and returned (config problems as
// config.Problems). trigger names the cause in metrics: "sighup" or
// "api_reload".
func (s *Server) Reload(trigger string) error {
	s.reloadMu.Lock()
	defer s.reloadMu.Unlock()
	if s.opts.ConfigFile == "" && s.opts.APIKeysFile == "" {
		s.metrics.Reload(trigger, false)
		return ErrNoConfigFile
	}
	var errs []error
	if s.opts.APIKeysFile != "" {
		if err := s.reloadKeys(); err != nil {
			errs = append(errs, err)
		}
	}
	if s.opts.ConfigFile != "" {
		if err := s.loadFile(); err != nil {
			s.log.Error("config not reloaded; the previous config stays in use", "file", s.opts.ConfigFile, "error", err, "trigger", trigger)
			errs = append(errs, err)
		}
	}
	err := errors.Join(errs...)
	if len(errs) == 1 {
		err = errs[0]
	}
	s.metrics.Reload(trigger, err == nil)
	return err
}

// reloadKeys reads the keys file again; see Reload for a failure.
// Streams of keys no longer accepted are closed.
func (s *Server) reloadKeys() error {
	keys, err := s.loadKeys()
	if err != nil {
		s.keysErr.Store(&err)
		s.metrics.KeysReloadOK.Store(false)
		s.updateReady()
		s.log.Error("API keys not reloaded: no API key is accepted until the keys file reads cleanly and is reloaded", "file", s.opts.APIKeysFile, "error", err)
		s.streams.Revoke(func(string) bool { return false })
		return err
	}
	s.keys.Store(keys)
	s.keysErr.Store(nil)
	s.metrics.KeysReloadOK.Store(true)
	s.updateReady()
	s.log.Info("API keys reloaded", "keys", keys.Len())
	if keys.Enabled() {
		s.streams.Revoke(keys.HasID)
	}
	return nil
}

// check is one condition of readiness: its name (DataSynth names its
// checks config, memory and disk; this server has no memory check) and,
// when it fails, why.
type check struct{ name, reason string }

// checkNames are the conditions of readiness, in the order readiness
// checks them.
var checkNames = []string{"shutdown", "config", "api_keys", "disk"}

// readiness checks every condition.
func (s *Server) readiness() []check {
	cs := make([]check, len(checkNames))
	for i, name := range checkNames {
		cs[i].name = name
	}
	if s.draining.Load() {
		cs[0].reason = "draining: the server is shutting down"
	}
	if s.cfg.Load() == nil {
		msg := "no valid config loaded"
		if e := s.cfgErr.Load(); e != nil {
			msg += ": " + *e
		}
		cs[1].reason = msg
	}
	if e := s.keysErr.Load(); e != nil {
		cs[2].reason = fmt.Sprintf("API keys file failed to reload, so no API key is accepted: %v; fix the file and reload (SIGHUP)", *e)
	}
	if free, err := s.opts.freeBytes(s.opts.WorkDir); err != nil {
		cs[3].reason = fmt.Sprintf("work folder %s: %v", s.opts.WorkDir, err)
	} else if free < s.opts.MinFreeDisk {
		cs[3].reason = fmt.Sprintf("disk nearly full: %s free in %s, below the %s minimum (--min-free-disk)",
			humanize.IBytes(free), s.opts.WorkDir, humanize.IBytes(s.opts.MinFreeDisk))
	}
	return cs
}

// reasons are why the checks fail; none means ready.
func reasons(cs []check) []string {
	var out []string
	for _, c := range cs {
		if c.reason != "" {
			out = append(out, c.reason)
		}
	}
	return out
}

func (s *Server) updateReady() { s.metrics.Ready.Store(len(reasons(s.readiness())) == 0) }

// maxHeaderBytes bounds the request head; net/http answers a larger one
// with its own plain-text 431 and closes the connection.
const maxHeaderBytes = 64 << 10

// Serve answers requests on ln until ctx ends, then drains and returns.
// It returns nil after a drain, also one cut short by DrainTimeout.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	hs := &http.Server{
		Handler:           s.handler,
		ReadHeaderTimeout: s.opts.ReadHeaderTimeout,
		ReadTimeout:       s.opts.ReadTimeout,
		WriteTimeout:      0, // set per write; see Options.WriteTimeout
		IdleTimeout:       s.opts.IdleTimeout,
		MaxHeaderBytes:    maxHeaderBytes,
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelWarn),
		BaseContext:       func(net.Listener) context.Context { return s.base },
	}
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	s.log.Info("serving", "addr", ln.Addr().String(), "version", s.opts.Version, "generator_version", generate.GeneratorVersion)

	select {
	case err := <-errc:
		s.cancelBase()
		_ = hs.Close()
		return fmt.Errorf("serving on %s: %w", ln.Addr(), err)
	case <-ctx.Done():
	}
	return s.drain(hs, errc)
}

func (s *Server) drain(hs *http.Server, errc <-chan error) error {
	start := time.Now()
	s.draining.Store(true)
	s.updateReady()
	if s.notify != nil {
		s.notify.Stopping()
	}
	s.log.Info("shutting down: not ready, draining", "drain_timeout", s.opts.DrainTimeout.String(), "shutdown_delay", s.opts.ShutdownDelay.String())
	if s.opts.ShutdownDelay > 0 {
		time.Sleep(s.opts.ShutdownDelay)
	}
	// Jobs are not requests: they stop now, and their datasets go once
	// the downloads in flight are over.
	s.queue.Shutdown()
	defer s.queue.Close()
	ctx, cancel := context.WithTimeout(context.Background(), s.opts.DrainTimeout)
	defer cancel()
	closed := make(chan struct{})
	go func() {
		s.streams.CloseAll(ctx, "server shutting down")
		close(closed)
	}()
	err := hs.Shutdown(ctx)
	<-closed
	if err != nil {
		s.log.Warn("drain timeout reached; cutting the remaining connections", "error", err)
		s.cancelBase()
		_ = hs.Close()
	}
	s.cancelBase()
	s.streams.Wait()
	if serr := <-errc; serr != nil && !errors.Is(serr, http.ErrServerClosed) {
		return serr
	}
	s.log.Info("stopped", "drain_seconds", time.Since(start).Seconds())
	return nil
}

// Run listens on opts.Listen and serves until ctx ends (the caller cancels
// it on SIGTERM or SIGINT), reloading on SIGHUP. Under systemd it sends
// READY=1 once serving, RELOADING=1/READY=1 around reloads, STOPPING=1 when
// draining, and WATCHDOG=1 while the server answers its own /live.
func Run(ctx context.Context, opts Options) error {
	s, err := New(opts)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", s.opts.Listen)
	if err != nil {
		return fmt.Errorf("listening on %s: %w (choose another address with --listen)", s.opts.Listen, err)
	}
	return s.run(ctx, ln)
}

func (s *Server) run(ctx context.Context, ln net.Listener) error {
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	defer signal.Stop(hup)

	n := notify.New(s.log)
	s.notify = n
	done := make(chan error, 1)
	go func() { done <- s.Serve(ctx, ln) }()
	n.Ready()
	stopWatchdog := n.Watchdog(ln.Addr())
	defer stopWatchdog()

	for {
		select {
		case <-hup:
			n.Reloading()
			if err := s.Reload("sighup"); err != nil {
				s.log.Error("SIGHUP reload failed", "error", err)
			} else {
				s.log.Info("SIGHUP reload done")
			}
			n.Ready()
		case err := <-done:
			return err
		}
	}
}
