package gemtext

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"testing"
	"testing/iotest"
)

// readerShapes wrap a reader so that the same bytes arrive in different
// read sizes; every parse must give identical lines.
var readerShapes = []struct {
	name string
	wrap func(io.Reader) io.Reader
}{
	{"whole", func(r io.Reader) io.Reader { return r }},
	{"onebyte", iotest.OneByteReader},
	{"half", iotest.HalfReader},
	{"dataerr", iotest.DataErrReader},
	{"chunk3", func(r io.Reader) io.Reader { return &chunkReader{r: r, size: 3} }},
	{"emptyreads", func(r io.Reader) io.Reader { return &emptyReader{r: r} }},
}

// chunkReader returns at most size bytes per Read.
type chunkReader struct {
	r    io.Reader
	size int
}

func (c *chunkReader) Read(p []byte) (int, error) {
	return c.r.Read(p[:min(len(p), c.size)])
}

// emptyReader returns (0, nil) before every real read, which a reader may
// legally do.
type emptyReader struct {
	r   io.Reader
	odd bool
}

func (e *emptyReader) Read(p []byte) (int, error) {
	if e.odd = !e.odd; e.odd {
		return 0, nil
	}
	return e.r.Read(p)
}

// collect parses r with Next until io.EOF and returns the lines.
func collect(t testing.TB, r io.Reader) []Line {
	t.Helper()
	var lines []Line
	p := NewParser(r)
	for {
		l, err := p.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("Next: %v", err)
		}
		lines = append(lines, l)
	}
	// io.EOF is sticky.
	if _, err := p.Next(); err != io.EOF {
		t.Fatalf("Next after EOF: %v, want io.EOF", err)
	}
	return lines
}

func TestRules(t *testing.T) {
	for _, tc := range ruleCases {
		for _, shape := range readerShapes {
			t.Run(tc.name+"/"+shape.name, func(t *testing.T) {
				got := collect(t, shape.wrap(strings.NewReader(tc.in)))
				if !slices.Equal(got, tc.want) {
					t.Errorf("parse(%q)\n got  %+v\n want %+v", tc.in, got, tc.want)
				}
			})
		}
	}
}

func TestParseFunctions(t *testing.T) {
	const in = "# T\n=> u l\ntext"
	want := []Line{heading(1, "T"), link("u", "l"), text("text")}

	var got []Line
	if err := Parse(strings.NewReader(in), func(l Line) error {
		got = append(got, l)
		return nil
	}); err != nil {
		t.Fatalf("Parse: %v", err)
	}
	if !slices.Equal(got, want) {
		t.Errorf("Parse: got %+v", got)
	}

	got = got[:0]
	for l, err := range All(strings.NewReader(in)) {
		if err != nil {
			t.Fatalf("All: %v", err)
		}
		got = append(got, l)
	}
	if !slices.Equal(got, want) {
		t.Errorf("All: got %+v", got)
	}

	doc, err := ParseAll(strings.NewReader(in))
	if err != nil || !slices.Equal(doc, Document(want)) {
		t.Errorf("ParseAll: %+v, %v", doc, err)
	}
}

func TestParseStopsOnCallbackError(t *testing.T) {
	stop := errors.New("stop")
	n := 0
	err := Parse(strings.NewReader("a\nb\nc\n"), func(Line) error {
		if n++; n == 2 {
			return stop
		}
		return nil
	})
	if err != stop || n != 2 {
		t.Errorf("Parse = %v after %d calls, want stop after 2", err, n)
	}
}

func TestAllBreak(t *testing.T) {
	n := 0
	for range All(strings.NewReader("a\nb\nc\n")) {
		if n++; n == 2 {
			break
		}
	}
	if n != 2 {
		t.Errorf("got %d iterations", n)
	}
}

func TestReadError(t *testing.T) {
	boom := errors.New("boom")
	// Complete lines arrive before the error; the partial "c" is dropped.
	r := io.MultiReader(strings.NewReader("a\nb\nc"), iotest.ErrReader(boom))

	p := NewParser(r)
	var got []Line
	var err error
	for {
		var l Line
		if l, err = p.Next(); err != nil {
			break
		}
		got = append(got, l)
	}
	if err != boom || !slices.Equal(got, []Line{text("a"), text("b")}) {
		t.Errorf("got %+v, %v", got, err)
	}
	if _, err := p.Next(); err != boom {
		t.Errorf("error not sticky: %v", err)
	}

	// The same through the other entry points.
	r = io.MultiReader(strings.NewReader("a\nb\nc"), iotest.ErrReader(boom))
	doc, err := ParseAll(r)
	if err != boom || len(doc) != 2 {
		t.Errorf("ParseAll = %+v, %v", doc, err)
	}

	r = io.MultiReader(strings.NewReader("a\n"), iotest.ErrReader(boom))
	var pairs []string
	for l, err := range All(r) {
		pairs = append(pairs, fmt.Sprintf("%q/%v", l.Text, err))
	}
	if want := []string{`"a"/<nil>`, `""/boom`}; !slices.Equal(pairs, want) {
		t.Errorf("All yielded %v, want %v", pairs, want)
	}

	// Data and error from the same Read: the complete line still arrives.
	got = nil
	err = Parse(&dataThenErr{data: "x\ny", err: boom}, func(l Line) error {
		got = append(got, l)
		return nil
	})
	if err != boom || !slices.Equal(got, []Line{text("x")}) {
		t.Errorf("data+error read: %+v, %v", got, err)
	}
}

