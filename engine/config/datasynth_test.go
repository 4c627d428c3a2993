package config

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

// implemented are the top-level sections this generator decodes key by
// key; every other DataSynth section is accepted whole, with one warning.
var implemented = []string{"global", "companies", "chart_of_accounts", "output", "fraud", "transactions", "hr", "document_flows", "master_data", "balance"}

func section(path string) string {
	s, _, _ := strings.Cut(path, ".")
	s, _, _ = strings.Cut(s, "[")
	return s
}

// checkDataSynth lists what DataSynth's schema would refuse in a config:
// keys it does not define, and required keys missing from a mapping that
// is given.
func checkDataSynth(t *testing.T, data []byte) []string {
	t.Helper()
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	var out []string
	var walk func(n *yaml.Node, spath string)
	walk = func(n *yaml.Node, spath string) {
		kind, _, _ := datasynth.Kind(spath)
		switch {
		case n.Kind == yaml.SequenceNode && kind == "list":
			for _, item := range n.Content {
				walk(item, spath+"[]")
			}
		case n.Kind == yaml.MappingNode && kind != "any":
			given := map[string]bool{}
			for i := 0; i+1 < len(n.Content); i += 2 {
				key := n.Content[i].Value
				given[key] = true
				c := datasynth.child(spath, key)
				if c == "" {
					out = append(out, fmt.Sprintf("%s: key not in DataSynth's schema", join(spath, key)))
					continue
				}
				walk(n.Content[i+1], c)
			}
			if kind == "map" {
				for _, key := range datasynth.Children(spath) {
					if _, req, _ := datasynth.Kind(join(spath, key)); req && !given[key] {
						out = append(out, fmt.Sprintf("%s: required by DataSynth, missing", join(spath, key)))
					}
				}
			}
		}
	}
	walk(doc.Content[0], "")
	return out
}

// sampleValues returns YAML values to try for a key of the given kind:
// values DataSynth's schema allows and, for the keys this generator
// decodes, values it accepts. The first two differ, so that a decoded key
// must change the parsed config for at least one of them.
func sampleValues(path, kind string) []string {
	if v, ok := sampleOverrides[path]; ok {
		return v
	}
	switch {
	case kind == "bool":
		return []string{"true", "false"}
	case kind == "int":
		return []string{"1", "2"}
	case kind == "float" || kind == "decimal":
		return []string{"0.5", "0.25"}
	case kind == "string" || kind == "path" || kind == "uuid":
		return []string{`"x"`, `"y"`}
	case kind == "date":
		return []string{`"2024-01-01"`}
	case kind == "datetime":
		return []string{`"2024-01-01T00:00:00"`}
	case kind == "time":
		return []string{`"08:00:00"`}
	case strings.HasPrefix(kind, "enum("):
		vals := strings.Split(strings.TrimSuffix(strings.TrimPrefix(kind, "enum("), ")"), "|")
		if vals[0] == "" {
			return nil
		}
		out := []string{}
		for _, v := range vals[:min(2, len(vals))] {
			out = append(out, fmt.Sprintf("%q", v))
		}
		return out
	case kind == "list":
		return []string{"[]"}
	case kind == "dict", kind == "map", strings.HasPrefix(kind, "tagged("):
		return []string{"{}"}
	case kind == "any":
		return []string{"1"}
	}
	return nil
}

// sampleOverrides are values the generator needs where the generic sample
// would be refused (a currency must be one, a company code must be set).
var sampleOverrides = map[string][]string{
	"hr.payroll.pay_frequency":                     {`"weekly"`, `"biweekly"`},
	"global.seed":                                  {"1", "2"},
	"global.industry":                              {"retail", "energy"},
	"global.start_date":                            {`"2024-02-01"`, `"2023-01-01"`},
	"global.period_months":                         {"3", "6"},
	"global.group_currency":                        {"EUR", "JPY"},
	"global.presentation_currency":                 {"EUR", "JPY"},
	"global.fiscal_year_months":                    {"6", "4"},
	"global.worker_threads":                        {"1", "2"},
	"global.memory_limit_mb":                       {"512", "1024"},
	"companies[].code":                             {`"C9"`, `"Société Générale, Paris"`},
	"companies[].currency":                         {"TRY", "JPY"},
	"companies[].functional_currency":              {"TRY", "JPY"},
	"companies[].country":                          {"TR", "JP"},
	"companies[].fiscal_year_variant":              {"V3", "K4"},
	"companies[].annual_transaction_volume":        {"hundred_k", "one_m"},
	"companies[].annual_transaction_volume.custom": {"5000", "7"},
	"companies[].volume_weight":                    {"0.5", "2"},
	"chart_of_accounts.complexity":                 {"medium", "large"},
	"chart_of_accounts.min_hierarchy_depth":        {"2", "4"},
	"chart_of_accounts.max_hierarchy_depth":        {"5", "2"},
	"output.output_directory":                      {"x", "y"},
	"output.formats[]":                             {"parquet", "json_lines"},
	"output.formats":                               {"[json]", "[parquet, csv]"},
	"output.compression.level":                     {"9", "1"},
	"output.batch_size":                            {"1000", "10"},
	"fraud.fraud_rate":                             {"0.02", "0.5"},
	"fraud.approval_thresholds":                    {"[1000]", "[5000, 2000]"},
	"fraud.approval_thresholds[]":                  {"1000", "2500.5"},
	"transactions.amounts.min_amount":              {"2", "3"},
	"transactions.amounts.max_amount":              {"500", "900"},
	"transactions.seasonality.month_end_lead_days": {"3", "7"},
	"transactions.amounts.decimal_places":          {"2", "3"},
}

