package render

import (
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"

	"propus/gemtext"
)

func FuzzRender(f *testing.F) {
	f.Add(hostile, uint8(40), uint8(10), uint8(3), "e")
	f.Add("# 日本語\n* 👨‍👩‍👧‍👦 e\u0301\n=> https://x/ label\n```alt\n\tpre\n```\n", uint8(7), uint8(3), uint8(0), "")
	f.Add("a b c d e f g h\n> quote\n", uint8(1), uint8(1), uint8(9), "B")
	f.Fuzz(func(t *testing.T, src string, w, h, steps uint8, query string) {
		lines, _ := gemtext.ParseAll(strings.NewReader(src))
		d := NewDocument()
		d.Append(lines...)
		for _, plain := range []bool{true, false} {
			v := View{Doc: d, Width: int(w % 130), Height: int(h % 50), Query: query, CurrentMatch: 0}
			v.Matches = d.Search(query)
			v.Styles = PlainStyles()
			if !plain {
				v.Styles = DefaultStyles(false)
			}
			for i := range int(steps % 16) {
				out := v.Render()
				checkRows(t, out, v.Width, v.Height)
				if plain && ansi.Strip(out) != out {
					t.Fatalf("escape in plain output %q", out)
				}
				if !plain && strings.IndexByte(sgrRE.ReplaceAllString(out, ""), 0x1b) >= 0 {
					t.Fatalf("non-SGR escape in output %q", out)
				}
				switch i % 5 {
				case 0:
					v.ScrollDown(i)
				case 1:
					v.SelectNext()
				case 2:
					v.Resize(v.Width+i-2, v.Height)
				case 3:
					v.End()
				case 4:
					v.SelectPrev()
					v.XOffset += 3
				}
			}
		}
	})
}
