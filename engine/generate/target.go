package generate

import (
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"

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

// oldSuffix marks a previous dataset moved aside by install.
const oldSuffix = ".old"

// isTempName reports whether name is prefix followed by decimal digits (the
// names os.MkdirTemp creates), with oldSuffix after them when old is set.
func isTempName(name, prefix string, old bool) bool {
	rest, ok := strings.CutPrefix(name, prefix)
	if !ok {
		return false
	}
	if old {
		rest = strings.TrimSuffix(rest, oldSuffix)
	}
	if rest == "" {
		return false
	}
	for _, c := range rest {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// plan says where a run writes and how it installs the result.
type plan struct {
	target string
	// inPlace is set when the dataset is built in a temporary folder inside
	// target and moved into it entry by entry: target exists and is empty,
	// or is a mount point that cannot be renamed.
	inPlace bool
	// tmpParent and tmpPrefix say where the temporary folder goes.
	tmpParent, tmpPrefix string
	// stale lists temporary folders of earlier runs that were killed.
	stale []string
}

// planTarget checks the output path and decides how to write it. A file,
// or a non-empty folder without overwrite, is refused. Temporary folders
// left by killed runs for this target (".NAME.tmp-N" beside it,
// ".datasynth.tmp-N" inside it) do not count as content; planTarget lists
// them in stale but removes nothing.
func planTarget(target string, overwrite bool) (*plan, error) {
	p := &plan{target: target, tmpParent: filepath.Dir(target), tmpPrefix: besidePrefix(target)}
	siblings, err := os.ReadDir(p.tmpParent)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("output %s: %w", target, err)
	}
	for _, e := range siblings {
		if e.IsDir() && isTempName(e.Name(), p.tmpPrefix, true) {
			p.stale = append(p.stale, filepath.Join(p.tmpParent, e.Name()))
		}
	}

	fi, err := os.Lstat(target)
	if errors.Is(err, fs.ErrNotExist) {
		return p, nil
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
		if e.IsDir() && isTempName(e.Name(), InsideTempPrefix, false) {
			p.stale = append(p.stale, filepath.Join(target, e.Name()))
			continue
		}
		content++
	}
	if content > 0 && !overwrite {
		return nil, fmt.Errorf("output %s: %w (%d entries); choose another folder or pass --overwrite to replace it", target, ErrOutputExists, content)
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

// removeStale deletes the temporary folders of killed runs listed in p,
// skipping any that a running generation still holds.
func (p *plan) removeStale(log *slog.Logger) error {
	for _, dir := range p.stale {
		release, ok, err := tryLockDir(dir)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return fmt.Errorf("checking the leftover temporary folder %s: %w", dir, err)
		}
		if !ok {
			log.Info("leaving a temporary folder that a running generation holds", "folder", dir)
			continue
		}
		err = os.RemoveAll(dir)
		release()
		if err != nil {
			return fmt.Errorf("removing the leftover temporary folder %s of a killed run: %w", dir, err)
		}
		log.Info("removed the temporary folder of a killed run", "folder", dir)
	}
	return nil
}

// installInPlace moves the finished dataset from tmp, a folder inside
// target, into target itself. Whatever target held before is replaced:
// its run_manifest.json is removed first, so that from then on the folder
// no longer looks finished, then its other entries; the new entries follow,
// run_manifest.json last. Other runs' live temporary folders are left alone.
func installInPlace(tmp, target string) error {
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
		if path == tmp || e.Name() == manifest.FileName || isTempName(e.Name(), InsideTempPrefix, false) {
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
	return os.Remove(tmp)
}

// install moves the finished folder tmp to target. An existing target is
// first moved aside, then removed once the new folder is in place.
func install(tmp, target string) error {
	var old string
	if _, err := os.Lstat(target); err == nil {
		old = tmp + oldSuffix
		if err := os.Rename(target, old); err != nil {
			return fmt.Errorf("moving the previous %s aside: %w", target, err)
		}
	}
	if err := os.Rename(tmp, target); err != nil {
		if old != "" {
			_ = os.Rename(old, target)
		}
		return fmt.Errorf("moving the finished dataset into %s: %w", target, err)
	}
	if err := atomicfile.SyncDir(filepath.Dir(target)); err != nil {
		return err
	}
	if old != "" {
		if err := os.RemoveAll(old); err != nil {
			return fmt.Errorf("removing the previous dataset %s: %w", old, err)
		}
	}
	return nil
}
