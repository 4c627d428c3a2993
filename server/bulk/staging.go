package bulk

import (
	"context"
	"errors"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"syscall"

	"datasynth.dev/engine/flows"
	"datasynth.dev/engine/generate"
	"datasynth.dev/engine/ledger"
	"datasynth.dev/verify/atomicfile"
)

// stagePrefix starts the name of every staging folder; atomicfile adds
// digits, and RemoveStale matches exactly this prefix followed by digits.
const stagePrefix = ".datasynth-bulk-"

// RemoveStale removes the staging folders in workDir that no running
// process holds: those of a server that was killed while it staged an
// archive. A staging folder is claimed (flock) by its server while in use
// (atomicfile.MkdirTemp), so a running server's is never touched, nor
// anything not named exactly as a staging folder. Each removal is logged.
// A server calls it when it starts.
func RemoveStale(workDir string, log *slog.Logger) {
	sizes := map[string]int64{}
	entries, _ := os.ReadDir(workDir)
	for _, e := range entries {
		if e.IsDir() && atomicfile.IsTempDirName(e.Name(), stagePrefix) {
			sizes[e.Name()] = treeSize(filepath.Join(workDir, e.Name()))
		}
	}
	removed, err := atomicfile.RemoveStale(workDir, stagePrefix)
	for _, dir := range removed {
		log.Info("removed a staging folder left by a stopped server", "path", dir, "bytes", sizes[filepath.Base(dir)])
	}
	if err != nil {
		log.Error("cannot remove the staging folders left by a stopped server", "work_dir", workDir, "error", err)
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
// opening and trial balances counted from their known rows (BalanceBytes), the
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
	var flowCSV []byte
	_, err := generate.Journal(ctx, opts, func(b *ledger.Block) error {
		sampled += uint64(b.Entries)
		sampleBytes += uint64(len(b.CSV) + len(b.Labels))
		// The block's document flows and subledger rows, as CSV.
		for _, t := range flows.Tables {
			flowCSV, _ = b.Flows.AppendCSV(flowCSV[:0], t)
			sampleBytes += uint64(len(flowCSV))
		}
		if sampled >= sampleEntries {
			return errSampled
		}
		return nil
	})
	if err != nil && !errors.Is(err, errSampled) {
		return 0, err
	}
	balances, err := generate.BalanceBytes(opts)
	if err != nil {
		return 0, err
	}
	total := uint64(p.Config.TotalEntries())
	journal := sampleBytes
	if sampled > 0 && total > sampled {
		journal = uint64(float64(sampleBytes) / float64(sampled) * float64(total))
	}
	return (master+journal+balances)*11/10 + estimateSlack, nil
}
