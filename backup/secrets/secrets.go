// Package secrets encrypts and decrypts the secrets dsops backs up, in the
// age format (https://age-encryption.org/v1), with filippo.io/age.
//
// The age format is the point: a file that dsops encrypts is decrypted by
// the age command-line tool and the other way round, so an operator who has
// the identity but not dsops can still read a backup. Recipients are public
// keys (age1... X25519 keys, age1pq1... hybrid post-quantum keys,
// ssh-ed25519 and ssh-rsa keys); the host that takes backups needs only
// those, never the identity (the private key) that decrypts.
//
// Decryption is all or nothing: age authenticates every 64 KiB chunk and the
// end of the stream, and the functions here hand over plaintext only once
// the whole file has been read and authenticated, so a truncated or tampered
// file, or a wrong identity, yields an error and no output at all.
package secrets

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"filippo.io/age"
	"filippo.io/age/agessh"

	"datasynth.dev/verify/atomicfile"
)

// Suffix ends the name of every file this package encrypts.
const Suffix = ".age"

// MaxPlaintext bounds what Decrypt holds in memory. Secrets are small (an
// environment file, a Kubernetes Secret, a key); a larger file is refused
// rather than buffered.
const MaxPlaintext = 64 << 20

// ErrNoRecipients means encryption was asked for with no recipient.
var ErrNoRecipients = errors.New("no recipients")

// ErrWrongIdentity means none of the identities can decrypt the file.
var ErrWrongIdentity = errors.New("no identity matches")

// ErrDamaged means the file is not a whole, untampered age file.
var ErrDamaged = errors.New("not a whole, untampered age file")

// ParseRecipients reads recipients given one by one (as --encrypt-to does)
// and from recipients files (one per line, # comments, as `age -R` reads).
// where names the flag or setting in errors.
func ParseRecipients(values, files []string) ([]age.Recipient, error) {
	var out []age.Recipient
	for _, v := range values {
		r, err := parseRecipient(strings.TrimSpace(v))
		if err != nil {
			return nil, fmt.Errorf("--encrypt-to %q: %w", v, err)
		}
		out = append(out, r)
	}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			return nil, fmt.Errorf("--recipients-file %s: %w", f, err)
		}
		sc := bufio.NewScanner(bytes.NewReader(data))
		n, found := 0, 0
		for sc.Scan() {
			n++
			line := strings.TrimSpace(sc.Text())
			if line == "" || strings.HasPrefix(line, "#") {
				continue
			}
			r, err := parseRecipient(line)
			if err != nil {
				return nil, fmt.Errorf("--recipients-file %s:%d: %w", f, n, err)
			}
			out = append(out, r)
			found++
		}
		if found == 0 {
			return nil, fmt.Errorf("--recipients-file %s: %w in it; put one public key (age1..., ssh-ed25519 ...) on a line", f, ErrNoRecipients)
		}
	}
	return out, nil
}

func parseRecipient(s string) (age.Recipient, error) {
	switch {
	case strings.HasPrefix(s, "age1pq1"):
		return age.ParseHybridRecipient(s)
	case strings.HasPrefix(s, "age1"):
		return age.ParseX25519Recipient(s)
	case strings.HasPrefix(s, "ssh-"):
		return agessh.ParseRecipient(s)
	case strings.HasPrefix(s, "AGE-SECRET-KEY-"):
		return nil, errors.New("this is an identity (a private key), not a recipient; give its public key (age-keygen -y, or the \"public key\" line of the key file)")
	}
	return nil, errors.New("not a recipient; want an age public key (age1...) or an SSH public key (ssh-ed25519 ..., ssh-rsa ...)")
}

// LoadIdentities reads an identity file: age identities (AGE-SECRET-KEY-1...,
// one per line, as age-keygen writes them) or an unencrypted SSH private key.
func LoadIdentities(file string) ([]age.Identity, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, fmt.Errorf("--identity %s: %w", file, err)
	}
	if bytes.Contains(data, []byte("PRIVATE KEY-----")) {
		id, err := agessh.ParseIdentity(data)
		if err != nil {
			return nil, fmt.Errorf("--identity %s: %w (a passphrase-protected SSH key must be decrypted with the age command instead)", file, err)
		}
		return []age.Identity{id}, nil
	}
	ids, err := age.ParseIdentities(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("--identity %s: %w; want a file written by age-keygen or dsops secrets keygen", file, err)
	}
	return ids, nil
}

// Encrypt writes src to dst encrypted to recipients.
func Encrypt(dst io.Writer, src io.Reader, recipients []age.Recipient) error {
	if len(recipients) == 0 {
		return ErrNoRecipients
	}
	w, err := age.Encrypt(dst, recipients...)
	if err != nil {
		return err
	}
	if _, err := io.Copy(w, src); err != nil {
		return err
	}
	return w.Close()
}

// Decrypt reads the whole age file from src and returns its plaintext, or
// an error wrapping ErrWrongIdentity or ErrDamaged; never part of the
// plaintext. name is used in errors.
func Decrypt(src io.Reader, name string, identities []age.Identity) ([]byte, error) {
	r, err := age.Decrypt(src, identities...)
	if err != nil {
		var noMatch *age.NoIdentityMatchError
		if errors.As(err, &noMatch) {
			return nil, fmt.Errorf("%s: %w: it was encrypted to other recipients (or its header is damaged); give the identity that belongs to one of them", name, ErrWrongIdentity)
		}
		return nil, fmt.Errorf("%s: %w: %v", name, ErrDamaged, err)
	}
	data, err := io.ReadAll(io.LimitReader(r, MaxPlaintext+1))
	if err != nil {
		return nil, fmt.Errorf("%s: %w: %v", name, ErrDamaged, err)
	}
	if len(data) > MaxPlaintext {
		return nil, fmt.Errorf("%s: decrypts to more than %d MiB, more than a secret this program restores; use the age command", name, MaxPlaintext>>20)
	}
	return data, nil
}

// DecryptFile decrypts the age file at path.
func DecryptFile(path string, identities []age.Identity) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return Decrypt(f, path, identities)
}

// WriteEncrypted writes data encrypted to recipients at path, atomically,
// with mode perm.
func WriteEncrypted(path string, data []byte, recipients []age.Recipient, perm os.FileMode) error {
	f, err := atomicfile.Create(path, perm)
	if err != nil {
		return err
	}
	defer f.Abort()
	if err := Encrypt(f, bytes.NewReader(data), recipients); err != nil {
		return fmt.Errorf("encrypting %s: %w", path, err)
	}
	return f.Commit()
}

// NewIdentity returns a new X25519 identity, as age-keygen makes one, and
// the text of its identity file (with the public key as a comment).
func NewIdentity() (*age.X25519Identity, []byte, error) {
	id, err := age.GenerateX25519Identity()
	if err != nil {
		return nil, nil, err
	}
	text := fmt.Sprintf("# public key: %s\n%s\n", id.Recipient(), id)
	return id, []byte(text), nil
}
