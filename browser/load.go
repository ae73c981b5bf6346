package browser

import (
	"bufio"
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"io"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"

	tea "charm.land/bubbletea/v2"

	"propus/browser/content"
	"propus/client"
	"propus/gemtext"
	"propus/tofu"
)

// loadKey names one load: the tab it is for and the tab's sequence number
// when it started. A message whose key is not the tab's current one is
// stale and dropped.
type loadKey struct {
	tab int
	seq int
}

// headerMsg: the response header arrived. For a text 2x response, stream
// delivers the body; for a download, resp is open and waits for the
// user's choice.
type headerMsg struct {
	key      loadKey
	url      *url.URL
	status   client.Status
	raw      client.Status
	meta     string
	kind     content.Kind
	mime     string
	lang     string
	charset  string
	notice   string // a charset problem, said in the status line
	tls      tls.ConnectionState
	cert     *x509.Certificate
	trust    tofu.Result
	stream   *stream
	resp     *client.Response // downloads only
	identity string
}

// loadErrMsg: the load failed before a header arrived.
type loadErrMsg struct {
	key  loadKey
	url  *url.URL
	err  error
	cert *x509.Certificate // for a *tofu.ChangedError, the certificate refused
}

// chunkMsg: more lines arrived (or the body ended: done).
type chunkMsg struct {
	key       loadKey
	lines     []gemtext.Line
	bytes     int64
	done      bool
	truncated bool
	err       error
}

// stream parses a body in its own goroutine and hands the lines over in
// batches: whatever has arrived when the model asks, so a fast server
// gives few large batches and a slow one each line as it comes.
type stream struct {
	key    loadKey
	mu     sync.Mutex
	lines  []gemtext.Line
	done   bool
	err    error
	trunc  bool
	bytes  atomic.Int64
	notify chan struct{}
}

func newStream(key loadKey) *stream {
	return &stream{key: key, notify: make(chan struct{}, 1)}
}

func (s *stream) signal() {
	select {
	case s.notify <- struct{}{}:
	default:
	}
}

// run parses r into the stream; plain text becomes preformatted lines.
func (s *stream) run(r io.Reader, resp *client.Response, plain bool) {
	var err error
	if plain {
		err = readLines(r, func(line string) { s.add(gemtext.Line{Kind: gemtext.Preformatted, Text: line}) })
	} else {
		err = gemtext.Parse(r, func(l gemtext.Line) error { s.add(l); return nil })
	}
	s.mu.Lock()
	s.done, s.err, s.trunc = true, err, resp.Truncated()
	s.mu.Unlock()
	s.signal()
}

func (s *stream) add(l gemtext.Line) {
	s.mu.Lock()
	s.lines = append(s.lines, l)
	n := len(s.lines)
	s.mu.Unlock()
	if n == 1 {
		s.signal()
	}
}

// next returns a command that waits for the next batch.
func (s *stream) next() tea.Cmd {
	return func() tea.Msg {
		<-s.notify
		s.mu.Lock()
		defer s.mu.Unlock()
		msg := chunkMsg{key: s.key, lines: s.lines, bytes: s.bytes.Load(), done: s.done, truncated: s.trunc, err: s.err}
		s.lines = nil
		return msg
	}
}

// readLines calls fn with each line of r (LF or CRLF ended), for plain
// text, which is shown line by line as it is.
func readLines(r io.Reader, fn func(string)) error {
	br := bufio.NewReaderSize(r, 64<<10)
	for {
		line, err := br.ReadString('\n')
		if line != "" {
			line = strings.TrimSuffix(strings.TrimSuffix(line, "\n"), "\r")
			fn(line)
		}
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
	}
}

// countingReader counts the body bytes read.
type countingReader struct {
	r io.Reader
	n *atomic.Int64
}

func (c countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n.Add(int64(n))
	return n, err
}

// fetchCmd sends a request and returns its headerMsg (or loadErrMsg); a
// text body then streams through the headerMsg's stream.
func (m *Model) fetchCmd(ctx context.Context, key loadKey, u *url.URL) tea.Cmd {
	hosts := m.opts.Hosts
	base := m.opts.Client
	cache := m.sessions
	cred := m.certificateFor(u)
	return func() tea.Msg {
		idName, cert, idErr := cred.load()
		var check trustCheck
		c := requestClient(base, hosts, cache, &check)
		resp, err := c.Do(ctx, &client.Request{URL: u, Certificate: cert})
		if err != nil {
			return loadErrMsg{key: key, url: u, err: err, cert: check.refused}
		}
		h := headerMsg{key: key, url: u, status: resp.Status, raw: resp.RawStatus, meta: resp.Meta,
			tls: resp.TLS, cert: resp.Certificate, trust: check.result, identity: idName}
		if idErr != nil {
			h.notice = idErr.Error()
		}
		if resp.Status.Class() != client.StatusSuccess {
			resp.Body.Close()
			return h
		}
		h.kind, h.mime, h.charset, h.lang = content.Classify(resp.Meta)
		if h.kind == content.Downloadable {
			h.resp = resp
			return h
		}
		body, cerr := content.Decoder(resp.Body, h.charset)
		if cerr != nil {
			h.notice = cerr.Error()
		}
		s := newStream(key)
		go func() {
			defer resp.Body.Close()
			s.run(countingReader{body, &s.bytes}, resp, h.kind == content.PlainText)
		}()
		h.stream = s
		return h
	}
}

// trustCheck is what the certificate check of one request found.
type trustCheck struct {
	result  tofu.Result
	refused *x509.Certificate // the certificate refused as changed, if any
}

// requestClient returns the client for one request: base's settings, the
// shared session cache and, when hosts is not nil, the
// known-hosts check inside the handshake (before a byte of the request
// is sent), which records what it found in check.
func requestClient(base *client.Client, hosts *tofu.Store, cache tls.ClientSessionCache, check *trustCheck) *client.Client {
	c := base.Clone()
	c.SessionCache, c.TrustCertificate = cache, nil
	if hosts != nil {
		c.TrustCertificate = func(addr string, chain []*x509.Certificate) error {
			res, err := hosts.Check(addr, chain)
			if _, ok := errors.AsType[*tofu.SaveError](err); ok {
				err = nil // the pin holds for this run; the store said why it was not saved
			}
			if _, ok := errors.AsType[*tofu.ChangedError](err); ok {
				check.refused = chain[0]
			}
			check.result = res
			return err
		}
	}
	return c
}

// isCanceled reports whether err means the user cancelled the load.
func isCanceled(err error) bool {
	return errors.Is(err, context.Canceled)
}

// schemeOf returns the lower-case scheme of a URL string.
func schemeOf(raw string) string {
	if i := strings.IndexByte(raw, ':'); i > 0 {
		return strings.ToLower(raw[:i])
	}
	return ""
}
