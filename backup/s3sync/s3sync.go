// Package s3sync copies backup files to S3 and back, and applies retention
// there.
//
// A file is uploaded only when the object under the same name is missing or
// its SHA-256 differs. The SHA-256 of the whole file is stored in the
// object's metadata (x-amz-meta-sha256), because an S3 ETag is not a content
// hash for multipart or encrypted objects and is never used here. Each
// upload also carries S3's own SHA-256 checksum: the full-object checksum
// for single-part uploads, per-part checksums (combined by S3 into a
// composite checksum) for multipart uploads. After each upload the object's
// checksum, size and metadata are read back with HeadObject and compared with
// what was computed locally while the file was read, so a file damaged on
// the way, or a local file that no longer matches its sidecar, fails the
// run.
//
// The client sets RequestChecksumCalculation and ResponseChecksumValidation
// to "when required": the SDK then adds no checksum of its own (a CRC32
// trailer by default, which several S3-compatible servers reject), and the
// explicit SHA-256 checksums above are the only ones sent. Transient errors
// (a refused connection, a 5xx, a timeout) are retried by the SDK's standard
// retryer, with a backoff that doubles from half a second to 15 seconds and
// as many attempts as it takes for the waits to add up to Config.RetryFor:
// long enough for an S3 server to restart, and a bound on how long a run
// keeps trying an endpoint that is really gone.
package s3sync

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/ratelimit"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/feature/s3/transfermanager"
	tmtypes "github.com/aws/aws-sdk-go-v2/feature/s3/transfermanager/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/smithy-go/logging"

	"datasynth.dev/verify"
)

// MetadataKey is the user metadata key holding the hex SHA-256 of the whole
// object (sent as x-amz-meta-sha256).
const MetadataKey = "sha256"

// Defaults for Config fields left zero.
const (
	DefaultPartSize    = 16 << 20
	DefaultConcurrency = 4
	// DefaultRetryFor covers a restart of an S3-compatible server or a
	// load balancer's failover, which take tens of seconds.
	DefaultRetryFor = 90 * time.Second
	minPartSize     = 5 << 20
	maxParts        = 10000
)

// Config says where backups go and how to reach it.
type Config struct {
	// URL is s3://bucket or s3://bucket/prefix.
	URL string
	// Endpoint is the base URL of an S3-compatible server; empty means AWS.
	Endpoint string
	// Region defaults to the AWS configuration chain's region, then
	// us-east-1.
	Region string
	// PathStyle addresses buckets as ENDPOINT/bucket rather than
	// bucket.ENDPOINT, as most S3-compatible servers need.
	PathStyle bool
	// PartSize is the multipart part size in bytes (at least 5 MiB).
	PartSize int64
	// Concurrency is the number of parts uploaded at once.
	Concurrency int
	// RetryFor bounds how long a failing request is retried: the waits
	// between attempts add up to at most this (DefaultRetryFor if zero).
	RetryFor time.Duration
	// HTTPClient replaces the SDK's HTTP client (tests record requests).
	HTTPClient aws.HTTPClient
}

// Backoff bounds of the retry schedule.
const (
	firstRetryDelay = 500 * time.Millisecond
	maxRetryDelay   = 15 * time.Second
)

// schedule is the wait before each retry, in order; it implements the SDK's
// retry.BackoffDelayer.
type schedule []time.Duration

// retrySchedule doubles the wait from firstRetryDelay up to maxRetryDelay
// until the waits add up to total; the last is cut to fit.
func retrySchedule(total time.Duration) schedule {
	var s schedule
	var sum time.Duration
	for d := firstRetryDelay; sum < total; d = min(2*d, maxRetryDelay) {
		w := min(d, total-sum)
		s = append(s, w)
		sum += w
	}
	return s
}

// BackoffDelay returns the wait before retry number attempt (from 1), less
// up to a quarter at random so that clients that failed together do not
// retry together. The waits never add up to more than the schedule's total.
func (s schedule) BackoffDelay(attempt int, _ error) (time.Duration, error) {
	d := s[min(max(attempt, 1), len(s))-1]
	return d - time.Duration(rand.Int64N(int64(d/4)+1)), nil
}

