// Package catalog names backup files and finds them again.
//
// Names follow the classic backup script: output-YYYY-MM-DD.tar.gz for the
// output folder, config-YYYY-MM-DD.tar.gz for generation configs and
// server.env.YYYY-MM-DD for the environment file, in local time. The
// Kubernetes export adds k8s-configmap.YYYY-MM-DD.yaml and
// k8s-secret.YYYY-MM-DD.yaml, and a recipe of the output folder (what
// regenerates it) is recipe-YYYY-MM-DD.tar.gz. A second backup of a kind on the same day gets
// a time suffix (-HHMMSS), so the first backup of a day keeps the name the
// script would have given it.
//
// A backup encrypted with age (package secrets) has ".age" after its name:
// server.env.2026-11-25.age. It is the same kind as its plain form, so
// retention treats the two alike. Files marked secret by the user are kept
// only encrypted, as BASENAME.YYYY-MM-DD.age, and that is their kind.
//
// Every backup file has a sidecar NAME.sha256 in sha256sum's format, written
// after the file itself; a backup without its sidecar is incomplete. The same
// names are used in the destination folder and under the S3 prefix.
package catalog

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"datasynth.dev/backup/retention"
	"datasynth.dev/verify"
	"datasynth.dev/verify/atomicfile"
	"datasynth.dev/verify/checksum"
)

// Kinds of backup. Secret files have their base name as their kind.
const (
	KindOutput       = "output"
	KindConfig       = "config"
	KindEnv          = "server.env"
	KindK8sConfigMap = "k8s-configmap"
	KindK8sSecret    = "k8s-secret"
	// KindRecipe is a recipe of the output folder: what regenerates it.
	KindRecipe = "recipe"
)

// known are the kinds with a fixed layout, in the order Parse tries them.
var known = []string{KindOutput, KindConfig, KindEnv, KindK8sConfigMap, KindK8sSecret, KindRecipe}

// Reserved reports whether name is a kind of its own, which a secret file
// may not be named after.
func Reserved(name string) bool {
	for _, k := range known {
		if name == k {
			return true
		}
	}
	return false
}

// SidecarSuffix ends the name of every checksum sidecar.
const SidecarSuffix = ".sha256"

// EncryptedSuffix ends the name of a backup encrypted with age.
const EncryptedSuffix = ".age"

const (
	dayLayout  = "2006-01-02"
	timeLayout = "150405"
)

// layout returns what comes before and after the date in a name of kind.
func layout(kind string) (prefix, suffix string) {
	switch kind {
	case KindOutput, KindConfig, KindRecipe:
		return kind + "-", ".tar.gz"
	case KindK8sConfigMap, KindK8sSecret:
		return kind + ".", ".yaml"
	}
	return kind + ".", ""
}

// Name returns the file name for a backup of kind taken at t, encrypted or
// not. taken reports whether a name is already used; the plain day name is
// preferred and the time suffix added only when it is.
func Name(kind string, t time.Time, encrypted bool, taken func(string) bool) string {
	t = t.In(time.Local)
	prefix, suffix := layout(kind)
	if encrypted {
		suffix += EncryptedSuffix
	}
	name := prefix + t.Format(dayLayout) + suffix
	if !taken(name) {
		return name
	}
	return prefix + t.Format(dayLayout) + "-" + t.Format(timeLayout) + suffix
}

// Parse reads a backup file name. ok is false for names that are not backups
// (sidecars included).
func Parse(name string) (kind string, t time.Time, ok bool) {
	kind, t, _, ok = ParseName(name)
	return kind, t, ok
}

// ParseName is Parse that also tells whether the backup is encrypted.
func ParseName(name string) (kind string, t time.Time, encrypted, ok bool) {
	plain, encrypted := strings.CutSuffix(name, EncryptedSuffix)
	for _, k := range known {
		if t, ok := parseLayout(plain, k); ok {
			return k, t, encrypted, true
		}
	}
	if !encrypted {
		return "", time.Time{}, false, false
	}
	// A secret file: BASENAME.DATE.age, its date at the end.
	for _, n := range []int{len(dayLayout), len(dayLayout) + 1 + len(timeLayout)} {
		if len(plain) > n+1 && plain[len(plain)-n-1] == '.' {
			base := plain[:len(plain)-n-1]
			if t, ok := parseLayout(plain, base); ok && !strings.ContainsRune(base, '/') {
				return base, t, true, true
			}
		}
	}
	return "", time.Time{}, false, false
}

