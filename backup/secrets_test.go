package backup

import (
	"bytes"
	"context"
	"errors"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"filippo.io/age"

	"datasynth.dev/backup/catalog"
	"datasynth.dev/backup/kube"
	"datasynth.dev/backup/kube/kubetest"
	"datasynth.dev/backup/restore"
	"datasynth.dev/backup/s3test"
	"datasynth.dev/backup/secrets"
	"datasynth.dev/verify"
)

func newIdentity(t *testing.T) *age.X25519Identity {
	t.Helper()
	id, _, err := secrets.NewIdentity()
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// plaintextIn returns the files under dir that hold any of the secrets.
func plaintextIn(t *testing.T, dir string, secretValues ...string) []string {
	t.Helper()
	var found []string
	filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, _ := os.ReadFile(p)
		for _, v := range secretValues {
			if bytes.Contains(data, []byte(v)) {
				found = append(found, p)
			}
		}
		return nil
	})
	return found
}

// With recipients, no secret is written in plain text anywhere: not in the
// backup folder, not in the bucket (read on the S3 server's own disk), not
// in the output. The environment file, a secret file and the Kubernetes
// Secret come back byte for byte with the identity, mode 0600. Unchanged
// secrets are recognised without decrypting; a changed one is encrypted
// again.
func TestEncryptedSecretsNeverStoredInPlainText(t *testing.T) {
	s := s3test.New(t)
	f := newFixture(t)
	id := newIdentity(t)
	kubetest.Install(t)
	tlsKey := filepath.Join(filepath.Dir(f.env), "tls.key")
	if err := os.WriteFile(tlsKey, []byte("-----BEGIN PRIVATE KEY-----\nMIIsecretTLS\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	o := f.opts()
	o.S3 = f.s3(t, s)
	o.Recipients = []age.Recipient{id.Recipient()}
	o.SecretFiles = []string{tlsKey}
	o.Kubernetes = kube.Options{Namespace: "datasynth"}
	res, err := f.run(o)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"config-2026-11-25.tar.gz", "k8s-configmap.2026-11-25.yaml", "k8s-secret.2026-11-25.yaml.age", "output-2026-11-25.tar.gz", "server.env.2026-11-25.age", "tls.key.2026-11-25.age"}
	got := slices.Sorted(slices.Values(res.Created))
	if !slices.Equal(got, want) {
		t.Fatalf("created %v, want %v", got, want)
	}
	secretValues := []string{"sk-very-secret-value-42", "MIIsecretTLS", "c2stbGl2ZS0wMTIzNDU2Nzg5Cg==", "sk-live-0123456789"}
	for _, where := range []string{f.dest, s.Dir} {
		if leaks := plaintextIn(t, where, secretValues...); len(leaks) > 0 {
			t.Errorf("plain-text secrets found: %v", leaks)
		}
	}
	if out := f.out.String() + f.logs.String(); strings.Contains(out, "unencrypted") || strings.Contains(out, "sk-very-secret") {
		t.Errorf("output:\n%s", out)
	}
	for _, n := range []string{"server.env.2026-11-25.age", "tls.key.2026-11-25.age", "k8s-secret.2026-11-25.yaml.age", PlaintextSumsName} {
		if fi, err := os.Stat(filepath.Join(f.dest, n)); err != nil || fi.Mode().Perm() != 0o600 {
			t.Errorf("%s: mode %v, %v; want 0600", n, fi.Mode().Perm(), err)
		}
	}
	if slices.Contains(remote(t, o.S3), PlaintextSumsName) {
		t.Error("the record of plaintext checksums was uploaded")
	}

	// Restore with the identity: byte-identical, 0600.
	for _, tc := range []struct{ backup, restored, original string }{
		{"server.env.2026-11-25.age", "server.env", f.env},
		{"tls.key.2026-11-25.age", "tls.key", tlsKey},
	} {
		to := filepath.Join(t.TempDir(), "restored")
		err := restore.Run(context.Background(), restore.Options{Source: filepath.Join(f.dest, tc.backup), To: to, Identities: []age.Identity{id}}, slog.New(slog.DiscardHandler))
		if err != nil {
			t.Fatalf("restore %s: %v", tc.backup, err)
		}
		gotData, _ := os.ReadFile(filepath.Join(to, tc.restored))
		wantData, _ := os.ReadFile(tc.original)
		fi, _ := os.Stat(filepath.Join(to, tc.restored))
		if !bytes.Equal(gotData, wantData) || fi.Mode().Perm() != 0o600 {
			t.Errorf("%s restored as %q mode %v", tc.backup, gotData, fi.Mode().Perm())
		}
	}

	// Nothing changed: nothing new, though every encryption would differ.
	f.when = f.when.Add(time.Hour)
	res, err = f.run(o)
	if err != nil || len(res.Created) != 0 {
		t.Fatalf("unchanged run created %v, %v", res.Created, err)
	}
	// The env file changes: only it is encrypted again.
	f.write("etc/server.env", secret+"\nNEW=1\n")
	f.when = f.when.Add(time.Hour)
	res, err = f.run(o)
	if err != nil || !slices.Equal(res.Created, []string{"server.env.2026-11-25-040000.age"}) {
		t.Fatalf("changed env: created %v, %v", res.Created, err)
	}
}

// Without recipients the environment file is kept as it is and the run
// says so; turning encryption on then writes an encrypted copy at once,
// even though the content did not change.
func TestUnencryptedSecretsAreSaidAndEncryptionTakesOver(t *testing.T) {
	f := newFixture(t)
	o := f.opts()
	if _, err := f.run(o); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(f.out.String(), "warning: server.env.2026-11-25 is stored unencrypted") {
		t.Errorf("no warning about the plain-text secrets:\n%s", f.out.String())
	}
	o.Recipients = []age.Recipient{newIdentity(t).Recipient()}
	f.when = f.when.Add(time.Hour)
	res, err := f.run(o)
	if err != nil || !slices.Equal(res.Created, []string{"server.env.2026-11-25.age"}) {
		t.Fatalf("with recipients: created %v, %v; want an encrypted copy", res.Created, err)
	}
}

// Secrets that would have to be kept in a way the user did not allow are
// refused before anything is written.
func TestSecretInputsAreCheckedFirst(t *testing.T) {
	kubetest.Install(t)
	for _, tc := range []struct {
		name string
		mod  func(f *fixture, o *Options)
		want string
	}{
		{"secret file without recipients", func(f *fixture, o *Options) { o.SecretFiles = []string{f.env} }, "--secret-file: secret files are only ever stored encrypted"},
		{"kubernetes secret without recipients", func(f *fixture, o *Options) { o.Kubernetes = kube.Options{Namespace: "datasynth"} }, "--allow-plaintext-secrets"},
		{"secret file named like a kind", func(f *fixture, o *Options) {
			o.Recipients = []age.Recipient{newIdentity(t).Recipient()}
			o.SecretFiles = []string{f.env}
		}, `its name "server.env" is the name of a backup kind`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t)
			o := f.opts()
			tc.mod(f, &o)
			_, err := f.run(o)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error = %v, want %q", err, tc.want)
			}
			if _, err := os.Stat(f.dest); !errors.Is(err, fs.ErrNotExist) {
				t.Error("the backup folder was created")
			}
		})
	}
	// --allow-plaintext-secrets: the Secret is kept as kubectl gave it,
	// stripped, mode 0600.
	f := newFixture(t)
	o := f.opts()
	o.Kubernetes = kube.Options{Namespace: "datasynth"}
	o.AllowPlaintextSecrets = true
	res, err := f.run(o)
	if err != nil || !slices.Contains(res.Created, "k8s-secret.2026-11-25.yaml") {
		t.Fatalf("created %v, %v", res.Created, err)
	}
	if fi, _ := os.Stat(filepath.Join(f.dest, "k8s-secret.2026-11-25.yaml")); fi.Mode().Perm() != 0o600 {
		t.Errorf("plain Secret export mode %v, want 0600", fi.Mode().Perm())
	}
}

