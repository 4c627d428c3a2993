package bulk

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"syscall"

	"datasynth.dev/engine/generate"
	"datasynth.dev/engine/ledger"
)

// stagePrefix starts the name of every staging folder; os.MkdirTemp adds
// digits. RemoveStale matches exactly this prefix followed by digits.
const stagePrefix = ".datasynth-bulk-"

// stage is a staging folder, locked (flock) while this process uses it.
// The kernel drops the lock when the process dies, however it dies: a
// folder whose lock can be taken belongs to no running server.
type stage struct {
	dir  string
	lock *os.File
}

// newStage creates and locks a staging folder in workDir. A server that
// starts and removes stale folders may take the lock of a folder just
// created, before its creator locks it; the creator then finds the folder
// gone (or locked) and makes another.
func newStage(workDir string) (*stage, error) {
	for range 3 {
		dir, err := os.MkdirTemp(workDir, stagePrefix)
		if err != nil {
			return nil, err
		}
		f, err := os.Open(dir)
		if err != nil {
			return nil, err
		}
		if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err == nil {
			if fi, err := os.Stat(dir); err == nil {
				if held, err := f.Stat(); err == nil && os.SameFile(fi, held) {
					return &stage{dir: dir, lock: f}, nil
				}
			}
		}
		f.Close()
	}
	return nil, fmt.Errorf("staging folders in %s keep disappearing; is another program removing them?", workDir)
}

// remove deletes the folder, then drops the lock.
func (s *stage) remove() {
	_ = os.RemoveAll(s.dir)
	s.lock.Close()
}

// isStageName reports whether name is exactly a staging folder's name.
func isStageName(name string) bool {
	digits, ok := strings.CutPrefix(name, stagePrefix)
	return ok && digits != "" && strings.Trim(digits, "0123456789") == ""
}

// RemoveStale removes the staging folders in workDir that no running
// process holds: those of a server that was killed while it staged an
// archive. It touches nothing but folders named exactly as staging folders
// are, and logs each removal. A server calls it when it starts.
func RemoveStale(workDir string, log *slog.Logger) {
	entries, err := os.ReadDir(workDir)
	if err != nil {
		log.Warn("cannot look for staging folders left by a stopped server", "work_dir", workDir, "error", err)
		return
	}
	for _, e := range entries {
		if !e.IsDir() || !isStageName(e.Name()) {
			continue // symbolic links and files are never ours
		}
		dir := filepath.Join(workDir, e.Name())
		f, err := os.Open(dir)
		if err != nil {
			log.Warn("cannot open a staging folder left by a stopped server", "path", dir, "error", err)
			continue
		}
		if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
			f.Close()
			continue // a running server stages into it
		}
		size := treeSize(dir)
		if err := os.RemoveAll(dir); err != nil {
			log.Error("cannot remove a staging folder left by a stopped server", "path", dir, "error", err)
		} else {
			log.Info("removed a staging folder left by a stopped server", "path", dir, "bytes", size)
		}
		f.Close()
	}
}

func treeSize(dir string) int64 {
	var n int64
	_ = filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
		if err == nil && d.Type().IsRegular() {
			if fi, err := d.Info(); err == nil {
				n += fi.Size()
			}
		}
		return nil
	})
	return n
}

// FreeBytes is the space an unprivileged process may still write in dir.
func FreeBytes(dir string) (uint64, error) {
	var st syscall.Statfs_t
	if err := syscall.Statfs(dir, &st); err != nil {
		return 0, err
	}
	return st.Bavail * uint64(st.Bsize), nil
}

// sampleEntries is how many journal entries estimate generates to learn
// the bytes per entry of a config: two blocks.
const sampleEntries = 2 * ledger.BlockSize

// estimateSlack is added to every estimate: the manifest, file headers,
// and the error of extrapolating from the first blocks.
const estimateSlack = 1 << 20

// errSampled stops the sample generation.
var errSampled = errors.New("sampled")

// estimate returns the bytes the dataset of p takes on disk: the master
// data generated and counted (it is small beside the journal), the
// journal and its labels extrapolated from the first entries, with a
// tenth added. Extrapolating from the first blocks is fair because every
// block draws its entries from the same distributions.
func estimate(ctx context.Context, p *Plan) (uint64, error) {
	opts := generate.StreamOptions{Config: p.Config, Seed: p.Seed, Threads: 1}
	var master uint64
	if err := generate.MasterData(ctx, opts, func(_ *generate.MasterTable, row []byte) error {
		master += uint64(len(row))
		return nil
	}); err != nil {
		return 0, err
	}
	var sampled, sampleBytes uint64
	_, err := generate.Journal(ctx, opts, func(b *ledger.Block) error {
		sampled += uint64(b.Entries)
		sampleBytes += uint64(len(b.CSV) + len(b.Labels))
		if sampled >= sampleEntries {
			return errSampled
		}
		return nil
	})
	if err != nil && !errors.Is(err, errSampled) {
		return 0, err
	}
	total := uint64(p.Config.TotalEntries())
	journal := sampleBytes
	if sampled > 0 && total > sampled {
		journal = uint64(float64(sampleBytes) / float64(sampled) * float64(total))
	}
	return (master+journal)*11/10 + estimateSlack, nil
}
