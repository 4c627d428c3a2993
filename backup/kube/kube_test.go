package kube

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"datasynth.dev/backup/kube/kubetest"

	corev1 "k8s.io/api/core/v1"
	"sigs.k8s.io/yaml"
)

func TestExportStripsWhatAReapplyMustNotCarry(t *testing.T) {
	dir := kubetest.Install(t)
	o := Options{Namespace: "datasynth", Kubeconfig: "/etc/kube/admin.conf"}
	cm, err := Export(context.Background(), o, ConfigMap)
	if err != nil {
		t.Fatal(err)
	}
	sec, err := Export(context.Background(), o, Secret)
	if err != nil {
		t.Fatal(err)
	}
	for _, out := range []string{string(cm), string(sec)} {
		for _, gone := range []string{"uid:", "resourceVersion", "creationTimestamp", "managedFields", "last-applied-configuration", "sk-live"} {
			if strings.Contains(out, gone) {
				t.Errorf("export still carries %q:\n%s", gone, out)
			}
		}
	}
	// Decoded strictly into the API's own types: every field is one that a
	// ConfigMap or Secret has, and the content survived.
	var c corev1.ConfigMap
	if err := yaml.UnmarshalStrict(cm, &c); err != nil {
		t.Fatalf("ConfigMap export does not decode strictly: %v\n%s", err, cm)
	}
	if c.Name != "datasynth-config" || c.Namespace != "datasynth" || c.Labels["app.kubernetes.io/name"] != "datasynth" || !strings.Contains(c.Data["config.yaml"], "seed: 42") {
		t.Errorf("ConfigMap export lost content: %+v", c)
	}
	var s corev1.Secret
	if err := yaml.UnmarshalStrict(sec, &s); err != nil {
		t.Fatalf("Secret export does not decode strictly: %v\n%s", err, sec)
	}
	if s.Name != "datasynth-api-keys" || string(s.Data["api-keys"]) != "sk-live-0123456789\n" || s.Type != corev1.SecretTypeOpaque {
		t.Errorf("Secret export lost content: %+v", s)
	}
	calls, _ := os.ReadFile(filepath.Join(dir, "calls.log"))
	want := "--kubeconfig /etc/kube/admin.conf -n datasynth get configmap datasynth-config -o yaml\n--kubeconfig /etc/kube/admin.conf -n datasynth get secret datasynth-api-keys -o yaml\n"
	if string(calls) != want {
		t.Errorf("kubectl was called with\n%s\nwant\n%s", calls, want)
	}
	// The same object exports to the same bytes.
	again, _ := Export(context.Background(), o, ConfigMap)
	if string(again) != string(cm) {
		t.Error("two exports of the same ConfigMap differ")
	}
}

func TestExportErrors(t *testing.T) {
	kubetest.Install(t)
	_, err := Export(context.Background(), Options{Namespace: "datasynth", ConfigMap: "missing"}, ConfigMap)
	if !errors.Is(err, ErrKubectl) || !strings.Contains(err.Error(), "NotFound") || !strings.Contains(err.Error(), "--kubernetes-namespace") {
		t.Errorf("missing ConfigMap: %v", err)
	}
	for _, tc := range []struct{ data, kind, want string }{
		{kubetest.SecretYAML, ConfigMap, "want v1 ConfigMap"},
		{"apiVersion: v1\nkind: ConfigMap\nmetadata: {name: other}\n", ConfigMap, `without metadata.name "datasynth-config"`},
		{"{{", ConfigMap, "not YAML"},
	} {
		if _, err := Clean([]byte(tc.data), tc.kind, "datasynth-config"); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Clean(%.20q) error = %v, want %q", tc.data, err, tc.want)
		}
	}
}
