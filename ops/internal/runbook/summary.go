package runbook

import (
	"fmt"
	"io"
	"slices"
	"strings"
	"time"
)

// WriteSummary writes the Markdown summary of a run, for a person to paste
// into a post-mortem: what ran, in what order, how each step went, the end
// of each step's output and the follow-up checklist.
func (r *Result) WriteSummary(w io.Writer) error {
	b := r.Book
	var sb strings.Builder
	p := func(format string, args ...any) { fmt.Fprintf(&sb, format, args...) }
	p("# Incident runbook: %s\n\n", b.Title)
	p("- Runbook: `%s` (%s, %s)\n", b.Name, b.Kind, b.Source)
	if b.Alert != "" {
		p("- Alert: `%s`\n", b.Alert)
	}
	p("- Started: %s\n", r.Start.UTC().Format(time.RFC3339))
	p("- Ended: %s (%s)\n", r.End.UTC().Format(time.RFC3339), r.End.Sub(r.Start).Round(time.Second))
	if r.Stopped != nil {
		p("- Outcome: **stopped at step %d `%s`: %s**: %s\n", r.Stopped.Number, r.Stopped.Step, r.Stopped.Outcome, r.Stopped.Detail)
	} else {
		p("- Outcome: every step passed\n")
	}
	if len(r.Values) > 0 {
		names := make([]string, 0, len(r.Values))
		for n := range r.Values {
			names = append(names, n)
		}
		slices.Sort(names)
		p("- Parameters:")
		for _, n := range names {
			p(" `%s=%s`", n, r.Values[n])
		}
		p("\n")
	}
	p("\n| # | step | kind | outcome | took | check |\n| --- | --- | --- | --- | --- | --- |\n")
	for _, s := range r.Steps {
		p("| %d | %s | %s | %s | %s | %s |\n", s.Number, cell(s.Title), s.Kind, s.Outcome,
			s.End.Sub(s.Start).Round(10*time.Millisecond), cell(s.Check))
	}
	if n := len(b.Steps) - len(r.Steps); n > 0 {
		p("\nNot reached: ")
		var names []string
		for _, s := range b.Steps[len(r.Steps):] {
			names = append(names, "`"+s.Name+"`")
		}
		p("%s.\n", strings.Join(names, ", "))
	}
	for _, s := range r.Steps {
		if s.Command == "" && s.Output == "" && s.Detail == "" {
			continue
		}
		p("\n## %d. %s\n\n", s.Number, s.Title)
		if s.Command != "" {
			p("`%s`\n\n", s.Command)
		}
		if s.Detail != "" {
			p("%s: %s\n\n", s.Outcome, s.Detail)
		}
		if out := strings.TrimRight(s.Output, "\n"); out != "" {
			p("```\n%s\n```\n", strings.ReplaceAll(out, "```", "'''"))
		}
	}
	if len(b.FollowUp) > 0 {
		p("\n## Follow-up\n\n")
		for _, f := range b.FollowUp {
			p("- [ ] %s\n", expand(f, r.Values))
		}
	}
	_, err := io.WriteString(w, sb.String())
	return err
}

// cell makes s safe inside a Markdown table cell.
func cell(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "|", `\|`), "\n", " ")
}

// WriteText prints b for `dsops runbook show`: what it is for, its
// parameters and every step with its command, check and timeout.
func (b *Book) WriteText(w io.Writer) error {
	var sb strings.Builder
	p := func(format string, args ...any) { fmt.Fprintf(&sb, format, args...) }
	p("%s: %s\n", b.Name, b.Title)
	p("kind: %s", b.Kind)
	if b.Alert != "" {
		p(" (alert %s)", b.Alert)
	}
	p("; source: %s\n\n%s\n", b.Source, strings.TrimRight(b.Summary, "\n"))
	if len(b.Params) > 0 {
		p("\nparameters (--set NAME=VALUE):\n")
		for _, n := range b.paramNames() {
			prm := b.Params[n]
			def := "required"
			if prm.Default != nil {
				def = fmt.Sprintf("default %q", *prm.Default)
			}
			p("  %-14s %s (%s)\n", n, prm.Help, def)
		}
	}
	p("\nsteps:\n")
	for i, s := range b.Steps {
		p("%2d. %s: %s\n", i+1, s.Name, s.Title)
		if s.Text != "" {
			p("%s\n", indentBy(s.Text, "      "))
		}
		if !s.Manual() {
			p("      run:     dsops %s\n", quoteArgs(s.Command()))
		} else {
			p("      manual step\n")
		}
		p("      check:   %s\n", checkText(s, nil))
		p("      timeout: %s", time.Duration(s.Timeout))
		if s.ChangesSystem() {
			p("; changes the system: asked first, refused without a terminal unless --yes")
		}
		p("\n")
	}
	if len(b.FollowUp) > 0 {
		p("\nfollow-up:\n")
		for _, f := range b.FollowUp {
			p("  - %s\n", f)
		}
	}
	_, err := io.WriteString(w, sb.String())
	return err
}

func indentBy(s, prefix string) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	for i, l := range lines {
		if l != "" {
			lines[i] = prefix + l
		}
	}
	return strings.Join(lines, "\n")
}

// WriteDoc writes the Markdown list of docs/runbooks.md: every runbook with
// its parameters and steps, each under a heading whose anchor is the
// runbook's name (the alerts' runbook_url points at it).
func (set Set) WriteDoc(w io.Writer) error {
	var sb strings.Builder
	p := func(format string, args ...any) { fmt.Fprintf(&sb, format, args...) }
	p("| runbook | kind | alert | title |\n| --- | --- | --- | --- |\n")
	for _, b := range set.Sorted() {
		p("| [%s](#%s) | %s | %s | %s |\n", b.Name, b.Name, b.Kind, dashIfEmpty(b.Alert), cell(b.Title))
	}
	for _, b := range set.Sorted() {
		p("\n## %s\n\n**%s**", b.Name, b.Title)
		if b.Alert != "" {
			p(" (alert `%s`)", b.Alert)
		}
		p("\n\n%s\n\n", strings.TrimSpace(strings.Join(strings.Fields(b.Summary), " ")))
		p("```sh\ndsops runbook run %s", b.Name)
		for _, n := range b.paramNames() {
			if b.Params[n].Default == nil {
				p(" --set %s=...", n)
			}
		}
		p("\n```\n\n")
		if len(b.Params) > 0 {
			p("| parameter | meaning | default |\n| --- | --- | --- |\n")
			for _, n := range b.paramNames() {
				def := "required"
				if d := b.Params[n].Default; d != nil {
					def = "`" + *d + "`"
				}
				p("| `%s` | %s | %s |\n", n, cell(b.Params[n].Help), def)
			}
			p("\n")
		}
		p("| # | step | does | check | timeout |\n| --- | --- | --- | --- | --- |\n")
		for i, s := range b.Steps {
			does := "manual"
			if !s.Manual() {
				does = "`dsops " + cell(quoteArgs(s.Command())) + "`"
			}
			if s.ChangesSystem() {
				does += " (changes the system)"
			}
			p("| %d | %s | %s | %s | %s |\n", i+1, cell(s.Title), does, cell(checkText(s, nil)), time.Duration(s.Timeout))
		}
		if len(b.FollowUp) > 0 {
			p("\nFollow-up:\n\n")
			for _, f := range b.FollowUp {
				p("- %s\n", f)
			}
		}
	}
	_, err := io.WriteString(w, sb.String())
	return err
}

func dashIfEmpty(s string) string {
	if s == "" {
		return "-"
	}
	return "`" + s + "`"
}
