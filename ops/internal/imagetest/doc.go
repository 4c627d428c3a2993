// Package imagetest holds the tests that need the real Docker engine: the
// images built FROM scratch by `make image`, and a Compose project (the
// shipped deploy/compose file with a test overlay: server, an S3 server and
// the backup job) on which dsops restart and dsops drill are run.
//
// The tests carry the build tag docker and run through `make test-image`
// (part of `make test`), which builds the images first and passes their tag
// in IMAGE_VERSION. Without Docker they fail and say so; they are never
// skipped.
package imagetest
