// Package s3test runs a real S3 server on loopback for tests: versitygw
// (Apache-2.0) with its POSIX backend in a temporary folder.
//
// The gateway runs as a separate process, not inside the test binary:
// versitygw supports one gateway per process and its POSIX backend changes
// the process's working folder, and a separate process is also what lets a
// test kill the server in the middle of an upload and start it again on the
// same port and folder.
//
// The versitygw binary comes from $VERSITYGW when set (the Makefile builds it
// into .cache/tools); otherwise Binary builds the pinned Version from the Go
// module proxy into the user cache folder once, under a file lock, so plain
// `go test ./...` works on a fresh machine.
package s3test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// Version is the versitygw release the tests run against.
const Version = "v1.8.0"

// Package is the versitygw command's import path.
const Package = "github.com/versity/versitygw/cmd/versitygw"

// Credentials and region of the gateway's root account.
const (
	AccessKey = "dsops-test-access"
	SecretKey = "dsops-test-secret-0123456789"
	Region    = "us-east-1"
)

// Binary returns the path of a versitygw binary, building it if needed.
func Binary() (string, error) {
	if p := os.Getenv("VERSITYGW"); p != "" {
		if _, err := os.Stat(p); err != nil {
			return "", fmt.Errorf("VERSITYGW=%s: %w (run `make tools` or unset VERSITYGW to build it automatically)", p, err)
		}
		return p, nil
	}
	cache, err := os.UserCacheDir()
	if err != nil {
		return "", fmt.Errorf("finding a cache folder for versitygw: %w (set VERSITYGW to a versitygw binary)", err)
	}
	dir := filepath.Join(cache, "datasynth", "versitygw-"+Version)
	bin := filepath.Join(dir, "versitygw")
	if _, err := os.Stat(bin); err == nil {
		return bin, nil
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	lock, err := os.OpenFile(filepath.Join(dir, ".lock"), os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return "", err
	}
	defer lock.Close()
	if err := syscall.Flock(int(lock.Fd()), syscall.LOCK_EX); err != nil {
		return "", err
	}
	defer syscall.Flock(int(lock.Fd()), syscall.LOCK_UN)
	if _, err := os.Stat(bin); err == nil {
		return bin, nil
	}
	goBin, err := exec.LookPath("go")
	if err != nil {
		return "", fmt.Errorf("building versitygw needs the go command on PATH (%v); or set VERSITYGW to a versitygw binary", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, goBin, "install", Package+"@"+Version)
	cmd.Env = append(os.Environ(), "GOBIN="+dir, "GOWORK=off", "GOFLAGS=", "CGO_ENABLED=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("building versitygw %s: %w\n%s", Version, err, out)
	}
	return bin, nil
}

// Server is a running (or stopped) versitygw process.
type Server struct {
	// Endpoint is the server's base URL, http://127.0.0.1:PORT.
	Endpoint string
	// Dir holds the gateway's data, metadata and log.
	Dir  string
	bin  string
	addr string
	cmd  *exec.Cmd
	done chan error
}

// Start launches a gateway on a free loopback port with its data under dir.
func Start(dir string) (*Server, error) {
	bin, err := Binary()
	if err != nil {
		return nil, err
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	addr := l.Addr().String()
	l.Close()
	s := &Server{Endpoint: "http://" + addr, Dir: dir, bin: bin, addr: addr}
	for _, d := range []string{"data", "meta"} {
		if err := os.MkdirAll(filepath.Join(dir, d), 0o755); err != nil {
			return nil, err
		}
	}
	if err := s.Restart(); err != nil {
		return nil, err
	}
	return s, nil
}

// Restart starts a stopped gateway again on the same port and data.
func (s *Server) Restart() error {
	if s.cmd != nil {
		return errors.New("s3test: server is already running")
	}
	logf, err := os.OpenFile(filepath.Join(s.Dir, "versitygw.log"), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return err
	}
	defer logf.Close()
	cmd := exec.Command(s.bin,
		"--port", s.addr,
		"--access", AccessKey, "--secret", SecretKey,
		"--region", Region, "--health", "/health", "--quiet",
		"posix", "--sidecar", filepath.Join(s.Dir, "meta"), filepath.Join(s.Dir, "data"))
	cmd.Stdout, cmd.Stderr = logf, logf
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + s.Dir}
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("starting versitygw: %w", err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	s.cmd, s.done = cmd, done
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case err := <-done:
			s.cmd = nil
			log, _ := os.ReadFile(filepath.Join(s.Dir, "versitygw.log"))
			return fmt.Errorf("versitygw exited at start (%v):\n%s", err, log)
		default:
		}
		resp, err := http.Get(s.Endpoint + "/health")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	s.Stop()
	return fmt.Errorf("versitygw did not answer on %s within 30s", s.Endpoint)
}

// Stop kills the gateway at once, as a crash or power cut would, and waits
// for it to exit. Stopping a stopped server does nothing.
func (s *Server) Stop() {
	if s.cmd == nil {
		return
	}
	s.cmd.Process.Kill()
	<-s.done
	s.cmd = nil
}

// Client returns an S3 client for the gateway with its root credentials.
func (s *Server) Client() *s3.Client {
	return s3.New(s3.Options{
		BaseEndpoint: aws.String(s.Endpoint),
		Region:       Region,
		UsePathStyle: true,
		Credentials:  credentials.NewStaticCredentialsProvider(AccessKey, SecretKey, ""),
	})
}

// CreateBucket creates a bucket.
func (s *Server) CreateBucket(ctx context.Context, name string) error {
	_, err := s.Client().CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(name)})
	if err != nil {
		return fmt.Errorf("creating bucket %s: %w", name, err)
	}
	return nil
}

