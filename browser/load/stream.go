package load

import (
	"bufio"
	"bytes"
	"io"
	"strings"
	"sync"
	"sync/atomic"

	tea "charm.land/bubbletea/v2"

	"propus/client"
	"propus/gemtext"
)

// ChunkMsg: more lines arrived (or the body ended: Done).
type ChunkMsg struct {
	Key       Key
	Lines     []gemtext.Line
	Bytes     int64
	Done      bool
	Truncated bool // the body ended without TLS close_notify
	Err       error
}

// LoadKey returns the load the lines belong to.
func (c ChunkMsg) LoadKey() Key { return c.Key }

// Stream parses a body in its own goroutine and hands the lines over in
// batches: whatever has arrived when the browser asks, so a fast server
// gives few large batches and a slow one each line as it comes.
type Stream struct {
	key    Key
	mu     sync.Mutex
	lines  []gemtext.Line
	done   bool
	err    error
	trunc  bool
	bytes  atomic.Int64
	raw    rawBody // the body as received, before decoding
	notify chan struct{}

	pmu     sync.Mutex
	partial []byte // the line begun and not ended yet
}

// rawBody keeps the bytes of a body as they arrive; it is safe for one
// writer and any readers.
type rawBody struct {
	mu sync.Mutex
	b  []byte
}

func (r *rawBody) Write(p []byte) (int, error) {
	r.mu.Lock()
	r.b = append(r.b, p...)
	r.mu.Unlock()
	return len(p), nil
}

// Bytes is how many bytes of the body have been read so far (decoded).
func (s *Stream) Bytes() int64 { return s.bytes.Load() }

// Raw returns the body's bytes as received so far (all of them once the
// body is done), before any charset decoding: for saving the page and
// for its source.
func (s *Stream) Raw() []byte {
	s.raw.mu.Lock()
	defer s.raw.mu.Unlock()
	return s.raw.b[:len(s.raw.b):len(s.raw.b)]
}

func newStream(key Key) *Stream {
	return &Stream{key: key, notify: make(chan struct{}, 1)}
}

func (s *Stream) signal() {
	select {
	case s.notify <- struct{}{}:
	default:
	}
}

// run parses r into the stream; plain text becomes preformatted lines.
func (s *Stream) run(r io.Reader, resp *client.Response, plain bool) {
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

func (s *Stream) add(l gemtext.Line) {
	s.mu.Lock()
	s.lines = append(s.lines, l)
	n := len(s.lines)
	s.mu.Unlock()
	if n == 1 {
		s.signal()
	}
}

// Next returns a command that waits for the next batch.
func (s *Stream) Next() tea.Cmd {
	return func() tea.Msg {
		<-s.notify
		s.mu.Lock()
		defer s.mu.Unlock()
		msg := ChunkMsg{Key: s.key, Lines: s.lines, Bytes: s.bytes.Load(), Done: s.done, Truncated: s.trunc, Err: s.err}
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

// maxPartial caps the line not yet ended that a Stream keeps.
const maxPartial = 4096

// countingReader counts the body bytes read, and keeps the text after the
// last line end.
type countingReader struct {
	r io.Reader
	s *Stream
}

func (c countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.s.bytes.Add(int64(n))
	c.s.pmu.Lock()
	if i := bytes.LastIndexByte(p[:n], '\n'); i >= 0 {
		c.s.partial = append(c.s.partial[:0], p[i+1:n]...)
	} else {
		c.s.partial = append(c.s.partial, p[:n]...)
	}
	if len(c.s.partial) > maxPartial {
		c.s.partial = c.s.partial[:maxPartial]
	}
	c.s.pmu.Unlock()
	return n, err
}

// Partial is the text of the line that has begun to arrive but not ended
// (up to 4 KiB of it), "" when none: what the page shows below its last
// line while the body streams.
func (s *Stream) Partial() string {
	s.pmu.Lock()
	defer s.pmu.Unlock()
	return string(s.partial)
}
