package server

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"mime"
	"net/http"
	"strconv"
	"time"

	"datasynth.dev/engine/config"
	"datasynth.dev/engine/generate"
	"datasynth.dev/server/bulk"
	"datasynth.dev/server/httpapi"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

type healthBody struct {
	Healthy          bool    `json:"healthy"`
	Version          string  `json:"version"`
	Commit           string  `json:"commit"`
	GeneratorVersion string  `json:"generator_version"`
	UptimeSeconds    float64 `json:"uptime_seconds"`
}

// handleHealth answers the most frequent request.
func (s *Server) handleHealth(w http.ResponseWriter, r *http.Request) {
	httpapi.WriteBytes(w, http.StatusOK, s.healthJSON())
}

// healthJSON is the body of /health: the prefix made once, then the uptime.
func (s *Server) healthJSON() []byte {
	b := make([]byte, 0, len(s.healthPrefix)+32)
	b = append(b, s.healthPrefix...)
	b = strconv.AppendFloat(b, s.metrics.Uptime().Seconds(), 'f', 3, 64)
	return append(b, "}\n"...)
}

// healthPrefix is the body of /health up to the uptime.
func healthPrefix(o Options) []byte {
	b, _ := json.Marshal(healthBody{Healthy: true, Version: o.Version, Commit: o.Commit, GeneratorVersion: generate.GeneratorVersion})
	i := bytes.LastIndex(b, []byte(`0}`))
	return b[:i]
}

func (s *Server) handleLive(w http.ResponseWriter, r *http.Request) {
	httpapi.WriteBytes(w, http.StatusOK, liveJSON)
}

var liveJSON = []byte(`{"alive":true}` + "\n")

type readyBody struct {
	Ready   bool     `json:"ready"`
	Reasons []string `json:"reasons,omitempty"`
}

func (s *Server) handleReady(w http.ResponseWriter, r *http.Request) {
	status, b := s.readyJSON()
	httpapi.WriteBytes(w, status, b)
}

// readyJSON is the status and body of /ready.
func (s *Server) readyJSON() (int, []byte) {
	reasons := s.readiness()
	s.metrics.Ready.Store(len(reasons) == 0)
	if len(reasons) > 0 {
		return http.StatusServiceUnavailable, httpapi.MarshalLine(readyBody{Reasons: reasons})
	}
	return http.StatusOK, readyTrue
}

var readyTrue = httpapi.MarshalLine(readyBody{Ready: true})

func (s *Server) handlePrometheus(w http.ResponseWriter, r *http.Request) {
	s.updateReady()
	promhttp.HandlerFor(s.metrics.Registry, promhttp.HandlerOpts{ErrorLog: slogPrinter{s}}).ServeHTTP(w, r)
}

type slogPrinter struct{ s *Server }

func (p slogPrinter) Println(v ...any) { p.s.log.Error("metrics", "error", fmt.Sprint(v...)) }

func (s *Server) handleMetricsJSON(w http.ResponseWriter, r *http.Request) {
	httpapi.WriteJSON(w, http.StatusOK, s.snapshot())
}

// configView is the JSON form of the config in use.
type configView struct {
	Source          string             `json:"source"`
	LoadedAt        string             `json:"loaded_at"`
	ConfigHash      string             `json:"config_hash"`
	Seed            *uint64            `json:"seed"`
	Industry        string             `json:"industry"`
	StartDate       string             `json:"start_date"`
	PeriodMonths    int                `json:"period_months"`
	Companies       []bulk.CompanyView `json:"companies"`
	TotalEntries    int64              `json:"total_entries"`
	ChartComplexity string             `json:"chart_of_accounts"`
	FraudEnabled    bool               `json:"fraud_enabled"`
	FraudRate       string             `json:"fraud_rate"`
	Warnings        []httpapi.Problem  `json:"warnings"`
	YAML            string             `json:"yaml"`
}

