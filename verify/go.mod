module datasynth.dev/verify

go 1.26.8

require (
	github.com/google/renameio/v2 v2.0.2
	golang.org/x/sync v0.25.0
)
