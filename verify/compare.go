package verify

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"reflect"
	"slices"
	"strings"

	"datasynth.dev/verify/manifest"
)

// Status is the outcome for one path.
type Status string

// Statuses, with the mark each gets in text output.
const (
	Identical  Status = "identical"  // =
	Different  Status = "different"  // *
	Missing    Status = "missing"    // - only on the left (ORIGINAL, the manifest, the lock)
	Extra      Status = "extra"      // + only on the right (RECOVERED, the folder)
	Unreadable Status = "unreadable" // ! could not be read on at least one side
)

// Mark returns the one-character prefix of the status in text output, the
// same marks as `rclone check --combined`.
func (s Status) Mark() string {
	switch s {
	case Identical:
		return "="
	case Different:
		return "*"
	case Missing:
		return "-"
	case Extra:
		return "+"
	}
	return "!"
}

// Classify decides how one path compares: left and right are its entries
// on each side, nil where the path is absent, and leftRole and rightRole
// name the sides in the detail text. It is a pure function of its inputs.
func Classify(left, right *Entry, leftRole, rightRole string) (Status, string) {
	switch {
	case left == nil && right == nil:
		return Unreadable, "absent from both sides"
	case right == nil:
		return Missing, linkDetail(left)
	case left == nil:
		return Extra, linkDetail(right)
	case left.Err != nil:
		return Unreadable, fmt.Sprintf("%s: %s", leftRole, reason(left.Err))
	case right.Err != nil:
		return Unreadable, fmt.Sprintf("%s: %s", rightRole, reason(right.Err))
	case left.Kind == Other || right.Kind == Other:
		e, role := left, leftRole
		if e.Kind != Other {
			e, role = right, rightRole
		}
		return Unreadable, fmt.Sprintf("%s: a %s, not a regular file or link; it cannot be compared", role, TypeName(e.Mode))
	case left.Kind != right.Kind:
		return Different, fmt.Sprintf("%s: %s, %s: %s", leftRole, describe(left), rightRole, describe(right))
	case left.Kind == Symlink:
		if left.Target == right.Target {
			return Identical, describe(left)
		}
		return Different, fmt.Sprintf("%s: %s, %s: %s", leftRole, describe(left), rightRole, describe(right))
	case left.Size >= 0 && right.Size >= 0 && left.Size != right.Size:
		return Different, fmt.Sprintf("%s %s, %s %s", leftRole, byteCount(left.Size), rightRole, byteCount(right.Size))
	case left.SHA256 == "" || right.SHA256 == "":
		return Unreadable, "no checksum was computed"
	case left.SHA256 == right.SHA256:
		return Identical, ""
	case left.Size >= 0:
		return Different, fmt.Sprintf("same size %s, different content", byteCount(left.Size))
	}
	return Different, fmt.Sprintf("%s sha256 %s, %s sha256 %s", leftRole, left.SHA256[:12], rightRole, right.SHA256[:12])
}

// describe says what an entry is, for details.
func describe(e *Entry) string {
	switch e.Kind {
	case Symlink:
		return linkDetail(e)
	case File:
		if e.Size >= 0 {
			return "regular file of " + byteCount(e.Size)
		}
		return "regular file"
	}
	return TypeName(e.Mode)
}

// byteCount renders a size for details.
func byteCount(n int64) string {
	if n == 1 {
		return "1 byte"
	}
	return fmt.Sprintf("%d bytes", n)
}

// linkDetail describes a link, and is empty for anything else.
func linkDetail(e *Entry) string {
	if e.Kind != Symlink {
		return ""
	}
	if e.Dangling {
		return fmt.Sprintf("symbolic link to %s, which does not exist", QuoteName(e.Target))
	}
	return fmt.Sprintf("symbolic link to %s", QuoteName(e.Target))
}

// reason renders a read error without repeating the path, which the line
// already shows.
func reason(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		op := pe.Op
		if op == "openat" {
			op = "open"
		}
		return op + ": " + pe.Err.Error()
	}
	return err.Error()
}