// Location is a parsed s3:// URL.
type Location struct {
	Bucket string
	Prefix string // empty or ending in "/"
}

// String returns the location as an s3:// URL.
func (l Location) String() string { return "s3://" + l.Bucket + "/" + l.Prefix }

// URL returns the s3:// URL of the object name under the location.
func (l Location) URL(name string) string { return l.String() + name }

// ParseURL reads s3://bucket[/prefix].
func ParseURL(s string) (Location, error) {
	u, err := url.Parse(s)
	if err != nil || u.Scheme != "s3" || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
		return Location{}, fmt.Errorf("--s3 %q: want s3://bucket or s3://bucket/prefix", s)
	}
	prefix := strings.Trim(u.Path, "/")
	if prefix != "" {
		prefix += "/"
	}
	return Location{Bucket: u.Host, Prefix: prefix}, nil
}

// Client talks to one bucket prefix.
type Client struct {
	S3       *s3.Client
	Loc      Location
	tm       *transfermanager.Client
	log      *slog.Logger
	partSize int64
	conc     int
	endpoint string
}

// New builds a client from cfg and the standard AWS configuration chain
// (environment, shared files, instance roles).
func New(ctx context.Context, cfg Config, log *slog.Logger) (*Client, error) {
	loc, err := ParseURL(cfg.URL)
	if err != nil {
		return nil, err
	}
	if cfg.PartSize == 0 {
		cfg.PartSize = DefaultPartSize
	}
	if cfg.PartSize < minPartSize {
		return nil, fmt.Errorf("part size %d bytes is below S3's minimum of 5 MiB", cfg.PartSize)
	}
	if cfg.Concurrency <= 0 {
		cfg.Concurrency = DefaultConcurrency
	}
	if cfg.RetryFor <= 0 {
		cfg.RetryFor = DefaultRetryFor
	}
	if cfg.Endpoint != "" {
		if u, err := url.Parse(cfg.Endpoint); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return nil, fmt.Errorf("--s3-endpoint %q: want a URL such as https://s3.example.com:9000", cfg.Endpoint)
		}
	}
	opts := []func(*config.LoadOptions) error{
		config.WithRetryer(func() aws.Retryer {
			delays := retrySchedule(cfg.RetryFor)
			return retry.NewStandard(func(o *retry.StandardOptions) {
				o.MaxAttempts = len(delays) + 1
				o.Backoff = delays
				// A backup run makes few requests; the client-side retry
				// quota would only stop retries that the backoff allows.
				o.RateLimiter = ratelimit.None
			})
		}),
		config.WithRequestChecksumCalculation(aws.RequestChecksumCalculationWhenRequired),
		config.WithResponseChecksumValidation(aws.ResponseChecksumValidationWhenRequired),
	}
	if cfg.Region != "" {
		opts = append(opts, config.WithRegion(cfg.Region))
	}
	opts = append(opts, config.WithLogger(logging.LoggerFunc(func(c logging.Classification, format string, v ...any) {
		log.Debug(fmt.Sprintf(format, v...), "source", "aws-sdk", "class", string(c))
	})))
	awsCfg, err := config.LoadDefaultConfig(ctx, opts...)
	if err != nil {
		return nil, fmt.Errorf("loading AWS configuration: %w (check AWS_PROFILE and ~/.aws/config)", err)
	}
	if awsCfg.Region == "" {
		awsCfg.Region = "us-east-1"
	}
	if _, err := awsCfg.Credentials.Retrieve(ctx); err != nil {
		return nil, fmt.Errorf("%s: %w: no credentials found (%v); set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, AWS_PROFILE, or run with an instance role", loc, ErrCredentials, err)
	}
	client := s3.NewFromConfig(awsCfg, func(o *s3.Options) {
		if cfg.Endpoint != "" {
			o.BaseEndpoint = aws.String(cfg.Endpoint)
		}
		o.UsePathStyle = cfg.PathStyle
		if cfg.HTTPClient != nil {
			o.HTTPClient = cfg.HTTPClient
		}
	})
	tm := transfermanager.New(client, func(o *transfermanager.Options) {
		o.PartSizeBytes = cfg.PartSize
		o.MultipartUploadThreshold = cfg.PartSize
		o.Concurrency = cfg.Concurrency
		o.RequestChecksumCalculation = aws.RequestChecksumCalculationWhenRequired
		o.FailTimeout = 30 * time.Second
	})
	endpoint := cfg.Endpoint
	if endpoint == "" {
		endpoint = "AWS S3 (" + awsCfg.Region + ")"
	}
	return &Client{S3: client, Loc: loc, tm: tm, log: log, partSize: cfg.PartSize, conc: cfg.Concurrency, endpoint: endpoint}, nil
}

