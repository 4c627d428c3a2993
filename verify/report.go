package verify

import (
	"bufio"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"
	"unicode/utf8"
)

// ErrDifferent is what a command returns after printing a Report that is
// not Identical, so that its caller can choose the exit status without
// printing anything more.
var ErrDifferent = errors.New("differences found")

// Report is the result of a check that ran to completion.
type Report struct {
	// Mode is "folders", "manifest" or "lock".
	Mode string
	// Left and Right describe the two sides.
	Left, Right SideInfo
	// Mismatches are differences in what produced the data (generator
	// version, config, seed) found against a lock; each counts as a
	// difference.
	Mismatches []string
	// Notes explain the result; they never change it.
	Notes []string
	// Files has one result per path, sorted by path.
	Files []FileResult
	// FilesHashed, BytesHashed and HashTime describe the hashing pass.
	FilesHashed int
	BytesHashed int64
	HashTime    time.Duration
}

// SideInfo names one side of a report.
type SideInfo struct {
	Role string `json:"role"`
	Name string `json:"name"`
	Kind string `json:"kind"`
}

// FileResult is the outcome for one path.
type FileResult struct {
	Path   string
	Status Status
	// Detail says how the path differs, or what it is (links).
	Detail string
	// Left and Right are the entries on each side, nil where absent.
	Left, Right *Entry
}

// Counts tallies a report.
type Counts struct {
	Files      int `json:"files"`
	Identical  int `json:"identical"`
	Different  int `json:"different"`
	Missing    int `json:"missing"`
	Extra      int `json:"extra"`
	Unreadable int `json:"unreadable"`
	Mismatches int `json:"mismatches"`
}

func newReport(mode string, left, right *Source) *Report {
	return &Report{
		Mode:  mode,
		Left:  SideInfo{left.Role, left.Name, left.Kind},
		Right: SideInfo{right.Role, right.Name, right.Kind},
	}
}

// Counts tallies the files and mismatches of r.
func (r *Report) Counts() Counts {
	c := Counts{Files: len(r.Files), Mismatches: len(r.Mismatches)}
	for _, f := range r.Files {
		switch f.Status {
		case Identical:
			c.Identical++
		case Different:
			c.Different++
		case Missing:
			c.Missing++
		case Extra:
			c.Extra++
		default:
			c.Unreadable++
		}
	}
	return c
}

// Identical reports whether the check found nothing to report: every path
// identical and no mismatch.
func (r *Report) Identical() bool {
	c := r.Counts()
	return c.Identical == c.Files && c.Mismatches == 0
}

// Summary is the one-line verdict printed last.
func (r *Report) Summary() string {
	c := r.Counts()
	if r.Identical() {
		return fmt.Sprintf("identical: %s compared", fileCount(c.Files))
	}
	s := fmt.Sprintf("different: %s compared, %d identical, %d different, %d only in %s, %d only in %s, %d unreadable",
		fileCount(c.Files), c.Identical, c.Different, c.Missing, r.Left.Role, c.Extra, r.Right.Role, c.Unreadable)
	if c.Mismatches > 0 {
		s += fmt.Sprintf(", %d mismatched with the lock", c.Mismatches)
	}
	return s
}

func fileCount(n int) string {
	if n == 1 {
		return "1 file"
	}
	return fmt.Sprintf("%d files", n)
}

// WriteText prints r for people and line-oriented scripts: mismatches and
// notes first (prefixed "mismatch: " and "note: "), then one line per
// difference as MARK PATH [(DETAIL)], then the summary. Paths that contain
// spaces or control characters are printed as Go quoted strings, so the path
// is always the second field. With verbose, identical paths are listed too
// and the hashing throughput is noted.
func (r *Report) WriteText(w io.Writer, verbose bool) error {
	bw := bufio.NewWriter(w)
	for _, m := range r.Mismatches {
		fmt.Fprintf(bw, "mismatch: %s\n", m)
	}
	for _, n := range r.Notes {
		fmt.Fprintf(bw, "note: %s\n", n)
	}
	for _, f := range r.Files {
		if f.Status == Identical && !verbose {
			continue
		}
		fmt.Fprintf(bw, "%s %s", f.Status.Mark(), QuoteName(f.Path))
		if f.Detail != "" {
			fmt.Fprintf(bw, " (%s)", f.Detail)
		}
		bw.WriteByte('\n')
	}
	if verbose && r.FilesHashed > 0 {
		fmt.Fprintf(bw, "note: hashed %d files, %d bytes, in %.3fs (%s)\n",
			r.FilesHashed, r.BytesHashed, r.HashTime.Seconds(), throughput(r.BytesHashed, r.HashTime))
	}
	fmt.Fprintln(bw, r.Summary())
	return bw.Flush()
}

