// Package health asks a running datasynth-server whether it is alive, ready
// and healthy: the whole of `dsops health`, and the probe that restart,
// runbook and drill wait on.
//
// A check is one HTTP request to one of the server's public endpoints:
// /live (the process answers), /ready (it has a valid config, is not
// draining and has disk; a 503 carries the reasons), /health (its version),
// /metrics (the scrape Prometheus depends on answers and exports
// synth_ready) and, when an API key is given, /api/metrics with that key
// (the key is accepted). The server is healthy when every check passed. It
// is unreachable when no check got an HTTP answer at all, which callers
// report differently: "not healthy" is a finding, "unreachable" means the
// question could not be asked.
//
// Wait polls at a fixed short interval rather than with backoff: the time
// it reports is a measured recovery time, and its resolution is the
// interval.
package health

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
)

// DefaultURL is where datasynth-server listens by default.
const DefaultURL = "http://127.0.0.1:3000"

// DefaultTimeout bounds each request of a check.
const DefaultTimeout = 2 * time.Second

// PollInterval is the time between two checks while waiting.
const PollInterval = 100 * time.Millisecond

// Options say which server to ask and how.
type Options struct {
	// URL is the server's base URL, for example http://127.0.0.1:3000.
	URL string
	// APIKey, if set, is sent to /api/metrics to check that it is accepted.
	APIKey string
	// Timeout bounds each request; 0 means DefaultTimeout.
	Timeout time.Duration
	// Client sends the requests; nil means a client without keep-alives,
	// so that every check opens a connection as a fresh client would.
	Client *http.Client
}

// Check is the outcome of one request.
type Check struct {
	Name   string `json:"name"`
	OK     bool   `json:"ok"`
	Detail string `json:"detail"`
	MS     int64  `json:"ms"`
	// answered is true when the server sent an HTTP response.
	answered bool
}

// Report is the outcome of one round of checks.
type Report struct {
	Healthy bool   `json:"healthy"`
	URL     string `json:"url"`
	Version string `json:"version"`
	// GeneratorVersion and UptimeSeconds come from /health.
	GeneratorVersion string  `json:"generator_version,omitempty"`
	UptimeSeconds    float64 `json:"uptime_seconds"`
	// Reachable is false when no request got an HTTP answer.
	Reachable bool    `json:"reachable"`
	Checks    []Check `json:"checks"`
	// WaitedSeconds is set by Wait: the time from its start to this report.
	WaitedSeconds *float64 `json:"waited_seconds,omitempty"`
}

// ParseURL checks a base URL given by a user and returns it without a
// trailing slash.
func ParseURL(raw string) (string, error) {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "", fmt.Errorf("%q is not a server URL; give one like %s", raw, DefaultURL)
	}
	if u.RawQuery != "" || u.Fragment != "" {
		return "", fmt.Errorf("%q: give the server's base URL without a query or fragment, like %s", raw, DefaultURL)
	}
	return strings.TrimSuffix(u.String(), "/"), nil
}

// Run asks the server once.
func Run(ctx context.Context, o Options) *Report {
	if o.Timeout <= 0 {
		o.Timeout = DefaultTimeout
	}
	if o.Client == nil {
		o.Client = &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
	}
	r := &Report{URL: o.URL}
	r.add(o.get(ctx, "live", "/live", "", func(int, []byte) (bool, string) { return true, "alive" }))
	r.add(o.get(ctx, "ready", "/ready", "", r.ready))
	r.add(o.get(ctx, "health", "/health", "", r.health))
	r.add(o.get(ctx, "metrics", "/metrics", "", metrics))
	if o.APIKey != "" {
		r.add(o.get(ctx, "api-key", "/api/metrics", o.APIKey, func(int, []byte) (bool, string) { return true, "key accepted" }))
	}
	r.Healthy = true
	for _, c := range r.Checks {
		r.Healthy = r.Healthy && c.OK
		r.Reachable = r.Reachable || c.answered
	}
	return r
}

func (r *Report) add(c Check) { r.Checks = append(r.Checks, c) }

// get sends one GET and judges a 200 answer with judge; any other status
// fails the check with the status and the start of the body.
func (o Options) get(ctx context.Context, name, path, key string, judge func(int, []byte) (bool, string)) Check {
	c := Check{Name: name}
	start := time.Now()
	defer func() { c.MS = time.Since(start).Milliseconds() }()
	ctx, cancel := context.WithTimeout(ctx, o.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, o.URL+path, nil)
	if err != nil {
		c.Detail = err.Error()
		return c
	}
	if key != "" {
		req.Header.Set("X-API-Key", key)
	}
	resp, err := o.Client.Do(req)
	if err != nil {
		c.Detail = "no answer: " + unwrapURLError(err)
		c.MS = time.Since(start).Milliseconds()
		return c
	}
	defer resp.Body.Close()
	c.answered = true
	body, err := io.ReadAll(io.LimitReader(resp.Body, 8<<20))
	if err != nil {
		c.Detail = fmt.Sprintf("%s: reading the answer: %v", resp.Status, err)
		return c
	}
	if resp.StatusCode == http.StatusOK {
		c.OK, c.Detail = judge(resp.StatusCode, body)
	} else if name == "ready" && resp.StatusCode == http.StatusServiceUnavailable {
		c.Detail = "not ready: " + readyReasons(body)
	} else {
		c.Detail = fmt.Sprintf("%s: %s", resp.Status, excerpt(body))
	}
	c.MS = time.Since(start).Milliseconds()
	return c
}

