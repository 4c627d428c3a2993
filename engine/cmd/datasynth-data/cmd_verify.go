package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"datasynth.dev/engine/table"
	"datasynth.dev/verify"
	"datasynth.dev/verify/manifest"
	"github.com/schollz/progressbar/v3"
	"github.com/spf13/cobra"
)

func newVerifyCmd(g *globals) *cobra.Command {
	var dir string
	var checksums, counts bool
	cmd := &cobra.Command{
		Use:   "verify [--output DIR] [--checksums] [--record-counts]",
		Short: "Check a generated dataset against its run manifest",
		Long: `Check a dataset folder written by generate against its run_manifest.json,
as DataSynth's verify does: every file the manifest lists must exist. With
--checksums each file must also have the recorded size and SHA-256, and the
folder no file the manifest does not list. With --record-counts each file is
read and its records counted: CSV rows after the header, JSON Lines lines,
the objects of a JSON array (1 for a single object), Parquet rows; gzip and
zstd files are read through their compression. A count that differs fails
(DataSynth only warns: its counts are approximate, these are exact).

Problems are listed one per line as MARK PATH (DETAIL), then a summary;
--verbose lists the files that pass too. To compare a dataset with another
copy of it, or with a pinned lock, use dsops verify.` + exitCodes(
			"0", "every check passed",
			"1", "a check failed: a file missing, changed, unlisted or with another\n       record count",
			"2", "no manifest to check against (not a dataset folder), or bad flags",
			"130", "interrupted by SIGINT or SIGTERM before the checks ended"),
		Example: `  datasynth-data verify --output ./output
  datasynth-data verify -o ./output --checksums --record-counts`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			out := cmd.OutOrStdout()
			m, err := readManifest(dir)
			if err != nil {
				return invalid(err)
			}
			fmt.Fprintf(out, "%s: generator %s, seed %d, %d files\n", verify.QuoteName(dir), m.GeneratorVersion, m.Seed, len(m.OutputFiles))
			failed := 0
			if checksums {
				r, err := verify.CheckManifest(cmd.Context(), dir, verify.Options{})
				if err != nil {
					return err
				}
				if err := r.WriteText(out, g.verbose); err != nil {
					return err
				}
				if !r.Identical() {
					failed++
				}
			} else {
				missing := 0
				for _, f := range m.OutputFiles {
					fi, err := os.Stat(filepath.Join(dir, filepath.FromSlash(f.Path)))
					switch {
					case err != nil:
						fmt.Fprintf(out, "- %s (%v)\n", verify.QuoteName(f.Path), errors.Unwrap(err))
						missing++
					case !fi.Mode().IsRegular():
						fmt.Fprintf(out, "! %s (%s, not a file)\n", verify.QuoteName(f.Path), verify.TypeName(fi.Mode()))
						missing++
					}
				}
				if missing > 0 {
					fmt.Fprintf(out, "missing: %d of %d files\n", missing, len(m.OutputFiles))
					failed++
				} else {
					fmt.Fprintf(out, "present: %d files\n", len(m.OutputFiles))
				}
			}
			if counts {
				wrong := 0
				// Counting reads every byte; on a terminal a bar shows
				// how far it got, by the bytes the manifest records.
				var bar *progressbar.ProgressBar
				if stderr := cmd.ErrOrStderr(); isTerminal(stderr) {
					var total int64
					for _, f := range m.OutputFiles {
						total += f.SizeBytes
					}
					bar = progressbar.NewOptions64(total,
						progressbar.OptionSetWriter(stderr),
						progressbar.OptionSetDescription("counting records"),
						progressbar.OptionShowBytes(true),
						progressbar.OptionThrottle(100*time.Millisecond),
						progressbar.OptionClearOnFinish())
				}
				for _, f := range m.OutputFiles {
					n, err := table.CountRecords(cmd.Context(), filepath.Join(dir, filepath.FromSlash(f.Path)), f.Format)
					switch {
					case cmd.Context().Err() != nil:
						return cmd.Context().Err()
					case err != nil:
						fmt.Fprintf(out, "! %s (records cannot be counted: %v; regenerate the file or restore it)\n", verify.QuoteName(f.Path), err)
						wrong++
					case n != f.RecordCount:
						fmt.Fprintf(out, "* %s (%d records, the manifest says %d)\n", verify.QuoteName(f.Path), n, f.RecordCount)
						wrong++
					case g.verbose:
						fmt.Fprintf(out, "= %s (%d records)\n", verify.QuoteName(f.Path), n)
					}
					if bar != nil {
						_ = bar.Add64(f.SizeBytes)
					}
				}
				if bar != nil {
					_ = bar.Finish()
				}
				if wrong > 0 {
					fmt.Fprintf(out, "record counts: %d of %d files differ from the manifest\n", wrong, len(m.OutputFiles))
					failed++
				} else {
					fmt.Fprintf(out, "record counts: %d files as the manifest says\n", len(m.OutputFiles))
				}
			}
			if failed > 0 {
				return &exitError{exitFailure, errors.New("verification failed")}
			}
			fmt.Fprintln(out, "verification passed")
			return nil
		},
	}
	cmd.Flags().StringVarP(&dir, "output", "o", "./output", "dataset folder to check")
	cmd.PreRunE = func(*cobra.Command, []string) error {
		if dir == "" {
			return invalid(errors.New("--output is empty; give the folder generate wrote"))
		}
		return nil
	}
	cmd.Flags().BoolVar(&checksums, "checksums", false, "check each file's size and SHA-256, and that no file is unlisted")
	cmd.Flags().BoolVar(&counts, "record-counts", false, "count each file's records and compare with the manifest")
	return cmd
}

// readManifest reads the run manifest of the dataset folder dir, with an
// error that says what to give instead when dir is none.
func readManifest(dir string) (*manifest.Manifest, error) {
	q := verify.QuoteName(dir)
	fi, err := os.Stat(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil, fmt.Errorf("%s does not exist: give the folder generate wrote with --output", q)
	case err != nil:
		return nil, err
	case !fi.IsDir():
		return nil, fmt.Errorf("%s is a %s, not a folder: give the folder generate wrote with --output", q, verify.TypeName(fi.Mode()))
	}
	m, err := manifest.Read(filepath.Join(dir, manifest.FileName))
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil, fmt.Errorf("%s has no %s: give the folder generate wrote with --output", q, manifest.FileName)
	case err != nil:
		return nil, fmt.Errorf("%w; the run manifest is damaged: regenerate the dataset or restore it", err)
	}
	return m, nil
}
