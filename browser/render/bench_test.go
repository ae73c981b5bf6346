package render

import (
	"fmt"
	"runtime"
	"strings"
	"sync"
	"testing"

	"propus/gemtext"
)

const pageSize = 5 << 20

var (
	pageOnce  sync.Once
	pageLines gemtext.Document
)

// bigPage returns the parsed 5 MiB page.
func bigPage(tb testing.TB) gemtext.Document {
	pageOnce.Do(func() {
		var err error
		pageLines, err = gemtext.ParseAll(strings.NewReader(genPage(pageSize)))
		if err != nil {
			tb.Fatal(err)
		}
	})
	return pageLines
}

func bigDoc(tb testing.TB) *Document {
	d := NewDocument()
	d.Append(bigPage(tb)...)
	return d
}

var sizes = []struct{ w, h int }{{80, 40}, {250, 60}}

// BenchmarkFirstScreen: from parsed lines to the first screen of a 5 MiB
// page. Append is NewDocument+Append alone; Render is the first Render of
// a fresh document; AppendRender is both, the budgeted figure (≤ 30 ms).
func BenchmarkFirstScreen(b *testing.B) {
	lines := bigPage(b)
	b.Run("Append", func(b *testing.B) {
		b.SetBytes(pageSize)
		for b.Loop() {
			d := NewDocument()
			d.Append(lines...)
		}
	})
	for _, s := range sizes {
		b.Run(fmt.Sprintf("Render/%dx%d", s.w, s.h), func(b *testing.B) {
			d := bigDoc(b)
			for b.Loop() {
				d.layouts = [2]*layout{} // as fresh as a new Document
				v := View{Doc: d, Width: s.w, Height: s.h, Styles: DefaultStyles(true)}
				v.Render()
			}
		})
		b.Run(fmt.Sprintf("AppendRender/%dx%d", s.w, s.h), func(b *testing.B) {
			for b.Loop() {
				v := View{Doc: bigDoc(b), Width: s.w, Height: s.h, Styles: DefaultStyles(true)}
				v.Render()
			}
		})
	}
}

// middle returns a view of the 5 MiB page scrolled to its middle.
func middle(b *testing.B, w, h int) *View {
	d := bigDoc(b)
	v := &View{Doc: d, Width: w, Height: h, Styles: DefaultStyles(true), Top: Pos{Line: d.Len() / 2}}
	v.Render()
	return v
}

// BenchmarkScroll: one scroll key (ScrollDown(1) and Render) in the middle
// of a 5 MiB page (≤ 1 ms). The view keeps scrolling into rows it has not
// laid out yet, so this includes the lazy wrapping.
func BenchmarkScroll(b *testing.B) {
	for _, s := range sizes {
		b.Run(fmt.Sprintf("%dx%d", s.w, s.h), func(b *testing.B) {
			v := middle(b, s.w, s.h)
			for b.Loop() {
				v.ScrollDown(1)
				v.Render()
				if v.AtEnd() {
					v.Top = Pos{Line: v.Doc.Len() / 2}
				}
			}
		})
	}
	b.Run("PageDown/80x40", func(b *testing.B) {
		v := middle(b, 80, 40)
		for b.Loop() {
			v.PageDown()
			v.Render()
			if v.AtEnd() {
				v.Top = Pos{Line: v.Doc.Len() / 2}
			}
		}
	})
}

// BenchmarkSelectNext: one Tab (SelectNext and Render) in the middle of a
// 5 MiB page (≤ 1 ms).
func BenchmarkSelectNext(b *testing.B) {
	for _, s := range sizes {
		b.Run(fmt.Sprintf("%dx%d", s.w, s.h), func(b *testing.B) {
			v := middle(b, s.w, s.h)
			for b.Loop() {
				v.SelectNext()
				v.Render()
			}
		})
	}
}

// BenchmarkEnd: the first Render of a fresh 5 MiB page, then End and
// Render: only the first and the last screenful are laid out.
func BenchmarkEnd(b *testing.B) {
	for _, s := range sizes {
		b.Run(fmt.Sprintf("%dx%d", s.w, s.h), func(b *testing.B) {
			d := bigDoc(b)
			for b.Loop() {
				d.layouts = [2]*layout{} // nothing laid out but the first screen
				v := View{Doc: d, Width: s.w, Height: s.h, Styles: DefaultStyles(true)}
				v.Render()
				v.End()
				v.Render()
			}
		})
	}
}

// BenchmarkResize: a resize to a width not seen before, and Render, in the
// middle of a 5 MiB page (≤ 30 ms).
func BenchmarkResize(b *testing.B) {
	v := middle(b, 80, 40)
	w := 60
	for b.Loop() {
		w++
		if w > 250 {
			w = 61
		}
		v.Resize(w, 50)
		v.Render()
	}
}

// BenchmarkSearch: Document.Search over a 5 MiB page.
func BenchmarkSearch(b *testing.B) {
	d := bigDoc(b)
	b.SetBytes(pageSize)
	for b.Loop() {
		d.Search("Capsule")
	}
}

// heapInUse returns the live heap after a full collection.
func heapInUse() uint64 {
	var m runtime.MemStats
	runtime.GC()
	runtime.GC()
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

// TestMemory reports the heap a 5 MiB page takes, as a multiple of its
// size: the parsed lines, then the Document built from them (sharing
// their text), then after paging through 100 screens. Budget: < 3×,
// parsed lines included.
func TestMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a 5 MiB page")
	}
	before := heapInUse()
	src := genPage(pageSize)
	lines, err := gemtext.ParseAll(strings.NewReader(src))
	if err != nil {
		t.Fatal(err)
	}
	src = ""
	parsed := heapInUse() - before
	d := NewDocument()
	d.Append(lines...)
	appended := heapInUse() - before
	v := View{Doc: d, Width: 80, Height: 40, Styles: DefaultStyles(true)}
	for range 100 {
		v.Render()
		v.PageDown()
	}
	paged := heapInUse() - before
	runtime.KeepAlive(lines) // counted until here
	ratio := func(n uint64) float64 { return float64(n) / pageSize }
	t.Logf("5 MiB page, %d lines, %d links: parsed lines %.2f×, + Document %.2f×, + 100 screens paged %.2f× of the page size",
		d.Len(), d.Links(), ratio(parsed), ratio(appended), ratio(paged))
	lines = nil
	dropped := heapInUse() - before
	t.Logf("Document alone (parsed slice dropped, its text kept): %.2f×", ratio(dropped))
	if ratio(paged) >= 3 {
		t.Errorf("heap %.2f× the page size, budget < 3×", ratio(paged))
	}
	runtime.KeepAlive(d)
}

// BenchmarkLongLine: the worst case for lazy layout, a 5 MiB page that is
// one paragraph. FirstScreen wraps only the rows shown; End must wrap the
// whole line (once per width), which measures the wrapper's speed.
func BenchmarkLongLine(b *testing.B) {
	text := strings.ReplaceAll(genPage(pageSize), "\n", " ")
	d := NewDocument()
	d.Append(gemtext.Line{Kind: gemtext.Text, Text: text})
	b.Run("FirstScreen", func(b *testing.B) {
		for b.Loop() {
			d.layouts = [2]*layout{}
			v := View{Doc: d, Width: 80, Height: 40, Styles: DefaultStyles(true)}
			v.Render()
		}
	})
	b.Run("End", func(b *testing.B) {
		b.SetBytes(int64(len(text)))
		for b.Loop() {
			d.layouts = [2]*layout{}
			v := View{Doc: d, Width: 80, Height: 40, Styles: DefaultStyles(true)}
			v.End()
			v.Render()
		}
	})
}
