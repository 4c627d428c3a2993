// Package runbook reads and runs incident runbooks: `dsops runbook`.
//
// A runbook is a YAML file: a name, a title, what it is for, the parameters
// it takes and a list of steps. The built-in runbooks live in the
// repository's ops/runbooks folder and are embedded in dsops; a user adds
// or replaces runbooks with files of their own in a folder (--dir).
//
// A step is either an action that dsops performs, by running one of its
// own commands (health, restart, restore, regenerate, verify, backup,
// backup-check), or a manual step: instructions the operator carries out
// and then confirms at a prompt. Every step has a check, which decides
// whether it passed, and a timeout:
//
//	check: {exit: 0}               the action's exit status is 0
//	check: {run: [health, ...]}    this dsops command, run after the step,
//	                               exits 0
//	check: {confirm: "question"}   the operator answers yes
//
// A run stops at the first step whose check fails, times out, or that is
// refused, and names it. A step that changes anything (restart, restore,
// regenerate, backup, or a manual step marked changes: true) is asked for
// at the prompt first; without a terminal it is refused unless the caller
// said yes beforehand (--yes), never assumed. A manual step that is
// confirmed by --yes rather than by a person is recorded as "assumed", so
// the incident log never claims a person checked what nobody checked.
//
// Each run writes an incident log, one JSON object per step (step, start,
// end, outcome, command, output excerpt), appended as the steps finish so
// that a run cut short still leaves its log, and a Markdown summary for a
// post-mortem.
package runbook

import (
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"time"

	"gopkg.in/yaml.v3"
)

// Kinds of runbook.
const (
	KindScenario  = "scenario"  // a recovery scenario of the disaster-recovery guide
	KindProcedure = "procedure" // a routine procedure (restart, backup)
	KindAlert     = "alert"     // the answer to one alert rule
)

// Actions dsops performs, and whether each changes anything.
var actions = map[string]bool{
	"health":       false,
	"verify":       false,
	"backup-check": false,
	"restart":      true,
	"restore":      true,
	"regenerate":   true,
	"backup":       true,
}

// Actions lists the actions a step may name, sorted.
func Actions() []string {
	names := make([]string, 0, len(actions))
	for a := range actions {
		names = append(names, a)
	}
	slices.Sort(names)
	return names
}

// Book is one runbook.
type Book struct {
	Name    string           `yaml:"name"`
	Title   string           `yaml:"title"`
	Kind    string           `yaml:"kind"`
	Alert   string           `yaml:"alert,omitempty"`
	Summary string           `yaml:"summary"`
	Params  map[string]Param `yaml:"params,omitempty"`
	Steps   []Step           `yaml:"steps"`
	// FollowUp lists what to do once the incident is over; it goes into the
	// summary as a checklist.
	FollowUp []string `yaml:"follow_up,omitempty"`

	// Source is where the runbook was read from: "built-in" or a path.
	Source string `yaml:"-"`
}

// Param is a value a runbook's steps use as ${name}.
type Param struct {
	Help string `yaml:"help"`
	// Default is used when the caller sets nothing; nil makes the
	// parameter required.
	Default *string `yaml:"default,omitempty"`
}

// Step is one thing to do.
type Step struct {
	Name  string `yaml:"name"`
	Title string `yaml:"title"`
	// Text explains the step; for a manual step it holds the instructions.
	Text string `yaml:"text,omitempty"`
	// Action is the dsops command an action step runs; empty for a manual
	// step.
	Action string   `yaml:"action,omitempty"`
	Args   []string `yaml:"args,omitempty"`
	// Changes marks a manual step that changes the system. Action steps
	// take it from the action.
	Changes bool     `yaml:"changes,omitempty"`
	Check   Check    `yaml:"check"`
	Timeout Duration `yaml:"timeout"`
}

// Check decides whether a step passed. Exactly one field is set.
type Check struct {
	Exit    *int     `yaml:"exit,omitempty"`
	Run     []string `yaml:"run,omitempty"`
	Confirm string   `yaml:"confirm,omitempty"`
}

// Duration is a time.Duration written as "45s" or "30m".
type Duration time.Duration

// UnmarshalYAML reads a duration in Go's notation.
func (d *Duration) UnmarshalYAML(n *yaml.Node) error {
	v, err := time.ParseDuration(n.Value)
	if err != nil {
		return fmt.Errorf("line %d: timeout %q: write a duration such as 45s or 30m", n.Line, n.Value)
	}
	*d = Duration(v)
	return nil
}

