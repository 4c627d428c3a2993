package ledger

import (
	"bytes"
	"regexp"
	"testing"
	"time"

	"datasynth.dev/engine/chart"
	"datasynth.dev/engine/config"
)

func demoLedger(t testing.TB) (*Ledger, *config.Config) {
	t.Helper()
	cfg, err := config.Demo()
	if err != nil {
		t.Fatal(err)
	}
	ch, err := chart.Build(cfg.Global.Industry, 100, true)
	if err != nil {
		t.Fatal(err)
	}
	return New(cfg, cfg.Global.Seed, ch), cfg
}

func TestAppendUUID(t *testing.T) {
	re := regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)
	for _, v := range [][2]uint64{{0, 0}, {^uint64(0), ^uint64(0)}, {0x0123456789abcdef, 0xfedcba9876543210}} {
		if s := string(appendUUID(nil, v[0], v[1])); !re.MatchString(s) {
			t.Errorf("appendUUID(%x, %x) = %s", v[0], v[1], s)
		}
	}
}

func TestDaysToMonthEnd(t *testing.T) {
	day := func(s string) time.Time { d, _ := time.Parse(time.DateOnly, s); return d }
	for _, c := range []struct {
		date string
		want int
	}{{"2024-05-31", 0}, {"2024-05-27", 4}, {"2024-02-29", 0}, {"2023-02-28", 0}, {"2024-02-01", 28}, {"2024-12-30", 1}} {
		if got := daysToMonthEnd(day(c.date)); got != c.want {
			t.Errorf("daysToMonthEnd(%s) = %d, want %d", c.date, got, c.want)
		}
	}
}

// TestBlockIndependence generates blocks out of order and with reused
// buffers: each block's bytes must not depend on what ran before.
func TestBlockIndependence(t *testing.T) {
	l, _ := demoLedger(t)
	n := l.Blocks(0)
	if n < 3 {
		t.Fatalf("demo has %d blocks, need 3", n)
	}
	fresh := make([][]byte, n)
	for b := range n {
		var blk Block
		l.Generate(0, b, &blk)
		blk.EncodeCSV()
		fresh[b] = bytes.Clone(blk.CSV)
	}
	var reused Block
	for b := n - 1; b >= 0; b-- {
		l.Generate(0, b, &reused)
		reused.EncodeCSV()
		if !bytes.Equal(reused.CSV, fresh[b]) {
			t.Fatalf("block %d differs when generated after block %d", b, b+1)
		}
	}
	var total int64
	s := l.NewSettlement()
	for b := range n {
		var blk Block
		l.Generate(0, b, &blk)
		l.Settle(s, &blk)
		total += blk.Entries
	}
	if total != l.Entries(0) {
		t.Fatalf("blocks hold %d entries, want %d", total, l.Entries(0))
	}
}

// BenchmarkBlock measures journal-entry generation and formatting alone,
// without I/O: lines per second per core.
func BenchmarkBlock(b *testing.B) {
	l, _ := demoLedger(b)
	var blk Block
	var lines, bytesOut int64
	b.ResetTimer()
	for i := range b.N {
		l.Generate(0, int64(i)%l.Blocks(0), &blk)
		blk.EncodeCSV()
		lines += blk.Lines
		bytesOut += int64(len(blk.CSV))
	}
	b.ReportMetric(float64(lines)/b.Elapsed().Seconds(), "lines/s")
	b.SetBytes(bytesOut / int64(b.N))
}
