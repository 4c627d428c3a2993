// Package restore brings a backup back: `dsops restore`.
//
// The source is a local backup file or an s3:// URL, which is downloaded
// first into a temporary folder beside the target. The backup's .sha256
// sidecar is required: the whole file is hashed while it is read and
// compared with the sidecar, and each file of an archive is checked against
// the archive's manifest as it is extracted (see package archive for what
// is refused and why). Everything is extracted into a temporary folder
// beside the target and renamed into place only when every check has
// passed, so the target either appears complete or not at all.
//
// A target that already exists as an empty folder (a volume's mount point,
// say, which cannot be renamed over) is filled in place instead: the
// archive is extracted into a temporary folder inside it, on the same file
// system, and the checked entries are moved up only at the end. A target
// that is a symbolic link is refused: name the real folder.
//
// Temporary folders are claimed by the running restore (see
// atomicfile.TempDir); those left by a restore that was killed are removed
// at the start of the next restore into the same place.
//
// A single-file backup is restored into DIR under its own name: an
// environment-file backup (server.env.DATE) as DIR/server.env, the
// Kubernetes export as DIR/k8s-configmap.yaml and DIR/k8s-secret.yaml (which
// `kubectl apply -f` takes back), a secret file under its base name; secrets
// with mode 0600. A backup encrypted with age (NAME.DATE.age) is checked
// against its sidecar, then decrypted with the identities given, whole
// before anything is written.
package restore

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"

	"datasynth.dev/verify"
	"filippo.io/age"

	"datasynth.dev/backup/archive"
	"datasynth.dev/backup/catalog"
	"datasynth.dev/backup/s3sync"
	"datasynth.dev/backup/secrets"
	"datasynth.dev/verify/atomicfile"
	"datasynth.dev/verify/manifest"
)

// Options configure one restore.
type Options struct {
	// Source is a backup file or s3://bucket/key.
	Source string
	// To is the folder to create. It must not exist, or be empty.
	To string
	// List prints the archive's manifest instead of extracting it.
	List bool
	// S3 gives the endpoint, region and addressing for s3:// sources; its
	// URL is ignored.
	S3 s3sync.Config
	// Progress, if set, is called to show progress of a long step.
	Progress func(label string, total int64) Progress
	// Out receives the listing and the summary.
	Out io.Writer
	// Identities decrypt a backup encrypted with age (--identity).
	Identities []age.Identity
	// Regenerator turns a recipe back into its dataset; a recipe cannot be
	// restored (only listed) without one.
	Regenerator Regenerator
}

// Regenerator generates the dataset a recipe describes.
type Regenerator interface {
	// Regenerate generates the dataset of the recipe whose files are in
	// recipeDir into out, a folder that does not exist yet. It may refuse
	// (the pinned generator is not at hand), saying how to get it.
	Regenerate(ctx context.Context, recipeDir, out string) error
}

// ErrNotIdentical means a dataset regenerated from a recipe is not the
// one the recipe describes.
var ErrNotIdentical = errors.New("the regenerated dataset is not the one the recipe describes")

// Progress shows how far a long step has got.
type Progress interface {
	Add(n int64)
	Done()
}

// ErrChecksum means a backup file does not match its sidecar. It wraps
// archive.ErrCorrupt, so errors.Is(err, archive.ErrCorrupt) covers both.
var ErrChecksum = fmt.Errorf("%w: checksum does not match the .sha256 sidecar", archive.ErrCorrupt)

// ErrTargetExists means --to names a file or a folder that is not empty.
var ErrTargetExists = errors.New("target exists")

