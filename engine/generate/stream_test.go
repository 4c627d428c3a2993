package generate

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"datasynth.dev/engine/config"
	"datasynth.dev/engine/internal/csvrow"
	"datasynth.dev/engine/ledger"
)

// TestJournalMatchesRun checks that the streaming API gives the bytes of
// the files Run writes, for every reference config and several thread
// counts.
func TestJournalMatchesRun(t *testing.T) {
	configs, _ := filepath.Glob("testdata/golden/*.yaml")
	for _, file := range configs {
		cfg := load(t, file)
		// The stream API's bytes are the plain CSV files.
		cfg.Output.Formats, cfg.Output.Compression = []string{"csv"}, ""
		res := gen(t, cfg, 2)
		wantJE, err := os.ReadFile(filepath.Join(res.Dir, "journal_entries.csv"))
		if err != nil {
			t.Fatal(err)
		}
		wantLabels, _ := os.ReadFile(filepath.Join(res.Dir, "labels", "anomaly_labels.csv"))
		for _, threads := range []int{1, 3} {
			var je, labels bytes.Buffer
			je.Write(JournalHeader())
			if cfg.Fraud.Enabled {
				labels.Write(LabelHeader())
			}
			st, err := Journal(context.Background(), StreamOptions{Config: cfg, Seed: cfg.Global.Seed, Threads: threads}, func(b *ledger.Block) error {
				je.Write(b.CSV)
				labels.Write(b.Labels)
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(je.Bytes(), wantJE) {
				t.Errorf("%s, %d threads: streamed journal differs from journal_entries.csv", file, threads)
			}
			if !bytes.Equal(labels.Bytes(), wantLabels) {
				t.Errorf("%s, %d threads: streamed labels differ from anomaly_labels.csv", file, threads)
			}
			if st.JournalEntries != res.Manifest.Statistics.JournalEntries || st.LineItems != res.Manifest.Statistics.LineItems {
				t.Errorf("%s: statistics %+v, manifest %+v", file, st, res.Manifest.Statistics)
			}
		}

		files := map[string]*bytes.Buffer{}
		err = MasterData(context.Background(), StreamOptions{Config: cfg, Seed: cfg.Global.Seed}, func(mt *MasterTable, row []byte) error {
			b := files[mt.Path]
			if b == nil {
				b = bytes.NewBuffer(csvrow.Header(mt.Columns...))
				files[mt.Path] = b
			}
			b.Write(row)
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if len(files) < 6 {
			t.Fatalf("%s: %d master files streamed", file, len(files))
		}
		for path, b := range files {
			want, err := os.ReadFile(filepath.Join(res.Dir, filepath.FromSlash(path)))
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(b.Bytes(), want) {
				t.Errorf("%s: streamed %s differs", file, path)
			}
		}
	}
}

func TestJournalStops(t *testing.T) {
	cfg, err := config.Demo()
	if err != nil {
		t.Fatal(err)
	}
	stop := errors.New("enough")
	n := 0
	st, err := Journal(context.Background(), StreamOptions{Config: cfg, Seed: 1, Threads: 2}, func(*ledger.Block) error {
		if n++; n == 3 {
			return stop
		}
		return nil
	})
	if !errors.Is(err, stop) || st.JournalEntries != 2*ledger.BlockSize {
		t.Fatalf("got %v after %d entries, want %v after %d", err, st.JournalEntries, stop, 2*ledger.BlockSize)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Journal(ctx, StreamOptions{Config: cfg, Seed: 1}, func(*ledger.Block) error { return nil }); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled stream: got %v", err)
	}
}
