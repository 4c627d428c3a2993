// Package lock reads and writes datasynth.lock, the file `dsops pin` writes
// so that a dataset can be reproduced years later.
//
// A lock records everything that decides the bytes of a dataset (generator
// version, the canonical config hash, the seed), the program version that
// carried that generator, where to fetch that program again (a container
// image reference, a git tag, or both) and the size and SHA-256 of every
// file the generation wrote. It is meant for version control, next to the
// config it names, so it is indented JSON with a fixed field order: two
// pins of the same inputs are byte-identical and a change shows as a small
// diff.
//
// The run block of run_manifest.json (timestamps, host) is deliberately not
// recorded, and neither is run_manifest.json itself: only what two runs of
// the same inputs must agree on.
//
// Parse is strict, like the manifest reader: unknown fields, a missing
// field, a truncated file or trailing data are errors that name the file,
// the line and column where possible, and say how to get a good lock back.
package lock

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"datasynth.dev/verify/atomicfile"
	"datasynth.dev/verify/manifest"
)

// DefaultName is the lock's file name unless told otherwise.
const DefaultName = "datasynth.lock"

// Format identifies the lock layout.
const Format = "datasynth-lock/1"

// Lock is the parsed content of a lock file.
type Lock struct {
	Format           string `json:"format"`
	ProgramVersion   string `json:"program_version"`
	GeneratorVersion string `json:"generator_version"`
	// Config is the config file as given to dsops pin, for messages.
	Config string `json:"config"`
	// ConfigHash is the SHA-256 of the canonical config with its seed, as
	// run_manifest.json records it.
	ConfigHash string `json:"config_hash"`
	Seed       uint64 `json:"seed"`
	// Image is a container image reference that runs the pinned
	// datasynth-data, such as datasynth/datasynth-server:v0.5.0.
	Image string `json:"image,omitempty"`
	// GitTag is the tag of the source tree that builds the pinned
	// datasynth-data.
	GitTag string `json:"git_tag,omitempty"`
	// OutputFiles are the files generation writes, as listed in the run
	// manifest, sorted by path.
	OutputFiles []manifest.File `json:"output_files"`
}

// ErrInvalid marks a lock file that could be read but not trusted.
var ErrInvalid = errors.New("invalid lock file")

const fixHint = "restore it from version control, or write it again with dsops pin"

// Parse decodes and checks a lock. name is used in error messages.
func Parse(name string, data []byte) (*Lock, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var l Lock
	if err := dec.Decode(&l); err != nil {
		return nil, decodeError(name, data, dec, err)
	}
	if _, err := dec.Token(); err != io.EOF {
		line, col := position(data, dec.InputOffset())
		return nil, fmt.Errorf("%s:%d:%d: %w: trailing data after the JSON document; %s", name, line, col, ErrInvalid, fixHint)
	}
	if err := l.check(); err != nil {
		return nil, fmt.Errorf("%s: %w: %v; %s", name, ErrInvalid, err, fixHint)
	}
	return &l, nil
}

// Read loads and checks the lock at file.
func Read(file string) (*Lock, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("lock file %s does not exist; create it with dsops pin --config FILE -o %s", file, file)
		}
		return nil, fmt.Errorf("reading lock file: %w", err)
	}
	return Parse(file, data)
}

func decodeError(name string, data []byte, dec *json.Decoder, err error) error {
	var syntax *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case len(bytes.TrimSpace(data)) == 0:
		return fmt.Errorf("%s: %w: the file is empty; %s", name, ErrInvalid, fixHint)
	case errors.Is(err, io.ErrUnexpectedEOF):
		line, col := position(data, int64(len(data)))
		return fmt.Errorf("%s:%d:%d: %w: the file ends inside the JSON document, so it is truncated; %s", name, line, col, ErrInvalid, fixHint)
	case errors.As(err, &syntax):
		line, col := position(data, syntax.Offset-1)
		return fmt.Errorf("%s:%d:%d: %w: %v; %s", name, line, col, ErrInvalid, syntax, fixHint)
	case errors.As(err, &typ):
		line, col := position(data, typ.Offset-1)
		return fmt.Errorf("%s:%d:%d: %w: %s must be a %s, not a JSON %s; %s", name, line, col, ErrInvalid, typ.Field, typ.Type, typ.Value, fixHint)
	}
	line, col := position(data, dec.InputOffset())
	return fmt.Errorf("%s:%d:%d: %w: %v; %s", name, line, col, ErrInvalid, strings.TrimPrefix(err.Error(), "json: "), fixHint)
}

// position converts a byte offset into a 1-based line and column.
func position(data []byte, offset int64) (int, int) {
	offset = min(max(offset, 0), int64(len(data)))
	before := data[:offset]
	line := bytes.Count(before, []byte("\n")) + 1
	col := len(before) - bytes.LastIndexByte(before, '\n')
	return line, col
}

func (l *Lock) check() error {
	switch {
	case l.Format != Format:
		return fmt.Errorf("format is %q, this program reads %q", l.Format, Format)
	case l.GeneratorVersion == "":
		return errors.New("generator_version is empty")
	case l.ProgramVersion == "":
		return errors.New("program_version is empty")
	case !manifest.IsSHA256(l.ConfigHash):
		return fmt.Errorf("config_hash %q is not a SHA-256 hex digest", l.ConfigHash)
	case len(l.OutputFiles) == 0:
		return errors.New("output_files is empty, so there is nothing to check a dataset against")
	}
	return manifest.CheckFiles(l.OutputFiles)
}

// Marshal encodes l as indented JSON with a trailing newline.
func Marshal(l *Lock) ([]byte, error) {
	if err := l.check(); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrInvalid, err)
	}
	b, err := json.MarshalIndent(l, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("encoding lock: %w", err)
	}
	return append(b, '\n'), nil
}

// WriteFile writes l to file atomically: a temporary file in the same
// folder is written, synced and renamed over file, then the folder is
// synced, so a crash leaves the old lock or the new one, never a part.
func WriteFile(file string, l *Lock) error {
	data, err := Marshal(l)
	if err != nil {
		return err
	}
	if err := atomicfile.WriteFile(file, data, 0o644); err != nil {
		return fmt.Errorf("writing lock file: %w", err)
	}
	return nil
}

// FetchCommand says how to get the pinned datasynth-data: the exact
// command for the image and for the git tag the lock records, or what to do
// when it records neither.
func (l *Lock) FetchCommand() string {
	var ways []string
	if l.Image != "" {
		ways = append(ways, "docker pull "+l.Image)
	}
	if l.GitTag != "" {
		ways = append(ways, fmt.Sprintf("git fetch --tags && git checkout %s && make build", l.GitTag))
	}
	if len(ways) == 0 {
		return fmt.Sprintf("the lock records no image or git tag; install datasynth-data %s (generator %s), and record where it comes from with dsops pin --image or --git-tag",
			l.ProgramVersion, l.GeneratorVersion)
	}
	return "fetch it with: " + strings.Join(ways, "   or: ")
}
