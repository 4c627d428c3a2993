// Package manifest defines run_manifest.json, the record that datasynth-data
// writes beside every dataset it generates.
//
// A manifest has two parts. Everything outside the Run block depends only on
// the generation inputs (config, seed, generator version and program
// version), so two runs of the same inputs produce manifests that are equal
// byte for byte once the Run block is removed. The Run block holds what
// legitimately differs between runs: timestamps, host name, thread count and
// a random run id.
//
// The manifest is the contract between the generator (module engine), the
// checksum tools (module verify) and the backup tools (module backup), which
// is why it lives here, in the module that depends on no sibling.
package manifest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"strings"
)

// FileName is the name of the manifest inside a dataset folder.
const FileName = "run_manifest.json"

// Format identifies the manifest layout; it changes only when fields change
// meaning, never when fields are added.
const Format = "datasynth-run-manifest/1"

// Manifest is the parsed content of run_manifest.json.
type Manifest struct {
	Format           string     `json:"format"`
	GeneratorVersion string     `json:"generator_version"`
	ProgramVersion   string     `json:"program_version"`
	ConfigHash       string     `json:"config_hash"`
	Seed             uint64     `json:"seed"`
	Statistics       Statistics `json:"statistics"`
	OutputFiles      []File     `json:"output_files"`
	Run              *Run       `json:"run,omitempty"`
}

// Statistics summarises what was generated.
type Statistics struct {
	Companies      int   `json:"companies"`
	Accounts       int   `json:"accounts"`
	JournalEntries int64 `json:"journal_entries"`
	LineItems      int64 `json:"line_items"`
	FraudEntries   int64 `json:"fraud_entries"`
}

// File describes one generated file. Path is slash-separated and relative to
// the dataset folder.
type File struct {
	Path        string `json:"path"`
	Format      string `json:"format"`
	RecordCount int64  `json:"record_count"`
	SizeBytes   int64  `json:"size_bytes"`
	SHA256      string `json:"sha256"`
}

// Run holds the facts of one execution that are allowed to differ between
// two runs of the same inputs.
type Run struct {
	RunID      string `json:"run_id"`
	StartedAt  string `json:"started_at"`
	FinishedAt string `json:"finished_at"`
	DurationMS int64  `json:"duration_ms"`
	Host       string `json:"host"`
	Threads    int    `json:"threads"`
	OS         string `json:"os"`
	Arch       string `json:"arch"`
}

// Marshal encodes m as indented JSON with a trailing newline. Field order is
// fixed by the struct, so equal manifests encode to equal bytes.
func Marshal(m *Manifest) ([]byte, error) {
	b, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("encoding run manifest: %w", err)
	}
	return append(b, '\n'), nil
}

// ErrInvalid marks a manifest that could be read but not trusted.
var ErrInvalid = errors.New("invalid run manifest")

// Parse decodes and checks a manifest. name is used in error messages.
func Parse(name string, data []byte) (*Manifest, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var m Manifest
	if err := dec.Decode(&m); err != nil {
		return nil, fmt.Errorf("%s: %w: %v (regenerate the dataset or restore the manifest from a backup)", name, ErrInvalid, err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, fmt.Errorf("%s: %w: trailing data after the JSON document", name, ErrInvalid)
	}
	if err := m.check(); err != nil {
		return nil, fmt.Errorf("%s: %w: %v", name, ErrInvalid, err)
	}
	return &m, nil
}

// Read loads and checks the manifest at file.
func Read(file string) (*Manifest, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	return Parse(file, data)
}

func (m *Manifest) check() error {
	if m.Format != Format {
		return fmt.Errorf("format is %q, this program reads %q", m.Format, Format)
	}
	if m.GeneratorVersion == "" {
		return errors.New("generator_version is empty")
	}
	if !IsSHA256(m.ConfigHash) {
		return fmt.Errorf("config_hash %q is not a SHA-256 hex digest", m.ConfigHash)
	}
	return CheckFiles(m.OutputFiles)
}

// CheckFiles checks a list of output files as a manifest does: clean
// relative paths, each listed once, SHA-256 digests in lower-case hex, no
// negative sizes. Lock files reuse it for the files they record.
func CheckFiles(files []File) error {
	seen := make(map[string]bool, len(files))
	for i, f := range files {
		switch {
		case f.Path == "" || path.IsAbs(f.Path) || strings.HasPrefix(path.Clean(f.Path), "..") || path.Clean(f.Path) != f.Path:
			return fmt.Errorf("output_files[%d].path %q is not a clean relative path", i, f.Path)
		case seen[f.Path]:
			return fmt.Errorf("output_files[%d].path %q is listed twice", i, f.Path)
		case !IsSHA256(f.SHA256):
			return fmt.Errorf("output_files[%d].sha256 %q is not a SHA-256 hex digest", i, f.SHA256)
		case f.SizeBytes < 0 || f.RecordCount < 0:
			return fmt.Errorf("output_files[%d] has a negative size or record count", i)
		}
		seen[f.Path] = true
	}
	return nil
}

// Deterministic returns a copy of m without the Run block: the part that two
// runs of the same inputs must agree on byte for byte.
func (m *Manifest) Deterministic() *Manifest {
	c := *m
	c.Run = nil
	c.OutputFiles = append([]File(nil), m.OutputFiles...)
	return &c
}

// IsSHA256 reports whether s is a SHA-256 digest in lower-case hex, the
// form manifests and lock files store.
func IsSHA256(s string) bool {
	if len(s) != 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}