func (r *Report) ready(_ int, body []byte) (bool, string) {
	var b struct {
		Ready bool `json:"ready"`
	}
	if err := json.Unmarshal(body, &b); err != nil || !b.Ready {
		return false, "200 without {\"ready\": true}: " + excerpt(body)
	}
	return true, "ready"
}

func readyReasons(body []byte) string {
	var b struct {
		Reasons []string `json:"reasons"`
	}
	if err := json.Unmarshal(body, &b); err != nil || len(b.Reasons) == 0 {
		return excerpt(body)
	}
	return strings.Join(b.Reasons, "; ")
}

func (r *Report) health(_ int, body []byte) (bool, string) {
	var b struct {
		Healthy          bool    `json:"healthy"`
		Version          string  `json:"version"`
		GeneratorVersion string  `json:"generator_version"`
		UptimeSeconds    float64 `json:"uptime_seconds"`
	}
	if err := json.Unmarshal(body, &b); err != nil {
		return false, "not the JSON of datasynth-server's /health: " + excerpt(body)
	}
	r.Version, r.GeneratorVersion, r.UptimeSeconds = b.Version, b.GeneratorVersion, b.UptimeSeconds
	detail := fmt.Sprintf("version %s, generator %s, up %s", b.Version, b.GeneratorVersion,
		(time.Duration(b.UptimeSeconds * float64(time.Second))).Round(time.Second))
	if !b.Healthy {
		return false, "reports healthy: false; " + detail
	}
	return true, detail
}

// metrics parses the scrape the way Prometheus would and looks for
// synth_ready, which every datasynth-server exports.
func metrics(_ int, body []byte) (bool, string) {
	p := expfmt.NewTextParser(model.UTF8Validation)
	families, err := p.TextToMetricFamilies(strings.NewReader(string(body)))
	if err != nil {
		return false, "not Prometheus text: " + err.Error()
	}
	if _, ok := families["synth_ready"]; !ok {
		return false, fmt.Sprintf("%d metric families but no synth_ready: is this datasynth-server?", len(families))
	}
	return true, fmt.Sprintf("%d metric families", len(families))
}

func excerpt(b []byte) string {
	s := strings.TrimSpace(string(b))
	if len(s) > 200 {
		s = s[:200] + "…"
	}
	if s == "" {
		return "empty body"
	}
	return s
}

// unwrapURLError drops the "Get URL:" prefix that repeats the URL.
func unwrapURLError(err error) string {
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return "timed out"
	}
	return err.Error()
}

// Wait asks the server until it is healthy or d has passed, and returns the
// last report with WaitedSeconds set. d <= 0 asks once.
func Wait(ctx context.Context, o Options, d time.Duration) *Report {
	start := time.Now()
	ctx, cancel := context.WithTimeout(ctx, max(d, 0)+o.timeout())
	defer cancel()
	deadline := start.Add(d)
	for {
		r := Run(ctx, o)
		waited := time.Since(start).Seconds()
		r.WaitedSeconds = &waited
		left := time.Until(deadline)
		if r.Healthy || left <= 0 || ctx.Err() != nil {
			return r
		}
		select {
		case <-ctx.Done():
			return r
		case <-time.After(min(PollInterval, left)):
		}
	}
}

func (o Options) timeout() time.Duration {
	if o.Timeout <= 0 {
		return DefaultTimeout
	}
	return o.Timeout
}

// WriteText prints r for a person: a verdict line, then one line a check.
func (r *Report) WriteText(w io.Writer) error {
	verdict := "healthy"
	switch {
	case !r.Reachable:
		verdict = "unreachable"
	case !r.Healthy:
		verdict = "NOT healthy"
	}
	if r.WaitedSeconds != nil {
		verdict += fmt.Sprintf(" after %.2fs", *r.WaitedSeconds)
	}
	if _, err := fmt.Fprintf(w, "%s: %s\n", r.URL, verdict); err != nil {
		return err
	}
	for _, c := range r.Checks {
		mark := "ok  "
		if !c.OK {
			mark = "FAIL"
		}
		if _, err := fmt.Fprintf(w, "  %-8s %s %5dms  %s\n", c.Name, mark, c.MS, c.Detail); err != nil {
			return err
		}
	}
	return nil
}

// WriteJSON prints r as one JSON object on one line.
func (r *Report) WriteJSON(w io.Writer) error {
	return json.NewEncoder(w).Encode(r)
}