// Probe lists the prefix once, so that wrong credentials, a missing bucket
// or an unreachable endpoint are found before anything is written.
func (c *Client) Probe(ctx context.Context) error {
	_, err := c.S3.ListObjectsV2(ctx, &s3.ListObjectsV2Input{
		Bucket: aws.String(c.Loc.Bucket), Prefix: aws.String(c.Loc.Prefix), MaxKeys: aws.Int32(1),
	})
	if err != nil {
		return c.explain("checking access to", "", err)
	}
	return nil
}

// Key returns the object key for a backup file name.
func (c *Client) Key(name string) string { return c.Loc.Prefix + name }

// Object is what HeadObject tells about a stored backup file.
type Object struct {
	Exists bool
	Size   int64
	SHA256 string // hex, from metadata; empty if the object has none
}

// Stat looks up the object for name.
func (c *Client) Stat(ctx context.Context, name string) (Object, error) {
	out, err := c.S3.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String(c.Loc.Bucket), Key: aws.String(c.Key(name))})
	if err != nil {
		var nf *types.NotFound
		if errors.As(err, &nf) {
			return Object{}, nil
		}
		return Object{}, c.explain("checking", name, err)
	}
	return Object{Exists: true, Size: aws.ToInt64(out.ContentLength), SHA256: out.Metadata[MetadataKey]}, nil
}

// Upload copies the local file to name. sum is the file's expected hex
// SHA-256 (from its sidecar); the file is hashed again while it is read and
// the upload fails if the two differ. progress, if set, receives the number
// of bytes read since its previous call.
func (c *Client) Upload(ctx context.Context, file, name, sum string, progress func(int64)) error {
	f, err := os.Open(file)
	if err != nil {
		return err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return err
	}
	size := fi.Size()
	partSize := c.partSize
	if size/partSize >= maxParts {
		partSize = size/maxParts + 1
	}
	raw, err := hex.DecodeString(sum)
	if err != nil || len(raw) != sha256.Size {
		return fmt.Errorf("%s: %q is not a SHA-256 hex digest", file, sum)
	}
	body := newPartHasher(f, partSize, progress)
	in := &transfermanager.UploadObjectInput{
		Bucket:            aws.String(c.Loc.Bucket),
		Key:               aws.String(c.Key(name)),
		Body:              body,
		ContentLength:     aws.Int64(size),
		ContentType:       aws.String(contentType(name)),
		Metadata:          map[string]string{MetadataKey: sum},
		ChecksumAlgorithm: tmtypes.ChecksumAlgorithmSha256,
	}
	multipart := size >= partSize
	if !multipart {
		// A file this small is hashed before it is sent: the server checks
		// the checksum sent with it and would refuse a damaged file with an
		// error that does not say the local copy is to blame.
		if got, _, err := verify.HashFile(file); err != nil {
			return err
		} else if got != sum {
			return fmt.Errorf("%s: %w: its SHA-256 is %s but its sidecar says %s", file, ErrLocalDamaged, got, sum)
		}
		in.ChecksumSHA256 = aws.String(base64.StdEncoding.EncodeToString(raw))
	}
	c.log.Debug("uploading", "file", file, "to", c.Loc.URL(name), "bytes", size, "multipart", multipart)
	if _, err := c.tm.UploadObject(ctx, in, func(o *transfermanager.Options) { o.PartSizeBytes = partSize }); err != nil {
		return c.explain("uploading", name, err)
	}
	local := body.sum()
	if local != sum {
		c.delete(ctx, name)
		return fmt.Errorf("%s: %w: its SHA-256 is %s but its sidecar says %s; the upload was removed", file, ErrLocalDamaged, local, sum)
	}
	return c.check(ctx, name, size, sum, body.checksum(multipart))
}

