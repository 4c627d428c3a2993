package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"slices"
	"strconv"
	"strings"

	"datasynth.dev/engine/money"
	"github.com/agnivade/levenshtein"
	"gopkg.in/yaml.v3"
)

// MaxSize bounds the size of a config in bytes. A real config is a few
// kilobytes, even one that sets every key DataSynth defines; the bound keeps
// a wrong path (/dev/zero, a log file, a dataset) from being read into
// memory without end.
const MaxSize = 1 << 20

// ErrTooLarge is returned for a config over MaxSize.
var ErrTooLarge = fmt.Errorf("a config may hold at most %d bytes (1 MiB)", MaxSize)

// Load reads and checks the config at file. On failure the error is a
// Problems listing everything wrong, or an I/O error.
func Load(file string) (*Config, error) {
	data, err := ReadFile(file)
	if err != nil {
		return nil, err
	}
	return Parse(file, data)
}

// ReadFile reads a config file, refusing one over MaxSize after reading
// MaxSize+1 bytes at most.
func ReadFile(file string) ([]byte, error) {
	f, err := os.Open(file)
	if err != nil {
		return nil, fmt.Errorf("reading config: %w", err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, MaxSize+1))
	if err != nil {
		return nil, fmt.Errorf("reading config: %w", err)
	}
	if len(data) > MaxSize {
		return nil, fmt.Errorf("reading config %s: %w; is this the right file?", file, ErrTooLarge)
	}
	return data, nil
}

// Parse reads and checks a config. name is used in messages.
func Parse(name string, data []byte) (*Config, error) {
	cfg, _, err := parse(name, data)
	return cfg, err
}

// parse is Parse, also returning the parser, which knows which keys it
// decoded (for tests).
func parse(name string, data []byte) (*Config, *parser, error) {
	if len(data) > MaxSize {
		return nil, nil, Problems{{File: name, Msg: ErrTooLarge.Error() + fmt.Sprintf(", this one has %d", len(data))}}
	}
	p := &parser{file: name, keys: map[string]*yaml.Node{}, decoded: map[string]bool{}}
	cfg := defaults()
	cfg.Source = name

	var doc yaml.Node
	dec := yaml.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, p, Problems{{File: name, Msg: "the file is empty; start from `datasynth-data init`"}}
		}
		return nil, p, Problems{p.yamlError(err)}
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); err == nil {
		return nil, p, Problems{{File: name, Line: extra.Line, Col: extra.Column, Msg: "a second YAML document follows; a config is one document"}}
	}
	root := &doc
	if root.Kind == yaml.DocumentNode && len(root.Content) == 1 {
		root = root.Content[0]
	}
	p.root(root, cfg)
	if len(p.problems) == 0 {
		p.crossChecks(cfg)
	}
	if len(p.problems) > 0 {
		return nil, p, p.problems
	}
	cfg.Warnings = p.warnings
	return cfg, p, nil
}

