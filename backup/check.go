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

	"datasynth.dev/backup/archive"
	"datasynth.dev/backup/catalog"
	"datasynth.dev/backup/s3sync"
	"datasynth.dev/verify"
)

// CheckOptions configure Check.
type CheckOptions struct {
	// Dest is the local backup folder.
	Dest string
	// S3, when its URL is set, is checked as well.
	S3 s3sync.Config
	// ReadData downloads every backup object and hashes it, instead of
	// trusting the SHA-256 recorded in its metadata.
	ReadData bool
	// Out receives one line per backup and a summary.
	Out io.Writer
}

// Finding is what Check says of one backup file in one place.
type Finding struct {
	// Where is "local" or the s3:// location.
	Where string
	Name  string
	// OK is false for a damaged, incomplete or missing backup.
	OK     bool
	Detail string
}

// CheckResult lists every finding, the problems among them, and the names
// of backups renamed aside as damaged by earlier runs.
type CheckResult struct {
	Findings []Finding
	Damaged  []string
}

// Problems returns the findings that are not OK.
func (r CheckResult) Problems() []Finding {
	return slices.DeleteFunc(slices.Clone(r.Findings), func(f Finding) bool { return f.OK })
}

// ErrCheckFailed means Check found damaged, incomplete or missing backups.
var ErrCheckFailed = errors.New("backup check found problems")

// Check re-reads every backup, in the spirit of `restic check`: every local
// backup is hashed and compared with its sidecar (an archive whose hash does
// not match is then read through, to tell a damaged archive from a damaged
// sidecar); with S3, every object is compared with its sidecar in the bucket
// and with the local copy, by the SHA-256 in its metadata or, with ReadData,
// by downloading and hashing it. It writes nothing. The error wraps
// ErrCheckFailed when a problem was found.
func Check(ctx context.Context, o CheckOptions, log *slog.Logger) (CheckResult, error) {
	if o.Out == nil {
		o.Out = io.Discard
	}
	var res CheckResult
	local, err := catalog.ListDir(o.Dest)
	if err != nil && !(errors.Is(err, fs.ErrNotExist) && o.S3.URL != "") {
		return res, fmt.Errorf("--dest %s: %w", o.Dest, err)
	}
	for _, n := range local {
		if strings.HasSuffix(n, DamagedSuffix) && !strings.HasSuffix(n, catalog.SidecarSuffix+DamagedSuffix) {
			res.Damaged = append(res.Damaged, n)
		}
	}
	for _, b := range catalog.Backups(local) {
		if err := ctx.Err(); err != nil {
			return res, err
		}
		res.add(o.Out, checkLocal(ctx, o.Dest, b.Name, b.Complete))
	}
	for _, n := range orphanSidecars(local) {
		res.add(o.Out, Finding{Where: "local", Name: n, Detail: "a sidecar without its backup: the backup was deleted or renamed"})
	}
	if o.S3.URL != "" {
		client, err := s3sync.New(ctx, o.S3, log)
		if err != nil {
			return res, err
		}
		if err := checkRemote(ctx, client, o, local, &res); err != nil {
			return res, err
		}
	}
	for _, n := range res.Damaged {
		fmt.Fprintf(o.Out, "note: %s was renamed aside as damaged by an earlier run; delete it once you know what damaged it\n", verify.QuoteName(n))
	}
	p := res.Problems()
	fmt.Fprintf(o.Out, "checked %d backup files: %d intact, %d with problems\n", len(res.Findings), len(res.Findings)-len(p), len(p))
	if len(p) > 0 {
		return res, fmt.Errorf("%w: %d of %d (see the lines marked above); restore from another copy, and run `dsops backup` to take fresh backups", ErrCheckFailed, len(p), len(res.Findings))
	}
	return res, nil
}

func (r *CheckResult) add(w io.Writer, f Finding) {
	r.Findings = append(r.Findings, f)
	mark := "ok     "
	if !f.OK {
		mark = "PROBLEM"
	}
	fmt.Fprintf(w, "%s %s %s", mark, f.Where, verify.QuoteName(f.Name))
	if f.Detail != "" {
		fmt.Fprintf(w, ": %s", f.Detail)
	}
	fmt.Fprintln(w)
}

