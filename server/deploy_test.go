package server

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// exportedMetrics returns the metric family names a server exports once
// every labelled metric has a value.
func exportedMetrics(t *testing.T) []string {
	t.Helper()
	ts := start(t, Options{})
	call(t, "GET", ts.url+"/health", "")
	ts.metrics.Reload("api_post", true)
	_, data := call(t, "GET", ts.url+"/metrics", "")
	var names []string
	for _, line := range strings.Split(string(data), "\n") {
		if name, ok := strings.CutPrefix(line, "# TYPE "); ok {
			names = append(names, strings.Fields(name)[0])
		}
	}
	return names
}

var metricName = regexp.MustCompile(`\b(synth_[a-z_]+|process_[a-z_]+|go_[a-z_]+)\b`)

// TestMetricsDocumented checks docs/metrics.md, the alert rules and the
// Grafana dashboard against what the server exports.
func TestMetricsDocumented(t *testing.T) {
	exported := exportedMetrics(t)
	doc, err := os.ReadFile(filepath.Join("..", "docs", "metrics.md"))
	if err != nil {
		t.Fatal(err)
	}
	documented := map[string]bool{}
	for _, m := range regexp.MustCompile("(?m)^\\| `(\\w+)` \\|").FindAllStringSubmatch(string(doc), -1) {
		documented[m[1]] = true
	}
	for _, name := range exported {
		if strings.HasPrefix(name, "synth_") && !documented[name] {
			t.Errorf("%s is exported but not in docs/metrics.md", name)
		}
	}
	for name := range documented {
		if !slices.Contains(exported, name) {
			t.Errorf("docs/metrics.md lists %s, which the server does not export", name)
		}
	}

	for _, file := range []string{"deploy/prometheus/alerts.yml", "deploy/grafana/dashboards/datasynth-server.json"} {
		data, err := os.ReadFile(filepath.Join("..", filepath.FromSlash(file)))
		if err != nil {
			t.Fatal(err)
		}
		used := 0
		for _, line := range strings.Split(string(data), "\n") {
			if strings.HasPrefix(strings.TrimSpace(line), "#") {
				continue
			}
			for _, m := range metricName.FindAllString(line, -1) {
				used++
				base := strings.TrimSuffix(strings.TrimSuffix(strings.TrimSuffix(m, "_bucket"), "_sum"), "_count")
				if !slices.Contains(exported, base) {
					t.Errorf("%s uses %s, which the server does not export", file, m)
				}
			}
		}
		if used < 8 {
			t.Errorf("found only %d metric uses in %s", used, file)
		}
	}
}

// TestAlertRules runs promtool on the rules and their unit tests. promtool
// comes with Debian's prometheus package.
func TestAlertRules(t *testing.T) {
	promtool, err := exec.LookPath("promtool")
	if err != nil {
		t.Fatal("promtool not found: install it with `apt-get install -y prometheus` (.ci/run does)")
	}
	dir := filepath.Join("..", "deploy", "prometheus")
	for _, args := range [][]string{{"check", "rules", "alerts.yml"}, {"test", "rules", "tests/alerts_test.yml"}} {
		cmd := exec.Command(promtool, args...)
		cmd.Dir = dir
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Errorf("promtool %s: %v\n%s", strings.Join(args, " "), err, out)
		}
	}
}

// TestDeployFilesMatchTheServer checks that the deploy files name flags,
// environment variables and endpoints the server has.
func TestDeployFilesMatchTheServer(t *testing.T) {
	read := func(parts ...string) string {
		b, err := os.ReadFile(filepath.Join(append([]string{".."}, parts...)...))
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	routes := []string{"/health", "/live", "/ready", "/metrics"}
	k8s := read("deploy", "kubernetes", "datasynth-server.yaml")
	for _, want := range []string{"path: /live", "path: /ready", "name: datasynth-config", "secretName: datasynth-api-keys",
		"kind: PodDisruptionBudget", "minAvailable: 1", "namespace: datasynth"} {
		if !strings.Contains(k8s, want) {
			t.Errorf("kubernetes manifest lacks %q", want)
		}
	}
	if strings.Contains(k8s, "preStop:") {
		t.Error("kubernetes manifest has a preStop hook; the image has no shell")
	}
	unit := read("deploy", "systemd", "datasynth-server.service")
	for _, want := range []string{"Type=notify", "WatchdogSec=", "EnvironmentFile=-/etc/datasynth/server.env", "ExecReload=/bin/kill -HUP $MAINPID"} {
		if !strings.Contains(unit, want) {
			t.Errorf("systemd unit lacks %q", want)
		}
	}
	// Every DATASYNTH_* variable in the deploy files is a flag's.
	flags := read("server", "cmd", "datasynth-server", "flags.go")
	env := regexp.MustCompile(`DATASYNTH_[A-Z_]+`)
	for _, f := range []string{k8s, unit, read("deploy", "compose", "docker-compose.yml"), read("server", "Dockerfile")} {
		for _, v := range env.FindAllString(f, -1) {
			flag := strings.ReplaceAll(strings.ToLower(strings.TrimPrefix(v, "DATASYNTH_")), "_", "-")
			if !regexp.MustCompile(`f\.\w+\((&v\.\w+, )?"` + flag + `"`).MatchString(flags) {
				t.Errorf("%s names no flag --%s", v, flag)
			}
		}
	}
	for _, r := range routes {
		if !strings.Contains(read("docs", "server.md"), r) {
			t.Errorf("docs/server.md does not mention %s", r)
		}
	}
}