// minimal is a valid config with only what each section needs.
func minimal() map[string]any {
	return map[string]any{
		"global":            map[string]any{"industry": "manufacturing", "start_date": "2024-01-01", "period_months": 12},
		"companies":         []any{map[string]any{"code": "1000", "name": "A", "currency": "USD", "country": "US", "annual_transaction_volume": "ten_k"}},
		"chart_of_accounts": map[string]any{"complexity": "small"},
		"output":            map[string]any{"formats": []any{"csv"}},
	}
}

// splitSchemaPath splits "companies[].code" into companies, [], code.
func splitSchemaPath(spath string) []string {
	var parts []string
	for _, p := range strings.Split(spath, ".") {
		var tail []string
		for {
			head, ok := strings.CutSuffix(p, "[]")
			if !ok {
				break
			}
			tail = append(tail, "[]")
			p = head
		}
		parts = append(parts, p)
		parts = append(parts, tail...)
	}
	return parts
}

// set puts v at parts below node, creating mappings and one-element lists
// on the way ("*" becomes a key named anykey).
func set(node any, parts []string, v any) any {
	if len(parts) == 0 {
		// An empty mapping or list keeps what is there: the sample only
		// makes sure the key exists.
		if m, ok := v.(map[string]any); ok && len(m) == 0 && node != nil {
			return node
		}
		if l, ok := v.([]any); ok && len(l) == 0 && node != nil {
			return node
		}
		return v
	}
	switch parts[0] {
	case "[]":
		list, _ := node.([]any)
		var first any
		if len(list) > 0 {
			first = list[0]
		}
		return []any{set(first, parts[1:], v)}
	default:
		m, ok := node.(map[string]any)
		if !ok {
			m = map[string]any{}
		}
		key := parts[0]
		if key == "*" {
			key = "anykey"
		}
		m[key] = set(m[key], parts[1:], v)
		return m
	}
}

// withKey returns a minimal config that also sets one table path to the
// YAML value given.
func withKey(t *testing.T, spath, value string) string {
	var v any
	if err := yaml.Unmarshal([]byte(value), &v); err != nil {
		t.Fatalf("sample %s: %v", value, err)
	}
	root := set(minimal(), splitSchemaPath(spath), v)
	out, err := yaml.Marshal(root)
	if err != nil {
		t.Fatal(err)
	}
	return string(out)
}

// TestDataSynthKeysDecided walks every key of DataSynth's schema. Each key,
// set alone on a minimal config, must be accepted. A key of a section this
// generator implements must either change the parsed config (it takes
// effect) or be listed in noEffect and named by a warning. A key of any
// other section must bring the warning that names its section. When
// datasynth_keys.txt is regenerated from a newer DataSynth, a new key of an
// implemented section fails here until it is decoded or listed.
func TestDataSynthKeysDecided(t *testing.T) {
	baseYAML, err := yaml.Marshal(minimal())
	if err != nil {
		t.Fatal(err)
	}
	base, err := Parse("base.yaml", baseYAML)
	if err != nil {
		t.Fatal(err)
	}
	base.Source = ""
	checked := 0
	for _, spath := range datasynth.Paths() {
		kind, _, _ := datasynth.Kind(spath)
		samples := sampleValues(spath, kind)
		if len(samples) == 0 || kind == "map" && hasRequiredChild(spath) {
			// A mapping whose keys DataSynth requires is only valid with
			// them; its keys are checked one by one.
			continue
		}
		sec := section(spath)
		impl := slices.Contains(implemented, sec)
		changed, warned := false, false
		for _, v := range samples {
			doc := withKey(t, spath, v)
			cfg, p, err := parse("k.yaml", []byte(doc))
			if err != nil {
				t.Errorf("%s = %s: refused:\n%v\nconfig:\n%s", spath, v, err, doc)
				continue
			}
			named := false
			for _, w := range cfg.Warnings {
				wp := schemaPath(w.Path)
				if wp == spath || strings.HasPrefix(spath, wp+".") || strings.HasPrefix(spath, wp+"[") || (!impl && wp == sec) {
					named = true
				}
			}
			if named {
				warned = true
			}
			cfg.Warnings, cfg.Source = nil, ""
			if !reflect.DeepEqual(cfg, base) {
				changed = true
			}
			if impl && !p.decoded[spath] && !listedNoEffect(spath) && !hasDecodedAncestor(p, spath) {
				t.Errorf("%s: neither decoded nor listed in noEffect", spath)
			}
		}
		checked++
		switch {
		case !impl && !warned && !strings.HasSuffix(spath, ".enabled"):
			t.Errorf("%s: set alone, it brings no warning naming section %s", spath, sec)
		case impl && !changed && !warned && kind != "map" && kind != "list" && kind != "dict":
			t.Errorf("%s: changes nothing in the parsed config and brings no warning naming it", spath)
		}
	}
	if checked < 1500 {
		t.Fatalf("only %d keys checked; the table or the walk is broken", checked)
	}
}

