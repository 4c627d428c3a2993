package server

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"

	"datasynth.dev/engine/generate"
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
