// Package auth checks API keys.
//
// Keys are held only as SHA-256 digests. A presented key is hashed and
// compared with every stored digest in constant time, so neither the
// comparison nor the position of a match leaks through timing. A key is
// never logged: callers identify a client by ID, a short prefix of the
// digest that is safe to print and to use as a rate-limit bucket name.
package auth

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"strings"
)

// Keys is an immutable set of accepted API keys.
type Keys struct {
	digests [][sha256.Size]byte
}

// ErrEmptyKey is returned for a blank key in a list.
var ErrEmptyKey = errors.New("empty API key")

// MinKeyLength is the shortest accepted key: anything shorter is guessable.
const MinKeyLength = 16

// New returns the set of keys. An empty list gives a set that accepts every
// request (Enabled is false).
func New(keys []string) (*Keys, error) {
	k := &Keys{}
	for i, key := range keys {
		key = strings.TrimSpace(key)
		if key == "" {
			return nil, fmt.Errorf("key %d: %w", i+1, ErrEmptyKey)
		}
		if len(key) < MinKeyLength {
			return nil, fmt.Errorf("key %d is %d characters long; use at least %d random characters (for example `openssl rand -hex 24`)", i+1, len(key), MinKeyLength)
		}
		k.digests = append(k.digests, sha256.Sum256([]byte(key)))
	}
	return k, nil
}

// SplitList splits a comma-separated list (DATASYNTH_API_KEYS), dropping
// blanks.
func SplitList(s string) []string {
	var out []string
	for _, k := range strings.Split(s, ",") {
		if k = strings.TrimSpace(k); k != "" {
			out = append(out, k)
		}
	}
	return out
}

// ParseFile reads an API-keys file: one key per line; blank lines and lines
// starting with # are ignored.
func ParseFile(data []byte) []string {
	var out []string
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		out = append(out, line)
	}
	return out
}

// Enabled reports whether any key is configured.
func (k *Keys) Enabled() bool { return len(k.digests) > 0 }

// Len is the number of keys.
func (k *Keys) Len() int { return len(k.digests) }

// Check reports whether key is one of the keys, and the client ID of the
// key. It takes the same time whichever key matches.
func (k *Keys) Check(key string) (id string, ok bool) {
	d := sha256.Sum256([]byte(key))
	match := 0
	for i := range k.digests {
		match |= subtle.ConstantTimeCompare(d[:], k.digests[i][:])
	}
	if match != 1 {
		return "", false
	}
	return ID(key), true
}

// ID names a key in logs and rate-limit buckets: "key:" and the first 12
// hex digits of its SHA-256.
func ID(key string) string {
	d := sha256.Sum256([]byte(key))
	return "key:" + hex.EncodeToString(d[:6])
}

// FromRequest returns the key a request presents in `Authorization: Bearer
// KEY` or `X-API-Key: KEY`, and whether it presents one.
func FromRequest(r *http.Request) (string, bool) {
	if h := r.Header.Get("Authorization"); h != "" {
		scheme, token, ok := strings.Cut(h, " ")
		if ok && strings.EqualFold(scheme, "Bearer") {
			return strings.TrimSpace(token), true
		}
		return "", true
	}
	if h := r.Header.Get("X-API-Key"); h != "" {
		return strings.TrimSpace(h), true
	}
	return "", false
}

// HasID reports whether one of the keys has the client ID id (see ID).
func (k *Keys) HasID(id string) bool {
	for i := range k.digests {
		if "key:"+hex.EncodeToString(k.digests[i][:6]) == id {
			return true
		}
	}
	return false
}
