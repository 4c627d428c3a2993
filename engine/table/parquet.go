package table

import (
	"fmt"
	"sync"

	"datasynth.dev/engine/genversion"
	"github.com/klauspost/compress/zstd"
	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/compress"
	pgzip "github.com/parquet-go/parquet-go/compress/gzip"
	"github.com/parquet-go/parquet-go/compress/lz4"
	"github.com/parquet-go/parquet-go/compress/snappy"
	pzstd "github.com/parquet-go/parquet-go/compress/zstd"
)

// ParquetOptions are the writer options every Parquet file of a dataset
// uses. Pages are compressed with codec at level (DataSynth's 1..9 scale),
// or with zstd at its fastest level (1, Arrow's default) when codec is "".
// The file records this generator, not the library's build, as its
// creator, so that its bytes depend on the generator version alone.
//
// A writer holds, until its row group is flushed, a page buffer of
// PageBufferSize and the compressed pages of each column; and, until the
// file is closed, the footer and page index: one entry per column chunk
// and page. Each dataset has about 330 columns open at once (the journal
// and 13 flow and subledger tables), so PageBufferSize and RowGroupRows
// set the memory a run holds, and the page index how it grows with volume.
//
// Page headers carry no statistics: the column index already holds each
// page's bounds, and the column chunk its own, so computing them a second
// time for the header would only cost time.
func ParquetOptions(codec string, level int) ([]parquet.WriterOption, error) {
	var c compress.Codec
	switch codec {
	case "", "zstd":
		l := zstd.SpeedFastest
		if codec == "zstd" {
			l = zstd.EncoderLevelFromZstd(level)
		}
		c = &zstdCodec{level: l}
	case "gzip":
		c = &pgzip.Codec{Level: level}
	case "lz4":
		c = &lz4.Codec{Level: []lz4.Level{lz4.Level1, lz4.Level2, lz4.Level3, lz4.Level4, lz4.Level5,
			lz4.Level6, lz4.Level7, lz4.Level8, lz4.Level9}[min(max(level, 1), 9)-1]}
	case "snappy":
		c = &snappy.Codec{}
	default:
		return nil, fmt.Errorf("table: unknown compression %q", codec)
	}
	return []parquet.WriterOption{
		parquet.Compression(c),
		parquet.CreatedBy("datasynth-data", genversion.Version, ""),
		parquet.MaxRowsPerRowGroup(RowGroupRows),
		parquet.DataPageStatistics(false),
		parquet.PageBufferSize(PageBufferSize),
	}, nil
}

// PageBufferSize is the uncompressed size at which a column's page is cut.
// parquet-go's default, 256 KiB, held up to 80 MB of buffers over the
// columns of a dataset; 32 KiB held a quarter of that, but its page index
// (about 130 bytes a page, kept until close) grew twice as fast with
// volume as at 64 KiB.
const PageBufferSize = 64 << 10

// RowGroupRows bounds the rows of one Parquet row group, and so the
// compressed pages a writer holds (about 2 MB a table at 64Ki rows); fewer
// rows a group would add footer entries (about 1 KB a column chunk, kept
// until close) faster than they save.
const RowGroupRows = 64 * 1024

// zstdWindow is the zstd window of Parquet pages: larger than any page
// (pages are cut at PageBufferSize), so that it changes nothing in the
// compression, while an encoder's history buffer stays at 1 MiB instead of
// the 16 MiB a default encoder allocates.
const zstdWindow = 512 << 10

// zstdCodec compresses Parquet pages with zstd, with an encoder taken from
// zstdIdle for each page. Literals are entropy-coded even in a block with
// no repeats: at the fastest level the library would otherwise store such
// a block raw, and a page of random identifiers (UUIDs, whose hex digits
// Huffman coding halves) would not shrink at all. On the bench config
// that makes a dataset's Parquet files 13% smaller for about 5% more
// instructions, which the fewer bytes to checksum and write pay back.
type zstdCodec struct {
	pzstd.Codec // String, CompressionCodec and Decode
	level       zstd.EncoderLevel
}

// zstdIdle holds the idle zstd encoders of the process by level. The
// tables of a dataset are written one page at a time, so a run uses one
// encoder where one per table held about 25 (each some hundreds of KiB of
// tables and history); concurrent runs each take their own. Unlike
// parquet-go's own codec, whose sync.Pool each garbage collection empties,
// encoders are kept, so none allocates its history twice. EncodeAll's
// output does not depend on the encoder's earlier use.
var zstdIdle struct {
	sync.Mutex
	free map[zstd.EncoderLevel][]*zstd.Encoder
}

func (c *zstdCodec) Encode(dst, src []byte) ([]byte, error) {
	zstdIdle.Lock()
	var enc *zstd.Encoder
	if free := zstdIdle.free[c.level]; len(free) > 0 {
		enc = free[len(free)-1]
		zstdIdle.free[c.level] = free[:len(free)-1]
	}
	zstdIdle.Unlock()
	if enc == nil {
		var err error
		enc, err = zstd.NewWriter(nil,
			zstd.WithEncoderLevel(c.level),
			zstd.WithEncoderConcurrency(1),
			zstd.WithWindowSize(zstdWindow),
			zstd.WithZeroFrames(true),
			zstd.WithEncoderCRC(false),
			zstd.WithAllLitEntropyCompression(true))
		if err != nil {
			return dst[:0], err
		}
	}
	dst = enc.EncodeAll(src, dst[:0])
	zstdIdle.Lock()
	if zstdIdle.free == nil {
		zstdIdle.free = map[zstd.EncoderLevel][]*zstd.Encoder{}
	}
	zstdIdle.free[c.level] = append(zstdIdle.free[c.level], enc)
	zstdIdle.Unlock()
	return dst, nil
}
