// Package generate runs a generation: it turns a checked config and a seed
// into a dataset folder with a run manifest.
//
// A run writes everything into a temporary folder beside the target
// (".NAME.tmp-N"), fsyncs every file, and renames the folder into place only
// when all files and run_manifest.json are complete. A target that exists
// and is empty, or is a mount point (which cannot be renamed), is filled in
// place instead: the temporary folder is ".datasynth.tmp-N" inside it, and
// its entries move into the target with run_manifest.json last. A run that
// is killed or fails never leaves anything under the target name that looks
// finished; the next run for the same target removes the temporary folders
// that killed runs left (those no live process holds), and nothing else.
//
// The bytes of every data file depend only on the config, the seed and
// GeneratorVersion. Journal entries are generated in fixed-size blocks by
// Threads workers and appended strictly in block order, so the thread
// count changes speed, never content.
package generate

import (
	"bufio"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"

	"datasynth.dev/engine/balance"
	"datasynth.dev/engine/config"
	"datasynth.dev/engine/genversion"
	"datasynth.dev/engine/ledger"
	"datasynth.dev/verify/atomicfile"
	"datasynth.dev/verify/manifest"
	"golang.org/x/sync/errgroup"
)

// GeneratorVersion is genversion.Version, the version of the generation
// logic, under the name this package's callers know.
const GeneratorVersion = genversion.Version

// Options configure one run.
type Options struct {
	Config *config.Config
	// Seed is the effective seed (from the config, a flag, or drawn).
	Seed   uint64
	Output string
	// Threads is the number of generating goroutines; 0 means one per CPU.
	Threads int
	// Overwrite allows replacing a non-empty output folder.
	Overwrite      bool
	ProgramVersion string
	// Progress, when set, is called from the writer goroutine with the
	// journal entries written so far and the total.
	Progress func(done, total int64)
	Logger   *slog.Logger
}

// Result describes a finished run.
type Result struct {
	Dir      string
	Manifest *manifest.Manifest
	Elapsed  time.Duration
}

// ErrOutputExists is returned when the output folder holds files and
// Overwrite is off.
var ErrOutputExists = errors.New("output folder is not empty")

// ErrOutputNotFolder is returned when the output path names something other
// than a folder.
var ErrOutputNotFolder = errors.New("is a file, not a folder")

// Run generates the dataset described by opts.
func Run(ctx context.Context, opts Options) (*Result, error) {
	started := time.Now()
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	cfg := opts.Config
	threads := opts.Threads
	if threads <= 0 {
		threads = runtime.NumCPU()
	}
	target, err := filepath.Abs(opts.Output)
	if err != nil {
		return nil, fmt.Errorf("output %q: %w", opts.Output, err)
	}
	c, err := textCodec(cfg)
	if err != nil {
		return nil, err
	}
	pl, err := planTarget(target, opts.Overwrite)
	if err != nil {
		return nil, err
	}
	if err := pl.removeStale(log); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(pl.tmpParent, 0o755); err != nil {
		return nil, fmt.Errorf("creating the folder for %s: %w", target, err)
	}
	// The claim tells a later run that this folder is in use, not left by a
	// killed run.
	claimed, err := atomicfile.MkdirTemp(pl.tmpParent, pl.tmpPrefix)
	if err != nil {
		return nil, fmt.Errorf("creating a temporary folder in %s: %w", pl.tmpParent, err)
	}
	tmp := claimed.Path
	keep := false
	defer func() {
		if !keep {
			claimed.Remove()
		}
	}()

	ch, err := Chart(cfg)
	if err != nil {
		return nil, err
	}

	w := &writer{dir: tmp}
	m := &manifest.Manifest{
		Format:           manifest.Format,
		GeneratorVersion: GeneratorVersion,
		ProgramVersion:   opts.ProgramVersion,
		ConfigHash:       cfg.Hash(opts.Seed),
		Seed:             opts.Seed,
	}
	m.Statistics.Companies = len(cfg.Companies)
	m.Statistics.Accounts = len(ch.Accounts)

	log.Info("generating", "output", target, "seed", opts.Seed, "entries", cfg.TotalEntries(), "threads", threads)
	if err := writeMaster(ctx, w, cfg, opts.Seed, c); err != nil {
		return nil, err
	}
	if err := writeFX(w, cfg, opts.Seed, c); err != nil {
		return nil, err
	}
	l := ledger.New(cfg, opts.Seed, ch)
	tally := balance.NewTally(ch, l.Periods(), l.Companies())
	if err := writeJournal(ctx, w, cfg, opts, l, tally, threads, &m.Statistics, c); err != nil {
		return nil, err
	}
	if err := writeBalances(w, cfg, opts.Seed, ch, l, tally, c); err != nil {
		return nil, err
	}

	m.OutputFiles = w.files
	slices.SortFunc(m.OutputFiles, func(a, b manifest.File) int { return strings.Compare(a.Path, b.Path) })
	host, _ := os.Hostname()
	finished := time.Now()
	m.Run = &manifest.Run{
		RunID:      randomID(),
		StartedAt:  started.UTC().Format(time.RFC3339Nano),
		FinishedAt: finished.UTC().Format(time.RFC3339Nano),
		DurationMS: finished.Sub(started).Milliseconds(),
		Host:       host,
		Threads:    threads,
		OS:         runtime.GOOS,
		Arch:       runtime.GOARCH,
	}
	data, err := manifest.Marshal(m)
	if err != nil {
		return nil, err
	}
	if err := atomicfile.WriteFile(filepath.Join(tmp, manifest.FileName), data, 0o644); err != nil {
		return nil, err
	}
	if err := syncTree(tmp); err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if pl.inPlace {
		err = installInPlace(claimed, target)
	} else {
		// MkdirTemp creates the folder private; the dataset gets ordinary
		// folder permissions once it is complete.
		if err = os.Chmod(tmp, 0o755); err == nil {
			err = install(claimed, target)
			keep = err == nil
		}
	}
	if err != nil {
		return nil, err
	}
	log.Info("generated", "output", target, "entries", m.Statistics.JournalEntries, "lines", m.Statistics.LineItems, "elapsed", time.Since(started))
	return &Result{Dir: target, Manifest: m, Elapsed: time.Since(started)}, nil
}

