// Command datasynth-server serves generated accounting data over HTTP and
// WebSocket. See docs/server.md.
package main

import "os"

// Set at build time with -ldflags "-X main.version=... -X main.commit=...".
var version, commit = "dev", "unknown"

func main() { os.Exit(run(os.Args[1:], os.Stdout, os.Stderr)) }
