package ledger

import "testing"

// BenchmarkNDJSON measures the JSON encoding of journal entries, one object
// per document, as the server streams them: "encode" encodes blocks
// generated beforehand, "generate+encode" includes generating them.
func BenchmarkNDJSON(b *testing.B) {
	l, _ := demoLedger(b)
	const blocks = 8
	pre := make([]Block, blocks)
	for i := range pre {
		l.Generate(0, int64(i), &pre[i])
	}
	b.Run("encode", func(b *testing.B) {
		var enc EntryEncoder
		var lines, out int64
		for i := range b.N {
			blk := &pre[i%blocks]
			lines += blk.Lines
			if err := enc.Encode(blk, func(e []byte) error { out += int64(len(e)) + 1; return nil }); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(lines)/b.Elapsed().Seconds(), "lines/s")
		b.SetBytes(out / int64(b.N))
	})
	b.Run("generate+encode", func(b *testing.B) {
		var enc EntryEncoder
		var blk Block
		var lines, out int64
		for i := range b.N {
			l.Generate(0, int64(i)%l.Blocks(0), &blk)
			lines += blk.Lines
			if err := enc.Encode(&blk, func(e []byte) error { out += int64(len(e)) + 1; return nil }); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(lines)/b.Elapsed().Seconds(), "lines/s")
		b.SetBytes(out / int64(b.N))
	})
}
