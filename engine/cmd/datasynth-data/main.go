// Command datasynth-data generates deterministic synthetic accounting data.
package main

import "os"

func main() { os.Exit(run(os.Args[1:], os.Stdout, os.Stderr)) }
