// Package backup takes the backups that docs/disaster-recovery.md lists: the
// generated output folder as output-DATE.tar.gz, the generation configs as
// config-DATE.tar.gz and the server's environment file as server.env.DATE,
// each with a .sha256 sidecar, in a destination folder and optionally
// mirrored to S3, with a retention window applied in both places.
//
// Run is the whole of `dsops backup`. It never half-writes a backup (every
// file is written to a temporary name, flushed and renamed), never archives
// the same content twice (a kind whose content matches its newest intact
// backup is reported unchanged), and never deletes anything in a run that
// failed: if the upload fails, the local backups stay as they are and the
// next run uploads what is missing. Secrets in the environment file are
// copied with mode 0600 and never printed or logged.
//
// A backup is trusted as the "unchanged" reference only after its checksum
// has been proven against its sidecar. A damaged one is renamed NAME.damaged
// (never deleted), reported, and a fresh backup is written; Run then
// returns ErrDamaged. Retention never deletes what the run has just written
// or relies on, and a backup dated in the future (a skewed clock) is kept,
// reported and never taken as the newest (see package retention). Check
// re-reads every backup, locally and on S3.
//
// The library is split by what each part holds: archive (the archive format),
// catalog (names and sidecars), retention (the keep/delete decision),
// s3sync (S3), schedule (cron), metrics (node_exporter textfile) and restore
// (the way back).
package backup

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"time"

	"filippo.io/age"
	"github.com/dustin/go-humanize"

	"datasynth.dev/verify"

	"datasynth.dev/backup/archive"
	"datasynth.dev/backup/catalog"
	"datasynth.dev/backup/kube"
	"datasynth.dev/backup/metrics"
	"datasynth.dev/backup/retention"
	"datasynth.dev/backup/s3sync"
	"datasynth.dev/verify/atomicfile"
)

// Defaults of docs/disaster-recovery.md.
const (
	DefaultOutputDir = "/var/lib/datasynth/output"
	DefaultEnvFile   = "/etc/datasynth/server.env"
	DefaultDest      = "/var/backups/datasynth"
	DefaultRetention = 30 * 24 * time.Hour
)

// LockName is the lock file in the destination folder that keeps two runs
// from working on it at once.
const LockName = ".dsops-backup.lock"

// Options configure one run.
type Options struct {
	// OutputDir is the generated output folder; a missing or empty folder
	// is reported and skipped.
	OutputDir string
	// EnvFile is the server's environment file; a missing file is reported
	// and skipped unless EnvFileRequired. Empty means none.
	EnvFile string
	// EnvFileRequired makes a missing EnvFile an error: set when the user
	// named the file, so that a typo does not silently drop the secrets.
	EnvFileRequired bool
	// ConfigFiles are generation configs, archived together.
	ConfigFiles []string
	// Dest is the local backup folder, created if missing.
	Dest string
	// S3 mirrors Dest to a bucket when S3.URL is set.
	S3 s3sync.Config
	// Retention is the window kept before the newest backup of each kind.
	Retention time.Duration
	// DryRun prints what would be done and changes nothing.
	DryRun bool
	// MetricsFile, if set, receives node_exporter textfile metrics.
	MetricsFile string
	// Level is the gzip level (1-9); 0 means archive.DefaultLevel.
	Level int
	// Now returns the time of the run; nil means time.Now.
	Now func() time.Time
	// Progress, if set, is called to show progress of a long step.
	Progress func(label string, total int64) Progress
	// Out receives the plan and the summary meant for a person.
	Out io.Writer

	// Recipients, when set, encrypt the secrets with age: the environment
	// file, the Kubernetes Secret and SecretFiles are written only as
	// NAME.DATE.age, locally and in S3. Without recipients the environment
	// file is copied as it is (mode 0600), and the run says so.
	Recipients []age.Recipient
	// SecretFiles are further files that hold secrets (a TLS key, a
	// credentials file); they are kept only encrypted, so they need
	// Recipients.
	SecretFiles []string
	// Kubernetes exports the ConfigMap and Secret when its Namespace is set.
	Kubernetes kube.Options
	// AllowPlaintextSecrets lets the Kubernetes Secret be stored without
	// encryption when there are no Recipients.
	AllowPlaintextSecrets bool

	// OutputMode is OutputArchive (also when empty), OutputRecipe or
	// OutputAuto; the last two need Recipes.
	OutputMode string
	// Recipes makes and proves recipes of the output folder.
	Recipes RecipeMaker
}

