package backup

import (
	"bytes"
	"context"
	"crypto/rand"
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"datasynth.dev/backup/catalog"
	"datasynth.dev/backup/s3sync"
	"datasynth.dev/backup/s3test"
)

// TestMain shares one gateway between the tests of this package; each test
// gets its own bucket. Tests that stop a server start their own.
func TestMain(m *testing.M) { s3test.Main(m) }

func server(t *testing.T) *s3test.Server { return s3test.Shared(t) }

const secret = "API_KEY=sk-very-secret-value-42"

// fixture is a machine with an output folder, an env file and a config.
type fixture struct {
	t      *testing.T
	output string
	env    string
	config string
	dest   string
	logs   bytes.Buffer
	out    bytes.Buffer
	when   time.Time
}

func newFixture(t *testing.T) *fixture {
	root := t.TempDir()
	f := &fixture{
		t:      t,
		output: filepath.Join(root, "output"),
		env:    filepath.Join(root, "etc", "server.env"),
		config: filepath.Join(root, "etc", "manufacturing.yaml"),
		dest:   filepath.Join(root, "backups"),
		when:   time.Date(2026, 11, 25, 2, 0, 0, 0, time.Local),
	}
	f.write("output/journal_entries.csv", "id,amount\n1,10.00\n2,20.00\n")
	f.write("output/run_manifest.json", `{"format":"x"}`)
	f.write("etc/server.env", secret+"\n")
	f.write("etc/manufacturing.yaml", "global:\n  seed: 42\n")
	return f
}

func (f *fixture) write(rel, body string) {
	f.t.Helper()
	p := filepath.Join(filepath.Dir(f.dest), filepath.FromSlash(rel))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		f.t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
		f.t.Fatal(err)
	}
}

func (f *fixture) opts() Options {
	return Options{
		OutputDir:   f.output,
		EnvFile:     f.env,
		ConfigFiles: []string{f.config},
		Dest:        f.dest,
		Now:         func() time.Time { return f.when },
		Out:         &f.out,
	}
}

func (f *fixture) run(o Options) (Result, error) {
	f.logs.Reset()
	f.out.Reset()
	return Run(context.Background(), o, slog.New(slog.NewTextHandler(&f.logs, &slog.HandlerOptions{Level: slog.LevelDebug})))
}

func (f *fixture) s3(t *testing.T, s *s3test.Server) s3sync.Config {
	for _, kv := range s.Env() {
		k, v, _ := strings.Cut(kv, "=")
		t.Setenv(k, v)
	}
	t.Setenv("AWS_CONFIG_FILE", filepath.Join(t.TempDir(), "none"))
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(t.TempDir(), "none"))
	return s3sync.Config{URL: "s3://" + s.Bucket(t) + "/datasynth", Endpoint: s.Endpoint, PathStyle: true, RetryFor: 300 * time.Millisecond}
}

func (f *fixture) local() []string {
	f.t.Helper()
	names, err := catalog.ListDir(f.dest)
	if err != nil {
		f.t.Fatal(err)
	}
	return slices.DeleteFunc(names, func(n string) bool { return n == LockName })
}

