package gemtext

import (
	"bytes"
	"io"
	"slices"
	"strings"
	"testing"
	"testing/iotest"
)

// refParse is a deliberately naive reference parser: split the whole input
// on LF, then classify. It shares only the line classification with the
// real parser, so it checks the streaming and chunking logic.
func refParse(data []byte) []Line {
	s := strings.TrimPrefix(string(data), "\uFEFF")
	if s == "" {
		return nil
	}
	parts := strings.Split(s, "\n")
	if parts[len(parts)-1] == "" {
		parts = parts[:len(parts)-1]
	}
	lines := make([]Line, 0, len(parts))
	pre := false
	for _, part := range parts {
		part = strings.TrimSuffix(part, "\r")
		var l Line
		l, pre = parseLine(part, pre)
		lines = append(lines, l)
	}
	return lines
}

func parseBytes(t *testing.T, r io.Reader) []Line {
	t.Helper()
	doc, err := ParseAll(r)
	if err != nil {
		t.Fatalf("ParseAll: %v", err)
	}
	return doc
}

func FuzzParse(f *testing.F) {
	// The seed corpus lives in testdata/fuzz/FuzzParse.
	f.Fuzz(func(t *testing.T, data []byte) {
		lines := parseBytes(t, bytes.NewReader(data))

		if want := refParse(data); !slices.Equal(lines, want) {
			t.Fatalf("parse differs from reference\n got  %+v\n want %+v", lines, want)
		}
		if got := parseBytes(t, iotest.OneByteReader(bytes.NewReader(data))); !slices.Equal(got, lines) {
			t.Fatalf("one-byte reads differ\n got  %+v\n want %+v", got, lines)
		}
		if got := parseBytes(t, iotest.DataErrReader(iotest.HalfReader(bytes.NewReader(data)))); !slices.Equal(got, lines) {
			t.Fatalf("half reads differ\n got  %+v\n want %+v", got, lines)
		}

		pre := false
		for i, l := range lines {
			checkInvariants(t, i, l, pre)
			if l.Kind == PreformatToggle {
				pre = !pre
			}
		}

		// Round trip: serialise, parse again, same lines.
		var buf bytes.Buffer
		n, err := Document(lines).WriteTo(&buf)
		if err != nil || n != int64(buf.Len()) {
			t.Fatalf("WriteTo = %d, %v; wrote %d bytes", n, err, buf.Len())
		}
		out := buf.String()
		again := parseBytes(t, strings.NewReader(out))
		if !slices.Equal(again, lines) {
			t.Fatalf("round trip differs\n input %q\n ser   %q\n got   %+v\n want  %+v", data, out, again, lines)
		}
		// And the serialisation is canonical: a fixed point.
		buf.Reset()
		Document(again).WriteTo(&buf)
		if buf.String() != out {
			t.Fatalf("serialisation not stable\n first  %q\n second %q", out, buf.String())
		}
	})
}

func checkInvariants(t *testing.T, i int, l Line, pre bool) {
	// No t.Helper: it is called per line and runtime.Callers is costly.
	bad := func(why string) { t.Fatalf("line %d %+v: %s", i, l, why) }
	if strings.ContainsRune(l.Text, '\n') || strings.ContainsRune(l.URL, '\n') {
		bad("contains LF")
	}
	if (l.Kind == Heading) != (l.Level != 0) || l.Level < 0 || l.Level > 3 {
		bad("bad level")
	}
	if l.Kind != Link && l.URL != "" {
		bad("URL on a non-link")
	}
	if pre && l.Kind != Preformatted && l.Kind != PreformatToggle {
		bad("non-preformatted line inside a block")
	}
	switch l.Kind {
	case Link:
		if l.URL == "" || strings.ContainsAny(l.URL, " \t") {
			bad("bad URL")
		}
		if l.Text != trimWS(l.Text) {
			bad("untrimmed label")
		}
	case PreformatToggle:
		if pre && l.Text != "" {
			bad("closing toggle with alt text")
		}
		if l.Text != trimWS(l.Text) {
			bad("untrimmed alt text")
		}
	case Heading, Quote:
		if l.Text != trimLeftWS(l.Text) {
			bad("leading whitespace")
		}
	}
}