// ErrMismatch marks an object or file whose checksum is not the expected one.
var ErrMismatch = errors.New("checksum mismatch")

// ErrLocalDamaged marks a local backup file that no longer matches its
// sidecar: it is damaged on this machine, and is never uploaded.
var ErrLocalDamaged = fmt.Errorf("%w: the local backup is damaged", ErrMismatch)

// check reads the object's checksum back and compares it with the one
// computed locally.
func (c *Client) check(ctx context.Context, name string, size int64, sum, checksum string) error {
	out, err := c.S3.HeadObject(ctx, &s3.HeadObjectInput{
		Bucket:       aws.String(c.Loc.Bucket),
		Key:          aws.String(c.Key(name)),
		ChecksumMode: types.ChecksumModeEnabled,
	})
	if err != nil {
		return c.explain("checking the upload of", name, err)
	}
	url := c.Loc.URL(name)
	switch {
	case aws.ToInt64(out.ContentLength) != size:
		return fmt.Errorf("%s: %w: stored %d bytes, uploaded %d; run the backup again", url, ErrMismatch, aws.ToInt64(out.ContentLength), size)
	case out.Metadata[MetadataKey] != sum:
		return fmt.Errorf("%s: %w: stored metadata sha256=%q, want %s; the server dropped user metadata", url, ErrMismatch, out.Metadata[MetadataKey], sum)
	}
	got := aws.ToString(out.ChecksumSHA256)
	if got == "" {
		c.log.Warn("server returned no SHA-256 checksum; relying on size and metadata", "object", url)
		return nil
	}
	if !sameChecksum(got, checksum) {
		return fmt.Errorf("%s: %w: server's SHA-256 checksum is %s, computed %s; run the backup again", url, ErrMismatch, got, checksum)
	}
	return nil
}

// sameChecksum compares S3 checksums, allowing a server to omit the "-N"
// part count of a composite checksum.
func sameChecksum(got, want string) bool {
	if got == want {
		return true
	}
	g, _, _ := strings.Cut(got, "-")
	w, _, _ := strings.Cut(want, "-")
	return g == w && (!strings.Contains(got, "-") || !strings.Contains(want, "-"))
}

// Download writes the object name to the file dst (created with perm) and
// returns the hex SHA-256 recorded in its metadata, if any.
func (c *Client) Download(ctx context.Context, name string, dst *os.File) (string, error) {
	out, err := c.tm.DownloadObject(ctx, &transfermanager.DownloadObjectInput{
		Bucket:   aws.String(c.Loc.Bucket),
		Key:      aws.String(c.Key(name)),
		WriterAt: dst,
	})
	if err != nil {
		return "", c.explain("downloading", name, err)
	}
	return out.Metadata[MetadataKey], nil
}

// Hash reads the object name whole and returns its hex SHA-256 and size.
func (c *Client) Hash(ctx context.Context, name string) (string, int64, error) {
	out, err := c.S3.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(c.Loc.Bucket), Key: aws.String(c.Key(name))})
	if err != nil {
		return "", 0, c.explain("reading", name, err)
	}
	defer out.Body.Close()
	h := sha256.New()
	n, err := io.Copy(h, out.Body)
	if err != nil {
		return "", n, fmt.Errorf("reading %s: %w", c.Loc.URL(name), err)
	}
	return hex.EncodeToString(h.Sum(nil)), n, nil
}

// ReadSmall returns the content of the object name, which must be at most
// limit bytes (a sidecar, say).
func (c *Client) ReadSmall(ctx context.Context, name string, limit int64) ([]byte, error) {
	out, err := c.S3.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(c.Loc.Bucket), Key: aws.String(c.Key(name))})
	if err != nil {
		return nil, c.explain("reading", name, err)
	}
	defer out.Body.Close()
	data, err := io.ReadAll(io.LimitReader(out.Body, limit+1))
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", c.Loc.URL(name), err)
	}
	if int64(len(data)) > limit {
		return nil, fmt.Errorf("%s is larger than %d bytes", c.Loc.URL(name), limit)
	}
	return data, nil
}