// A wrong identity, and an encrypted backup damaged after it was written,
// are refused with exit 2 and nothing written.
func TestRestoreEncryptedRefusals(t *testing.T) {
	f := newFixture(t)
	id := newIdentity(t)
	o := f.opts()
	o.Recipients = []age.Recipient{id.Recipient()}
	if _, err := f.run(o); err != nil {
		t.Fatal(err)
	}
	src := filepath.Join(f.dest, "server.env.2026-11-25.age")
	to := filepath.Join(t.TempDir(), "restored")
	quiet := slog.New(slog.DiscardHandler)
	err := restore.Run(context.Background(), restore.Options{Source: src, To: to}, quiet)
	if err == nil || !strings.Contains(err.Error(), "give --identity FILE") {
		t.Errorf("no identity: %v", err)
	}
	err = restore.Run(context.Background(), restore.Options{Source: src, To: to, Identities: []age.Identity{newIdentity(t)}}, quiet)
	if !errors.Is(err, secrets.ErrWrongIdentity) {
		t.Errorf("wrong identity: %v", err)
	}
	// Damaged in its payload and its sidecar rewritten to match: age's own
	// authentication still refuses it.
	data, _ := os.ReadFile(src)
	data[len(data)-3] ^= 1
	os.WriteFile(src, data, 0o600)
	sum, _, _ := verify.HashFile(src)
	catalog.WriteSidecar(f.dest, filepath.Base(src), sum)
	err = restore.Run(context.Background(), restore.Options{Source: src, To: to, Identities: []age.Identity{id}}, quiet)
	if !errors.Is(err, secrets.ErrDamaged) {
		t.Errorf("tampered: %v", err)
	}
	if _, err := os.Stat(to); !errors.Is(err, fs.ErrNotExist) {
		t.Error("something was written for a refused restore")
	}
}
