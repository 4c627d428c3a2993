package table

import (
	"bytes"
	"fmt"
	"sync"
	"testing"

	"github.com/klauspost/compress/zstd"
)

// TestZstdCodecShared compresses pages from several goroutines at once, as
// concurrent runs do with the encoders they share: every page must come out
// as it does alone, and decode to its input.
func TestZstdCodecShared(t *testing.T) {
	c := &zstdCodec{level: zstd.SpeedFastest}
	pages := make([][]byte, 8)
	want := make([][]byte, len(pages))
	for i := range pages {
		var b bytes.Buffer
		for j := range 4000 {
			fmt.Fprintf(&b, "page %d row %d vendor V-1000-%06d;", i, j, (i*7919+j*31)%5000)
		}
		pages[i] = b.Bytes()
		var err error
		if want[i], err = c.Encode(nil, pages[i]); err != nil {
			t.Fatal(err)
		}
	}
	var wg sync.WaitGroup
	errs := make(chan error, 4*len(pages))
	for g := range 4 {
		wg.Go(func() {
			for k := range pages {
				i := (k + g) % len(pages)
				got, err := c.Encode(nil, pages[i])
				if err != nil {
					errs <- err
					continue
				}
				if !bytes.Equal(got, want[i]) {
					errs <- fmt.Errorf("page %d: %d bytes compressed concurrently, %d alone", i, len(got), len(want[i]))
				}
				plain, err := c.Decode(nil, got)
				if err != nil || !bytes.Equal(plain, pages[i]) {
					errs <- fmt.Errorf("page %d does not decode to its input: %v", i, err)
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	zstdIdle.Lock()
	idle := len(zstdIdle.free[zstd.SpeedFastest])
	zstdIdle.Unlock()
	if idle < 1 || idle > 4 {
		t.Errorf("%d idle encoders after 4 goroutines; want 1..4", idle)
	}
}