// defaults returns a Config holding every default that Parse may keep.
func defaults() *Config {
	return &Config{
		Global: Global{
			PeriodMonths:     12,
			GroupCurrency:    "USD",
			FiscalYearMonths: 12,
			Parallel:         true,
		},
		ChartOfAccounts: ChartOfAccounts{Complexity: "small", IndustrySpecific: true},
		Output:          Output{Directory: "./output", Formats: []string{"csv"}},
		Fraud: Fraud{
			Rate: Decimal{5_000}, // 0.005
			// DataSynth's default shares.
			TypeWeights:        decimals("0.25", "0.15", "0.10", "0.10", "0.15", "0.10", "0.10", "0.05"),
			ApprovalThresholds: decimals("1000", "5000", "10000", "25000", "50000", "100000"),
		},
		// DataSynth's payroll defaults.
		HR: HR{Payroll: true, PayFrequency: "monthly", FederalTax: Decimal{220_000}, StateTax: Decimal{50_000}, FICA: Decimal{76_500}},
		// This generator's rates and delays, not DataSynth's defaults
		// (docs/output.md lists both): configs without the section
		// generate what they always did.
		DocumentFlows: DocumentFlows{
			P2P: Process{Enabled: true, Partial: Decimal{100_000}, Late: Decimal{150_000}, PartialPay: Decimal{50_000}, Unpaid: Decimal{30_000},
				ToReceipt: Delay{2, 14, false}, ToInvoice: Delay{1, 10, false}, Remainder: Delay{10, 40, false}},
			O2C: Process{Enabled: true, Partial: Decimal{100_000}, Late: Decimal{150_000}, PartialPay: Decimal{50_000}, Unpaid: Decimal{30_000},
				ToReceipt: Delay{1, 7, false}, ToInvoice: Delay{0, 3, false}, Remainder: Delay{10, 40, false}},
		},
		// This generator's behaviour, which opens the books with balances
		// where DataSynth's generate_opening_balances defaults to false;
		// targets unset follow the industry.
		Balance: Balance{Opening: true, TrialBalances: true, ValidateEquation: true, ReconcileSubledgers: true},
		Transactions: Transactions{
			// Share of entries by line count, per 10,000, in the shape
			// observed in real general ledgers: two-line entries dominate,
			// even counts beat odd ones.
			LineBuckets: weightBuckets(map[int]int64{2: 6068, 3: 577, 4: 1623, 5: 142, 6: 431, 7: 75, 8: 343, 9: 28, 10: 164, 12: 206, 14: 91, 16: 101, 20: 79, 30: 42, 50: 30}),
			MinAmount:   Decimal{1 * MicroPerUnit},
			MaxAmount:   Decimal{1_000_000 * MicroPerUnit},
			Benford:     true,
			// DataSynth's defaults.
			Seasonality: Seasonality{
				MonthEndDays: 5,
				MonthEnd:     Decimal{2_500_000},
				QuarterEnd:   Decimal{4_000_000},
				YearEnd:      Decimal{6_000_000},
				Weekend:      Decimal{100_000},
				Weekday:      [5]Decimal{{1_300_000}, {1_100_000}, {1_000_000}, {1_000_000}, {850_000}},
			},
		},
	}
}

func decimals(ss ...string) []Decimal {
	out := make([]Decimal, len(ss))
	for i, s := range ss {
		d, err := ParseDecimal(s)
		if err != nil {
			panic("config: bad default " + s)
		}
		out[i] = d
	}
	return out
}

// weightBuckets turns weights by line count into one bucket per count,
// ascending.
func weightBuckets(w map[int]int64) []LineBucket {
	var out []LineBucket
	for _, lines := range slices.Sorted(maps.Keys(w)) {
		out = append(out, LineBucket{Min: lines, Max: lines, Weight: Decimal{w[lines] * MicroPerUnit}})
	}
	return out
}

type parser struct {
	file     string
	problems Problems
	warnings Problems
	// keys remembers where each key path was written, so that checks
	// spanning several keys can still point at a line.
	keys map[string]*yaml.Node
	// decoded records the schema paths of the keys this parser decoded.
	decoded map[string]bool
}

// field is a key this generator decodes.
type field struct {
	name     string
	required bool
	decode   func(n *yaml.Node, path string)
}

func (p *parser) add(n *yaml.Node, path, format string, args ...any) {
	pr := Problem{File: p.file, Path: path, Msg: fmt.Sprintf(format, args...)}
	if n == nil {
		n = p.keys[path]
	}
	if n != nil {
		pr.Line, pr.Col = n.Line, n.Column
	}
	p.problems = append(p.problems, pr)
}

func (p *parser) warn(n *yaml.Node, path, format string, args ...any) {
	pr := Problem{File: p.file, Path: path, Msg: fmt.Sprintf(format, args...)}
	if n == nil {
		n = p.keys[path]
	}
	if n != nil {
		pr.Line, pr.Col = n.Line, n.Column
	}
	p.warnings = append(p.warnings, pr)
}