func remote(t *testing.T, cfg s3sync.Config) []string {
	t.Helper()
	c, err := s3sync.New(context.Background(), cfg, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	names, err := c.List(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(names)
	return names
}

func TestFirstUnchangedAndChangedRuns(t *testing.T) {
	s := server(t)
	f := newFixture(t)
	o := f.opts()
	o.S3 = f.s3(t, s)

	res, err := f.run(o)
	if err != nil {
		t.Fatal(err)
	}
	first := []string{
		"config-2026-11-25.tar.gz", "config-2026-11-25.tar.gz.sha256",
		"output-2026-11-25.tar.gz", "output-2026-11-25.tar.gz.sha256",
		"server.env.2026-11-25", "server.env.2026-11-25.sha256",
	}
	if got := f.local(); !slices.Equal(got, first) {
		t.Fatalf("first run wrote %v, want %v", got, first)
	}
	if got := remote(t, o.S3); !slices.Equal(got, first) {
		t.Fatalf("first run uploaded %v, want %v", got, first)
	}
	if res.OutputFiles != 2 || res.OutputBytes == 0 {
		t.Errorf("result reports %d files, %d bytes", res.OutputFiles, res.OutputBytes)
	}
	fi, err := os.Stat(filepath.Join(f.dest, "server.env.2026-11-25"))
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("env copy mode = %v (%v), want 0600", fi.Mode().Perm(), err)
	}
	for _, text := range []string{f.logs.String(), f.out.String()} {
		if strings.Contains(text, "sk-very-secret") {
			t.Fatalf("secret value printed or logged:\n%s", text)
		}
	}

	f.when = f.when.Add(time.Hour)
	res, err = f.run(o)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Created) != 0 || len(res.Uploaded) != 0 || len(res.Unchanged) != 3 {
		t.Fatalf("unchanged run: created %v, uploaded %v, unchanged %v; want nothing new", res.Created, res.Uploaded, res.Unchanged)
	}
	if !strings.Contains(f.out.String(), "nothing uploaded") {
		t.Errorf("unchanged run output:\n%s", f.out.String())
	}

	f.write("output/journal_entries.csv", "id,amount\n1,10.00\n2,20.00\n3,30.00\n")
	f.when = f.when.Add(time.Hour)
	res, err = f.run(o)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"output-2026-11-25-040000.tar.gz", "output-2026-11-25-040000.tar.gz.sha256"}
	if !slices.Equal(res.Uploaded, want) || !slices.Equal(res.Created, want[:1]) {
		t.Fatalf("changed run: created %v, uploaded %v; want only %v", res.Created, res.Uploaded, want)
	}
}

// agedBackups puts backups taken days before f.when into the destination,
// with sidecars, as earlier runs would have left them.
func (f *fixture) agedBackups(days ...int) []string {
	f.t.Helper()
	if err := os.MkdirAll(f.dest, 0o750); err != nil {
		f.t.Fatal(err)
	}
	var names []string
	for _, d := range days {
		at := f.when.AddDate(0, 0, -d)
		for _, kind := range []string{catalog.KindOutput, catalog.KindEnv} {
			name := catalog.Name(kind, at, false, func(string) bool { return false })
			body := []byte("old backup " + name)
			if err := os.WriteFile(filepath.Join(f.dest, name), body, 0o600); err != nil {
				f.t.Fatal(err)
			}
			sum := sha256hex(body)
			if err := catalog.WriteSidecar(f.dest, name, sum); err != nil {
				f.t.Fatal(err)
			}
			names = append(names, name)
		}
	}
	return names
}

func TestRetentionLocallyAndOnS3(t *testing.T) {
	s := server(t)
	f := newFixture(t)
	o := f.opts()
	o.S3 = f.s3(t, s)
	aged := f.agedBackups(45, 31, 20)
	// An earlier run uploaded the aged backups too.
	c, err := s3sync.New(context.Background(), o.S3, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Sync(context.Background(), f.dest, f.local(), nil); err != nil {
		t.Fatal(err)
	}

	dry := o
	dry.DryRun = true
	res, err := f.run(dry)
	if err != nil {
		t.Fatal(err)
	}
	plan := f.out.String()
	for _, want := range []string{
		"dry run: would write output-2026-11-25.tar.gz",
		"delete output-2026-10-11.tar.gz: 45d older than the newest complete backup (2026-11-25), beyond the 30d window",
		"delete server.env.2026-10-25: 31d older",
		"keep   output-2026-11-05.tar.gz: within 30d",
		"would upload output-2026-11-25.tar.gz",
	} {
		if !strings.Contains(plan, want) {
			t.Errorf("dry-run plan lacks %q:\n%s", want, plan)
		}
	}
	if len(f.local()) != 12 || len(remote(t, o.S3)) != 12 || len(res.Deleted) != 0 {
		t.Fatalf("dry run changed something: local %v", f.local())
	}

	res, err = f.run(o)
	if err != nil {
		t.Fatal(err)
	}
	gone := aged[:4]
	kept := aged[4:]
	for _, where := range [][]string{f.local(), remote(t, o.S3)} {
		for _, n := range gone {
			if slices.Contains(where, n) || slices.Contains(where, n+".sha256") {
				t.Errorf("%s survived retention: %v", n, where)
			}
		}
		for _, n := range append(kept, "output-2026-11-25.tar.gz", "server.env.2026-11-25") {
			if !slices.Contains(where, n) || !slices.Contains(where, n+".sha256") {
				t.Errorf("%s was deleted: %v", n, where)
			}
		}
	}
	if len(res.Deleted) != 4 || len(res.DeletedRemote) != 4 {
		t.Errorf("deleted %v locally and %v on S3, want 4 each", res.Deleted, res.DeletedRemote)
	}
}

// Wrong S3 credentials are found before anything is written: no archive of
// this run appears locally, nothing is deleted, the metrics say the run
// failed, and the next run with the right key completes.
func TestWrongCredentialsWriteNothingAndNextRunCompletes(t *testing.T) {
	s := server(t)
	f := newFixture(t)
	o := f.opts()
	o.S3 = f.s3(t, s)
	f.agedBackups(60)
	o.MetricsFile = filepath.Join(t.TempDir(), "dsops_backup.prom")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "wrong")

	_, err := f.run(o)
	if !errors.Is(err, s3sync.ErrCredentials) {
		t.Fatalf("run error = %v, want a credentials error", err)
	}
	for _, n := range f.local() {
		if strings.Contains(n, "2026-11-25") {
			t.Errorf("%s was written although the credentials were wrong", n)
		}
	}
	prom, _ := os.ReadFile(o.MetricsFile)
	if !strings.Contains(string(prom), "dsops_backup_last_run_success 0") {
		t.Errorf("metrics after a failure:\n%s", prom)
	}

	t.Setenv("AWS_SECRET_ACCESS_KEY", s3test.SecretKey)
	f.when = f.when.Add(time.Hour)
	res, err := f.run(o)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Created) != 3 || len(res.Uploaded) != 6 {
		t.Errorf("second run created %v and uploaded %v; want 3 backups uploaded with sidecars", res.Created, res.Uploaded)
	}
	if got := remote(t, o.S3); len(got) != 6 {
		t.Errorf("bucket holds %v", got)
	}
	prom, _ = os.ReadFile(o.MetricsFile)
	for _, want := range []string{"dsops_backup_last_run_success 1", "dsops_backup_last_success_timestamp_seconds", "dsops_backup_last_run_files 2"} {
		if !strings.Contains(string(prom), want) {
			t.Errorf("metrics lack %q:\n%s", want, prom)
		}
	}
}

