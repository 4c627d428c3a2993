// Package kubetest stands in for kubectl in tests: no Kubernetes cluster
// can run here, so a recording script on PATH answers `kubectl get ... -o
// yaml` with objects written in the layout kubectl prints (server-set
// fields, managedFields, the last-applied annotation included).
package kubetest

import (
	"os"
	"path/filepath"
	"testing"
)

// What `kubectl get configmap datasynth-config -o yaml` prints for an
// object created with `kubectl apply` (written for these tests in kubectl's
// layout: server-set fields, managedFields, the last-applied annotation).
const ConfigMapYAML = `apiVersion: v1
data:
  config.yaml: |
    global:
      industry: manufacturing
      seed: 42
kind: ConfigMap
metadata:
  annotations:
    kubectl.kubernetes.io/last-applied-configuration: |
      {"apiVersion":"v1","data":{"config.yaml":"global:\n  industry: manufacturing\n  seed: 42\n"},"kind":"ConfigMap","metadata":{"annotations":{},"labels":{"app.kubernetes.io/name":"datasynth"},"name":"datasynth-config","namespace":"datasynth"}}
  creationTimestamp: "2026-11-20T09:14:03Z"
  labels:
    app.kubernetes.io/name: datasynth
  managedFields:
  - apiVersion: v1
    fieldsType: FieldsV1
    fieldsV1:
      f:data:
        .: {}
        f:config.yaml: {}
    manager: kubectl-client-side-apply
    operation: Update
    time: "2026-11-20T09:14:03Z"
  name: datasynth-config
  namespace: datasynth
  resourceVersion: "48213"
  uid: 5f0c8a4e-6c1d-4d1e-9a55-2f6c1b7d9e01
`

const SecretYAML = `apiVersion: v1
data:
  api-keys: c2stbGl2ZS0wMTIzNDU2Nzg5Cg==
kind: Secret
metadata:
  annotations:
    kubectl.kubernetes.io/last-applied-configuration: |
      {"apiVersion":"v1","kind":"Secret","metadata":{"annotations":{},"name":"datasynth-api-keys","namespace":"datasynth"},"stringData":{"api-keys":"sk-live-0123456789\n"},"type":"Opaque"}
  creationTimestamp: "2026-11-20T09:14:03Z"
  name: datasynth-api-keys
  namespace: datasynth
  resourceVersion: "48214"
  uid: 0b7e5a1c-3d4f-4e2a-8b6c-9d0e1f2a3b4c
type: Opaque
`

// Install puts a recording stand-in for kubectl on PATH for the rest of the
// test: it appends its arguments to DIR/calls.log and prints the fixture
// for the object asked for (DIR/configmap.yaml or DIR/secret.yaml, which a
// test may rewrite), or fails as kubectl does for a missing object.
func Install(t testing.TB) (dir string) {
	t.Helper()
	dir = t.TempDir()
	for name, body := range map[string]string{"configmap.yaml": ConfigMapYAML, "secret.yaml": SecretYAML} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	script := `#!/bin/sh
echo "$*" >> "` + dir + `/calls.log"
for a in "$@"; do
  case "$a" in
    configmap) kind=configmap ;;
    secret) kind=secret ;;
  esac
done
case "$*" in
  *" datasynth-config -o yaml"|*" datasynth-api-keys -o yaml") cat "` + dir + `/$kind.yaml" ;;
  *) echo "Error from server (NotFound): $kind not found" >&2; exit 1 ;;
esac
`
	if err := os.WriteFile(filepath.Join(dir, "kubectl"), []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", dir+string(os.PathListSeparator)+os.Getenv("PATH"))
	return dir
}
