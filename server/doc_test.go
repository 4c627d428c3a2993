package server

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
)

// docKey is the $KEY of the examples in docs/server.md.
const docKey = "docs-example-key-0123456789"

// docExample is one `curl` line of the docs and the block after it.
type docExample struct {
	section string // the ## heading the example is under
	line    int
	curl    string
	kind    string // json or text
	expects string
}

var fence = regexp.MustCompile("^```(\\w*)$")

func docExamples(t *testing.T, file string) []docExample {
	t.Helper()
	f, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []docExample
	var cur *docExample
	var block []string
	kind, inBlock, n, section := "", false, 0, ""
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		n++
		line := sc.Text()
		m := fence.FindStringSubmatch(line)
		switch {
		case !inBlock && strings.HasPrefix(line, "## "):
			section = line
		case m != nil && !inBlock:
			inBlock, kind, block = true, m[1], nil
		case m != nil && inBlock:
			inBlock = false
			text := strings.Join(block, "\n")
			switch {
			case kind == "sh" && (strings.HasPrefix(text, "curl ") || strings.HasPrefix(text, "websocat ")):
				out = append(out, docExample{section: section, line: n, curl: text})
				cur = &out[len(out)-1]
			case (kind == "json" || kind == "text") && cur != nil:
				cur.kind, cur.expects = kind, text
				cur = nil
			}
		case inBlock:
			block = append(block, line)
		}
	}
	return out
}

// TestDocExamples runs every curl example of docs/server.md against a
// server with the demo config and API key $KEY, and checks the documented
// answer. The examples of one section (## heading) run in order against
// one server; each section gets a fresh one. $JOB is the id of the last
// job submitted, and a GET of a job that is queued or running is repeated
// until the job has ended, as a client polls.
func TestDocExamples(t *testing.T) {
	examples := docExamples(t, filepath.Join("..", "docs", "server.md"))
	if len(examples) < 15 {
		t.Fatalf("found %d examples in docs/server.md", len(examples))
	}
	var ts *testServer
	section := ""
	env := map[string]string{}
	for _, ex := range examples {
		if ts == nil || ex.section != section {
			ts, section = start(t, Options{APIKeys: []string{docKey}}), ex.section
			env = map[string]string{"KEY": docKey}
		}
		t.Run(fmt.Sprintf("line_%d", ex.line), func(t *testing.T) {
			if ex.expects == "" {
				t.Fatalf("docs/server.md:%d: the example has no answer block", ex.line)
			}
			var body []byte
			var err error
			if strings.HasPrefix(ex.curl, "websocat ") {
				body, err = firstMessage(ex.curl, env, ts.url)
				// The next example starts once the server has closed the
				// stream, as it would after websocat exits.
				waitFor(t, "the stream to close", func() bool {
					return ts.metrics.StreamsEvents.Load() == 0 && ts.metrics.StreamsMetrics.Load() == 0
				})
			} else {
				body, err = runCurl(ex.curl, env, ts.url)
			}
			if err != nil {
				t.Fatalf("docs/server.md:%d: %v", ex.line, err)
			}
			if ex.kind == "json" {
				var want, got any
				if err := json.Unmarshal([]byte(ex.expects), &want); err != nil {
					t.Fatalf("docs/server.md:%d: the documented answer is not JSON: %v", ex.line, err)
				}
				if err := json.Unmarshal(firstLine(body), &got); err != nil {
					t.Fatalf("docs/server.md:%d: the answer is not JSON: %v\n%s", ex.line, err, body)
				}
				if path, ok := subset(want, got, ""); !ok {
					t.Fatalf("docs/server.md:%d: the answer differs at %s\ndocumented: %s\nanswer: %s", ex.line, path, ex.expects, body)
				}
				return
			}
			lines := strings.Split(string(body), "\n")
			for i, w := range strings.Split(ex.expects, "\n") {
				if w == "..." {
					return
				}
				if i >= len(lines) || lines[i] != w {
					t.Fatalf("docs/server.md:%d: line %d of the answer differs\ndocumented: %s\nanswer: %.500s", ex.line, i+1, w, body)
				}
			}
		})
	}
}

func firstLine(b []byte) []byte {
	s := strings.TrimSpace(string(b))
	if i := strings.IndexByte(s, '\n'); i >= 0 && strings.HasPrefix(s, `{"type"`) {
		s = s[:i]
	}
	return []byte(s)
}

// subset reports whether every value of want is in got; "..." matches
// anything.
func subset(want, got any, path string) (string, bool) {
	if want == "..." {
		return "", true
	}
	switch w := want.(type) {
	case map[string]any:
		g, ok := got.(map[string]any)
		if !ok {
			return path, false
		}
		for k, v := range w {
			gv, ok := g[k]
			if !ok {
				return path + "." + k, false
			}
			if p, ok := subset(v, gv, path+"."+k); !ok {
				return p, false
			}
		}
		return "", true
	case []any:
		g, ok := got.([]any)
		if !ok || len(g) != len(w) {
			return path, false
		}
		for i := range w {
			if p, ok := subset(w[i], g[i], fmt.Sprintf("%s[%d]", path, i)); !ok {
				return p, false
			}
		}
		return "", true
	}
	return path, reflect.DeepEqual(want, got)
}

