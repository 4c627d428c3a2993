package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"datasynth.dev/ops/internal/runbook"
	"datasynth.dev/ops/runbooks"
	"datasynth.dev/verify/atomicfile"
)

func newRunbookCmd(g *globals) *cobra.Command {
	var dir string
	cmd := &cobra.Command{
		Use:   "runbook list | show NAME | run NAME",
		Short: "List, show and run the incident runbooks",
		Long: `Runbooks turn the recovery scenarios and restart procedures of
docs/disaster-recovery.md, and the responses to each alert, into steps dsops
walks an on-call engineer through.

Built in: server-crash, node-failure, config-lost and historical-data (the
four recovery scenarios), restart, and one runbook per alert rule in
deploy/prometheus/alerts.yml (its runbook_url names it), such as
backup-failed. --dir adds the *.yaml runbooks of a folder; one with the name
of a built-in replaces it. docs/runbooks.md describes the format.`,
		Example: `  dsops runbook list
  dsops runbook show config-lost
  dsops runbook run server-crash
  dsops runbook run restart --set via=kubernetes --set url=http://localhost:3000 --log incident.jsonl`,
	}
	cmd.PersistentFlags().StringVar(&dir, "dir", "", "`folder` of further runbooks (*.yaml)")
	load := func() (runbook.Set, error) { return runbook.Load(runbooks.FS, dir) }
	get := func(name string) (*runbook.Book, error) {
		set, err := load()
		if err != nil {
			return nil, err
		}
		return set.Get(name)
	}

	list := &cobra.Command{
		Use:   "list",
		Short: "List the runbooks",
		Long: `List every runbook with its kind, the alert it answers and its title.

Exit codes:
  0  listed
  2  a runbook in --dir is malformed (the message names the file and the field)`,
		Example: `  dsops runbook list
  dsops runbook list --dir /etc/datasynth/runbooks`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			set, err := load()
			if err != nil {
				return err
			}
			tw := tabwriter.NewWriter(g.stdout, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "NAME\tKIND\tALERT\tTITLE")
			for _, b := range set.Sorted() {
				title := b.Title
				if b.Source != "built-in" {
					title += " (" + b.Source + ")"
				}
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", b.Name, b.Kind, dash(b.Alert), title)
			}
			return tw.Flush()
		},
	}

	show := &cobra.Command{
		Use:   "show NAME",
		Short: "Show a runbook's parameters and steps",
		Long: `Show what a runbook is for, the parameters it takes and every step with the
command it runs, its check and its timeout. Nothing is run.

Exit codes:
  0  shown
  2  no such runbook, or a malformed one`,
		Example: `  dsops runbook show server-crash`,
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			b, err := get(args[0])
			if err != nil {
				return err
			}
			return b.WriteText(g.stdout)
		},
	}

	var ro runbookRunOptions
	runCmd := &cobra.Command{
		Use:   "run NAME [--set NAME=VALUE]... [--yes] [--log FILE]",
		Short: "Walk through a runbook, logging every step",
		Long: `Carry out a runbook's steps in order. Action steps run dsops commands (their
output is shown and kept); manual steps print instructions and ask the
operator to confirm. Every step has a check and a timeout; the run stops at
the first step that fails its check, times out, or is not allowed, and names
it.

A step that changes anything (restart, restore, regenerate, backup, or a
manual step that says so) is asked for first. Without a terminal it is
refused unless --yes approves every step beforehand; a manual step
confirmed by --yes instead of a person is logged as "assumed".

The incident log (--log, default incident-NAME-TIME.jsonl in the current
folder) gets one JSON object per step as it ends: runbook, number, step,
title, kind, command, check, start, end, outcome, detail and the end of the
step's output. A Markdown summary for the post-mortem is written beside it
(the same name ending in .md).

Exit codes:
  0  every step passed
  1  a step's check failed or timed out (the message names the step)
  2  a step was refused or declined, or bad input: unknown runbook,
     unknown or missing parameter`,
		Example: `  dsops runbook run server-crash
  dsops runbook run config-lost --set config-backup=/var/backups/datasynth/config-2026-11-25.tar.gz \
      --set env-backup=/var/backups/datasynth/server.env.2026-11-25
  dsops runbook run restart --set via=compose --yes --log /var/log/datasynth/incident.jsonl`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			b, err := get(args[0])
			if err != nil {
				return err
			}
			return ro.run(cmd.Context(), g, b)
		},
	}
	rf := runCmd.Flags()
	rf.StringArrayVar(&ro.set, "set", nil, "a parameter as `NAME=VALUE` (repeatable); runbook show lists them")
	rf.BoolVarP(&ro.yes, "yes", "y", false, "approve every step beforehand, with or without a terminal")
	rf.StringVar(&ro.log, "log", "", "incident log `file` (JSON lines); the summary goes beside it as .md")

	cmd.AddCommand(list, show, runCmd)
	return cmd
}

