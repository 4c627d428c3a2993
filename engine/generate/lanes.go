package generate

import (
	"context"
	"sync"

	"datasynth.dev/engine/ledger"
)

// lane writes one output that takes its rows strictly in block order (a
// Parquet file, a JSON array) for each journal block in turn. Each block's
// writer passes its block through every lane in the same order, so lanes
// form a pipeline: while one worker encodes block 6 into the journal's
// Parquet file, another encodes block 5 into the flow tables, and the
// ordered outputs use as many cores as there are lanes busy instead of
// one. The bytes of each output are those of writing it alone.
type lane struct {
	mu sync.Mutex
	// next is the sequence number of the block whose turn it is.
	next int64
	// turn is closed when next moves on, waking the blocks waiting.
	turn chan struct{}
	run  func(blk *ledger.Block) error
}

func newLane(run func(blk *ledger.Block) error) *lane {
	return &lane{turn: make(chan struct{}), run: run}
}

// do waits for block seq's turn, runs the lane's step for it and passes
// the turn to the next block. A step that fails keeps the turn: the run
// is over, and the blocks waiting are released by ctx, which the failure
// cancels, instead of being written after a gap. The block with the lowest
// sequence number not yet written never waits (every lane's turn is at
// it), so the pipeline cannot stall.
func (l *lane) do(ctx context.Context, seq int64, blk *ledger.Block) error {
	for {
		l.mu.Lock()
		next, turn := l.next, l.turn
		l.mu.Unlock()
		if next == seq {
			break
		}
		select {
		case <-turn:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	if err := l.run(blk); err != nil {
		return err
	}
	l.mu.Lock()
	l.next++
	close(l.turn)
	l.turn = make(chan struct{})
	l.mu.Unlock()
	return nil
}
