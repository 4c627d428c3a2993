// Package httpapi holds the conventions every endpoint of datasynth-server
// follows, so that the router, the bulk and stream handlers and the
// server's own handlers answer alike: JSON bodies ending in a newline, one
// error body for every failure, strict decoding of JSON request bodies, and
// the request's id and client carried in its context.
//
// An error body is
//
//	{"success": false, "message": "...",
//	 "error": {"code": "...", "message": "...", "field": "..."}, "request_id": "..."}
//
// where code is a stable word a program can test, message says what was
// wrong and what to do, and field names the offending request field when
// there is one. The top-level success and message are DataSynth's
// {success, message} answer, so that its clients read our failures as
// they read its own; message repeats error.message. Decoding refuses what encoding/json would quietly accept:
// unknown fields, a key given twice, data after the object.
//
// The package depends on nothing else in the server; it reads the
// engine's config problems to report them.
package httpapi

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"

	"datasynth.dev/engine/config"
)

// ConfigError is the error body of a config that failed to load: every
// problem, located, for config.Problems; the message otherwise. Either way
// the message says that nothing was changed.
func ConfigError(err error, code string) Error {
	var ps config.Problems
	if errors.As(err, &ps) {
		e := Error{Code: code, Message: fmt.Sprintf("%d problem(s) in the config; nothing was changed", len(ps)), Problems: Problems(ps)}
		if len(ps) > 0 {
			e.Field = ps[0].Path
		}
		return e
	}
	return Error{Code: code, Message: err.Error() + "; nothing was changed"}
}

// Problems turns config problems (errors or warnings) into their JSON
// form.
func Problems(ps config.Problems) []Problem {
	out := make([]Problem, 0, len(ps))
	for _, p := range ps {
		out = append(out, Problem{Line: p.Line, Column: p.Col, Field: p.Path, Message: p.Msg, Text: p.String()})
	}
	return out
}

// Problem is one located problem of a config.
type Problem struct {
	Line    int    `json:"line,omitempty"`
	Column  int    `json:"column,omitempty"`
	Field   string `json:"field,omitempty"`
	Message string `json:"message"`
	Text    string `json:"text"`
}

// Error is the "error" object of every error response.
type Error struct {
	Code     string    `json:"code"`
	Message  string    `json:"message"`
	Field    string    `json:"field,omitempty"`
	Problems []Problem `json:"problems,omitempty"`
}

type errorBody struct {
	Success   bool   `json:"success"`
	Message   string `json:"message"`
	Error     Error  `json:"error"`
	RequestID string `json:"request_id"`
}

// MsgInternal is the message of every 500.
const MsgInternal = "internal error; the request id identifies it in the server log"

// RequestError is a client error found while reading a request, with the
// status it is answered with.
type RequestError struct {
	Status int
	Body   Error
}

func (e *RequestError) Error() string { return e.Body.Message }

// Write answers the request with the error.
func (e *RequestError) Write(w http.ResponseWriter) { WriteErrorBody(w, e.Status, e.Body) }

// BadRequest is a 400 with code, the field it concerns (or "") and a
// message.
func BadRequest(code, field, format string, args ...any) *RequestError {
	return &RequestError{http.StatusBadRequest, Error{Code: code, Field: field, Message: fmt.Sprintf(format, args...)}}
}

// WriteError answers with an error body.
func WriteError(w http.ResponseWriter, status int, code, msg, field string) {
	WriteErrorBody(w, status, Error{Code: code, Message: msg, Field: field})
}

// WriteErrorBody answers with e and the request id that the router put in
// the response headers.
func WriteErrorBody(w http.ResponseWriter, status int, e Error) {
	WriteBytes(w, status, MarshalLine(errorBody{Message: e.Message, Error: e, RequestID: w.Header().Get("X-Request-Id")}))
}

// WriteJSON answers with v as JSON.
func WriteJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		status = http.StatusInternalServerError
		b = []byte(`{"success":false,"message":"encoding the response failed","error":{"code":"internal","message":"encoding the response failed"}}`)
	}
	WriteBytes(w, status, append(b, '\n'))
}

// WriteBytes answers with a JSON body made beforehand.
func WriteBytes(w http.ResponseWriter, status int, b []byte) {
	h := w.Header()
	h["Content-Type"] = jsonType
	h["Content-Length"] = []string{strconv.Itoa(len(b))}
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

var jsonType = []string{"application/json"}

// MarshalLine is v as one line of JSON. It is for plain structs that
// always encode, and panics otherwise.
func MarshalLine(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(fmt.Sprintf("encoding %T: %v", v, err))
	}
	return append(b, '\n')
}

// Info travels with a request: its id, the client it comes from (an API
// key's ID, or "ip:" and the remote address), and the route it matched.
// The router sets it; handlers read it for their log lines.
type Info struct {
	ID     string
	Client string
	Route  string
}

type infoKey struct{}

// WithInfo returns ctx carrying info.
func WithInfo(ctx context.Context, info *Info) context.Context {
	return context.WithValue(ctx, infoKey{}, info)
}

// InfoOf returns the Info of r, or an empty one outside the router.
func InfoOf(r *http.Request) *Info {
	if i, ok := r.Context().Value(infoKey{}).(*Info); ok {
		return i
	}
	return &Info{}
}
