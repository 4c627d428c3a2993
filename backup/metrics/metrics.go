// Package metrics writes the result of a backup run as a node_exporter
// textfile (https://github.com/prometheus/node_exporter#textfile-collector).
//
// The file is replaced atomically after every run, so the collector never
// reads half a file. The last success timestamp survives failed runs: it is
// read back from the previous file, which is what an alert such as
// `time() - dsops_backup_last_success_timestamp_seconds > 26*3600` needs.
package metrics

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"datasynth.dev/verify/atomicfile"
)

// Metric names.
const (
	LastSuccess = "dsops_backup_last_success_timestamp_seconds"
	LastRun     = "dsops_backup_last_run_timestamp_seconds"
	Duration    = "dsops_backup_last_run_duration_seconds"
	Success     = "dsops_backup_last_run_success"
	Bytes       = "dsops_backup_last_run_bytes"
	Files       = "dsops_backup_last_run_files"
	Uploaded    = "dsops_backup_last_run_uploaded_bytes"
	Damaged     = "dsops_backup_damaged_backups"
	Future      = "dsops_backup_future_dated_backups"
	// Recipe metrics, written when the output was considered as a recipe.
	RecipeStored    = "dsops_backup_recipe_stored_bytes"
	RecipeDescribed = "dsops_backup_recipe_described_bytes"
	ProofTime       = "dsops_backup_recipe_last_proof_timestamp_seconds"
	ProofSuccess    = "dsops_backup_recipe_last_proof_success"
)

// Recipe describes the recipe a run considered for the output folder.
type Recipe struct {
	// Stored is the size of the recipe backup; Described the size of the
	// output it stands for.
	Stored, Described int64
	// ProvenAt and Proven are the last proof's time and result.
	ProvenAt time.Time
	Proven   bool
}

// Run is what one backup run reports.
type Run struct {
	Start    time.Time
	Duration time.Duration
	// Bytes and Files describe the newest output backup (new or unchanged).
	Bytes int64
	Files int
	// UploadedBytes counts what this run sent to S3.
	UploadedBytes int64
	// Damaged counts backups this run found damaged (and renamed aside);
	// Future counts backups dated in the future, locally and on S3.
	Damaged int
	Future  int
	// Recipe is set when the output was considered as a recipe.
	Recipe *Recipe
	Err    error
}

// Write replaces the textfile at path with the metrics of r.
func Write(path string, r Run) error {
	reg := prometheus.NewRegistry()
	gauge := func(name, help string, v float64) {
		g := prometheus.NewGauge(prometheus.GaugeOpts{Name: name, Help: help})
		g.Set(v)
		reg.MustRegister(g)
	}
	end := r.Start.Add(r.Duration)
	ok := 0.0
	last := float64(end.UnixMilli()) / 1000
	if r.Err == nil {
		ok = 1
	} else {
		prev, err := previousSuccess(path)
		if err != nil {
			return err
		}
		last = prev
	}
	if last > 0 {
		gauge(LastSuccess, "Unix time at which the last successful dsops backup finished.", last)
	}
	gauge(LastRun, "Unix time at which the last dsops backup run finished.", float64(end.UnixMilli())/1000)
	gauge(Duration, "Duration of the last dsops backup run.", r.Duration.Seconds())
	gauge(Success, "1 if the last dsops backup run succeeded, 0 if it failed.", ok)
	gauge(Bytes, "Size of the newest output archive.", float64(r.Bytes))
	gauge(Files, "Number of files in the newest output archive.", float64(r.Files))
	gauge(Uploaded, "Bytes uploaded to S3 by the last run.", float64(r.UploadedBytes))
	gauge(Damaged, "Backups the last run found damaged (their checksum does not match their sidecar) and renamed aside.", float64(r.Damaged))
	gauge(Future, "Backups dated in the future of this host's clock, seen by the last run locally and on S3; kept, never taken as the newest.", float64(r.Future))
	if rec := r.Recipe; rec != nil {
		gauge(RecipeDescribed, "Size of the output folder the recipe stands for.", float64(rec.Described))
		if rec.Stored > 0 {
			gauge(RecipeStored, "Size of the recipe backup that stands for the output folder.", float64(rec.Stored))
		}
		if !rec.ProvenAt.IsZero() {
			ok := 0.0
			if rec.Proven {
				ok = 1
			}
			gauge(ProofTime, "Unix time of the last proof that regenerating from the recipe gives the output's bytes.", float64(rec.ProvenAt.UnixMilli())/1000)
			gauge(ProofSuccess, "1 if the last proof gave the same bytes, 0 if not.", ok)
		}
	}

	mfs, err := reg.Gather()
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	for _, mf := range mfs {
		if _, err := expfmt.MetricFamilyToText(&buf, mf); err != nil {
			return err
		}
	}
	if err := atomicfile.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		return fmt.Errorf("--metrics-file %s: %w (the folder must exist and be writable; node_exporter reads *.prom files from its --collector.textfile.directory)", path, err)
	}
	return nil
}

// previousSuccess reads the last success timestamp from an earlier file, or
// 0 if there is none.
func previousSuccess(path string) (float64, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	p := expfmt.NewTextParser(model.UTF8Validation)
	mfs, err := p.TextToMetricFamilies(bytes.NewReader(data))
	if err != nil {
		// A damaged file is replaced; the timestamp is lost, which an
		// alert on its absence catches.
		return 0, nil
	}
	mf, ok := mfs[LastSuccess]
	if !ok || len(mf.GetMetric()) == 0 {
		return 0, nil
	}
	return mf.GetMetric()[0].GetGauge().GetValue(), nil
}
