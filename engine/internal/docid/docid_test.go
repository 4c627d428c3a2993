package docid

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// TestAppendUUID compares AppendUUID with the UUID's groups formatted by
// fmt, version and variant bits set, after a prefix it must keep.
func TestAppendUUID(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	words := [][2]uint64{{0, 0}, {^uint64(0), ^uint64(0)}}
	for range 1000 {
		words = append(words, [2]uint64{r.Uint64(), r.Uint64()})
	}
	for _, w := range words {
		hi, lo := w[0]&^0xf000|0x4000, w[1]&^(0xc<<60)|0x8<<60
		want := fmt.Sprintf("x,%08x-%04x-%04x-%04x-%012x", hi>>32, hi>>16&0xffff, hi&0xffff, lo>>48, lo&(1<<48-1))
		if got := string(AppendUUID([]byte("x,"), w[0], w[1])); got != want {
			t.Fatalf("AppendUUID(%#x, %#x) = %s, want %s", w[0], w[1], got, want)
		}
	}
}

func TestAppendPadded(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	vals := []int64{0, 1, 9, 10, 99, 100, 1<<63 - 1}
	for range 2000 {
		vals = append(vals, r.Int64()>>r.IntN(64))
	}
	for _, v := range vals {
		for _, width := range []int{0, 1, 3, 4, 5, 6, 10, 20} {
			want := fmt.Sprintf("x%0*d", width, v)
			if got := string(AppendPadded([]byte("x"), v, width)); got != want {
				t.Fatalf("AppendPadded(%d, %d) = %s, want %s", v, width, got, want)
			}
		}
	}
}

func BenchmarkAppendUUID(b *testing.B) {
	buf := make([]byte, 0, 64)
	for i := range b.N {
		buf = AppendUUID(buf[:0], uint64(i)*0x9e3779b97f4a7c15, uint64(i))
	}
}
