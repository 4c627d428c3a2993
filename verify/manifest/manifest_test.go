package manifest

import (
	"errors"
	"strings"
	"testing"
)

const sum = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

func valid() *Manifest {
	return &Manifest{
		Format:           Format,
		GeneratorVersion: "1.0.0",
		ProgramVersion:   "v0.1.0",
		ConfigHash:       sum,
		Seed:             42,
		OutputFiles:      []File{{Path: "journal_entries.csv", Format: "csv", RecordCount: 1, SizeBytes: 0, SHA256: sum}},
		Run:              &Run{RunID: "x", Threads: 2},
	}
}

func TestRoundTrip(t *testing.T) {
	m := valid()
	b, err := Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	got, err := Parse("m.json", b)
	if err != nil {
		t.Fatal(err)
	}
	b2, _ := Marshal(got)
	if string(b) != string(b2) {
		t.Fatalf("round trip changed bytes:\n%s\n%s", b, b2)
	}
}

func TestDeterministicDropsRun(t *testing.T) {
	a, b := valid(), valid()
	b.Run.Threads = 8
	da, _ := Marshal(a.Deterministic())
	db, _ := Marshal(b.Deterministic())
	if string(da) != string(db) {
		t.Fatalf("deterministic parts differ")
	}
	if strings.Contains(string(da), "run_id") {
		t.Fatalf("deterministic part still has the run block: %s", da)
	}
	if a.Run == nil {
		t.Fatalf("Deterministic modified its receiver")
	}
}

func TestParseRejects(t *testing.T) {
	for name, tc := range map[string]struct {
		edit func(*Manifest)
		raw  string
		want string
	}{
		"wrong format":   {edit: func(m *Manifest) { m.Format = "other/9" }, want: "format"},
		"no generator":   {edit: func(m *Manifest) { m.GeneratorVersion = "" }, want: "generator_version"},
		"bad hash":       {edit: func(m *Manifest) { m.ConfigHash = "abc" }, want: "config_hash"},
		"escaping path":  {edit: func(m *Manifest) { m.OutputFiles[0].Path = "../x" }, want: "clean relative path"},
		"absolute path":  {edit: func(m *Manifest) { m.OutputFiles[0].Path = "/etc/passwd" }, want: "clean relative path"},
		"duplicate path": {edit: func(m *Manifest) { m.OutputFiles = append(m.OutputFiles, m.OutputFiles[0]) }, want: "listed twice"},
		"bad file sum":   {edit: func(m *Manifest) { m.OutputFiles[0].SHA256 = strings.ToUpper(sum) }, want: "sha256"},
		"truncated":      {raw: `{"format": "datasynth-run`, want: "unexpected EOF"},
		"unknown field":  {raw: `{"format": "datasynth-run-manifest/1", "colour": 1}`, want: "unknown field"},
		"trailing data":  {raw: "", want: "trailing data"},
	} {
		t.Run(name, func(t *testing.T) {
			var data []byte
			switch {
			case tc.edit != nil:
				m := valid()
				tc.edit(m)
				data, _ = Marshal(m)
			case tc.raw == "":
				data, _ = Marshal(valid())
				data = append(data, []byte("{}")...)
			default:
				data = []byte(tc.raw)
			}
			_, err := Parse("m.json", data)
			if err == nil || !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Parse error = %v, want ErrInvalid mentioning %q", err, tc.want)
			}
			if !strings.HasPrefix(err.Error(), "m.json: ") {
				t.Fatalf("error does not name the file: %v", err)
			}
		})
	}
}