// Compare compares two sides path by path. When both are folders with a
// valid run_manifest.json, the recorded generator, config and seed are
// compared first and explained in notes, and run_manifest.json is compared
// without its run block.
func Compare(ctx context.Context, left, right *Source, opts Options) (*Report, error) {
	r := newReport("folders", left, right)
	if left.IsFolder() && right.IsFolder() {
		r.Notes = append(r.Notes, manifestNotes(left, right)...)
	}
	for _, s := range []*Source{left, right} {
		if s.IsFolder() && len(s.Entries) == 0 && len(s.BrokenDirs) == 0 {
			r.Notes = append(r.Notes, fmt.Sprintf("%s %s is an empty folder", s.Role, QuoteName(s.Name)))
		}
	}
	if err := compareEntries(ctx, r, left, right, opts); err != nil {
		return nil, err
	}
	r.Notes = append(r.Notes, tamperNotes(r, left, right)...)
	r.Notes = append(r.Notes, prefixHint(r, left, right)...)
	listedManifest(r, left, right)
	return r, nil
}

// listedManifest settles run_manifest.json between a checksum list and a
// folder. A list records the manifest whole, run block included, so a
// regenerated dataset never matches it byte for byte. When the folder's
// manifest records exactly the checksums the list has for every output
// file, and those files are identical, the manifest differs only where two
// runs of the same inputs may differ, and it counts as identical.
func listedManifest(r *Report, left, right *Source) {
	list, folder := left, right
	if list.IsFolder() {
		list, folder = right, left
	}
	if list.IsFolder() || !folder.IsFolder() || folder.Manifest == nil {
		return
	}
	status := map[string]Status{}
	for _, f := range r.Files {
		status[f.Path] = f.Status
	}
	if status[manifest.FileName] != Different {
		return
	}
	consistent := true
	for _, f := range folder.Manifest.OutputFiles {
		e := list.Entries[f.Path]
		if e == nil || e.SHA256 != f.SHA256 || status[f.Path] != Identical {
			consistent = false
			break
		}
	}
	for i, f := range r.Files {
		if f.Path != manifest.FileName {
			continue
		}
		if consistent {
			r.Files[i].Status = Identical
			r.Files[i].Detail = "its bytes differ from the list, as between any two runs (run block), and every file it records matches the list"
		} else {
			r.Files[i].Detail = joinDetail(f.Detail, "a checksum list records the manifest whole, run block included, so only a copy of the same run matches it")
		}
	}
}

