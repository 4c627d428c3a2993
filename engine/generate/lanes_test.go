package generate

import (
	"context"
	"errors"
	"math/rand/v2"
	"sync"
	"testing"

	"datasynth.dev/engine/ledger"
)

// TestLaneOrder: blocks arriving on many goroutines in any order pass
// through a lane strictly by sequence number.
func TestLaneOrder(t *testing.T) {
	const blocks = 200
	var ran []int64
	l := newLane(func(blk *ledger.Block) error {
		ran = append(ran, blk.Entries) // no lock: the lane runs one block at a time
		return nil
	})
	seqs := rand.New(rand.NewPCG(1, 2)).Perm(blocks)
	var wg sync.WaitGroup
	errs := make(chan error, blocks)
	for _, s := range seqs {
		wg.Go(func() {
			errs <- l.do(context.Background(), int64(s), &ledger.Block{Entries: int64(s)})
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	if len(ran) != blocks {
		t.Fatalf("ran %d blocks, want %d", len(ran), blocks)
	}
	for i, s := range ran {
		if s != int64(i) {
			t.Fatalf("block %d ran in place %d: %v", s, i, ran)
		}
	}
}

// TestLaneFailure: a failing step is reported, the lane does not pass its
// turn on, and the blocks waiting for it return when the run's context
// ends instead of hanging or running after the gap.
func TestLaneFailure(t *testing.T) {
	boom := errors.New("disk full")
	var ran []int64
	l := newLane(func(blk *ledger.Block) error {
		if blk.Entries == 1 {
			return boom
		}
		ran = append(ran, blk.Entries)
		return nil
	})
	ctx, cancel := context.WithCancel(context.Background())
	waiting := make(chan error)
	go func() { waiting <- l.do(ctx, 2, &ledger.Block{Entries: 2}) }()
	if err := l.do(ctx, 0, &ledger.Block{Entries: 0}); err != nil {
		t.Fatal(err)
	}
	if err := l.do(ctx, 1, &ledger.Block{Entries: 1}); !errors.Is(err, boom) {
		t.Fatalf("block 1: %v, want %v", err, boom)
	}
	cancel() // what the run's errgroup does on the failure
	if err := <-waiting; !errors.Is(err, context.Canceled) {
		t.Fatalf("block 2: %v, want %v", err, context.Canceled)
	}
	if len(ran) != 1 || ran[0] != 0 {
		t.Fatalf("ran %v, want only block 0", ran)
	}
}
