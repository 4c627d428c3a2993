//go:build docker

package imagetest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"gopkg.in/yaml.v3"

	"datasynth.dev/backup"
	"datasynth.dev/backup/restore"
	"datasynth.dev/backup/s3sync"
	"datasynth.dev/engine/config"
	"datasynth.dev/ops/internal/drill"
	"datasynth.dev/ops/internal/generatortest"
	"datasynth.dev/ops/internal/health"
	"datasynth.dev/ops/internal/recipe"
	"datasynth.dev/ops/internal/restart"
	"datasynth.dev/ops/internal/serverproc"
	"datasynth.dev/verify"
	"datasynth.dev/verify/lock"
	"datasynth.dev/verify/manifest"
)

var (
	version        = os.Getenv("IMAGE_VERSION")
	versitygwImage = os.Getenv("VERSITYGW_IMAGE")
)

func serverImage() string { return "datasynth/datasynth-server:" + version }
func dsopsImage() string  { return "datasynth/dsops:" + version }

func TestMain(m *testing.M) {
	if version == "" || versitygwImage == "" {
		fmt.Fprintln(os.Stderr, "imagetest: IMAGE_VERSION and VERSITYGW_IMAGE are not set: run these tests with `make test-image`, which builds the images first")
		os.Exit(1)
	}
	if out, err := exec.Command("docker", "info").CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "imagetest: these tests need the Docker engine, and `docker info` failed: %v\n%s", err, out)
		os.Exit(1)
	}
	os.Exit(m.Run())
}

// docker runs the docker CLI and returns its standard output; a failure
// fails the test with the command's standard error.
func docker(t *testing.T, args ...string) string {
	t.Helper()
	out, err := run("docker", args...)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func run(name string, args ...string) (string, error) {
	var stdout, stderr bytes.Buffer
	cmd := exec.Command(name, args...)
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return stdout.String(), fmt.Errorf("%s %s: %w\n%s%s", name, strings.Join(args, " "), err, stdout.String(), stderr.String())
	}
	return stdout.String(), nil
}

// imageConfig is what docker image inspect says about how an image runs.
type imageConfig struct {
	User        string
	Entrypoint  []string
	Cmd         []string
	Healthcheck *struct{ Test []string }
}

func inspect(t *testing.T, image string) imageConfig {
	t.Helper()
	var c []struct{ Config imageConfig }
	if err := json.Unmarshal([]byte(docker(t, "image", "inspect", image)), &c); err != nil || len(c) != 1 {
		t.Fatalf("docker image inspect %s: %v", image, err)
	}
	return c[0].Config
}

// TestNoShell: the images hold no shell, run as the non-root user, and
// every healthcheck, probe command and hook in the images and the deploy
// files is an exec of a program the image holds.
func TestNoShell(t *testing.T) {
	for _, image := range []string{serverImage(), dsopsImage()} {
		c := inspect(t, image)
		if c.User != "65532:65532" {
			t.Errorf("%s runs as %q, want 65532:65532", image, c.User)
		}
		for _, sh := range []string{"/bin/sh", "/bin/bash", "/busybox/sh"} {
			out, err := run("docker", "run", "--rm", "--entrypoint", sh, image, "-c", "true")
			if err == nil || !strings.Contains(out+err.Error(), "no such file or directory") {
				t.Errorf("%s has %s (or it failed otherwise): %v", image, sh, err)
			}
		}
	}
	hc := inspect(t, serverImage()).Healthcheck
	if hc == nil || len(hc.Test) < 2 || hc.Test[0] != "CMD" {
		t.Fatalf("the server image's healthcheck is %+v, want an exec (CMD) form", hc)
	}
	execs := map[string][]string{serverImage(): {hc.Test[1]}}

	var compose struct {
		Services map[string]struct {
			Image       string
			Healthcheck struct{ Test []string }
		}
	}
	data, err := os.ReadFile("../../../deploy/compose/docker-compose.yml")
	if err != nil {
		t.Fatal(err)
	}
	if err := yaml.Unmarshal(data, &compose); err != nil {
		t.Fatal(err)
	}
	for name, s := range compose.Services {
		if !strings.HasPrefix(s.Image, "datasynth/") || len(s.Healthcheck.Test) == 0 {
			continue
		}
		if s.Healthcheck.Test[0] != "CMD" {
			t.Errorf("compose service %s: healthcheck %q needs a shell; use the exec form [\"CMD\", ...]", name, s.Healthcheck.Test)
			continue
		}
		img := built(s.Image)
		execs[img] = append(execs[img], s.Healthcheck.Test[1])
	}
	for _, f := range []string{"../../../deploy/kubernetes/datasynth-server.yaml", "../../../deploy/kubernetes/dsops-backup-cronjob.yaml"} {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if bytes.Contains(data, []byte("/bin/sh")) || bytes.Contains(data, []byte("preStop:")) {
			t.Errorf("%s runs a shell or a preStop hook; the images have no shell", f)
		}
		for _, c := range containers(t, f) {
			if len(c.Command) > 0 {
				execs[built(c.Image)] = append(execs[built(c.Image)], c.Command[0])
			}
		}
	}
	for image, programs := range execs {
		for _, p := range programs {
			if _, err := run("docker", "run", "--rm", "--entrypoint", p, image, "--version"); err != nil {
				t.Errorf("%s in %s: %v", p, image, err)
			}
		}
	}
}