// Manual reports whether the step is carried out by the operator.
func (s Step) Manual() bool { return s.Action == "" }

// ChangesSystem reports whether the step changes anything.
func (s Step) ChangesSystem() bool {
	if s.Manual() {
		return s.Changes
	}
	return actions[s.Action]
}

// Command is the dsops command line of an action step (without "dsops").
func (s Step) Command() []string {
	if s.Action == "backup-check" {
		return append([]string{"backup", "--check"}, s.Args...)
	}
	return append([]string{s.Action}, s.Args...)
}

var (
	nameRE  = regexp.MustCompile(`^[a-z][a-z0-9-]*$`)
	paramRE = regexp.MustCompile(`\$\{([^}]*)\}`)
)

// Parse reads one runbook from data; file names it in errors.
func Parse(file string, data []byte) (*Book, error) {
	var b Book
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&b); err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	if err := b.validate(); err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	return &b, nil
}

func (b *Book) validate() error {
	var errs []error
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	if !nameRE.MatchString(b.Name) {
		bad("name %q: use lower-case letters, digits and dashes", b.Name)
	}
	if b.Title == "" || b.Summary == "" {
		bad("title and summary are required")
	}
	switch b.Kind {
	case KindScenario, KindProcedure:
		if b.Alert != "" {
			bad("alert %q: only a runbook of kind alert answers an alert", b.Alert)
		}
	case KindAlert:
		if b.Alert == "" {
			bad("kind alert needs alert: the name of the alert rule it answers")
		}
	default:
		bad("kind %q: use %s, %s or %s", b.Kind, KindScenario, KindProcedure, KindAlert)
	}
	for p := range b.Params {
		if !nameRE.MatchString(p) {
			bad("parameter %q: use lower-case letters, digits and dashes", p)
		}
	}
	if len(b.Steps) == 0 {
		bad("no steps")
	}
	seen := map[string]bool{}
	for i, s := range b.Steps {
		where := fmt.Sprintf("step %d %q", i+1, s.Name)
		if !nameRE.MatchString(s.Name) || seen[s.Name] {
			bad("%s: give each step a unique name of lower-case letters, digits and dashes", where)
		}
		seen[s.Name] = true
		if s.Title == "" {
			bad("%s: title is required", where)
		}
		if s.Manual() {
			switch {
			case s.Text == "":
				bad("%s: a manual step needs text: the instructions", where)
			case len(s.Args) > 0:
				bad("%s: args without an action", where)
			}
		} else if _, ok := actions[s.Action]; !ok {
			bad("%s: action %q: use one of %s", where, s.Action, strings.Join(Actions(), ", "))
		} else if s.Changes {
			bad("%s: changes is set by the action %s; remove it", where, s.Action)
		}
		set := 0
		if s.Check.Exit != nil {
			set++
			if s.Manual() {
				bad("%s: check exit needs an action; a manual step is checked by confirm or run", where)
			}
		}
		if len(s.Check.Run) > 0 {
			set++
			if _, ok := actions[s.Check.Run[0]]; !ok || actions[s.Check.Run[0]] {
				bad("%s: check run %q: a check may only run health, verify or backup-check", where, s.Check.Run[0])
			}
		}
		if s.Check.Confirm != "" {
			set++
		}
		if set != 1 {
			bad("%s: give exactly one check: exit, run or confirm", where)
		}
		if s.Timeout <= 0 {
			bad("%s: timeout is required, for example 45s", where)
		}
		for _, text := range append(append([]string{s.Text, s.Check.Confirm}, s.Args...), s.Check.Run...) {
			for _, m := range paramRE.FindAllStringSubmatch(text, -1) {
				if _, ok := b.Params[m[1]]; !ok {
					bad("%s: ${%s} is not a parameter of this runbook; declare it under params", where, m[1])
				}
			}
		}
	}
	for _, f := range b.FollowUp {
		for _, m := range paramRE.FindAllStringSubmatch(f, -1) {
			if _, ok := b.Params[m[1]]; !ok {
				bad("follow_up: ${%s} is not a parameter of this runbook", m[1])
			}
		}
	}
	return errors.Join(errs...)
}

// Set is the runbooks one can run, by name.
type Set map[string]*Book

