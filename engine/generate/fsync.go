package generate

import (
	"io/fs"
	"path/filepath"

	"datasynth.dev/verify/atomicfile"
)

// syncTree flushes every folder under root, so that the names of the files
// in it are durable (each file is flushed as it is closed).
func syncTree(root string) error {
	return filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			return atomicfile.SyncDir(path)
		}
		return nil
	})
}