// Progress shows how far a long step has got.
type Progress interface {
	Add(n int64)
	Done()
}

// Result says what a run did, by file name. In a dry run, Created lists what
// would have been written and nothing else is filled in but the plans.
type Result struct {
	Created   []string
	Unchanged []string
	Skipped   []string
	Uploaded  []string
	// UploadedBytes counts what was sent to S3.
	UploadedBytes int64
	LocalPlan     []retention.Decision
	RemotePlan    []retention.Decision
	Deleted       []string
	DeletedRemote []string
	// OutputBytes and OutputFiles describe the newest output archive.
	OutputBytes int64
	OutputFiles int
	// Damaged lists backups found damaged and renamed NAME.damaged.
	Damaged []string
	// Future lists backups dated in the future, as "where: name".
	Future []string
	// Recipe is the recipe considered for the output folder, if any, and
	// RecipeStored the size of the recipe backup that holds it.
	Recipe       *Recipe
	RecipeStored int64
}

// ErrBusy means another run holds the destination's lock.
var ErrBusy = errors.New("another dsops backup is running")

// ErrNothing means there was nothing to back up at all.
var ErrNothing = errors.New("nothing to back up")

// ErrDamaged means the run found a damaged backup. The run itself went on
// and took a fresh backup; the error is returned so that the exit status
// tells someone to look.
var ErrDamaged = errors.New("damaged backup found")

// ErrUnfinished means the output folder holds a generation that has not
// finished (or was killed): it was not archived.
var ErrUnfinished = errors.New("the output folder holds an unfinished generation")

// DamagedSuffix is added to the name of a damaged backup and of its
// sidecar. Such names are not backup names, so nothing in dsops reads,
// uploads or deletes them again; removing them is left to a person.
const DamagedSuffix = ".damaged"

// Run takes one backup. The error, if any, says what failed and on what;
// the result holds what was done before it.
func Run(ctx context.Context, opts Options, log *slog.Logger) (Result, error) {
	now := time.Now
	if opts.Now != nil {
		now = opts.Now
	}
	if opts.Out == nil {
		opts.Out = io.Discard
	}
	start := now()
	r := &runner{opts: opts, log: log, now: start, out: opts.Out}
	err := r.run(ctx)
	if opts.MetricsFile != "" && !opts.DryRun {
		mr := metrics.Run{Start: start, Duration: time.Since(start), Bytes: r.res.OutputBytes, Files: r.res.OutputFiles, UploadedBytes: r.res.UploadedBytes,
			Damaged: len(r.res.Damaged), Future: len(r.res.Future), Err: err}
		if rec := r.res.Recipe; rec != nil {
			mr.Recipe = &metrics.Recipe{Stored: r.res.RecipeStored, Described: rec.Described, ProvenAt: rec.ProvenAt, Proven: rec.Proven}
		}
		if merr := metrics.Write(opts.MetricsFile, mr); merr != nil {
			if err == nil {
				err = merr
			} else {
				log.Error("writing metrics", "err", merr)
			}
		}
	}
	if err == nil && r.proofFailed != nil {
		err = fmt.Errorf("the output was archived, since it could not be kept as a recipe: %w", r.proofFailed)
	}
	if err == nil && len(r.res.Damaged) > 0 {
		err = fmt.Errorf("%w: %s renamed with %s in %s and replaced by a fresh backup; find out what damaged it (disk, another program), then delete it", ErrDamaged, strings.Join(r.res.Damaged, ", "), DamagedSuffix, opts.Dest)
	}
	return r.res, err
}

type runner struct {
	opts  Options
	log   *slog.Logger
	now   time.Time
	out   io.Writer
	res   Result
	names map[string]bool
	// damagedNames are names of backups renamed aside: a fresh backup
	// never takes one, so the two are never confused.
	damagedNames map[string]bool
	client       *s3sync.Client
	// unfinished says why the output folder was not archived, when it
	// holds an unfinished generation.
	unfinished string
	// proofFailed is set when auto mode archived because a recipe's proof
	// failed.
	proofFailed error
}