// compareEntries hashes what needs hashing and fills r.Files.
func compareEntries(ctx context.Context, r *Report, left, right *Source, opts Options) error {
	paths := slices.Sorted(maps.Keys(left.Entries))
	for p := range right.Entries {
		if _, ok := left.Entries[p]; !ok {
			paths = append(paths, p)
		}
	}
	slices.Sort(paths)

	manifestsValid := left.Manifest != nil && right.Manifest != nil
	var tasks []hashTask
	for _, p := range paths {
		l, rt := left.Entries[p], right.Entries[p]
		if l == nil || rt == nil || l.Kind != File || rt.Kind != File || l.Err != nil || rt.Err != nil {
			continue
		}
		if l.Size >= 0 && rt.Size >= 0 && l.Size != rt.Size {
			continue
		}
		if p == manifest.FileName && manifestsValid {
			continue
		}
		for _, s := range []*Source{left, right} {
			if e := s.Entries[p]; s.fsys != nil && e.SHA256 == "" {
				tasks = append(tasks, hashTask{s.fsys, p, e})
			}
		}
	}
	log := opts.logger()
	log.Debug("hashing", "files", len(tasks), "workers", opts.workers())
	st, err := hashAll(ctx, tasks, opts.workers())
	if err != nil {
		return fmt.Errorf("comparing %s with %s: %w", QuoteName(left.Name), QuoteName(right.Name), err)
	}
	r.FilesHashed, r.BytesHashed, r.HashTime = st.Files, st.Bytes, st.Elapsed
	log.Info("hashed", "files", st.Files, "bytes", st.Bytes, "workers", st.Workers,
		"seconds", st.Elapsed.Seconds(), "throughput", throughput(st.Bytes, st.Elapsed))

	for _, p := range paths {
		l, rt := left.Entries[p], right.Entries[p]
		var res FileResult
		switch {
		case p == manifest.FileName && manifestsValid:
			res = compareManifests(left, right)
		case l == nil && brokenAbove(left, p) != "":
			res = FileResult{Status: Unreadable, Detail: fmt.Sprintf("%s: folder %s could not be read", left.Role, QuoteName(brokenAbove(left, p)))}
		case rt == nil && brokenAbove(right, p) != "":
			res = FileResult{Status: Unreadable, Detail: fmt.Sprintf("%s: folder %s could not be read", right.Role, QuoteName(brokenAbove(right, p)))}
		default:
			res.Status, res.Detail = Classify(l, rt, left.Role, right.Role)
		}
		res.Path, res.Left, res.Right = p, l, rt
		r.Files = append(r.Files, res)
	}
	for _, s := range []*Source{left, right} {
		for _, d := range slices.Sorted(maps.Keys(s.BrokenDirs)) {
			r.Files = append(r.Files, FileResult{Path: d + "/", Status: Unreadable, Detail: fmt.Sprintf("%s: %s", s.Role, reason(s.BrokenDirs[d]))})
		}
	}
	slices.SortStableFunc(r.Files, func(a, b FileResult) int { return strings.Compare(a.Path, b.Path) })
	return nil
}

// brokenAbove returns the unreadable folder of s that contains p, or "".
func brokenAbove(s *Source, p string) string {
	for d := p; ; {
		i := strings.LastIndexByte(d, '/')
		if i < 0 {
			return ""
		}
		d = d[:i]
		if _, ok := s.BrokenDirs[d]; ok {
			return d
		}
	}
}

// compareManifests compares two valid run manifests without their run
// blocks. program_version is not compared either: releases that share a
// generator version write the same bytes, and manifestNotes mentions a
// different program version.
func compareManifests(left, right *Source) FileResult {
	a, b := left.Manifest.Deterministic(), right.Manifest.Deterministic()
	var fields []string
	for _, f := range []struct {
		name string
		x, y any
	}{
		{"format", a.Format, b.Format},
		{"generator_version", a.GeneratorVersion, b.GeneratorVersion},
		{"config_hash", a.ConfigHash, b.ConfigHash},
		{"seed", a.Seed, b.Seed},
		{"statistics", a.Statistics, b.Statistics},
		{"output_files", a.OutputFiles, b.OutputFiles},
	} {
		if !reflect.DeepEqual(f.x, f.y) {
			fields = append(fields, f.name)
		}
	}
	if len(fields) == 0 {
		if a.ProgramVersion != b.ProgramVersion {
			return FileResult{Status: Identical, Detail: "equal apart from the run block and program_version"}
		}
		return FileResult{Status: Identical, Detail: "equal apart from the run block"}
	}
	return FileResult{Status: Different, Detail: "differs in " + strings.Join(fields, ", ") + " (the run block and program_version are not compared)"}
}

