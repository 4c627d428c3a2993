// Package retention decides which backups to keep.
//
// The decision is a pure function of the list of backups and the retention
// window, so it can be tested exhaustively and printed as a plan before
// anything is deleted. The window is anchored to the newest complete backup
// of each kind, not to the clock: a machine whose backups stopped a month ago
// still keeps its last month of backups, and a wrong clock deletes nothing.
// The newest complete backup of a kind is always kept.
package retention

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Backup is one backup as found in a folder or bucket.
type Backup struct {
	Name string
	// Kind groups backups that replace each other ("output", "config",
	// "server.env"); each kind is anchored to its own newest backup.
	Kind string
	Time time.Time
	// Complete is true when the backup's checksum sidecar exists: the
	// sidecar is written last, so its presence marks a finished backup.
	Complete bool
}

// Decision is the verdict on one backup, with the reason in words.
type Decision struct {
	Backup
	Keep   bool
	Reason string
}

// Plan returns one decision per backup, grouped by kind (in name order) and
// newest first within a kind. A backup is kept if it is the newest complete
// backup of its kind, or no older than window before it. Incomplete backups
// newer than the anchor are kept so that a backup in progress is never
// removed. A kind without any complete backup is kept whole.
func Plan(backups []Backup, window time.Duration) []Decision {
	sorted := slices.Clone(backups)
	slices.SortStableFunc(sorted, func(a, b Backup) int {
		if c := cmp.Compare(a.Kind, b.Kind); c != 0 {
			return c
		}
		if c := b.Time.Compare(a.Time); c != 0 {
			return c
		}
		return cmp.Compare(b.Name, a.Name)
	})
	anchors := map[string]Backup{}
	for _, b := range sorted {
		if _, ok := anchors[b.Kind]; !ok && b.Complete {
			anchors[b.Kind] = b
		}
	}
	out := make([]Decision, 0, len(sorted))
	for _, b := range sorted {
		out = append(out, decide(b, anchors, window))
	}
	return out
}

func decide(b Backup, anchors map[string]Backup, window time.Duration) Decision {
	anchor, ok := anchors[b.Kind]
	w := FormatWindow(window)
	switch {
	case !ok:
		return Decision{b, true, fmt.Sprintf("no complete %s backup yet, so nothing of this kind is deleted", b.Kind)}
	case b.Name == anchor.Name:
		return Decision{b, true, "newest complete backup"}
	case b.Time.After(anchor.Time):
		return Decision{b, true, "incomplete (no .sha256 sidecar) and newer than the newest complete backup: left for the next run"}
	}
	age := anchor.Time.Sub(b.Time)
	at := anchor.Time.Format("2006-01-02 15:04")
	if h, m, sec := anchor.Time.Clock(); h == 0 && m == 0 && sec == 0 {
		// A backup named by its day alone.
		at = anchor.Time.Format("2006-01-02")
	}
	incomplete := ""
	if !b.Complete {
		incomplete = "incomplete (no .sha256 sidecar), "
	}
	if age <= window {
		return Decision{b, true, fmt.Sprintf("%swithin %s of the newest complete backup (%s)", incomplete, w, at)}
	}
	return Decision{b, false, fmt.Sprintf("%s%s older than the newest complete backup (%s), beyond the %s window", incomplete, FormatWindow(age), at, w)}
}

// ParseWindow reads a retention window: a number of days ("30d"), weeks
// ("4w") or a Go duration ("36h"). It must be at least one hour.
// time.ParseDuration does the parsing; the only addition is the two suffixes
// it lacks (d and w), which the operations page's "30 days" needs: too little
// to justify a dependency.
func ParseWindow(s string) (time.Duration, error) {
	s = strings.TrimSpace(s)
	var d time.Duration
	var err error
	switch {
	case strings.HasSuffix(s, "d"), strings.HasSuffix(s, "w"):
		unit := 24 * time.Hour
		if strings.HasSuffix(s, "w") {
			unit *= 7
		}
		var n int
		n, err = strconv.Atoi(s[:len(s)-1])
		if err == nil && n > 100000 {
			err = fmt.Errorf("too large")
		}
		d = time.Duration(n) * unit
	default:
		d, err = time.ParseDuration(s)
	}
	if err != nil {
		return 0, fmt.Errorf("retention %q: not a window; write it as 30d, 4w or 36h", s)
	}
	if d < time.Hour {
		return 0, fmt.Errorf("retention %q: must be at least 1h so the newest backups survive", s)
	}
	return d, nil
}

// FormatWindow writes a duration in whole days when it is one ("30d"), and
// as a Go duration otherwise.
func FormatWindow(d time.Duration) string {
	if d%(24*time.Hour) == 0 {
		return fmt.Sprintf("%dd", d/(24*time.Hour))
	}
	if d > 48*time.Hour {
		return fmt.Sprintf("%.1fd", d.Hours()/24)
	}
	return d.String()
}
