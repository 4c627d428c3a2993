package verify

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"testing"
)

func TestHashFile(t *testing.T) {
	dir := t.TempDir()
	data := make([]byte, 3*readBufferBytes+17)
	if _, err := rand.Read(data); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "f"), data, 0o644); err != nil {
		t.Fatal(err)
	}
	sum, n, err := hashFile(context.Background(), os.DirFS(dir), "f", make([]byte, readBufferBytes))
	want := sha256.Sum256(data)
	if err != nil || n != int64(len(data)) || sum != hex.EncodeToString(want[:]) {
		t.Fatalf("hashFile = %s, %d, %v; want %x, %d", sum, n, err, want, len(data))
	}
}

// BenchmarkSHA256 measures Go's SHA-256 on one core over 1 MiB blocks: the
// ceiling for hashing throughput per core. scripts/bench/verify.sh runs it
// with -cpu 1 and multiplies by the number of cores to get the limit dsops
// verify is measured against.
func BenchmarkSHA256(b *testing.B) {
	buf := make([]byte, readBufferBytes)
	b.SetBytes(int64(len(buf)))
	h := sha256.New()
	for b.Loop() {
		h.Write(buf)
	}
}

// BenchmarkHashFile measures hashFile on one core over a 64 MiB file in the
// page cache: SHA-256 plus the reads.
func BenchmarkHashFile(b *testing.B) {
	dir := b.TempDir()
	data := make([]byte, 64<<20)
	if _, err := rand.Read(data); err != nil {
		b.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "f"), data, 0o644); err != nil {
		b.Fatal(err)
	}
	fsys, buf := os.DirFS(dir), make([]byte, readBufferBytes)
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, _, err := hashFile(context.Background(), fsys, "f", buf); err != nil {
			b.Fatal(err)
		}
	}
}