func (p *parser) yamlError(err error) Problem {
	// yaml.v3 reports syntax errors as "yaml: line N: msg".
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	hint := " (YAML syntax)"
	if strings.Contains(msg, "cannot start any token") {
		hint = " (YAML syntax; indent with spaces, not tabs)"
	}
	pr := Problem{File: p.file, Msg: msg + hint}
	if rest, ok := strings.CutPrefix(msg, "line "); ok {
		if num, after, ok := strings.Cut(rest, ": "); ok {
			if line, err := strconv.Atoi(num); err == nil {
				pr.Line, pr.Col, pr.Msg = line, 1, after+hint
			}
		}
	}
	return pr
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

func fmtIndex(path string, i int) string { return fmt.Sprintf("%s[%d]", path, i) }

// renamed are keys of earlier versions of this generator, with the
// DataSynth key that replaced them.
var renamed = map[string]string{
	"transactions.seasonality.month_end_factor":   "month_end_multiplier",
	"transactions.seasonality.quarter_end_factor": "quarter_end_multiplier",
	"transactions.seasonality.year_end_factor":    "year_end_multiplier",
	"transactions.seasonality.weekend_factor":     "weekend_activity",
}

// mapping walks a mapping node against fields. A key without a field that
// DataSynth's schema defines is accepted: its own keys are checked against
// the schema and ignore decides what to tell the user (nil: a warning that
// names the key). Any other key is an error with a "did you mean".
func (p *parser) mapping(n *yaml.Node, path string, fields []field, ignore func(k, v *yaml.Node, path string)) map[string]bool {
	seen := map[string]bool{}
	if n.Kind != yaml.MappingNode {
		if path == "" {
			p.add(n, path, "the config must be a mapping of sections (global, companies, chart_of_accounts, output)")
		} else {
			p.add(n, path, "must be a mapping of keys, got %s", describe(n))
		}
		return seen
	}
	names := make([]string, len(fields))
	for i, f := range fields {
		names[i] = f.name
	}
	spath := schemaPath(path)
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		key := k.Value
		kp := join(path, key)
		if seen[key] {
			p.add(k, kp, "is given twice; keep one")
			continue
		}
		seen[key] = true
		p.keys[kp] = k
		if idx := slices.Index(names, key); idx >= 0 {
			p.decoded[schemaPath(kp)] = true
			fields[idx].decode(v, kp)
			continue
		}
		if c := datasynth.child(spath, key); c != "" {
			// Inside a section ignored as a whole (top level), keys
			// DataSynth does not define only warn.
			p.checkKeys(v, kp, c, path == "")
			if ignore != nil {
				ignore(k, v, kp)
			} else {
				p.warn(k, kp, "accepted, but this generator does not implement this DataSynth key; it has no effect")
			}
			continue
		}
		if to, ok := renamed[schemaPath(kp)]; ok {
			p.add(k, kp, "is now called %q, DataSynth's name for it", to)
			continue
		}
		p.unknownKey(k, kp, append(slices.Clone(names), datasynth.Children(spath)...))
	}
	for _, f := range fields {
		if f.required && !seen[f.name] {
			where := path
			if where == "" {
				where = "(top level)"
			}
			p.add(n, join(path, f.name), "is required but missing from %s", where)
		}
	}
	return seen
}

// unknownKey reports a key that no DataSynth schema defines.
func (p *parser) unknownKey(k *yaml.Node, path string, allowed []string) {
	slices.Sort(allowed)
	allowed = slices.Compact(allowed)
	msg := "unknown key"
	if s := Suggest(k.Value, allowed); s != "" {
		msg += fmt.Sprintf("; did you mean %q?", s)
	}
	list := strings.Join(allowed, ", ")
	if len(allowed) > 12 {
		list = strings.Join(allowed[:12], ", ") + ", ... (" + strconv.Itoa(len(allowed)) + " in all; see docs/configuration.md)"
	}
	p.add(k, path, "%s (allowed here: %s)", msg, list)
}