func (r *runner) say(format string, args ...any) {
	prefix := ""
	if r.opts.DryRun {
		prefix = "dry run: "
	}
	fmt.Fprintf(r.out, prefix+format+"\n", args...)
}

func (r *runner) run(ctx context.Context) error {
	o := r.opts
	if o.Dest == "" {
		return errors.New("--dest is empty: name the folder that holds the backups")
	}
	if o.Retention == 0 {
		r.opts.Retention = DefaultRetention
	}
	if err := checkInputs(o); err != nil {
		return err
	}
	if o.S3.URL != "" {
		// Credentials and access to the bucket are proven before anything
		// is written, so a missing key cannot leave a fresh local archive
		// that the next run must then carry.
		client, err := s3sync.New(ctx, o.S3, r.log)
		if err != nil {
			return err
		}
		if err := client.Probe(ctx); err != nil {
			return err
		}
		r.client = client
	}
	if !o.DryRun {
		if err := os.MkdirAll(o.Dest, 0o750); err != nil {
			return fmt.Errorf("--dest %s: cannot create the backup folder: %w; choose a writable folder", o.Dest, err)
		}
		unlock, err := lock(o.Dest)
		if err != nil {
			return err
		}
		defer unlock()
		r.removeStaleTemps()
	}
	existing, err := catalog.ListDir(o.Dest)
	if err != nil && !(o.DryRun && errors.Is(err, fs.ErrNotExist)) {
		return fmt.Errorf("--dest %s: %w", o.Dest, err)
	}
	r.names = map[string]bool{}
	for _, n := range existing {
		r.names[n] = true
	}

	if err := r.output(ctx); err != nil {
		return err
	}
	if err := r.configs(ctx); err != nil {
		return err
	}
	if err := r.secrets(ctx); err != nil {
		return err
	}
	if len(r.res.Created)+len(r.res.Unchanged) == 0 && r.unfinished == "" {
		return fmt.Errorf("%w: %s skipped (see above); check --output-dir, --env-file and --config-file", ErrNothing, strings.Join(r.res.Skipped, ", "))
	}

	r.res.LocalPlan = retention.Plan(catalog.Backups(r.listNames()), r.policy())
	r.printPlan("local "+o.Dest, r.res.LocalPlan)
	if r.client != nil {
		if err := r.s3(ctx); err != nil {
			if o.DryRun {
				return err
			}
			return fmt.Errorf("%w; the local backups in %s are intact, nothing was deleted, and the next run uploads what is missing", err, o.Dest)
		}
	}
	if err := r.deleteLocal(); err != nil {
		return err
	}
	if r.unfinished != "" {
		return fmt.Errorf("--output-dir %s: %w (%s), so it was not archived; the other backups were taken. Run the backup again once the generation has finished, or run the generation again if it was killed", o.OutputDir, ErrUnfinished, r.unfinished)
	}
	return nil
}

// policy is the retention policy of this run: what it has just written or
// relies on is protected.
func (r *runner) policy() retention.Policy {
	return retention.Policy{Window: r.opts.Retention, Now: r.now, Protect: slices.Concat(r.res.Created, r.res.Unchanged)}
}

