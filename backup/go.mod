module datasynth.dev/backup

go 1.26.8

require (
	github.com/klauspost/compress v1.20.4 // indirect
	github.com/klauspost/pgzip v1.3.0 // indirect
	golang.org/x/sync v0.25.0 // indirect
)
