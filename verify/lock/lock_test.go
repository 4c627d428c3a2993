package lock

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"datasynth.dev/verify/manifest"
)

const sum = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

func valid() *Lock {
	return &Lock{
		Format: Format, ProgramVersion: "v0.5.0", GeneratorVersion: "1.0.0",
		Config: "configs/production/manufacturing.yaml", ConfigHash: sum, Seed: 42,
		Image: "datasynth/datasynth-server:v0.5.0", GitTag: "v0.5.0",
		OutputFiles: []manifest.File{{Path: "journal_entries.csv", Format: "csv", RecordCount: 0, SizeBytes: 0, SHA256: sum}},
	}
}

func TestWriteReadRoundTrip(t *testing.T) {
	file := filepath.Join(t.TempDir(), DefaultName)
	if err := WriteFile(file, valid()); err != nil {
		t.Fatal(err)
	}
	got, err := Read(file)
	if err != nil {
		t.Fatal(err)
	}
	a, _ := Marshal(valid())
	b, _ := Marshal(got)
	if string(a) != string(b) {
		t.Fatalf("round trip changed the lock:\n%s\n%s", a, b)
	}
	info, err := os.Stat(file)
	if err != nil || info.Mode().Perm() != 0o644 {
		t.Fatalf("lock mode = %v, %v; want 0644", info.Mode(), err)
	}
	entries, _ := os.ReadDir(filepath.Dir(file))
	if len(entries) != 1 {
		t.Fatalf("temporary files left beside the lock: %v", entries)
	}
}

func TestWriteRefusesInvalid(t *testing.T) {
	l := valid()
	l.OutputFiles = nil
	file := filepath.Join(t.TempDir(), DefaultName)
	if err := WriteFile(file, l); !errors.Is(err, ErrInvalid) {
		t.Fatalf("WriteFile of a lock without files: %v", err)
	}
	if _, err := os.Stat(file); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("an invalid lock was written")
	}
}

func TestParseRejects(t *testing.T) {
	good, _ := Marshal(valid())
	for _, tc := range []struct {
		name string
		data string
		want string
	}{
		{"empty", "", "lock.json: invalid lock file: the file is empty; restore it from version control, or write it again with dsops pin"},
		{"truncated", string(good[:len(good)/2]), "the file ends inside the JSON document, so it is truncated"},
		{"not json", "generator = 1.0\n", "lock.json:1:1: invalid lock file: invalid character 'g' looking for beginning of value"},
		{"syntax on line 3", "{\n  \"format\": \"datasynth-lock/1\",\n  \"seed\": 4x2\n}\n", "lock.json:3:12: invalid lock file: invalid character 'x' after object key:value pair"},
		{"wrong type", "{\n  \"seed\": \"42\"\n}\n", "lock.json:2:14: invalid lock file: seed must be a uint64, not a JSON string"},
		{"unknown field", "{\n  \"colour\": 1\n}\n", `unknown field "colour"`},
		{"trailing data", string(good) + "{}", "trailing data after the JSON document"},
		{"wrong format", strings.Replace(string(good), Format, "datasynth-lock/9", 1), `format is "datasynth-lock/9"`},
		{"no generator", strings.Replace(string(good), `"generator_version": "1.0.0"`, `"generator_version": ""`, 1), "generator_version is empty"},
		{"bad hash", strings.Replace(string(good), `"config_hash": "`+sum, `"config_hash": "`+sum[:10], 1), "config_hash"},
		{"bad file path", strings.Replace(string(good), `"journal_entries.csv"`, `"../x"`, 1), "not a clean relative path"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse("lock.json", []byte(tc.data))
			if err == nil || !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Parse error = %v\nwant ErrInvalid containing %q", err, tc.want)
			}
			if !strings.HasPrefix(err.Error(), "lock.json") || !strings.HasSuffix(err.Error(), fixHint) {
				t.Fatalf("error does not name the file or the fix: %v", err)
			}
		})
	}
}

func TestReadMissing(t *testing.T) {
	_, err := Read("no/such.lock")
	if err == nil || err.Error() != "lock file no/such.lock does not exist; create it with dsops pin --config FILE -o no/such.lock" {
		t.Fatalf("err = %v", err)
	}
}

func TestFetchCommand(t *testing.T) {
	for _, tc := range []struct {
		image, tag, want string
	}{
		{"reg/ds:v1", "", "fetch it with: docker pull reg/ds:v1"},
		{"", "v1", "fetch it with: git fetch --tags && git checkout v1 && make build"},
		{"reg/ds:v1", "v1", "fetch it with: docker pull reg/ds:v1   or: git fetch --tags && git checkout v1 && make build"},
		{"", "", "the lock records no image or git tag; install datasynth-data v0.5.0 (generator 1.0.0), and record where it comes from with dsops pin --image or --git-tag"},
	} {
		l := valid()
		l.Image, l.GitTag = tc.image, tc.tag
		if got := l.FetchCommand(); got != tc.want {
			t.Errorf("FetchCommand(%q, %q) = %q, want %q", tc.image, tc.tag, got, tc.want)
		}
	}
}