// Run restores (or lists) one backup.
func Run(ctx context.Context, opts Options, log *slog.Logger) error {
	if opts.Out == nil {
		opts.Out = io.Discard
	}
	if !opts.List && opts.To == "" {
		return errors.New("--to is required: name the folder to restore into (it must not exist yet)")
	}
	kind, _, encrypted, _ := catalog.ParseName(path.Base(opts.Source))
	single := kind != "" && kind != catalog.KindOutput && kind != catalog.KindConfig && kind != catalog.KindRecipe
	if kind == catalog.KindRecipe && !opts.List && opts.Regenerator == nil {
		return fmt.Errorf("%s is a recipe: restoring it regenerates the dataset, which this caller cannot do; use dsops restore", opts.Source)
	}
	if encrypted && len(opts.Identities) == 0 {
		return fmt.Errorf("%s is encrypted with age: give --identity FILE, the key file written by age-keygen or dsops secrets keygen for one of its recipients", opts.Source)
	}
	if !opts.List {
		check := checkTarget
		if single {
			check = func(to string) error { return checkFileTarget(to, restoredName(kind)) }
		} else if fi, err := os.Lstat(opts.To); err == nil && fi.IsDir() {
			// A restore killed while filling this folder in place left its
			// temporary folder inside; without it the folder is empty again.
			removeStale(opts.To, insidePrefix, log)
		}
		if err := check(opts.To); err != nil {
			return err
		}
	}
	file, sum, cleanup, err := fetch(ctx, opts, log)
	if err != nil {
		return err
	}
	defer cleanup()
	if single {
		return restoreSingle(opts, kind, encrypted, file, sum, log)
	}
	if opts.List {
		return list(opts, file, sum)
	}
	return extract(ctx, opts, file, sum, log)
}

// checkTarget refuses a target that would hide or mix with existing data,
// and a target that is a symbolic link (restoring through it would replace
// the link, or fill a folder elsewhere than the one named).
func checkTarget(to string) error {
	if err := refuseLink(to); err != nil {
		return err
	}
	fi, err := os.Stat(to)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("--to %s: %w", to, err)
	}
	if !fi.IsDir() {
		return fmt.Errorf("--to %s: %w: it is a file; choose a new folder", to, ErrTargetExists)
	}
	entries, err := os.ReadDir(to)
	if err != nil {
		return fmt.Errorf("--to %s: %w", to, err)
	}
	if len(entries) > 0 {
		return fmt.Errorf("--to %s: %w and is not empty; choose a new folder, or move the old one away first", to, ErrTargetExists)
	}
	return nil
}

func refuseLink(to string) error {
	fi, err := os.Lstat(filepath.Clean(to))
	if err != nil || fi.Mode()&fs.ModeSymlink == 0 {
		return nil
	}
	target, _ := filepath.EvalSymlinks(to)
	return fmt.Errorf("--to %s: %w: it is a symbolic link (to %s); name the folder itself, or remove the link", to, ErrTargetExists, target)
}

// checkFileTarget refuses to overwrite a restored file: the folder may hold
// other files, but not name.
func checkFileTarget(to, name string) error {
	if err := refuseLink(to); err != nil {
		return err
	}
	p := filepath.Join(to, name)
	if _, err := os.Lstat(p); err == nil {
		return fmt.Errorf("--to %s: %w: %s is there already; move it away first, or restore into another folder and compare", to, ErrTargetExists, p)
	}
	return nil
}

