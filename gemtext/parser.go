package gemtext

import (
	"bytes"
	"errors"
	"io"
	"iter"
	"strings"
)

const (
	// minBufSize is the first read buffer size. The buffer doubles after a
	// Read that filled all the space offered, up to maxReadSize, so small
	// documents stay cheap and large ones are read in large chunks. It also
	// doubles, without limit, whenever a single line does not fit.
	minBufSize  = 4 << 10
	maxReadSize = 64 << 10
	// maxEmptyReads is how many (0, nil) reads in a row are tolerated
	// before giving up with io.ErrNoProgress (as bufio does).
	maxEmptyReads = 100
)

var (
	bom            = []byte{0xEF, 0xBB, 0xBF}
	errInvalidRead = errors.New("gemtext: reader returned invalid count from Read")
)

// Parser reads gemtext lines from an io.Reader as they arrive.
//
// Bytes are read in large chunks; every run of complete lines in a chunk
// becomes one string, and the lines handed out are substrings of it. So a
// parse costs about one allocation per Read call, not per line, and the
// strings in a returned Line are immutable copies that stay valid forever.
// (A retained Line keeps its whole chunk, at most 64 KiB unless a single
// line is longer, alive.)
//
// A Parser is not safe for concurrent use.
type Parser struct {
	r       io.Reader
	buf     []byte // read buffer; buf[:n] holds the current partial line
	n       int
	scanned int    // buf[:scanned] is known to hold no '\n'
	pending string // complete lines not yet returned, each ending in '\n' except a final tail
	pre     bool   // inside a preformatted block
	bomDone bool   // the start of the stream has been checked for a BOM
	filled  bool   // the last Read filled all the space offered
	empty   int    // consecutive (0, nil) reads
	err     error  // sticky read error, io.EOF at the end
}

// NewParser returns a Parser reading from r.
func NewParser(r io.Reader) *Parser {
	return &Parser{r: r}
}

// Next returns the next line. At the end of the input it returns io.EOF.
// It blocks only until the next line's newline (or the end of input) has
// been read.
//
// If the reader fails with another error, the lines completed before the
// failure are returned first, then the error, which every later call
// returns again; an unterminated partial line is discarded in that case
// (at io.EOF it is a line like any other).
func (p *Parser) Next() (Line, error) {
	for p.pending == "" {
		if p.err != nil {
			if p.err == io.EOF && p.n > 0 {
				// The final line has no newline.
				p.pending = string(p.buf[:p.n])
				p.n, p.scanned = 0, 0
				break
			}
			return Line{}, p.err
		}
		p.fill()
	}
	var s string
	if i := strings.IndexByte(p.pending, '\n'); i >= 0 {
		s, p.pending = p.pending[:i], p.pending[i+1:]
	} else {
		s, p.pending = p.pending, ""
	}
	if len(s) > 0 && s[len(s)-1] == '\r' {
		s = s[:len(s)-1]
	}
	var l Line
	l, p.pre = parseLine(s, p.pre)
	return l, nil
}

// fill does one Read and moves every complete line in the buffer into
// p.pending (one string allocation), keeping the trailing partial line.
func (p *Parser) fill() {
	if p.buf == nil {
		p.buf = make([]byte, minBufSize)
	} else if p.n == len(p.buf) || p.filled && len(p.buf) < maxReadSize {
		// A line fills the whole buffer, or the reader has more to give.
		nb := make([]byte, 2*len(p.buf))
		copy(nb, p.buf[:p.n])
		p.buf = nb
	}
	m, err := p.r.Read(p.buf[p.n:])
	if m < 0 || m > len(p.buf)-p.n {
		p.err = errInvalidRead
		return
	}
	p.filled = m == len(p.buf)-p.n
	p.n += m
	if err != nil {
		p.err = err
	} else if m == 0 {
		if p.empty++; p.empty >= maxEmptyReads {
			p.err = io.ErrNoProgress
		}
		return
	}
	p.empty = 0
	if !p.bomDone {
		if p.n < len(bom) && p.err == nil && bytes.HasPrefix(bom, p.buf[:p.n]) {
			return // could still be a BOM: need more bytes
		}
		p.bomDone = true
		if bytes.HasPrefix(p.buf[:p.n], bom) {
			p.n = copy(p.buf, p.buf[len(bom):p.n])
		}
	}
	if i := bytes.LastIndexByte(p.buf[p.scanned:p.n], '\n'); i >= 0 {
		end := p.scanned + i + 1
		p.pending = string(p.buf[:end])
		p.n = copy(p.buf, p.buf[end:p.n])
	}
	p.scanned = p.n
}

// Parse parses r, calling fn for each line in order. It stops at the end
// of the input (returning nil), at a read error (returning it), or when fn
// returns an error (returning that error).
func Parse(r io.Reader, fn func(Line) error) error {
	p := NewParser(r)
	for {
		l, err := p.Next()
		if err == io.EOF {
			return nil
		} else if err != nil {
			return err
		}
		if err := fn(l); err != nil {
			return err
		}
	}
}

// All returns an iterator over the lines of r:
//
//	for line, err := range gemtext.All(r) { ... }
//
// Each line comes with a nil error. A read error other than io.EOF is
// yielded once, with a zero Line, as the last pair.
func All(r io.Reader) iter.Seq2[Line, error] {
	return func(yield func(Line, error) bool) {
		p := NewParser(r)
		for {
			l, err := p.Next()
			if err == io.EOF {
				return
			} else if err != nil {
				yield(Line{}, err)
				return
			}
			if !yield(l, nil) {
				return
			}
		}
	}
}
