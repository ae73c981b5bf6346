package client

import (
	"bufio"
	"context"
	"crypto/tls"
	"fmt"
	"io"
	"sync"
	"time"
)

// body streams a 2x response body with an idle deadline per read, a size
// cap and close_notify detection.
type body struct {
	ctx     context.Context
	conn    *tls.Conn
	raw     *rawConn
	r       *bufio.Reader
	client  *Client
	address string
	idle    time.Duration
	max     int64 // ≤ 0: no cap
	n       int64
	stop    func() bool

	truncated bool
	err       error
	closeOnce sync.Once
}

func (b *body) Read(p []byte) (int, error) {
	if b.err != nil {
		return 0, b.err
	}
	if b.max > 0 && int64(len(p)) > b.max-b.n+1 {
		p = p[:b.max-b.n+1] // one byte past the cap tells "too large"
	}
	setDeadline(b.ctx, b.conn.SetReadDeadline, time.Now().Add(b.idle))
	n, err := b.r.Read(p)
	b.n += int64(n)
	if b.max > 0 && b.n > b.max {
		n -= int(b.n - b.max)
		b.n = b.max
		b.err = &TooLargeError{Max: b.max}
		b.Close()
		return n, b.err
	}
	switch {
	case err == io.EOF:
		b.truncated = b.raw.eof.Load()
		b.err = io.EOF
		b.Close()
	case err != nil:
		b.err = b.client.wrap(b.ctx, err, fmt.Sprintf("no data from %s for %s", b.address, b.idle), StageBody, b.address, b.n)
		b.Close()
	}
	return n, b.err
}

// Close closes the connection; a Read in progress returns.
func (b *body) Close() error {
	b.closeOnce.Do(func() {
		b.stop()
		b.conn.Close()
	})
	return nil
}

// SetMaxSize changes the body cap of a 2x response to n bytes; n ≤ 0
// removes it, for a download streamed to disk. Call it before reading the
// body, not while another goroutine reads.
func (r *Response) SetMaxSize(n int64) {
	if r.body != nil {
		r.body.max = n
	}
}

// Size returns the number of body bytes read so far.
func (r *Response) Size() int64 {
	if r.body == nil {
		return 0
	}
	return r.body.n
}
