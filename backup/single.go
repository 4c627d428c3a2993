package backup

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"strings"

	"datasynth.dev/backup/catalog"
	"datasynth.dev/backup/kube"
	"datasynth.dev/backup/secrets"
	"datasynth.dev/verify"
	"datasynth.dev/verify/atomicfile"
)

// PlaintextSumsName is the file in the backup folder that records, for each
// encrypted backup, the SHA-256 of what it holds. An encrypted file differs
// at every run (age draws a new key each time), so this record is what lets
// a run see that a secret is unchanged without decrypting anything: the
// backup host needs the recipients only, never the identity. It is kept
// with mode 0600 beside the backups and never uploaded; without it (a new
// host, say) the next run simply takes a fresh encrypted backup.
const PlaintextSumsName = ".dsops-plaintext-sums.json"

// single is one backup that is a single file rather than an archive: the
// environment file, a secret file, or a Kubernetes object.
type single struct {
	kind string
	// what names the source in messages, without its content.
	what string
	data []byte
	// secret means encrypted when there are recipients; it is kept with
	// mode 0600 either way.
	secret bool
	perm   os.FileMode
}

// secrets backs up the single-file kinds: the environment file, the
// Kubernetes ConfigMap and Secret, and the secret files.
func (r *runner) secrets(ctx context.Context) error {
	var todo []single
	if src := r.opts.EnvFile; src != "" {
		data, err := readSecret(src)
		if errors.Is(err, fs.ErrNotExist) {
			r.skip(catalog.KindEnv, fmt.Sprintf("environment file %s does not exist", src))
		} else if err != nil {
			return fmt.Errorf("--env-file %s: %w", src, err)
		} else {
			todo = append(todo, single{kind: catalog.KindEnv, what: src, data: data, secret: true, perm: 0o600})
		}
	}
	if o := r.opts.Kubernetes; o.Namespace != "" {
		for _, k := range []struct {
			kind, object string
			secret       bool
			perm         os.FileMode
		}{{catalog.KindK8sConfigMap, kube.ConfigMap, false, 0o640}, {catalog.KindK8sSecret, kube.Secret, true, 0o600}} {
			data, err := kube.Export(ctx, o, k.object)
			if err != nil {
				return err
			}
			todo = append(todo, single{kind: k.kind, what: fmt.Sprintf("%s %s/%s", k.object, o.Namespace, o.Name(k.object)), data: data, secret: k.secret, perm: k.perm})
		}
	}
	for _, f := range r.opts.SecretFiles {
		data, err := readSecret(f)
		if err != nil {
			return fmt.Errorf("--secret-file %s: %w", f, err)
		}
		todo = append(todo, single{kind: filepath.Base(f), what: f, data: data, secret: true, perm: 0o600})
	}
	if len(todo) == 0 {
		return nil
	}
	sums, err := r.loadSums()
	if err != nil {
		return err
	}
	var plain []string
	for _, s := range todo {
		name, err := r.single(s, sums)
		if err != nil {
			return err
		}
		if s.secret && !strings.HasSuffix(name, secrets.Suffix) {
			plain = append(plain, name)
		}
	}
	if len(plain) > 0 {
		r.log.Warn("secrets stored unencrypted", "backups", plain)
		r.say("warning: %s %s stored unencrypted (mode 0600 here, and as they are in S3); give --encrypt-to or --recipients-file to encrypt secrets with age", strings.Join(plain, ", "), isOrAre(len(plain)))
	}
	return r.saveSums(sums)
}

// single backs up s unless its newest backup (in the same form, encrypted
// or not) holds the same content, and returns the name of the backup that
// holds it.
func (r *runner) single(s single, sums map[string]string) (string, error) {
	encrypt := s.secret && len(r.opts.Recipients) > 0
	sum := sha256hex(s.data)
	if prev, ok := r.reference(s.kind, encrypt); ok {
		prevSum, err := catalog.ReadSidecar(filepath.Join(r.opts.Dest, prev))
		if encrypt {
			prevSum, err = sums[prev], nil
		}
		if err == nil && prevSum == sum {
			r.res.Unchanged = append(r.res.Unchanged, prev)
			r.say("%s unchanged since %s: no new copy", s.kind, prev)
			return prev, nil
		}
	}
	name, err := r.newName(s.kind, encrypt)
	if err != nil {
		return "", err
	}
	how := fmt.Sprintf("mode %04o", s.perm)
	if encrypt {
		how = fmt.Sprintf("encrypted to %d recipient%s, mode 0600", len(r.opts.Recipients), plural(len(r.opts.Recipients)))
	}
	if r.opts.DryRun {
		r.say("would copy %s to %s (%s)", s.what, name, how)
		r.res.Created = append(r.res.Created, name)
		r.names[name], r.names[name+catalog.SidecarSuffix] = true, true
		return name, nil
	}
	dst := filepath.Join(r.opts.Dest, name)
	if encrypt {
		err = secrets.WriteEncrypted(dst, s.data, r.opts.Recipients, 0o600)
	} else {
		err = atomicfile.WriteFile(dst, s.data, s.perm)
	}
	if err != nil {
		return "", fmt.Errorf("writing %s in --dest %s: %w", name, r.opts.Dest, err)
	}
	fileSum := sum
	if encrypt {
		if fileSum, _, err = verify.HashFile(dst); err != nil {
			return "", err
		}
		sums[name] = sum
	}
	if err := catalog.WriteSidecar(r.opts.Dest, name, fileSum); err != nil {
		return "", fmt.Errorf("writing %s%s: %w", name, catalog.SidecarSuffix, err)
	}
	r.created(name)
	r.log.Info("backed up", "kind", s.kind, "source", s.what, "backup", name, "encrypted", encrypt)
	r.say("wrote %s (%s)", name, how)
	return name, nil
}

