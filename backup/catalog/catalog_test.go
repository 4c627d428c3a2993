package catalog

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestNameAndParse(t *testing.T) {
	at := time.Date(2026, 11, 25, 2, 0, 7, 0, time.Local)
	none := func(string) bool { return false }
	tests := []struct {
		kind  string
		taken func(string) bool
		want  string
	}{
		{KindOutput, none, "output-2026-11-25.tar.gz"},
		{KindConfig, none, "config-2026-11-25.tar.gz"},
		{KindEnv, none, "server.env.2026-11-25"},
		{KindOutput, func(n string) bool { return n == "output-2026-11-25.tar.gz" }, "output-2026-11-25-020007.tar.gz"},
		{KindEnv, func(n string) bool { return n == "server.env.2026-11-25" }, "server.env.2026-11-25-020007"},
	}
	for _, tt := range tests {
		got := Name(tt.kind, at, false, tt.taken)
		if got != tt.want {
			t.Errorf("Name(%s) = %q, want %q", tt.kind, got, tt.want)
			continue
		}
		kind, when, ok := Parse(got)
		if !ok || kind != tt.kind {
			t.Errorf("Parse(%q) = %q, %v", got, kind, ok)
		}
		if strings.Contains(got, "020007") && !when.Equal(at) {
			t.Errorf("Parse(%q) time = %v, want %v", got, when, at)
		}
	}
	for _, bad := range []string{"output-2026-11-25.tar.gz.sha256", "output-2026-13-01.tar.gz", "server.env", "output-2026-11-25-0200.tar.gz", "notes.txt", "output-2026-11-25.tgz"} {
		if _, _, ok := Parse(bad); ok {
			t.Errorf("Parse(%q) accepted a non-backup name", bad)
		}
	}
}

func TestBackups(t *testing.T) {
	names := []string{
		"output-2026-11-25.tar.gz", "output-2026-11-25.tar.gz.sha256",
		"output-2026-11-24.tar.gz",
		"server.env.2026-11-25", "server.env.2026-11-25.sha256",
		"lost+found", ".output-2026-11-26.tar.gz123",
	}
	got := Backups(names)
	if len(got) != 3 {
		t.Fatalf("Backups = %+v, want 3 backups", got)
	}
	if got[0].Name != "output-2026-11-24.tar.gz" || got[0].Complete {
		t.Errorf("first = %+v, want incomplete output-2026-11-24", got[0])
	}
	newest, ok := Newest(got, KindOutput)
	if !ok || newest.Name != "output-2026-11-25.tar.gz" {
		t.Errorf("Newest = %+v, %v", newest, ok)
	}
	if _, ok := Newest(got, KindConfig); ok {
		t.Error("Newest found a config backup in a listing without one")
	}
}

func TestSidecarRoundTrip(t *testing.T) {
	dir := t.TempDir()
	sum := strings.Repeat("ab", 32)
	name := "output-2026-11-25.tar.gz"
	if err := WriteSidecar(dir, name, sum); err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(filepath.Join(dir, name+SidecarSuffix))
	if string(data) != sum+"  "+name+"\n" {
		t.Errorf("sidecar = %q", data)
	}
	got, err := ReadSidecar(filepath.Join(dir, name))
	if err != nil || got != sum {
		t.Errorf("ReadSidecar = %q, %v", got, err)
	}
	for _, bad := range []string{"", "zz  " + name, sum + "  other.tar.gz", sum + " " + name} {
		if _, err := ParseSidecar("x.sha256", []byte(bad), name); err == nil {
			t.Errorf("ParseSidecar(%q) accepted bad content", bad)
		}
	}
}

func TestIsTemp(t *testing.T) {
	for name, want := range map[string]bool{
		".output-2026-11-25.tar.gz123":        true,
		".output-2026-11-25.tar.gz.sha256987": true,
		".server.env.2026-11-25123":           true,
		".config-2026-11-25-140312.tar.gz55":  true,
		"output-2026-11-25.tar.gz123":         false,
		".output-2026-11-25.tar.gz":           false,
		".output-2026-11-25.tar.gz.bak1":      false,
		".server.env.2026-11-2":               false,
		".dsops-backup.lock":                  false,
		".something-else.tar.gz123":           false,
	} {
		if got := IsTemp(name); got != want {
			t.Errorf("IsTemp(%q) = %v, want %v", name, got, want)
		}
	}
}
