package retention

import (
	"strings"
	"testing"
	"time"
)

func day(d int) time.Time { return time.Date(2026, 11, d, 2, 0, 0, 0, time.UTC) }

func TestPlan(t *testing.T) {
	const window = 30 * 24 * time.Hour
	oct := func(d int) time.Time { return time.Date(2026, 10, d, 2, 0, 0, 0, time.UTC) }
	type want struct {
		name   string
		keep   bool
		reason string
	}
	tests := []struct {
		name    string
		backups []Backup
		want    []want
	}{
		{
			name:    "empty",
			backups: nil,
			want:    nil,
		},
		{
			name:    "single old backup is the newest and survives",
			backups: []Backup{{Name: "o-old", Kind: "output", Time: oct(1).AddDate(-1, 0, 0), Complete: true}},
			want:    []want{{"o-old", true, "newest complete backup"}},
		},
		{
			name: "anchored to the newest, not the clock",
			backups: []Backup{
				{Name: "o-oct01", Kind: "output", Time: oct(1), Complete: true},
				{Name: "o-aug31", Kind: "output", Time: oct(1).AddDate(0, 0, -31), Complete: true},
				{Name: "o-aug01", Kind: "output", Time: oct(1).AddDate(0, -2, 0), Complete: true},
			},
			want: []want{
				{"o-oct01", true, "newest complete backup"},
				{"o-aug31", false, "31d older than the newest complete backup (2026-10-01 02:00), beyond the 30d window"},
				{"o-aug01", false, "61d older"},
			},
		},
		{
			name: "exactly at the window edge is kept",
			backups: []Backup{
				{Name: "o-nov25", Kind: "output", Time: day(25), Complete: true},
				{Name: "o-oct26", Kind: "output", Time: oct(26), Complete: true},
				{Name: "o-oct25", Kind: "output", Time: oct(25).Add(-time.Minute), Complete: true},
			},
			want: []want{
				{"o-nov25", true, "newest"},
				{"o-oct26", true, "within 30d of the newest complete backup (2026-11-25 02:00)"},
				{"o-oct25", false, "beyond the 30d window"},
			},
		},
		{
			name: "incomplete newest is left, anchor is the newest complete",
			backups: []Backup{
				{Name: "o-nov25", Kind: "output", Time: day(25), Complete: false},
				{Name: "o-nov24", Kind: "output", Time: day(24), Complete: true},
				{Name: "o-oct01", Kind: "output", Time: oct(1), Complete: false},
			},
			want: []want{
				{"o-nov25", true, "incomplete (no .sha256 sidecar) and newer"},
				{"o-nov24", true, "newest complete backup"},
				{"o-oct01", false, "incomplete (no .sha256 sidecar), 54d older"},
			},
		},
		{
			name: "no complete backup keeps everything",
			backups: []Backup{
				{Name: "o-a", Kind: "output", Time: day(1)},
				{Name: "o-b", Kind: "output", Time: oct(1).AddDate(-1, 0, 0)},
			},
			want: []want{
				{"o-a", true, "no complete output backup yet"},
				{"o-b", true, "no complete output backup yet"},
			},
		},
		{
			name: "kinds are anchored separately",
			backups: []Backup{
				{Name: "o-nov25", Kind: "output", Time: day(25), Complete: true},
				{Name: "e-sep01", Kind: "server.env", Time: oct(1).AddDate(0, -1, 0), Complete: true},
				{Name: "e-aug01", Kind: "server.env", Time: oct(1).AddDate(0, -2, 0), Complete: true},
				{Name: "o-oct01", Kind: "output", Time: oct(1), Complete: true},
			},
			want: []want{
				{"o-nov25", true, "newest"},
				{"o-oct01", false, "55d older"},
				{"e-sep01", true, "newest"},
				{"e-aug01", false, "31d older"},
			},
		},
		{
			name: "an anchor named by its day alone is shown as a day",
			backups: []Backup{
				{Name: "output-2026-11-25.tar.gz", Kind: "output", Time: time.Date(2026, 11, 25, 0, 0, 0, 0, time.UTC), Complete: true},
				{Name: "output-2026-10-01.tar.gz", Kind: "output", Time: time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC), Complete: true},
			},
			want: []want{
				{"output-2026-11-25.tar.gz", true, "newest"},
				{"output-2026-10-01.tar.gz", false, "55d older than the newest complete backup (2026-11-25), beyond"},
			},
		},
		{
			name: "two backups the same day, later one wins",
			backups: []Backup{
				{Name: "o-nov25", Kind: "output", Time: day(25), Complete: true},
				{Name: "o-nov25-1400", Kind: "output", Time: day(25).Add(12 * time.Hour), Complete: true},
			},
			want: []want{
				{"o-nov25-1400", true, "newest"},
				{"o-nov25", true, "within 30d"},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Plan(tt.backups, Policy{Window: window, Now: day(28)})
			if len(got) != len(tt.want) {
				t.Fatalf("Plan returned %d decisions, want %d: %+v", len(got), len(tt.want), got)
			}
			for i, w := range tt.want {
				g := got[i]
				if g.Name != w.name || g.Keep != w.keep || !strings.Contains(g.Reason, w.reason) {
					t.Errorf("decision %d = {%s keep=%v %q}, want {%s keep=%v containing %q}", i, g.Name, g.Keep, g.Reason, w.name, w.keep, w.reason)
				}
			}
		})
	}
}

