package httpapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"reflect"
	"slices"
	"strings"
)

// ReadBody reads the whole body within the limit the router set: 413 over
// it, 408 when the body does not arrive within the server's read timeout.
func ReadBody(r *http.Request) ([]byte, *RequestError) {
	data, err := io.ReadAll(r.Body)
	var tooBig *http.MaxBytesError
	var netErr net.Error
	switch {
	case errors.As(err, &tooBig):
		return nil, &RequestError{http.StatusRequestEntityTooLarge, Error{Code: "body_too_large",
			Message: fmt.Sprintf("the request body is over the limit of %d bytes (--max-body)", tooBig.Limit)}}
	case errors.As(err, &netErr) && netErr.Timeout():
		return nil, &RequestError{http.StatusRequestTimeout, Error{Code: "timeout",
			Message: "the request body did not arrive within --read-timeout (counted from the start of the request)"}}
	case err != nil:
		return nil, BadRequest("bad_body", "", "reading the request body: %v", err)
	}
	return data, nil
}

// DecodeJSON reads a JSON object into dst, a pointer to a struct whose
// fields all have json tags. The body is read as JSON whatever its
// Content-Type (curl -d sends a form type). An empty body leaves dst as it
// is. A key that is not a field of dst, a key given twice, a value of the
// wrong type and data after the object are errors that name the field.
func DecodeJSON(r *http.Request, dst any) *RequestError {
	data, rerr := ReadBody(r)
	if rerr != nil {
		return rerr
	}
	return DecodeJSONBytes(data, dst)
}

// DecodeJSONBytes is DecodeJSON on a body already read, or on one member
// of it (see Within).
func DecodeJSONBytes(data []byte, dst any) *RequestError {
	if len(bytes.TrimSpace(data)) == 0 {
		return nil
	}
	if rerr := checkKeys(data, jsonFields(dst)); rerr != nil {
		return rerr
	}
	if err := json.Unmarshal(data, dst); err != nil {
		return jsonError(err, data)
	}
	return nil
}

// checkKeys walks the keys of the object in data. encoding/json keeps the
// last of two equal keys without a word (and matches names without regard
// to case), so the keys are checked here, token by token, before it
// decodes.
func checkKeys(data []byte, allowed []string) *RequestError {
	dec := json.NewDecoder(bytes.NewReader(data))
	tok, err := dec.Token()
	if err != nil {
		return jsonError(err, data)
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return BadRequest("malformed_json", "", "the body must be a JSON object, got %s", describeToken(tok))
	}
	seen := make(map[string]bool, len(allowed))
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return jsonError(err, data)
		}
		key, _ := tok.(string) // inside an object, Token returns keys as strings
		switch {
		case seen[key]:
			return BadRequest("duplicate_field", key, "field %q is given twice; give each field once", key)
		case !slices.Contains(allowed, key):
			return BadRequest("unknown_field", key, "unknown field %q (allowed: %s)", key, strings.Join(allowed, ", "))
		}
		seen[key] = true
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return jsonError(err, data)
		}
	}
	if _, err := dec.Token(); err != nil { // the closing brace
		return jsonError(err, data)
	}
	if _, err := dec.Token(); err != io.EOF {
		return BadRequest("malformed_json", "", "malformed JSON: data after the object, at byte %d", dec.InputOffset())
	}
	return nil
}

func describeToken(tok json.Token) string {
	switch t := tok.(type) {
	case json.Delim:
		if t == '[' {
			return "an array"
		}
	case string:
		return "a string"
	case float64:
		return "a number"
	case bool:
		return "a boolean"
	case nil:
		return "null"
	case map[string]any:
		return "an object"
	case []any:
		return "an array"
	}
	return fmt.Sprint(tok)
}

func jsonError(err error, data []byte) *RequestError {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		return BadRequest("malformed_json", "", "malformed JSON at byte %d: %v", syn.Offset, err)
	case errors.As(err, &typ):
		if typ.Field == "" {
			return BadRequest("malformed_json", "", "the body must be a JSON object, got %s", typ.Value)
		}
		return BadRequest("invalid_field", typ.Field, "%s must be %s, got %s", typ.Field, describeType(typ.Type), typ.Value)
	case errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
		return BadRequest("malformed_json", "", "malformed JSON: the body ends early (%d bytes)", len(data))
	}
	return BadRequest("malformed_json", "", "malformed JSON: %v", err)
}

func describeType(t reflect.Type) string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.Bool:
		return "true or false"
	case reflect.Int, reflect.Int64, reflect.Int32:
		return "a whole number"
	case reflect.Uint64, reflect.Uint, reflect.Uint32:
		return "a whole number from 0 to 18446744073709551615"
	case reflect.Float64:
		return "a number"
	case reflect.String:
		return "a string"
	}
	return t.String()
}

// jsonFields lists the json names of the fields of the struct dst points to.
func jsonFields(dst any) []string {
	t := reflect.TypeOf(dst).Elem()
	var out []string
	for i := range t.NumField() {
		name, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ",")
		if name != "" && name != "-" {
			out = append(out, name)
		}
	}
	return out
}

// Within places an error found in a member of a body: its field becomes
// path.field (path alone when it had no field), and its message starts
// with path.
func (e *RequestError) Within(path string) *RequestError {
	if e == nil {
		return nil
	}
	out := *e
	if out.Body.Field == "" {
		out.Body.Field = path
	} else {
		out.Body.Field = path + "." + out.Body.Field
	}
	out.Body.Message = path + ": " + out.Body.Message
	return &out
}

// Number is a JSON number kept as written, for values that are decimals
// to be checked and used exactly (a rate, a weight) rather than through a
// float. Anything but a number literal is a type error naming the field.
type Number string

// UnmarshalJSON accepts a number literal only: not a string holding one,
// which encoding/json's json.Number would take.
func (n *Number) UnmarshalJSON(b []byte) error {
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	if _, ok := v.(float64); !ok {
		return &json.UnmarshalTypeError{Value: describeToken(v), Type: reflect.TypeFor[float64]()}
	}
	*n = Number(b)
	return nil
}