// built maps an image named in the deploy files to the one make image
// built from this tree (the deploy files pin the release).
func built(image string) string {
	name, _, _ := strings.Cut(image, ":")
	return name + ":" + version
}

type container struct {
	Image   string
	Command []string
	Args    []string
}

// containers returns the containers of the workloads in a manifest.
func containers(t *testing.T, file string) []container {
	t.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var out []container
	dec := yaml.NewDecoder(bytes.NewReader(data))
	for {
		var doc struct {
			Kind string
			Spec struct {
				Template struct {
					Spec struct{ Containers []container }
				}
				JobTemplate struct {
					Spec struct {
						Template struct {
							Spec struct{ Containers []container }
						}
					}
				} `yaml:"jobTemplate"`
			}
		}
		if err := dec.Decode(&doc); err != nil {
			break
		}
		out = append(out, doc.Spec.Template.Spec.Containers...)
		out = append(out, doc.Spec.JobTemplate.Spec.Template.Spec.Containers...)
	}
	return out
}

// TestCronJobRunsDsops: the backup CronJob's command and args, combined with
// the dsops image's ENTRYPOINT and CMD the way Kubernetes combines them,
// start dsops backup (shown here with --help, which parses every flag).
func TestCronJobRunsDsops(t *testing.T) {
	cs := containers(t, "../../../deploy/kubernetes/dsops-backup-cronjob.yaml")
	if len(cs) != 1 {
		t.Fatalf("found %d containers in the CronJob", len(cs))
	}
	c, img := cs[0], inspect(t, dsopsImage())
	// Kubernetes: command replaces ENTRYPOINT (and then CMD is dropped);
	// args replace CMD.
	argv := img.Entrypoint
	switch {
	case len(c.Command) > 0:
		argv = append(c.Command, c.Args...)
	case len(c.Args) > 0:
		argv = append(argv, c.Args...)
	default:
		argv = append(argv, img.Cmd...)
	}
	if len(argv) < 2 || argv[1] != "backup" {
		t.Fatalf("the CronJob runs %q in %s", argv, dsopsImage())
	}
	out, err := run("docker", append([]string{"run", "--rm", "--read-only", "--entrypoint", argv[0], dsopsImage()}, append(argv[1:], "--help")...)...)
	if err != nil || !strings.Contains(out, "dsops backup") {
		t.Fatalf("the CronJob's command does not run dsops backup: %v\n%s", err, out)
	}
	// The same with the image alone, as the guide's docker run does.
	if out, err := run("docker", "run", "--rm", dsopsImage(), "backup", "--help"); err != nil || !strings.Contains(out, "dsops backup") {
		t.Errorf("docker run %s backup --help: %v\n%s", dsopsImage(), err, out)
	}
}

