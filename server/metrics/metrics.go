// Package metrics holds the Prometheus metrics of datasynth-server.
//
// Every metric lives in one Registry owned by the server (never the global
// default registry), so tests can run several servers side by side. The
// counters that /api/metrics also reports as JSON are plain atomics exported
// through CounterFunc and GaugeFunc collectors: the JSON view and the
// Prometheus view read the same numbers. docs/metrics.md lists every metric.
package metrics

import (
	"runtime"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
)

// Namespace prefixes every metric of the server, as DataSynth's do.
const Namespace = "synth"

// Build describes the running binary for synth_build_info.
type Build struct {
	Version          string
	Commit           string
	GeneratorVersion string
}

// Set is the server's metrics.
type Set struct {
	Registry *prometheus.Registry

	Requests *prometheus.CounterVec   // route, method, code
	Duration *prometheus.HistogramVec // route, method
	InFlight prometheus.Gauge
	Reloads  *prometheus.CounterVec // trigger, result

	EntriesBulk          atomic.Int64
	EntriesStream        atomic.Int64
	Anomalies            atomic.Int64
	BulkActive           atomic.Int64
	BulkRejected         atomic.Int64
	ArchivesRefused      atomic.Int64
	StreamsEvents        atomic.Int64 // open /ws/events connections
	StreamsMetrics       atomic.Int64 // open /ws/metrics connections
	StreamEvents         atomic.Int64
	SlowClients          atomic.Int64
	StreamsRefusedServer atomic.Int64 // at the server-wide stream limit
	StreamsRefusedKey    atomic.Int64 // at the per-key stream limit
	RateLimited          atomic.Int64
	ReloadSuccess        atomic.Int64
	ReloadFailure        atomic.Int64
	LastReloadSuccess    atomic.Bool
	EntriesJob           atomic.Int64
	// JobsHeld counts the jobs held by state (queued, running, completed,
	// failed, cancelled); JobsEnded the jobs that reached an end state.
	JobsHeld  map[string]*atomic.Int64
	JobsEnded map[string]*atomic.Int64
	// KeysReloadOK is false while the API-keys file failed to reload and
	// no key is accepted.
	KeysReloadOK atomic.Bool
	Ready        atomic.Bool

	started time.Time
}

