package s3sync

import (
	"errors"
	"fmt"
	"net"

	"github.com/aws/aws-sdk-go-v2/aws/retry"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/smithy-go"
)

// Error classes, for errors.Is.
var (
	// ErrCredentials: the server refused the credentials or found none.
	ErrCredentials = errors.New("S3 credentials rejected")
	// ErrNoBucket: the bucket does not exist.
	ErrNoBucket = errors.New("S3 bucket not found")
	// ErrUnreachable: the endpoint could not be reached, retries included.
	ErrUnreachable = errors.New("S3 endpoint unreachable")
)

// explain turns an SDK error into one that says what failed, where, and
// what to do about it. name may be empty for prefix-wide operations.
func (c *Client) explain(verb, name string, err error) error {
	where := c.Loc.URL(name)
	var apiErr smithy.APIError
	var respErr *awshttp.ResponseError
	var opErr *net.OpError
	var maxErr *retry.MaxAttemptsError
	status := 0
	if errors.As(err, &respErr) {
		status = respErr.HTTPStatusCode()
	}
	code := ""
	if errors.As(err, &apiErr) {
		code = apiErr.ErrorCode()
	}
	switch {
	case code == "InvalidAccessKeyId" || code == "SignatureDoesNotMatch" || code == "InvalidToken" || code == "ExpiredToken":
		return fmt.Errorf("%s %s: %w (%s): check AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, AWS_PROFILE or the instance role", verb, where, ErrCredentials, code)
	case code == "AccessDenied" || status == 403:
		// A refused HEAD request has no body, so a wrong secret and a
		// missing permission look the same here.
		return fmt.Errorf("%s %s: %w (403 Forbidden): check AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, AWS_PROFILE or the instance role, and that they may use bucket %q", verb, where, ErrCredentials, c.Loc.Bucket)
	case code == "NoSuchBucket":
		return fmt.Errorf("%s %s: %w: bucket %q does not exist; create it or fix --s3", verb, where, ErrNoBucket, c.Loc.Bucket)
	case errors.As(err, &opErr) || errors.As(err, &maxErr):
		return fmt.Errorf("%s %s: %w: %s did not answer after retries (%v); check --s3-endpoint and that the server is running, then run the backup again", verb, where, ErrUnreachable, c.endpoint, err)
	}
	return fmt.Errorf("%s %s: %w", verb, where, err)
}
