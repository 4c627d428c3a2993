package generate

import (
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"syscall"

	"datasynth.dev/verify/atomicfile"
	"datasynth.dev/verify/manifest"
)

// InsideTempPrefix starts the name of the temporary folder that a run
// creates inside an output folder it fills in place (an existing empty
// folder, or a mount point). The full name is the prefix followed by
// decimal digits, as os.MkdirTemp makes it. A folder holding an entry of
// this name, or lacking run_manifest.json, is not a finished dataset.
const InsideTempPrefix = ".datasynth.tmp-"

// besidePrefix is the name prefix of the temporary folder a run creates
// beside target, in the same parent folder, when it can rename the result
// into place.
func besidePrefix(target string) string { return "." + filepath.Base(target) + ".tmp-" }

// plan says where a run writes and how it installs the result.
type plan struct {
	target string
	// inPlace is set when the dataset is built in a temporary folder inside
	// target and moved into it entry by entry: target exists and is empty,
	// or is a mount point that cannot be renamed.
	inPlace bool
	// tmpParent and tmpPrefix say where the temporary folder goes.
	tmpParent, tmpPrefix string
	// insideStale is set when target holds temporary folders of earlier
	// in-place runs (".datasynth.tmp-N").
	insideStale bool
}

// planTarget checks the output path and decides how to write it. A file,
// or a non-empty folder without overwrite, is refused; with overwrite, so
// is a folder that is not a dataset (replaceable), and the folder the
// process runs in or one that holds it. Temporary folders of this target
// (".NAME.tmp-N" beside it, ".datasynth.tmp-N" inside it) do not count as
// content; planTarget removes nothing.
func planTarget(target string, overwrite bool) (*plan, error) {
	p := &plan{target: target, tmpParent: filepath.Dir(target), tmpPrefix: besidePrefix(target)}
	fi, err := os.Lstat(target)
	if errors.Is(err, fs.ErrNotExist) {
		return p, nil
	}
	if errors.Is(err, syscall.ENOTDIR) {
		return nil, fmt.Errorf("output %s: a folder on its path %w; choose a folder path", target, ErrOutputNotFolder)
	}
	if err != nil {
		return nil, fmt.Errorf("output %s: %w", target, err)
	}
	if !fi.IsDir() {
		return nil, fmt.Errorf("output %s %w; choose a folder path", target, ErrOutputNotFolder)
	}
	entries, err := os.ReadDir(target)
	if err != nil {
		return nil, fmt.Errorf("output %s: %w", target, err)
	}
	content := 0
	for _, e := range entries {
		if e.IsDir() && atomicfile.IsTempDirName(e.Name(), InsideTempPrefix) {
			p.insideStale = true
			continue
		}
		content++
	}
	if content > 0 && !overwrite {
		return nil, fmt.Errorf("output %s: %w (%d entries); choose another folder or pass --overwrite to replace it", target, ErrOutputExists, content)
	}
	if content > 0 {
		if err := replaceable(target); err != nil {
			return nil, err
		}
	}
	mount := false
	if content > 0 {
		if mount, err = isMountPoint(target); err != nil {
			return nil, fmt.Errorf("output %s: %w", target, err)
		}
	}
	if content == 0 || mount {
		p.inPlace, p.tmpParent, p.tmpPrefix = true, target, InsideTempPrefix
	}
	return p, nil
}

// replaceable returns nil when --overwrite may replace folder target: it
// holds a dataset, that is a run_manifest.json and no file that its
// manifest does not list, so that replacing it loses nothing the generator
// did not write; and it is neither the working folder nor one that holds
// it, which would leave the shell in a deleted folder.
func replaceable(target string) error {
	if wd, err := os.Getwd(); err == nil {
		if rel, err := filepath.Rel(target, wd); err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
			return fmt.Errorf("output %s: %w: it is the folder this command runs in, or holds it; run from another folder, or choose another output", target, ErrOutputExists)
		}
	}
	m, err := manifest.Read(filepath.Join(target, manifest.FileName))
	if err != nil {
		return fmt.Errorf("output %s: %w and is not a dataset (%v): --overwrite replaces only a folder an earlier run wrote; empty it or choose another folder", target, ErrOutputExists, err)
	}
	listed := map[string]bool{manifest.FileName: true}
	for _, f := range m.OutputFiles {
		listed[f.Path] = true
	}
	var extra []string
	err = filepath.WalkDir(target, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(target, p)
		if d.IsDir() {
			if filepath.Dir(rel) == "." && atomicfile.IsTempDirName(d.Name(), InsideTempPrefix) {
				return fs.SkipDir
			}
			return nil
		}
		if !listed[filepath.ToSlash(rel)] {
			extra = append(extra, filepath.ToSlash(rel))
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("output %s: %w", target, err)
	}
	if len(extra) > 0 {
		more := ""
		if len(extra) > 5 {
			extra, more = extra[:5], fmt.Sprintf(" and %d more", len(extra)-5)
		}
		return fmt.Errorf("output %s: %w and holds files that its run_manifest.json does not list (%s%s), which --overwrite would delete; move them out or choose another folder",
			target, ErrOutputExists, strings.Join(extra, ", "), more)
	}
	return nil
}