func randomID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// writer creates the files of one dataset and records them for the manifest.
type writer struct {
	dir   string
	files []manifest.File
}

// file is one output file being written: content goes through a buffer to
// a sink that writes the file and computes its SHA-256, so nothing is read
// back to checksum it.
type file struct {
	w      *writer
	rel    string
	format string
	f      *os.File
	s      *sink
	buf    *bufio.Writer
	rows   int64
}

// sink writes to the file and the hash, and starts writeback of what was
// written early, so that the final fsync waits for little.
type sink struct {
	f       *os.File
	h       hash.Hash
	n       int64
	flushed int64 // bytes already handed to writeback
}

const writebackChunk = 32 << 20

// parquetFileBuffer is the buffer of a Parquet file: the smallest bufio
// keeps, since parquet-go writes through its own buffer in larger chunks,
// which pass through this one uncopied.
const parquetFileBuffer = 16

func (s *sink) Write(p []byte) (int, error) {
	s.h.Write(p)
	n, err := s.f.Write(p)
	s.n += int64(n)
	if s.n-s.flushed >= writebackChunk {
		startWriteback(s.f, s.flushed, s.n-s.flushed)
		s.flushed = s.n
	}
	return n, err
}

func (w *writer) create(rel, format string, header []byte) (*file, error) {
	full := filepath.Join(w.dir, filepath.FromSlash(rel))
	if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
		return nil, err
	}
	f, err := os.Create(full)
	if err != nil {
		return nil, err
	}
	s := &sink{f: f, h: sha256.New()}
	size := 1 << 20
	if format == "parquet" {
		// parquet-go buffers its writes itself; a second large buffer
		// per file would only hold a copy (a megabyte for each of about
		// 25 files).
		size = parquetFileBuffer
	}
	out := &file{w: w, rel: rel, format: format, f: f, s: s, buf: bufio.NewWriterSize(s, size)}
	if _, err := out.buf.Write(header); err != nil {
		f.Close()
		return nil, err
	}
	return out, nil
}

// reserve appends p to the file's size and returns the offset where p
// belongs; the caller writes it there with writeAt, possibly concurrently
// with later reservations, and adds it to the checksum with digest.
// Reservations must be made in file order, after any buffered writes.
func (f *file) reserve(p []byte, rows int64) (int64, error) {
	if f.buf.Buffered() > 0 {
		if err := f.buf.Flush(); err != nil {
			return 0, err
		}
	}
	off := f.s.n
	f.s.n += int64(len(p))
	f.rows += rows
	return off, nil
}

// digest adds reserved bytes to the file's checksum. Calls must come in
// file order, each after its reservation, and one at a time (a lane);
// they may run concurrently with the digests of other files and with
// later reservations.
func (f *file) digest(p []byte) { f.s.h.Write(p) }

// writeAt writes a reserved range and starts writeback of the chunk before
// it, which earlier writers have finished by now in all but rare cases (a
// late chunk is still synced by the final fsync).
func (f *file) writeAt(p []byte, off int64) error {
	if _, err := f.f.WriteAt(p, off); err != nil {
		return err
	}
	end := off + int64(len(p))
	if off/writebackChunk != end/writebackChunk && end > 2*writebackChunk {
		chunk := (end/writebackChunk - 2) * writebackChunk
		startWriteback(f.f, chunk, writebackChunk)
	}
	return nil
}

// close flushes, fsyncs and records the file.
func (f *file) close() error {
	err := f.buf.Flush()
	if err == nil {
		err = f.f.Sync()
	}
	if cerr := f.f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("writing %s: %w", f.rel, err)
	}
	f.w.files = append(f.w.files, manifest.File{
		Path: f.rel, Format: f.format, RecordCount: f.rows, SizeBytes: f.s.n,
		SHA256: hex.EncodeToString(f.s.h.Sum(nil)),
	})
	return nil
}