// readSecret reads a file that holds secrets, bounded in size.
func readSecret(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if fi, err := f.Stat(); err != nil {
		return nil, err
	} else if !fi.Mode().IsRegular() {
		return nil, errors.New("not a regular file")
	}
	data, err := io.ReadAll(io.LimitReader(f, secrets.MaxPlaintext+1))
	if err != nil {
		return nil, err
	}
	if len(data) > secrets.MaxPlaintext {
		return nil, fmt.Errorf("larger than %d MiB; that is not a secrets file", secrets.MaxPlaintext>>20)
	}
	return data, nil
}

// loadSums reads the record of plaintext checksums, dropping entries whose
// backup is gone. A damaged record is replaced: the next backups are
// simply taken afresh.
func (r *runner) loadSums() (map[string]string, error) {
	sums := map[string]string{}
	data, err := os.ReadFile(filepath.Join(r.opts.Dest, PlaintextSumsName))
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return sums, nil
	case err != nil:
		return nil, fmt.Errorf("--dest %s: %w", r.opts.Dest, err)
	}
	if err := json.Unmarshal(data, &sums); err != nil {
		r.log.Warn("the record of what the encrypted backups hold is damaged; taking fresh encrypted backups", "file", PlaintextSumsName, "err", err)
		sums = map[string]string{}
	}
	maps.DeleteFunc(sums, func(name, _ string) bool { return !r.names[name] })
	return sums, nil
}

func (r *runner) saveSums(sums map[string]string) error {
	if r.opts.DryRun || len(sums) == 0 && !r.names[PlaintextSumsName] {
		return nil
	}
	data, err := json.MarshalIndent(sums, "", "  ")
	if err != nil {
		return err
	}
	return atomicfile.WriteFile(filepath.Join(r.opts.Dest, PlaintextSumsName), append(data, '\n'), 0o600)
}

// checkSecretInputs refuses, before anything is written, a secret that
// would have to be stored in a way the user did not allow.
func checkSecretInputs(o Options) error {
	if len(o.SecretFiles) > 0 && len(o.Recipients) == 0 {
		return errors.New("--secret-file: secret files are only ever stored encrypted; give --encrypt-to or --recipients-file")
	}
	if o.Kubernetes.Namespace != "" && len(o.Recipients) == 0 && !o.AllowPlaintextSecrets {
		return fmt.Errorf("--kubernetes-namespace %s: the Secret %s is stored only encrypted; give --encrypt-to or --recipients-file, or --allow-plaintext-secrets to store it as it is", o.Kubernetes.Namespace, o.Kubernetes.Name(kube.Secret))
	}
	seen := map[string]string{}
	for _, f := range o.SecretFiles {
		base := filepath.Base(f)
		switch {
		case catalog.Reserved(base):
			return fmt.Errorf("--secret-file %s: its name %q is the name of a backup kind; rename or copy the file", f, base)
		case seen[base] != "":
			return fmt.Errorf("--secret-file %s and %s: both would be stored as %s.DATE.age; rename one", seen[base], f, base)
		}
		seen[base] = f
		if fi, err := os.Stat(f); err != nil {
			return fmt.Errorf("--secret-file %s: %w; fix the path or drop the flag", f, err)
		} else if !fi.Mode().IsRegular() {
			return fmt.Errorf("--secret-file %s: not a regular file", f)
		}
	}
	return nil
}

func sha256hex(b []byte) string {
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

func isOrAre(n int) string {
	if n == 1 {
		return "is"
	}
	return "are"
}
