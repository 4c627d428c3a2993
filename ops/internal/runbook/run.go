package runbook

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"time"
)

// Outcomes of a step.
const (
	Passed   = "passed"
	Failed   = "failed"
	TimedOut = "timed out"
	Refused  = "refused"  // it changes something and nobody could approve it
	Declined = "declined" // the operator said no
	Assumed  = "assumed"  // a manual step confirmed by --yes, not by a person
)

// ErrCheckFailed means a step ran and its check failed or timed out.
var ErrCheckFailed = errors.New("check failed")

// ErrStopped means the run stopped at a step it was not allowed to do.
var ErrStopped = errors.New("runbook stopped")

// Prompter asks the operator a yes/no question at a terminal.
type Prompter interface {
	Confirm(ctx context.Context, question string) (bool, error)
}

// Options configure one run.
type Options struct {
	// Values are the runbook's parameters, from Book.Values.
	Values map[string]string
	// Yes approves every step beforehand.
	Yes bool
	// Prompt is the operator's terminal; nil when there is none.
	Prompt Prompter
	// Program is the dsops that runs action steps; empty means this one.
	Program string
	// Log receives the incident log: one JSON object a step, written as
	// each step ends.
	Log io.Writer
	// Out receives the steps, their output and their outcomes.
	Out io.Writer
}

// StepLog is one line of the incident log.
type StepLog struct {
	Runbook string    `json:"runbook"`
	Number  int       `json:"number"`
	Step    string    `json:"step"`
	Title   string    `json:"title"`
	Kind    string    `json:"kind"` // action or manual
	Command string    `json:"command,omitempty"`
	Check   string    `json:"check"`
	Start   time.Time `json:"start"`
	End     time.Time `json:"end"`
	Outcome string    `json:"outcome"`
	Detail  string    `json:"detail,omitempty"`
	Output  string    `json:"output,omitempty"`
}

// Result is what a run did.
type Result struct {
	Book   *Book
	Values map[string]string
	Start  time.Time
	End    time.Time
	Steps  []StepLog
	// Stopped is the step the run stopped at, if it did not finish.
	Stopped *StepLog
}

// excerptBytes is how much of a step's output the log keeps: its end,
// where the verdict and the error are.
const excerptBytes = 2048

// Run carries out b's steps in order and stops at the first that does not
// pass. The error wraps ErrCheckFailed or ErrStopped and names the step.
func Run(ctx context.Context, b *Book, o Options) (*Result, error) {
	if o.Out == nil {
		o.Out = io.Discard
	}
	if o.Program == "" {
		exe, err := os.Executable()
		if err != nil {
			return nil, fmt.Errorf("finding dsops to run the steps with: %w", err)
		}
		o.Program = exe
	}
	res := &Result{Book: b, Values: o.Values, Start: time.Now()}
	defer func() { res.End = time.Now() }()
	fmt.Fprintf(o.Out, "runbook %s: %s (%d steps)\n", b.Name, b.Title, len(b.Steps))
	for i, s := range b.Steps {
		l := o.step(ctx, b, i, s)
		res.Steps = append(res.Steps, l)
		if o.Log != nil {
			if err := json.NewEncoder(o.Log).Encode(l); err != nil {
				return res, fmt.Errorf("writing the incident log: %w", err)
			}
			if f, ok := o.Log.(*os.File); ok {
				if err := f.Sync(); err != nil {
					return res, fmt.Errorf("writing the incident log: %w", err)
				}
			}
		}
		took := l.End.Sub(l.Start).Round(10 * time.Millisecond)
		switch l.Outcome {
		case Passed, Assumed:
			fmt.Fprintf(o.Out, "  %s in %s\n", l.Outcome, took)
			continue
		}
		fmt.Fprintf(o.Out, "  %s after %s: %s\n", strings.ToUpper(l.Outcome), took, l.Detail)
		res.Stopped = &res.Steps[len(res.Steps)-1]
		sentinel := ErrStopped
		if l.Outcome == Failed || l.Outcome == TimedOut {
			sentinel = ErrCheckFailed
		}
		return res, fmt.Errorf("%w at step %d %s (%s): %s", sentinel, l.Number, l.Step, l.Outcome, l.Detail)
	}
	fmt.Fprintf(o.Out, "runbook %s: every step passed\n", b.Name)
	return res, nil
}