type dataThenErr struct {
	data string
	err  error
}

func (d *dataThenErr) Read(p []byte) (int, error) {
	n := copy(p, d.data)
	d.data = d.data[n:]
	return n, d.err
}

type nothingReader struct{}

func (nothingReader) Read([]byte) (int, error) { return 0, nil }

type badCountReader struct{}

func (badCountReader) Read(p []byte) (int, error) { return len(p) + 1, nil }

func TestBadReaders(t *testing.T) {
	if _, err := NewParser(nothingReader{}).Next(); err != io.ErrNoProgress {
		t.Errorf("endless empty reads: %v, want io.ErrNoProgress", err)
	}
	if _, err := NewParser(badCountReader{}).Next(); err == nil || err == io.EOF {
		t.Errorf("invalid count: %v, want an error", err)
	}
}

// TestStreaming checks that Next returns a line as soon as its newline has
// arrived, without waiting for more input.
func TestStreaming(t *testing.T) {
	pr, pw := io.Pipe()
	more := make(chan struct{})
	go func() {
		pw.Write([]byte("# first\n=> u"))
		<-more
		pw.Write([]byte(" label\nlast"))
		pw.Close()
	}()
	p := NewParser(pr)
	l, err := p.Next() // would deadlock if it waited for more bytes
	if err != nil || l != heading(1, "first") {
		t.Fatalf("first line: %+v, %v", l, err)
	}
	close(more)
	for _, want := range []Line{link("u", "label"), text("last")} {
		if l, err := p.Next(); err != nil || l != want {
			t.Fatalf("got %+v, %v, want %+v", l, err, want)
		}
	}
	if _, err := p.Next(); err != io.EOF {
		t.Fatalf("end: %v", err)
	}
}

func TestLongLines(t *testing.T) {
	for _, size := range []int{minBufSize - 1, minBufSize, minBufSize + 1, maxReadSize - 1, maxReadSize, maxReadSize + 1, 1 << 20, 16 << 20} {
		long := strings.Repeat("ab", size/2) + strings.Repeat("c", size%2)
		in := "\uFEFF# start\r\n" + long + "\r\n=> " + long + " " + long + "\n" + "```\n" + long + "\n```\n" + long
		want := []Line{heading(1, "start"), text(long), link(long, long), toggle(""), preformatted(long), toggle(""), text(long)}
		shapes := readerShapes[:1]
		if size <= 1<<20 {
			shapes = readerShapes
		}
		for _, shape := range shapes {
			got := collect(t, shape.wrap(strings.NewReader(in)))
			if !slices.Equal(got, want) {
				t.Errorf("size %d/%s: lines differ (got %d lines)", size, shape.name, len(got))
			}
		}
		got := collect(t, &chunkReader{r: strings.NewReader(in), size: 4093})
		if !slices.Equal(got, want) {
			t.Errorf("size %d/chunk4093: lines differ (got %d lines)", size, len(got))
		}
	}
}

// TestLinesDoNotAliasBuffer retains every line while the parser keeps
// reading, and scribbles over every byte of the read buffer that does not
// hold live data, so any Line string aliasing the buffer would change.
func TestLinesDoNotAliasBuffer(t *testing.T) {
	in := slices.Concat(genDoc(256<<10), []byte(strings.Repeat("long ", 40<<10)+"\n"), genDoc(256<<10))
	want := refParse(in)
	garbage := bytes.Repeat([]byte{'!'}, 1<<20)
	for _, size := range []int{1, 7, 4096, 1 << 20} {
		p := NewParser(&chunkReader{r: bytes.NewReader(in), size: size})
		var got []Line
		for {
			l, err := p.Next()
			if err == io.EOF {
				break
			} else if err != nil {
				t.Fatal(err)
			}
			got = append(got, l)
			if p.pending == "" { // the next call reads into the buffer
				for free := p.buf[p.n:]; len(free) > 0; {
					free = free[copy(free, garbage):]
				}
			}
		}
		copy(p.buf, garbage)
		if !slices.Equal(got, want) {
			t.Errorf("read size %d: retained lines changed (%d lines, want %d)", size, len(got), len(want))
		}
	}
}

// TestAllocsPerLine guards the chunked string conversion: parsing must not
// allocate once per line.
func TestAllocsPerLine(t *testing.T) {
	in := genDoc(1 << 20)
	lines := len(refParse(in))
	allocs := testing.AllocsPerRun(5, func() {
		p := NewParser(bytes.NewReader(in))
		for {
			if _, err := p.Next(); err != nil {
				break
			}
		}
	})
	if perLine := allocs / float64(lines); perLine > 0.01 {
		t.Errorf("%.0f allocs for %d lines (%.4f per line)", allocs, lines, perLine)
	}
}
