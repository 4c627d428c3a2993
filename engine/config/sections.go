package config

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"

	"gopkg.in/yaml.v3"
)

// noEffect lists the DataSynth keys of the sections this generator
// implements that it accepts without acting on them, each with the reason
// the warning gives. Every other key of those sections is decoded. A test
// walks DataSynth's schema to keep this list and the decoders complete.
var noEffect = map[string]string{
	"global.presentation_currency":                                                 "no consolidated statements are written; exchange_rate converts into group_currency",
	"companies[].functional_currency":                                              "amounts are booked in currency; no IAS 21 translation is done",
	"companies[].fiscal_year_variant":                                              "fiscal years start in the month of global.start_date and have global.fiscal_year_months periods",
	"chart_of_accounts.custom_accounts":                                            "custom account files are not read; the built-in chart for the industry is used",
	"chart_of_accounts.min_hierarchy_depth":                                        "the chart has three levels (class, group, account)",
	"chart_of_accounts.max_hierarchy_depth":                                        "the chart has three levels (class, group, account)",
	"output.mode":                                                                  "datasets are written as files (flat_file)",
	"output.batch_size":                                                            "files are streamed in blocks of 1,024 journal entries",
	"output.include_acdoca":                                                        "SAP ACDOCA tables are not written",
	"output.include_bseg":                                                          "SAP BSEG tables are not written",
	"output.partition_by_period":                                                   "each table is one file",
	"output.partition_by_company":                                                  "each table is one file",
	"fraud.clustering_enabled":                                                     "fraudulent entries are spread evenly, not clustered",
	"fraud.clustering_factor":                                                      "fraudulent entries are spread evenly, not clustered",
	"transactions.debit_credit_distribution":                                       "the kind of business document decides how many lines are debits",
	"transactions.even_odd_distribution":                                           "line counts follow line_item_distribution alone",
	"transactions.seasonality.holiday_activity":                                    "there is no holiday calendar; holidays post like other days of their weekday",
	"transactions.amounts.lognormal_mu":                                            "each kind of document has its own log-uniform (Benford) range inside min_amount..max_amount, or uniform with benford.enabled false",
	"transactions.amounts.lognormal_sigma":                                         "each kind of document has its own log-uniform (Benford) range inside min_amount..max_amount, or uniform with benford.enabled false",
	"transactions.amounts.decimal_places":                                          "each company's currency decides the decimal places",
	"transactions.amounts.round_number_probability":                                "round amounts come only from fraud (fictitious_transaction)",
	"transactions.amounts.nice_number_probability":                                 "amounts are not rounded to nice numbers",
	"transactions.benford.tolerance":                                               "a validation tolerance; amounts follow Benford's law by construction",
	"transactions.benford.exempt_sources":                                          "every source follows the same amount distribution",
	"hr.enabled":                                                                   "HR's own files (payroll runs, time sheets, expense reports) are not written; payroll postings are in the journal either way",
	"hr.payroll.salary_ranges":                                                     "payroll amounts come from the employees' salaries in master data",
	"hr.payroll.benefits_enrollment_rate":                                          "payroll postings withhold taxes only",
	"hr.payroll.retirement_participation_rate":                                     "payroll postings withhold taxes only",
	"hr.time_attendance":                                                           "time sheets are not generated",
	"hr.expenses":                                                                  "expense reports are not generated; expense claims post as journal entries",
	"master_data.vendors.intercompany_percent":                                     "the other companies of the group are the first vendors and customers of each company",
	"master_data.customers.intercompany_percent":                                   "the other companies of the group are the first vendors and customers of each company",
	"master_data.vendors.payment_terms_distribution":                               "payment terms are drawn evenly from DataSynth's terms",
	"master_data.vendors.behavior_distribution":                                    "vendor behaviour is drawn with fixed shares",
	"master_data.vendors.generate_bank_accounts":                                   "every vendor has a bank account",
	"master_data.vendors.generate_tax_ids":                                         "every vendor has a tax number of its country",
	"master_data.customers.credit_rating_distribution":                             "credit ratings are drawn with fixed shares",
	"master_data.customers.payment_behavior_distribution":                          "a customer's payment behaviour follows its credit rating",
	"master_data.customers.generate_credit_limits":                                 "every customer has a credit limit drawn for its customer type",
	"master_data.materials.type_distribution":                                      "material types come from the industry's catalogue of materials",
	"master_data.materials.valuation_distribution":                                 "finished and semi-finished goods are valued at standard cost, other materials at moving average",
	"master_data.materials.bom_percent":                                            "bills of materials are not generated (bom_components is empty)",
	"master_data.materials.max_bom_depth":                                          "bills of materials are not generated (bom_components is empty)",
	"master_data.fixed_assets.class_distribution":                                  "asset classes are drawn with the industry's shares",
	"master_data.fixed_assets.depreciation_distribution":                           "the depreciation method follows the asset class",
	"master_data.fixed_assets.fully_depreciated_percent":                           "acquisition dates are drawn, some long enough ago for the asset to be fully depreciated",
	"master_data.fixed_assets.generate_acquisition_history":                        "assets carry their acquisition date and cost, not a history",
	"master_data.employees.generate_hierarchy":                                     "every employee but the chief executive has a manager: the head of their cost centre or department",
	"master_data.employees.max_hierarchy_depth":                                    "the hierarchy has the eight job levels",
	"master_data.employees.average_span_of_control":                                "the hierarchy has the eight job levels",
	"master_data.employees.approval_limits":                                        "approval limits follow the job level",
	"master_data.employees.department_distribution":                                "employees are spread over ten departments through their cost centres",
	"master_data.cost_centers":                                                     "cost centres follow chart_of_accounts.complexity",
	"document_flows.generate_document_references":                                  "document_flows/document_references is always written",
	"document_flows.export_flow_graph":                                             "no flow graph is exported",
	"document_flows.p2p.three_way_match_rate":                                      "every vendor invoice matches its order and goods receipt",
	"document_flows.p2p.price_variance_rate":                                       "vendor invoices bill the order's unit price",
	"document_flows.p2p.max_price_variance_percent":                                "vendor invoices bill the order's unit price",
	"document_flows.p2p.quantity_variance_rate":                                    "vendor invoices bill the quantity received",
	"document_flows.p2p.over_delivery_rate":                                        "goods receipts never exceed the order",
	"document_flows.p2p.early_payment_discount_rate":                               "no cash discount is taken; 15% of invoices are paid 4-10 days early, in full",
	"document_flows.p2p.line_count_distribution":                                   "each order holds one material",
	"document_flows.p2p.payment_behavior.late_payment_days_distribution":           "late payments fall 5 to 40 days after the due date, uniformly",
	"document_flows.p2p.payment_behavior.payment_correction_rate":                  "payments are not corrected or reversed",
	"document_flows.o2c.credit_check_failure_rate":                                 "there is no credit check; every sales order is delivered",
	"document_flows.o2c.return_rate":                                               "goods are not returned",
	"document_flows.o2c.line_count_distribution":                                   "each order holds one material",
	"document_flows.o2c.cash_discount":                                             "no cash discount is granted or taken",
	"document_flows.o2c.payment_behavior.dunning":                                  "no dunning letters, charges or interest are generated",
	"document_flows.o2c.payment_behavior.partial_payments.percentage_distribution": "a first instalment is 50% to 75% of the invoice, uniformly",
	"document_flows.o2c.payment_behavior.short_payments":                           "receipts pay the invoice or an instalment of it, never short",
	"document_flows.o2c.payment_behavior.on_account_payments":                      "every receipt is applied to its invoice",
	"document_flows.o2c.payment_behavior.payment_corrections":                      "receipts are not corrected or reversed",
}

