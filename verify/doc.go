// Package verify compares datasets by content, the job that the classic
// pipeline
//
//	diff <(sha256sum original/*.csv | sort) <(sha256sum recovered/*.csv | sort)
//
// attempts, but recursive, parallel, and able to say why two datasets differ.
//
// A comparison has two sides: a reference on the left (ORIGINAL, a
// run_manifest.json, or a lock file) and the data being checked on the right
// (RECOVERED, or a dataset folder). A side given on the command line is a
// folder or a checksum list in sha256sum format (see package checksum).
// Every regular file under a folder takes part, by its slash-separated path
// relative to the folder. Symbolic links are never followed: a link is
// compared by its target text and reported as a link. Modification times,
// permissions and owners are not compared; only bytes are.
//
// Files are hashed with SHA-256 on all cores, each file read once, largest
// first so that one big file does not finish last on an otherwise idle
// machine. A file is only read when its checksum can decide something: when
// the other side lacks the path, or when both sides are folders whose sizes
// already differ, the file is not read.
//
// The result is a Report: one FileResult per path with a Status, plus notes
// that explain differences in terms of what produced the data. When both
// folders carry a run_manifest.json, the generator version, config hash and
// seed recorded there are compared first, and run_manifest.json itself is
// compared without its run block (timestamps, host), which is expected to
// differ between two runs of the same inputs.
//
// Three checks build on the same comparison: Compare (two sides),
// CheckManifest (a folder against its own run_manifest.json) and CheckLock
// (a folder and the installed generator against a lock file written by
// `dsops pin`; see package lock).
//
// A check that runs to completion returns a Report and a nil error whatever
// it found; an error means the check could not run (a missing folder, a
// malformed checksum list, a cancelled context). Callers map the two cases to
// different exit codes.
package verify
