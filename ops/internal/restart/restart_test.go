package restart

import (
	"context"
	"strings"
	"testing"
)

func TestPlan(t *testing.T) {
	for _, tt := range []struct {
		o    Options
		want string
	}{
		{Options{Via: Systemd}, "systemctl restart datasynth-server"},
		{Options{Via: Systemd, Unit: "ds@blue"}, "systemctl restart ds@blue"},
		{Options{Via: Kubernetes}, "kubectl -n datasynth rollout restart deployment/datasynth; kubectl -n datasynth rollout status deployment/datasynth"},
		{Options{Via: Kubernetes, Namespace: "staging"}, "kubectl -n staging rollout restart deployment/datasynth; kubectl -n staging rollout status deployment/datasynth"},
	} {
		plan, err := Plan(context.Background(), tt.o)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, c := range plan {
			got = append(got, strings.Join(c, " "))
		}
		if strings.Join(got, "; ") != tt.want {
			t.Errorf("%+v: %q, want %q", tt.o, got, tt.want)
		}
	}
	if _, err := Plan(context.Background(), Options{Via: "upstart"}); err == nil || !strings.Contains(err.Error(), "choose one of systemd, compose, kubernetes") {
		t.Errorf("unknown via: %v", err)
	}
}

func TestTarget(t *testing.T) {
	if n, d := Target(Kubernetes); n != "full service (Kubernetes)" || d.Minutes() != 2 {
		t.Errorf("kubernetes: %s %v", n, d)
	}
	if n, d := Target(Compose); n != "server process" || d.Seconds() != 30 {
		t.Errorf("compose: %s %v", n, d)
	}
}