func hasRequiredChild(spath string) bool {
	for _, c := range datasynth.Children(spath) {
		if _, req, _ := datasynth.Kind(join(spath, c)); req {
			return true
		}
	}
	return false
}

// listedNoEffect reports whether spath or a key above it is in noEffect.
func listedNoEffect(spath string) bool {
	for q := spath; q != ""; {
		if noEffect[q] != "" {
			return true
		}
		parent, _ := splitPath(q)
		if parent == q {
			break
		}
		q = parent
	}
	return false
}

// hasDecodedAncestor reports whether a map above spath was decoded by a
// field (so spath is one of its keys, decoded or warned about there).
func hasDecodedAncestor(p *parser, spath string) bool {
	for q := spath; q != ""; {
		parent, _ := splitPath(q)
		if parent == q {
			break
		}
		if p.decoded[parent] {
			kind, _, _ := datasynth.Kind(parent)
			return kind != "map" || p.decoded[spath]
		}
		q = parent
	}
	return false
}

// TestNoEffectKeysExist keeps noEffect honest: each entry is a DataSynth key.
func TestNoEffectKeysExist(t *testing.T) {
	for path := range noEffect {
		if _, _, ok := datasynth.Kind(path); !ok {
			t.Errorf("noEffect lists %s, which DataSynth's schema does not define", path)
		}
	}
	for path := range renamed {
		if _, _, ok := datasynth.Kind(path); ok {
			t.Errorf("renamed lists %s, which is a DataSynth key", path)
		}
	}
}

// TestDataSynthSources runs where DataSynth's source is at hand
// (DATASYNTH_SRC names a checkout of github.com/mivertowski/SyntheticData):
// the committed key table must be what dsschema makes of that source, and
// every config template DataSynth ships must load without a problem. CI has
// no copy of DataSynth, so there the test is skipped; the committed table
// is what the other tests check.
func TestDataSynthSources(t *testing.T) {
	src := os.Getenv("DATASYNTH_SRC")
	if src == "" {
		t.Skip("DATASYNTH_SRC is not set; set it to a DataSynth checkout to check the key table and DataSynth's templates")
	}
	want, err := os.ReadFile("datasynth_keys.txt")
	if err != nil {
		t.Fatal(err)
	}
	rev := strings.Fields(strings.SplitN(string(want), "\n", 2)[0])
	cmd := exec.Command("go", "run", "../internal/cmd/dsschema", "-src", src, "-rev", strings.TrimSuffix(rev[len(rev)-1], "."))
	got, err := cmd.Output()
	if err != nil {
		t.Fatalf("dsschema: %v", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("datasynth_keys.txt is not what dsschema makes of %s; regenerate it", src)
	}
	var files []string
	for _, dir := range []string{"templates", "templates/scenarios/*"} {
		m, _ := filepath.Glob(filepath.Join(src, dir, "*.yaml"))
		files = append(files, m...)
	}
	if len(files) < 12 {
		t.Fatalf("found %d DataSynth templates under %s", len(files), src)
	}
	// Every template loads, except for what DataSynth's schema does not
	// define either: keys it ignores without a word (an error here, inside
	// the sections this generator implements) and values it refuses too.
	for _, f := range files {
		cfg, err := Load(f)
		if err == nil {
			t.Logf("%s: loads, %d warnings", filepath.Base(f), len(cfg.Warnings))
			continue
		}
		ps, ok := err.(Problems)
		if !ok {
			t.Fatalf("%s: %v", f, err)
		}
		for _, p := range ps {
			spath := schemaPath(p.Path)
			kind, _, known := datasynth.Kind(spath)
			switch {
			case strings.HasPrefix(p.Msg, "unknown key") && !known:
			case strings.Contains(p.Msg, "is not a volume") && kind == "enum(ten_k|hundred_k|one_m|ten_m|hundred_m)":
			default:
				t.Errorf("%s: refused although DataSynth's schema allows it: %s", filepath.Base(f), p)
			}
		}
		t.Logf("%s: refused for %d keys or values outside DataSynth's schema, first: %s", filepath.Base(f), len(ps), ps[0])
	}
}
