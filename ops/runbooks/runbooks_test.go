package runbooks_test

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"datasynth.dev/ops/internal/runbook"
	"datasynth.dev/ops/runbooks"
)

var update = flag.Bool("update", false, "rewrite the generated list in docs/runbooks.md")

func load(t *testing.T) runbook.Set {
	t.Helper()
	set, err := runbook.Load(runbooks.FS, "")
	if err != nil {
		t.Fatal(err)
	}
	return set
}

// TestBuiltIn checks that the runbooks scripts and alerts name are there.
func TestBuiltIn(t *testing.T) {
	set := load(t)
	for _, name := range []string{"server-crash", "node-failure", "config-lost", "historical-data", "restart", "backup-failed"} {
		if _, err := set.Get(name); err != nil {
			t.Error(err)
		}
	}
}

// TestEveryAlertHasARunbook checks deploy/prometheus/alerts.yml against the
// runbooks: every alert's runbook_url names the runbook that answers it, and
// every alert runbook answers an alert that exists.
func TestEveryAlertHasARunbook(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("..", "..", "deploy", "prometheus", "alerts.yml"))
	if err != nil {
		t.Fatal(err)
	}
	var rules struct {
		Groups []struct {
			Rules []struct {
				Alert       string            `yaml:"alert"`
				Annotations map[string]string `yaml:"annotations"`
			} `yaml:"rules"`
		} `yaml:"groups"`
	}
	if err := yaml.Unmarshal(data, &rules); err != nil {
		t.Fatal(err)
	}
	set := load(t)
	alerts := map[string]bool{}
	for _, g := range rules.Groups {
		for _, r := range g.Rules {
			alerts[r.Alert] = true
			url := r.Annotations["runbook_url"]
			name, ok := strings.CutPrefix(url, "docs/runbooks.md#")
			if !ok {
				t.Errorf("alert %s: runbook_url %q does not point into docs/runbooks.md", r.Alert, url)
				continue
			}
			b, err := set.Get(name)
			if err != nil {
				t.Errorf("alert %s: %v", r.Alert, err)
			} else if b.Alert != r.Alert {
				t.Errorf("alert %s points at runbook %s, which answers alert %q", r.Alert, name, b.Alert)
			}
		}
	}
	if len(alerts) < 11 {
		t.Fatalf("found only %d alerts", len(alerts))
	}
	for _, b := range set.Sorted() {
		if b.Kind == runbook.KindAlert && !alerts[b.Alert] {
			t.Errorf("runbook %s answers alert %s, which alerts.yml does not define", b.Name, b.Alert)
		}
	}
}

const marker = "<!-- generated from ops/runbooks: do not edit below this line -->\n"

// TestDocsList checks that docs/runbooks.md lists the runbooks as they are.
func TestDocsList(t *testing.T) {
	path := filepath.Join("..", "..", "docs", "runbooks.md")
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	head, _, ok := strings.Cut(string(data), marker)
	if !ok {
		t.Fatalf("%s lacks the line %q", path, strings.TrimSpace(marker))
	}
	var buf bytes.Buffer
	buf.WriteString(head + marker + "\n")
	if err := load(t).WriteDoc(&buf); err != nil {
		t.Fatal(err)
	}
	if *update {
		if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	if buf.String() != string(data) {
		t.Errorf("%s is out of date: run go test ./runbooks -update in ops", path)
	}
}