// fetch returns a local path for the source and the checksum its sidecar
// gives, downloading both from S3 when needed.
func fetch(ctx context.Context, opts Options, log *slog.Logger) (string, string, func(), error) {
	nothing := func() {}
	if !strings.HasPrefix(opts.Source, "s3://") {
		if fi, err := os.Stat(opts.Source); err != nil {
			return "", "", nothing, fmt.Errorf("backup %s: %w (list the backup folder, or `aws s3 ls` the bucket, for the right name)", opts.Source, err)
		} else if !fi.Mode().IsRegular() {
			return "", "", nothing, fmt.Errorf("backup %s: not a regular file; name a backup file such as output-YYYY-MM-DD.tar.gz", opts.Source)
		}
		sum, err := catalog.ReadSidecar(opts.Source)
		if errors.Is(err, fs.ErrNotExist) {
			return "", "", nothing, fmt.Errorf("backup %s: no %s%s beside it, so it cannot be checked; copy the sidecar from the backup folder or S3 next to it", opts.Source, filepath.Base(opts.Source), catalog.SidecarSuffix)
		}
		if err != nil {
			return "", "", nothing, fmt.Errorf("backup %s: %w", opts.Source, err)
		}
		return opts.Source, sum, nothing, nil
	}

	loc, err := s3sync.ParseURL(opts.Source)
	if err != nil || loc.Prefix == "" {
		return "", "", nothing, fmt.Errorf("source %q: want s3://bucket/path/to/output-YYYY-MM-DD.tar.gz", opts.Source)
	}
	key := strings.TrimSuffix(loc.Prefix, "/")
	name := path.Base(key)
	cfg := opts.S3
	cfg.URL = "s3://" + loc.Bucket + "/" + strings.TrimSuffix(key, name)
	client, err := s3sync.New(ctx, cfg, log)
	if err != nil {
		return "", "", nothing, err
	}
	parent := os.TempDir()
	if opts.To != "" {
		parent = filepath.Dir(filepath.Clean(opts.To))
		if err := os.MkdirAll(parent, 0o755); err != nil {
			return "", "", nothing, fmt.Errorf("--to %s: %w", opts.To, err)
		}
	}
	removeStale(parent, downloadPrefix, log)
	tmp, err := atomicfile.MkdirTemp(parent, downloadPrefix)
	if err != nil {
		return "", "", nothing, fmt.Errorf("creating a download folder in %s: %w", parent, err)
	}
	dir := tmp.Path
	cleanup := func() { tmp.Remove() }
	get := func(n string) (string, string, error) {
		f, err := os.OpenFile(filepath.Join(dir, n), os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
		if err != nil {
			return "", "", err
		}
		defer f.Close()
		meta, err := client.Download(ctx, n, f)
		if err != nil {
			return "", "", err
		}
		return f.Name(), meta, nil
	}
	file, meta, err := get(name)
	if err != nil {
		cleanup()
		return "", "", nothing, err
	}
	var sum string
	if _, _, err := get(name + catalog.SidecarSuffix); err == nil {
		sum, err = catalog.ReadSidecar(file)
		if err != nil {
			cleanup()
			return "", "", nothing, err
		}
		if meta != "" && meta != sum {
			cleanup()
			return "", "", nothing, fmt.Errorf("%s: %w: object metadata says %s, sidecar says %s", opts.Source, ErrChecksum, meta, sum)
		}
	} else if meta != "" {
		log.Warn("no sidecar in the bucket; checking against the object's sha256 metadata", "object", opts.Source+catalog.SidecarSuffix)
		sum = meta
	} else {
		cleanup()
		return "", "", nothing, fmt.Errorf("%s: no %s%s in the bucket and no sha256 metadata, so it cannot be checked: %w", opts.Source, name, catalog.SidecarSuffix, err)
	}
	return file, sum, cleanup, nil
}

func list(opts Options, file, sum string) error {
	got, _, err := verify.HashFile(file)
	if err != nil {
		return err
	}
	if got != sum {
		return mismatch(opts.Source, got, sum, verifyArchive(file, opts.Source))
	}
	f, err := os.Open(file)
	if err != nil {
		return err
	}
	defer f.Close()
	m, err := archive.ReadManifest(f, opts.Source)
	if err != nil {
		return err
	}
	w := opts.Out
	fmt.Fprintf(w, "# %s: %s backup of %s taken %s, %d files, %d bytes, archive SHA-256 %s (matches its sidecar)\n",
		filepath.Base(opts.Source), m.Kind, m.Source, m.CreatedAt.Format("2006-01-02 15:04:05Z07:00"), m.Files, m.Bytes, sum)
	// Names are quoted as dsops verify quotes them, so that a name holding
	// a newline or a control character cannot fake a line of the listing.
	q := verify.QuoteName
	for _, e := range m.Entries {
		switch e.Type {
		case archive.TypeFile:
			fmt.Fprintf(w, "%04o %12d %s  %s\n", e.Mode, e.Size, e.SHA256, q(e.Path))
		case archive.TypeDir:
			fmt.Fprintf(w, "%04o %12s %64s  %s/\n", e.Mode, "-", "", q(e.Path))
		case archive.TypeSymlink:
			fmt.Fprintf(w, "%04o %12s %64s  %s -> %s\n", e.Mode, "-", "", q(e.Path), q(e.Link))
		}
	}
	return nil
}

// Name prefixes of the temporary folders restore makes: beside a new target,
// inside an existing empty target, and for a download from S3.
const (
	besidePrefix   = ".restore-"
	insidePrefix   = ".dsops-restore-"
	downloadPrefix = ".dsops-restore-download-"
)

func extract(ctx context.Context, opts Options, file, sum string, log *slog.Logger) error {
	to := filepath.Clean(opts.To)
	parent := filepath.Dir(to)
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return fmt.Errorf("--to %s: %w", opts.To, err)
	}
	// An existing (empty) target is filled in place: it may be a mount
	// point, which cannot be renamed over, and extracting beside it would
	// fill the parent's file system instead of the volume.
	inPlace := false
	if fi, err := os.Stat(to); err == nil && fi.IsDir() {
		inPlace = true
	}
	where, prefix := parent, "."+filepath.Base(to)+besidePrefix
	if inPlace {
		where, prefix = to, insidePrefix
	}
	if !inPlace {
		removeStale(where, prefix, log)
	}
	tmp, err := atomicfile.MkdirTemp(where, prefix)
	if err != nil {
		return fmt.Errorf("--to %s: cannot create a temporary folder in %s: %w", opts.To, where, err)
	}
	done := false
	defer func() {
		if !done {
			tmp.Remove()
		}
	}()
	f, err := os.Open(file)
	if err != nil {
		return err
	}
	defer f.Close()
	h := sha256.New()
	tee := io.TeeReader(f, h)
	var bar Progress
	if opts.Progress != nil {
		if fi, err := f.Stat(); err == nil && fi.Size() > 1<<20 {
			bar = opts.Progress("restoring "+filepath.Base(opts.Source), fi.Size())
			tee = io.TeeReader(tee, progressWriter(bar.Add))
		}
	}
	m, xerr := archive.Extract(ctx, tee, opts.Source, tmp.Path, nil)
	// The tar reader stops at the end-of-archive marker; hash the rest so
	// that the whole file is compared with the sidecar.
	_, rerr := io.Copy(io.Discard, tee)
	if bar != nil {
		bar.Done()
	}
	got := hex.EncodeToString(h.Sum(nil))
	if rerr == nil && got != sum {
		return mismatch(opts.Source, got, sum, xerr)
	}
	if xerr != nil {
		return xerr
	}
	if rerr != nil {
		return fmt.Errorf("reading %s: %w", opts.Source, rerr)
	}
	src, what := tmp.Path, fmt.Sprintf("restored %s (%d bytes) from %s to %s; the archive matched its sidecar and every file its SHA-256", count(m.Files, "file"), m.Bytes, filepath.Base(opts.Source), to)
	if kind, _, _ := catalog.Parse(filepath.Base(opts.Source)); kind == catalog.KindRecipe {
		if src, err = regenerate(ctx, opts, tmp.Path); err != nil {
			return err
		}
		m = &archive.Manifest{}
		what = fmt.Sprintf("regenerated %s from the recipe %s into %s; every file matches the recipe's run manifest", count(len(mustList(src)), "file"), filepath.Base(opts.Source), to)
	}
	if inPlace {
		err = moveUp(src, tmp, to, m.RootMode)
	} else {
		err = rename(src, tmp, to, m.RootMode)
	}
	if err != nil {
		return fmt.Errorf("--to %s: %w", opts.To, err)
	}
	done = true
	log.Info("restored", "backup", opts.Source, "to", to, "in_place", inPlace)
	fmt.Fprintln(opts.Out, what)
	return nil
}

