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
// or with zstd at level 3 when codec is "", as DataSynth's Parquet writer
// does. The file records this generator, not the library's build, as its
// creator, so that its bytes depend on the generator version alone.
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
	}, nil
}

// zstdWindow is the zstd window of Parquet pages: larger than any page
// (pages are cut at parquet-go's 256 KiB page buffer), so that it changes
// nothing in the compression, while the encoder's history buffer stays at
// 1 MiB instead of the 16 MiB a default encoder allocates.
const zstdWindow = 512 << 10

// zstdCodec compresses Parquet pages with zstd. It keeps one encoder for
// the life of the writer: parquet-go's own codec keeps its encoders in a
// pool that each garbage collection empties, and every new encoder
// allocated its 16 MiB history again. zstd.Encoder.EncodeAll is safe for
// concurrent use and its output does not depend on the number of
// goroutines using it.
type zstdCodec struct {
	pzstd.Codec // String, CompressionCodec and Decode
	level       zstd.EncoderLevel
	once        sync.Once
	enc         *zstd.Encoder
	err         error
}

func (c *zstdCodec) Encode(dst, src []byte) ([]byte, error) {
	c.once.Do(func() {
		c.enc, c.err = zstd.NewWriter(nil,
			zstd.WithEncoderLevel(c.level),
			zstd.WithEncoderConcurrency(1),
			zstd.WithWindowSize(zstdWindow),
			zstd.WithZeroFrames(true),
			zstd.WithEncoderCRC(false))
	})
	if c.err != nil {
		return dst[:0], c.err
	}
	return c.enc.EncodeAll(src, dst[:0]), nil
}