func TestPlanNeverDeletesNewest(t *testing.T) {
	for _, window := range []time.Duration{time.Hour, 24 * time.Hour, 365 * 24 * time.Hour} {
		backups := []Backup{}
		for d := 1; d <= 28; d += 3 {
			backups = append(backups, Backup{Name: "o" + day(d).Format("0102"), Kind: "output", Time: day(d), Complete: true})
		}
		got := Plan(backups, Policy{Window: window, Now: day(28)})
		if got[0].Name != "o1128" || !got[0].Keep {
			t.Errorf("window %v: newest decision %+v", window, got[0])
		}
	}
}

// A host whose clock ran ahead wrote a backup dated a month from now. It
// must not become the anchor: had it been, every backup within the window
// of the real newest one, including the one this run has just written,
// would be deleted.
func TestPlanFutureDatedBackupIsNotTheAnchor(t *testing.T) {
	const window = 30 * 24 * time.Hour
	now := day(25).Add(time.Minute)
	backups := []Backup{
		{Name: "o-dec31", Kind: "output", Time: day(25).AddDate(0, 1, 6), Complete: true},
		{Name: "o-nov25", Kind: "output", Time: day(25), Complete: true},
		{Name: "o-nov01", Kind: "output", Time: day(1), Complete: true},
		{Name: "o-sep01", Kind: "output", Time: day(1).AddDate(0, -2, 0), Complete: true},
		{Name: "o-soon", Kind: "output", Time: now.Add(FutureTolerance - time.Second), Complete: false},
	}
	got := Plan(backups, Policy{Window: window, Now: now})
	want := map[string]bool{"o-dec31": true, "o-soon": true, "o-nov25": true, "o-nov01": true, "o-sep01": false}
	for _, d := range got {
		if d.Keep != want[d.Name] {
			t.Errorf("%s: keep=%v (%s), want %v", d.Name, d.Keep, d.Reason, want[d.Name])
		}
		if d.Future != (d.Name == "o-dec31") {
			t.Errorf("%s: future=%v, want %v", d.Name, d.Future, d.Name == "o-dec31")
		}
	}
	if f := Future(got); len(f) != 1 || !strings.Contains(f[0].Reason, "check the clock") {
		t.Errorf("Future = %+v, want the one future-dated backup with advice", f)
	}
}

// What a run has just written is never deleted, even when the host's clock
// is so far behind that the run's own backup looks years old next to the
// others.
func TestPlanKeepsProtected(t *testing.T) {
	backups := []Backup{
		{Name: "o-2020", Kind: "output", Time: day(25).AddDate(-6, 0, 0), Complete: true},
		{Name: "o-nov25", Kind: "output", Time: day(25), Complete: true},
	}
	// The clock says 2020: the 2026 backup is in the future, kept; the
	// run's own backup is the anchor.
	got := Plan(backups, Policy{Window: 24 * time.Hour, Now: day(25).AddDate(-6, 0, 0), Protect: []string{"o-2020"}})
	for _, d := range got {
		if !d.Keep {
			t.Errorf("%s deleted: %s", d.Name, d.Reason)
		}
	}
	// A protected backup older than the window is kept too.
	got = Plan(backups, Policy{Window: 24 * time.Hour, Now: day(26), Protect: []string{"o-2020"}})
	for _, d := range got {
		if !d.Keep {
			t.Errorf("protected plan: %s deleted: %s", d.Name, d.Reason)
		}
	}
}

func TestParseWindow(t *testing.T) {
	tests := []struct {
		in      string
		want    time.Duration
		wantErr string
	}{
		{"30d", 30 * 24 * time.Hour, ""},
		{"4w", 28 * 24 * time.Hour, ""},
		{"36h", 36 * time.Hour, ""},
		{" 7d ", 7 * 24 * time.Hour, ""},
		{"0d", 0, "at least 1h"},
		{"10m", 0, "at least 1h"},
		{"-3d", 0, "at least 1h"},
		{"thirty", 0, "write it as 30d"},
		{"d", 0, "write it as 30d"},
		{"99999999999d", 0, "write it as 30d"},
	}
	for _, tt := range tests {
		got, err := ParseWindow(tt.in)
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("ParseWindow(%q) error = %v, want %q", tt.in, err, tt.wantErr)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("ParseWindow(%q) = %v, %v; want %v", tt.in, got, err, tt.want)
		}
	}
}

func TestFormatWindow(t *testing.T) {
	for d, want := range map[time.Duration]string{
		30 * 24 * time.Hour:           "30d",
		36 * time.Hour:                "36h0m0s",
		54*24*time.Hour + 2*time.Hour: "54.1d",
	} {
		if got := FormatWindow(d); got != want {
			t.Errorf("FormatWindow(%v) = %q, want %q", d, got, want)
		}
	}
}