func TestMissingOrEmptyOutputIsSkipped(t *testing.T) {
	for _, tc := range []string{"missing", "empty"} {
		t.Run(tc, func(t *testing.T) {
			f := newFixture(t)
			os.RemoveAll(f.output)
			if tc == "empty" {
				os.Mkdir(f.output, 0o755)
			}
			res, err := f.run(f.opts())
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(res.Skipped, []string{"output"}) {
				t.Errorf("skipped %v, want output", res.Skipped)
			}
			for _, n := range f.local() {
				if strings.HasPrefix(n, "output-") {
					t.Errorf("archived an %s output folder: %s", tc, n)
				}
			}
			if !strings.Contains(f.out.String(), "skipped output: output folder "+f.output+" ") {
				t.Errorf("output does not report the skip:\n%s", f.out.String())
			}
		})
	}
}

func TestNothingToBackUpFails(t *testing.T) {
	f := newFixture(t)
	o := f.opts()
	o.OutputDir = filepath.Join(t.TempDir(), "none")
	o.EnvFile = filepath.Join(t.TempDir(), "none.env")
	o.ConfigFiles = nil
	_, err := f.run(o)
	if !errors.Is(err, ErrNothing) {
		t.Fatalf("error = %v, want ErrNothing", err)
	}
}

func TestUnwritableDestination(t *testing.T) {
	f := newFixture(t)
	blocker := filepath.Join(t.TempDir(), "a-file")
	os.WriteFile(blocker, []byte("x"), 0o644)
	o := f.opts()
	o.Dest = filepath.Join(blocker, "backups")
	_, err := f.run(o)
	if err == nil || !strings.Contains(err.Error(), "--dest "+o.Dest) || !strings.Contains(err.Error(), "choose a writable folder") {
		t.Fatalf("error = %v, want one naming --dest and the fix", err)
	}
}

func TestSecondRunWaitsForLock(t *testing.T) {
	f := newFixture(t)
	os.MkdirAll(f.dest, 0o750)
	unlock, err := lock(f.dest)
	if err != nil {
		t.Fatal(err)
	}
	defer unlock()
	_, err = f.run(f.opts())
	if !errors.Is(err, ErrBusy) {
		t.Fatalf("error = %v, want ErrBusy", err)
	}
}