// ignoreNoEffect warns about a DataSynth key listed in noEffect.
func (p *parser) ignoreNoEffect(k, v *yaml.Node, path string) {
	reason := noEffect[schemaPath(path)]
	if reason == "" {
		reason = "this generator does not implement this DataSynth key"
	}
	p.warn(k, path, "accepted without effect: %s", reason)
}

func (p *parser) root(n *yaml.Node, cfg *Config) {
	p.mapping(n, "", []field{
		{"global", true, func(n *yaml.Node, path string) { p.global(n, path, &cfg.Global) }},
		{"companies", true, func(n *yaml.Node, path string) { p.companies(n, path, cfg) }},
		{"chart_of_accounts", true, func(n *yaml.Node, path string) { p.chart(n, path, &cfg.ChartOfAccounts) }},
		{"output", true, func(n *yaml.Node, path string) { p.output(n, path, &cfg.Output) }},
		{"fraud", false, func(n *yaml.Node, path string) { p.fraud(n, path, &cfg.Fraud) }},
		{"transactions", false, func(n *yaml.Node, path string) { p.transactions(n, path, &cfg.Transactions) }},
		{"hr", false, func(n *yaml.Node, path string) { p.hr(n, path, &cfg.HR) }},
		{"master_data", false, func(n *yaml.Node, path string) { p.masterData(n, path, &cfg.MasterData) }},
		{"document_flows", false, func(n *yaml.Node, path string) { p.documentFlows(n, path, &cfg.DocumentFlows) }},
		{"balance", false, func(n *yaml.Node, path string) { p.balance(n, path, &cfg.Balance) }},
	}, func(k, v *yaml.Node, path string) {
		// A DataSynth section this generator does not implement: one
		// warning, unless the section switches itself off.
		if !enabledFalse(v) {
			p.warn(k, path, "this DataSynth section is not implemented by this generator and is ignored")
		}
	})
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
		{"presentation_currency", false, func(n *yaml.Node, path string) {
			if c := p.currency(n, path); c != "" {
				p.ignoreNoEffect(p.keys[path], n, path)
			}
		}},
		{"fiscal_year_months", false, func(n *yaml.Node, path string) {
			g.FiscalYearMonths = int(p.integer(n, path, 1, 12))
		}},
		{"parallel", false, func(n *yaml.Node, path string) { g.Parallel = p.boolean(n, path) }},
		{"worker_threads", false, func(n *yaml.Node, path string) { g.WorkerThreads = int(p.integer(n, path, 0, MaxThreads)) }},
		{"memory_limit_mb", false, func(n *yaml.Node, path string) { g.MemoryLimitMB = p.integer(n, path, 0, 1<<30) }},
	}, p.ignoreNoEffect)
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
		cp := fmtIndex(path, i)
		c := Company{VolumeWeight: Decimal{MicroPerUnit}}
		var currency string
		p.mapping(cn, cp, []field{
			{"code", true, func(n *yaml.Node, path string) {
				c.Code = p.str(n, path)
				if c.Code == "" && n.Kind == yaml.ScalarNode {
					p.add(n, path, "is empty; give the company a code, such as \"1000\"")
					return
				}
				if msg := checkCode(c.Code); msg != "" {
					p.add(n, path, "%q %s", c.Code, msg)
				} else if codes[c.Code] {
					p.add(n, path, "%q is used by another company; codes must be unique", c.Code)
				}
				codes[c.Code] = true
			}},
			{"name", true, func(n *yaml.Node, path string) {
				if c.Name = p.str(n, path); strings.TrimSpace(c.Name) == "" && n.Kind == yaml.ScalarNode {
					p.add(n, path, "is empty; give the company's name")
				}
			}},
			{"currency", true, func(n *yaml.Node, path string) { c.Currency = p.currency(n, path); currency = c.Currency }},
			{"functional_currency", false, func(n *yaml.Node, path string) {
				if fc := p.currency(n, path); fc != "" && fc != currency {
					p.ignoreNoEffect(p.keys[path], n, path)
				}
			}},
			{"country", true, func(n *yaml.Node, path string) {
				c.Country = p.str(n, path)
				if n.Kind == yaml.ScalarNode {
					if msg := countryProblem(c.Country); msg != "" {
						p.add(n, path, "%s", msg)
					}
				}
			}},
			{"fiscal_year_variant", false, func(n *yaml.Node, path string) {
				// K4 is the calendar-shaped year that this generator makes.
				if v := p.str(n, path); v != "" && v != "K4" {
					p.ignoreNoEffect(p.keys[path], n, path)
				}
			}},
			{"annual_transaction_volume", true, func(n *yaml.Node, path string) {
				c.VolumeName, c.AnnualVolume = p.volume(n, path)
			}},
			{"volume_weight", false, func(n *yaml.Node, path string) {
				c.VolumeWeight = p.decimal(n, path, Decimal{1}, Decimal{1000 * MicroPerUnit})
			}},
		}, p.ignoreNoEffect)
		cfg.Companies = append(cfg.Companies, c)
	}
}