// regenerate runs the recipe extracted in recipeDir through the
// Regenerator into a folder inside it, and proves the result is the dataset
// the recipe describes: the same run manifest, byte for byte, and every
// file as that manifest lists it, nothing more.
func regenerate(ctx context.Context, opts Options, recipeDir string) (string, error) {
	out := filepath.Join(recipeDir, ".regenerated")
	if err := opts.Regenerator.Regenerate(ctx, recipeDir, out); err != nil {
		return "", err
	}
	want, err := manifest.Read(filepath.Join(recipeDir, manifest.FileName))
	if err != nil {
		return "", fmt.Errorf("%s: the recipe's run manifest: %w", opts.Source, err)
	}
	got, err := manifest.Read(filepath.Join(out, manifest.FileName))
	if err != nil {
		return "", fmt.Errorf("%s: %w: %v; nothing was restored", opts.Source, ErrNotIdentical, err)
	}
	// The run section (run id, times, host) differs from run to run; what
	// the dataset is made of must not.
	if got.ConfigHash != want.ConfigHash || got.Seed != want.Seed || got.GeneratorVersion != want.GeneratorVersion || !slices.Equal(got.OutputFiles, want.OutputFiles) {
		return "", fmt.Errorf("%s: %w: its run manifest lists other files, config, seed or generator than the recipe's; nothing was restored", opts.Source, ErrNotIdentical)
	}
	r, err := verify.CheckManifest(ctx, out, verify.Options{})
	if err != nil {
		return "", err
	}
	if !r.Identical() {
		return "", fmt.Errorf("%s: %w: %s; nothing was restored", opts.Source, ErrNotIdentical, r.Summary())
	}
	return out, nil
}

