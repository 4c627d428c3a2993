package metrics

import (
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus/testutil"
)

func TestCountersReachBothViews(t *testing.T) {
	s := New(Build{Version: "1.0", Commit: "abc", GeneratorVersion: "1.0.0"})
	s.EntriesBulk.Add(10)
	s.EntriesStream.Add(5)
	s.EntriesJob.Add(3)
	s.Anomalies.Add(2)
	s.StreamEvents.Add(5)
	s.Reload("sighup", false)
	s.Reload("api_post", true)

	snap := s.Snapshot()
	if snap.EntriesGenerated != 18 || snap.AnomaliesInjected != 2 || snap.ConfigReloadsFailed != 1 || snap.ConfigReloadsOK != 1 {
		t.Fatalf("snapshot %+v", snap)
	}
	// DataSynth's MetricsResponse fields read the same counters.
	if snap.TotalEntriesGenerated != 18 || snap.SessionEntries != 18 || snap.TotalAnomaliesInjected != 2 || snap.TotalStreamEvents != 5 ||
		snap.SessionEntriesPerSecond <= 0 {
		t.Fatalf("DataSynth's fields: %+v", snap)
	}
	// A POSTed config is not a reload of the file: the failed SIGHUP
	// reload still shows.
	if s.LastReloadSuccess.Load() {
		t.Fatal("last reload reported successful after a failed file reload")
	}
	want := `
# HELP synth_entries_generated_total Journal entries generated, by source (bulk, stream, job); bulk summaries count entries generated but not sent.
# TYPE synth_entries_generated_total counter
synth_entries_generated_total{source="bulk"} 10
synth_entries_generated_total{source="job"} 3
synth_entries_generated_total{source="stream"} 5
# HELP synth_config_reloads_total Config loads after start, by trigger (sighup, api_reload, api_post) and result (success, failure).
# TYPE synth_config_reloads_total counter
synth_config_reloads_total{result="failure",trigger="sighup"} 1
synth_config_reloads_total{result="success",trigger="api_post"} 1
# HELP synth_config_last_reload_successful 0 when the last config reload failed (the previous config is still in use), else 1.
# TYPE synth_config_last_reload_successful gauge
synth_config_last_reload_successful 0
`
	if err := testutil.GatherAndCompare(s.Registry, strings.NewReader(want),
		"synth_entries_generated_total", "synth_config_reloads_total", "synth_config_last_reload_successful"); err != nil {
		t.Fatal(err)
	}
	if n, err := testutil.GatherAndLint(s.Registry); err != nil || len(n) > 0 {
		t.Fatalf("lint: %v %v", n, err)
	}
}
