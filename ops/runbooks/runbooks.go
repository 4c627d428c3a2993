// Package runbooks holds the built-in incident runbooks of dsops, one YAML
// file each, embedded in the binary. docs/runbooks.md describes the format
// and lists every runbook with its steps; `dsops runbook --dir` adds or
// replaces runbooks with files of the same format.
package runbooks

import "embed"

// FS holds the *.yaml runbooks of this folder.
//
//go:embed *.yaml
var FS embed.FS