// New creates the metrics and registers them with the Go and process
// collectors in a fresh registry.
func New(b Build) *Set {
	s := &Set{Registry: prometheus.NewRegistry(), started: time.Now()}
	s.LastReloadSuccess.Store(true)
	s.KeysReloadOK.Store(true)
	r := s.Registry
	r.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))

	s.Requests = prometheus.NewCounterVec(prometheus.CounterOpts{
		Namespace: Namespace, Subsystem: "http", Name: "requests_total",
		Help: "HTTP requests answered, by route, method and status code.",
	}, []string{"route", "method", "code"})
	s.Duration = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Namespace: Namespace, Subsystem: "http", Name: "request_duration_seconds",
		Help:    "Time from receiving a request to the end of its response, by route and method.",
		Buckets: []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30, 60, 300},
	}, []string{"route", "method"})
	s.InFlight = prometheus.NewGauge(prometheus.GaugeOpts{
		Namespace: Namespace, Subsystem: "http", Name: "requests_in_flight",
		Help: "HTTP requests being served now (WebSocket streams are counted in synth_active_streams).",
	})
	s.Reloads = prometheus.NewCounterVec(prometheus.CounterOpts{
		Namespace: Namespace, Subsystem: "config", Name: "reloads_total",
		Help: "Config loads after start, by trigger (sighup, api_reload, api_post) and result (success, failure).",
	}, []string{"trigger", "result"})
	r.MustRegister(s.Requests, s.Duration, s.InFlight, s.Reloads)

	counter := func(name, help string, labels prometheus.Labels, v *atomic.Int64) {
		r.MustRegister(prometheus.NewCounterFunc(prometheus.CounterOpts{
			Namespace: Namespace, Name: name, Help: help, ConstLabels: labels,
		}, func() float64 { return float64(v.Load()) }))
	}
	gauge := func(name, help string, labels prometheus.Labels, f func() float64) {
		r.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Namespace: Namespace, Name: name, Help: help, ConstLabels: labels,
		}, f))
	}
	const entriesHelp = "Journal entries generated, by source (bulk, stream, job); bulk summaries count entries generated but not sent."
	counter("entries_generated_total", entriesHelp, prometheus.Labels{"source": "bulk"}, &s.EntriesBulk)
	counter("entries_generated_total", entriesHelp, prometheus.Labels{"source": "stream"}, &s.EntriesStream)
	counter("entries_generated_total", entriesHelp, prometheus.Labels{"source": "job"}, &s.EntriesJob)
	s.JobsHeld, s.JobsEnded = map[string]*atomic.Int64{}, map[string]*atomic.Int64{}
	for _, state := range []string{"queued", "running", "completed", "failed", "cancelled"} {
		s.JobsHeld[state] = new(atomic.Int64)
		n := s.JobsHeld[state]
		gauge("jobs", "Jobs held now, by state (queued, running, completed, failed, cancelled); finished jobs are held until --job-ttl after they end.",
			prometheus.Labels{"state": state}, func() float64 { return float64(n.Load()) })
	}
	for _, state := range []string{"completed", "failed", "cancelled"} {
		s.JobsEnded[state] = new(atomic.Int64)
		counter("jobs_ended_total", "Jobs that ended, by state (completed, failed, cancelled).", prometheus.Labels{"state": state}, s.JobsEnded[state])
	}
	counter("anomalies_injected_total", "Journal entries generated as injected anomalies (fraud scenarios).", nil, &s.Anomalies)
	counter("stream_events_total", "Events sent on /ws/events.", nil, &s.StreamEvents)
	counter("stream_slow_clients_dropped_total", "WebSocket clients closed because they fell a full buffer behind.", nil, &s.SlowClients)
	counter("rate_limited_requests_total", "Requests answered 429 by the per-client rate limit.", nil, &s.RateLimited)
	counter("bulk_jobs_rejected_total", "Bulk generation requests answered 503 because the concurrent job limit was reached.", nil, &s.BulkRejected)
	counter("bulk_archives_refused_total", "tar.gz bulk requests and job submissions answered 507, and jobs failed, because staging them would leave less than --min-free-disk free.", nil, &s.ArchivesRefused)
	const refusedHelp = "WebSocket streams refused with 503 because a stream limit was reached, by limit (server: --max-streams, key: --max-streams-per-key)."
	counter("stream_refused_total", refusedHelp, prometheus.Labels{"limit": "server"}, &s.StreamsRefusedServer)
	counter("stream_refused_total", refusedHelp, prometheus.Labels{"limit": "key"}, &s.StreamsRefusedKey)
	const streamsHelp = "Open WebSocket streams, by endpoint."
	gauge("active_streams", streamsHelp, prometheus.Labels{"endpoint": "/ws/events"}, func() float64 { return float64(s.StreamsEvents.Load()) })
	gauge("active_streams", streamsHelp, prometheus.Labels{"endpoint": "/ws/metrics"}, func() float64 { return float64(s.StreamsMetrics.Load()) })
	gauge("bulk_jobs_active", "Bulk generation jobs running now.", nil, func() float64 { return float64(s.BulkActive.Load()) })
	gauge("uptime_seconds", "Seconds since the server started.", nil, func() float64 { return time.Since(s.started).Seconds() })
	gauge("ready", "1 when /ready answers 200, else 0.", nil, func() float64 { return b2f(s.Ready.Load()) })
	gauge("config_last_reload_successful", "0 when the last config reload failed (the previous config is still in use), else 1.", nil,
		func() float64 { return b2f(s.LastReloadSuccess.Load()) })
	gauge("api_keys_last_reload_successful", "0 while the last reload of the API-keys file failed: no API key is accepted until it succeeds; else 1.", nil,
		func() float64 { return b2f(s.KeysReloadOK.Load()) })
	r.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Namespace: Namespace, Name: "build_info", Help: "Always 1; the labels describe the running binary.",
		ConstLabels: prometheus.Labels{"version": b.Version, "commit": b.Commit, "generator_version": b.GeneratorVersion, "goversion": runtime.Version()},
	}, func() float64 { return 1 }))
	return s
}

