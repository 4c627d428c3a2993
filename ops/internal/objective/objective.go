// Package objective holds the recovery-time objectives of the operations
// page and the measured figures set beside them, so that `dsops restart`
// and `dsops drill` judge and print them the same way.
//
// An objective is met when the figure was measured and is below the
// target. A figure that could not be measured (the recovery never
// completed) is a miss, never a pass.
package objective

import (
	"fmt"
	"io"
	"text/tabwriter"
	"time"
)

// The targets of the disaster-recovery guide's table of recovery-time objectives.
const (
	// ServerProcess: a crashed or restarted server answers again.
	ServerProcess = 30 * time.Second
	// FullService: on Kubernetes, the Deployment is available again.
	FullService = 2 * time.Minute
	// ConfigRecovery: the configuration is back from its backup.
	ConfigRecovery = 5 * time.Minute
)

// Result is one objective with its measured figure.
type Result struct {
	Name   string  `json:"name"`
	Target float64 `json:"target_seconds"`
	// Measured is in seconds; negative when nothing could be measured.
	Measured float64 `json:"measured_seconds"`
	Met      bool    `json:"met"`
	// Detail says how the figure was measured, or why it is missing.
	Detail string `json:"detail,omitempty"`
}

// Measure judges a figure against a target.
func Measure(name string, target, measured time.Duration, detail string) Result {
	return Result{Name: name, Target: target.Seconds(), Measured: round(measured.Seconds()),
		Met: measured >= 0 && measured < target, Detail: detail}
}

// Missed is an objective whose figure could not be measured.
func Missed(name string, target time.Duration, why string) Result {
	return Result{Name: name, Target: target.Seconds(), Measured: -1, Detail: why}
}

// Exact is an objective that is met or not without a time, such as a
// recovery point of zero: the recovered data is identical or it is not.
// Target and Measured count differences.
func Exact(name string, differences int, detail string) Result {
	return Result{Name: name, Target: 0, Measured: float64(differences), Met: differences == 0, Detail: detail}
}

func round(s float64) float64 { return float64(int64(s*1000+0.5)) / 1000 }

// AllMet reports whether every objective was met; an empty list is not.
func AllMet(rs []Result) bool {
	for _, r := range rs {
		if !r.Met {
			return false
		}
	}
	return len(rs) > 0
}

// WriteTable prints the objectives as a table for a person.
func WriteTable(w io.Writer, rs []Result) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "objective\ttarget\tmeasured\tmet\tdetail")
	for _, r := range rs {
		met := "yes"
		if !r.Met {
			met = "NO"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", r.Name, r.target(), r.measured(), met, r.Detail)
	}
	return tw.Flush()
}

func (r Result) target() string {
	if r.Target == 0 {
		return "0 differences"
	}
	return "< " + time.Duration(r.Target*float64(time.Second)).String()
}

func (r Result) measured() string {
	switch {
	case r.Measured < 0:
		return "not measured"
	case r.Target == 0:
		return fmt.Sprintf("%d differences", int(r.Measured))
	}
	return fmt.Sprintf("%.3fs", r.Measured)
}