// checkCode says what is wrong with a company code, or "".
func checkCode(s string) string {
	if n := len([]rune(s)); n > MaxCodeLength {
		return fmt.Sprintf("is %d characters long; a company code has at most %d", n, MaxCodeLength)
	}
	for _, r := range s {
		if unicode.IsControl(r) {
			return "holds a control character (such as a tab or line break); use printable characters"
		}
	}
	if strings.TrimSpace(s) != s {
		return "starts or ends with a space"
	}
	return ""
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
	if n.Kind == yaml.ScalarNode && n.Tag == "!custom" {
		// serde_yaml's form of DataSynth's TransactionVolume::Custom(N),
		// which a program that writes DataSynth's types produces.
		// Its value is read as the untagged scalar would be.
		m := *n
		m.Tag = ""
		m.Tag = m.ShortTag()
		return "custom", p.integer(&m, path, 1, MaxCustomVolume)
	}
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

func complexityNames() []string {
	out := make([]string, len(Complexities))
	for i, c := range Complexities {
		out[i] = c.Name
	}
	return out
}

func (p *parser) chart(n *yaml.Node, path string, c *ChartOfAccounts) {
	depth := func(n *yaml.Node, path string) {
		if d := p.integer(n, path, 0, 255); d != 3 {
			p.ignoreNoEffect(p.keys[path], n, path)
		}
	}
	p.mapping(n, path, []field{
		{"complexity", true, func(n *yaml.Node, path string) { c.Complexity = p.enum(n, path, complexityNames()) }},
		{"industry_specific", false, func(n *yaml.Node, path string) { c.IndustrySpecific = p.boolean(n, path) }},
		{"min_hierarchy_depth", false, depth},
		{"max_hierarchy_depth", false, depth},
	}, p.ignoreNoEffect)
}

func formatNames() []string {
	out := []string{"jsonl"}
	for _, f := range Formats {
		out = append(out, f.Name)
	}
	return out
}

// quietIf decodes a key listed in noEffect: one that asks for something
// this generator does not do warns, and the same key saying what it does
// anyway (value want) is quiet.
func (p *parser) quietIf(want string) func(n *yaml.Node, path string) {
	return func(n *yaml.Node, path string) {
		if n.Kind != yaml.ScalarNode || !strings.EqualFold(n.Value, want) {
			p.ignoreNoEffect(p.keys[path], n, path)
		}
	}
}

func (p *parser) output(n *yaml.Node, path string, o *Output) {
	quietIf := p.quietIf
	p.mapping(n, path, []field{
		{"output_directory", false, func(n *yaml.Node, path string) { o.Directory = p.str(n, path) }},
		{"formats", false, func(n *yaml.Node, path string) {
			if n.Kind != yaml.SequenceNode || len(n.Content) == 0 {
				p.add(n, path, "must be a non-empty list, for example [csv] or [csv, parquet]")
				return
			}
			o.Formats = nil
			for i, fn := range n.Content {
				fp := fmtIndex(path, i)
				written := p.enum(fn, fp, formatNames())
				f := written
				if f == "jsonl" {
					f = "json_lines"
				}
				if f == "" {
					continue
				}
				if slices.Contains(o.Formats, f) {
					if written != f {
						p.add(fn, fp, "%q is %q, listed already", written, f)
					} else {
						p.add(fn, fp, "%q is listed twice", f)
					}
					continue
				}
				o.Formats = append(o.Formats, f)
			}
		}},
		{"compression", false, func(n *yaml.Node, path string) { p.compression(n, path, o) }},
		{"mode", false, quietIf("flat_file")},
		{"include_acdoca", false, quietIf("false")},
		{"include_bseg", false, quietIf("false")},
		{"partition_by_period", false, quietIf("false")},
		{"partition_by_company", false, quietIf("false")},
	}, p.ignoreNoEffect)
}

// compression reads output.compression: DataSynth's mapping {enabled,
// algorithm, level}, or a single name (none, gzip, zstd, lz4, snappy).
func (p *parser) compression(n *yaml.Node, path string, o *Output) {
	if n.Kind == yaml.ScalarNode {
		switch c := p.enum(n, path, append([]string{"none"}, Compressions...)); c {
		case "none":
			o.Compression = ""
		case "":
		default:
			o.Compression, o.Level = c, 3
		}
		return
	}
	enabled, algorithm, level := true, "zstd", 3 // DataSynth's defaults
	p.mapping(n, path, []field{
		{"enabled", false, func(n *yaml.Node, path string) { enabled = p.boolean(n, path) }},
		{"algorithm", false, func(n *yaml.Node, path string) { algorithm = p.enum(n, path, Compressions) }},
		{"level", false, func(n *yaml.Node, path string) { level = int(p.integer(n, path, 1, 9)) }},
	}, nil)
	if enabled {
		o.Compression, o.Level = algorithm, level
	} else {
		o.Compression, o.Level = "", 0
	}
}

func (p *parser) fraud(n *yaml.Node, path string, f *Fraud) {
	p.mapping(n, path, []field{
		{"enabled", false, func(n *yaml.Node, path string) { f.Enabled = p.boolean(n, path) }},
		{"fraud_rate", false, func(n *yaml.Node, path string) { f.Rate = p.decimal(n, path, Decimal{0}, Decimal{MicroPerUnit}) }},
		{"fraud_type_distribution", false, func(n *yaml.Node, path string) {
			f.TypeWeights = p.shares(n, path, FraudTypes)
		}},
		{"approval_thresholds", false, func(n *yaml.Node, path string) {
			if n.Kind != yaml.SequenceNode || len(n.Content) == 0 {
				p.add(n, path, "must be a non-empty list of amounts, for example [1000, 5000, 10000]")
				return
			}
			f.ApprovalThresholds = nil
			for i, v := range n.Content {
				d := p.decimal(v, fmtIndex(path, i), Decimal{MicroPerUnit}, Decimal{1_000_000_000 * MicroPerUnit})
				f.ApprovalThresholds = append(f.ApprovalThresholds, d)
			}
			slices.SortFunc(f.ApprovalThresholds, func(a, b Decimal) int { return int(sign(a.Micro - b.Micro)) })
		}},
		{"clustering_enabled", false, func(n *yaml.Node, path string) {
			if p.boolean(n, path) {
				p.ignoreNoEffect(p.keys[path], n, path)
			}
		}},
	}, p.ignoreNoEffect)
}

func sign(v int64) int64 {
	switch {
	case v < 0:
		return -1
	case v > 0:
		return 1
	}
	return 0
}

// shares reads a mapping of names to non-negative decimal weights (keys
// missing from it weigh 0) and requires a positive total.
func (p *parser) shares(n *yaml.Node, path string, names []string) []Decimal {
	out := make([]Decimal, len(names))
	var fields []field
	for i, name := range names {
		fields = append(fields, field{name, false, func(n *yaml.Node, path string) {
			out[i] = p.decimal(n, path, Decimal{0}, Decimal{1_000_000 * MicroPerUnit})
		}})
	}
	reported := len(p.problems)
	p.mapping(n, path, fields, nil)
	var total int64
	for _, d := range out {
		total += d.Micro
	}
	// A share refused above already says what to fix.
	if total == 0 && n.Kind == yaml.MappingNode && len(p.problems) == reported {
		p.add(n, path, "all shares are 0; give at least one a positive share")
	}
	return out
}

// lineDistribution holds DataSynth's line_item_distribution keys and the
// line counts each covers.
var lineDistribution = []struct {
	key      string
	min, max int
}{
	{"two_items", 2, 2}, {"three_items", 3, 3}, {"four_items", 4, 4}, {"five_items", 5, 5},
	{"six_items", 6, 6}, {"seven_items", 7, 7}, {"eight_items", 8, 8}, {"nine_items", 9, 9},
	{"ten_to_ninety_nine", 10, 99}, {"hundred_to_nine_ninety_nine", 100, 999}, {"thousand_plus", 1000, MaxLines},
}

func (p *parser) transactions(n *yaml.Node, path string, t *Transactions) {
	lineKeys := 0
	p.mapping(n, path, []field{
		{"line_item_distribution", false, func(n *yaml.Node, path string) {
			lineKeys++
			var names []string
			for _, b := range lineDistribution {
				names = append(names, b.key)
			}
			shares := p.shares(n, path, names)
			t.LineBuckets = nil
			for i, b := range lineDistribution {
				if shares[i].Micro > 0 {
					t.LineBuckets = append(t.LineBuckets, LineBucket{Min: b.min, Max: b.max, Weight: shares[i]})
				}
			}
		}},
		{"line_item_weights", false, func(n *yaml.Node, path string) {
			lineKeys++
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
			t.LineBuckets = slices.DeleteFunc(weightBuckets(w), func(b LineBucket) bool { return b.Weight.Micro == 0 })
		}},
		{"source_distribution", false, func(n *yaml.Node, path string) {
			t.SourceWeights = p.shares(n, path, Sources)
		}},
		{"amounts", false, func(n *yaml.Node, path string) {
			limit := Decimal{1_000_000_000 * MicroPerUnit} // 1e9 units
			p.mapping(n, path, []field{
				{"min_amount", false, func(n *yaml.Node, path string) { t.MinAmount = p.decimal(n, path, Decimal{1}, limit) }},
				{"max_amount", false, func(n *yaml.Node, path string) { t.MaxAmount = p.decimal(n, path, Decimal{1}, limit) }},
			}, p.ignoreNoEffect)
		}},
		{"benford", false, func(n *yaml.Node, path string) {
			p.mapping(n, path, []field{
				{"enabled", false, func(n *yaml.Node, path string) { t.Benford = p.boolean(n, path) }},
			}, p.ignoreNoEffect)
		}},
		{"seasonality", false, func(n *yaml.Node, path string) { p.seasonality(n, path, &t.Seasonality) }},
	}, p.ignoreNoEffect)
	if lineKeys > 1 {
		p.add(nil, join(path, "line_item_weights"), "give line_item_distribution (DataSynth's) or line_item_weights, not both")
	}
}

// Sources are the values of journal_entries' source column that
// transactions.source_distribution weighs, in DataSynth's key order.
var Sources = []string{"manual", "automated", "recurring", "adjustment"}

func (p *parser) seasonality(n *yaml.Node, path string, s *Seasonality) {
	factor := func(d *Decimal) func(n *yaml.Node, path string) {
		return func(n *yaml.Node, path string) { *d = p.decimal(n, path, Decimal{0}, Decimal{100 * MicroPerUnit}) }
	}
	// A spike switched off multiplies by 1.
	spikes := map[string]bool{"month_end_spike": true, "quarter_end_spike": true, "year_end_spike": true}
	var weekdays [5]Decimal
	dayPatterns, daysGiven := true, false
	weekday := func(i int) func(n *yaml.Node, path string) {
		return func(n *yaml.Node, path string) {
			daysGiven = true
			weekdays[i] = p.decimal(n, path, Decimal{0}, Decimal{100 * MicroPerUnit})
		}
	}
	weekdays = s.Weekday
	spike := func(key string) func(n *yaml.Node, path string) {
		return func(n *yaml.Node, path string) { spikes[key] = p.boolean(n, path) }
	}
	p.mapping(n, path, []field{
		{"month_end_spike", false, spike("month_end_spike")},
		{"month_end_multiplier", false, factor(&s.MonthEnd)},
		{"month_end_lead_days", false, func(n *yaml.Node, path string) { s.MonthEndDays = int(p.integer(n, path, 0, 31)) }},
		{"quarter_end_spike", false, spike("quarter_end_spike")},
		{"quarter_end_multiplier", false, factor(&s.QuarterEnd)},
		{"year_end_spike", false, spike("year_end_spike")},
		{"year_end_multiplier", false, factor(&s.YearEnd)},
		{"weekend_activity", false, factor(&s.Weekend)},
		{"day_of_week_patterns", false, func(n *yaml.Node, path string) { dayPatterns = p.boolean(n, path) }},
		{"monday_multiplier", false, weekday(0)},
		{"tuesday_multiplier", false, weekday(1)},
		{"wednesday_multiplier", false, weekday(2)},
		{"thursday_multiplier", false, weekday(3)},
		{"friday_multiplier", false, weekday(4)},
	}, p.ignoreNoEffect)
	one := Decimal{MicroPerUnit}
	for key, d := range map[string]*Decimal{"month_end_spike": &s.MonthEnd, "quarter_end_spike": &s.QuarterEnd, "year_end_spike": &s.YearEnd} {
		if !spikes[key] {
			*d = one
		}
	}
	s.Weekday = weekdays
	if !dayPatterns {
		if daysGiven {
			p.warn(nil, join(path, "day_of_week_patterns"), "is false, so the weekday multipliers given are not used")
		}
		s.Weekday = [5]Decimal{one, one, one, one, one}
	}
}

// hr reads the payroll keys of the `hr` section; the rest of it (time
// and attendance, expense reports) warns.
func (p *parser) hr(n *yaml.Node, path string, h *HR) {
	rate := func(d *Decimal) func(n *yaml.Node, path string) {
		return func(n *yaml.Node, path string) { *d = p.decimal(n, path, Decimal{0}, Decimal{MicroPerUnit}) }
	}
	p.mapping(n, path, []field{
		{"enabled", false, func(n *yaml.Node, path string) {
			// HR's own files are not written; payroll postings are part
			// of the journal either way.
			if p.boolean(n, path) {
				p.ignoreNoEffect(p.keys[path], n, path)
			}
		}},
		{"payroll", false, func(n *yaml.Node, path string) {
			p.mapping(n, path, []field{
				{"enabled", false, func(n *yaml.Node, path string) { h.Payroll = p.boolean(n, path) }},
				{"pay_frequency", false, func(n *yaml.Node, path string) {
					if f := p.enum(n, path, PayFrequencies); f != "" {
						h.PayFrequency = f
					}
				}},
				{"tax_rates", false, func(n *yaml.Node, path string) {
					p.mapping(n, path, []field{
						{"federal_effective", false, rate(&h.FederalTax)},
						{"state_effective", false, rate(&h.StateTax)},
						{"fica", false, rate(&h.FICA)},
					}, p.ignoreNoEffect)
				}},
			}, p.ignoreNoEffect)
		}},
	}, p.ignoreNoEffect)
	if h.FederalTax.Micro+h.StateTax.Micro+h.FICA.Micro > MicroPerUnit {
		p.add(n, join(path, "payroll.tax_rates"), "federal_effective + state_effective + fica is %s, more than all of gross pay; lower them",
			Decimal{h.FederalTax.Micro + h.StateTax.Micro + h.FICA.Micro})
	}
}

// documentFlows reads the `document_flows` keys that map onto what the
// flows model: each process's switch, partial-delivery, late, partial and
// never-paid rates, and its delays. The rest of the section warns, key by
// key (noEffect).
func (p *parser) documentFlows(n *yaml.Node, path string, d *DocumentFlows) {
	rate := func(r *Decimal) func(n *yaml.Node, path string) {
		return func(n *yaml.Node, path string) { *r = p.decimal(n, path, Decimal{0}, Decimal{MicroPerUnit}) }
	}
	days := func(d *Delay) func(n *yaml.Node, path string) {
		return func(n *yaml.Node, path string) { *d = AverageDelay(int(p.integer(n, path, 0, MaxDelayDays))) }
	}
	payDays := func(pr *Process) func(n *yaml.Node, path string) {
		return func(n *yaml.Node, path string) {
			pr.PaymentDays, pr.HasPaymentDays = int(p.integer(n, path, 0, MaxDelayDays)), true
		}
	}
	enabled := func(pr *Process) func(n *yaml.Node, path string) {
		return func(n *yaml.Node, path string) { pr.Enabled = p.boolean(n, path) }
	}
	p2p, o2c := &d.P2P, &d.O2C
	p.mapping(n, path, []field{
		{"p2p", false, func(n *yaml.Node, path string) {
			p.mapping(n, path, []field{
				{"enabled", false, enabled(p2p)},
				{"partial_delivery_rate", false, rate(&p2p.Partial)},
				{"average_po_to_gr_days", false, days(&p2p.ToReceipt)},
				{"average_gr_to_invoice_days", false, days(&p2p.ToInvoice)},
				{"average_invoice_to_payment_days", false, payDays(p2p)},
				{"payment_behavior", false, func(n *yaml.Node, path string) {
					p.mapping(n, path, []field{
						{"late_payment_rate", false, rate(&p2p.Late)},
						{"partial_payment_rate", false, rate(&p2p.PartialPay)},
						{"avg_days_until_remainder", false, days(&p2p.Remainder)},
					}, p.ignoreNoEffect)
				}},
			}, p.ignoreNoEffect)
		}},
		{"o2c", false, func(n *yaml.Node, path string) {
			p.mapping(n, path, []field{
				{"enabled", false, enabled(o2c)},
				{"partial_shipment_rate", false, rate(&o2c.Partial)},
				{"bad_debt_rate", false, rate(&o2c.Unpaid)},
				{"late_payment_rate", false, rate(&o2c.Late)},
				{"average_so_to_delivery_days", false, days(&o2c.ToReceipt)},
				{"average_delivery_to_invoice_days", false, days(&o2c.ToInvoice)},
				{"average_invoice_to_receipt_days", false, payDays(o2c)},
				{"payment_behavior", false, func(n *yaml.Node, path string) {
					p.mapping(n, path, []field{
						{"partial_payments", false, func(n *yaml.Node, path string) {
							p.mapping(n, path, []field{
								{"rate", false, rate(&o2c.PartialPay)},
								{"avg_days_until_remainder", false, days(&o2c.Remainder)},
							}, p.ignoreNoEffect)
						}},
					}, func(k, v *yaml.Node, path string) {
						// Dunning switched off (DataSynth's default) asks
						// for nothing.
						if k.Value == "dunning" && enabledFalse(v) {
							return
						}
						p.ignoreNoEffect(k, v, path)
					})
				}},
			}, p.ignoreNoEffect)
		}},
		{"generate_document_references", false, p.quietIf("true")},
		{"export_flow_graph", false, p.quietIf("false")},
	}, p.ignoreNoEffect)
}

// masterData decodes the counts of master_data; its other keys shape
// DataSynth's records and warn (noEffect).
func (p *parser) masterData(n *yaml.Node, path string, m *MasterData) {
	count := func(v *int, hi int) func(n *yaml.Node, path string) {
		return func(n *yaml.Node, path string) {
			p.mapping(n, path, []field{
				{"count", false, func(n *yaml.Node, path string) { *v = int(p.integer(n, path, 1, int64(hi))) }},
			}, p.ignoreNoEffect)
		}
	}
	l := MasterDataLimits
	p.mapping(n, path, []field{
		{"vendors", false, count(&m.Vendors, l.Vendors)},
		{"customers", false, count(&m.Customers, l.Customers)},
		{"materials", false, count(&m.Materials, l.Materials)},
		{"employees", false, count(&m.Employees, l.Employees)},
		{"fixed_assets", false, count(&m.FixedAssets, l.FixedAssets)},
	}, p.ignoreNoEffect)
}

// balance reads the `balance` section. Every key takes effect; the targets
// shape the opening balance sheet only, and the year's margin, collection
// and payment days follow the flows (crossChecks says when a target has
// nothing to shape).
func (p *parser) balance(n *yaml.Node, path string, b *Balance) {
	ratio := func(d *Decimal, has *bool, lo, hi Decimal) func(n *yaml.Node, path string) {
		return func(n *yaml.Node, path string) { *d, *has = p.decimal(n, path, lo, hi), true }
	}
	days := func(d *int, has *bool) func(n *yaml.Node, path string) {
		return func(n *yaml.Node, path string) { *d, *has = int(p.integer(n, path, 0, MaxTargetDays)), true }
	}
	p.mapping(n, path, []field{
		{"generate_opening_balances", false, func(n *yaml.Node, path string) { b.Opening = p.boolean(n, path) }},
		{"generate_trial_balances", false, func(n *yaml.Node, path string) { b.TrialBalances = p.boolean(n, path) }},
		{"target_gross_margin", false, ratio(&b.GrossMargin, &b.HasGrossMargin, Decimal{0}, Decimal{MicroPerUnit})},
		{"target_dso_days", false, days(&b.DSODays, &b.HasDSO)},
		{"target_dpo_days", false, days(&b.DPODays, &b.HasDPO)},
		{"target_current_ratio", false, ratio(&b.CurrentRatio, &b.HasCurrentRatio, MinCurrentRatio, MaxCurrentRatio)},
		{"target_debt_to_equity", false, ratio(&b.DebtToEquity, &b.HasDebtToEquity, MinDebtToEquity, MaxDebtToEquity)},
		{"validate_balance_equation", false, func(n *yaml.Node, path string) { b.ValidateEquation = p.boolean(n, path) }},
		{"reconcile_subledgers", false, func(n *yaml.Node, path string) { b.ReconcileSubledgers = p.boolean(n, path) }},
	}, p.ignoreNoEffect)
}

// balanceChecks warns about the balance targets that have nothing to
// shape: none without opening balances, no receivables without
// order-to-cash, no payables without procure-to-pay. The gross margin
// warns that it sizes the opening sheet only.
func (p *parser) balanceChecks(cfg *Config) {
	b := cfg.Balance
	const sec = "balance."
	noEffect := func(key, reason string) { p.warn(nil, sec+key, "accepted without effect: %s", reason) }
	targets := []struct {
		key string
		set bool
	}{{"target_gross_margin", b.HasGrossMargin}, {"target_dso_days", b.HasDSO}, {"target_dpo_days", b.HasDPO},
		{"target_current_ratio", b.HasCurrentRatio}, {"target_debt_to_equity", b.HasDebtToEquity}}
	if !b.Opening {
		for _, t := range targets {
			if t.set {
				noEffect(t.key, "balance.generate_opening_balances is false, so the books open empty and no opening balance sheet is shaped")
			}
		}
		return
	}
	if b.HasDSO && !cfg.DocumentFlows.O2C.Enabled {
		noEffect("target_dso_days", "document_flows.o2c.enabled is false, so there are no receivables and they open at zero")
	}
	if b.HasDPO && !cfg.DocumentFlows.P2P.Enabled {
		noEffect("target_dpo_days", "document_flows.p2p.enabled is false, so there are no payables and they open at zero")
	}
	if b.HasGrossMargin {
		p.warn(nil, sec+"target_gross_margin", "sizes the opening balances only (their cost of sales, which sets opening inventory and payables); "+
			"the margin of the year's sales follows the materials' list prices and costs in master data")
	}
}

// crossChecks runs the checks that need more than one key.
func (p *parser) crossChecks(cfg *Config) {
	t := cfg.Transactions
	if t.MinAmount.Micro > t.MaxAmount.Micro {
		p.add(nil, "transactions.amounts", "min_amount %s is above max_amount %s", t.MinAmount, t.MaxAmount)
	}
	for i, c := range cfg.Companies {
		if t.MinAmount.Minor(c.Digits()) < 1 {
			p.add(nil, "transactions.amounts.min_amount", "%s is below one minor unit of %s (company %s); raise it", t.MinAmount, c.Currency, c.Code)
		}
		if c.Entries(cfg.Global.PeriodMonths) == 0 {
			p.add(nil, fmt.Sprintf("companies[%d].annual_transaction_volume", i), "company %s gets 0 journal entries (volume %d x weight %s x %d/12 months); raise its volume or weight",
				c.Code, c.AnnualVolume, c.VolumeWeight, cfg.Global.PeriodMonths)
		}
	}
	if o := cfg.Output; o.Compression == "lz4" || o.Compression == "snappy" {
		var text []string
		for _, f := range o.Formats {
			if f != "parquet" {
				text = append(text, f)
			}
		}
		if len(text) > 0 {
			p.warn(nil, "output.compression", "%s compresses Parquet pages only; %s files are written uncompressed (use gzip or zstd for them)", o.Compression, strings.Join(text, ", "))
		}
	}
	if len(t.LineBuckets) == 0 {
		p.add(nil, "transactions.line_item_distribution", "no line count has a positive share")
	}
	p.balanceChecks(cfg)
	p.fiscalYearChecks(cfg.Global)
}

// fiscalYearChecks warns when two fiscal years of the dataset end in the
// same calendar year, as fiscal years shorter than twelve months can: the
// fiscal_year column (the year in which a fiscal year ends) then names
// both, and only the periods' dates tell them apart.
func (p *parser) fiscalYearChecks(g Global) {
	f := g.FiscalYearMonths
	if f >= 12 || f < 1 {
		return
	}
	seen := map[int]int{} // fiscal year by the year it ends in
	for fy := 0; fy*f < g.PeriodMonths; fy++ {
		end := time.Date(g.StartDate.Year(), g.StartDate.Month()+time.Month((fy+1)*f), 0, 0, 0, 0, 0, time.UTC)
		if prev, ok := seen[end.Year()]; ok {
			first := time.Date(g.StartDate.Year(), g.StartDate.Month()+time.Month((prev+1)*f), 0, 0, 0, 0, 0, time.UTC)
			p.warn(nil, "global.fiscal_year_months", "fiscal years of %d months: the ones ending %s and %s both carry fiscal_year %d, the year in which each ends; "+
				"tell their periods apart by period_start and period_end, or use 12 for one fiscal year per label",
				f, first.Format(time.DateOnly), end.Format(time.DateOnly), end.Year())
			return
		}
		seen[end.Year()] = fy
	}
}