// Suggest returns the option closest to key, for a "did you mean", or "" when
// none is close enough.
func Suggest(key string, options []string) string {
	best, bestD := "", 4
	for _, o := range options {
		d := levenshtein.ComputeDistance(key, o)
		if d < bestD && d <= max(1, len(o)/2) {
			best, bestD = o, d
		}
	}
	return best
}

func describe(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.AliasNode:
		return "an alias"
	}
	if n.Tag == "!!null" {
		return "nothing (null)"
	}
	return fmt.Sprintf("%q", n.Value)
}

func (p *parser) scalar(n *yaml.Node, path string) (string, bool) {
	if n.Kind != yaml.ScalarNode || n.Tag == "!!null" {
		p.add(n, path, "must be a single value, got %s", describe(n))
		return "", false
	}
	return n.Value, true
}

func (p *parser) str(n *yaml.Node, path string) string {
	s, _ := p.scalar(n, path)
	return s
}

func (p *parser) integer(n *yaml.Node, path string, lo, hi int64) int64 {
	s, ok := p.scalar(n, path)
	if !ok {
		return 0
	}
	v, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n.Tag != "!!int" {
		p.add(n, path, "%q is not a whole number; allowed: %d..%d", s, lo, hi)
		return 0
	}
	if v < lo || v > hi {
		p.add(n, path, "%d is out of range %d..%d", v, lo, hi)
		return 0
	}
	return v
}

func (p *parser) boolean(n *yaml.Node, path string) bool {
	s, ok := p.scalar(n, path)
	if !ok {
		return false
	}
	if n.Tag != "!!bool" {
		p.add(n, path, "%q is not true or false", s)
		return false
	}
	return strings.EqualFold(s, "true")
}

func (p *parser) decimal(n *yaml.Node, path string, lo, hi Decimal) Decimal {
	s, ok := p.scalar(n, path)
	if !ok {
		return Decimal{}
	}
	d, err := ParseDecimal(s)
	if err != nil || (n.Tag != "!!int" && n.Tag != "!!float") {
		p.add(n, path, "%q is %v; allowed: %s..%s", s, errDecimal, lo, hi)
		return Decimal{}
	}
	if d.Micro < lo.Micro || d.Micro > hi.Micro {
		p.add(n, path, "%s is out of range %s..%s", d, lo, hi)
		return Decimal{}
	}
	return d
}

func (p *parser) enum(n *yaml.Node, path string, allowed []string) string {
	s, ok := p.scalar(n, path)
	if !ok {
		return ""
	}
	if slices.Contains(allowed, s) {
		return s
	}
	msg := fmt.Sprintf("%q is not allowed", s)
	if sug := Suggest(s, allowed); sug != "" {
		msg += fmt.Sprintf("; did you mean %q?", sug)
	}
	p.add(n, path, "%s (allowed: %s)", msg, strings.Join(allowed, ", "))
	return ""
}

// currency reads an ISO 4217 code.
func (p *parser) currency(n *yaml.Node, path string) string {
	s, ok := p.scalar(n, path)
	if !ok {
		return ""
	}
	if _, ok := money.Lookup(s); ok {
		return s
	}
	msg := fmt.Sprintf("%q is not an ISO 4217 currency code", s)
	if up := strings.ToUpper(s); up != s {
		if _, ok := money.Lookup(up); ok {
			msg += fmt.Sprintf("; did you mean %q?", up)
		}
	} else if sug := Suggest(s, money.Codes()); sug != "" {
		msg += fmt.Sprintf("; did you mean %q?", sug)
	}
	p.add(n, path, "%s (for example USD, EUR, JPY; docs/configuration.md lists all %d)", msg, len(money.Codes()))
	return ""
}