type runbookRunOptions struct {
	set []string
	yes bool
	log string
}

func (o runbookRunOptions) run(ctx context.Context, g *globals, b *runbook.Book) error {
	vals, err := b.Values(o.set)
	if err != nil {
		return err
	}
	logPath := o.log
	if logPath == "" {
		logPath = fmt.Sprintf("incident-%s-%s.jsonl", b.Name, time.Now().UTC().Format("20060102T150405Z"))
	}
	summaryPath := summaryName(logPath)
	logFile, err := os.OpenFile(logPath, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o640)
	if err != nil {
		return fmt.Errorf("--log: %w; choose a writable file", err)
	}
	defer logFile.Close()

	opts := runbook.Options{Values: vals, Yes: o.yes, Log: logFile, Out: g.stdout}
	if stdinIsTerminal() {
		opts.Prompt = newTerminalPrompt(os.Stdin, g.stdout)
	}
	res, runErr := runbook.Run(ctx, b, opts)
	if res != nil {
		var buf bytes.Buffer
		if err := res.WriteSummary(&buf); err != nil {
			return err
		}
		if err := atomicfile.WriteFile(summaryPath, buf.Bytes(), 0o640); err != nil {
			return fmt.Errorf("writing the summary: %w", err)
		}
		fmt.Fprintf(g.stdout, "\nincident log: %s\nsummary:      %s\n", logPath, summaryPath)
	}
	if errors.Is(runErr, runbook.ErrCheckFailed) {
		fmt.Fprintln(g.stderr, "dsops:", runErr)
		return reported(exitDifferent)
	}
	return runErr
}

// summaryName puts the summary beside the log: incident.jsonl gives
// incident.md.
func summaryName(log string) string {
	for _, ext := range []string{".jsonl", ".json", ".log"} {
		if base, ok := strings.CutSuffix(log, ext); ok {
			return base + ".md"
		}
	}
	return log + ".md"
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func stdinIsTerminal() bool { return term.IsTerminal(int(os.Stdin.Fd())) }

// terminalPrompt asks yes/no questions on a terminal. One goroutine reads
// lines for the whole run, so that a question abandoned at its timeout
// leaves no reader behind to steal the next answer.
type terminalPrompt struct {
	out   io.Writer
	lines chan string
}

func newTerminalPrompt(in io.Reader, out io.Writer) *terminalPrompt {
	t := &terminalPrompt{out: out, lines: make(chan string)}
	go func() {
		sc := bufio.NewScanner(in)
		for sc.Scan() {
			t.lines <- sc.Text()
		}
		close(t.lines)
	}()
	return t
}

func (t *terminalPrompt) Confirm(ctx context.Context, question string) (bool, error) {
	fmt.Fprintf(t.out, "  %s [y/N] ", question)
	select {
	case <-ctx.Done():
		fmt.Fprintln(t.out)
		return false, ctx.Err()
	case line, ok := <-t.lines:
		if !ok {
			return false, errors.New("the terminal closed")
		}
		switch strings.ToLower(strings.TrimSpace(line)) {
		case "y", "yes":
			return true, nil
		}
		return false, nil
	}
}