type jsonReport struct {
	Mode          string     `json:"mode"`
	Result        string     `json:"result"`
	Left          SideInfo   `json:"left"`
	Right         SideInfo   `json:"right"`
	FilesCompared int        `json:"files_compared"`
	Mismatches    []string   `json:"mismatches"`
	Notes         []string   `json:"notes"`
	Differences   []jsonFile `json:"differences"`
	Identical     []jsonFile `json:"identical,omitempty"`
	Summary       Counts     `json:"summary"`
	Hashing       jsonHash   `json:"hashing"`
}

type jsonFile struct {
	Path string `json:"path"`
	// PathBase64 holds the path's bytes when they are not UTF-8, which a
	// JSON string cannot carry (see JSONName).
	PathBase64 string     `json:"path_base64,omitempty"`
	Status     Status     `json:"status"`
	Mark       string     `json:"mark"`
	Detail     string     `json:"detail,omitempty"`
	Left       *jsonEntry `json:"left"`
	Right      *jsonEntry `json:"right"`
}

type jsonEntry struct {
	Kind         string `json:"kind"`
	Size         *int64 `json:"size,omitempty"`
	SHA256       string `json:"sha256,omitempty"`
	Target       string `json:"target,omitempty"`
	TargetBase64 string `json:"target_base64,omitempty"`
	Error        string `json:"error,omitempty"`
}

// JSONName returns a name as it can be written in JSON: shown is the name
// with each byte that is not UTF-8 replaced by U+FFFD, and raw is the
// name's bytes in standard base64 when that replacement happened, "" when
// the name is UTF-8 already. Linux names may hold any bytes but "/" and NUL;
// two names that differ only in such bytes have the same shown form, so
// whoever reads the JSON uses raw when it is there.
func JSONName(name string) (shown, raw string) {
	if utf8.ValidString(name) {
		return name, ""
	}
	return strings.ToValidUTF8(name, "\uFFFD"), base64.StdEncoding.EncodeToString([]byte(name))
}

type jsonHash struct {
	Files   int     `json:"files"`
	Bytes   int64   `json:"bytes"`
	Seconds float64 `json:"seconds"`
}

func toJSONEntry(e *Entry) *jsonEntry {
	if e == nil {
		return nil
	}
	j := &jsonEntry{Kind: e.Kind.String(), SHA256: e.SHA256}
	j.Target, j.TargetBase64 = JSONName(e.Target)
	if e.Kind == Other {
		j.Kind = TypeName(e.Mode)
	}
	if e.Size >= 0 {
		j.Size = &e.Size
	}
	if e.Err != nil {
		j.Error = reason(e.Err)
	}
	return j
}

// WriteJSON prints r as one indented JSON document: both sides, the number
// of files compared, mismatches, notes, every difference with the entries on
// each side, and the counts. With verbose, identical paths are listed too.
// Lists are never null, so scripts can iterate without checks.
func (r *Report) WriteJSON(w io.Writer, verbose bool) error {
	j := jsonReport{
		Mode: r.Mode, Result: "identical", Left: r.Left, Right: r.Right,
		FilesCompared: len(r.Files),
		Mismatches:    append([]string{}, r.Mismatches...),
		Notes:         append([]string{}, r.Notes...),
		Differences:   []jsonFile{},
		Summary:       r.Counts(),
		Hashing:       jsonHash{r.FilesHashed, r.BytesHashed, r.HashTime.Seconds()},
	}
	if !r.Identical() {
		j.Result = "different"
	}
	for _, f := range r.Files {
		jf := jsonFile{Status: f.Status, Mark: f.Status.Mark(), Detail: f.Detail, Left: toJSONEntry(f.Left), Right: toJSONEntry(f.Right)}
		jf.Path, jf.PathBase64 = JSONName(f.Path)
		switch {
		case f.Status != Identical:
			j.Differences = append(j.Differences, jf)
		case verbose:
			j.Identical = append(j.Identical, jf)
		}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(j)
}
