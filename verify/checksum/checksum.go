// Package checksum reads and writes SHA-256 checksum lists in the formats
// of GNU sha256sum, so that a list saved at backup time with
//
//	sha256sum *.csv > output.sha256
//	find . -type f -exec sha256sum {} + > output.sha256
//
// can stand in for a folder when a dataset is checked.
//
// Three line forms are read:
//
//	<64 hex digits><space><space><name>      text mode (the default)
//	<64 hex digits><space>*<name>            binary mode (sha256sum -b)
//	SHA256 (<name>) = <64 hex digits>        tagged (sha256sum --tag)
//
// A line that begins with a backslash carries an escaped name, as GNU
// sha256sum writes for names that contain a backslash, a newline or a
// carriage return: \\ stands for a backslash, \n for a newline and \r for a
// carriage return. Write uses the same convention, so every name survives a
// round trip.
//
// Parsing is strict because a checksum list is evidence. A line that is not
// one of the forms above, a digest that is not 64 hex digits, a name listed
// twice and a last line without its newline (which is how a truncated copy
// ends) are all errors that name the file and the line. Names are returned
// exactly as written; deciding what they are relative to is the caller's
// business.
package checksum

import (
	"bufio"
	"bytes"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"strings"
)

// Entry is one line of a checksum list.
type Entry struct {
	// Name is the file name as written in the list, unescaped.
	Name string
	// SHA256 is the digest in lower-case hex.
	SHA256 string
	// Line is the 1-based line number the entry came from; zero for entries
	// that were not parsed.
	Line int
}

// MaxLineBytes bounds one line of a list. It is far above any real file
// name and keeps a large binary file given by mistake from being read whole.
const MaxLineBytes = 1 << 20

// ErrInvalid marks a list that could be read but is not a well-formed
// checksum list.
var ErrInvalid = errors.New("not a valid sha256sum checksum list")

// ParseError locates a problem in a checksum list.
type ParseError struct {
	// Name is the list's file name, as given to Parse.
	Name string
	// Line is the 1-based line number; zero when the problem concerns the
	// whole list.
	Line int
	// Msg says what is wrong.
	Msg string
}

func (e *ParseError) Error() string {
	if e.Line == 0 {
		return fmt.Sprintf("%s: %s", e.Name, e.Msg)
	}
	return fmt.Sprintf("%s:%d: %s", e.Name, e.Line, e.Msg)
}

// Unwrap lets errors.Is(err, ErrInvalid) recognise a ParseError.
func (e *ParseError) Unwrap() error { return ErrInvalid }

// Parse reads a checksum list from r. name is used in error messages. It
// returns the entries in the order of the list, or a *ParseError for the
// first malformed line, or the read error.
func Parse(name string, r io.Reader) ([]Entry, error) {
	br := bufio.NewReaderSize(r, 64<<10)
	var (
		entries []Entry
		first   = map[string]int{}
		lineNo  int
	)
	for {
		line, err := readLine(br)
		if len(line) == 0 && err == io.EOF {
			break
		}
		lineNo++
		if err == errLineTooLong {
			return nil, &ParseError{name, lineNo, fmt.Sprintf("line is longer than %d bytes; this is not a checksum list", MaxLineBytes)}
		}
		if err != nil && err != io.EOF {
			return nil, fmt.Errorf("reading %s: %w", name, err)
		}
		if err == io.EOF {
			return nil, &ParseError{name, lineNo, "the last line has no newline: the list looks truncated (sha256sum ends every line with one); make the list again"}
		}
		line = bytes.TrimSuffix(line, []byte("\n"))
		if len(line) == 0 {
			return nil, &ParseError{name, lineNo, `empty line; every line must be "<sha256>  <name>"`}
		}
		e, msg := parseLine(string(line))
		if msg != "" {
			return nil, &ParseError{name, lineNo, msg}
		}
		if prev, dup := first[e.Name]; dup {
			return nil, &ParseError{name, lineNo, fmt.Sprintf("%q is listed twice (first on line %d)", e.Name, prev)}
		}
		first[e.Name] = lineNo
		e.Line = lineNo
		entries = append(entries, e)
	}
	if lineNo == 0 {
		return nil, &ParseError{name, 0, "the file is empty, so it lists no checksums"}
	}
	return entries, nil
}

