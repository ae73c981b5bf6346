package client

import (
	"bufio"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Upload sends body, exactly size bytes of type mime, to the resource of
// req.URL with Titan, the upload protocol of Gemini space, and returns the
// server's response once its header has arrived: usually a 30 redirect to
// the gemini URL of what was written. Size 0 (with a nil or empty body)
// asks the server to delete the resource.
//
// req.URL is a titan:// URL, or a gemini:// URL that names the same host,
// port and path; any query and any ";parameters" on its path are dropped.
// The request line is the titan URL followed by ";mime=TYPE;size=N" and
// ";token=T" (TYPE and T percent-encoded; an empty mime or token is left
// out, and a server takes text/gemini for a missing mime), then CRLF and
// the body.
//
// The connection is made as Do makes it: the same TLS, the same
// TrustCertificate check inside the handshake on the host:port that a
// gemini request to the host would check (so pins are shared), the same
// identity (req.Certificate) and context. Each write of the body has a
// deadline of IdleTimeout, renewed as bytes go, so a large upload takes
// the time it needs and a stalled one fails with ErrTimeout; HeaderTimeout
// bounds the wait for the header once the body is sent. A server may
// answer before it has read the whole body (a wrong token, a file too
// large): the upload then stops and the answer is returned.
//
// A body shorter than size fails with a *SizeError once it ends, and the
// connection is closed without a response. A body longer than size fails
// with a *SizeError too, and its last byte is held back: the server never
// receives a whole upload. A nil body is an empty one. Upload does not
// close body, and an error of its Read is returned wrapped. The other
// errors are those of Do.
func (c *Client) Upload(ctx context.Context, req *Request, mime string, size int64, token string, body io.Reader) (*Response, error) {
	if ctx == nil {
		panic("client: nil context")
	}
	if req.URL == nil {
		return nil, &URLError{Reason: "URL is required"}
	}
	if !isGemini(req.URL) && !isTitan(req.URL) {
		return nil, &URLError{URL: req.URL.String(), Reason: "not a titan or gemini URL (scheme " + req.URL.Scheme + ")"}
	}
	if size < 0 {
		return nil, fmt.Errorf("client: negative upload size %d", size)
	}
	if body == nil {
		body = strings.NewReader("")
	}
	u, err := Normalize(GeminiURL(TitanURL(req.URL)))
	if err != nil {
		return nil, err
	}
	line := TitanURL(u).String()
	if mime != "" {
		line += ";mime=" + escapeMIME(mime)
	}
	line += ";size=" + strconv.FormatInt(size, 10)
	if token != "" {
		line += ";token=" + escapeInput(token)
	}
	if n := len(line); n > MaxURLLength {
		return nil, &URLError{URL: line, Reason: "longer than " + strconv.Itoa(MaxURLLength) + " bytes with its Titan parameters (" + strconv.Itoa(n) + ")"}
	}
	if size == 0 {
		// Nothing of the body is sent, so a longer one fails here,
		// before anything leaves the machine.
		var b [1]byte
		switch n, err := io.ReadFull(body, b[:]); {
		case n > 0:
			return nil, &SizeError{Size: 0, Sent: 0, Longer: true}
		case err != io.EOF:
			return nil, fmt.Errorf("reading the body to upload: %w", err)
		}
	}
	return c.roundTrip(ctx, req, u, line+"\r\n", &upload{body: body, size: size})
}

// TitanURL returns the titan URL to which the resource of u, a gemini or
// titan URL, is uploaded: scheme titan, the same host, port and path, and
// no query, fragment or Titan parameters (the path from its first ';' on).
func TitanURL(u *url.URL) *url.URL {
	v := *u
	v.Scheme = "titan"
	v.RawQuery, v.ForceQuery = "", false
	v.Fragment, v.RawFragment = "", ""
	stripParams(&v)
	return &v
}

// GeminiURL returns the gemini URL of the resource that the titan URL u
// writes: scheme gemini, the same host, port, path and query, and no
// Titan parameters (the path from its first ';' on).
func GeminiURL(u *url.URL) *url.URL {
	v := *u
	v.Scheme = "gemini"
	stripParams(&v)
	return &v
}

// SizeError reports an upload whose body did not have the size declared
// for it. Shorter: the connection was closed when the body ended, without
// a response. Longer: the upload stopped before the last byte of its
// size, so the server never received a whole one.
type SizeError struct {
	Size   int64 // the size declared, in bytes
	Sent   int64 // the bytes of the body sent
	Longer bool  // whether the body went on past Size (else it ended short)
}

func (e *SizeError) Error() string {
	if e.Longer {
		return fmt.Sprintf("sent %d of %d bytes and stopped: the file is longer than its size", e.Sent, e.Size)
	}
	return fmt.Sprintf("sent %d of %d bytes: the file is shorter than its size", e.Sent, e.Size)
}

func isTitan(u *url.URL) bool { return strings.EqualFold(u.Scheme, "titan") }

// stripParams cuts u's path at its first ';', where Titan parameters
// begin.
func stripParams(u *url.URL) {
	p := u.EscapedPath()
	i := strings.IndexByte(p, ';')
	if i < 0 {
		return
	}
	p = p[:i]
	u.Path, _ = url.PathUnescape(p) // an escaped path unescapes
	u.RawPath = p
}

// escapeMIME percent-encodes a media type as escapeInput does, but keeps
// the '/' between type and subtype as it is.
func escapeMIME(mime string) string {
	parts := strings.Split(mime, "/")
	for i, p := range parts {
		parts[i] = escapeInput(p)
	}
	return strings.Join(parts, "/")
}

// upload is the body of a Titan request and its declared size.
type upload struct {
	body io.Reader
	size int64
}

// errStopped is what a write of an upload returns once the upload is
// stopped: the server answered, or the context is done.
var errStopped = errors.New("upload stopped")

// sendUpload writes line and the body of up to conn and returns the
// response header. A goroutine reads the header meanwhile, so that a
// server that answers before it has read the whole body stops the
// upload.
func (c *Client) sendUpload(ctx context.Context, conn *tls.Conn, raw net.Conn, br *bufio.Reader, address, line string, up *upload) (Status, string, error) {
	type header struct {
		status Status
		meta   string
		err    error
	}
	idle := orDefault(c.IdleTimeout, DefaultIdleTimeout)
	wait := orDefault(c.HeaderTimeout, DefaultHeaderTimeout)
	w := &progressWriter{conn: conn, idle: idle}
	defer context.AfterFunc(ctx, w.stop)()
	answer := make(chan header, 1)
	conn.SetReadDeadline(time.Time{}) // an answer may come at any time; the writes are bounded
	go func() {
		status, meta, err := ReadHeader(br)
		answer <- header{status, meta, err} // before stopping, so that a stopped write finds it
		w.stop()
	}()
	headerErr := func(err error) error {
		return c.wrap(ctx, err, fmt.Sprintf("no response header from %s within %s of the upload", address, wait), StageHeader, address, 0)
	}

	err := w.send(line, up)
	var sizeErr *SizeError
	var readErr *bodyReadError
	switch {
	case errors.As(err, &sizeErr):
		return 0, "", err
	case errors.As(err, &readErr):
		return 0, "", readErr.err
	case err == nil || ctx.Err() == nil && !isTimeout(err) && !errors.Is(err, errStopped):
		// Sent, or the server closed the connection, maybe after it
		// answered: its answer says more than a broken pipe.
		setDeadline(ctx, conn.SetReadDeadline, time.Now().Add(wait))
		h := <-answer
		switch {
		case h.err == nil:
			if err != nil {
				closeWrite(raw)
			}
			return h.status, h.meta, nil
		case err == nil:
			return 0, "", headerErr(h.err)
		}
	default:
		select {
		case h := <-answer: // the write stopped for the answer
			if h.err != nil {
				return 0, "", headerErr(h.err)
			}
			closeWrite(raw)
			return h.status, h.meta, nil
		default:
		}
	}
	return 0, "", c.wrap(ctx, err, fmt.Sprintf("sending the upload to %s made no progress for %s", address, idle), StageRequest, address, 0)
}

// closeWrite ends the sending half of raw after an upload cut short, so
// that closing the TLS connection does not wait to send close_notify
// behind bytes the server no longer reads.
func closeWrite(raw net.Conn) {
	if cw, ok := raw.(interface{ CloseWrite() error }); ok {
		cw.CloseWrite()
	}
}

// progressWriter writes an upload to conn, each piece with a deadline of
// its own, until stop is called. err is the first error of a write.
type progressWriter struct {
	conn *tls.Conn
	idle time.Duration
	err  error

	mu      sync.Mutex
	stopped bool
}

// stop makes the write in progress, if any, and every later one fail.
func (w *progressWriter) stop() {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.stopped = true
	w.conn.SetWriteDeadline(time.Unix(1, 0))
}

// Write writes p in pieces of at most one TLS record, renewing the
// deadline before each.
func (w *progressWriter) Write(p []byte) (int, error) {
	n := 0
	for len(p) > 0 && w.err == nil {
		piece := p[:min(len(p), 16<<10)]
		w.mu.Lock()
		if w.stopped {
			w.err = errStopped
		} else {
			w.conn.SetWriteDeadline(time.Now().Add(w.idle))
		}
		w.mu.Unlock()
		if w.err != nil {
			break
		}
		m, err := w.conn.Write(piece)
		n += m
		p = p[m:]
		w.err = err
	}
	return n, w.err
}

// bodyReadError is a failure to read the body of an upload.
type bodyReadError struct{ err error }

func (e *bodyReadError) Error() string { return e.err.Error() }

// send writes the request line, then the first size-1 bytes of the body,
// and the last one only once the body has ended: a body longer than its
// size is never sent whole. It returns a *SizeError for a body of another
// size, a *bodyReadError when reading the body fails, or the error of a
// write.
func (w *progressWriter) send(line string, up *upload) error {
	if io.WriteString(w, line); w.err != nil || up.size == 0 {
		return w.err
	}
	n, err := io.CopyN(w, up.body, up.size-1)
	switch {
	case w.err != nil:
		return w.err
	case err == io.EOF:
		return &SizeError{Size: up.size, Sent: n}
	case err != nil:
		return &bodyReadError{fmt.Errorf("reading the body to upload: %w", err)}
	}
	var last [2]byte
	switch m, err := io.ReadAtLeast(up.body, last[:], 2); {
	case m == 2:
		return &SizeError{Size: up.size, Sent: n, Longer: true}
	case m == 0 && err == io.EOF:
		return &SizeError{Size: up.size, Sent: n}
	case err != io.ErrUnexpectedEOF:
		return &bodyReadError{fmt.Errorf("reading the body to upload: %w", err)}
	}
	w.Write(last[:1])
	return w.err
}