// checkLocal proves one local backup intact, and says which half is to
// blame when its content and its sidecar disagree.
func checkLocal(ctx context.Context, dest, name string, complete bool) Finding {
	f := Finding{Where: "local", Name: name}
	if !complete {
		f.Detail = "no .sha256 sidecar: the run that wrote it was interrupted, or the sidecar was deleted"
		return f
	}
	p := filepath.Join(dest, name)
	err := catalog.CheckFile(p)
	switch {
	case err == nil:
		f.OK, f.Detail = true, "matches its sidecar"
	case errors.Is(err, catalog.ErrMismatch) && strings.HasSuffix(name, ".tar.gz"):
		if _, verr := verifyArchive(ctx, p); verr == nil {
			f.Detail = "does not match its sidecar, but the archive reads back whole and every file matches its manifest: the sidecar is probably the damaged half"
		} else {
			f.Detail = fmt.Sprintf("damaged: %v", verr)
		}
	default:
		f.Detail = err.Error()
	}
	return f
}

func verifyArchive(ctx context.Context, p string) (*archive.Manifest, error) {
	file, err := os.Open(p)
	if err != nil {
		return nil, err
	}
	defer file.Close()
	return archive.Verify(ctx, file, filepath.Base(p))
}

func orphanSidecars(names []string) []string {
	var out []string
	for _, n := range names {
		if base, ok := strings.CutSuffix(n, catalog.SidecarSuffix); ok {
			if _, _, isBackup := catalog.Parse(base); isBackup && !slices.Contains(names, base) {
				out = append(out, n)
			}
		}
	}
	return out
}

// checkRemote checks every backup object under the prefix against its
// sidecar object (and the local copy, if any), and reports local backups
// that are missing from the bucket.
func checkRemote(ctx context.Context, c *s3sync.Client, o CheckOptions, local []string, res *CheckResult) error {
	names, err := c.List(ctx)
	if err != nil {
		return err
	}
	where := c.Loc.String()
	for _, b := range catalog.Backups(names) {
		if err := ctx.Err(); err != nil {
			return err
		}
		f := Finding{Where: where, Name: b.Name}
		f.OK, f.Detail = checkObject(ctx, c, b.Name, b.Complete, o)
		res.add(o.Out, f)
	}
	for _, n := range orphanSidecars(names) {
		res.add(o.Out, Finding{Where: where, Name: n, Detail: "a sidecar without its backup object"})
	}
	for _, b := range catalog.Backups(local) {
		if b.Complete && !slices.Contains(names, b.Name) {
			res.add(o.Out, Finding{Where: where, Name: b.Name, Detail: "missing from the bucket (it is in the local folder); the next `dsops backup` uploads it"})
		}
	}
	return nil
}

func checkObject(ctx context.Context, c *s3sync.Client, name string, complete bool, o CheckOptions) (bool, string) {
	if !complete {
		return false, "no .sha256 sidecar object: its upload was interrupted (the next `dsops backup` run completes it if the local copy is still there)"
	}
	data, err := c.ReadSmall(ctx, name+catalog.SidecarSuffix, 4096)
	if err != nil {
		return false, err.Error()
	}
	want, err := catalog.ParseSidecar(c.Loc.URL(name+catalog.SidecarSuffix), data, name)
	if err != nil {
		return false, err.Error()
	}
	obj, err := c.Stat(ctx, name)
	if err != nil {
		return false, err.Error()
	}
	if obj.SHA256 != "" && obj.SHA256 != want {
		return false, fmt.Sprintf("its sha256 metadata is %s, its sidecar says %s", obj.SHA256, want)
	}
	if localSum, err := catalog.ReadSidecar(filepath.Join(o.Dest, name)); err == nil && localSum != want {
		return false, fmt.Sprintf("its sidecar says %s, the local sidecar says %s", want, localSum)
	}
	if fi, err := os.Stat(filepath.Join(o.Dest, name)); err == nil && fi.Size() != obj.Size {
		return false, fmt.Sprintf("%d bytes in the bucket, %d in the local copy", obj.Size, fi.Size())
	}
	if !o.ReadData {
		if obj.SHA256 == "" {
			return false, "no sha256 metadata to compare with its sidecar; check it with --read-data"
		}
		return true, "metadata and sidecar agree (not read; --read-data downloads and hashes it)"
	}
	got, n, err := c.Hash(ctx, name)
	if err != nil {
		return false, err.Error()
	}
	if got != want {
		return false, fmt.Sprintf("damaged in the bucket: its content hashes to %s (%d bytes), its sidecar says %s", got, n, want)
	}
	return true, "downloaded, matches its sidecar"
}
