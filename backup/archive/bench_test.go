package archive

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// BenchmarkWrite measures archiving 16 MB of journal-like CSV at several
// levels (bytes/s are source bytes). Compare runs with benchstat:
//
//	go test -run X -bench Write -count 6 ./archive > new.txt
func BenchmarkWrite(b *testing.B) {
	root := b.TempDir()
	r := rand.New(rand.NewPCG(1, 2))
	var sb strings.Builder
	for sb.Len() < 16<<20 {
		fmt.Fprintf(&sb, "JE%08d,2024-%02d-%02d,%d,%d.%02d,0.00,Manufacturing overhead allocation\n",
			r.IntN(1e8), 1+r.IntN(12), 1+r.IntN(28), 1000+r.IntN(9000), r.IntN(100000), r.IntN(100))
	}
	if err := os.WriteFile(filepath.Join(root, "journal_entries.csv"), []byte(sb.String()), 0o644); err != nil {
		b.Fatal(err)
	}
	m, err := Scan(context.Background(), root, "output", now)
	if err != nil {
		b.Fatal(err)
	}
	for _, level := range []int{1, DefaultLevel, 9} {
		b.Run(fmt.Sprintf("level%d", level), func(b *testing.B) {
			b.SetBytes(m.Bytes)
			for b.Loop() {
				if err := Write(context.Background(), io.Discard, root, m, Options{Level: level}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