// mustList names the entries of a folder that was just checked.
func mustList(dir string) []string {
	var out []string
	filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && d.Type().IsRegular() {
			out = append(out, p)
		}
		return nil
	})
	return out
}

// rename puts the checked tree src (tmp itself, or a folder inside it) in
// place of the target, which does not exist.
func rename(src string, tmp *atomicfile.TempDir, to string, rootMode archive.Mode) error {
	if rootMode != 0 {
		if err := os.Chmod(src, fs.FileMode(rootMode)); err != nil {
			return err
		}
	}
	if err := os.Rename(src, to); err != nil {
		return err
	}
	if src == tmp.Path {
		tmp.Release()
	} else if err := tmp.Remove(); err != nil {
		return err
	}
	return atomicfile.SyncDir(filepath.Dir(to))
}

// moveUp moves the checked entries of src (tmp, inside the target, or a
// folder inside it) up into the target, one rename each on the same file
// system, then removes tmp.
func moveUp(src string, tmp *atomicfile.TempDir, to string, rootMode archive.Mode) error {
	entries, err := os.ReadDir(src)
	if err != nil {
		return err
	}
	for _, e := range entries {
		if err := os.Rename(filepath.Join(src, e.Name()), filepath.Join(to, e.Name())); err != nil {
			return fmt.Errorf("moving %s into place: %w; the folder is partly filled: empty it and restore again", e.Name(), err)
		}
	}
	if err := tmp.Remove(); err != nil {
		return err
	}
	if rootMode != 0 {
		if err := os.Chmod(to, fs.FileMode(rootMode)); err != nil {
			return err
		}
	}
	return atomicfile.SyncDir(to)
}