func (r *runner) listNames() []string {
	names := make([]string, 0, len(r.names))
	for n := range r.names {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}

func (r *runner) printPlan(where string, plan []retention.Decision) {
	for _, d := range retention.Future(plan) {
		r.res.Future = append(r.res.Future, where+": "+d.Name)
		r.log.Warn("backup dated in the future", "where", where, "backup", d.Name, "reason", d.Reason)
		if !r.opts.DryRun {
			r.say("warning: %s in %s is %s", d.Name, where, d.Reason)
		}
	}
	if !r.opts.DryRun {
		for _, d := range plan {
			if !d.Keep {
				r.log.Info("retention: deleting", "where", where, "backup", d.Name, "reason", d.Reason)
			}
		}
		return
	}
	r.say("retention plan for %s (window %s):", where, retention.FormatWindow(r.opts.Retention))
	for _, d := range plan {
		verdict := "keep  "
		if !d.Keep {
			verdict = "delete"
		}
		r.say("  %s %s: %s", verdict, d.Name, d.Reason)
	}
}

// output archives the output folder unless it is missing, empty or
// unchanged since the newest output backup.
func (r *runner) output(ctx context.Context) error {
	dir := r.opts.OutputDir
	if dir == "" {
		return nil
	}
	entries, err := os.ReadDir(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		r.skip(catalog.KindOutput, fmt.Sprintf("output folder %s does not exist", dir))
		return nil
	case err != nil:
		return fmt.Errorf("--output-dir %s: %w", dir, err)
	case len(entries) == 0:
		r.skip(catalog.KindOutput, fmt.Sprintf("output folder %s is empty", dir))
		return nil
	}
	if why := unfinished(entries); why != "" {
		r.unfinished = why
		r.log.Error("not archiving an unfinished generation", "output_dir", dir, "reason", why)
		r.say("skipped %s: %s holds an unfinished generation (%s)", catalog.KindOutput, dir, why)
		return nil
	}
	if done, err := r.outputByMode(ctx, dir); done || err != nil {
		return err
	}
	m, err := archive.Scan(ctx, dir, catalog.KindOutput, r.now)
	if err != nil {
		return fmt.Errorf("--output-dir: %w", err)
	}
	r.res.OutputFiles = m.Files
	_, err = r.archive(ctx, catalog.KindOutput, dir, m)
	return err
}

func (r *runner) configs(ctx context.Context) error {
	if len(r.opts.ConfigFiles) == 0 {
		return nil
	}
	m, err := archive.ScanFiles(ctx, r.opts.ConfigFiles, catalog.KindConfig, r.now)
	if err != nil {
		return fmt.Errorf("--config-file: %w", err)
	}
	_, err = r.archive(ctx, catalog.KindConfig, "", m)
	return err
}

// archive writes the archive for m unless the newest backup of kind holds
// the same content.
func (r *runner) archive(ctx context.Context, kind, root string, m *archive.Manifest) (string, error) {
	if prev, ok := r.reference(kind, false); ok {
		if pm, err := readManifest(filepath.Join(r.opts.Dest, prev)); err != nil {
			r.log.Warn("cannot read the newest backup's manifest; taking a new backup", "backup", prev, "err", err)
		} else if pm.SameContent(m) {
			r.res.Unchanged = append(r.res.Unchanged, prev)
			if kind == catalog.KindOutput {
				if fi, err := os.Stat(filepath.Join(r.opts.Dest, prev)); err == nil {
					r.res.OutputBytes = fi.Size()
				}
			}
			r.say("%s unchanged since %s (%s, %s): no new archive", kind, prev, files(m.Files), humanize.IBytes(uint64(m.Bytes)))
			return prev, nil
		}
	}
	name, err := r.newName(kind, false)
	if err != nil {
		return "", err
	}
	if r.opts.DryRun {
		r.say("would write %s (%s, %s before compression)", name, files(m.Files), humanize.IBytes(uint64(m.Bytes)))
		r.res.Created = append(r.res.Created, name)
		r.names[name], r.names[name+catalog.SidecarSuffix] = true, true
		return name, nil
	}
	var p Progress
	opts := archive.Options{Level: r.opts.Level}
	if r.opts.Progress != nil && m.Bytes > 0 {
		p = r.opts.Progress("archiving "+name, m.Bytes)
		opts.Progress = p.Add
	}
	start := time.Now()
	info, err := archive.Create(ctx, filepath.Join(r.opts.Dest, name), root, m, 0o640, opts)
	if p != nil {
		p.Done()
	}
	if err != nil {
		return "", fmt.Errorf("writing %s in --dest %s: %w", name, r.opts.Dest, err)
	}
	if err := catalog.WriteSidecar(r.opts.Dest, name, info.SHA256); err != nil {
		return "", fmt.Errorf("writing %s%s in --dest %s: %w", name, catalog.SidecarSuffix, r.opts.Dest, err)
	}
	r.created(name)
	if kind == catalog.KindOutput {
		r.res.OutputBytes = info.Size
	}
	r.log.Info("archived", "kind", kind, "archive", name, "files", m.Files, "bytes", m.Bytes, "compressed", info.Size, "duration", time.Since(start).Round(time.Millisecond).String())
	r.say("wrote %s (%s, %s, compressed to %s)", name, files(m.Files), humanize.IBytes(uint64(m.Bytes)), humanize.IBytes(uint64(info.Size)))
	return name, nil
}

func (r *runner) s3(ctx context.Context) error {
	client := r.client
	var upload []string
	for _, d := range r.res.LocalPlan {
		if !d.Keep {
			continue
		}
		upload = append(upload, d.Name)
		if r.names[d.Name+catalog.SidecarSuffix] {
			upload = append(upload, d.Name+catalog.SidecarSuffix)
		}
	}
	if r.opts.DryRun {
		remote, err := client.List(ctx)
		if err != nil {
			return err
		}
		have := map[string]bool{}
		for _, n := range remote {
			have[n] = true
		}
		for _, n := range upload {
			up, err := r.wouldUpload(ctx, client, n, have[n])
			if err != nil {
				return err
			}
			if up {
				r.say("would upload %s to %s", n, client.Loc.URL(n))
				have[n] = true
			}
		}
		all := make([]string, 0, len(have))
		for n := range have {
			all = append(all, n)
		}
		r.res.RemotePlan = retention.Plan(catalog.Backups(all), r.policy())
		r.printPlan(client.Loc.String(), r.res.RemotePlan)
		return nil
	}
	sizes := map[string]int64{}
	bars := map[string]Progress{}
	var progress func(string, int64)
	if r.opts.Progress != nil {
		progress = func(name string, n int64) {
			b, ok := bars[name]
			if !ok {
				if _, seen := sizes[name]; !seen {
					fi, _ := os.Stat(filepath.Join(r.opts.Dest, name))
					if fi != nil {
						sizes[name] = fi.Size()
					}
				}
				if sizes[name] < 1<<20 {
					return
				}
				b = r.opts.Progress("uploading "+name, sizes[name])
				bars[name] = b
			}
			b.Add(n)
		}
	}
	res, err := client.Sync(ctx, r.opts.Dest, upload, progress)
	for _, b := range bars {
		b.Done()
	}
	for _, n := range res.Damaged {
		r.damaged(n, fmt.Errorf("it no longer matches its sidecar, so it was not uploaded"))
	}
	r.res.Uploaded = res.Uploaded
	r.res.UploadedBytes = res.Bytes
	if err != nil {
		return err
	}
	if len(res.Uploaded) == 0 {
		r.say("%s is up to date: nothing uploaded", client.Loc)
	} else {
		r.say("uploaded %s (%s) to %s", files(len(res.Uploaded)), humanize.IBytes(uint64(res.Bytes)), client.Loc)
	}
	remote, err := client.List(ctx)
	if err != nil {
		return err
	}
	r.res.RemotePlan = retention.Plan(catalog.Backups(remote), r.policy())
	r.printPlan(client.Loc.String(), r.res.RemotePlan)
	var del []string
	for _, d := range r.res.RemotePlan {
		if d.Keep {
			continue
		}
		del = append(del, d.Name+catalog.SidecarSuffix, d.Name)
	}
	if len(del) > 0 {
		if err := client.Delete(ctx, del); err != nil {
			return err
		}
		for _, n := range del {
			if _, _, ok := catalog.Parse(n); ok {
				r.res.DeletedRemote = append(r.res.DeletedRemote, n)
			}
		}
		r.say("deleted %d old backups from %s", len(r.res.DeletedRemote), client.Loc)
	}
	return nil
}

// wouldUpload tells, for a dry run, whether Sync would upload name.
func (r *runner) wouldUpload(ctx context.Context, client *s3sync.Client, name string, remote bool) (bool, error) {
	base := strings.TrimSuffix(name, catalog.SidecarSuffix)
	if !remote || slices.Contains(r.res.Created, base) {
		return true, nil
	}
	obj, err := client.Stat(ctx, name)
	if err != nil {
		return false, err
	}
	var sum string
	if base == name {
		sum, err = catalog.ReadSidecar(filepath.Join(r.opts.Dest, name))
	} else {
		sum, _, err = verify.HashFile(filepath.Join(r.opts.Dest, name))
	}
	if err != nil {
		return true, nil
	}
	return obj.SHA256 != sum, nil
}

func (r *runner) deleteLocal() error {
	if r.opts.DryRun {
		return nil
	}
	for _, d := range r.res.LocalPlan {
		if d.Keep {
			continue
		}
		// The sidecar goes first: a backup half-deleted by a crash is then
		// marked incomplete rather than looking whole.
		for _, n := range []string{d.Name + catalog.SidecarSuffix, d.Name} {
			if err := os.Remove(filepath.Join(r.opts.Dest, n)); err != nil && !errors.Is(err, fs.ErrNotExist) {
				return fmt.Errorf("retention: deleting %s: %w", n, err)
			}
		}
		r.res.Deleted = append(r.res.Deleted, d.Name)
		r.say("deleted %s: %s", d.Name, d.Reason)
	}
	if len(r.res.Deleted) > 0 {
		return atomicfile.SyncDir(r.opts.Dest)
	}
	return nil
}

// checkInputs refuses inputs of the wrong kind before any work is done, so
// a typo does not leave a half-taken backup set behind.
func checkInputs(o Options) error {
	if o.OutputDir != "" {
		if fi, err := os.Stat(o.OutputDir); err == nil && !fi.IsDir() {
			return fmt.Errorf("--output-dir %s: not a folder; point it at the generated output folder", o.OutputDir)
		}
		// A backup folder inside the output folder would put every earlier
		// backup (and the 0600 copy of the secrets) into each new output
		// archive, doubling it run after run.
		if within(o.Dest, o.OutputDir) {
			return fmt.Errorf("--dest %s is inside --output-dir %s: each output archive would hold the earlier backups and the secrets; choose a backup folder outside the output folder", o.Dest, o.OutputDir)
		}
	}
	if o.EnvFile != "" {
		fi, err := os.Stat(o.EnvFile)
		switch {
		case err == nil && !fi.Mode().IsRegular():
			return fmt.Errorf("--env-file %s: not a regular file; point it at the server's environment file", o.EnvFile)
		case errors.Is(err, fs.ErrNotExist) && o.EnvFileRequired:
			return fmt.Errorf("--env-file %s does not exist; fix the path, or pass --env-file none to back up without an environment file", o.EnvFile)
		}
	}
	if err := checkSecretInputs(o); err != nil {
		return err
	}
	seen := map[string]string{}
	for _, c := range o.ConfigFiles {
		// Configs are archived under their base names; catch a clash
		// before the output archive is written, not after.
		if prev, ok := seen[filepath.Base(c)]; ok {
			return fmt.Errorf("--config-file %s and %s: both would be stored as %q; rename one or give it once", prev, c, filepath.Base(c))
		}
		seen[filepath.Base(c)] = c
		fi, err := os.Stat(c)
		if err != nil {
			return fmt.Errorf("--config-file %s: %w; fix the path or drop the flag", c, err)
		}
		if !fi.Mode().IsRegular() {
			return fmt.Errorf("--config-file %s: not a regular file", c)
		}
	}
	return nil
}

// within reports whether path is dir or below it, comparing the real paths
// (links resolved) of the nearest existing folders.
func within(path, dir string) bool {
	p, d := realPath(path), realPath(dir)
	rel, err := filepath.Rel(d, p)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, "../")
}

