package table

import (
	"fmt"

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
// or with zstd at its default level when codec is "", as DataSynth's Parquet
// writer does. The file records this generator, not the library's build,
// as its creator, so that its bytes depend on the generator version alone.
func ParquetOptions(codec string, level int) ([]parquet.WriterOption, error) {
	var c compress.Codec
	switch codec {
	case "", "zstd":
		l := pzstd.SpeedDefault
		if codec == "zstd" {
			l = zstd.EncoderLevelFromZstd(level)
		}
		// One goroutine per encoder: the same bytes whatever the machine.
		c = &pzstd.Codec{Level: l, Concurrency: 1}
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
	}, nil
}
