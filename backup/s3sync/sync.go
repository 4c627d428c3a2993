package s3sync

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"datasynth.dev/verify"

	"datasynth.dev/backup/catalog"
)

// Result lists what Sync did, by file name.
type Result struct {
	Uploaded []string
	Skipped  []string
	// Damaged lists local files that did not match their sidecar; neither
	// they nor their sidecars were uploaded.
	Damaged []string
	Bytes   int64
}

// Sync uploads the named files from dir that are missing under the prefix
// or differ from it. Data files go first and their sidecars last, so a
// sidecar in the bucket always means its file is complete there too. A
// file's SHA-256 comes from its sidecar when it has one (and is checked
// while uploading), and is computed otherwise. The first failure stops the
// run; what was uploaded stays, and the next run uploads the rest. A local
// file that no longer matches its sidecar is not a failure of the upload:
// it is listed in Damaged and skipped with its sidecar, and the rest go on.
func (c *Client) Sync(ctx context.Context, dir string, names []string, progress func(name string, n int64)) (Result, error) {
	var res Result
	ordered := slices.Clone(names)
	slices.SortStableFunc(ordered, func(a, b string) int {
		as, bs := strings.HasSuffix(a, catalog.SidecarSuffix), strings.HasSuffix(b, catalog.SidecarSuffix)
		switch {
		case as == bs:
			return strings.Compare(a, b)
		case bs:
			return -1
		}
		return 1
	})
	for _, name := range ordered {
		if slices.Contains(res.Damaged, strings.TrimSuffix(name, catalog.SidecarSuffix)) {
			continue
		}
		file := filepath.Join(dir, name)
		fi, err := os.Stat(file)
		if err != nil {
			return res, err
		}
		sum, err := localSum(file)
		if errors.Is(err, catalog.ErrSidecar) {
			c.log.Error("not uploading a backup whose sidecar is damaged", "file", file, "err", err)
			res.Damaged = append(res.Damaged, name)
			continue
		}
		if err != nil {
			return res, err
		}
		obj, err := c.Stat(ctx, name)
		if err != nil {
			return res, err
		}
		if obj.Exists && obj.SHA256 == sum && obj.Size == fi.Size() {
			res.Skipped = append(res.Skipped, name)
			continue
		}
		var p func(int64)
		if progress != nil {
			p = func(n int64) { progress(name, n) }
		}
		if err := c.Upload(ctx, file, name, sum, p); err != nil {
			if errors.Is(err, ErrLocalDamaged) {
				c.log.Error("not uploading a damaged local backup", "file", file, "err", err)
				res.Damaged = append(res.Damaged, name)
				continue
			}
			return res, err
		}
		c.log.Info("uploaded", "file", name, "to", c.Loc.URL(name), "bytes", fi.Size())
		res.Uploaded = append(res.Uploaded, name)
		res.Bytes += fi.Size()
	}
	return res, nil
}

func localSum(file string) (string, error) {
	if !strings.HasSuffix(file, catalog.SidecarSuffix) {
		if _, err := os.Stat(file + catalog.SidecarSuffix); err == nil {
			return catalog.ReadSidecar(file)
		}
	}
	sum, _, err := verify.HashFile(file)
	return sum, err
}
