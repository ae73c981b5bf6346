package browser

import (
	"fmt"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"propus/browser/about"
	"propus/browser/feeds"
	"propus/browser/tabs"
	"propus/gemtext"
)

// bigPage is a 5 MiB gemtext page of paragraphs, links, headings, lists
// and quotes.
func bigPage() []gemtext.Line {
	var b strings.Builder
	for i := 0; b.Len() < 5<<20; i++ {
		switch i % 10 {
		case 0:
			fmt.Fprintf(&b, "## Section %d\n", i)
		case 1:
			fmt.Fprintf(&b, "=> /page%d.gmi Link number %d\n", i, i)
		case 2:
			b.WriteString("* a list item with some words in it to wrap around the screen edge once or twice\n")
		case 3:
			b.WriteString("> a quote from somewhere, long enough to take more than one row at eighty columns\n")
		default:
			b.WriteString(strings.Repeat("gemini capsule terminal browser 日本語 émigré ", 1+i%9) + "\n")
		}
	}
	doc, _ := gemtext.ParseAll(strings.NewReader(b.String()))
	return doc
}

// benchModel returns a browser of w×h showing the 5 MiB page, its lines in.
func benchModel(b *testing.B, w, h int) *Model {
	m := New(Options{NoColor: false}, "about:blank")
	m.Init()
	m.Update(tea.WindowSizeMsg{Width: w, Height: h})
	p := tabs.NewPage(nil, "about:big")
	p.Doc.Append(bigPage()...)
	m.show(m.tab(), p)
	m.screen()
	return m
}

// BenchmarkModelFirstScreen: the 5 MiB page's lines are in; Append them to
// a new page and draw the whole first frame (chrome included).
func BenchmarkModelFirstScreen(b *testing.B) {
	lines := bigPage()
	m := New(Options{}, "about:blank")
	m.Init()
	m.Update(tea.WindowSizeMsg{Width: 120, Height: 40})
	for b.Loop() {
		p := tabs.NewPage(nil, "about:big")
		p.Doc.Append(lines...)
		m.show(m.tab(), p)
		m.screen()
	}
}

// BenchmarkModelKeys: one key press through Update and the whole frame
// drawn, on the 5 MiB page: a scroll key and a link-select key.
func BenchmarkModelKeys(b *testing.B) {
	for _, k := range []struct {
		name string
		msg  tea.KeyPressMsg
	}{
		{"scroll-j", tea.KeyPressMsg{Code: 'j', Text: "j"}},
		{"page-down", tea.KeyPressMsg{Code: tea.KeyPgDown}},
		{"select-tab", tea.KeyPressMsg{Code: tea.KeyTab}},
	} {
		b.Run(k.name, func(b *testing.B) {
			m := benchModel(b, 120, 40)
			for b.Loop() {
				m.Update(k.msg)
				m.screen()
			}
		})
	}
}

// BenchmarkModelResize: a new terminal size and the whole frame drawn.
func BenchmarkModelResize(b *testing.B) {
	m := benchModel(b, 120, 40)
	w := 80
	for b.Loop() {
		w = 200 - w // 80 ↔ 120
		m.Update(tea.WindowSizeMsg{Width: w, Height: 40})
		m.screen()
	}
}

// BenchmarkFeedsPage: about:feeds built and drawn for 50 feeds of 200
// entries each, as after every feed of a refresh.
func BenchmarkFeedsPage(b *testing.B) {
	fs := &feeds.Store{}
	for n := range 50 {
		u := fmt.Sprintf("gemini://host%d.example/gemlog/", n)
		f := feeds.Feed{Title: fmt.Sprintf("Gemlog number %d", n)}
		for i := range feeds.DefaultMaxEntries {
			f.Entries = append(f.Entries, feeds.Entry{
				URL:       fmt.Sprintf("gemini://host%d.example/posts/%d.gmi", n, i),
				Title:     fmt.Sprintf("Post %d, with a title of a usual length", i),
				Published: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, i+n),
			})
		}
		if err := fs.Subscribe(u, ""); err != nil {
			b.Fatal(err)
		}
		if _, err := fs.Refreshed(u, f, nil); err != nil {
			b.Fatal(err)
		}
	}
	m := New(Options{Feeds: fs}, feedsAddress)
	m.Init()
	m.Update(tea.WindowSizeMsg{Width: 120, Height: 40})
	for b.Loop() {
		m.aboutChanged(about.Changed{Page: about.Feeds})
		m.screen()
	}
}