// Load reads the built-in runbooks from builtin and then every *.yaml in
// dir, if dir is not empty. A runbook in dir replaces the built-in one of
// the same name.
func Load(builtin fs.FS, dir string) (Set, error) {
	set := Set{}
	names, err := fs.Glob(builtin, "*.yaml")
	if err != nil {
		return nil, err
	}
	for _, n := range names {
		data, err := fs.ReadFile(builtin, n)
		if err != nil {
			return nil, err
		}
		if err := set.add(n, "built-in", data); err != nil {
			return nil, err
		}
	}
	if dir == "" {
		return set, nil
	}
	files, err := filepath.Glob(filepath.Join(dir, "*.yaml"))
	if err == nil && len(files) == 0 {
		if _, serr := os.Stat(dir); serr != nil {
			return nil, fmt.Errorf("--dir: %w", serr)
		}
		return nil, fmt.Errorf("--dir %s holds no *.yaml runbook", dir)
	}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			return nil, fmt.Errorf("--dir: %w", err)
		}
		delete(set, strings.TrimSuffix(filepath.Base(f), ".yaml"))
		if err := set.add(f, f, data); err != nil {
			return nil, err
		}
	}
	return set, nil
}

func (set Set) add(file, source string, data []byte) error {
	b, err := Parse(file, data)
	if err != nil {
		return err
	}
	if want := strings.TrimSuffix(path.Base(filepath.ToSlash(file)), ".yaml"); b.Name != want {
		return fmt.Errorf("%s: name %q differs from the file name; name the file %s.yaml", file, b.Name, b.Name)
	}
	b.Source = source
	set[b.Name] = b
	return nil
}

// Sorted returns the runbooks by kind (scenarios, procedures, alerts), then
// by title, which puts the scenarios in the guide's order.
func (set Set) Sorted() []*Book {
	order := map[string]int{KindScenario: 0, KindProcedure: 1, KindAlert: 2}
	books := make([]*Book, 0, len(set))
	for _, b := range set {
		books = append(books, b)
	}
	slices.SortFunc(books, func(a, b *Book) int {
		return cmp.Or(cmp.Compare(order[a.Kind], order[b.Kind]), cmp.Compare(a.Title, b.Title), cmp.Compare(a.Name, b.Name))
	})
	return books
}

// Get returns the runbook called name, or an error listing the names.
func (set Set) Get(name string) (*Book, error) {
	if b, ok := set[name]; ok {
		return b, nil
	}
	var names []string
	for _, b := range set.Sorted() {
		names = append(names, b.Name)
	}
	return nil, fmt.Errorf("no runbook %q; dsops runbook list shows them: %s", name, strings.Join(names, ", "))
}

// Values resolves the parameters of b from set (NAME=VALUE strings) and
// the defaults. Unknown names and missing required values are errors that
// list what b takes.
func (b *Book) Values(set []string) (map[string]string, error) {
	vals := map[string]string{}
	for _, kv := range set {
		k, v, ok := strings.Cut(kv, "=")
		if !ok {
			return nil, fmt.Errorf("--set %q: write NAME=VALUE", kv)
		}
		if _, known := b.Params[k]; !known {
			return nil, fmt.Errorf("--set %s: runbook %s has no parameter %q; it takes %s", kv, b.Name, k, b.paramList())
		}
		vals[k] = v
	}
	var missing []string
	for name, p := range b.Params {
		if _, ok := vals[name]; ok {
			continue
		}
		if p.Default == nil {
			missing = append(missing, fmt.Sprintf("--set %s=... (%s)", name, p.Help))
			continue
		}
		vals[name] = *p.Default
	}
	if len(missing) > 0 {
		slices.Sort(missing)
		return nil, fmt.Errorf("runbook %s needs %s", b.Name, strings.Join(missing, ", "))
	}
	return vals, nil
}

func (b *Book) paramList() string {
	if len(b.Params) == 0 {
		return "no parameters"
	}
	return strings.Join(b.paramNames(), ", ")
}

func (b *Book) paramNames() []string {
	names := make([]string, 0, len(b.Params))
	for n := range b.Params {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}

// expand replaces ${name} in s with its value; a name without a value
// (as when showing a runbook) stays as it is.
func expand(s string, vals map[string]string) string {
	return paramRE.ReplaceAllStringFunc(s, func(m string) string {
		if v, ok := vals[m[2:len(m)-1]]; ok {
			return v
		}
		return m
	})
}

func expandAll(ss []string, vals map[string]string) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = expand(s, vals)
	}
	return out
}