func parseLayout(name, kind string) (time.Time, bool) {
	prefix, suffix := layout(kind)
	rest, found := strings.CutPrefix(name, prefix)
	if !found {
		return time.Time{}, false
	}
	rest, found = strings.CutSuffix(rest, suffix)
	if !found {
		return time.Time{}, false
	}
	if t, err := time.ParseInLocation(dayLayout, rest, time.Local); err == nil {
		return t, true
	}
	if len(rest) == len(dayLayout)+1+len(timeLayout) && rest[len(dayLayout)] == '-' {
		if t, err := time.ParseInLocation(dayLayout+"-"+timeLayout, rest, time.Local); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

// Backups turns a listing of file names (a folder or a bucket prefix) into
// the backups it holds, sorted by name. Names that are neither backups nor
// sidecars are ignored.
func Backups(names []string) []retention.Backup {
	have := make(map[string]bool, len(names))
	for _, n := range names {
		have[n] = true
	}
	var out []retention.Backup
	for _, n := range names {
		kind, t, ok := Parse(n)
		if !ok {
			continue
		}
		out = append(out, retention.Backup{Name: n, Kind: kind, Time: t, Complete: have[n+SidecarSuffix]})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// Newest returns the newest complete backup of kind, if any.
func Newest(backups []retention.Backup, kind string) (retention.Backup, bool) {
	var best retention.Backup
	found := false
	for _, b := range backups {
		if b.Kind == kind && b.Complete && (!found || b.Time.After(best.Time)) {
			best, found = b, true
		}
	}
	return best, found
}

// IsTemp reports whether name is a temporary file that a run killed while
// writing a backup or its sidecar left in the backup folder (see
// atomicfile.IsTemp): a dot, the backup's name, then digits.
func IsTemp(name string) bool {
	rest, ok := strings.CutPrefix(name, ".")
	if !ok {
		return false
	}
	for i := len(rest) - 1; i > 0 && rest[i] >= '0' && rest[i] <= '9'; i-- {
		final := rest[:i]
		if _, _, ok := Parse(strings.TrimSuffix(final, SidecarSuffix)); ok && atomicfile.IsTemp(name, final) {
			return true
		}
	}
	return false
}

// ListDir returns the names of the regular files in dir.
func ListDir(dir string) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var names []string
	for _, e := range entries {
		if e.Type().IsRegular() {
			names = append(names, e.Name())
		}
	}
	return names, nil
}

// FormatSidecar returns the sidecar content for a file: a one-line checksum
// list in sha256sum's format, so `sha256sum -c NAME.sha256` checks it by
// hand.
func FormatSidecar(sum, name string) []byte {
	var b bytes.Buffer
	checksum.Write(&b, []checksum.Entry{{Name: name, SHA256: sum}})
	return b.Bytes()
}

// ErrSidecar marks a sidecar that cannot be read as the checksum of its
// backup: the sidecar itself is damaged or was edited.
var ErrSidecar = errors.New("damaged sidecar")

// ParseSidecar reads the checksum from a sidecar's content. name is the
// file the sidecar must describe; path is used in errors. A sidecar saved
// with Windows line endings is read as well: a backup name never holds a
// carriage return, so the one before the newline can only be a line ending.
func ParseSidecar(path string, data []byte, name string) (string, error) {
	if line, ok := bytes.CutSuffix(data, []byte("\r\n")); ok && bytes.Count(data, []byte("\n")) == 1 {
		data = append(line, '\n')
	}
	entries, err := checksum.Parse(path, bytes.NewReader(data))
	if err != nil {
		return "", fmt.Errorf("%w: %v; write it again with `sha256sum %s > %s` once the backup is known to be good", ErrSidecar, err, name, filepath.Base(path))
	}
	if len(entries) != 1 || entries[0].Name != name {
		return "", fmt.Errorf("%s: %w: it must hold exactly one line, for %q; write it again with `sha256sum %s > %s` once the backup is known to be good", path, ErrSidecar, name, name, filepath.Base(path))
	}
	return entries[0].SHA256, nil
}

// ErrMismatch marks a backup file whose SHA-256 is not the one its sidecar
// gives.
var ErrMismatch = errors.New("does not match its .sha256 sidecar")

// CheckFile proves a local backup intact: it hashes the file and compares
// the result with its sidecar. The error wraps fs.ErrNotExist (no sidecar),
// ErrSidecar (the sidecar is unreadable) or ErrMismatch.
func CheckFile(file string) error {
	want, err := ReadSidecar(file)
	if err != nil {
		return err
	}
	got, _, err := verify.HashFile(file)
	if err != nil {
		return err
	}
	if got != want {
		return fmt.Errorf("%s: %w: its SHA-256 is %s, the sidecar says %s", filepath.Base(file), ErrMismatch, got, want)
	}
	return nil
}

// WriteSidecar writes dir/name.sha256 atomically.
func WriteSidecar(dir, name, sum string) error {
	return atomicfile.WriteFile(filepath.Join(dir, name+SidecarSuffix), FormatSidecar(sum, name), 0o644)
}

// ReadSidecar reads the checksum of file from its sidecar beside it.
func ReadSidecar(file string) (string, error) {
	p := file + SidecarSuffix
	data, err := os.ReadFile(p)
	if err != nil {
		return "", err
	}
	return ParseSidecar(p, data, filepath.Base(file))
}
