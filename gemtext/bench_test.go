package gemtext

import (
	"bytes"
	"io"
	"math/rand/v2"
	"runtime"
	"strings"
	"testing"
)

// genDoc returns a deterministic gemtext document of about size bytes
// with a realistic mix of line types: text paragraphs of varied length,
// links with and without labels, headings, list items, quotes, blank
// lines and preformatted blocks, with CRLF on some lines.
func genDoc(size int) []byte {
	rng := rand.New(rand.NewPCG(1, 2))
	words := strings.Fields("gemini capsule protocol lorem ipsum dolor sit amet " +
		"consectetur adipiscing elit sed do eiusmod tempor incididunt ut labore " +
		"et dolore magna aliqua réseau überall naïve 日本語 small web")
	sentence := func(n int) string {
		var sb strings.Builder
		for i := range n {
			if i > 0 {
				sb.WriteByte(' ')
			}
			sb.WriteString(words[rng.IntN(len(words))])
		}
		return sb.String()
	}
	var b bytes.Buffer
	b.Grow(size + 4096)
	eol := func() {
		if rng.IntN(10) == 0 {
			b.WriteString("\r\n")
		} else {
			b.WriteByte('\n')
		}
	}
	for b.Len() < size {
		switch r := rng.IntN(100); {
		case r < 35: // paragraph, occasionally very long
			n := 3 + rng.IntN(40)
			if rng.IntN(50) == 0 {
				n = 400 + rng.IntN(2000)
			}
			b.WriteString(sentence(n))
		case r < 45:
			b.WriteString("") // blank line
		case r < 60:
			b.WriteString("=> gemini://example.org/" + words[rng.IntN(len(words))] + "/page.gmi")
			if rng.IntN(3) != 0 {
				b.WriteString(" " + sentence(1+rng.IntN(6)))
			}
		case r < 66:
			b.WriteString(strings.Repeat("#", 1+rng.IntN(3)) + " " + sentence(1+rng.IntN(5)))
		case r < 80:
			b.WriteString("* " + sentence(2+rng.IntN(10)))
		case r < 90:
			b.WriteString("> " + sentence(5+rng.IntN(20)))
		default:
			b.WriteString("```" + words[rng.IntN(len(words))])
			for range 3 + rng.IntN(15) {
				eol()
				b.WriteString(strings.Repeat(" ", rng.IntN(8)) + sentence(rng.IntN(10)))
			}
			eol()
			b.WriteString("```")
		}
		eol()
	}
	return b.Bytes()
}

const benchDocSize = 5 << 20

// BenchmarkParse streams a 5 MiB document through Parser.Next.
func BenchmarkParse(b *testing.B) {
	doc := genDoc(benchDocSize)
	lines := len(refParse(doc))
	b.SetBytes(int64(len(doc)))
	b.ReportAllocs()
	var rd bytes.Reader
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	runs := 0
	for b.Loop() {
		runs++
		rd.Reset(doc)
		p := NewParser(&rd)
		n := 0
		for {
			_, err := p.Next()
			if err == io.EOF {
				break
			} else if err != nil {
				b.Fatal(err)
			}
			n++
		}
		if n != lines {
			b.Fatalf("parsed %d lines, want %d", n, lines)
		}
	}
	runtime.ReadMemStats(&after)
	b.ReportMetric(float64(lines), "lines/op")
	b.ReportMetric(float64(after.Mallocs-before.Mallocs)/float64(runs)/float64(lines), "allocs/line")
}

// BenchmarkParseAll also builds the Document slice.
func BenchmarkParseAll(b *testing.B) {
	doc := genDoc(benchDocSize)
	b.SetBytes(int64(len(doc)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ParseAll(bytes.NewReader(doc)); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkWriteTo serialises the parsed document.
func BenchmarkWriteTo(b *testing.B) {
	doc, _ := ParseAll(bytes.NewReader(genDoc(benchDocSize)))
	n, _ := doc.WriteTo(io.Discard)
	b.SetBytes(n)
	b.ReportAllocs()
	for b.Loop() {
		doc.WriteTo(io.Discard)
	}
}