// TestPinnedRegenerationThroughImage: datasynth-data in the server image,
// run as the disaster-recovery guide shows, writes the bytes the local program
// writes.
func TestPinnedRegenerationThroughImage(t *testing.T) {
	dir := t.TempDir()
	cfg := filepath.Join(dir, "config.yaml")
	if err := os.WriteFile(cfg, config.DemoYAML(), 0o644); err != nil {
		t.Fatal(err)
	}
	bin := generatortest.Build(t, "v0.5.0")
	local := filepath.Join(dir, "local")
	if out, err := run(filepath.Join(bin, "datasynth-data"), "generate", "--config", cfg, "--output", local, "-q"); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	image := filepath.Join(dir, "image")
	if err := os.Mkdir(image, 0o755); err != nil {
		t.Fatal(err)
	}
	docker(t, "run", "--rm", "--user", fmt.Sprintf("%d:%d", os.Getuid(), os.Getgid()),
		"-v", cfg+":/config.yaml:ro", "-v", image+":/output", serverImage(),
		"datasynth-data", "generate", "--config", "/config.yaml", "--output", "/output")
	r, err := verify.Run(context.Background(), verify.Request{Original: local, Recovered: image}, verify.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if !r.Identical() || r.Counts().Files < 5 {
		var buf bytes.Buffer
		_ = r.WriteText(&buf, false)
		t.Errorf("the image's datasynth-data differs from the local one:\n%s", buf.String())
	}
}

// TestRecipeRestoreThroughImage: a recipe whose lock names the server image
// is restored through Docker when the installed datasynth-data is another
// generator, and the regenerated dataset is the original, byte for byte.
func TestRecipeRestoreThroughImage(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	cfg := filepath.Join(dir, "config.yaml")
	if err := os.WriteFile(cfg, config.DemoYAML(), 0o644); err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(generatortest.Build(t, version), "datasynth-data")
	output := filepath.Join(dir, "output")
	if out, err := run(bin, "generate", "--config", cfg, "--output", output, "-q"); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	m, err := manifest.Read(filepath.Join(output, manifest.FileName))
	if err != nil {
		t.Fatal(err)
	}
	pinned := filepath.Join(dir, "datasynth.lock")
	if err := lock.WriteFile(pinned, &lock.Lock{Format: lock.Format, ProgramVersion: m.ProgramVersion, GeneratorVersion: m.GeneratorVersion,
		Config: "config.yaml", ConfigHash: m.ConfigHash, Seed: m.Seed, Image: serverImage(), OutputFiles: m.OutputFiles}); err != nil {
		t.Fatal(err)
	}
	quiet := slog.New(slog.DiscardHandler)
	res, err := backup.Run(ctx, backup.Options{OutputDir: output, Dest: filepath.Join(dir, "backups"), OutputMode: backup.OutputRecipe,
		Recipes: &recipe.Maker{ConfigFiles: []string{cfg}, LockFile: pinned, Generator: bin}}, quiet)
	if err != nil || len(res.Created) != 1 {
		t.Fatalf("backup: %v, created %v", err, res.Created)
	}
	// The installed program is another generator: only the image can do it.
	other := filepath.Join(dir, "other", "datasynth-data")
	os.MkdirAll(filepath.Dir(other), 0o755)
	if err := os.WriteFile(other, []byte("#!/bin/sh\necho '{\"program_version\":\"0.1.0\",\"generator_version\":\"0.1.0\"}'\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	restored := filepath.Join(dir, "restored")
	err = restore.Run(ctx, restore.Options{Source: filepath.Join(dir, "backups", res.Created[0]), To: restored,
		Regenerator: &recipe.Regenerator{Generator: other, Stderr: testWriter{t}}}, quiet)
	if err != nil {
		t.Fatalf("restore through %s: %v", serverImage(), err)
	}
	r, err := verify.Run(ctx, verify.Request{Original: output, Recovered: restored}, verify.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if !r.Identical() {
		var buf bytes.Buffer
		_ = r.WriteText(&buf, false)
		t.Errorf("the dataset regenerated through the image differs:\n%s", buf.String())
	}
}

// TestComposeProject brings up the shipped compose file (with the test
// overlay) and runs the guide's recovery procedures on it: the healthcheck,
// `docker compose restart datasynth-server` through dsops restart, a killed
// server brought back by the restart policy (dsops drill server-crash --via
// compose), and the backup job writing to S3, restored and verified.
func TestComposeProject(t *testing.T) {
	ctx := context.Background()
	shipped, _ := filepath.Abs("../../../deploy/compose/docker-compose.yml")
	overlay, _ := filepath.Abs("testdata/compose.test.yml")
	const key = "compose-test-key-0123456789abcdef"
	t.Setenv("COMPOSE_PROJECT_NAME", fmt.Sprintf("dstest%d", os.Getpid()))
	t.Setenv("DATASYNTH_API_KEYS", key)
	t.Setenv("GRAFANA_ADMIN_PASSWORD", "not-started-here")
	// A fixed port: Docker gives a published port 0 a new number at every
	// start, and the restarts below must find the server where it was.
	addr, err := serverproc.FreeAddr()
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv("SERVER_PUBLISH", addr)
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
	base, err := restart.ComposeCommand(ctx)
	if err != nil {
		t.Fatal(err)
	}
	compose := func(args ...string) (string, error) {
		argv := append(append(append([]string{}, base[1:]...), "-f", shipped, "-f", overlay), args...)
		return run(base[0], argv...)
	}
	must := func(args ...string) string {
		t.Helper()
		out, err := compose(args...)
		if err != nil {
			t.Fatal(err)
		}
		return strings.TrimSpace(out)
	}
	t.Cleanup(func() {
		if out, err := compose("down", "-v", "--remove-orphans", "--timeout", "5"); err != nil {
			t.Logf("compose down: %v\n%s", err, out)
		}
	})
	must("up", "-d", "datasynth-server", "s3")
	url := "http://" + addr
	id := must("ps", "-q", "datasynth-server")

	// The healthcheck, an exec of dsops in a shell-less image, reports
	// healthy.
	deadline := time.Now().Add(90 * time.Second)
	for {
		status := strings.TrimSpace(docker(t, "inspect", "-f", "{{.State.Health.Status}}", id))
		if status == "healthy" {
			break
		}
		if time.Now().After(deadline) {
			logs, _ := compose("logs", "--tail", "30", "datasynth-server")
			t.Fatalf("the server container is %s after 90s\n%s", status, logs)
		}
		time.Sleep(500 * time.Millisecond)
	}
	if r := health.Run(ctx, health.Options{URL: url, APIKey: key}); !r.Healthy {
		t.Fatalf("dsops health %s: %+v", url, r.Checks)
	}

	// docker compose restart datasynth-server, through dsops restart.
	res, err := restart.Run(ctx, restart.Options{Via: restart.Compose, ComposeFile: shipped,
		Health: health.Options{URL: url, APIKey: key}, Out: testWriter{t}})
	if err != nil {
		t.Fatalf("dsops restart --via compose: %v", err)
	}
	t.Logf("MEASURED compose restart: %.3fs (%s < %.0fs)", res.Objective.Measured, res.Objective.Name, res.Objective.Target)

	// A server killed from the host comes back by the restart policy.
	rep, err := drill.Run(ctx, drill.ServerCrash, drill.Options{Via: drill.ViaCompose, ComposeFile: shipped, URL: url,
		Timeout: time.Minute, Log: testWriter{t}})
	if err != nil {
		t.Fatalf("dsops drill server-crash --via compose: %v", err)
	}
	for _, o := range rep.Objectives {
		t.Logf("MEASURED compose drill: %s: %.3fs (target < %.0fs, met %v): %s", o.Name, o.Measured, o.Target, o.Met, o.Detail)
	}
	if !rep.Passed {
		t.Fatalf("the compose crash drill missed its objective: %+v", rep.Objectives)
	}

	// The backup job: a dataset generated into the output volume through
	// the server image, backed up with the config to S3 (as a recipe, the
	// default for an unedited generated dataset, proven in the job's
	// container by regenerating it), restored here from S3 (regenerated by
	// the local datasynth-data) and compared with the local program's
	// output.
	s3url := "http://" + must("port", "s3", "7070")
	t.Setenv("AWS_ACCESS_KEY_ID", "compose-test-access")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "compose-test-secret-0123456789")
	s3cfg := s3sync.Config{URL: "s3://backups/compose", Endpoint: s3url, Region: "us-east-1", PathStyle: true}
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	client, err := s3sync.New(ctx, s3cfg, quiet)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := client.S3.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("backups")}); err != nil {
		t.Fatalf("creating the bucket: %v", err)
	}
	must("run", "--rm", "datasynth-server", "datasynth-data", "generate", "--config", "/etc/datasynth/config.yaml", "--output", "/output", "-q")
	t.Log(must("run", "--rm", "dsops-backup", "backup"))
	names, err := client.List(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var kept string
	for _, n := range names {
		if (strings.HasPrefix(n, "recipe-") || strings.HasPrefix(n, "output-")) && strings.HasSuffix(n, ".tar.gz") {
			kept = n
		}
	}
	if kept == "" {
		t.Fatalf("the backup job uploaded %v, no recipe or archive of the output", names)
	}
	dir := t.TempDir()
	bin := generatortest.Build(t, "v0.5.0")
	local := filepath.Join(dir, "local")
	if out, err := run(filepath.Join(bin, "datasynth-data"), "generate", "--config", "../../../deploy/compose/config.yaml", "--output", local, "-q"); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	restored := filepath.Join(dir, "restored")
	err = restore.Run(ctx, restore.Options{Source: "s3://backups/compose/" + kept, To: restored, S3: s3cfg,
		Regenerator: &recipe.Regenerator{Generator: filepath.Join(bin, "datasynth-data")}}, quiet)
	if err != nil {
		t.Fatalf("restoring %s from S3: %v", kept, err)
	}
	r, err := verify.Run(ctx, verify.Request{Original: local, Recovered: restored}, verify.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if !r.Identical() {
		var buf bytes.Buffer
		_ = r.WriteText(&buf, false)
		t.Errorf("the dataset the compose job backed up (%s) differs from the local program's:\n%s", kept, buf.String())
	}
	t.Logf("restored %s from S3: identical to the local program's output", kept)
}

// testWriter sends what the libraries print to the test log.
type testWriter struct{ t *testing.T }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimRight(string(p), "\n"))
	return len(p), nil
}