// realPath resolves the links in the longest existing prefix of p and
// appends the rest, so a folder that does not exist yet is placed where it
// will be created.
func realPath(p string) string {
	abs, err := filepath.Abs(p)
	if err != nil {
		return filepath.Clean(p)
	}
	rest := ""
	for cur := abs; ; cur = filepath.Dir(cur) {
		if r, err := filepath.EvalSymlinks(cur); err == nil {
			return filepath.Join(r, rest)
		}
		if cur == filepath.Dir(cur) {
			return abs
		}
		rest = filepath.Join(filepath.Base(cur), rest)
	}
}

// newName picks the file name for a new backup of kind. Two backups of a
// kind with different content within the same second would need the same
// name; the second is refused rather than written over the first.
func (r *runner) newName(kind string, encrypted bool) (string, error) {
	taken := func(n string) bool { return r.names[n] || r.damagedNames[n] }
	name := catalog.Name(kind, r.now, encrypted, taken)
	if taken(name) {
		return "", fmt.Errorf("--dest %s: %s already exists and holds other content; run the backup again a second later", r.opts.Dest, name)
	}
	return name, nil
}

// removeStaleTemps deletes temporary files left by a run that was killed
// while writing. It runs under the lock, so no other run is writing them.
func (r *runner) removeStaleTemps() {
	entries, _ := os.ReadDir(r.opts.Dest)
	for _, e := range entries {
		if !e.Type().IsRegular() || !catalog.IsTemp(e.Name()) {
			continue
		}
		p := filepath.Join(r.opts.Dest, e.Name())
		if err := os.Remove(p); err == nil {
			r.log.Info("removed a temporary file left by an interrupted run", "file", p)
		}
	}
}

