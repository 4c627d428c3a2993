package secrets

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"filippo.io/age"
)

const plaintext = "DATASYNTH_API_KEYS=sk-live-0123456789\nDB_PASSWORD=hunter2\n"

func identity(t *testing.T) (*age.X25519Identity, string) {
	t.Helper()
	id, text, err := NewIdentity()
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), "key.txt")
	if err := os.WriteFile(p, text, 0o600); err != nil {
		t.Fatal(err)
	}
	return id, p
}

func encrypt(t *testing.T, id *age.X25519Identity) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := Encrypt(&buf, strings.NewReader(plaintext), []age.Recipient{id.Recipient()}); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestRoundTrip(t *testing.T) {
	id, keyFile := identity(t)
	sealed := encrypt(t, id)
	if bytes.Contains(sealed, []byte("sk-live")) || bytes.Contains(sealed, []byte("hunter2")) {
		t.Fatal("the encrypted file holds the plaintext")
	}
	ids, err := LoadIdentities(keyFile)
	if err != nil {
		t.Fatal(err)
	}
	got, err := Decrypt(bytes.NewReader(sealed), "x.age", ids)
	if err != nil || string(got) != plaintext {
		t.Fatalf("Decrypt = %q, %v", got, err)
	}
}

// A wrong identity, a truncated file and one changed byte each give an
// error that says which, and no plaintext at all.
func TestDecryptFailures(t *testing.T) {
	id, _ := identity(t)
	sealed := encrypt(t, id)
	other, _ := identity(t)
	// A file long enough to span several 64 KiB chunks, so that truncation
	// at a chunk boundary is tried too.
	var big bytes.Buffer
	if err := Encrypt(&big, bytes.NewReader(bytes.Repeat([]byte("x"), 200<<10)), []age.Recipient{id.Recipient()}); err != nil {
		t.Fatal(err)
	}
	tampered := bytes.Clone(sealed)
	tampered[len(tampered)-5] ^= 1
	for _, tc := range []struct {
		name string
		data []byte
		ids  []age.Identity
		want error
	}{
		{"wrong identity", sealed, []age.Identity{other}, ErrWrongIdentity},
		{"truncated", sealed[:len(sealed)-10], []age.Identity{id}, ErrDamaged},
		{"truncated at a chunk", big.Bytes()[:len(big.Bytes())-(big.Len()-64<<10)/2], []age.Identity{id}, ErrDamaged},
		{"tampered", tampered, []age.Identity{id}, ErrDamaged},
		{"not age", []byte(plaintext), []age.Identity{id}, ErrDamaged},
	} {
		got, err := Decrypt(bytes.NewReader(tc.data), "server.env.2026-11-25.age", tc.ids)
		if !errors.Is(err, tc.want) || got != nil || !strings.Contains(err.Error(), "server.env.2026-11-25.age") {
			t.Errorf("%s: Decrypt = %q, %v; want %v and no plaintext", tc.name, got, err, tc.want)
		}
	}
}

func TestParseRecipients(t *testing.T) {
	id, keyFile := identity(t)
	dir := t.TempDir()
	good := filepath.Join(dir, "recipients.txt")
	os.WriteFile(good, []byte("# ops team\n"+id.Recipient().String()+"\n\n"), 0o644)
	empty := filepath.Join(dir, "empty.txt")
	os.WriteFile(empty, []byte("# nobody\n"), 0o644)
	bad := filepath.Join(dir, "bad.txt")
	os.WriteFile(bad, []byte(id.Recipient().String()+"\nage1notakey\n"), 0o644)
	if r, err := ParseRecipients([]string{id.Recipient().String()}, []string{good}); err != nil || len(r) != 2 {
		t.Fatalf("ParseRecipients = %d, %v", len(r), err)
	}
	for _, tc := range []struct {
		values, files []string
		want          string
	}{
		{[]string{"age1notakey"}, nil, `--encrypt-to "age1notakey"`},
		{[]string{id.String()}, nil, "is an identity (a private key), not a recipient"},
		{[]string{"hello"}, nil, "not a recipient"},
		{nil, []string{empty}, "no recipients in it"},
		{nil, []string{bad}, "bad.txt:2:"},
		{nil, []string{keyFile + ".missing"}, "--recipients-file"},
	} {
		if _, err := ParseRecipients(tc.values, tc.files); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("ParseRecipients(%v, %v) error = %v, want %q", tc.values, tc.files, err, tc.want)
		}
	}
}

// The age command-line tool (Debian's age package) reads what dsops
// encrypts, and dsops reads what the age tool encrypts.
func TestInteroperabilityWithTheAgeCommand(t *testing.T) {
	if _, err := exec.LookPath("age"); err != nil {
		t.Fatal("the age command is needed (Debian package age; make test installs it through scripts/prereqs.sh)")
	}
	id, keyFile := identity(t)
	dir := t.TempDir()

	ours := filepath.Join(dir, "ours.age")
	if err := WriteEncrypted(ours, []byte(plaintext), []age.Recipient{id.Recipient()}, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("age", "--decrypt", "-i", keyFile, ours).Output()
	if err != nil || string(out) != plaintext {
		t.Fatalf("age --decrypt of dsops's file = %q, %v", out, err)
	}

	theirs := filepath.Join(dir, "theirs.age")
	cmd := exec.Command("age", "--encrypt", "-r", id.Recipient().String(), "-o", theirs)
	cmd.Stdin = strings.NewReader(plaintext)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("age --encrypt: %v: %s", err, out)
	}
	ids, err := LoadIdentities(keyFile)
	if err != nil {
		t.Fatal(err)
	}
	got, err := DecryptFile(theirs, ids)
	if err != nil || string(got) != plaintext {
		t.Fatalf("DecryptFile of age's file = %q, %v", got, err)
	}

	// An identity file made by age-keygen is read too.
	keygen := filepath.Join(dir, "keygen.txt")
	if out, err := exec.Command("age-keygen", "-o", keygen).CombinedOutput(); err != nil {
		t.Fatalf("age-keygen: %v: %s", err, out)
	}
	if _, err := LoadIdentities(keygen); err != nil {
		t.Fatalf("identity from age-keygen: %v", err)
	}
}