func TestMissingConfigFileNamesIt(t *testing.T) {
	f := newFixture(t)
	o := f.opts()
	o.ConfigFiles = []string{filepath.Join(t.TempDir(), "retail.yaml")}
	_, err := f.run(o)
	if err == nil || !strings.Contains(err.Error(), "retail.yaml") || !strings.Contains(err.Error(), "--config-file") {
		t.Fatalf("error = %v, want one naming --config-file and the file", err)
	}
}

func TestSameSecondAndStaleTemporaryFiles(t *testing.T) {
	f := newFixture(t)
	o := f.opts()
	if _, err := f.run(o); err != nil {
		t.Fatal(err)
	}
	// What a run killed while writing leaves behind (atomicfile's
	// temporaries), and a file of someone else's that must stay.
	stale := filepath.Join(f.dest, ".output-2026-11-25.tar.gz12345")
	staleEnv := filepath.Join(f.dest, ".server.env.2026-11-256789")
	foreign := filepath.Join(f.dest, ".keep-me.12345")
	for _, p := range []string{stale, staleEnv, foreign} {
		if err := os.WriteFile(p, []byte("half a file"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	// A second backup the same day gets a time suffix; a third with other
	// content in the same second would need that name again.
	f.write("output/journal_entries.csv", "changed\n")
	res, err := f.run(o)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(res.Created, []string{"output-2026-11-25-020000.tar.gz"}) {
		t.Fatalf("second run created %v", res.Created)
	}
	for _, p := range []string{stale, staleEnv} {
		if _, err := os.Stat(p); !os.IsNotExist(err) {
			t.Errorf("stale temporary file %s kept: %v", p, err)
		}
	}
	if _, err := os.Stat(foreign); err != nil {
		t.Errorf("a file that is not a dsops temporary was touched: %v", err)
	}
	f.write("output/journal_entries.csv", "changed again\n")
	_, err = f.run(o)
	if err == nil || !strings.Contains(err.Error(), "output-2026-11-25-020000.tar.gz already exists") {
		t.Fatalf("third run in the same second: error = %v", err)
	}
}

func TestInputsOfTheWrongKindAreRefusedFirst(t *testing.T) {
	tests := []struct {
		name string
		mod  func(f *fixture, o *Options) (want string)
	}{
		{"output is a file", func(f *fixture, o *Options) string {
			o.OutputDir = f.env
			return "--output-dir " + f.env + ": not a folder"
		}},
		{"env is a folder", func(f *fixture, o *Options) string {
			o.EnvFile = f.output
			return "--env-file " + f.output + ": not a regular file"
		}},
		{"config missing", func(f *fixture, o *Options) string {
			o.ConfigFiles = []string{f.output + ".yaml"}
			return "--config-file " + f.output + ".yaml: "
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t)
			o := f.opts()
			want := tt.mod(f, &o)
			_, err := f.run(o)
			if err == nil || !strings.Contains(err.Error(), want) {
				t.Fatalf("error = %v, want it to contain %q", err, want)
			}
			if _, err := os.Stat(f.dest); !os.IsNotExist(err) {
				t.Errorf("the backup folder was created before the inputs were checked")
			}
		})
	}
}

// killer stops the S3 server once an upload of the output archive has read
// more than 5 MiB, in the middle of its multipart upload.
type killer struct {
	srv  *s3test.Server
	read int64
	once *sync.Once
}

func (k *killer) Add(n int64) {
	k.read += n
	if k.read > 5<<20 {
		k.once.Do(k.srv.Stop)
	}
}
func (k *killer) Done() {}

type nop struct{}

func (nop) Add(int64) {}
func (nop) Done()     {}

func TestServerStoppedMidUploadThenNextRunCompletes(t *testing.T) {
	s := s3test.New(t)
	f := newFixture(t)
	noise := make([]byte, 7<<20)
	rand.Read(noise)
	f.write("output/noise.bin", string(noise))
	aged := f.agedBackups(90)
	o := f.opts()
	o.S3 = f.s3(t, s)
	o.S3.PartSize = 5 << 20
	var once sync.Once
	o.Progress = func(label string, total int64) Progress {
		if strings.HasPrefix(label, "uploading output-") {
			return &killer{srv: s, once: &once}
		}
		return nop{}
	}
	_, err := f.run(o)
	if !errors.Is(err, s3sync.ErrUnreachable) || !strings.Contains(err.Error(), "output-2026-11-25.tar.gz") {
		t.Fatalf("run error = %v, want ErrUnreachable naming the archive", err)
	}
	local := f.local()
	for _, n := range append(aged, "output-2026-11-25.tar.gz", "output-2026-11-25.tar.gz.sha256") {
		if !slices.Contains(local, n) {
			t.Errorf("%s missing after a failed upload", n)
		}
	}

	if err := s.Restart(); err != nil {
		t.Fatal(err)
	}
	o.Progress = nil
	f.when = f.when.Add(time.Minute)
	res, err := f.run(o)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Created) != 0 || !slices.Contains(res.Uploaded, "output-2026-11-25.tar.gz") {
		t.Errorf("second run created %v, uploaded %v; want the existing archive uploaded", res.Created, res.Uploaded)
	}
	if !slices.Equal(res.Deleted, aged) {
		t.Errorf("second run deleted %v, want the aged backups %v", res.Deleted, aged)
	}
	if got := remote(t, o.S3); len(got) != 6 {
		t.Errorf("bucket holds %v, want the 3 new backups with sidecars", got)
	}
}

// putRemote stores a backup and its sidecar under the bucket prefix, as
// another host's run would have.
func putRemote(t *testing.T, cfg s3sync.Config, name string, body []byte) {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, name), body, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := catalog.WriteSidecar(dir, name, sha256hex(body)); err != nil {
		t.Fatal(err)
	}
	c, err := s3sync.New(context.Background(), cfg, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Sync(context.Background(), dir, []string{name, name + catalog.SidecarSuffix}, nil); err != nil {
		t.Fatal(err)
	}
}

// A host whose clock ran 40 days ahead shares the S3 prefix (and left a
// backup in the local folder). Had its backups been taken as the newest,
// retention would delete what this run has just written. They are kept,
// reported, counted, and this run's backups and the earlier ones within the
// window stay.
func TestFutureDatedBackupsDoNotDeleteThisRun(t *testing.T) {
	s := server(t)
	f := newFixture(t)
	o := f.opts()
	o.S3 = f.s3(t, s)
	o.MetricsFile = filepath.Join(t.TempDir(), "dsops_backup.prom")
	aged := f.agedBackups(10)
	future := f.when.AddDate(0, 0, 40)
	farName := catalog.Name(catalog.KindOutput, future, false, func(string) bool { return false })
	putRemote(t, o.S3, farName, []byte("host B's output"))
	localFar := catalog.Name(catalog.KindEnv, future, false, func(string) bool { return false })
	if err := os.WriteFile(filepath.Join(f.dest, localFar), []byte("X=1\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := catalog.WriteSidecar(f.dest, localFar, sha256hex([]byte("X=1\n"))); err != nil {
		t.Fatal(err)
	}

	res, err := f.run(o)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Deleted)+len(res.DeletedRemote) != 0 {
		t.Fatalf("deleted %v locally and %v on S3; nothing is beyond the window of this run's backups", res.Deleted, res.DeletedRemote)
	}
	local, bucket := f.local(), remote(t, o.S3)
	for _, n := range append(slices.Clone(res.Created), aged...) {
		if !slices.Contains(local, n) || !slices.Contains(bucket, n) {
			t.Errorf("%s missing (local %v, bucket %v)", n, slices.Contains(local, n), slices.Contains(bucket, n))
		}
	}
	if !slices.Contains(bucket, farName) || !slices.Contains(local, localFar) {
		t.Errorf("a future-dated backup was deleted: bucket %v, local %v", bucket, local)
	}
	if len(res.Future) != 3 { // local env, the same uploaded, and host B's output
		t.Errorf("future-dated backups reported: %v, want 3", res.Future)
	}
	if !strings.Contains(f.out.String(), "check the clock of the host that wrote it") {
		t.Errorf("no warning printed:\n%s", f.out.String())
	}
	prom, _ := os.ReadFile(o.MetricsFile)
	if !strings.Contains(string(prom), "dsops_backup_future_dated_backups 3") {
		t.Errorf("metrics do not count the future-dated backups:\n%s", prom)
	}
}

// flip changes one byte in the middle of a file, leaving its sidecar as it
// was: what a failing disk or a stray write does.
func flip(t *testing.T, p string) {
	t.Helper()
	data, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	data[len(data)/2] ^= 0x20
	if err := os.WriteFile(p, data, 0o600); err != nil {
		t.Fatal(err)
	}
}

// A damaged newest backup must not be trusted as "unchanged": it is renamed
// aside, a fresh backup is written (and uploaded, though no copy was in the
// bucket), the run says so with ErrDamaged and the metric, and the run
// after that is quiet again.
func TestDamagedNewestBackupIsReplaced(t *testing.T) {
	for _, kind := range []string{"output-2026-11-25.tar.gz", "server.env.2026-11-25"} {
		t.Run(kind, func(t *testing.T) {
			s := server(t)
			f := newFixture(t)
			o := f.opts()
			if _, err := f.run(o); err != nil {
				t.Fatal(err)
			}
			flip(t, filepath.Join(f.dest, kind))

			o.S3 = f.s3(t, s)
			o.MetricsFile = filepath.Join(t.TempDir(), "dsops_backup.prom")
			f.when = f.when.Add(time.Hour)
			res, err := f.run(o)
			if !errors.Is(err, ErrDamaged) || !strings.Contains(err.Error(), kind) {
				t.Fatalf("run error = %v, want ErrDamaged naming %s", err, kind)
			}
			if !slices.Equal(res.Damaged, []string{kind}) || len(res.Created) != 1 {
				t.Fatalf("damaged %v, created %v; want %s damaged and one fresh backup", res.Damaged, res.Created, kind)
			}
			local, bucket := f.local(), remote(t, o.S3)
			for _, n := range []string{kind + DamagedSuffix, kind + catalog.SidecarSuffix + DamagedSuffix, res.Created[0]} {
				if !slices.Contains(local, n) {
					t.Errorf("%s missing from the backup folder %v", n, local)
				}
			}
			if !slices.Contains(bucket, res.Created[0]) || slices.Contains(bucket, kind) {
				t.Errorf("bucket holds %v: want the fresh backup and not the damaged one", bucket)
			}
			if err := catalog.CheckFile(filepath.Join(f.dest, res.Created[0])); err != nil {
				t.Errorf("the fresh backup is not intact: %v", err)
			}
			prom, _ := os.ReadFile(o.MetricsFile)
			for _, want := range []string{"dsops_backup_damaged_backups 1", "dsops_backup_last_run_success 1"} {
				if !strings.Contains(string(prom), want) {
					t.Errorf("metrics lack %q:\n%s", want, prom)
				}
			}

			f.when = f.when.Add(time.Hour)
			res, err = f.run(o)
			if err != nil || len(res.Created) != 0 || len(res.Damaged) != 0 {
				t.Fatalf("third run: created %v, damaged %v, err %v; want all unchanged", res.Created, res.Damaged, err)
			}
		})
	}
}

// A backup folder inside the output folder would make every output archive
// hold the earlier backups, and the secrets. It is refused before anything
// is written.
func TestDestInsideOutputIsRefused(t *testing.T) {
	f := newFixture(t)
	o := f.opts()
	o.Dest = filepath.Join(f.output, "backups")
	_, err := f.run(o)
	if err == nil || !strings.Contains(err.Error(), "--dest "+o.Dest+" is inside --output-dir") {
		t.Fatalf("error = %v, want a refusal naming --dest and --output-dir", err)
	}
	if _, err := os.Stat(o.Dest); !os.IsNotExist(err) {
		t.Errorf("the backup folder was created inside the output folder")
	}
	// Through a link to the output folder, too.
	link := filepath.Join(t.TempDir(), "out-link")
	if err := os.Symlink(f.output, link); err != nil {
		t.Fatal(err)
	}
	o.Dest = filepath.Join(link, "b")
	if _, err := f.run(o); err == nil || !strings.Contains(err.Error(), "is inside --output-dir") {
		t.Fatalf("through a link: error = %v, want a refusal", err)
	}
}

// datasynth-data fills an output folder in place through .datasynth.tmp-*;
// a folder that still holds it is mid-generation, or was killed. Its output
// is not archived; the other kinds are, and the run says what to do.
func TestUnfinishedGenerationIsNotArchived(t *testing.T) {
	f := newFixture(t)
	f.write("output/.datasynth.tmp-4711/journal_entries.csv", "id\n")
	res, err := f.run(f.opts())
	if !errors.Is(err, ErrUnfinished) || !strings.Contains(err.Error(), ".datasynth.tmp-4711") {
		t.Fatalf("error = %v, want ErrUnfinished naming the temporary folder", err)
	}
	for _, n := range res.Created {
		if strings.HasPrefix(n, "output-") {
			t.Errorf("archived an unfinished generation: %s", n)
		}
	}
	if len(res.Created) != 2 {
		t.Errorf("created %v, want the config and the env file", res.Created)
	}
}
