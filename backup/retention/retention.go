// Package retention decides which backups to keep.
//
// The decision is a pure function of the list of backups and a Policy, so
// it can be tested exhaustively and printed as a plan before anything is
// deleted. The window is anchored to the newest complete backup of each
// kind, not to the clock: a machine whose backups stopped a month ago still
// keeps its last month of backups.
//
// A clock is still consulted, for one purpose only: a backup whose name is
// dated more than FutureTolerance after the run's clock (written by a host
// whose clock ran ahead, or read by a host whose clock is behind) is
// suspect. It is kept, reported, and never used as the anchor, so a
// future-dated backup cannot push the window forward and make retention
// delete the backups around it. Backups the run names as protected (the one
// it has just written, or the one it found unchanged and relies on) are kept
// whatever their date. The newest complete backup of a kind that is not in
// the future is always kept.
package retention

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// FutureTolerance is how far after the run's clock a backup's date may lie
// before the backup is treated as suspect. Backup names carry the local
// time of the host that wrote them, so a host a few time zones east of the
// reader also looks a few hours ahead until the reader's day catches up; it
// is kept and reported just the same.
const FutureTolerance = time.Hour

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

// Policy is what retention keeps.
type Policy struct {
	// Window is how long before the anchor backups are kept.
	Window time.Duration
	// Now is the run's clock. Backups dated more than FutureTolerance after
	// it are suspect: kept, flagged and never the anchor.
	Now time.Time
	// Protect names backups kept whatever their date or age: what this run
	// has just written, or found unchanged and relies on.
	Protect []string
}

// Decision is the verdict on one backup, with the reason in words.
type Decision struct {
	Backup
	Keep bool
	// Future is set for a backup dated more than FutureTolerance after the
	// run's clock.
	Future bool
	Reason string
}

// Plan returns one decision per backup, grouped by kind (in name order) and
// newest first within a kind. A backup is kept if it is protected, dated in
// the future, the anchor (the newest complete backup of its kind that is not
// in the future), or no older than the window before the anchor. Incomplete
// backups newer than the anchor are kept so that a backup in progress is
// never removed. A kind without an anchor is kept whole.
func Plan(backups []Backup, p Policy) []Decision {
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
	limit := p.Now.Add(FutureTolerance)
	future := func(b Backup) bool { return b.Time.After(limit) }
	anchors := map[string]Backup{}
	for _, b := range sorted {
		if _, ok := anchors[b.Kind]; !ok && b.Complete && !future(b) {
			anchors[b.Kind] = b
		}
	}
	out := make([]Decision, 0, len(sorted))
	for _, b := range sorted {
		switch {
		case future(b):
			out = append(out, Decision{b, true, true, fmt.Sprintf("dated %s, more than %s after this host's clock (%s): kept, and not used as the newest backup; check the clock of the host that wrote it",
				b.Time.Format("2006-01-02 15:04"), FormatWindow(FutureTolerance), p.Now.Format("2006-01-02 15:04"))})
		default:
			d := decide(b, anchors, p.Window)
			if !d.Keep && slices.Contains(p.Protect, b.Name) {
				d.Keep, d.Reason = true, "taken or confirmed by this run, so kept although "+d.Reason
			}
			out = append(out, d)
		}
	}
	return out
}

// Future returns the decisions that flag a future-dated backup.
func Future(plan []Decision) []Decision {
	var out []Decision
	for _, d := range plan {
		if d.Future {
			out = append(out, d)
		}
	}
	return out
}

func decide(b Backup, anchors map[string]Backup, window time.Duration) Decision {
	anchor, ok := anchors[b.Kind]
	w := FormatWindow(window)
	switch {
	case !ok:
		return Decision{Backup: b, Keep: true, Reason: fmt.Sprintf("no complete %s backup yet, so nothing of this kind is deleted", b.Kind)}
	case b.Name == anchor.Name:
		return Decision{Backup: b, Keep: true, Reason: "newest complete backup"}
	case b.Time.After(anchor.Time):
		return Decision{Backup: b, Keep: true, Reason: "incomplete (no .sha256 sidecar) and newer than the newest complete backup: left for the next run"}
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
		return Decision{Backup: b, Keep: true, Reason: fmt.Sprintf("%swithin %s of the newest complete backup (%s)", incomplete, w, at)}
	}
	return Decision{Backup: b, Reason: fmt.Sprintf("%s%s older than the newest complete backup (%s), beyond the %s window", incomplete, FormatWindow(age), at, w)}
}

// ParseWindow reads a retention window: a number of days ("30d"), weeks
// ("4w") or a Go duration ("36h"). It must be at least one hour.
// time.ParseDuration does the parsing; the only addition is the two suffixes
// it lacks (d and w), which a "30 days" window needs: too little
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
