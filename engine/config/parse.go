package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

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

// unimplementedSections are DataSynth sections this generator recognises but
// does not act on yet. They produce a warning, not an error, so DataSynth
// configs load unchanged.
var unimplementedSections = []string{
	"accounting_standards", "anomaly_injection", "approval", "audit", "audit_standards",
	"balance", "banking", "behavioral_drift", "business_processes", "causal", "compliance",
	"country_packs", "cross_process_links", "customer_segmentation", "data_quality",
	"departments", "diffusion", "distributions", "document_flows", "drift_labeling", "esg",
	"fingerprint_privacy", "financial_reporting", "graph_export", "hr", "industry_specific",
	"intercompany", "internal_controls", "llm", "manufacturing", "market_drift",
	"master_data", "ocpm", "organizational_events", "project_accounting", "quality_gates",
	"rate_limit", "relationship_strength", "relationships", "sales_quotes", "scenario",
	"source_to_pay", "streaming", "tax", "templates", "temporal", "temporal_attributes",
	"temporal_patterns", "treasury", "user_personas", "vendor_network", "webhooks",
}

// Parse reads and checks a config. name is used in messages.
func Parse(name string, data []byte) (*Config, error) {
	if len(data) > MaxSize {
		return nil, Problems{{File: name, Msg: ErrTooLarge.Error() + fmt.Sprintf(", this one has %d", len(data))}}
	}
	p := &parser{file: name, keys: map[string]*yaml.Node{}}
	cfg := defaults()
	cfg.Source = name

	var doc yaml.Node
	dec := yaml.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, Problems{{File: name, Msg: "the file is empty; start from `datasynth-data init`"}}
		}
		return nil, Problems{p.yamlError(err)}
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); err == nil {
		return nil, Problems{{File: name, Line: extra.Line, Col: extra.Column, Msg: "a second YAML document follows; a config is one document"}}
	}
	root := &doc
	if root.Kind == yaml.DocumentNode && len(root.Content) == 1 {
		root = root.Content[0]
	}

	p.mapping(root, "", []field{
		{"global", true, func(n *yaml.Node, path string) { p.global(n, path, &cfg.Global) }},
		{"companies", true, func(n *yaml.Node, path string) { p.companies(n, path, cfg) }},
		{"chart_of_accounts", true, func(n *yaml.Node, path string) {
			p.mapping(n, path, []field{
				{"complexity", true, func(n *yaml.Node, path string) {
					cfg.ChartOfAccounts.Complexity = p.enum(n, path, complexityNames())
				}},
			}, nil)
		}},
		{"output", true, func(n *yaml.Node, path string) { p.output(n, path, &cfg.Output) }},
		{"fraud", false, func(n *yaml.Node, path string) { p.fraud(n, path, &cfg.Fraud) }},
		{"transactions", false, func(n *yaml.Node, path string) { p.transactions(n, path, &cfg.Transactions) }},
	}, unimplementedSections)

	if len(p.problems) == 0 {
		p.crossChecks(cfg)
	}
	if len(p.problems) > 0 {
		return nil, p.problems
	}
	cfg.Warnings = p.warnings
	return cfg, nil
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
		ChartOfAccounts: ChartOfAccounts{Complexity: "small"},
		Output:          Output{Directory: "./output", Formats: []string{"csv"}, Compression: "none"},
		Fraud:           Fraud{Rate: Decimal{5_000}}, // 0.005
		Transactions: Transactions{
			// Share of entries by line count, in the shape observed in real
			// general ledgers: two-line entries dominate, even counts beat
			// odd ones.
			LineItemWeights: map[int]int64{2: 6068, 3: 577, 4: 1623, 5: 142, 6: 431, 7: 75, 8: 343, 9: 28, 10: 164, 12: 206, 14: 91, 16: 101, 20: 79, 30: 42, 50: 30},
			MinAmount:       Decimal{1 * MicroPerUnit},
			MaxAmount:       Decimal{1_000_000 * MicroPerUnit},
			Benford:         true,
			Seasonality: Seasonality{
				MonthEndFactor:   Decimal{2_500_000},
				QuarterEndFactor: Decimal{1_500_000},
				YearEndFactor:    Decimal{3_000_000},
				WeekendFactor:    Decimal{60_000},
			},
		},
	}
}