// manifestNotes explains, from the two run manifests, why the datasets
// might differ.
func manifestNotes(left, right *Source) []string {
	var notes []string
	for _, s := range []*Source{left, right} {
		if s.ManifestErr != nil && !errors.Is(s.ManifestErr, fs.ErrNotExist) {
			notes = append(notes, fmt.Sprintf("%s's run manifest cannot be used, so generator, config and seed are not compared: %v", s.Role, s.ManifestErr))
		}
	}
	a, b := left.Manifest, right.Manifest
	if a == nil || b == nil {
		return notes
	}
	L, R := left.Role, right.Role
	if a.GeneratorVersion != b.GeneratorVersion {
		notes = append(notes, fmt.Sprintf("%s was produced by generator %s, %s by %s: different generator versions can write different bytes for the same config and seed; see docs/pinning.md",
			R, b.GeneratorVersion, L, a.GeneratorVersion))
	} else if a.ProgramVersion != b.ProgramVersion {
		notes = append(notes, fmt.Sprintf("%s was written by datasynth-data %s, %s by %s; both use generator %s, which alone decides the bytes",
			R, b.ProgramVersion, L, a.ProgramVersion, a.GeneratorVersion))
	}
	if a.ConfigHash != b.ConfigHash {
		notes = append(notes, fmt.Sprintf("%s and %s were generated from different configs (config hash %s and %s): regenerate with the config that produced %s; see docs/pinning.md",
			L, R, a.ConfigHash[:12], b.ConfigHash[:12], L))
	}
	if a.Seed != b.Seed {
		notes = append(notes, fmt.Sprintf("%s used seed %d, %s seed %d: set global.seed to %d in the config to reproduce %s",
			L, a.Seed, R, b.Seed, a.Seed, L))
	}
	return notes
}

// tamperNotes explains differing data files when both manifests record the
// same inputs: the files should then be identical, so whichever side no
// longer matches its own manifest was changed after generation.
func tamperNotes(r *Report, left, right *Source) []string {
	a, b := left.Manifest, right.Manifest
	if a == nil || b == nil || a.GeneratorVersion != b.GeneratorVersion || a.ConfigHash != b.ConfigHash || a.Seed != b.Seed {
		return nil
	}
	differing := 0
	for i, f := range r.Files {
		if f.Status == Identical || f.Path == manifest.FileName {
			continue
		}
		differing++
		var sides []string
		for _, s := range []struct {
			src *Source
			e   *Entry
		}{{left, f.Left}, {right, f.Right}} {
			if s.e != nil && s.e.Kind == File && !matchesManifest(s.src.Manifest, f.Path, s.e) {
				sides = append(sides, s.src.Role)
			}
		}
		if len(sides) > 0 {
			r.Files[i].Detail = joinDetail(f.Detail, strings.Join(sides, " and ")+" does not match its run_manifest.json")
		}
	}
	if differing == 0 {
		return nil
	}
	return []string{fmt.Sprintf("both datasets record generator %s, config hash %s and seed %d, so they should be byte-identical: the differing files were changed or removed after generation; restore them from a backup or regenerate",
		a.GeneratorVersion, a.ConfigHash[:12], a.Seed)}
}

// matchesManifest reports whether e agrees with what m records for p, as
// far as is known; a file that m does not list does not match.
func matchesManifest(m *manifest.Manifest, p string, e *Entry) bool {
	for _, f := range m.OutputFiles {
		if f.Path != p {
			continue
		}
		if e.Size >= 0 && e.Size != f.SizeBytes {
			return false
		}
		return e.SHA256 == "" || e.SHA256 == f.SHA256
	}
	return false
}

func joinDetail(a, b string) string {
	if a == "" {
		return b
	}
	return a + "; " + b
}

// prefixHint notices a checksum list whose names all start with a folder
// that the other side does not have, the usual sign of a list made with
// `sha256sum folder/*`.
func prefixHint(r *Report, left, right *Source) []string {
	if r.Counts().Identical > 0 {
		return nil
	}
	var hints []string
	for _, pair := range [][2]*Source{{left, right}, {right, left}} {
		list, other := pair[0], pair[1]
		if list.Kind != "checksum list" || len(list.Entries) == 0 {
			continue
		}
		dir := commonDir(list.Entries)
		if dir == "" || commonDir(other.Entries) == dir {
			continue
		}
		hints = append(hints, fmt.Sprintf("every name in %s starts with %s/; if the list was made from outside the folder, add --strip-prefix %s/",
			QuoteName(list.Name), dir, dir))
	}
	return hints
}