// Env returns the environment a client needs to reach the gateway through
// the standard AWS credential chain.
func (s *Server) Env() []string {
	return []string{
		"AWS_ACCESS_KEY_ID=" + AccessKey,
		"AWS_SECRET_ACCESS_KEY=" + SecretKey,
		"AWS_REGION=" + Region,
		"AWS_EC2_METADATA_DISABLED=true",
	}
}

// New starts a gateway for the test in a temporary folder, stopped at the
// end of the test.
func New(tb testing.TB) *Server {
	tb.Helper()
	s, err := Start(tb.TempDir())
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(s.Stop)
	return s
}

// Bucket creates a bucket named after the test, so each test has its own.
func (s *Server) Bucket(tb testing.TB) string {
	tb.Helper()
	name := strings.ToLower(tb.Name())
	name = strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			return r
		}
		return '-'
	}, name)
	if len(name) > 50 {
		sum := sha256.Sum256([]byte(name))
		name = name[:40] + "-" + hex.EncodeToString(sum[:4])
	}
	// The sequence number keeps names unique when a test runs more than
	// once against the same gateway (go test -count=N).
	name = strings.Trim("t-"+name, "-") + fmt.Sprintf("-%d", bucketSeq.Add(1))
	if err := s.CreateBucket(context.Background(), name); err != nil {
		tb.Fatal(err)
	}
	return name
}

var bucketSeq atomic.Int64

var (
	sharedOnce sync.Once
	shared     *Server
	sharedErr  error
)

// Shared returns one gateway for all tests of a package, started on first
// use; each test should still take its own bucket. A package using it runs
// its tests through Main, which stops the gateway at the end. Tests that
// stop or restart a server start their own with New.
func Shared(tb testing.TB) *Server {
	tb.Helper()
	sharedOnce.Do(func() {
		dir, err := os.MkdirTemp("", "s3test-gw-")
		if err != nil {
			sharedErr = err
			return
		}
		shared, sharedErr = Start(dir)
	})
	if sharedErr != nil {
		tb.Fatal(sharedErr)
	}
	return shared
}

// Main runs a package's tests and then stops the Shared gateway:
//
//	func TestMain(m *testing.M) { s3test.Main(m) }
//
// It also sets AWS_EC2_METADATA_DISABLED=true for the whole package, so
// that no test, even one that finds no credentials, makes the AWS SDK ask
// the instance metadata address beyond loopback.
func Main(m *testing.M) {
	os.Setenv("AWS_EC2_METADATA_DISABLED", "true")
	code := m.Run()
	if shared != nil {
		shared.Stop()
		os.RemoveAll(shared.Dir)
	}
	os.Exit(code)
}