// curlRequest turns the curl command lines of the docs into a request:
// -s, -i, -X METHOD, -H 'Name: value', -d / --data-binary BODY (a $'...'
// string may hold \n escapes) and one URL on localhost:3000.
func curlRequest(cmd string, env map[string]string, base string) (*http.Request, error) {
	words, err := shellWords(cmd, env)
	if err != nil {
		return nil, err
	}
	method, url, body := "", "", ""
	hasBody := false
	header := http.Header{}
	for i := 1; i < len(words); i++ {
		w := words[i]
		next := func() (string, error) {
			if i+1 >= len(words) {
				return "", fmt.Errorf("%s needs a value", w)
			}
			i++
			return words[i], nil
		}
		switch w {
		case "-s", "-i":
		case "-X":
			if method, err = next(); err != nil {
				return nil, err
			}
		case "-H":
			h, err := next()
			if err != nil {
				return nil, err
			}
			k, v, _ := strings.Cut(h, ":")
			header.Add(k, strings.TrimSpace(v))
		case "-d", "--data-binary":
			if body, err = next(); err != nil {
				return nil, err
			}
			hasBody = true
		default:
			if strings.HasPrefix(w, "-") {
				return nil, fmt.Errorf("curl option %s is not understood by the test", w)
			}
			url = w
		}
	}
	rest, ok := strings.CutPrefix(url, "localhost:3000")
	if !ok {
		return nil, fmt.Errorf("URL %q is not on localhost:3000", url)
	}
	if method == "" {
		method = "GET"
		if hasBody {
			method = "POST"
		}
	}
	req, err := http.NewRequest(method, base+rest, strings.NewReader(body))
	if err != nil {
		return nil, err
	}
	if hasBody && header.Get("Content-Type") == "" {
		header.Set("Content-Type", "application/x-www-form-urlencoded") // what curl -d sends
	}
	req.Header = header
	return req, nil
}

// runCurl runs a curl example and returns the answer. It remembers the id
// of a submitted job as $JOB, and repeats a GET that answers a job still
// queued or running until the job has ended.
func runCurl(cmd string, env map[string]string, base string) ([]byte, error) {
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		req, err := curlRequest(cmd, env, base)
		if err != nil {
			return nil, err
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return nil, err
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		var job struct{ ID, Status string }
		_ = json.Unmarshal(body, &job)
		if req.Method == "POST" && strings.HasSuffix(req.URL.Path, "/api/jobs/submit") && job.ID != "" {
			env["JOB"] = job.ID
		}
		if req.Method != "GET" || (job.Status != "queued" && job.Status != "running") || time.Now().After(deadline) {
			return body, nil
		}
	}
}

// firstMessage runs the websocat command lines of the docs (-H 'Name:
// value' and one URL on ws://localhost:3000) and returns the first
// message of the stream.
func firstMessage(cmd string, env map[string]string, base string) ([]byte, error) {
	words, err := shellWords(cmd, env)
	if err != nil {
		return nil, err
	}
	header, url := http.Header{}, ""
	for i := 1; i < len(words); i++ {
		switch w := words[i]; {
		case w == "-H" && i+1 < len(words):
			i++
			k, v, _ := strings.Cut(words[i], ":")
			header.Add(k, strings.TrimSpace(v))
		case strings.HasPrefix(w, "-"):
			return nil, fmt.Errorf("websocat option %s is not understood by the test", w)
		default:
			url = w
		}
	}
	rest, ok := strings.CutPrefix(url, "ws://localhost:3000")
	if !ok {
		return nil, fmt.Errorf("URL %q is not on ws://localhost:3000", url)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, _, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(base, "http")+rest, &websocket.DialOptions{HTTPHeader: header})
	if err != nil {
		return nil, err
	}
	defer conn.CloseNow()
	conn.SetReadLimit(1 << 20)
	_, msg, err := conn.Read(ctx)
	return msg, err
}

// shellWords splits a command line the way a POSIX shell would for the
// quoting the docs use: '...', "..." with $VAR, $'...' with \n and \",
// and bare words with $VAR.
func shellWords(s string, env map[string]string) ([]string, error) {
	var words []string
	var cur strings.Builder
	inWord := false
	expand := func(v string) string {
		return regexp.MustCompile(`\$(\w+)`).ReplaceAllStringFunc(v, func(m string) string { return env[m[1:]] })
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n':
			if inWord {
				words = append(words, cur.String())
				cur.Reset()
				inWord = false
			}
		case c == '$' && i+1 < len(s) && s[i+1] == '\'':
			j := i + 2
			for ; j < len(s) && s[j] != '\''; j++ {
				if s[j] == '\\' && j+1 < len(s) {
					j++
					switch s[j] {
					case 'n':
						cur.WriteByte('\n')
					default:
						cur.WriteByte(s[j])
					}
					continue
				}
				cur.WriteByte(s[j])
			}
			if j == len(s) {
				return nil, fmt.Errorf("unterminated $'")
			}
			i, inWord = j, true
		case c == '\'':
			j := strings.IndexByte(s[i+1:], '\'')
			if j < 0 {
				return nil, fmt.Errorf("unterminated '")
			}
			cur.WriteString(s[i+1 : i+1+j])
			i, inWord = i+1+j, true
		case c == '"':
			j := strings.IndexByte(s[i+1:], '"')
			if j < 0 {
				return nil, fmt.Errorf("unterminated \"")
			}
			cur.WriteString(expand(s[i+1 : i+1+j]))
			i, inWord = i+1+j, true
		default:
			j := i
			for j < len(s) && !strings.ContainsRune(" \t\n'\"", rune(s[j])) && !(s[j] == '$' && j+1 < len(s) && s[j+1] == '\'') {
				j++
			}
			cur.WriteString(expand(s[i:j]))
			i, inWord = j-1, true
		}
	}
	if inWord {
		words = append(words, cur.String())
	}
	return words, nil
}
