package verify

import (
	"errors"
	"io/fs"
	"strings"
	"testing"
)

const (
	sumA = "ca978112ca1bbdcafac231b39a23dc4da786eff8147c4e72b9807785afee48bb" // sha256("a")
	sumB = "3e23e8160039594a33894f6564e1b1348bbd7a0088d42c4acb73eeaed59c009d" // sha256("b")
)

func TestClassify(t *testing.T) {
	file := func(size int64, sum string) *Entry { return &Entry{Kind: File, Size: size, SHA256: sum} }
	listed := func(sum string) *Entry { return &Entry{Kind: File, Size: -1, SHA256: sum} }
	link := func(target string) *Entry { return &Entry{Kind: Symlink, Size: -1, Target: target} }
	denied := &Entry{Kind: File, Size: 1, Err: &fs.PathError{Op: "openat", Path: "x", Err: fs.ErrPermission}}
	for _, tc := range []struct {
		name        string
		left, right *Entry
		status      Status
		detail      string
	}{
		{"same content", file(1, sumA), file(1, sumA), Identical, ""},
		{"same size, other content", file(1, sumA), file(1, sumB), Different, "same size 1 byte, different content"},
		{"sizes differ, not hashed", file(10, ""), file(12, ""), Different, "L 10 bytes, R 12 bytes"},
		{"one byte", file(1, ""), file(0, ""), Different, "L 1 byte, R 0 bytes"},
		{"list against file, equal", listed(sumA), file(1, sumA), Identical, ""},
		{"list against file, differ", listed(sumA), file(1, sumB), Different, "L sha256 ca978112ca1b, R sha256 3e23e8160039"},
		{"list against list", listed(sumA), listed(sumA), Identical, ""},
		{"only left", file(1, ""), nil, Missing, ""},
		{"only right", nil, file(1, ""), Extra, ""},
		{"only right, a link", nil, link("a"), Extra, "symbolic link to a"},
		{"dangling link only left", &Entry{Kind: Symlink, Target: "gone", Dangling: true}, nil, Missing, "symbolic link to gone, which does not exist"},
		{"same link", link("a.csv"), link("a.csv"), Identical, "symbolic link to a.csv"},
		{"links differ", link("a"), link("b"), Different, "L: symbolic link to a, R: symbolic link to b"},
		{"file against link", file(3, sumA), link("a"), Different, "L: regular file of 3 bytes, R: symbolic link to a"},
		{"link name with space", link("my file"), link("a"), Different, `L: symbolic link to "my file", R: symbolic link to a`},
		{"unreadable right", file(1, sumA), denied, Unreadable, "R: open: permission denied"},
		{"unreadable left", denied, file(1, sumA), Unreadable, "L: open: permission denied"},
		{"pipe", &Entry{Kind: Other, Mode: fs.ModeNamedPipe}, file(1, sumA), Unreadable, "L: a named pipe, not a regular file or link; it cannot be compared"},
		{"both unhashed, same size", file(1, ""), file(1, ""), Unreadable, "no checksum was computed"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			status, detail := Classify(tc.left, tc.right, "L", "R")
			if status != tc.status || detail != tc.detail {
				t.Fatalf("Classify = %s %q, want %s %q", status, detail, tc.status, tc.detail)
			}
		})
	}
}

func TestQuoteName(t *testing.T) {
	for in, want := range map[string]string{
		"journal_entries.csv": "journal_entries.csv",
		"master_data/a.csv":   "master_data/a.csv",
		"café.csv":            "café.csv",
		"with space.csv":      `"with space.csv"`,
		"tab\there":           `"tab\there"`,
		"new\nline":           `"new\nline"`,
		`quote"d`:             `"quote\"d"`,
		`back\slash`:          `"back\\slash"`,
		"nbsp\u00a0x":         `"nbsp\u00a0x"`,
		"bad\xffutf8":         `"bad\xffutf8"`,
	} {
		if got := QuoteName(in); got != want {
			t.Errorf("QuoteName(%q) = %s, want %s", in, got, want)
		}
	}
}

func TestListPath(t *testing.T) {
	for _, tc := range []struct {
		name, strip, want, msg string
	}{
		{"a.csv", "", "a.csv", ""},
		{"./dir/a.csv", "", "dir/a.csv", ""},
		{"dir//a.csv", "", "dir/a.csv", ""},
		{"out/a.csv", "out/", "a.csv", ""},
		{"/data/out/a.csv", "/data/out/", "a.csv", ""},
		{"/data/out/a.csv", "", "", "is an absolute path"},
		{"a.csv", "out/", "", "does not start with --strip-prefix"},
		{"../a.csv", "", "", "is not a file inside the folder"},
		{"./", "", "", "is not a file inside the folder"},
	} {
		got, msg := listPath(tc.name, tc.strip)
		if got != tc.want || !strings.Contains(msg, tc.msg) || (tc.msg == "") != (msg == "") {
			t.Errorf("listPath(%q, %q) = %q, %q; want %q, message with %q", tc.name, tc.strip, got, msg, tc.want, tc.msg)
		}
	}
}

func TestReason(t *testing.T) {
	if got := reason(&fs.PathError{Op: "openat", Path: "a/b", Err: fs.ErrPermission}); got != "open: permission denied" {
		t.Errorf("reason = %q", got)
	}
	if got := reason(errors.New("boom")); got != "boom" {
		t.Errorf("reason = %q", got)
	}
}