// abort closes the file after a failure; the temporary folder is removed.
func (f *file) abort() { f.f.Close() }

// job is one block of journal entries; seq is its position in the file.
type job struct {
	company int
	block   int64
	seq     int64
}

// committer appends finished blocks to the files strictly in order.
// Whichever worker finishes the block next in line takes the ordered part
// for it and for any later blocks already waiting: file offsets and
// statistics. It then writes those blocks at their offsets outside the
// ordered part, while another worker may already order the next ones; what
// must also see the blocks in order (each file's checksum, the Parquet
// files) follows in lanes (lanes.go), one per file, so that different
// files are hashed and encoded on different cores at once. A block is
// therefore usually hashed and written by the core that generated it.
type committer struct {
	mu      sync.Mutex
	next    int64
	pending map[int64]*ledger.Block
	active  bool
	// failed is the first error of order; nothing is ordered after it.
	failed error
	// order runs for each block in file order, with its place in it, and
	// returns the offset at which the block's journal bytes go.
	order func(seq int64, blk *ledger.Block) (int64, error)
	// write runs for each ordered block, concurrently with other blocks'
	// writes; ctx ends when the run fails or is cancelled.
	write func(ctx context.Context, blk *ledger.Block, seq, off int64) error
	ctx   context.Context
	free  chan *ledger.Block
}

type placed struct {
	blk *ledger.Block
	seq int64
	off int64
}

// finish hands over a generated block. If no other worker holds the ordered
// part, it runs it for every block that is ready, then writes them.
func (c *committer) finish(seq int64, blk *ledger.Block, batch []placed) ([]placed, error) {
	c.mu.Lock()
	if err := c.failed; err != nil {
		c.mu.Unlock()
		c.free <- blk
		return batch, err
	}
	c.pending[seq] = blk
	if c.active {
		c.mu.Unlock()
		return batch, nil
	}
	c.active = true
	batch = batch[:0]
	var err error
	for err == nil {
		b, ok := c.pending[c.next]
		if !ok {
			break
		}
		delete(c.pending, c.next)
		seq := c.next
		c.next++
		c.mu.Unlock()
		var off int64
		off, err = c.order(seq, b)
		batch = append(batch, placed{b, seq, off})
		c.mu.Lock()
	}
	c.active = false
	if err != nil {
		c.failed = err
	}
	c.mu.Unlock()
	for _, p := range batch {
		if err == nil {
			err = c.write(c.ctx, p.blk, p.seq, p.off)
		}
		c.free <- p.blk
	}
	return batch, err
}

// runJournal generates every journal block of l on threads workers and
// hands them to order (strictly in file order, one at a time) and then to
// write (concurrently, at the offset order returned, with the block's
// place in the file and a context that ends when the run fails). write may
// be nil.
// A company's last block gets its VAT returns in file order, once its
// other blocks are tallied (ledger.Ledger.Settle), and is encoded then.
func runJournal(ctx context.Context, l *ledger.Ledger, threads int, encode func(blk *ledger.Block, seq, blocks int64), order func(*ledger.Block) (int64, error), write func(ctx context.Context, blk *ledger.Block, seq, off int64) error) error {
	if write == nil {
		write = func(context.Context, *ledger.Block, int64, int64) error { return nil }
	}
	var blocks int64
	for ci := range l.Companies() {
		blocks += l.Blocks(ci)
	}
	vat := l.NewSettlement()
	c := &committer{
		pending: map[int64]*ledger.Block{},
		// Two buffers per worker bound memory whatever the volume.
		free: make(chan *ledger.Block, 2*threads),
		order: func(seq int64, blk *ledger.Block) (int64, error) {
			unsettled := blk.Unsettled()
			l.Settle(vat, blk)
			if unsettled {
				encode(blk, seq, blocks)
			}
			return order(blk)
		},
		write: write,
	}
	for range cap(c.free) {
		c.free <- new(ledger.Block)
	}

	g, gctx := errgroup.WithContext(ctx)
	c.ctx = gctx
	jobs := make(chan job)
	g.Go(func() error {
		defer close(jobs)
		var seq int64
		for ci := range l.Companies() {
			for b := range l.Blocks(ci) {
				select {
				case jobs <- job{company: ci, block: b, seq: seq}:
				case <-gctx.Done():
					return gctx.Err()
				}
				seq++
			}
		}
		return nil
	})
	for range threads {
		g.Go(func() error {
			var batch []placed
			for {
				// Take a buffer before a job: a worker holding a job can
				// always finish it, so the block next in line never
				// waits for memory held by later blocks.
				var blk *ledger.Block
				select {
				case blk = <-c.free:
				case <-gctx.Done():
					return gctx.Err()
				}
				j, ok := <-jobs
				if !ok {
					return nil
				}
				l.Generate(j.company, j.block, blk)
				if !blk.Unsettled() {
					encode(blk, j.seq, blocks)
				}
				var err error
				if batch, err = c.finish(j.seq, blk, batch); err != nil {
					return err
				}
			}
		})
	}
	return g.Wait()
}