// removeStale deletes the temporary folders that killed runs left for
// this target, beside it and inside it; folders that a running generation
// claims (atomicfile.TempDir) are left alone.
func (p *plan) removeStale(log *slog.Logger) error {
	places := [][2]string{{filepath.Dir(p.target), besidePrefix(p.target)}}
	if p.insideStale {
		places = append(places, [2]string{p.target, InsideTempPrefix})
	}
	for _, pl := range places {
		removed, err := atomicfile.RemoveStale(pl[0], pl[1])
		for _, dir := range removed {
			log.Info("removed the temporary folder of a killed run", "folder", dir)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// installInPlace moves the finished dataset from tmp, a folder inside
// target, into target itself. Whatever target held before is replaced:
// its run_manifest.json is removed first, so that from then on the folder
// no longer looks finished, then its other entries; the new entries follow,
// run_manifest.json last. Other runs' live temporary folders are left alone.
func installInPlace(claimed *atomicfile.TempDir, target string) error {
	tmp := claimed.Path
	old, err := os.ReadDir(target)
	if err != nil {
		return err
	}
	if err := os.Remove(filepath.Join(target, manifest.FileName)); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("removing the previous %s: %w", manifest.FileName, err)
	}
	if err := atomicfile.SyncDir(target); err != nil {
		return err
	}
	for _, e := range old {
		path := filepath.Join(target, e.Name())
		if path == tmp || e.Name() == manifest.FileName || atomicfile.IsTempDirName(e.Name(), InsideTempPrefix) {
			continue
		}
		if err := os.RemoveAll(path); err != nil {
			return fmt.Errorf("removing the previous dataset's %s: %w", path, err)
		}
	}

	entries, err := os.ReadDir(tmp)
	if err != nil {
		return err
	}
	var names []string
	for _, e := range entries {
		if e.Name() != manifest.FileName {
			names = append(names, e.Name())
		}
	}
	names = append(names, manifest.FileName)
	for i, name := range names {
		if err := os.Rename(filepath.Join(tmp, name), filepath.Join(target, name)); err != nil {
			// Take back what was moved: no partial dataset stays behind.
			for _, moved := range names[:i] {
				os.RemoveAll(filepath.Join(target, moved))
			}
			return fmt.Errorf("moving %s into %s: %w", name, target, err)
		}
	}
	if err := atomicfile.SyncDir(target); err != nil {
		return err
	}
	return claimed.Remove()
}

// install moves the finished folder tmp to target. An existing target is
// first moved aside into a claimed temporary folder beside it (so that a
// run killed at that moment leaves it to the next run's clean-up, and a
// concurrent run leaves it alone), then removed once the new folder is in
// place.
func install(tmp *atomicfile.TempDir, target string) error {
	var old *atomicfile.TempDir
	aside := ""
	if _, err := os.Lstat(target); err == nil {
		if old, err = atomicfile.MkdirTemp(filepath.Dir(target), besidePrefix(target)); err != nil {
			return fmt.Errorf("making room to move the previous %s aside: %w", target, err)
		}
		defer old.Release()
		aside = filepath.Join(old.Path, filepath.Base(target))
		if err := os.Rename(target, aside); err != nil {
			old.Remove()
			return fmt.Errorf("moving the previous %s aside: %w", target, err)
		}
	}
	if err := os.Rename(tmp.Path, target); err != nil {
		if old != nil {
			_ = os.Rename(aside, target)
			old.Remove()
		}
		return fmt.Errorf("moving the finished dataset into %s: %w", target, err)
	}
	tmp.Release()
	if err := atomicfile.SyncDir(filepath.Dir(target)); err != nil {
		return err
	}
	if old != nil {
		if err := old.Remove(); err != nil {
			return fmt.Errorf("removing the previous dataset %s: %w", aside, err)
		}
	}
	return nil
}
