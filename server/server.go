// Package server is datasynth-server: a stateless HTTP service that
// generates the same data as datasynth-data, on request and as streams.
//
// The server keeps nothing that outlives the process. The generation config
// is read from a file at start (or the embedded demo config when there is
// none) and lives in memory; POST /api/config replaces it until the next
// restart or reload, POST /api/config/reload and SIGHUP read the file again.
// A config that fails validation never replaces a working one.
//
// Lifecycle: Serve answers until its context ends, then drains: /ready turns
// 503 at once, WebSocket streams get a close frame, requests in flight get
// up to DrainTimeout to finish, and only then are connections cut. Under
// systemd, Run reports READY=1, STOPPING=1 and RELOADING=1 and feeds the
// watchdog while the server answers its own /live.
//
// Every response body is JSON (or the requested data format) and every
// error names what was wrong; see docs/server.md for the API.
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
	"datasynth.dev/server/metrics"
	"datasynth.dev/server/ratelimit"
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
	// fails when it has less than MinFreeDisk bytes free.
	WorkDir     string
	MinFreeDisk uint64

	// MaxBulkJobs bounds concurrent bulk generations; beyond it the server
	// answers 503 with Retry-After. MaxBulkEntries bounds entry_count.
	// BulkThreads is the generating goroutines per job (0: one per CPU).
	MaxBulkJobs    int
	MaxBulkEntries int64
	BulkThreads    int

	// StreamBuffer is how many events a WebSocket client may fall behind
	// before it is closed as too slow. MaxEventsPerSecond bounds the rate a
	// client may ask for. MetricsInterval is the /ws/metrics period.
	StreamBuffer       int
	MaxEventsPerSecond int
	MetricsInterval    time.Duration

	Version string
	Commit  string
	Logger  *slog.Logger
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
		StreamBuffer:       1024,
		MaxEventsPerSecond: 10_000,
		MetricsInterval:    time.Second,
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
	if o.MaxBulkJobs <= 0 {
		o.MaxBulkJobs = d.MaxBulkJobs
	}
	if o.MaxBulkEntries <= 0 {
		o.MaxBulkEntries = d.MaxBulkEntries
	}
	if o.BulkThreads <= 0 {
		o.BulkThreads = runtime.NumCPU()
	}
	if o.StreamBuffer <= 0 {
		o.StreamBuffer = d.StreamBuffer
	}
	if o.MaxEventsPerSecond <= 0 {
		o.MaxEventsPerSecond = d.MaxEventsPerSecond
	}
	if o.Version == "" {
		o.Version = d.Version
	}
	if o.Commit == "" {
		o.Commit = d.Commit
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
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
	limiter *ratelimit.Limiter
	handler http.Handler
	table   map[string]*route
	streams *hub

	cfg          atomic.Pointer[loaded]
	cfgErr       atomic.Pointer[string] // why no config is loaded, while cfg is nil
	keys         atomic.Pointer[auth.Keys]
	reloadMu     sync.Mutex
	draining     atomic.Bool
	bulkJobs     chan struct{}
	healthPrefix []byte
	// notify speaks sd_notify when Run serves under systemd.
	notify *notifier

	// jobs is the parent context of bulk generations and streams; it is
	// cancelled when the drain timeout runs out.
	jobs       context.Context
	cancelJobs context.CancelFunc
}

// ErrNoConfigFile is returned by Reload when the server was started
// without a config file.
var ErrNoConfigFile = errors.New("the server was started without --config; there is no file to reload (POST /api/config sets a config in memory)")

// New checks opts and loads the config and API keys. An invalid config
// file is not an error: the server starts, logs the problems and is not
// ready until a valid config is loaded. Unreadable API keys are an error:
// the server never runs with fewer keys than asked for.
func New(opts Options) (*Server, error) {
	opts.fill()
	s := &Server{
		opts: opts,
		log:  opts.Logger,
		metrics: metrics.New(metrics.Build{
			Version: opts.Version, Commit: opts.Commit, GeneratorVersion: generate.GeneratorVersion,
		}),
		bulkJobs: make(chan struct{}, opts.MaxBulkJobs),
	}
	s.jobs, s.cancelJobs = context.WithCancel(context.Background())
	if opts.RateLimit > 0 {
		s.limiter = ratelimit.New(opts.RateLimit, opts.RateBurst)
	}
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
	s.healthPrefix = healthPrefix(opts)
	s.streams = newHub(s)
	s.table, s.handler = s.routes()
	s.updateReady()
	return s, nil
}