// List returns the names of the objects directly under the prefix.
func (c *Client) List(ctx context.Context) ([]string, error) {
	var names []string
	p := s3.NewListObjectsV2Paginator(c.S3, &s3.ListObjectsV2Input{
		Bucket:    aws.String(c.Loc.Bucket),
		Prefix:    aws.String(c.Loc.Prefix),
		Delimiter: aws.String("/"),
	})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, c.explain("listing", "", err)
		}
		for _, o := range page.Contents {
			names = append(names, strings.TrimPrefix(aws.ToString(o.Key), c.Loc.Prefix))
		}
	}
	return names, nil
}

// Delete removes the objects for names.
func (c *Client) Delete(ctx context.Context, names []string) error {
	for len(names) > 0 {
		n := min(len(names), 1000)
		var ids []types.ObjectIdentifier
		for _, name := range names[:n] {
			ids = append(ids, types.ObjectIdentifier{Key: aws.String(c.Key(name))})
		}
		out, err := c.S3.DeleteObjects(ctx, &s3.DeleteObjectsInput{
			Bucket: aws.String(c.Loc.Bucket),
			Delete: &types.Delete{Objects: ids, Quiet: aws.Bool(true)},
		})
		if err != nil {
			return c.explain("deleting from", "", err)
		}
		if len(out.Errors) > 0 {
			e := out.Errors[0]
			return fmt.Errorf("deleting %s: %s: %s (%d objects not deleted)", c.Loc.URL(strings.TrimPrefix(aws.ToString(e.Key), c.Loc.Prefix)), aws.ToString(e.Code), aws.ToString(e.Message), len(out.Errors))
		}
		names = names[n:]
	}
	return nil
}

func (c *Client) delete(ctx context.Context, name string) {
	if err := c.Delete(ctx, []string{name}); err != nil {
		c.log.Warn("could not remove a bad upload", "object", c.Loc.URL(name), "err", err)
	}
}

func contentType(name string) string {
	switch {
	case strings.HasSuffix(name, ".tar.gz"):
		return "application/gzip"
	case strings.HasSuffix(name, ".sha256"):
		return "text/plain; charset=utf-8"
	}
	return "application/octet-stream"
}

// partHasher hashes a stream as a whole and in parts of partSize, which is
// how S3 computes the composite checksum of a multipart upload.
type partHasher struct {
	r        io.Reader
	progress func(int64)
	partSize int64
	inPart   int64
	whole    hash.Hash
	part     hash.Hash
	parts    []byte
}

func newPartHasher(r io.Reader, partSize int64, progress func(int64)) *partHasher {
	return &partHasher{r: r, progress: progress, partSize: partSize, whole: sha256.New(), part: sha256.New()}
}

func (p *partHasher) Read(b []byte) (int, error) {
	n, err := p.r.Read(b)
	data := b[:n]
	p.whole.Write(data)
	for len(data) > 0 {
		k := min(int64(len(data)), p.partSize-p.inPart)
		p.part.Write(data[:k])
		p.inPart += k
		data = data[k:]
		if p.inPart == p.partSize {
			p.parts = p.part.Sum(p.parts)
			p.part.Reset()
			p.inPart = 0
		}
	}
	if n > 0 && p.progress != nil {
		p.progress(int64(n))
	}
	return n, err
}

func (p *partHasher) sum() string { return hex.EncodeToString(p.whole.Sum(nil)) }

// checksum returns the value S3 reports in x-amz-checksum-sha256: the
// base64 SHA-256 of the object, or for a multipart upload the base64
// SHA-256 of the concatenated part digests followed by "-" and the part
// count.
func (p *partHasher) checksum(multipart bool) string {
	if !multipart {
		return base64.StdEncoding.EncodeToString(p.whole.Sum(nil))
	}
	parts := p.parts
	if p.inPart > 0 {
		parts = p.part.Sum(append([]byte(nil), parts...))
	}
	n := len(parts) / sha256.Size
	h := sha256.Sum256(parts)
	return fmt.Sprintf("%s-%d", base64.StdEncoding.EncodeToString(h[:]), n)
}
