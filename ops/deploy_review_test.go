package ops_test

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"gopkg.in/yaml.v3"
)

func readFile(t *testing.T, path string) string {
	t.Helper()
	data, err := os.ReadFile(filepath.FromSlash(path))
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

// docs decodes every YAML document of a file.
func docs(t *testing.T, path string) []map[string]any {
	t.Helper()
	dec := yaml.NewDecoder(strings.NewReader(readFile(t, path)))
	var out []map[string]any
	for {
		var d map[string]any
		if err := dec.Decode(&d); err != nil {
			break
		}
		out = append(out, d)
	}
	if len(out) == 0 {
		t.Fatalf("%s holds no YAML document", path)
	}
	return out
}

// dig walks nested maps and lists: dig(v, "spec", "template", 0, "name").
func dig(v any, path ...any) any {
	for _, p := range path {
		switch k := p.(type) {
		case string:
			m, _ := v.(map[string]any)
			v = m[k]
		case int:
			l, _ := v.([]any)
			if k >= len(l) {
				return nil
			}
			v = l[k]
		}
	}
	return v
}

func kind(t *testing.T, path, k string) map[string]any {
	t.Helper()
	for _, d := range docs(t, path) {
		if d["kind"] == k {
			return d
		}
	}
	t.Fatalf("%s defines no %s", path, k)
	return nil
}

// TestImagesPinned: every DataSynth image in the deploy files names the
// release in the VERSION file, the tag make image gives the images, never
// latest or dev. A release bumps VERSION and the deploy files together.
func TestImagesPinned(t *testing.T) {
	deployVersion := strings.TrimSpace(readFile(t, "../VERSION"))
	image := regexp.MustCompile(`datasynth/(datasynth-server|dsops)(:[^\s"']*)?`)
	found := 0
	for _, f := range []string{"../deploy/kubernetes/datasynth-server.yaml", "../deploy/kubernetes/dsops-backup-cronjob.yaml", "../deploy/compose/docker-compose.yml"} {
		for _, line := range strings.Split(readFile(t, f), "\n") {
			if strings.HasPrefix(strings.TrimSpace(line), "#") || !strings.Contains(line, "image:") {
				continue
			}
			for _, m := range image.FindAllStringSubmatch(line, -1) {
				found++
				if m[2] != ":"+deployVersion {
					t.Errorf("%s: %s is not pinned to the release %s", f, m[0], deployVersion)
				}
			}
		}
	}
	if found < 4 {
		t.Errorf("found only %d DataSynth images in the deploy files", found)
	}
}

// TestSecretsOnlyInTemplates: `kubectl apply -f deploy/kubernetes/` (the
// config-lost runbook) must never put a placeholder key back, so no
// manifest it reads defines a Secret.
func TestSecretsOnlyInTemplates(t *testing.T) {
	files, _ := filepath.Glob("../deploy/kubernetes/*")
	for _, f := range files {
		if ext := filepath.Ext(f); ext != ".yaml" && ext != ".yml" && ext != ".json" {
			continue
		}
		for _, d := range docs(t, f) {
			if d["kind"] == "Secret" {
				t.Errorf("%s defines Secret %v, which kubectl apply -f deploy/kubernetes/ would overwrite", f, dig(d, "metadata", "name"))
			}
		}
	}
	templates, _ := filepath.Glob("../deploy/kubernetes/secrets/*")
	if len(templates) < 2 {
		t.Fatalf("found %d Secret templates", len(templates))
	}
	for _, f := range templates {
		if !strings.HasSuffix(f, ".yaml.template") {
			t.Errorf("%s: name Secret templates *.yaml.template, which kubectl apply never reads", f)
		}
	}
}

// TestReplicasSpread: two replicas must not share a node (scenario 2).
func TestReplicasSpread(t *testing.T) {
	d := kind(t, "../deploy/kubernetes/datasynth-server.yaml", "Deployment")
	spec := dig(d, "spec", "template", "spec")
	c := dig(spec, "topologySpreadConstraints", 0)
	if dig(c, "topologyKey") != "kubernetes.io/hostname" || dig(c, "maxSkew") != 1 || dig(c, "whenUnsatisfiable") != "DoNotSchedule" ||
		dig(c, "labelSelector", "matchLabels", "app.kubernetes.io/name") != dig(d, "spec", "selector", "matchLabels", "app.kubernetes.io/name") {
		t.Errorf("the Deployment does not spread its replicas over nodes: %v", c)
	}
}

func seconds(t *testing.T, v any) time.Duration {
	t.Helper()
	switch x := v.(type) {
	case int:
		return time.Duration(x) * time.Second
	case string:
		d, err := time.ParseDuration(x)
		if err != nil {
			t.Fatalf("%q: %v", x, err)
		}
		return d
	}
	t.Fatalf("%v is not a duration", v)
	return 0
}

// TestHangDetectedWithinObjective: a hung server is killed and restarted
// within the 30 s objective, by the Kubernetes liveness probe and by the
// systemd watchdog, with 10 s left for the new process to start. (dsops
// drill server-crash --hang measures the systemd numbers.)
func TestHangDetectedWithinObjective(t *testing.T) {
	const budget = 20 * time.Second
	d := kind(t, "../deploy/kubernetes/datasynth-server.yaml", "Deployment")
	p := dig(d, "spec", "template", "spec", "containers", 0, "livenessProbe")
	k8s := time.Duration(dig(p, "failureThreshold").(int))*seconds(t, dig(p, "periodSeconds")) +
		seconds(t, dig(p, "timeoutSeconds")) + seconds(t, dig(p, "terminationGracePeriodSeconds"))
	if k8s > budget {
		t.Errorf("Kubernetes: a hang is detected and killed after up to %s, over %s", k8s, budget)
	}
	unit := readFile(t, "../deploy/systemd/datasynth-server.service")
	value := func(key string) time.Duration {
		m := regexp.MustCompile(`(?m)^` + key + `=(\S+)$`).FindStringSubmatch(unit)
		if m == nil {
			t.Fatalf("datasynth-server.service sets no %s", key)
		}
		return seconds(t, m[1])
	}
	sd := value("WatchdogSec") + value("TimeoutAbortSec") + value("RestartSec")
	if sd > budget {
		t.Errorf("systemd: a hang is detected, killed and restarted after up to %s, over %s", sd, budget)
	}
}

// TestBackupUnit: the backup unit runs without node_exporter, as a user,
// hardened like the server unit (systemd-analyze security under 3.0).
func TestBackupUnit(t *testing.T) {
	unit := readFile(t, "../deploy/systemd/dsops-backup.service")
	start := regexp.MustCompile(`(?m)^ExecStart=(.*)$`).FindStringSubmatch(unit)
	if start == nil || strings.Contains(start[1], "--metrics-file") {
		t.Errorf("ExecStart must not name a metrics file, which fails on hosts without node_exporter: %v", start)
	}
	if !regexp.MustCompile(`(?m)^User=datasynth$`).MatchString(unit) {
		t.Error("dsops-backup.service runs as root: give it User=datasynth")
	}
	analyze, err := exec.LookPath("systemd-analyze")
	if err != nil {
		t.Fatal("systemd-analyze not found: install it with `apt-get install -y systemd` (.ci/run does)")
	}
	for _, u := range []string{"dsops-backup.service", "datasynth-server.service"} {
		cmd := exec.Command(analyze, "security", "--offline=yes", "--threshold=30", u)
		cmd.Dir = filepath.FromSlash("../deploy/systemd")
		out, err := cmd.CombinedOutput()
		score := regexp.MustCompile(`Overall exposure level for \S+: (\d+\.\d)`).FindSubmatch(out)
		if err != nil || score == nil {
			t.Errorf("systemd-analyze security %s: %v\n%s", u, err, out)
			continue
		}
		if v, _ := strconv.ParseFloat(string(score[1]), 64); v >= 3.0 {
			t.Errorf("%s: exposure %v, want under 3.0", u, v)
		}
	}
}

// TestMemoryAlertBelowLimit: the memory alert fires before the pod limit is
// reached, not above it.
func TestMemoryAlertBelowLimit(t *testing.T) {
	d := kind(t, "../deploy/kubernetes/datasynth-server.yaml", "Deployment")
	limit := dig(d, "spec", "template", "spec", "containers", 0, "resources", "limits", "memory")
	if limit != "1Gi" {
		t.Fatalf("the memory limit is %v; update this test and the alert together", limit)
	}
	m := regexp.MustCompile(`process_resident_memory_bytes\{job="datasynth"\} > ([0-9.* ]+)\n`).FindStringSubmatch(readFile(t, "../deploy/prometheus/alerts.yml"))
	if m == nil {
		t.Fatal("no DatasynthHighMemory expression of the form `process_resident_memory_bytes{job=\"datasynth\"} > N`")
	}
	threshold := 1.0
	for _, f := range strings.Split(m[1], "*") {
		v, err := strconv.ParseFloat(strings.TrimSpace(f), 64)
		if err != nil {
			t.Fatalf("threshold %q: %v", m[1], err)
		}
		threshold *= v
	}
	if threshold >= 1<<30 || threshold < 0.5*(1<<30) {
		t.Errorf("DatasynthHighMemory fires above %.0f bytes; the limit is 1 GiB", threshold)
	}
}

// TestScrapeJobs: the alerts and the dashboard select job="datasynth";
// both shipped scrape configs name the job so, and the Kubernetes one keeps
// the Deployment's pods on its named port.
func TestScrapeJobs(t *testing.T) {
	var compose, k8s struct {
		ScrapeConfigs []struct {
			JobName        string `yaml:"job_name"`
			RelabelConfigs []struct {
				SourceLabels []string `yaml:"source_labels"`
				Regex        string   `yaml:"regex"`
				Action       string   `yaml:"action"`
			} `yaml:"relabel_configs"`
		} `yaml:"scrape_configs"`
	}
	for f, v := range map[string]any{"../deploy/prometheus/prometheus.yml": &compose, "../deploy/prometheus/kubernetes-scrape.yml": &k8s} {
		if err := yaml.Unmarshal([]byte(readFile(t, f)), v); err != nil {
			t.Fatal(err)
		}
	}
	if len(compose.ScrapeConfigs) == 0 || compose.ScrapeConfigs[0].JobName != "datasynth" ||
		len(k8s.ScrapeConfigs) == 0 || k8s.ScrapeConfigs[0].JobName != "datasynth" {
		t.Fatalf("scrape jobs: compose %+v, kubernetes %+v", compose, k8s)
	}
	keep := map[string]string{}
	for _, r := range k8s.ScrapeConfigs[0].RelabelConfigs {
		if r.Action == "keep" {
			keep[strings.Join(r.SourceLabels, ",")] = r.Regex
		}
	}
	d := kind(t, "../deploy/kubernetes/datasynth-server.yaml", "Deployment")
	if keep["__meta_kubernetes_pod_label_app_kubernetes_io_name"] != dig(d, "spec", "template", "metadata", "labels", "app.kubernetes.io/name") ||
		keep["__meta_kubernetes_pod_container_port_name"] != dig(d, "spec", "template", "spec", "containers", 0, "ports", 0, "name") {
		t.Errorf("the Kubernetes scrape config keeps %v, which does not select the Deployment's pods and port", keep)
	}
}

// TestComposeFile: the server has a healthcheck that needs no shell, and
// neither the API keys nor Grafana's password default to something open.
func TestComposeFile(t *testing.T) {
	text := readFile(t, "../deploy/compose/docker-compose.yml")
	var c struct {
		Services map[string]struct {
			Healthcheck struct {
				Test []string `yaml:"test"`
			} `yaml:"healthcheck"`
			Environment map[string]string `yaml:"environment"`
			Restart     string            `yaml:"restart"`
		} `yaml:"services"`
	}
	if err := yaml.Unmarshal([]byte(text), &c); err != nil {
		t.Fatal(err)
	}
	hc := c.Services["datasynth-server"].Healthcheck.Test
	if len(hc) < 2 || hc[0] != "CMD" || hc[1] != "/usr/local/bin/dsops" {
		t.Errorf("datasynth-server healthcheck %q: give an exec form (CMD) of /usr/local/bin/dsops health; the image has no shell", hc)
	}
	if c.Services["datasynth-server"].Restart != "unless-stopped" {
		t.Error("datasynth-server needs a restart policy to come back after a crash")
	}
	if v := c.Services["datasynth-server"].Environment["DATASYNTH_API_KEYS"]; !strings.HasPrefix(v, "${DATASYNTH_API_KEYS:?") {
		t.Errorf("DATASYNTH_API_KEYS is %q: require it (${DATASYNTH_API_KEYS:?...}), an empty list leaves every endpoint open", v)
	}
	if v := c.Services["grafana"].Environment["GF_SECURITY_ADMIN_PASSWORD"]; !strings.HasPrefix(v, "${GRAFANA_ADMIN_PASSWORD:?") {
		t.Errorf("Grafana's admin password is %q: require it rather than default to admin", v)
	}
	if strings.Contains(text, "\nname:") {
		t.Error("a top-level name: is refused by docker-compose 1.x (Debian's); the project name goes in .env")
	}
	if !strings.Contains(readFile(t, "../.gitignore"), "/deploy/compose/.env") {
		t.Error("deploy/compose/.env holds the API keys: git must ignore it")
	}
}

// TestDashboard: a datasource variable, no panel tied to one datasource,
// goroutines not shown in bytes, reloads shown before the first one.
func TestDashboard(t *testing.T) {
	var d struct {
		Templating struct {
			List []struct {
				Name string `json:"name"`
				Type string `json:"type"`
			} `json:"list"`
		} `json:"templating"`
		Panels []struct {
			Title      string `json:"title"`
			Datasource struct {
				UID string `json:"uid"`
			} `json:"datasource"`
			FieldConfig struct {
				Defaults struct {
					Unit string `json:"unit"`
				} `json:"defaults"`
				Overrides []struct {
					Matcher struct {
						Options string `json:"options"`
					} `json:"matcher"`
					Properties []struct {
						ID    string `json:"id"`
						Value any    `json:"value"`
					} `json:"properties"`
				} `json:"overrides"`
			} `json:"fieldConfig"`
			Targets []struct {
				RefID string `json:"refId"`
				Expr  string `json:"expr"`
			} `json:"targets"`
		} `json:"panels"`
	}
	if err := json.Unmarshal([]byte(readFile(t, "../deploy/grafana/dashboards/datasynth-server.json")), &d); err != nil {
		t.Fatal(err)
	}
	vars := map[string]string{}
	for _, v := range d.Templating.List {
		vars[v.Name] = v.Type
	}
	if vars["datasource"] != "datasource" {
		t.Errorf("no datasource variable: %v", vars)
	}
	for _, p := range d.Panels {
		if p.Datasource.UID != "${datasource}" {
			t.Errorf("panel %q uses datasource %q, not ${datasource}", p.Title, p.Datasource.UID)
		}
		for _, tg := range p.Targets {
			if strings.Contains(tg.Expr, "go_goroutines") && p.FieldConfig.Defaults.Unit == "bytes" {
				unit := ""
				for _, o := range p.FieldConfig.Overrides {
					for _, pr := range o.Properties {
						if o.Matcher.Options == tg.RefID && pr.ID == "unit" {
							unit, _ = pr.Value.(string)
						}
					}
				}
				if unit == "" || unit == "bytes" {
					t.Errorf("panel %q shows goroutines in bytes", p.Title)
				}
			}
			if strings.Contains(tg.Expr, "synth_config_reloads_total") && !strings.Contains(tg.Expr, "or vector(0)") {
				t.Errorf("panel %q is empty until the first reload: add `or vector(0)`", p.Title)
			}
		}
	}
}
