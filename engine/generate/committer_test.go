package generate

import (
	"context"
	"errors"
	"testing"

	"datasynth.dev/engine/ledger"
)

func newTestCommitter(order func(*ledger.Block) (int64, error), write func(*ledger.Block, int64) error) *committer {
	return &committer{
		pending: map[int64]*ledger.Block{},
		order:   func(_ int64, b *ledger.Block) (int64, error) { return order(b) },
		write:   func(_ context.Context, b *ledger.Block, _, off int64) error { return write(b, off) },
		ctx:     context.Background(),
		free:    make(chan *ledger.Block, 8),
	}
}

// TestCommitterOrder finishes blocks out of order: they must be ordered by
// sequence, each exactly once, and every buffer must come back.
func TestCommitterOrder(t *testing.T) {
	var ordered []int64
	var off int64
	c := newTestCommitter(
		func(b *ledger.Block) (int64, error) {
			ordered = append(ordered, b.Entries)
			o := off
			off += 10
			return o, nil
		},
		func(b *ledger.Block, o int64) error {
			if o != (b.Entries)*10 {
				t.Errorf("block %d written at %d", b.Entries, o)
			}
			return nil
		})
	var batch []placed
	for _, seq := range []int64{2, 0, 3, 1, 4} {
		var err error
		if batch, err = c.finish(seq, &ledger.Block{Entries: seq}, batch); err != nil {
			t.Fatal(err)
		}
	}
	if len(ordered) != 5 {
		t.Fatalf("ordered %v", ordered)
	}
	for i, s := range ordered {
		if s != int64(i) {
			t.Fatalf("ordered %v, want 0..4", ordered)
		}
	}
	if len(c.free) != 5 {
		t.Fatalf("%d buffers returned, want 5", len(c.free))
	}
}

// TestCommitterError reports the first failure and still returns buffers.
func TestCommitterError(t *testing.T) {
	boom := errors.New("disk full")
	c := newTestCommitter(
		func(b *ledger.Block) (int64, error) { return 0, nil },
		func(b *ledger.Block, o int64) error { return boom })
	c.finish(1, &ledger.Block{}, nil)
	if _, err := c.finish(0, &ledger.Block{}, nil); !errors.Is(err, boom) {
		t.Fatalf("err = %v, want %v", err, boom)
	}
	if len(c.free) != 2 {
		t.Fatalf("%d buffers returned, want 2", len(c.free))
	}
}

// TestCommitterStopsAfterOrderError: once order fails, no later block is
// ordered, even when it arrives on another call.
func TestCommitterStopsAfterOrderError(t *testing.T) {
	boom := errors.New("client went away")
	var ordered int
	c := newTestCommitter(
		func(b *ledger.Block) (int64, error) {
			ordered++
			if b.Entries == 1 {
				return 0, boom
			}
			return 0, nil
		},
		func(b *ledger.Block, o int64) error { return nil })
	for seq := int64(0); seq < 4; seq++ {
		_, err := c.finish(seq, &ledger.Block{Entries: seq}, nil)
		if seq >= 1 && !errors.Is(err, boom) {
			t.Fatalf("finish(%d) = %v, want %v", seq, err, boom)
		}
	}
	if ordered != 2 {
		t.Fatalf("ordered %d blocks, want 2 (the failing one last)", ordered)
	}
	if len(c.free) != 4 {
		t.Fatalf("%d buffers returned, want 4", len(c.free))
	}
}