func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

// Reload records the result of a config load after start. Only loads from
// the file (triggers sighup and api_reload) move
// synth_config_last_reload_successful: a rejected POST changes nothing.
func (s *Set) Reload(trigger string, ok bool) {
	result := "failure"
	if ok {
		result = "success"
		s.ReloadSuccess.Add(1)
	} else {
		s.ReloadFailure.Add(1)
	}
	if trigger != "api_post" {
		s.LastReloadSuccess.Store(ok)
	}
	s.Reloads.WithLabelValues(trigger, result).Inc()
}

// Snapshot is the JSON form of the main metrics, served by /api/metrics and
// sent every second on /ws/metrics. Its first fields are DataSynth's
// MetricsResponse (uptime_seconds is fractional here); the rest are this
// server's, some of them the same figures under their older names.
type Snapshot struct {
	TotalEntriesGenerated   int64   `json:"total_entries_generated"`
	TotalAnomaliesInjected  int64   `json:"total_anomalies_injected"`
	SessionEntries          int64   `json:"session_entries"`
	SessionEntriesPerSecond float64 `json:"session_entries_per_second"`
	TotalStreamEvents       int64   `json:"total_stream_events"`

	UptimeSeconds       float64 `json:"uptime_seconds"`
	Ready               bool    `json:"ready"`
	EntriesGenerated    int64   `json:"entries_generated"`
	EntriesBulk         int64   `json:"entries_generated_bulk"`
	EntriesStream       int64   `json:"entries_generated_stream"`
	EntriesJob          int64   `json:"entries_generated_job"`
	AnomaliesInjected   int64   `json:"anomalies_injected"`
	ActiveStreams       int64   `json:"active_streams"`
	ActiveMetricStreams int64   `json:"active_metric_streams"`
	StreamEvents        int64   `json:"stream_events"`
	SlowClientsDropped  int64   `json:"slow_clients_dropped"`
	StreamsRefused      int64   `json:"streams_refused"`
	RateLimited         int64   `json:"rate_limited_requests"`
	BulkJobsActive      int64   `json:"bulk_jobs_active"`
	BulkJobsRejected    int64   `json:"bulk_jobs_rejected"`
	ConfigReloadsOK     int64   `json:"config_reloads_success"`
	ConfigReloadsFailed int64   `json:"config_reloads_failure"`
}

// Snapshot reads the current values.
func (s *Set) Snapshot() Snapshot {
	b, st, j := s.EntriesBulk.Load(), s.EntriesStream.Load(), s.EntriesJob.Load()
	up := time.Since(s.started).Seconds()
	return Snapshot{
		TotalEntriesGenerated:   b + st + j,
		TotalAnomaliesInjected:  s.Anomalies.Load(),
		SessionEntries:          b + st + j,
		SessionEntriesPerSecond: float64(b+st+j) / max(up, 1e-9),
		TotalStreamEvents:       s.StreamEvents.Load(),
		UptimeSeconds:           up,
		Ready:                   s.Ready.Load(),
		EntriesGenerated:        b + st + j,
		EntriesJob:              j,
		EntriesBulk:             b,
		EntriesStream:           st,
		AnomaliesInjected:       s.Anomalies.Load(),
		ActiveStreams:           s.StreamsEvents.Load(),
		ActiveMetricStreams:     s.StreamsMetrics.Load(),
		StreamEvents:            s.StreamEvents.Load(),
		SlowClientsDropped:      s.SlowClients.Load(),
		StreamsRefused:          s.StreamsRefusedServer.Load() + s.StreamsRefusedKey.Load(),
		RateLimited:             s.RateLimited.Load(),
		BulkJobsActive:          s.BulkActive.Load(),
		BulkJobsRejected:        s.BulkRejected.Load(),
		ConfigReloadsOK:         s.ReloadSuccess.Load(),
		ConfigReloadsFailed:     s.ReloadFailure.Load(),
	}
}

// Uptime returns the time since New.
func (s *Set) Uptime() time.Duration { return time.Since(s.started) }