var errLineTooLong = errors.New("line too long")

// readLine returns one line including its newline, or the rest of the input
// with io.EOF when no newline follows.
func readLine(br *bufio.Reader) ([]byte, error) {
	var line []byte
	for {
		chunk, err := br.ReadSlice('\n')
		line = append(line, chunk...)
		if len(line) > MaxLineBytes {
			return nil, errLineTooLong
		}
		if err == bufio.ErrBufferFull {
			continue
		}
		return line, err
	}
}

// parseLine decodes one line without its newline. It returns a message
// instead of an entry when the line is malformed.
func parseLine(s string) (Entry, string) {
	escaped := strings.HasPrefix(s, `\`)
	if escaped {
		s = s[1:]
	}
	var sum, name string
	if rest, ok := strings.CutPrefix(s, "SHA256 ("); ok {
		i := strings.LastIndex(rest, ") = ")
		if i < 0 {
			return Entry{}, `tagged line without ") = ": want "SHA256 (<name>) = <sha256>"`
		}
		name, sum = rest[:i], rest[i+len(") = "):]
	} else if alg, _, ok := strings.Cut(s, " ("); ok && isAlgorithmName(alg) {
		return Entry{}, fmt.Sprintf("this is a %s checksum; only SHA-256 lists (sha256sum) are read", alg)
	} else {
		i := strings.IndexByte(s, ' ')
		if i < 0 {
			return Entry{}, fmt.Sprintf(`%q is not "<sha256>  <name>"`, shorten(s))
		}
		sum, name = s[:i], s[i+1:]
		switch {
		case strings.HasPrefix(name, " "), strings.HasPrefix(name, "*"):
			name = name[1:]
		default:
			return Entry{}, fmt.Sprintf(`%q is not "<sha256>  <name>": the digest must be followed by two spaces, or by a space and "*"`, shorten(s))
		}
	}
	if msg := checkDigest(sum); msg != "" {
		return Entry{}, msg
	}
	if escaped {
		var ok bool
		if name, ok = unescape(name); !ok {
			return Entry{}, fmt.Sprintf(`name %q has a backslash that is not \\, \n or \r`, name)
		}
	}
	if name == "" {
		return Entry{}, "the name is empty"
	}
	return Entry{Name: name, SHA256: strings.ToLower(sum)}, ""
}

func checkDigest(sum string) string {
	if _, err := hex.DecodeString(sum); err != nil || len(sum) != 64 {
		return fmt.Sprintf("checksum %q is not 64 hex digits (SHA-256)", shorten(sum))
	}
	return ""
}

// isAlgorithmName reports whether s looks like the algorithm tag of a
// tagged line from another digest tool, such as MD5 or SHA512 or BLAKE2b.
func isAlgorithmName(s string) bool {
	if s == "" || len(s) > 16 {
		return false
	}
	for _, c := range s {
		if (c < 'A' || c > 'Z') && (c < 'a' || c > 'z') && (c < '0' || c > '9') && c != '-' {
			return false
		}
	}
	return true
}

func shorten(s string) string {
	if len(s) > 80 {
		return s[:77] + "..."
	}
	return s
}

func unescape(s string) (string, bool) {
	if !strings.Contains(s, `\`) {
		return s, true
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] != '\\' {
			b.WriteByte(s[i])
			continue
		}
		i++
		if i == len(s) {
			return "", false
		}
		switch s[i] {
		case '\\':
			b.WriteByte('\\')
		case 'n':
			b.WriteByte('\n')
		case 'r':
			b.WriteByte('\r')
		default:
			return "", false
		}
	}
	return b.String(), true
}

// Write writes entries in GNU sha256sum text mode, escaping names the way
// sha256sum does, so that `sha256sum -c` and Parse both read the result.
func Write(w io.Writer, entries []Entry) error {
	bw := bufio.NewWriter(w)
	for _, e := range entries {
		if strings.ContainsAny(e.Name, "\\\n\r") {
			r := strings.NewReplacer(`\`, `\\`, "\n", `\n`, "\r", `\r`)
			fmt.Fprintf(bw, "\\%s  %s\n", e.SHA256, r.Replace(e.Name))
			continue
		}
		fmt.Fprintf(bw, "%s  %s\n", e.SHA256, e.Name)
	}
	return bw.Flush()
}
