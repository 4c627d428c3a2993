package ops_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

// TestCronJobReferencesExist checks that every ConfigMap, Secret and volume
// claim the backup CronJob mounts is defined in deploy/kubernetes or, for
// Secrets, by a template in deploy/kubernetes/secrets, and that the objects
// the disaster-recovery guide names exist.
func TestCronJobReferencesExist(t *testing.T) {
	defined := map[string]bool{}
	var refs []string
	files, _ := filepath.Glob("../deploy/kubernetes/*.yaml")
	if len(files) < 2 {
		t.Fatalf("found %d Kubernetes files", len(files))
	}
	// The Secrets are templates the user fills in and applies once.
	templates, _ := filepath.Glob("../deploy/kubernetes/secrets/*.yaml.template")
	files = append(files, templates...)
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		dec := yaml.NewDecoder(strings.NewReader(string(data)))
		for {
			var doc map[string]any
			if err := dec.Decode(&doc); err != nil {
				break
			}
			meta, _ := doc["metadata"].(map[string]any)
			defined[doc["kind"].(string)+"/"+meta["name"].(string)] = true
			if strings.HasSuffix(f, "dsops-backup-cronjob.yaml") && doc["kind"] == "CronJob" {
				walk(doc, func(key string, v map[string]any) {
					switch key {
					case "configMap", "configMapRef":
						refs = append(refs, "ConfigMap/"+v["name"].(string))
					case "secret":
						refs = append(refs, "Secret/"+v["secretName"].(string))
					case "persistentVolumeClaim":
						refs = append(refs, "PersistentVolumeClaim/"+v["claimName"].(string))
					}
				})
			}
		}
	}
	// The names the disaster-recovery guide uses in its commands.
	for _, want := range []string{"Namespace/datasynth", "Deployment/datasynth", "Service/datasynth",
		"ConfigMap/datasynth-config", "Secret/datasynth-api-keys", "PodDisruptionBudget/datasynth"} {
		if !defined[want] {
			t.Errorf("deploy/kubernetes defines no %s, which the disaster-recovery guide names", want)
		}
	}
	if len(refs) < 5 {
		t.Fatalf("found only %v in the CronJob", refs)
	}
	for _, r := range refs {
		if !defined[r] {
			t.Errorf("the backup CronJob mounts %s, which no file in deploy/kubernetes defines", r)
		}
	}
}

func walk(v any, visit func(string, map[string]any)) {
	switch x := v.(type) {
	case map[string]any:
		for k, c := range x {
			if m, ok := c.(map[string]any); ok {
				visit(k, m)
			}
			walk(c, visit)
		}
	case []any:
		for _, c := range x {
			walk(c, visit)
		}
	}
}

// TestOperationsPageNames checks the other names the disaster-recovery guide's
// restart commands use: the Compose service and the systemd unit.
func TestOperationsPageNames(t *testing.T) {
	data, err := os.ReadFile("../deploy/compose/docker-compose.yml")
	if err != nil {
		t.Fatal(err)
	}
	var compose struct {
		Services map[string]struct {
			Ports []string `yaml:"ports"`
		} `yaml:"services"`
	}
	if err := yaml.Unmarshal(data, &compose); err != nil {
		t.Fatal(err)
	}
	svc, ok := compose.Services["datasynth-server"]
	if !ok {
		t.Fatalf("compose has no service datasynth-server (docker compose restart datasynth-server)")
	}
	if !strings.Contains(strings.Join(svc.Ports, " "), "3000") {
		t.Errorf("compose service datasynth-server does not publish port 3000: %v", svc.Ports)
	}
	if _, err := os.Stat("../deploy/systemd/datasynth-server.service"); err != nil {
		t.Errorf("no systemd unit datasynth-server.service (systemctl restart datasynth-server): %v", err)
	}
}