// mismatch explains a backup whose hash differs from its sidecar. If the
// archive read back whole and every file matched its manifest (extractErr
// is nil), the archive is consistent and the sidecar is the likelier
// culprit; the restore is refused either way, since the sidecar is what
// vouches for the archive.
func mismatch(source, got, sum string, extractErr error) error {
	if extractErr == nil {
		return fmt.Errorf("%s: %w (file %s, sidecar %s); the archive itself reads back whole and every file matches its manifest, so the sidecar is probably the damaged half: compare it with the copy in the other backup location, or, if you trust this archive, write it again with `sha256sum %s > %s.sha256` and restore again", source, ErrChecksum, got, sum, filepath.Base(source), filepath.Base(source))
	}
	return fmt.Errorf("%s: %w (file %s, sidecar %s); the archive is damaged (%v): restore another backup, or the copy in the other backup location", source, ErrChecksum, got, sum, extractErr)
}

// verifyArchive reads the archive at file through, checking every file
// against its manifest, without writing anything.
func verifyArchive(file, name string) error {
	f, err := os.Open(file)
	if err != nil {
		return err
	}
	defer f.Close()
	_, err = archive.Verify(context.Background(), f, name)
	return err
}

// removeStale removes temporary folders of restores that were killed.
func removeStale(parent, prefix string, log *slog.Logger) {
	removed, err := atomicfile.RemoveStale(parent, prefix)
	for _, p := range removed {
		log.Info("removed a temporary folder left by an interrupted restore", "folder", p)
	}
	if err != nil {
		log.Warn("could not remove a temporary folder left by an interrupted restore", "err", err)
	}
}

func count(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// restoredName is the name a single-file backup of kind is restored as.
func restoredName(kind string) string {
	switch kind {
	case catalog.KindK8sConfigMap, catalog.KindK8sSecret:
		return kind + ".yaml"
	}
	return kind
}

// describe names a single-file backup of kind in messages.
func describe(kind string) string {
	switch kind {
	case catalog.KindEnv:
		return "environment file"
	case catalog.KindK8sConfigMap:
		return "Kubernetes ConfigMap"
	case catalog.KindK8sSecret:
		return "Kubernetes Secret"
	}
	return "secret file"
}

// restoreSingle checks a single-file backup against its sidecar, decrypts
// it if it is encrypted, and writes it to DIR under its restored name. Its
// content is never printed; nothing is written unless every check passed.
func restoreSingle(opts Options, kind string, encrypted bool, file, sum string, log *slog.Logger) error {
	data, err := os.ReadFile(file)
	if err != nil {
		return err
	}
	got := sha256.Sum256(data)
	if hex.EncodeToString(got[:]) != sum {
		return fmt.Errorf("%s: %w; the copy is damaged: restore another backup", opts.Source, ErrChecksum)
	}
	if encrypted {
		if data, err = secrets.Decrypt(bytes.NewReader(data), opts.Source, opts.Identities); err != nil {
			return err
		}
	}
	how := "matches its sidecar"
	if encrypted {
		how = "matches its sidecar, decrypted"
	}
	if opts.List {
		fmt.Fprintf(opts.Out, "# %s: %s, %d bytes, SHA-256 %s (%s); content not shown\n", filepath.Base(opts.Source), describe(kind), len(data), sum, how)
		return nil
	}
	perm := os.FileMode(0o600)
	if kind == catalog.KindK8sConfigMap {
		perm = 0o640
	}
	if err := os.MkdirAll(opts.To, 0o700); err != nil {
		return fmt.Errorf("--to %s: %w", opts.To, err)
	}
	dst := filepath.Join(opts.To, restoredName(kind))
	if err := atomicfile.WriteFile(dst, data, perm); err != nil {
		return fmt.Errorf("--to %s: %w", opts.To, err)
	}
	log.Info("restored", "kind", kind, "backup", opts.Source, "to", dst, "mode", fmt.Sprintf("%04o", perm), "decrypted", encrypted)
	fmt.Fprintf(opts.Out, "restored %s to %s (mode %04o); the copy %s\n", filepath.Base(opts.Source), dst, perm, how)
	return nil
}

type progressWriter func(int64)

func (p progressWriter) Write(b []byte) (int, error) {
	p(int64(len(b)))
	return len(b), nil
}
