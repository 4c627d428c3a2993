package metrics

import (
	"errors"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
)

func TestWriteKeepsLastSuccessAcrossFailures(t *testing.T) {
	path := filepath.Join(t.TempDir(), "dsops_backup.prom")
	start := time.Unix(1_764_000_000, 0)
	if err := Write(path, Run{Start: start, Duration: 2500 * time.Millisecond, Bytes: 1234, Files: 7, UploadedBytes: 1234}); err != nil {
		t.Fatal(err)
	}
	want := `
# HELP dsops_backup_last_run_success 1 if the last dsops backup run succeeded, 0 if it failed.
# TYPE dsops_backup_last_run_success gauge
dsops_backup_last_run_success 1
# HELP dsops_backup_last_success_timestamp_seconds Unix time at which the last successful dsops backup finished.
# TYPE dsops_backup_last_success_timestamp_seconds gauge
dsops_backup_last_success_timestamp_seconds 1.7640000025e+09
# HELP dsops_backup_last_run_files Number of files in the newest output archive.
# TYPE dsops_backup_last_run_files gauge
dsops_backup_last_run_files 7
`
	check(t, path, want, Success, LastSuccess, Files)

	if err := Write(path, Run{Start: start.Add(24 * time.Hour), Duration: time.Second, Err: errors.New("upload failed")}); err != nil {
		t.Fatal(err)
	}
	want = `
# HELP dsops_backup_last_run_success 1 if the last dsops backup run succeeded, 0 if it failed.
# TYPE dsops_backup_last_run_success gauge
dsops_backup_last_run_success 0
# HELP dsops_backup_last_success_timestamp_seconds Unix time at which the last successful dsops backup finished.
# TYPE dsops_backup_last_success_timestamp_seconds gauge
dsops_backup_last_success_timestamp_seconds 1.7640000025e+09
# HELP dsops_backup_last_run_timestamp_seconds Unix time at which the last dsops backup run finished.
# TYPE dsops_backup_last_run_timestamp_seconds gauge
dsops_backup_last_run_timestamp_seconds 1.764086401e+09
`
	check(t, path, want, Success, LastSuccess, LastRun)
	entries, _ := os.ReadDir(filepath.Dir(path))
	if len(entries) != 1 {
		t.Errorf("folder holds %d files, want only the textfile", len(entries))
	}
}

func TestFailureWithoutEarlierSuccessHasNoTimestamp(t *testing.T) {
	path := filepath.Join(t.TempDir(), "dsops_backup.prom")
	if err := Write(path, Run{Start: time.Unix(1_764_000_000, 0), Err: errors.New("x")}); err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(path)
	if strings.Contains(string(data), LastSuccess) {
		t.Errorf("a failed first run reported a success timestamp:\n%s", data)
	}
}

func TestUnwritableFolder(t *testing.T) {
	err := Write(filepath.Join(t.TempDir(), "missing", "x.prom"), Run{Start: time.Now()})
	if err == nil || !strings.Contains(err.Error(), "--metrics-file") {
		t.Fatalf("error = %v, want one naming --metrics-file", err)
	}
}

func check(t *testing.T, path, want string, names ...string) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	fromFile := prometheus.GathererFunc(func() ([]*dto.MetricFamily, error) {
		p := expfmt.NewTextParser(model.UTF8Validation)
		mfs, err := p.TextToMetricFamilies(f)
		if err != nil {
			return nil, err
		}
		var out []*dto.MetricFamily
		for _, mf := range mfs {
			out = append(out, mf)
		}
		sort.Slice(out, func(i, j int) bool { return out[i].GetName() < out[j].GetName() })
		return out, nil
	})
	if err := testutil.GatherAndCompare(fromFile, strings.NewReader(want), names...); err != nil {
		t.Error(err)
	}
}
