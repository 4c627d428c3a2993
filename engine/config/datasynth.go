package config

import (
	_ "embed"
	"fmt"
	"regexp"
	"strings"

	"gopkg.in/yaml.v3"
)

// datasynthKeys is every key DataSynth's config schema defines, one line
// per key path: "PATH KIND [required]" (see engine/internal/cmd/dsschema,
// which writes it from DataSynth's source). The parser consults it for
// every key it does not decode itself: a key in the table is DataSynth's
// and accepted, anything else is an error.
//
// When DataSynth's schema changes, regenerate the file from a checkout:
//
//	go run ./internal/cmd/dsschema -src PATH >config/datasynth_keys.txt
//
// and run go test ./config: TestDataSynthKeysDecided fails for every new
// key of a section this generator implements until the parser decodes it
// or lists it in keysWithoutEffect.
//
//go:embed datasynth_keys.txt
var datasynthKeys string

// schemaNode is one key of DataSynth's schema.
type schemaNode struct {
	path     string
	kind     string // map, list, dict, any, tagged(...), enum(...), ref(...), or a scalar type
	required bool
	children []string // child keys of a map, in schema order
}

// Schema is DataSynth's config schema as the parser knows it.
type Schema struct {
	nodes map[string]*schemaNode
	order []string
}

var datasynth = parseSchema(datasynthKeys)

// DataSynthSchema returns the table of DataSynth's config keys.
func DataSynthSchema() *Schema { return datasynth }

func parseSchema(text string) *Schema {
	s := &Schema{nodes: map[string]*schemaNode{"": {kind: "map"}}}
	for _, line := range strings.Split(text, "\n") {
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Fields(line)
		n := &schemaNode{path: f[0], kind: f[1], required: len(f) > 2 && f[2] == "required"}
		if _, dup := s.nodes[n.path]; dup {
			continue
		}
		s.nodes[n.path] = n
		s.order = append(s.order, n.path)
		parent, key := splitPath(n.path)
		if p := s.nodes[parent]; p != nil && key != "" {
			p.children = append(p.children, key)
		}
	}
	return s
}

// splitPath splits "a.b.c" into "a.b" and "c"; "a.b[]" into "a.b" and "".
func splitPath(path string) (parent, key string) {
	if p, ok := strings.CutSuffix(path, "[]"); ok {
		return p, ""
	}
	i := strings.LastIndexByte(path, '.')
	if i < 0 {
		return "", path
	}
	return path[:i], path[i+1:]
}

// Paths lists every key path, in schema order.
func (s *Schema) Paths() []string { return s.order }

// Kind returns the kind of a path and whether DataSynth requires it.
func (s *Schema) Kind(path string) (kind string, required, ok bool) {
	n := s.nodes[path]
	if n == nil {
		return "", false, false
	}
	return n.kind, n.required, true
}

// Children lists the keys DataSynth defines below a map path.
func (s *Schema) Children(path string) []string {
	if n := s.nodes[path]; n != nil {
		return n.children
	}
	return nil
}

var indexRE = regexp.MustCompile(`\[\d+\]`)

// schemaPath turns a path as messages show it ("companies[2].code") into
// the table's form ("companies[].code").
func schemaPath(path string) string { return indexRE.ReplaceAllString(path, "[]") }

// child returns the table path of key below the table path parent: the key
// itself, or "*" where parent is a map with free keys; "" when DataSynth
// has no such key.
func (s *Schema) child(parent, key string) string {
	n := s.nodes[parent]
	for n != nil && strings.HasPrefix(n.kind, "ref(") {
		parent = strings.TrimSuffix(strings.TrimPrefix(n.kind, "ref("), ")")
		n = s.nodes[parent]
	}
	if n == nil {
		return ""
	}
	if c := join(parent, key); s.nodes[c] != nil {
		return c
	}
	if c := join(parent, "*"); s.nodes[c] != nil {
		return c
	}
	return ""
}

// checkKeys walks a value of a DataSynth key that this generator does not
// decode, and reports every mapping key in it that DataSynth's schema does
// not define: as an error, or as a warning when lenient (inside a section
// this generator ignores as a whole, where DataSynth itself ignores unknown
// keys silently; its own templates hold some). Values themselves are not
// checked: the key is ignored.
func (p *parser) checkKeys(n *yaml.Node, path, spath string, lenient bool) {
	node := datasynth.nodes[spath]
	if node == nil {
		return
	}
	for strings.HasPrefix(node.kind, "ref(") {
		spath = strings.TrimSuffix(strings.TrimPrefix(node.kind, "ref("), ")")
		if node = datasynth.nodes[spath]; node == nil {
			return
		}
	}
	switch {
	case node.kind == "list" && n.Kind == yaml.SequenceNode:
		for i, item := range n.Content {
			p.checkKeys(item, fmtIndex(path, i), spath+"[]", lenient)
		}
	case n.Kind == yaml.MappingNode && node.kind != "any":
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			kp := join(path, k.Value)
			c := datasynth.child(spath, k.Value)
			if c == "" {
				if lenient {
					msg := "not a DataSynth key: DataSynth ignores it without a word, and this generator ignores the whole section"
					if s := Suggest(k.Value, datasynth.Children(spath)); s != "" {
						msg += fmt.Sprintf("; did you mean %q?", s)
					}
					p.warn(k, kp, "%s", msg)
				} else {
					p.unknownKey(k, kp, datasynth.Children(spath))
				}
				continue
			}
			p.checkKeys(v, kp, c, lenient)
		}
	}
}

// enabledFalse reports whether a section is a mapping that says
// `enabled: false`: it asks for nothing, so ignoring it needs no warning.
func enabledFalse(n *yaml.Node) bool {
	if n.Kind != yaml.MappingNode {
		return false
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == "enabled" {
			v := n.Content[i+1]
			return v.Tag == "!!bool" && strings.EqualFold(v.Value, "false")
		}
	}
	return false
}