func (r *runner) skip(kind, why string) {
	r.res.Skipped = append(r.res.Skipped, kind)
	r.log.Info("skipped", "kind", kind, "reason", why)
	r.say("skipped %s: %s", kind, why)
}

func (r *runner) created(name string) {
	r.res.Created = append(r.res.Created, name)
	r.names[name] = true
	r.names[name+catalog.SidecarSuffix] = true
}

// reference returns the newest complete local backup of kind, encrypted or
// not as asked, that is intact (its content matches its sidecar) and not
// dated in the future, to compare this run's content with. A damaged one on
// the way is renamed aside and reported; the one before it is tried next.
func (r *runner) reference(kind string, encrypted bool) (string, bool) {
	for {
		var newest retention.Backup
		found := false
		for _, b := range catalog.Backups(r.listNames()) {
			if b.Kind == kind && b.Complete && strings.HasSuffix(b.Name, catalog.EncryptedSuffix) == encrypted && !b.Time.After(r.now.Add(retention.FutureTolerance)) && (!found || b.Time.After(newest.Time)) {
				newest, found = b, true
			}
		}
		if !found {
			return "", false
		}
		err := catalog.CheckFile(filepath.Join(r.opts.Dest, newest.Name))
		if err == nil {
			return newest.Name, true
		}
		r.damaged(newest.Name, err)
	}
}

