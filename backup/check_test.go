package backup

import (
	"context"
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"datasynth.dev/backup/catalog"
)

func (f *fixture) check(o CheckOptions) (CheckResult, error) {
	f.out.Reset()
	o.Out = &f.out
	return Check(context.Background(), o, slog.New(slog.DiscardHandler))
}

// finding returns what the check said of name in where ("local" or "s3").
func finding(t *testing.T, res CheckResult, where, name string) Finding {
	t.Helper()
	for _, f := range res.Findings {
		if f.Name == name && (f.Where == where || where == "s3" && strings.HasPrefix(f.Where, "s3://")) {
			return f
		}
	}
	t.Fatalf("no finding for %s %s in %+v", where, name, res.Findings)
	return Finding{}
}

func TestCheckLocal(t *testing.T) {
	f := newFixture(t)
	if _, err := f.run(f.opts()); err != nil {
		t.Fatal(err)
	}
	res, err := f.check(CheckOptions{Dest: f.dest})
	if err != nil || len(res.Findings) != 3 || len(res.Problems()) != 0 {
		t.Fatalf("check of fresh backups: %+v, %v; want 3 intact", res.Findings, err)
	}

	// One byte of the archive, the env copy's sidecar, and a missing
	// sidecar: each is found and told apart.
	flip(t, filepath.Join(f.dest, "output-2026-11-25.tar.gz"))
	if err := os.WriteFile(filepath.Join(f.dest, "config-2026-11-25.tar.gz.sha256"),
		[]byte(strings.Repeat("0", 64)+"  config-2026-11-25.tar.gz\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(filepath.Join(f.dest, "server.env.2026-11-25.sha256")); err != nil {
		t.Fatal(err)
	}
	res, err = f.check(CheckOptions{Dest: f.dest})
	if !errors.Is(err, ErrCheckFailed) || len(res.Problems()) != 3 {
		t.Fatalf("check: %v, problems %+v; want 3", err, res.Problems())
	}
	for name, want := range map[string]string{
		"output-2026-11-25.tar.gz": "damaged",
		"config-2026-11-25.tar.gz": "the sidecar is probably the damaged half",
		"server.env.2026-11-25":    "no .sha256 sidecar",
	} {
		if got := finding(t, res, "local", name); got.OK || !strings.Contains(got.Detail, want) {
			t.Errorf("%s: %+v, want a problem saying %q", name, got, want)
		}
	}
	if !strings.Contains(f.out.String(), "PROBLEM local output-2026-11-25.tar.gz") {
		t.Errorf("report:\n%s", f.out.String())
	}
}

// An object damaged inside the bucket keeps its size and its metadata, so
// only reading it finds it: --check alone reports the metadata agreeing
// (and says it did not read), --check --read-data finds the damage. A local
// backup missing from the bucket, and an object without its sidecar, are
// found either way.
func TestCheckS3(t *testing.T) {
	s := server(t)
	f := newFixture(t)
	o := f.opts()
	o.S3 = f.s3(t, s)
	if _, err := f.run(o); err != nil {
		t.Fatal(err)
	}
	co := CheckOptions{Dest: f.dest, S3: o.S3}
	if res, err := f.check(co); err != nil || len(res.Findings) != 6 {
		t.Fatalf("check of fresh backups: %+v, %v; want 3 local and 3 remote, intact", res.Findings, err)
	}

	bucket := strings.SplitN(o.S3.URL, "/", 4)[2]
	obj := filepath.Join(s.Dir, "data", bucket, "datasynth", "output-2026-11-25.tar.gz")
	flip(t, obj)
	res, err := f.check(co)
	if err != nil {
		t.Fatalf("without --read-data: %v (%+v)", err, res.Problems())
	}
	if got := finding(t, res, "s3", "output-2026-11-25.tar.gz"); !strings.Contains(got.Detail, "not read") {
		t.Errorf("without --read-data the finding must say the object was not read: %+v", got)
	}
	co.ReadData = true
	res, err = f.check(co)
	if !errors.Is(err, ErrCheckFailed) {
		t.Fatalf("with --read-data: %v, want ErrCheckFailed", err)
	}
	if got := finding(t, res, "s3", "output-2026-11-25.tar.gz"); got.OK || !strings.Contains(got.Detail, "damaged in the bucket") {
		t.Errorf("corrupted object: %+v", got)
	}
	if got := finding(t, res, "local", "output-2026-11-25.tar.gz"); !got.OK {
		t.Errorf("the local copy is intact: %+v", got)
	}

	// A local backup the bucket lacks (its sidecar left behind), and an
	// object whose sidecar is gone.
	co.ReadData = false
	if err := os.Remove(obj); err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(filepath.Join(s.Dir, "data", bucket, "datasynth", "server.env.2026-11-25.sha256")); err != nil {
		t.Fatal(err)
	}
	res, _ = f.check(co)
	if n := len(res.Problems()); n != 3 {
		t.Errorf("want 3 problems, got %+v", res.Problems())
	}
	for name, want := range map[string]string{
		"output-2026-11-25.tar.gz":        "missing from the bucket",
		"output-2026-11-25.tar.gz.sha256": "a sidecar without its backup object",
		"server.env.2026-11-25":           "no .sha256 sidecar object",
	} {
		if got := finding(t, res, "s3", name); got.OK || !strings.Contains(got.Detail, want) {
			t.Errorf("%s: %+v, want %q", name, got, want)
		}
	}
}

// A backup renamed aside as damaged is mentioned, not counted again.
func TestCheckMentionsDamagedBackups(t *testing.T) {
	f := newFixture(t)
	if _, err := f.run(f.opts()); err != nil {
		t.Fatal(err)
	}
	name := filepath.Join(f.dest, "output-2026-11-25.tar.gz")
	for _, p := range []string{name, name + catalog.SidecarSuffix} {
		if err := os.Rename(p, p+DamagedSuffix); err != nil {
			t.Fatal(err)
		}
	}
	res, err := f.check(CheckOptions{Dest: f.dest})
	if err != nil || len(res.Damaged) != 1 || !strings.Contains(f.out.String(), "renamed aside as damaged") {
		t.Fatalf("check: %v, damaged %v, report:\n%s", err, res.Damaged, f.out.String())
	}
}
