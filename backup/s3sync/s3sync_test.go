package s3sync

import (
	"bytes"
	"context"
	"crypto/rand"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"datasynth.dev/verify"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"datasynth.dev/backup/catalog"
	"datasynth.dev/backup/s3test"
)

// TestMain shares one gateway between the tests of this package; each test
// gets its own bucket. Tests that stop a server start their own.
func TestMain(m *testing.M) { s3test.Main(m) }

func server(t *testing.T) *s3test.Server { return s3test.Shared(t) }

func setEnv(t *testing.T, env []string) {
	for _, kv := range env {
		k, v, _ := strings.Cut(kv, "=")
		t.Setenv(k, v)
	}
	t.Setenv("AWS_CONFIG_FILE", filepath.Join(t.TempDir(), "none"))
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(t.TempDir(), "none"))
}

func newClient(t *testing.T, s *s3test.Server, bucket string, mod func(*Config)) *Client {
	t.Helper()
	setEnv(t, s.Env())
	cfg := Config{URL: "s3://" + bucket + "/daily", Endpoint: s.Endpoint, PathStyle: true, PartSize: 5 << 20, RetryFor: time.Second}
	if mod != nil {
		mod(&cfg)
	}
	c, err := New(context.Background(), cfg, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// backupFile writes a file and its sidecar into dir.
func backupFile(t *testing.T, dir, name string, data []byte) {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, data, 0o640); err != nil {
		t.Fatal(err)
	}
	sum, _, err := verify.HashFile(p)
	if err != nil {
		t.Fatal(err)
	}
	if err := catalog.WriteSidecar(dir, name, sum); err != nil {
		t.Fatal(err)
	}
}

func random(t *testing.T, n int) []byte {
	b := make([]byte, n)
	rand.Read(b)
	return b
}

func TestParseURL(t *testing.T) {
	tests := []struct {
		in   string
		want Location
		err  bool
	}{
		{"s3://b", Location{"b", ""}, false},
		{"s3://b/", Location{"b", ""}, false},
		{"s3://b/a/c/", Location{"b", "a/c/"}, false},
		{"s3://b/a", Location{"b", "a/"}, false},
		{"https://b/a", Location{}, true},
		{"s3:///a", Location{}, true},
		{"b/a", Location{}, true},
	}
	for _, tt := range tests {
		got, err := ParseURL(tt.in)
		if (err != nil) != tt.err || got != tt.want {
			t.Errorf("ParseURL(%q) = %+v, %v", tt.in, got, err)
		}
	}
}

func TestSyncUploadsOnlyWhatChanged(t *testing.T) {
	s := server(t)
	bucket := s.Bucket(t)
	c := newClient(t, s, bucket, nil)
	dir := t.TempDir()
	backupFile(t, dir, "output-2026-11-24.tar.gz", []byte("first"))
	backupFile(t, dir, "server.env.2026-11-24", []byte("TOKEN=1\n"))
	names, _ := catalog.ListDir(dir)
	ctx := context.Background()

	res, err := c.Sync(ctx, dir, names, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Uploaded) != 4 || len(res.Skipped) != 0 {
		t.Fatalf("first sync = %+v, want 4 uploads", res)
	}
	if !strings.HasSuffix(res.Uploaded[2], ".sha256") || !strings.HasSuffix(res.Uploaded[3], ".sha256") {
		t.Errorf("sidecars not uploaded last: %v", res.Uploaded)
	}

	res, err = c.Sync(ctx, dir, names, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Uploaded) != 0 || len(res.Skipped) != 4 {
		t.Fatalf("unchanged sync = %+v, want nothing uploaded", res)
	}

	backupFile(t, dir, "output-2026-11-25.tar.gz", []byte("second"))
	names, _ = catalog.ListDir(dir)
	res, err = c.Sync(ctx, dir, names, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"output-2026-11-25.tar.gz", "output-2026-11-25.tar.gz.sha256"}
	if !slices.Equal(res.Uploaded, want) {
		t.Fatalf("changed sync uploaded %v, want %v", res.Uploaded, want)
	}

	listed, err := c.List(ctx)
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(listed)
	slices.Sort(names)
	if !slices.Equal(listed, names) {
		t.Errorf("bucket holds %v, want %v", listed, names)
	}
	obj, err := c.Stat(ctx, "server.env.2026-11-24")
	if err != nil || !obj.Exists || obj.SHA256 == "" {
		t.Errorf("Stat = %+v, %v", obj, err)
	}
}

func TestMultipartUploadIsCheckedAndRoundTrips(t *testing.T) {
	s := server(t)
	bucket := s.Bucket(t)
	c := newClient(t, s, bucket, nil)
	dir := t.TempDir()
	data := random(t, 11<<20+123)
	backupFile(t, dir, "output-2026-11-25.tar.gz", data)
	var read int64
	res, err := c.Sync(context.Background(), dir, []string{"output-2026-11-25.tar.gz"}, func(_ string, n int64) { read += n })
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Uploaded) != 1 || read != int64(len(data)) {
		t.Fatalf("Sync = %+v, progress %d bytes; want 1 upload of %d bytes", res, read, len(data))
	}
	head, err := c.S3.HeadObject(context.Background(), &s3.HeadObjectInput{Bucket: aws.String(bucket), Key: aws.String("daily/output-2026-11-25.tar.gz"), ChecksumMode: "ENABLED"})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasSuffix(aws.ToString(head.ChecksumSHA256), "-3") {
		t.Errorf("stored checksum %q, want a composite of 3 parts", aws.ToString(head.ChecksumSHA256))
	}
	f, err := os.Create(filepath.Join(t.TempDir(), "down"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sum, err := c.Download(context.Background(), "output-2026-11-25.tar.gz", f)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := os.ReadFile(f.Name())
	if !bytes.Equal(got, data) {
		t.Error("downloaded content differs")
	}
	want, _ := catalog.ReadSidecar(filepath.Join(dir, "output-2026-11-25.tar.gz"))
	if sum != want {
		t.Errorf("Download metadata sha256 = %q, want %q", sum, want)
	}
}

// A local backup that no longer matches its sidecar (damaged on disk after
// it was written) is never uploaded, nor is its sidecar; Sync reports it
// and goes on with the other files.
func TestSyncSkipsFileThatNoLongerMatchesItsSidecar(t *testing.T) {
	for _, size := range []int{1000, 6 << 20} {
		t.Run(strconv.Itoa(size), func(t *testing.T) { skipDamaged(t, size) })
	}
}

func skipDamaged(t *testing.T, size int) {
	s := server(t)
	bucket := s.Bucket(t)
	c := newClient(t, s, bucket, nil)
	dir := t.TempDir()
	name := "output-2026-11-25.tar.gz"
	backupFile(t, dir, name, random(t, size))
	if err := os.WriteFile(filepath.Join(dir, name), random(t, size), 0o640); err != nil {
		t.Fatal(err)
	}
	backupFile(t, dir, "server.env.2026-11-25", []byte("X=1\n"))
	names := []string{name, name + catalog.SidecarSuffix, "server.env.2026-11-25", "server.env.2026-11-25" + catalog.SidecarSuffix}
	res, err := c.Sync(context.Background(), dir, names, nil)
	if err != nil {
		t.Fatalf("size %d: Sync error = %v, want the damaged file skipped and the rest uploaded", size, err)
	}
	if !slices.Equal(res.Damaged, []string{name}) || len(res.Uploaded) != 2 {
		t.Fatalf("size %d: damaged %v, uploaded %v; want %s damaged and the env file with its sidecar uploaded", size, res.Damaged, res.Uploaded, name)
	}
	for _, n := range []string{name, name + catalog.SidecarSuffix} {
		obj, err := c.Stat(context.Background(), n)
		if err != nil || obj.Exists {
			t.Errorf("size %d: %s is in the bucket: %+v, %v", size, n, obj, err)
		}
	}
}

func TestWrongCredentials(t *testing.T) {
	s := server(t)
	bucket := s.Bucket(t)
	c := newClient(t, s, bucket, nil)
	t.Setenv("AWS_SECRET_ACCESS_KEY", "not-the-secret")
	c2, err := New(context.Background(), Config{URL: "s3://" + bucket, Endpoint: s.Endpoint, PathStyle: true, RetryFor: time.Second}, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	backupFile(t, dir, "server.env.2026-11-25", []byte("X=1\n"))
	_, err = c2.Sync(context.Background(), dir, []string{"server.env.2026-11-25"}, nil)
	if !errors.Is(err, ErrCredentials) || !strings.Contains(err.Error(), "s3://"+bucket) || !strings.Contains(err.Error(), "AWS_SECRET_ACCESS_KEY") {
		t.Fatalf("Sync error = %v, want ErrCredentials naming the bucket and the fix", err)
	}
	_ = c
}

func TestNoCredentials(t *testing.T) {
	s := server(t)
	bucket := s.Bucket(t)
	newClient(t, s, bucket, nil)
	t.Setenv("AWS_ACCESS_KEY_ID", "")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "")
	_, err := New(context.Background(), Config{URL: "s3://" + bucket, Endpoint: s.Endpoint, PathStyle: true, RetryFor: time.Millisecond}, slog.New(slog.DiscardHandler))
	if !errors.Is(err, ErrCredentials) || !strings.Contains(err.Error(), "no credentials") || !strings.Contains(err.Error(), bucket) {
		t.Fatalf("New error = %v, want ErrCredentials saying none were found for the bucket", err)
	}
	t.Log(err)
}

func TestMissingBucket(t *testing.T) {
	s := server(t)
	c := newClient(t, s, "no-such-bucket-here", nil)
	dir := t.TempDir()
	backupFile(t, dir, "server.env.2026-11-25", []byte("X=1\n"))
	_, err := c.Sync(context.Background(), dir, []string{"server.env.2026-11-25"}, nil)
	if !errors.Is(err, ErrNoBucket) && !errors.Is(err, ErrCredentials) {
		t.Fatalf("Sync error = %v, want ErrNoBucket", err)
	}
	if !strings.Contains(err.Error(), "no-such-bucket-here") {
		t.Errorf("error %q does not name the bucket", err)
	}
}

func TestServerStoppedMidUploadThenNextRunCompletes(t *testing.T) {
	s := s3test.New(t)
	bucket := s.Bucket(t)
	c := newClient(t, s, bucket, nil)
	dir := t.TempDir()
	backupFile(t, dir, "output-2026-11-25.tar.gz", random(t, 16<<20))
	backupFile(t, dir, "server.env.2026-11-25", []byte("X=1\n"))
	names, _ := catalog.ListDir(dir)
	ctx := context.Background()

	var once sync.Once
	var read int64
	_, err := c.Sync(ctx, dir, names, func(name string, n int64) {
		read += n
		if name == "output-2026-11-25.tar.gz" && read > 6<<20 {
			once.Do(s.Stop)
		}
	})
	if !errors.Is(err, ErrUnreachable) || !strings.Contains(err.Error(), "output-2026-11-25.tar.gz") {
		t.Fatalf("Sync error = %v, want ErrUnreachable naming the archive", err)
	}
	t.Log(err)
	for _, n := range names {
		if _, err := os.Stat(filepath.Join(dir, n)); err != nil {
			t.Errorf("local backup %s gone after a failed upload: %v", n, err)
		}
	}

	if err := s.Restart(); err != nil {
		t.Fatal(err)
	}
	res, err := c.Sync(ctx, dir, names, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(res.Uploaded, "output-2026-11-25.tar.gz") || !slices.Contains(res.Uploaded, "output-2026-11-25.tar.gz.sha256") {
		t.Errorf("second run uploaded %v, want the archive and its sidecar", res.Uploaded)
	}
	listed, _ := c.List(ctx)
	slices.Sort(listed)
	slices.Sort(names)
	if !slices.Equal(listed, names) {
		t.Errorf("bucket holds %v after the second run, want %v", listed, names)
	}
}

func TestDelete(t *testing.T) {
	s := server(t)
	bucket := s.Bucket(t)
	c := newClient(t, s, bucket, nil)
	dir := t.TempDir()
	backupFile(t, dir, "a", []byte("a"))
	backupFile(t, dir, "b", []byte("b"))
	names, _ := catalog.ListDir(dir)
	ctx := context.Background()
	if _, err := c.Sync(ctx, dir, names, nil); err != nil {
		t.Fatal(err)
	}
	if err := c.Delete(ctx, []string{"a", "a.sha256"}); err != nil {
		t.Fatal(err)
	}
	listed, _ := c.List(ctx)
	slices.Sort(listed)
	if !slices.Equal(listed, []string{"b", "b.sha256"}) {
		t.Errorf("after delete bucket holds %v", listed)
	}
}

// recorder keeps the headers of every request the SDK sends.
type recorder struct {
	mu      sync.Mutex
	headers []http.Header
	methods []string
}

func (r *recorder) Do(req *http.Request) (*http.Response, error) {
	r.mu.Lock()
	h := req.Header.Clone()
	if req.Trailer != nil {
		for k := range req.Trailer {
			h.Add("X-Test-Trailer", k)
		}
	}
	r.headers = append(r.headers, h)
	r.methods = append(r.methods, req.Method)
	r.mu.Unlock()
	return http.DefaultClient.Do(req)
}

// TestChecksumSettings checks that the client sends only the SHA-256
// checksums it means to send, and no default CRC32 that S3-compatible
// servers may reject, on single-part and multipart uploads.
func TestChecksumSettings(t *testing.T) {
	s := server(t)
	bucket := s.Bucket(t)
	rec := &recorder{}
	c := newClient(t, s, bucket, func(cfg *Config) { cfg.HTTPClient = rec })
	o := c.S3.Options()
	if o.RequestChecksumCalculation != aws.RequestChecksumCalculationWhenRequired || o.ResponseChecksumValidation != aws.ResponseChecksumValidationWhenRequired {
		t.Fatalf("checksum settings = %v/%v, want when-required for both", o.RequestChecksumCalculation, o.ResponseChecksumValidation)
	}
	dir := t.TempDir()
	backupFile(t, dir, "small", []byte("small"))
	backupFile(t, dir, "large", random(t, 6<<20))
	if _, err := c.Sync(context.Background(), dir, []string{"small", "large"}, nil); err != nil {
		t.Fatal(err)
	}
	puts, sha := 0, 0
	for i, h := range rec.headers {
		if rec.methods[i] != http.MethodPut {
			continue
		}
		puts++
		for k := range h {
			lk := strings.ToLower(k)
			if strings.Contains(lk, "crc32") || strings.Contains(lk, "crc64") || strings.EqualFold(h.Get("X-Amz-Sdk-Checksum-Algorithm"), "CRC32") {
				t.Errorf("request %d sends %s: a checksum the client did not ask for", i, k)
			}
		}
		if h.Get("X-Amz-Checksum-Sha256") != "" || strings.Contains(strings.ToLower(h.Get("X-Amz-Trailer")), "sha256") || strings.EqualFold(h.Get("X-Amz-Sdk-Checksum-Algorithm"), "SHA256") {
			sha++
		}
	}
	if puts < 3 || sha != puts {
		t.Errorf("%d of %d PUT requests carried a SHA-256 checksum, want all (at least 3)", sha, puts)
	}
}

func TestRetrySchedule(t *testing.T) {
	for _, total := range []time.Duration{time.Millisecond, time.Second, DefaultRetryFor, 10 * time.Minute} {
		s := retrySchedule(total)
		var sum time.Duration
		for i, d := range s {
			sum += d
			if d > maxRetryDelay || (i > 0 && d > 2*s[i-1] && d != s[len(s)-1]) {
				t.Errorf("total %v: wait %d is %v in %v", total, i, d, s)
			}
			for range 20 {
				got, _ := s.BackoffDelay(i+1, nil)
				if got > d || got < d*3/4 {
					t.Fatalf("total %v: retry %d waited %v, want %v less at most a quarter", total, i+1, got, d)
				}
			}
		}
		if sum != total {
			t.Errorf("total %v: the waits add up to %v (%v)", total, sum, s)
		}
	}
	if s := retrySchedule(DefaultRetryFor); s[0] != firstRetryDelay || len(s) < 8 {
		t.Errorf("default schedule %v: want it to start at %v and allow a restart of tens of seconds", s, firstRetryDelay)
	}
}

// countingClient counts the requests the SDK sends.
type countingClient struct {
	n atomic.Int64
	c *http.Client
}

func (c *countingClient) Do(r *http.Request) (*http.Response, error) {
	c.n.Add(1)
	return c.c.Do(r)
}

// Against an endpoint that never answers, a request is tried exactly as
// often as the schedule for RetryFor allows, then fails as unreachable.
func TestRetryIsBounded(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	dead := "http://" + l.Addr().String()
	l.Close()
	setEnv(t, []string{"AWS_ACCESS_KEY_ID=a", "AWS_SECRET_ACCESS_KEY=b", "AWS_REGION=us-east-1", "AWS_EC2_METADATA_DISABLED=true"})
	hc := &countingClient{c: &http.Client{}}
	c, err := New(context.Background(), Config{URL: "s3://b/p", Endpoint: dead, PathStyle: true, RetryFor: time.Second, HTTPClient: hc}, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	err = c.Probe(context.Background())
	if !errors.Is(err, ErrUnreachable) {
		t.Fatalf("Probe error = %v, want ErrUnreachable", err)
	}
	if want := int64(len(retrySchedule(time.Second)) + 1); hc.n.Load() != want {
		t.Errorf("%d requests sent, want %d", hc.n.Load(), want)
	}
}

// A server that restarts within the retry window is waited for: the sync
// that was under way when it went away completes.
func TestRetryOutlastsARestart(t *testing.T) {
	s := s3test.New(t)
	bucket := s.Bucket(t)
	c := newClient(t, s, bucket, func(cfg *Config) { cfg.RetryFor = 30 * time.Second })
	dir := t.TempDir()
	backupFile(t, dir, "server.env.2026-11-25", []byte("X=1\n"))
	s.Stop()
	restarted := make(chan error, 1)
	go func() {
		time.Sleep(3 * time.Second)
		restarted <- s.Restart()
	}()
	res, err := c.Sync(context.Background(), dir, []string{"server.env.2026-11-25"}, nil)
	if rerr := <-restarted; rerr != nil {
		t.Fatal(rerr)
	}
	if err != nil || len(res.Uploaded) != 1 {
		t.Fatalf("Sync across a 3 s restart: uploaded %v, err %v", res.Uploaded, err)
	}
}
