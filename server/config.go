package server

import (
	"errors"
	"fmt"
	"mime"
	"net/http"
	"time"

	"datasynth.dev/engine/config"
	"datasynth.dev/server/bulk"
	"datasynth.dev/server/httpapi"
)

// configBody is the answer of GET and POST /api/config and of
// /api/config/reload: DataSynth's ConfigResponse (success, message, and the
// config in its flat form), then what this server adds: where the config
// came from, its hash and entry counts, its warnings and its YAML.
type configBody struct {
	Success      bool               `json:"success"`
	Message      string             `json:"message"`
	Config       flatView           `json:"config"`
	Source       string             `json:"source"`
	LoadedAt     string             `json:"loaded_at"`
	ConfigHash   string             `json:"config_hash"`
	TotalEntries int64              `json:"total_entries"`
	Companies    []bulk.CompanyView `json:"companies"`
	Warnings     []httpapi.Problem  `json:"warnings"`
	YAML         string             `json:"yaml"`
}

func bodyOf(l *loaded, message string) configBody {
	c := l.cfg
	b := configBody{
		Success: true, Message: message, Config: flatViewOf(c),
		Source: l.source, LoadedAt: l.loadedAt.UTC().Format(time.RFC3339),
		TotalEntries: c.TotalEntries(), Companies: bulk.Companies(c),
		Warnings: httpapi.Problems(c.Warnings), YAML: string(l.text),
	}
	if c.Global.HasSeed {
		b.ConfigHash = c.Hash(c.Global.Seed)
	}
	return b
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
	httpapi.WriteJSON(w, http.StatusOK, bodyOf(l, "config in use"))
}

// configSource names a POSTed config in problem messages.
const configSource = "request body"

// handlePostConfig replaces the config in use with the body: a config
// file's content (YAML or JSON), or DataSynth's flat form (see isFlat).
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
	var cfg *config.Config
	var err error
	source, message := "POST /api/config", "config replaced and in use"
	if isFlat(data) {
		var text []byte
		cfg, text, rerr = s.fromFlat(data)
		if rerr != nil {
			s.metrics.Reload("api_post", false)
			rerr.Write(w)
			return
		}
		data = text
		source += " (DataSynth's flat form)"
		message = "config updated from DataSynth's flat form and in use"
	} else if cfg, err = config.Parse(configSource, data); err != nil {
		s.metrics.Reload("api_post", false)
		httpapi.WriteErrorBody(w, http.StatusBadRequest, httpapi.ConfigError(err, "invalid_config"))
		return
	}
	s.reloadMu.Lock()
	s.useConfig(&loaded{cfg: cfg, source: source, text: data, loadedAt: time.Now()})
	s.reloadMu.Unlock()
	s.metrics.Reload("api_post", true)
	httpapi.WriteJSON(w, http.StatusOK, bodyOf(s.cfg.Load(), message))
}

func (s *Server) handleReload(w http.ResponseWriter, r *http.Request) {
	err := s.Reload("api_reload")
	switch {
	case errors.Is(err, ErrNoConfigFile):
		httpapi.WriteError(w, http.StatusConflict, "no_config_file", err.Error(), "")
	case err != nil:
		httpapi.WriteErrorBody(w, http.StatusUnprocessableEntity, httpapi.ConfigError(err, "reload_failed"))
	default:
		l := s.cfg.Load()
		if l == nil {
			httpapi.WriteError(w, http.StatusServiceUnavailable, "no_config", "API keys reloaded, but no valid config is loaded", "")
			return
		}
		httpapi.WriteJSON(w, http.StatusOK, bodyOf(l, "config file reloaded and in use"))
	}
}
