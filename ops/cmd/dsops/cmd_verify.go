package main

import (
	"fmt"

	"datasynth.dev/verify"
	"github.com/spf13/cobra"
)

const verifyExitCodes = `
Exit codes:
  0  identical: every file matches (and with --lock, every version too)
  1  differences: at least one line marked - + * ! or a mismatch was printed
  2  could not run: a missing folder, a file where a folder is expected, a
     malformed checksum list or lock file, bad flags`

type verifyOptions struct {
	manifest    bool
	lockFile    string
	generator   string
	stripPrefix string
	jobs        int
	json        bool
	verbose     bool
}

func newVerifyCmd(g *globals) *cobra.Command {
	var o verifyOptions
	cmd := &cobra.Command{
		Use:   "verify ORIGINAL RECOVERED | verify --manifest DIR | verify --lock FILE DIR",
		Short: "Compare datasets by content; check a dataset against its manifest or a lock",
		Long: `Compare two datasets file by file, by SHA-256 of their content.

ORIGINAL and RECOVERED are folders (compared recursively, by relative path)
or checksum lists in sha256sum format. Every file is read once, on all cores.
Symbolic links are not followed: a link is compared by its target and
reported as a link. Modification times and permissions are not compared.

One line is printed per difference, then a summary:
  - PATH   only in ORIGINAL
  + PATH   only in RECOVERED
  * PATH   content differs (with both sizes when they differ)
  ! PATH   could not be read (with the reason)
  = PATH   identical (only with --verbose)
Paths with spaces, tabs, newlines, quotes or backslashes are printed as Go
quoted strings, so the path is always the second field of a line. Lines that
explain the result start with "note: ", lines about versions that disagree
with a lock with "mismatch: ".

When both folders hold a run_manifest.json, the generator version, config
hash and seed recorded there are compared first and differences explained
in those terms; run_manifest.json itself is compared without its run block
(timestamps, host).

With --manifest, DIR is checked against its own run_manifest.json: every
listed file present with its size and SHA-256, and no unlisted file.

With --lock, DIR and the installed datasynth-data are checked against a lock
written by dsops pin: generator version, config hash, seed and every file.
` + verifyExitCodes,
		Example: `  dsops verify original-output recovered-output
  dsops verify --json original-output recovered-output
  dsops verify original.sha256 recovered-output
  dsops verify --strip-prefix original-output/ original.sha256 recovered-output
  dsops verify --manifest recovered-output
  dsops verify --lock datasynth.lock recovered-output`,
		Args: func(cmd *cobra.Command, args []string) error {
			want, what := 2, "ORIGINAL and RECOVERED"
			if o.manifest || o.lockFile != "" {
				want, what = 1, "one dataset folder"
			}
			if len(args) != want {
				return fmt.Errorf("verify takes %s, got %d argument(s); see dsops verify --help", what, len(args))
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			if o.jobs < 0 {
				return fmt.Errorf("--jobs %d: give a positive count, or 0 for one per core", o.jobs)
			}
			req := verify.Request{Generator: o.generator}
			switch {
			case o.manifest:
				req.ManifestDir = args[0]
			case o.lockFile != "":
				req.LockFile, req.Dir = o.lockFile, args[0]
			default:
				req.Original, req.Recovered = args[0], args[1]
			}
			opts := verify.Options{Workers: o.jobs, StripPrefix: o.stripPrefix, Logger: g.logger()}
			r, err := verify.Run(cmd.Context(), req, opts)
			if err != nil {
				return err
			}
			return printReport(g, r, o.json, o.verbose)
		},
	}
	f := cmd.Flags()
	f.BoolVar(&o.manifest, "manifest", false, "check one folder against its own run_manifest.json")
	f.StringVar(&o.lockFile, "lock", "", "check one folder and the installed datasynth-data against this lock file")
	f.StringVar(&o.generator, "generator", "datasynth-data", "datasynth-data program to check with --lock: a name on PATH or a path")
	f.StringVar(&o.stripPrefix, "strip-prefix", "", "remove this prefix from every name in a checksum list (for lists made with sha256sum FOLDER/*)")
	f.IntVarP(&o.jobs, "jobs", "j", 0, "files hashed at once (default: one per core)")
	f.BoolVar(&o.json, "json", false, "print one JSON document instead of lines")
	f.BoolVarP(&o.verbose, "verbose", "v", false, "also list identical files and the hashing throughput")
	cmd.MarkFlagsMutuallyExclusive("manifest", "lock")
	cmd.MarkFlagsMutuallyExclusive("manifest", "strip-prefix")
	cmd.MarkFlagsMutuallyExclusive("lock", "strip-prefix")
	return cmd
}

// printReport writes r as text or JSON, and returns verify.ErrDifferent
// when it is not identical so that the exit status says so.
func printReport(g *globals, r *verify.Report, asJSON, verbose bool) error {
	var err error
	if asJSON {
		err = r.WriteJSON(g.stdout, verbose)
	} else {
		err = r.WriteText(g.stdout, verbose)
	}
	if err != nil {
		return fmt.Errorf("writing the report: %w", err)
	}
	if !r.Identical() {
		return verify.ErrDifferent
	}
	return nil
}