type parser struct {
	file     string
	problems Problems
	warnings Problems
	// keys remembers where each key path was written, so that checks
	// spanning several keys can still point at a line.
	keys map[string]*yaml.Node
}

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

// mapping walks a mapping node against fields. Keys listed in ignored get a
// warning; any other unknown key is an error with a "did you mean".
func (p *parser) mapping(n *yaml.Node, path string, fields []field, ignored []string) map[string]bool {
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
		idx := slices.Index(names, key)
		switch {
		case idx >= 0:
			fields[idx].decode(v, kp)
		case slices.Contains(ignored, key):
			p.warnings = append(p.warnings, Problem{File: p.file, Line: k.Line, Col: k.Column, Path: kp,
				Msg: "this DataSynth section is not implemented by this generator and is ignored"})
		default:
			msg := "unknown key"
			if s := Suggest(key, names); s != "" {
				msg += fmt.Sprintf("; did you mean %q?", s)
			}
			p.add(k, kp, "%s (allowed here: %s)", msg, strings.Join(names, ", "))
		}
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
	return s == "true" || s == "True" || s == "TRUE"
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

func complexityNames() []string {
	out := make([]string, len(Complexities))
	for i, c := range Complexities {
		out[i] = c.Name
	}
	return out
}

func currencyNames() []string {
	out := make([]string, 0, len(Currencies))
	for c := range Currencies {
		out = append(out, c)
	}
	slices.Sort(out)
	return out
}

func (p *parser) currency(n *yaml.Node, path string) string {
	return p.enum(n, path, currencyNames())
}

func (p *parser) global(n *yaml.Node, path string, g *Global) {
	p.mapping(n, path, []field{
		{"seed", false, func(n *yaml.Node, path string) {
			s, ok := p.scalar(n, path)
			if !ok {
				return
			}
			v, err := strconv.ParseUint(s, 10, 64)
			if err != nil || n.Tag != "!!int" {
				p.add(n, path, "%q is not a whole number in 0..18446744073709551615", s)
				return
			}
			g.Seed, g.HasSeed = v, true
		}},
		{"industry", true, func(n *yaml.Node, path string) { g.Industry = p.enum(n, path, Industries) }},
		{"start_date", true, func(n *yaml.Node, path string) {
			s, ok := p.scalar(n, path)
			if !ok {
				return
			}
			t, err := time.Parse(time.DateOnly, s)
			if err != nil {
				p.add(n, path, "%q is not a date; write it as \"YYYY-MM-DD\", for example \"2024-01-01\"", s)
				return
			}
			if t.Year() < 1900 || t.Year() > 2200 {
				p.add(n, path, "year %d is out of range 1900..2200", t.Year())
				return
			}
			g.StartDate = t
		}},
		{"period_months", false, func(n *yaml.Node, path string) { g.PeriodMonths = int(p.integer(n, path, 1, 120)) }},
		{"group_currency", false, func(n *yaml.Node, path string) { g.GroupCurrency = p.currency(n, path) }},
		{"fiscal_year_months", false, func(n *yaml.Node, path string) {
			g.FiscalYearMonths = int(p.integer(n, path, 1, 12))
		}},
		{"parallel", false, func(n *yaml.Node, path string) { g.Parallel = p.boolean(n, path) }},
		{"worker_threads", false, func(n *yaml.Node, path string) { g.WorkerThreads = int(p.integer(n, path, 0, 1024)) }},
	}, nil)
}

func (p *parser) companies(n *yaml.Node, path string, cfg *Config) {
	if n.Kind != yaml.SequenceNode {
		p.add(n, path, "must be a list of companies, got %s", describe(n))
		return
	}
	if len(n.Content) == 0 {
		p.add(n, path, "needs at least one company (code, name, currency, country, annual_transaction_volume)")
		return
	}
	codes := map[string]bool{}
	for i, cn := range n.Content {
		cp := fmt.Sprintf("%s[%d]", path, i)
		c := Company{VolumeWeight: Decimal{MicroPerUnit}}
		p.mapping(cn, cp, []field{
			{"code", true, func(n *yaml.Node, path string) {
				c.Code = p.str(n, path)
				if c.Code == "" {
					return
				}
				if !validCode(c.Code) {
					p.add(n, path, "%q must be 1..10 letters, digits, '-' or '_'", c.Code)
				} else if codes[c.Code] {
					p.add(n, path, "%q is used by another company; codes must be unique", c.Code)
				}
				codes[c.Code] = true
			}},
			{"name", true, func(n *yaml.Node, path string) { c.Name = p.str(n, path) }},
			{"currency", true, func(n *yaml.Node, path string) { c.Currency = p.currency(n, path) }},
			{"country", true, func(n *yaml.Node, path string) {
				c.Country = p.str(n, path)
				if c.Country != "" && (len(c.Country) != 2 || strings.ToUpper(c.Country) != c.Country) {
					p.add(n, path, "%q is not a two-letter ISO 3166 country code such as \"US\" or \"DE\"", c.Country)
				}
			}},
			{"annual_transaction_volume", true, func(n *yaml.Node, path string) {
				c.VolumeName, c.AnnualVolume = p.volume(n, path)
			}},
			{"volume_weight", false, func(n *yaml.Node, path string) {
				c.VolumeWeight = p.decimal(n, path, Decimal{1}, Decimal{1000 * MicroPerUnit})
			}},
		}, nil)
		cfg.Companies = append(cfg.Companies, c)
	}
}

func validCode(s string) bool {
	if len(s) == 0 || len(s) > 10 {
		return false
	}
	for _, r := range s {
		if !(r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-' || r == '_') {
			return false
		}
	}
	return true
}

func volumeNames() []string {
	out := make([]string, len(Volumes))
	for i, v := range Volumes {
		out[i] = v.Name
	}
	return out
}

// MaxCustomVolume bounds a custom annual volume (ten billion entries).
const MaxCustomVolume = 10_000_000_000

func (p *parser) volume(n *yaml.Node, path string) (string, int64) {
	allowed := strings.Join(volumeNames(), ", ") + ", or {custom: N}"
	if n.Kind == yaml.MappingNode {
		var v int64
		p.mapping(n, path, []field{{"custom", true, func(n *yaml.Node, path string) {
			v = p.integer(n, path, 1, MaxCustomVolume)
		}}}, nil)
		return "custom", v
	}
	s, ok := p.scalar(n, path)
	if !ok {
		return "", 0
	}
	for _, v := range Volumes {
		if v.Name == s {
			return s, v.Entries
		}
	}
	msg := fmt.Sprintf("%q is not a volume", s)
	if sug := Suggest(s, volumeNames()); sug != "" {
		msg += fmt.Sprintf("; did you mean %q?", sug)
	}
	p.add(n, path, "%s (allowed: %s)", msg, allowed)
	return "", 0
}

func (p *parser) output(n *yaml.Node, path string, o *Output) {
	p.mapping(n, path, []field{
		{"output_directory", false, func(n *yaml.Node, path string) { o.Directory = p.str(n, path) }},
		{"formats", false, func(n *yaml.Node, path string) {
			if n.Kind != yaml.SequenceNode || len(n.Content) == 0 {
				p.add(n, path, "must be a non-empty list, for example [csv]")
				return
			}
			var names, implemented []string
			for _, f := range Formats {
				names = append(names, f.Name)
				if f.Implemented {
					implemented = append(implemented, f.Name)
				}
			}
			o.Formats = nil
			for i, fn := range n.Content {
				fp := fmt.Sprintf("%s[%d]", path, i)
				f := p.enum(fn, fp, names)
				if f == "" {
					continue
				}
				if !slices.Contains(implemented, f) {
					p.add(fn, fp, "format %q is not available in this generator yet (available: %s)", f, strings.Join(implemented, ", "))
					continue
				}
				if slices.Contains(o.Formats, f) {
					p.add(fn, fp, "%q is listed twice", f)
					continue
				}
				o.Formats = append(o.Formats, f)
			}
		}},
		{"compression", false, func(n *yaml.Node, path string) {
			if c := p.enum(n, path, []string{"none", "gzip", "zstd"}); c != "" && c != "none" {
				p.add(n, path, "compression %q is not available in this generator yet (available: none)", c)
			}
		}},
	}, nil)
}

func (p *parser) fraud(n *yaml.Node, path string, f *Fraud) {
	p.mapping(n, path, []field{
		{"enabled", false, func(n *yaml.Node, path string) { f.Enabled = p.boolean(n, path) }},
		{"fraud_rate", false, func(n *yaml.Node, path string) { f.Rate = p.decimal(n, path, Decimal{0}, Decimal{MicroPerUnit}) }},
	}, nil)
}

func (p *parser) transactions(n *yaml.Node, path string, t *Transactions) {
	p.mapping(n, path, []field{
		{"line_item_weights", false, func(n *yaml.Node, path string) {
			if n.Kind != yaml.MappingNode || len(n.Content) == 0 {
				p.add(n, path, "must map line counts to weights, for example {2: 60, 4: 20, 6: 5}")
				return
			}
			w := map[int]int64{}
			var total int64
			for i := 0; i+1 < len(n.Content); i += 2 {
				k, v := n.Content[i], n.Content[i+1]
				kp := join(path, k.Value)
				lines := p.integer(k, kp, 2, MaxLines)
				weight := p.integer(v, kp, 0, 1_000_000)
				if lines == 0 {
					continue
				}
				if _, dup := w[int(lines)]; dup {
					p.add(k, kp, "line count %d is given twice", lines)
				}
				w[int(lines)] = weight
				total += weight
			}
			if total == 0 && len(w) > 0 {
				p.add(n, path, "all weights are 0; give at least one line count a positive weight")
			}
			t.LineItemWeights = w
		}},
		{"amounts", false, func(n *yaml.Node, path string) {
			limit := Decimal{1_000_000_000_000 * MicroPerUnit / 1000} // 1e9 units
			p.mapping(n, path, []field{
				{"min_amount", false, func(n *yaml.Node, path string) { t.MinAmount = p.decimal(n, path, Decimal{1}, limit) }},
				{"max_amount", false, func(n *yaml.Node, path string) { t.MaxAmount = p.decimal(n, path, Decimal{1}, limit) }},
			}, nil)
		}},
		{"benford", false, func(n *yaml.Node, path string) {
			p.mapping(n, path, []field{
				{"enabled", false, func(n *yaml.Node, path string) { t.Benford = p.boolean(n, path) }},
			}, nil)
		}},
		{"seasonality", false, func(n *yaml.Node, path string) {
			factor := func(d *Decimal) func(n *yaml.Node, path string) {
				return func(n *yaml.Node, path string) { *d = p.decimal(n, path, Decimal{0}, Decimal{100 * MicroPerUnit}) }
			}
			s := &t.Seasonality
			p.mapping(n, path, []field{
				{"month_end_factor", false, factor(&s.MonthEndFactor)},
				{"quarter_end_factor", false, factor(&s.QuarterEndFactor)},
				{"year_end_factor", false, factor(&s.YearEndFactor)},
				{"weekend_factor", false, factor(&s.WeekendFactor)},
			}, nil)
		}},
	}, nil)
}

// crossChecks runs the checks that need more than one key.
func (p *parser) crossChecks(cfg *Config) {
	t := cfg.Transactions
	if t.MinAmount.Micro > t.MaxAmount.Micro {
		p.add(nil, "transactions.amounts", "min_amount %s is above max_amount %s", t.MinAmount, t.MaxAmount)
	}
	for i, c := range cfg.Companies {
		d := Currencies[c.Currency]
		if t.MinAmount.Minor(d) < 1 {
			p.add(nil, "transactions.amounts.min_amount", "%s is below one minor unit of %s (company %s); raise it", t.MinAmount, c.Currency, c.Code)
		}
		if c.Entries(cfg.Global.PeriodMonths) == 0 {
			p.add(nil, fmt.Sprintf("companies[%d].annual_transaction_volume", i), "company %s gets 0 journal entries (volume %d x weight %s x %d/12 months); raise its volume or weight",
				c.Code, c.AnnualVolume, c.VolumeWeight, cfg.Global.PeriodMonths)
		}
	}
}
