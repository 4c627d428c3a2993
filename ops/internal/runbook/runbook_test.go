package runbook

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"
)

// The test binary doubles as the program that action steps run: with
// RUNBOOK_TEST_PROGRAM set it prints its arguments and exits with the
// status its last argument names ("exit-3" exits 3, "sleep" sleeps).
// The engine only runs a program and reads its exit status; the scripts in
// cmd/dsops run the real dsops.
func TestMain(m *testing.M) {
	if os.Getenv("RUNBOOK_TEST_PROGRAM") == "1" {
		fmt.Println("ran:", strings.Join(os.Args[1:], " "))
		switch a := os.Args[len(os.Args)-1]; {
		case a == "sleep":
			time.Sleep(time.Minute)
		case strings.HasPrefix(a, "exit-"):
			n, _ := strconv.Atoi(strings.TrimPrefix(a, "exit-"))
			os.Exit(n)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// scripted answers the prompts in order and records the questions.
type scripted struct {
	answers   []bool
	questions []string
}

func (s *scripted) Confirm(ctx context.Context, q string) (bool, error) {
	s.questions = append(s.questions, q)
	if len(s.answers) == 0 {
		<-ctx.Done()
		return false, ctx.Err()
	}
	a := s.answers[0]
	s.answers = s.answers[1:]
	return a, nil
}

func book(t *testing.T, yaml string) *Book {
	t.Helper()
	b, err := Parse("test.yaml", []byte(yaml))
	if err != nil {
		t.Fatal(err)
	}
	b.Source = "built-in"
	return b
}

const head = "name: t\ntitle: T\nkind: procedure\nsummary: s\nparams:\n  who:\n    help: h\n    default: world\n"

func run(t *testing.T, b *Book, o Options) (*Result, []StepLog, string, error) {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv("RUNBOOK_TEST_PROGRAM", "1")
	var log, out bytes.Buffer
	o.Program, o.Log, o.Out = exe, &log, &out
	if o.Values == nil {
		if o.Values, err = b.Values(nil); err != nil {
			t.Fatal(err)
		}
	}
	res, rerr := Run(context.Background(), b, o)
	var lines []StepLog
	dec := json.NewDecoder(&log)
	for dec.More() {
		var l StepLog
		if err := dec.Decode(&l); err != nil {
			t.Fatal(err)
		}
		lines = append(lines, l)
	}
	return res, lines, out.String(), rerr
}

func TestRunStopsAtTheFirstFailedCheck(t *testing.T) {
	b := book(t, head+`steps:
  - {name: one, title: One, action: health, args: [--url, "${who}"], check: {exit: 0}, timeout: 10s}
  - {name: two, title: Two, action: verify, args: [exit-1], check: {exit: 0}, timeout: 10s}
  - {name: three, title: Three, action: health, check: {exit: 0}, timeout: 10s}
`)
	res, lines, out, err := run(t, b, Options{})
	if !errors.Is(err, ErrCheckFailed) || !strings.Contains(err.Error(), "step 2 two (failed): `dsops verify exit-1` exited with status 1, want 0") {
		t.Fatalf("err = %v", err)
	}
	if len(lines) != 2 || lines[0].Outcome != Passed || lines[1].Outcome != Failed || res.Stopped.Step != "two" {
		t.Fatalf("log %+v", lines)
	}
	l := lines[0]
	if l.Runbook != "t" || l.Number != 1 || l.Kind != "action" || l.Command != "dsops health --url world" ||
		l.Check != "exit status 0" || l.Start.IsZero() || l.End.Before(l.Start) || l.Output != "ran: health --url world\n" {
		t.Errorf("first line %+v", l)
	}
	if strings.Contains(out, "step 3/3") {
		t.Errorf("step three ran:\n%s", out)
	}
	var sum bytes.Buffer
	if err := res.WriteSummary(&sum); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"# Incident runbook: T", "**stopped at step 2 `two`: failed**", "| 1 | One | action | passed |",
		"Not reached: `three`.", "```\nran: verify exit-1\n```", "- Parameters: `who=world`"} {
		if !strings.Contains(sum.String(), want) {
			t.Errorf("summary lacks %q:\n%s", want, sum.String())
		}
	}
}

func TestRunChecks(t *testing.T) {
	b := book(t, head+`steps:
  - {name: exit-three, title: A, action: verify, args: [exit-3], check: {exit: 3}, timeout: 10s}
  - {name: run-check, title: B, action: health, check: {run: [verify, exit-0]}, timeout: 10s}
  - {name: failing-run-check, title: C, action: health, check: {run: [backup-check, exit-2]}, timeout: 10s}
`)
	_, lines, _, err := run(t, b, Options{})
	if len(lines) != 3 || lines[0].Outcome != Passed || lines[1].Outcome != Passed || lines[2].Outcome != Failed {
		t.Fatalf("log %+v", lines)
	}
	if !errors.Is(err, ErrCheckFailed) || !strings.Contains(lines[2].Detail, "check `dsops backup --check exit-2`: exit status 2") {
		t.Errorf("err %v, detail %q", err, lines[2].Detail)
	}
	if lines[1].Check != "dsops verify exit-0 exits 0" {
		t.Errorf("check text %q", lines[1].Check)
	}
}

func TestRunTimeout(t *testing.T) {
	b := book(t, head+`steps:
  - {name: slow, title: Slow, action: health, args: [sleep], check: {exit: 0}, timeout: 300ms}
`)
	start := time.Now()
	_, lines, _, err := run(t, b, Options{})
	if !errors.Is(err, ErrCheckFailed) || lines[0].Outcome != TimedOut || !strings.Contains(lines[0].Detail, "timeout of 300ms") {
		t.Fatalf("err %v, log %+v", err, lines)
	}
	if el := time.Since(start); el > 10*time.Second {
		t.Errorf("a 300ms timeout took %v", el)
	}
}

const changing = head + `steps:
  - {name: look, title: Look, action: health, check: {exit: 0}, timeout: 10s}
  - {name: restart, title: Restart, action: restart, args: [--via, systemd], check: {exit: 0}, timeout: 10s}
  - {name: by-hand, title: By hand, text: "do it, ${who}", changes: true, check: {confirm: "Done, ${who}?"}, timeout: 10s}
`

func TestChangesNeedApproval(t *testing.T) {
	b := book(t, changing)

	// No terminal, no --yes: refused, not assumed.
	_, lines, out, err := run(t, b, Options{})
	if !errors.Is(err, ErrStopped) || len(lines) != 2 || lines[1].Outcome != Refused ||
		!strings.Contains(lines[1].Detail, "no terminal to approve it on") || strings.Contains(out, "ran: restart") {
		t.Fatalf("err %v, log %+v\n%s", err, lines, out)
	}

	// A terminal: asked, declined.
	p := &scripted{answers: []bool{false}}
	_, lines, out, err = run(t, b, Options{Prompt: p})
	if !errors.Is(err, ErrStopped) || lines[1].Outcome != Declined || strings.Contains(out, "ran: restart") {
		t.Fatalf("err %v, log %+v", err, lines)
	}
	if len(p.questions) != 1 || p.questions[0] != "Run `dsops restart --via systemd` now?" {
		t.Errorf("questions %q", p.questions)
	}

	// A terminal: approved and confirmed; the question has the value in it.
	p = &scripted{answers: []bool{true, true}}
	_, lines, out, err = run(t, b, Options{Prompt: p})
	if err != nil || len(lines) != 3 || lines[2].Outcome != Passed || !strings.Contains(out, "ran: restart --via systemd") ||
		!strings.Contains(out, "  do it, world") || p.questions[1] != "Done, world?" {
		t.Fatalf("err %v, log %+v, questions %q\n%s", err, lines, p.questions, out)
	}

	// The operator answers no to a manual step's check: failed.
	p = &scripted{answers: []bool{true, false}}
	_, lines, _, err = run(t, b, Options{Prompt: p})
	if !errors.Is(err, ErrCheckFailed) || lines[2].Outcome != Failed || !strings.Contains(lines[2].Detail, "answered no") {
		t.Fatalf("err %v, log %+v", err, lines)
	}

	// --yes without a terminal: the action runs, the manual step is
	// recorded as assumed, never as passed.
	_, lines, _, err = run(t, b, Options{Yes: true})
	if err != nil || lines[1].Outcome != Passed || lines[2].Outcome != Assumed ||
		!strings.Contains(lines[2].Detail, "confirmed by --yes, not by a person: Done, world?") {
		t.Fatalf("err %v, log %+v", err, lines)
	}
}

func TestManualStepWithoutTerminal(t *testing.T) {
	b := book(t, head+`steps:
  - {name: read, title: Read, text: "read the log", check: {confirm: "Read?"}, timeout: 10s}
`)
	_, lines, _, err := run(t, b, Options{})
	if !errors.Is(err, ErrStopped) || lines[0].Outcome != Refused || !strings.Contains(lines[0].Detail, "needs an operator") {
		t.Fatalf("err %v, log %+v", err, lines)
	}
	// No answer within the timeout.
	b.Steps[0].Timeout = Duration(200 * time.Millisecond)
	_, lines, _, err = run(t, b, Options{Prompt: &scripted{}})
	if !errors.Is(err, ErrCheckFailed) || lines[0].Outcome != TimedOut {
		t.Fatalf("err %v, log %+v", err, lines)
	}
}

func TestParseRefuses(t *testing.T) {
	step := func(s string) string { return head + "steps:\n  - " + s + "\n" }
	for _, tt := range []struct{ name, yaml, want string }{
		{"unknown key", head + "stpes: []\n", "field stpes not found"},
		{"bad name", strings.Replace(head, "name: t", "name: Server Crash", 1) + "steps: []\n", `name "Server Crash": use lower-case`},
		{"bad kind", strings.Replace(head, "kind: procedure", "kind: playbook", 1) + "steps: []\n", `kind "playbook": use scenario, procedure or alert`},
		{"alert without kind alert", strings.Replace(head, "kind: procedure", "kind: procedure\nalert: X", 1) + "steps: []\n", "only a runbook of kind alert"},
		{"kind alert without alert", strings.Replace(head, "kind: procedure", "kind: alert", 1) + "steps: []\n", "kind alert needs alert"},
		{"no steps", head + "steps: []\n", "no steps"},
		{"unknown action", step("{name: a, title: A, action: reboot, check: {exit: 0}, timeout: 1s}"), `action "reboot": use one of backup, backup-check, health, regenerate, restart, restore, verify`},
		{"no check", step("{name: a, title: A, action: health, timeout: 1s}"), "give exactly one check"},
		{"two checks", step("{name: a, title: A, action: health, check: {exit: 0, confirm: 'ok?'}, timeout: 1s}"), "give exactly one check"},
		{"exit on manual", step("{name: a, title: A, text: t, check: {exit: 0}, timeout: 1s}"), "check exit needs an action"},
		{"check runs a change", step("{name: a, title: A, action: health, check: {run: [restart]}, timeout: 1s}"), "a check may only run health, verify or backup-check"},
		{"no timeout", step("{name: a, title: A, action: health, check: {exit: 0}}"), "timeout is required"},
		{"bad timeout", step("{name: a, title: A, action: health, check: {exit: 0}, timeout: soon}"), `timeout "soon": write a duration`},
		{"manual without text", step("{name: a, title: A, check: {confirm: 'ok?'}, timeout: 1s}"), "a manual step needs text"},
		{"changes on action", step("{name: a, title: A, action: health, changes: true, check: {exit: 0}, timeout: 1s}"), "changes is set by the action"},
		{"undeclared parameter", step(`{name: a, title: A, action: health, args: ["${url}"], check: {exit: 0}, timeout: 1s}`), "${url} is not a parameter"},
		{"duplicate step", head + "steps:\n  - {name: a, title: A, action: health, check: {exit: 0}, timeout: 1s}\n  - {name: a, title: A, action: health, check: {exit: 0}, timeout: 1s}\n", `step 2 "a": give each step a unique name`},
	} {
		_, err := Parse("bad.yaml", []byte(tt.yaml))
		if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.HasPrefix(err.Error(), "bad.yaml: ") {
			t.Errorf("%s: got %v, want %q", tt.name, err, tt.want)
		}
	}
}

func TestValues(t *testing.T) {
	b := book(t, "name: t\ntitle: T\nkind: procedure\nsummary: s\nparams:\n  url:\n    help: base URL\n    default: http://x\n  backup:\n    help: the backup file\n"+
		"steps:\n  - {name: a, title: A, action: restore, args: [\"${backup}\"], check: {exit: 0}, timeout: 1s}\n")
	if _, err := b.Values(nil); err == nil || err.Error() != "runbook t needs --set backup=... (the backup file)" {
		t.Errorf("missing: %v", err)
	}
	v, err := b.Values([]string{"backup=/b/x.tar.gz", "url=http://y"})
	if err != nil || v["backup"] != "/b/x.tar.gz" || v["url"] != "http://y" {
		t.Errorf("%v %v", v, err)
	}
	v, _ = b.Values([]string{"backup=b"})
	if v["url"] != "http://x" {
		t.Errorf("default: %v", v)
	}
	if _, err := b.Values([]string{"backup=b", "uri=z"}); err == nil || !strings.Contains(err.Error(), `has no parameter "uri"; it takes backup, url`) {
		t.Errorf("unknown: %v", err)
	}
	if _, err := b.Values([]string{"backup"}); err == nil || !strings.Contains(err.Error(), "write NAME=VALUE") {
		t.Errorf("malformed: %v", err)
	}
}
