// Package generator finds the installed datasynth-data, asks it which
// versions it carries, and runs it.
//
// The ops tools never generate data themselves: a lock pins a datasynth-data
// release, and what matters is the program that is installed on the machine,
// so it is the installed program that is asked and run. It is asked with
// `datasynth-data info --json`, whose object carries
//
//	{"program_version": "0.6.0", "generator_version": "1.0.0", "commit": "1a2b3c4d5e6f", ...}
//
// where the program version names the release and the generator version
// names the generation logic, the part that decides the bytes.
package generator

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"strings"
	"time"
)

// DefaultBinary is the program looked up on PATH when no path is given.
const DefaultBinary = "datasynth-data"

// Installed describes an installed datasynth-data.
type Installed struct {
	// Path is where the program was found.
	Path string
	// Program is the release version, such as v0.5.0.
	Program string
	// Generator is the version of the generation logic, such as 1.0.0.
	Generator string
	// Commit is the source commit the program was built from.
	Commit string
}

// ErrNotFound is returned when the program is not installed.
var ErrNotFound = errors.New("datasynth-data not found")

// probeTimeout bounds `datasynth-data --version`, which answers at once.
const probeTimeout = 30 * time.Second

// Probe finds binary (a name looked up on PATH, or a path; empty means
// DefaultBinary) and reads its versions from `info --json`.
func Probe(ctx context.Context, binary string) (*Installed, error) {
	if binary == "" {
		binary = DefaultBinary
	}
	path, err := exec.LookPath(binary)
	if err != nil {
		if strings.ContainsRune(binary, '/') {
			return nil, fmt.Errorf("%w at %s: %v", ErrNotFound, binary, errors.Unwrap(err))
		}
		return nil, fmt.Errorf("%w: %s is not on PATH; install it, or give its path with --generator", ErrNotFound, binary)
	}
	ctx, cancel := context.WithTimeout(ctx, probeTimeout)
	defer cancel()
	var stdout, stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, path, "info", "--json")
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("%s info --json failed: %v %s; is this datasynth-data?", path, err, shorten(strings.TrimSpace(stderr.String())))
	}
	inst, err := ParseInfo(stdout.Bytes())
	if err != nil {
		return nil, fmt.Errorf("%s info --json: %w", path, err)
	}
	inst.Path = path
	return inst, nil
}

// ParseInfo reads the versions from the output of datasynth-data info
// --json.
func ParseInfo(out []byte) (*Installed, error) {
	var info struct {
		Program   string `json:"program_version"`
		Generator string `json:"generator_version"`
		Commit    string `json:"commit"`
	}
	if err := json.Unmarshal(out, &info); err != nil {
		return nil, fmt.Errorf("printed %q, not a JSON object: %v; is this datasynth-data?", shorten(strings.TrimSpace(string(out))), err)
	}
	if info.Program == "" || info.Generator == "" {
		return nil, fmt.Errorf("printed no program_version or generator_version; is this datasynth-data?")
	}
	return &Installed{Program: info.Program, Generator: info.Generator, Commit: info.Commit}, nil
}

func shorten(s string) string {
	if len(s) > 120 {
		return s[:117] + "..."
	}
	return s
}

// Generate runs `datasynth-data generate --config config --output output`
// with the installed program, passing its output through to stdout and
// stderr so that its progress and messages reach the user.
func (i *Installed) Generate(ctx context.Context, config, output string, stdout, stderr io.Writer) error {
	cmd := exec.CommandContext(ctx, i.Path, "generate", "--config", config, "--output", output)
	cmd.Stdout, cmd.Stderr = stdout, stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("%s generate --config %s --output %s failed (%v); its messages are above", i.Path, config, output, err)
	}
	return nil
}

// String describes the installed program for messages.
func (i *Installed) String() string {
	return fmt.Sprintf("datasynth-data %s (generator %s) at %s", i.Program, i.Generator, i.Path)
}
