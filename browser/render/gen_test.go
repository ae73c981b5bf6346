package render

import (
	"fmt"
	"math/rand/v2"
	"strings"
)

// genPage returns a deterministic gemtext page of at least size bytes
// that looks like a long real one: paragraphs of 40–900 bytes, headings,
// lists, quotes, links (a fifth of them external), preformatted blocks up
// to 120 columns, some CJK and emoji.
func genPage(size int) string {
	r := rand.New(rand.NewPCG(5, 5))
	words := strings.Fields("the of and to in gemini capsule protocol text line page wrap render terminal " +
		"browser layout screen scroll link heading quote list preformatted block width cell cache lazy " +
		"document stream server client request response certificate trust first use small internet " +
		"日本語 テキスト 中文 😀 café naïve Ελληνικά русский")
	para := func(n int) string {
		var b strings.Builder
		for b.Len() < n {
			if b.Len() > 0 {
				b.WriteByte(' ')
			}
			b.WriteString(words[r.IntN(len(words))])
		}
		return b.String()
	}
	var b strings.Builder
	b.Grow(size + 1024)
	links := 0
	for b.Len() < size {
		switch k := r.IntN(100); {
		case k < 3:
			fmt.Fprintf(&b, "%s %s\n\n", strings.Repeat("#", 1+r.IntN(3)), para(20+r.IntN(40)))
		case k < 40:
			b.WriteString(para(40 + r.IntN(860)))
			b.WriteString("\n\n")
		case k < 55:
			for range 1 + r.IntN(6) {
				b.WriteString("* " + para(10+r.IntN(120)) + "\n")
			}
		case k < 62:
			b.WriteString("> " + para(30+r.IntN(300)) + "\n")
		case k < 92:
			links++
			if links%5 == 0 {
				fmt.Fprintf(&b, "=> https://example.com/%d %s\n", links, para(5+r.IntN(70)))
			} else {
				fmt.Fprintf(&b, "=> /page/%d %s\n", links, para(5+r.IntN(70)))
			}
		default:
			fmt.Fprintf(&b, "```%s\n", para(r.IntN(20)))
			for range 3 + r.IntN(20) {
				b.WriteString(strings.Repeat(" ", r.IntN(8)) + para(10+r.IntN(110)) + "\n")
			}
			b.WriteString("```\n")
		}
	}
	return b.String()
}