// Handler returns the HTTP handler of the server.
func (s *Server) Handler() http.Handler { return s.handler }

// Metrics returns the server's metrics.
func (s *Server) Metrics() *metrics.Set { return s.metrics }

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

// Reload reads the config file and the API keys file again. A failure
// keeps what is in use, is logged and counted, and is returned (config
// problems as config.Problems). trigger names the cause in metrics:
// "sighup" or "api_reload".
func (s *Server) Reload(trigger string) error {
	s.reloadMu.Lock()
	defer s.reloadMu.Unlock()
	if s.opts.ConfigFile == "" && s.opts.APIKeysFile == "" {
		s.metrics.Reload(trigger, false)
		return ErrNoConfigFile
	}
	var errs []error
	if s.opts.APIKeysFile != "" {
		if keys, err := s.loadKeys(); err != nil {
			s.log.Error("API keys not reloaded; the previous keys stay in use", "error", err)
			errs = append(errs, err)
		} else {
			s.keys.Store(keys)
			s.log.Info("API keys reloaded", "keys", keys.Len())
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

// readiness returns the reasons the server is not ready; none means ready.
func (s *Server) readiness() []string {
	var reasons []string
	if s.draining.Load() {
		reasons = append(reasons, "draining: the server is shutting down")
	}
	if s.cfg.Load() == nil {
		msg := "no valid config loaded"
		if e := s.cfgErr.Load(); e != nil {
			msg += ": " + *e
		}
		reasons = append(reasons, msg)
	}
	if free, err := freeBytes(s.opts.WorkDir); err != nil {
		reasons = append(reasons, fmt.Sprintf("work folder %s: %v", s.opts.WorkDir, err))
	} else if free < s.opts.MinFreeDisk {
		reasons = append(reasons, fmt.Sprintf("disk nearly full: %s free in %s, below the %s minimum (--min-free-disk)",
			humanize.IBytes(free), s.opts.WorkDir, humanize.IBytes(s.opts.MinFreeDisk)))
	}
	return reasons
}

func (s *Server) updateReady() { s.metrics.Ready.Store(len(s.readiness()) == 0) }

func freeBytes(dir string) (uint64, error) {
	var st syscall.Statfs_t
	if err := syscall.Statfs(dir, &st); err != nil {
		return 0, err
	}
	return st.Bavail * uint64(st.Bsize), nil
}

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
		BaseContext:       func(net.Listener) context.Context { return s.jobs },
	}
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	s.log.Info("serving", "addr", ln.Addr().String(), "version", s.opts.Version, "generator_version", generate.GeneratorVersion)

	select {
	case err := <-errc:
		s.cancelJobs()
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
		s.notify.stopping()
	}
	s.log.Info("shutting down: not ready, draining", "drain_timeout", s.opts.DrainTimeout.String(), "shutdown_delay", s.opts.ShutdownDelay.String())
	if s.opts.ShutdownDelay > 0 {
		time.Sleep(s.opts.ShutdownDelay)
	}
	ctx, cancel := context.WithTimeout(context.Background(), s.opts.DrainTimeout)
	defer cancel()
	closed := make(chan struct{})
	go func() {
		s.streams.closeAll(ctx, "server shutting down")
		close(closed)
	}()
	err := hs.Shutdown(ctx)
	<-closed
	if err != nil {
		s.log.Warn("drain timeout reached; cutting the remaining connections", "error", err)
		s.cancelJobs()
		_ = hs.Close()
	}
	s.cancelJobs()
	s.streams.wait()
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

	n := newNotifier(s.log)
	s.notify = n
	done := make(chan error, 1)
	go func() { done <- s.Serve(ctx, ln) }()
	n.ready()
	stopWatchdog := n.watchdog(ln.Addr(), s.log)
	defer stopWatchdog()

	for {
		select {
		case <-hup:
			n.reloading()
			if err := s.Reload("sighup"); err != nil {
				s.log.Error("SIGHUP reload failed", "error", err)
			} else {
				s.log.Info("SIGHUP reload done")
			}
			n.ready()
		case err := <-done:
			return err
		}
	}
}
