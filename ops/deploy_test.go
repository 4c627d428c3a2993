package ops_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

// TestCronJobReferencesExist checks that every ConfigMap, Secret and volume
// claim the backup CronJob mounts is defined in deploy/kubernetes, apart
// from the S3 credentials, which the user creates (docs/backup.md).
func TestCronJobReferencesExist(t *testing.T) {
	defined := map[string]bool{}
	var refs []string
	files, _ := filepath.Glob("../deploy/kubernetes/*.yaml")
	if len(files) < 2 {
		t.Fatalf("found %d Kubernetes files", len(files))
	}
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
