package server

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

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

// handleLive answers DataSynth's {alive, timestamp}.
func (s *Server) handleLive(w http.ResponseWriter, r *http.Request) {
	b := make([]byte, 0, 64)
	b = append(b, `{"alive":true,"timestamp":"`...)
	b = time.Now().UTC().AppendFormat(b, time.RFC3339Nano)
	httpapi.WriteBytes(w, http.StatusOK, append(b, "\"}\n"...))
}

// readyBody is DataSynth's readiness answer (ready, message, checks) and
// the reasons the server is not ready.
type readyBody struct {
	Ready   bool         `json:"ready"`
	Message string       `json:"message"`
	Checks  []readyCheck `json:"checks"`
	Reasons []string     `json:"reasons,omitempty"`
}

type readyCheck struct {
	Name   string `json:"name"`
	Status string `json:"status"`
}

func (s *Server) handleReady(w http.ResponseWriter, r *http.Request) {
	status, b := s.readyJSON()
	httpapi.WriteBytes(w, status, b)
}

// readyJSON is the status and body of /ready.
func (s *Server) readyJSON() (int, []byte) {
	cs := s.readiness()
	why := reasons(cs)
	s.metrics.Ready.Store(len(why) == 0)
	if len(why) == 0 {
		return http.StatusOK, readyTrue
	}
	return http.StatusServiceUnavailable, httpapi.MarshalLine(readyBodyOf(cs))
}

func readyBodyOf(cs []check) readyBody {
	b := readyBody{Ready: true, Message: "ready", Reasons: reasons(cs)}
	for _, c := range cs {
		status := "ok"
		if c.reason != "" {
			status, b.Ready = "fail", false
		}
		b.Checks = append(b.Checks, readyCheck{c.name, status})
	}
	if !b.Ready {
		b.Message = "not ready: " + strings.Join(b.Reasons, "; ")
	}
	return b
}

// readyTrue is the body of every 200 from /ready: every check ok.
var readyTrue = func() []byte {
	cs := make([]check, len(checkNames))
	for i, name := range checkNames {
		cs[i].name = name
	}
	return httpapi.MarshalLine(readyBodyOf(cs))
}()

func (s *Server) handlePrometheus(w http.ResponseWriter, r *http.Request) {
	s.updateReady()
	promhttp.HandlerFor(s.metrics.Registry, promhttp.HandlerOpts{ErrorLog: slogPrinter{s}}).ServeHTTP(w, r)
}

type slogPrinter struct{ s *Server }

func (p slogPrinter) Println(v ...any) { p.s.log.Error("metrics", "error", fmt.Sprint(v...)) }

func (s *Server) handleMetricsJSON(w http.ResponseWriter, r *http.Request) {
	httpapi.WriteJSON(w, http.StatusOK, s.snapshot())
}