func viewOf(l *loaded) configView {
	c := l.cfg
	v := configView{
		Source: l.source, LoadedAt: l.loadedAt.UTC().Format(time.RFC3339),
		ConfigHash: c.Hash(c.Global.Seed), Industry: c.Global.Industry,
		StartDate: c.Global.StartDate.Format(time.DateOnly), PeriodMonths: c.Global.PeriodMonths,
		TotalEntries: c.TotalEntries(), ChartComplexity: c.ChartOfAccounts.Complexity,
		FraudEnabled: c.Fraud.Enabled, FraudRate: c.Fraud.Rate.String(),
		Warnings: problems(c.Warnings), YAML: string(l.text),
	}
	if c.Global.HasSeed {
		seed := c.Global.Seed
		v.Seed = &seed
	} else {
		v.ConfigHash = ""
	}
	v.Companies = bulk.Companies(c)
	return v
}

func problems(ps config.Problems) []httpapi.Problem {
	out := make([]httpapi.Problem, 0, len(ps))
	for _, p := range ps {
		out = append(out, httpapi.Problem{Line: p.Line, Column: p.Col, Field: p.Path, Message: p.Msg, Text: p.String()})
	}
	return out
}

// configError turns a failed load into an error body: field problems for
// config.Problems, a message otherwise.
func configError(err error, code string) httpapi.Error {
	var ps config.Problems
	if errors.As(err, &ps) {
		e := httpapi.Error{Code: code, Message: fmt.Sprintf("%d problem(s) in the config; nothing was changed", len(ps)), Problems: problems(ps)}
		if len(ps) > 0 {
			e.Field = ps[0].Path
		}
		return e
	}
	return httpapi.Error{Code: code, Message: err.Error() + "; nothing was changed"}
}

func (s *Server) handleGetConfig(w http.ResponseWriter, r *http.Request) {
	l := s.cfg.Load()
	if l == nil {
		msg := "no valid config is loaded"
		if e := s.cfgErr.Load(); e != nil {
			msg += ": " + *e
		}
		httpapi.WriteError(w, http.StatusServiceUnavailable, "no_config", msg+"; POST /api/config or fix the file and reload", "")
		return
	}
	httpapi.WriteJSON(w, http.StatusOK, viewOf(l))
}

// configSource names a POSTed config in problem messages.
const configSource = "request body"

func (s *Server) handlePostConfig(w http.ResponseWriter, r *http.Request) {
	if ct := r.Header.Get("Content-Type"); ct != "" {
		mt, _, err := mime.ParseMediaType(ct)
		switch {
		case err != nil:
			httpapi.WriteError(w, http.StatusUnsupportedMediaType, "unsupported_media_type", fmt.Sprintf("Content-Type %q is malformed: %v", ct, err), "")
			return
		case mt != "application/yaml" && mt != "application/x-yaml" && mt != "text/yaml" && mt != "text/x-yaml" && mt != "application/json":
			httpapi.WriteError(w, http.StatusUnsupportedMediaType, "unsupported_media_type",
				fmt.Sprintf("Content-Type %q is not a config; send application/yaml or application/json", mt), "")
			return
		}
	}
	data, rerr := httpapi.ReadBody(r)
	if rerr != nil {
		rerr.Write(w)
		return
	}
	cfg, err := config.Parse(configSource, data)
	if err != nil {
		s.metrics.Reload("api_post", false)
		httpapi.WriteErrorBody(w, http.StatusBadRequest, configError(err, "invalid_config"))
		return
	}
	s.reloadMu.Lock()
	s.useConfig(&loaded{cfg: cfg, source: "POST /api/config", text: data, loadedAt: time.Now()})
	s.reloadMu.Unlock()
	s.metrics.Reload("api_post", true)
	httpapi.WriteJSON(w, http.StatusOK, viewOf(s.cfg.Load()))
}

func (s *Server) handleReload(w http.ResponseWriter, r *http.Request) {
	err := s.Reload("api_reload")
	switch {
	case errors.Is(err, ErrNoConfigFile):
		httpapi.WriteError(w, http.StatusConflict, "no_config_file", err.Error(), "")
	case err != nil:
		httpapi.WriteErrorBody(w, http.StatusUnprocessableEntity, configError(err, "reload_failed"))
	default:
		l := s.cfg.Load()
		if l == nil {
			httpapi.WriteError(w, http.StatusServiceUnavailable, "no_config", "API keys reloaded, but no valid config is loaded", "")
			return
		}
		httpapi.WriteJSON(w, http.StatusOK, viewOf(l))
	}
}
