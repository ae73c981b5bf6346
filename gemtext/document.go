package gemtext

import (
	"bytes"
	"io"
	"slices"
)

// Document is a parsed gemtext document, one Line per source line.
type Document []Line

// ParseAll reads and parses all of r. On a read error it returns the lines
// parsed so far together with the error.
func ParseAll(r io.Reader) (Document, error) {
	var d Document
	err := Parse(r, func(l Line) error {
		d = append(d, l)
		return nil
	})
	return d, err
}

// Title returns the text of the first heading of any level, or "" if the
// document has none.
func (d Document) Title() string {
	for _, l := range d {
		if l.Kind == Heading {
			return l.Text
		}
	}
	return ""
}

// writeBufSize is the amount WriteTo buffers between writes.
const writeBufSize = 32 << 10

// WriteTo serialises the document to w, each line as [Line.String] and
// terminated by LF, and returns the number of bytes written.
//
// It tracks the preformat state the way a parser will see it: a
// PreformatToggle alternately opens and closes a block (a closing toggle is
// written as a bare "```"); a Preformatted line outside a block gets an
// opening "```" first, and any other line inside a block gets a closing
// "```" first. Documents produced by the parser never need these inserted
// toggles. An unclosed block is left unclosed.
//
// Two rare cases keep the result parsing back to the same lines: a line
// whose serialisation ends in CR is terminated by CRLF (the parser drops one
// CR before LF), and if the first line begins with a UTF-8 byte order mark
// an extra one is written before it (the parser drops one at the start).
func (d Document) WriteTo(w io.Writer) (int64, error) {
	size := 0 // a cheap estimate of the output size, to size the buffer
	for _, l := range d {
		if size += len(l.Text) + len(l.URL) + 8; size >= writeBufSize {
			break
		}
	}
	dw := docWriter{w: w, buf: make([]byte, 0, min(size, writeBufSize))}
	pre := false
	for _, l := range d {
		switch l.Kind {
		case PreformatToggle:
			if pre {
				l.Text = "" // alt text on a closing toggle is ignored
			}
			pre = !pre
		case Preformatted:
			if !pre {
				dw.line(Line{Kind: PreformatToggle})
				pre = true
			}
		default:
			if pre {
				dw.line(Line{Kind: PreformatToggle})
				pre = false
			}
		}
		dw.line(l)
		if dw.err != nil {
			break
		}
	}
	dw.flush()
	return dw.n, dw.err
}

// docWriter buffers serialised lines for Document.WriteTo.
type docWriter struct {
	w       io.Writer
	buf     []byte
	n       int64
	started bool
	err     error
}

func (dw *docWriter) line(l Line) {
	start := len(dw.buf)
	dw.buf = l.appendTo(dw.buf)
	if !dw.started {
		dw.started = true
		if bytes.HasPrefix(dw.buf, bom) {
			dw.buf = slices.Insert(dw.buf, 0, bom...)
		}
	}
	if len(dw.buf) > start && dw.buf[len(dw.buf)-1] == '\r' {
		dw.buf = append(dw.buf, '\r', '\n')
	} else {
		dw.buf = append(dw.buf, '\n')
	}
	if len(dw.buf) >= writeBufSize {
		dw.flush()
	}
}

func (dw *docWriter) flush() {
	if dw.err != nil || len(dw.buf) == 0 {
		return
	}
	m, err := dw.w.Write(dw.buf)
	dw.n += int64(m)
	if err == nil && m < len(dw.buf) {
		err = io.ErrShortWrite
	}
	dw.err = err
	dw.buf = dw.buf[:0]
}
