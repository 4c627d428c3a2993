package verify

import (
	"context"
	"errors"
	"fmt"
	"io/fs"

	"datasynth.dev/verify/manifest"
)

// CheckManifest checks the folder dir against its own run_manifest.json:
// every listed file present with the recorded size and SHA-256, and no file
// that the manifest does not list. A folder without a readable, valid
// manifest is an error: there is nothing to check against.
func CheckManifest(ctx context.Context, dir string, opts Options) (*Report, error) {
	folder, err := OpenFolder(dir, "DIR")
	if err != nil {
		return nil, err
	}
	defer folder.Close()
	if err := folder.ManifestErr; err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("%s has no %s: --manifest checks a dataset folder written by datasynth-data", QuoteName(dir), manifest.FileName)
		}
		return nil, fmt.Errorf("%s: cannot check against the run manifest: %w", QuoteName(dir), err)
	}
	expected := filesSource(manifest.FileName, folder.Name+"/"+manifest.FileName, "run manifest", folder.Manifest.OutputFiles)
	data := withoutManifest(folder, "folder")
	r := newReport("manifest", expected, data)
	if err := compareEntries(ctx, r, expected, data, opts); err != nil {
		return nil, err
	}
	return r, nil
}

// filesSource is a side made of recorded files: the expectation a manifest
// or a lock describes.
func filesSource(role, name, kind string, files []manifest.File) *Source {
	s := &Source{Role: role, Name: name, Kind: kind, Entries: map[string]*Entry{}, ManifestErr: fs.ErrNotExist}
	for _, f := range files {
		s.Entries[f.Path] = &Entry{Kind: File, Size: f.SizeBytes, SHA256: f.SHA256}
	}
	return s
}

// withoutManifest returns a view of the folder s without its
// run_manifest.json, which describes the data rather than being part of it.
func withoutManifest(s *Source, role string) *Source {
	c := *s
	c.Role = role
	c.Entries = make(map[string]*Entry, len(s.Entries))
	for p, e := range s.Entries {
		if p != manifest.FileName {
			c.Entries[p] = e
		}
	}
	c.Manifest, c.ManifestErr = nil, fs.ErrNotExist
	c.root = nil
	return &c
}
