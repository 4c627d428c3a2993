// Command dsops is the operations tool for DataSynth: it checks datasets
// against each other, against their run manifests and against version
// locks, and regenerates pinned datasets.
package main

import "os"

// Set at build time with -ldflags "-X main.version=... -X main.commit=...".
var version, commit = "dev", "unknown"

func main() { os.Exit(run(os.Args[1:], os.Stdout, os.Stderr)) }
