package main

import (
	"context"
	"os"
	"path/filepath"
	"sync"

	"github.com/rogpeppe/go-internal/testscript"

	"datasynth.dev/backup/s3test"
)

var (
	s3Mu      sync.Mutex
	s3Servers = map[*testscript.TestScript]*s3test.Server{}
)

// cmdS3Server runs a real S3 server (versitygw) on loopback for a script:
//
//	s3server start BUCKET...   start it, create the buckets, set S3_ENDPOINT,
//	                           S3_DATA (the folder that holds the objects, as
//	                           BUCKET/KEY files)
//	                           and the AWS credential variables
//	s3server stop              kill it, as a crash would
//	s3server restart           start it again with the same data
//
// The server is stopped when the script ends.
func cmdS3Server(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) == 0 {
		ts.Fatalf("usage: s3server start BUCKET... | stop | restart")
	}
	s3Mu.Lock()
	srv := s3Servers[ts]
	s3Mu.Unlock()
	switch args[0] {
	case "start":
		if srv != nil {
			ts.Fatalf("s3server: already started")
		}
		dir, err := os.MkdirTemp("", "dsops-s3server-")
		ts.Check(err)
		srv, err = s3test.Start(dir)
		ts.Check(err)
		s3Mu.Lock()
		s3Servers[ts] = srv
		s3Mu.Unlock()
		ts.Defer(func() {
			srv.Stop()
			os.RemoveAll(dir)
			s3Mu.Lock()
			delete(s3Servers, ts)
			s3Mu.Unlock()
		})
		for _, b := range args[1:] {
			ts.Check(srv.CreateBucket(context.Background(), b))
		}
		ts.Setenv("S3_ENDPOINT", srv.Endpoint)
		ts.Setenv("S3_DATA", filepath.Join(dir, "data"))
		ts.Setenv("AWS_ACCESS_KEY_ID", s3test.AccessKey)
		ts.Setenv("AWS_SECRET_ACCESS_KEY", s3test.SecretKey)
		ts.Setenv("AWS_REGION", s3test.Region)
		ts.Setenv("AWS_EC2_METADATA_DISABLED", "true")
	case "stop", "restart":
		if srv == nil {
			ts.Fatalf("s3server %s: not started", args[0])
		}
		if args[0] == "stop" {
			srv.Stop()
			return
		}
		ts.Check(srv.Restart())
	default:
		ts.Fatalf("usage: s3server start BUCKET... | stop | restart")
	}
}