// step carries out one step and says how it went.
func (o Options) step(ctx context.Context, b *Book, i int, s Step) StepLog {
	l := StepLog{Runbook: b.Name, Number: i + 1, Step: s.Name, Title: s.Title, Kind: "action", Start: time.Now()}
	defer func() {
		if l.End.IsZero() {
			l.End = time.Now()
		}
	}()
	var cmdline []string
	if s.Manual() {
		l.Kind = "manual"
	} else {
		cmdline = expandAll(s.Command(), o.Values)
		l.Command = "dsops " + quoteArgs(cmdline)
	}
	l.Check = checkText(s, o.Values)
	fmt.Fprintf(o.Out, "\nstep %d/%d %s: %s\n", l.Number, len(b.Steps), s.Name, s.Title)
	if s.Text != "" {
		fmt.Fprintln(o.Out, indentBy(expand(s.Text, o.Values), "  "))
	}
	if l.Command != "" {
		fmt.Fprintln(o.Out, "  $", l.Command)
	}

	ctx, cancel := context.WithTimeout(ctx, time.Duration(s.Timeout))
	defer cancel()
	timedOut := func() bool { return errors.Is(ctx.Err(), context.DeadlineExceeded) }

	// Approval of a step that changes something, before it runs. A manual
	// step is approved by its own confirmation below.
	if s.ChangesSystem() && !s.Manual() && !o.Yes {
		if o.Prompt == nil {
			return l.end(Refused, "it changes the system and there is no terminal to approve it on; run it by hand, or rerun with --yes to approve every step", "")
		}
		ok, err := o.Prompt.Confirm(ctx, "Run `"+l.Command+"` now?")
		switch {
		case timedOut():
			return l.end(TimedOut, fmt.Sprintf("no answer within the step's timeout of %s", time.Duration(s.Timeout)), "")
		case err != nil:
			return l.end(Refused, "reading the answer: "+err.Error(), "")
		case !ok:
			return l.end(Declined, "the operator declined it", "")
		}
	}

	output := &tail{max: excerptBytes}
	if !s.Manual() {
		err := o.exec(ctx, cmdline, output)
		want := 0
		if s.Check.Exit != nil {
			want = *s.Check.Exit
		}
		switch code := exitCode(err); {
		case timedOut():
			return l.end(TimedOut, fmt.Sprintf("still running after the step's timeout of %s; stopped", time.Duration(s.Timeout)), output.String())
		case code < 0:
			return l.end(Failed, err.Error(), output.String())
		case code != want:
			return l.end(Failed, fmt.Sprintf("`%s` exited with status %d, want %d", l.Command, code, want), output.String())
		}
	}

	switch {
	case len(s.Check.Run) > 0:
		check := expandAll(checkCommand(s.Check.Run), o.Values)
		fmt.Fprintln(o.Out, "  check: $ dsops", quoteArgs(check))
		err := o.exec(ctx, check, output)
		switch {
		case timedOut():
			return l.end(TimedOut, fmt.Sprintf("the check was still running after the step's timeout of %s", time.Duration(s.Timeout)), output.String())
		case err != nil:
			return l.end(Failed, fmt.Sprintf("check `dsops %s`: %v", quoteArgs(check), err), output.String())
		}
	case s.Check.Confirm != "":
		question := expand(s.Check.Confirm, o.Values)
		if o.Prompt == nil {
			if !o.Yes {
				return l.end(Refused, "it needs an operator to confirm and there is no terminal; carry it out by hand, or rerun with --yes to record it as assumed", output.String())
			}
			fmt.Fprintln(o.Out, "  not confirmed by a person (--yes, no terminal):", question)
			return l.end(Assumed, "confirmed by --yes, not by a person: "+question, output.String())
		}
		ok, err := o.Prompt.Confirm(ctx, question)
		switch {
		case timedOut():
			return l.end(TimedOut, fmt.Sprintf("no answer within the step's timeout of %s", time.Duration(s.Timeout)), output.String())
		case err != nil:
			return l.end(Refused, "reading the answer: "+err.Error(), output.String())
		case !ok:
			return l.end(Failed, "the operator answered no: "+question, output.String())
		}
	}
	return l.end(Passed, "", output.String())
}

func (l StepLog) end(outcome, detail, output string) StepLog {
	l.End, l.Outcome, l.Detail, l.Output = time.Now(), outcome, detail, output
	return l
}

// checkText says what decides whether s passed, with vals filled in.
func checkText(s Step, vals map[string]string) string {
	switch {
	case s.Check.Exit != nil:
		return fmt.Sprintf("exit status %d", *s.Check.Exit)
	case len(s.Check.Run) > 0:
		return "dsops " + quoteArgs(expandAll(checkCommand(s.Check.Run), vals)) + " exits 0"
	}
	return "the operator confirms: " + expand(s.Check.Confirm, vals)
}

func checkCommand(run []string) []string {
	return Step{Action: run[0], Args: run[1:]}.Command()
}

// exec runs dsops with args, its output going to the operator and to the
// excerpt.
func (o Options) exec(ctx context.Context, args []string, excerpt io.Writer) error {
	cmd := exec.CommandContext(ctx, o.Program, args...)
	// Named dsops whatever the file is called, as the operator would run it.
	cmd.Args[0] = "dsops"
	w := io.MultiWriter(o.Out, excerpt)
	cmd.Stdout, cmd.Stderr = w, w
	cmd.WaitDelay = 5 * time.Second
	return cmd.Run()
}

func exitCode(err error) int {
	if err == nil {
		return 0
	}
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return ee.ExitCode()
	}
	return -1
}

// quoteArgs joins args for display, quoting those a shell would split.
func quoteArgs(args []string) string {
	out := make([]string, len(args))
	for i, a := range args {
		// A ${name} placeholder is shown as it is: it is not shell syntax
		// here but a value still to be filled in.
		bare := paramRE.ReplaceAllString(a, "x")
		if a == "" || strings.ContainsAny(bare, " \t\n'\"$`\\|&;<>()*?[]#~") {
			a = "'" + strings.ReplaceAll(a, "'", `'\''`) + "'"
		}
		out[i] = a
	}
	return strings.Join(out, " ")
}

// tail keeps the last max bytes written to it.
type tail struct {
	max int
	buf []byte
	cut bool
}

func (t *tail) Write(p []byte) (int, error) {
	t.buf = append(t.buf, p...)
	if over := len(t.buf) - t.max; over > 0 {
		t.buf, t.cut = t.buf[over:], true
	}
	return len(p), nil
}

func (t *tail) String() string {
	if t.cut {
		return "…" + string(t.buf)
	}
	return string(t.buf)
}
