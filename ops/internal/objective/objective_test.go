package objective

import (
	"bytes"
	"strings"
	"testing"
	"time"
)

func TestMeasure(t *testing.T) {
	for _, tt := range []struct {
		name     string
		r        Result
		met      bool
		measured float64
	}{
		{"under", Measure("server process", ServerProcess, 1234*time.Millisecond, ""), true, 1.234},
		{"at the target is a miss", Measure("server process", ServerProcess, ServerProcess, ""), false, 30},
		{"over", Measure("config", ConfigRecovery, 6*time.Minute, ""), false, 360},
		{"not measured", Missed("server process", ServerProcess, "never came back"), false, -1},
		{"identical", Exact("regeneration RPO", 0, ""), true, 0},
		{"differences", Exact("regeneration RPO", 3, ""), false, 3},
	} {
		if tt.r.Met != tt.met || tt.r.Measured != tt.measured {
			t.Errorf("%s: met %v measured %v, want %v %v", tt.name, tt.r.Met, tt.r.Measured, tt.met, tt.measured)
		}
	}
	if AllMet(nil) {
		t.Error("AllMet(nil): an empty list met nothing")
	}
	if AllMet([]Result{Exact("a", 0, ""), Exact("b", 1, "")}) || !AllMet([]Result{Exact("a", 0, "")}) {
		t.Error("AllMet")
	}
}

func TestWriteTable(t *testing.T) {
	var buf bytes.Buffer
	err := WriteTable(&buf, []Result{
		Measure("server process", ServerProcess, 250*time.Millisecond, "kill to ready"),
		Missed("config recovery", ConfigRecovery, "restore failed"),
		Exact("regeneration RPO", 0, "dsops verify"),
	})
	if err != nil {
		t.Fatal(err)
	}
	want := `objective         target         measured       met  detail
server process    < 30s          0.250s         yes  kill to ready
config recovery   < 5m0s         not measured   NO   restore failed
regeneration RPO  0 differences  0 differences  yes  dsops verify
`
	if got := buf.String(); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, strings.TrimSpace(want))
	}
}