// damaged reports a damaged local backup and, outside a dry run, renames it
// and its sidecar aside so that nothing trusts, uploads or deletes it.
func (r *runner) damaged(name string, why error) {
	r.res.Damaged = append(r.res.Damaged, name)
	if r.damagedNames == nil {
		r.damagedNames = map[string]bool{}
	}
	r.damagedNames[name] = true
	delete(r.names, name)
	delete(r.names, name+catalog.SidecarSuffix)
	r.log.Error("damaged backup", "backup", name, "err", why)
	if r.opts.DryRun {
		r.say("%s is damaged (%v): it would be renamed %s%s and a fresh backup written", name, why, name, DamagedSuffix)
		return
	}
	for _, n := range []string{name + catalog.SidecarSuffix, name} {
		p := filepath.Join(r.opts.Dest, n)
		if err := os.Rename(p, p+DamagedSuffix); err != nil && !errors.Is(err, fs.ErrNotExist) {
			r.log.Error("cannot rename a damaged backup aside", "file", p, "err", err)
		}
	}
	r.say("%s is damaged (%v): renamed %s%s; writing a fresh backup", name, why, name, DamagedSuffix)
}

// unfinished says why a non-empty output folder holds a generation that has
// not finished, or "" if it does not: datasynth-data fills a folder in
// place through a temporary folder named .datasynth.tmp-* and removes it
// last.
func unfinished(entries []fs.DirEntry) string {
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), GenerationTempPrefix) {
			return fmt.Sprintf("%s is still there: a generation is running or was killed", e.Name())
		}
	}
	return ""
}

// GenerationTempPrefix starts the name of the temporary folder that
// datasynth-data keeps inside an output folder while it fills it.
const GenerationTempPrefix = ".datasynth.tmp-"

func readManifest(path string) (*archive.Manifest, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return archive.ReadManifest(f, path)
}

// lock takes the destination's lock file, failing at once if another run
// holds it.
func lock(dest string) (func(), error) {
	f, err := os.OpenFile(filepath.Join(dest, LockName), os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return nil, fmt.Errorf("--dest %s: cannot write there: %w; choose a writable folder", dest, err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, fmt.Errorf("--dest %s: %w (it holds %s); wait for it to finish", dest, ErrBusy, LockName)
		}
		return nil, fmt.Errorf("--dest %s: locking %s: %w", dest, LockName, err)
	}
	return func() { f.Close() }, nil
}

func files(n int) string {
	if n == 1 {
		return "1 file"
	}
	return fmt.Sprintf("%d files", n)
}
