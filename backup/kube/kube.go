// Package kube exports the Kubernetes ConfigMap and Secret that hold
// DataSynth's configuration, the way `kubectl get ... -o yaml` does, in a
// form that `kubectl apply -f` takes back.
//
// It runs the kubectl found on PATH (or the one given) rather than talking
// to the API server itself: kubectl already knows every way a cluster can be
// reached and authenticated (kubeconfig contexts, exec plugins, in-cluster
// service accounts), and the export is then exactly what an operator would
// get by hand.
//
// What a re-apply must not carry is removed: the object's uid,
// resourceVersion, creationTimestamp, generation, managedFields,
// ownerReferences, selfLink, deletion fields, status, and kubectl's
// last-applied-configuration annotation (which would otherwise hold the
// whole object a second time, Secret data included). The result is YAML with
// sorted keys, so an unchanged object exports to the same bytes.
package kube

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os/exec"
	"strings"

	"gopkg.in/yaml.v3"
)

// Defaults of Options.
const (
	DefaultConfigMap = "datasynth-config"
	DefaultSecret    = "datasynth-api-keys"
	DefaultKubectl   = "kubectl"
)

// Options say what to export and how to reach the cluster.
type Options struct {
	// Namespace holds the objects; export is off when it is empty.
	Namespace string
	// Kubeconfig, if set, is passed to kubectl as --kubeconfig.
	Kubeconfig string
	// ConfigMap and Secret name the objects (DefaultConfigMap and
	// DefaultSecret if empty).
	ConfigMap, Secret string
	// Kubectl is the program to run (DefaultKubectl if empty).
	Kubectl string
}

// Object kinds.
const (
	ConfigMap = "ConfigMap"
	Secret    = "Secret"
)

// ErrKubectl marks a kubectl that could not be run or refused.
var ErrKubectl = errors.New("kubectl failed")

// Name returns the configured name of the object of kind.
func (o Options) Name(kind string) string {
	switch {
	case kind == ConfigMap && o.ConfigMap != "":
		return o.ConfigMap
	case kind == ConfigMap:
		return DefaultConfigMap
	case o.Secret != "":
		return o.Secret
	}
	return DefaultSecret
}

// Export fetches the object of kind (ConfigMap or Secret) and returns it
// ready to be applied again.
func Export(ctx context.Context, o Options, kind string) ([]byte, error) {
	name := o.Name(kind)
	bin := o.Kubectl
	if bin == "" {
		bin = DefaultKubectl
	}
	args := []string{}
	if o.Kubeconfig != "" {
		args = append(args, "--kubeconfig", o.Kubeconfig)
	}
	args = append(args, "-n", o.Namespace, "get", strings.ToLower(kind), name, "-o", "yaml")
	var stdout, stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("%w: %s %s: %v: %s; check --kubernetes-namespace, --kubeconfig and that the %s exists",
			ErrKubectl, bin, strings.Join(args, " "), err, strings.TrimSpace(stderr.String()), kind)
	}
	out, err := Clean(stdout.Bytes(), kind, name)
	if err != nil {
		return nil, fmt.Errorf("%s %s: %w", bin, strings.Join(args, " "), err)
	}
	return out, nil
}

// dropMeta are the metadata fields the API server sets; a re-apply must not
// carry them.
var dropMeta = []string{
	"uid", "resourceVersion", "creationTimestamp", "generation", "managedFields",
	"ownerReferences", "selfLink", "deletionTimestamp", "deletionGracePeriodSeconds",
}

// lastApplied is the annotation in which kubectl apply keeps a copy of the
// whole object.
const lastApplied = "kubectl.kubernetes.io/last-applied-configuration"

// Clean checks that data is the YAML of one object of kind named name and
// removes what a re-apply must not carry.
func Clean(data []byte, kind, name string) ([]byte, error) {
	var obj map[string]any
	if err := yaml.Unmarshal(data, &obj); err != nil {
		return nil, fmt.Errorf("not YAML: %w", err)
	}
	if obj["apiVersion"] != "v1" || obj["kind"] != kind {
		return nil, fmt.Errorf("printed apiVersion %v kind %v, want v1 %s", obj["apiVersion"], obj["kind"], kind)
	}
	meta, _ := obj["metadata"].(map[string]any)
	if meta == nil || meta["name"] != name {
		return nil, fmt.Errorf("printed an object without metadata.name %q", name)
	}
	for _, f := range dropMeta {
		delete(meta, f)
	}
	if ann, ok := meta["annotations"].(map[string]any); ok {
		delete(ann, lastApplied)
		if len(ann) == 0 {
			delete(meta, "annotations")
		}
	}
	delete(obj, "status")
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(obj); err != nil {
		return nil, err
	}
	if err := enc.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
