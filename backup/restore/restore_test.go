package restore

import (
	"archive/tar"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/klauspost/pgzip"

	"datasynth.dev/backup/archive"
	"datasynth.dev/backup/catalog"
	"datasynth.dev/backup/s3sync"
	"datasynth.dev/backup/s3test"
	"datasynth.dev/verify"
	"datasynth.dev/verify/atomicfile"
)

// TestMain shares one gateway between the tests of this package; each test
// gets its own bucket. Tests that stop a server start their own.
func TestMain(m *testing.M) { s3test.Main(m) }

func server(t *testing.T) *s3test.Server { return s3test.Shared(t) }

var quiet = slog.New(slog.DiscardHandler)

// original builds an output folder and its backup archive with sidecar.
func original(t *testing.T) (src, backupDir, name string) {
	t.Helper()
	root := t.TempDir()
	src = filepath.Join(root, "output")
	files := map[string]string{
		"journal_entries.csv":          strings.Repeat("1,2026-01-01,1000.00\n", 2000),
		"master/chart_of_accounts.csv": "code,name\n1000,Cash\n",
		"run_manifest.json":            `{"format":"demo"}`,
	}
	for p, body := range files {
		full := filepath.Join(src, filepath.FromSlash(p))
		os.MkdirAll(filepath.Dir(full), 0o755)
		if err := os.WriteFile(full, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Chmod(src, 0o750); err != nil {
		t.Fatal(err)
	}
	backupDir = filepath.Join(root, "backups")
	os.Mkdir(backupDir, 0o750)
	name = "output-2026-11-25.tar.gz"
	m, err := archive.Scan(context.Background(), src, "output", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	info, err := archive.Create(context.Background(), filepath.Join(backupDir, name), src, m, 0o640, archive.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := catalog.WriteSidecar(backupDir, name, info.SHA256); err != nil {
		t.Fatal(err)
	}
	return src, backupDir, name
}

// identical checks the restored folder against the original with the
// verify module, as `dsops verify ORIGINAL RESTORED` does.
func identical(t *testing.T, a, b string) {
	t.Helper()
	left, err := verify.OpenFolder(a, "original")
	if err != nil {
		t.Fatal(err)
	}
	defer left.Close()
	right, err := verify.OpenFolder(b, "restored")
	if err != nil {
		t.Fatal(err)
	}
	defer right.Close()
	r, err := verify.Compare(context.Background(), left, right, verify.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if !r.Identical() {
		var buf bytes.Buffer
		r.WriteText(&buf, true)
		t.Fatalf("restored folder differs:\n%s", buf.String())
	}
}

func TestRestoreLocalArchive(t *testing.T) {
	src, dir, name := original(t)
	to := filepath.Join(t.TempDir(), "recovered", "output")
	var out bytes.Buffer
	if err := Run(context.Background(), Options{Source: filepath.Join(dir, name), To: to, Out: &out}, quiet); err != nil {
		t.Fatal(err)
	}
	identical(t, src, to)
	if fi, err := os.Stat(to); err != nil || fi.Mode().Perm() != 0o750 {
		t.Errorf("restored folder mode = %v (%v), want the original's 0750", fi.Mode().Perm(), err)
	}
	if !strings.Contains(out.String(), "restored 3 files") {
		t.Errorf("summary = %q", out.String())
	}
	leftovers, _ := filepath.Glob(filepath.Join(filepath.Dir(to), ".*"))
	if len(leftovers) != 0 {
		t.Errorf("temporary folders left behind: %v", leftovers)
	}
}

func TestRestoreIntoEmptyFolderAndRefuseNonEmpty(t *testing.T) {
	src, dir, name := original(t)
	to := t.TempDir()
	if err := Run(context.Background(), Options{Source: filepath.Join(dir, name), To: to}, quiet); err != nil {
		t.Fatal(err)
	}
	identical(t, src, to)
	err := Run(context.Background(), Options{Source: filepath.Join(dir, name), To: to}, quiet)
	if !errors.Is(err, ErrTargetExists) || !strings.Contains(err.Error(), to) {
		t.Fatalf("second restore into %s: error = %v, want ErrTargetExists", to, err)
	}
}

func TestList(t *testing.T) {
	_, dir, name := original(t)
	var out bytes.Buffer
	if err := Run(context.Background(), Options{Source: filepath.Join(dir, name), List: true, Out: &out}, quiet); err != nil {
		t.Fatal(err)
	}
	text := out.String()
	for _, want := range []string{"output backup of", "3 files", "matches its sidecar", "0644", "master/chart_of_accounts.csv", "master/\n"} {
		if !strings.Contains(text, want) {
			t.Errorf("listing lacks %q:\n%s", want, text)
		}
	}
}

func TestRestoreRefusesCorruptedArchive(t *testing.T) {
	_, dir, name := original(t)
	file := filepath.Join(dir, name)
	data, _ := os.ReadFile(file)
	data[len(data)/2] ^= 0x55
	os.WriteFile(file, data, 0o640)
	to := filepath.Join(t.TempDir(), "out")
	err := Run(context.Background(), Options{Source: file, To: to}, quiet)
	if !errors.Is(err, ErrChecksum) || !errors.Is(err, archive.ErrCorrupt) || !strings.Contains(err.Error(), file) {
		t.Fatalf("error = %v, want ErrChecksum naming %s", err, file)
	}
	if _, err := os.Stat(to); !os.IsNotExist(err) {
		t.Errorf("target created for a corrupted archive: %v", err)
	}
	if entries, _ := os.ReadDir(filepath.Dir(to)); len(entries) != 0 {
		t.Errorf("leftovers beside the target: %v", entries)
	}
	if err := Run(context.Background(), Options{Source: file, List: true}, quiet); !errors.Is(err, ErrChecksum) {
		t.Errorf("--list of a corrupted archive: error = %v, want ErrChecksum", err)
	}
}

func TestRestoreRequiresSidecar(t *testing.T) {
	_, dir, name := original(t)
	os.Remove(filepath.Join(dir, name+".sha256"))
	err := Run(context.Background(), Options{Source: filepath.Join(dir, name), To: filepath.Join(t.TempDir(), "x")}, quiet)
	if err == nil || !strings.Contains(err.Error(), name+".sha256") {
		t.Fatalf("error = %v, want one naming the missing sidecar", err)
	}
}

// TestRestoreRefusesPathTraversal feeds an archive that a hostile party
// built with a matching sidecar: only the entry checks stand in the way.
func TestRestoreRefusesPathTraversal(t *testing.T) {
	sum := sha256.Sum256([]byte("pwned"))
	m := archive.Manifest{Format: archive.Format, Kind: "output", Files: 1, Bytes: 5,
		Entries: []archive.Entry{{Path: "a.csv", Type: archive.TypeFile, Mode: 0o644, Size: 5, SHA256: hex.EncodeToString(sum[:])}}}
	mj, _ := json.Marshal(m)
	var buf bytes.Buffer
	zw := pgzip.NewWriter(&buf)
	tw := tar.NewWriter(zw)
	tw.WriteHeader(&tar.Header{Name: archive.ManifestName, Typeflag: tar.TypeReg, Mode: 0o644, Size: int64(len(mj))})
	tw.Write(mj)
	tw.WriteHeader(&tar.Header{Name: "../../escaped.csv", Typeflag: tar.TypeReg, Mode: 0o644, Size: 5})
	tw.Write([]byte("pwned"))
	tw.Close()
	zw.Close()
	dir := t.TempDir()
	name := "output-2026-11-25.tar.gz"
	os.WriteFile(filepath.Join(dir, name), buf.Bytes(), 0o640)
	whole := sha256.Sum256(buf.Bytes())
	catalog.WriteSidecar(dir, name, hex.EncodeToString(whole[:]))

	parent := t.TempDir()
	to := filepath.Join(parent, "deep", "out")
	err := Run(context.Background(), Options{Source: filepath.Join(dir, name), To: to}, quiet)
	if !errors.Is(err, archive.ErrUnsafe) || !strings.Contains(err.Error(), "../../escaped.csv") {
		t.Fatalf("error = %v, want ErrUnsafe naming the entry", err)
	}
	matches, _ := filepath.Glob(filepath.Join(parent, "*.csv"))
	matches2, _ := filepath.Glob(filepath.Join(parent, "*", "*.csv"))
	if len(matches)+len(matches2) != 0 {
		t.Errorf("traversal wrote %v", append(matches, matches2...))
	}
	if _, err := os.Stat(to); !os.IsNotExist(err) {
		t.Errorf("target created: %v", err)
	}
}

func TestRestoreFromS3(t *testing.T) {
	s := server(t)
	src, dir, name := original(t)
	for _, kv := range s.Env() {
		k, v, _ := strings.Cut(kv, "=")
		t.Setenv(k, v)
	}
	t.Setenv("AWS_CONFIG_FILE", filepath.Join(t.TempDir(), "none"))
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(t.TempDir(), "none"))
	bucket := s.Bucket(t)
	cfg := s3sync.Config{URL: "s3://" + bucket + "/host-1", Endpoint: s.Endpoint, PathStyle: true}
	c, err := s3sync.New(context.Background(), cfg, quiet)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Sync(context.Background(), dir, []string{name, name + ".sha256"}, nil); err != nil {
		t.Fatal(err)
	}
	to := filepath.Join(t.TempDir(), "restored")
	err = Run(context.Background(), Options{Source: "s3://" + bucket + "/host-1/" + name, To: to, S3: cfg}, quiet)
	if err != nil {
		t.Fatal(err)
	}
	identical(t, src, to)
	if leftovers, _ := filepath.Glob(filepath.Join(filepath.Dir(to), ".dsops-restore-*")); len(leftovers) != 0 {
		t.Errorf("download folder left behind: %v", leftovers)
	}

	err = Run(context.Background(), Options{Source: "s3://" + bucket + "/host-1/output-2020-01-01.tar.gz", To: filepath.Join(t.TempDir(), "x"), S3: cfg}, quiet)
	if err == nil || !strings.Contains(err.Error(), "output-2020-01-01.tar.gz") {
		t.Errorf("missing object: error = %v, want one naming it", err)
	}
}

func TestRestoreEnvFile(t *testing.T) {
	dir := t.TempDir()
	name := "server.env.2026-11-25"
	body := []byte("API_KEY=sk-secret\n")
	os.WriteFile(filepath.Join(dir, name), body, 0o600)
	sum := sha256.Sum256(body)
	catalog.WriteSidecar(dir, name, hex.EncodeToString(sum[:]))
	to := filepath.Join(t.TempDir(), "etc")
	var out bytes.Buffer
	if err := Run(context.Background(), Options{Source: filepath.Join(dir, name), To: to, Out: &out}, quiet); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(filepath.Join(to, "server.env"))
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("restored env: %v, mode %v", err, fi.Mode().Perm())
	}
	if strings.Contains(out.String(), "sk-secret") {
		t.Errorf("secret printed: %s", out.String())
	}
	got, _ := os.ReadFile(filepath.Join(to, "server.env"))
	if !bytes.Equal(got, body) {
		t.Error("content differs")
	}
	err = Run(context.Background(), Options{Source: filepath.Join(dir, name), To: to}, quiet)
	if !errors.Is(err, ErrTargetExists) {
		t.Errorf("second env restore: error = %v, want ErrTargetExists", err)
	}
}

// A volume's mount point cannot be renamed over, and extracting beside it
// would fill the parent's file system. An existing empty folder is filled
// in place, on its own file system. (Needs root, to mount a tmpfs; CI runs
// as root.)
func TestRestoreIntoMountPoint(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("mounting a tmpfs needs root; CI runs this test as root")
	}
	src, dir, name := original(t)
	vol := filepath.Join(t.TempDir(), "vol")
	if err := os.Mkdir(vol, 0o755); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size=16m", "tmpfs", vol).CombinedOutput(); err != nil {
		t.Fatalf("mount -t tmpfs %s: %v: %s", vol, err, out)
	}
	t.Cleanup(func() { exec.Command("umount", vol).Run() })
	if err := Run(context.Background(), Options{Source: filepath.Join(dir, name), To: vol}, quiet); err != nil {
		t.Fatalf("restore into a mount point: %v", err)
	}
	identical(t, src, vol)
	var st, parentSt syscall.Stat_t
	syscall.Stat(filepath.Join(vol, "journal_entries.csv"), &st)
	syscall.Stat(filepath.Dir(vol), &parentSt)
	if st.Dev == parentSt.Dev {
		t.Errorf("the restored files are on the parent's file system, not the mounted volume")
	}
	if entries, _ := os.ReadDir(filepath.Dir(vol)); len(entries) != 1 {
		t.Errorf("leftovers beside the mount point: %v", entries)
	}
	if fi, _ := os.Stat(vol); fi.Mode().Perm() != 0o750 {
		t.Errorf("mount point mode = %v, want the original folder's 0750", fi.Mode().Perm())
	}
}

// Temporary folders of a restore that was killed are removed by the next
// restore into the same place; one that a running restore claims is not.
func TestStaleTemporaryFoldersAreRemoved(t *testing.T) {
	src, dir, name := original(t)
	parent := t.TempDir()
	to := filepath.Join(parent, "out")
	stale := []string{filepath.Join(parent, ".out.restore-123"), filepath.Join(parent, ".dsops-restore-download-9")}
	for _, p := range stale {
		if err := os.MkdirAll(filepath.Join(p, "half"), 0o700); err != nil {
			t.Fatal(err)
		}
	}
	running, err := atomicfile.MkdirTemp(parent, ".out.restore-")
	if err != nil {
		t.Fatal(err)
	}
	defer running.Remove()
	if err := Run(context.Background(), Options{Source: filepath.Join(dir, name), To: to}, quiet); err != nil {
		t.Fatal(err)
	}
	identical(t, src, to)
	if _, err := os.Stat(stale[0]); !os.IsNotExist(err) {
		t.Errorf("%s left behind", stale[0])
	}
	if _, err := os.Stat(running.Path); err != nil {
		t.Errorf("a running restore's folder was removed: %v", err)
	}

	// Inside an existing empty target, likewise: the killed restore's
	// folder is removed and the target counts as empty again.
	inside := t.TempDir()
	if err := os.MkdirAll(filepath.Join(inside, ".dsops-restore-77", "half"), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := Run(context.Background(), Options{Source: filepath.Join(dir, name), To: inside}, quiet); err != nil {
		t.Fatal(err)
	}
	identical(t, src, inside)
}

// --to a symbolic link is refused: restoring through it would replace the
// link or fill a folder other than the one named.
func TestRestoreRefusesLinkTarget(t *testing.T) {
	_, dir, name := original(t)
	real := t.TempDir()
	link := filepath.Join(t.TempDir(), "link")
	if err := os.Symlink(real, link); err != nil {
		t.Fatal(err)
	}
	for _, src := range []string{filepath.Join(dir, name), writeEnvBackup(t)} {
		err := Run(context.Background(), Options{Source: src, To: link}, quiet)
		if !errors.Is(err, ErrTargetExists) || !strings.Contains(err.Error(), "is a symbolic link (to "+real+")") {
			t.Errorf("%s: error = %v, want a refusal naming the link and its target", filepath.Base(src), err)
		}
	}
	if fi, err := os.Lstat(link); err != nil || fi.Mode()&os.ModeSymlink == 0 {
		t.Errorf("the link was replaced")
	}
}

func writeEnvBackup(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	name := "server.env.2026-11-25"
	body := []byte("API_KEY=x\n")
	if err := os.WriteFile(filepath.Join(dir, name), body, 0o600); err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(body)
	if err := catalog.WriteSidecar(dir, name, hex.EncodeToString(sum[:])); err != nil {
		t.Fatal(err)
	}
	return filepath.Join(dir, name)
}

// When the archive reads back whole and every file matches its manifest,
// but the sidecar disagrees, the message blames the sidecar, not the
// archive; the restore is refused either way.
func TestTamperedSidecarIsNamedAsTheDamagedHalf(t *testing.T) {
	_, dir, name := original(t)
	side := filepath.Join(dir, name+catalog.SidecarSuffix)
	if err := os.WriteFile(side, []byte(strings.Repeat("ab", 32)+"  "+name+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	to := filepath.Join(t.TempDir(), "out")
	for _, list := range []bool{false, true} {
		err := Run(context.Background(), Options{Source: filepath.Join(dir, name), To: to, List: list}, quiet)
		if !errors.Is(err, ErrChecksum) || !strings.Contains(err.Error(), "the sidecar is probably the damaged half") {
			t.Errorf("list=%v: error = %v, want the sidecar named as the damaged half", list, err)
		}
	}
	if _, err := os.Stat(to); !os.IsNotExist(err) {
		t.Errorf("restored although the sidecar disagrees")
	}
}

// A sidecar saved with Windows line endings still vouches for its backup.
func TestSidecarWithCRLF(t *testing.T) {
	src, dir, name := original(t)
	side := filepath.Join(dir, name+catalog.SidecarSuffix)
	data, _ := os.ReadFile(side)
	if err := os.WriteFile(side, bytes.ReplaceAll(data, []byte("\n"), []byte("\r\n")), 0o644); err != nil {
		t.Fatal(err)
	}
	to := filepath.Join(t.TempDir(), "out")
	if err := Run(context.Background(), Options{Source: filepath.Join(dir, name), To: to}, quiet); err != nil {
		t.Fatal(err)
	}
	identical(t, src, to)
}

// A name holding a newline or a control character is quoted in the
// listing, so it cannot fake a line of its own.
func TestListQuotesNames(t *testing.T) {
	root := t.TempDir()
	src := filepath.Join(root, "output")
	os.MkdirAll(src, 0o755)
	evil := "a.csv\n0644            1 " + strings.Repeat("0", 64) + "  fake.csv"
	for _, n := range []string{evil, "bell\a.csv", "ok.csv"} {
		if err := os.WriteFile(filepath.Join(src, n), []byte("x"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	m, err := archive.Scan(context.Background(), src, "output", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	name := "output-2026-11-25.tar.gz"
	info, err := archive.Create(context.Background(), filepath.Join(root, name), src, m, 0o640, archive.Options{})
	if err != nil {
		t.Fatal(err)
	}
	catalog.WriteSidecar(root, name, info.SHA256)
	var out bytes.Buffer
	if err := Run(context.Background(), Options{Source: filepath.Join(root, name), List: true, Out: &out}, quiet); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != 4 || strings.HasSuffix(lines[1], "  fake.csv") && !strings.Contains(lines[1], `"`) {
		t.Fatalf("listing has %d lines, want a header and 3 entries:\n%s", len(lines), out.String())
	}
	for _, want := range []string{`"a.csv\n0644`, `"bell\a.csv"`, "  ok.csv"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("listing lacks %s:\n%s", want, out.String())
		}
	}
}
