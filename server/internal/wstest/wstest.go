// Package wstest is a WebSocket client for the server's tests: it reads
// messages in the background (a read with a deadline would close a
// coder/websocket connection) and waits on them with a timeout that
// guards against a hang.
package wstest

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
)

// Client is one connection.
type Client struct {
	Conn *websocket.Conn
	// Msgs receives the messages; it is closed when the stream ends.
	Msgs chan []byte
	err  chan error
}

// Dial opens url (http:// or https://) with header as name, value pairs.
// The error and response are those of the handshake.
func Dial(t *testing.T, url string, header ...string) (*Client, *http.Response, error) {
	t.Helper()
	h := http.Header{}
	for i := 0; i+1 < len(header); i += 2 {
		h.Set(header[i], header[i+1])
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	conn, resp, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(url, "http"), &websocket.DialOptions{HTTPHeader: h})
	if err != nil {
		return nil, resp, err
	}
	conn.SetReadLimit(1 << 20)
	t.Cleanup(func() { _ = conn.CloseNow() })
	return &Client{Conn: conn, Msgs: make(chan []byte, 1<<16), err: make(chan error, 1)}, resp, nil
}

// Run starts the background reader.
func (c *Client) Run() *Client {
	go func() {
		for {
			_, b, err := c.Conn.Read(context.Background())
			if err != nil {
				c.err <- err
				close(c.Msgs)
				return
			}
			c.Msgs <- b
		}
	}()
	return c
}

// guard bounds every wait: long enough for a loaded machine, short enough
// to report a hang.
const guard = 30 * time.Second

// Next returns the next message.
func (c *Client) Next(t *testing.T) []byte {
	t.Helper()
	select {
	case m, ok := <-c.Msgs:
		if !ok {
			t.Fatalf("stream closed: %v", <-c.err)
		}
		return m
	case <-time.After(guard):
		t.Fatalf("no message within %v", guard)
	}
	return nil
}

// Closed waits for the end of the stream and returns its close frame and
// the number of messages read until then.
func (c *Client) Closed(t *testing.T) (websocket.CloseError, int) {
	t.Helper()
	n := 0
	timeout := time.After(guard)
	for {
		select {
		case _, ok := <-c.Msgs:
			if ok {
				n++
				continue
			}
			var ce websocket.CloseError
			err := <-c.err
			if !errors.As(err, &ce) {
				t.Fatalf("stream ended without a close frame: %v", err)
			}
			return ce, n
		case <-timeout:
			t.Fatalf("stream not closed within %v", guard)
		}
	}
}
