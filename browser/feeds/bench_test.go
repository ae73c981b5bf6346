package feeds

import (
	"fmt"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// bigGemlog is a gemlog index of about 1 MiB: a title and dated links.
func bigGemlog() string {
	var b strings.Builder
	b.WriteString("# A prolific gemlog\n\nWelcome. Posts, newest first:\n\n")
	day := time.Date(2026, 11, 21, 0, 0, 0, 0, time.UTC)
	for i := 0; b.Len() < 1<<20; i++ {
		d := day.AddDate(0, 0, -i%3650)
		fmt.Fprintf(&b, "=> posts/%d.gmi %s - Post number %d, about terminals and small protocols\n", i, d.Format(time.DateOnly), i)
		if i%10 == 0 {
			b.WriteString("Some words between the links, as a gemlog has.\n")
		}
	}
	return b.String()
}

// bigAtom is an Atom feed of about 1 MiB.
func bigAtom() string {
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="utf-8"?>` + "\n" + `<feed xmlns="http://www.w3.org/2005/Atom"><title>A prolific feed</title>` + "\n")
	for i := 0; b.Len() < 1<<20; i++ {
		fmt.Fprintf(&b, "<entry><title>Post number %d &amp; more</title><link rel=\"alternate\" href=\"posts/%d.gmi\"/><id>tag:x,2026:%d</id><updated>2026-11-%02dT10:00:00Z</updated><summary>A summary of the post, a sentence or two long.</summary></entry>\n", i, i, i, 1+i%28)
	}
	b.WriteString("</feed>\n")
	return b.String()
}

var benchBase, _ = url.Parse("gemini://example.org/gemlog/")

// BenchmarkParseGemfeed: a 1 MiB gemlog index (the parse is capped at
// MaxParsedEntries, as every parse is).
func BenchmarkParseGemfeed(b *testing.B) {
	page := bigGemlog()
	b.SetBytes(int64(len(page)))
	for b.Loop() {
		if _, err := ParseGemfeed(benchBase, strings.NewReader(page)); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkParseAtom: a 1 MiB Atom feed.
func BenchmarkParseAtom(b *testing.B) {
	doc := bigAtom()
	b.SetBytes(int64(len(doc)))
	for b.Loop() {
		if _, err := ParseAtom(benchBase, strings.NewReader(doc)); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRefreshed: one feed's refresh recorded in a store file of 50
// feeds with 200 entries each (10,000 entries): lock, re-read, merge,
// write, as every refresh of a feed does.
func BenchmarkRefreshed(b *testing.B) {
	s, err := Open(filepath.Join(b.TempDir(), "feeds"))
	if err != nil {
		b.Fatal(err)
	}
	feedOf := func(n int) Feed {
		f := Feed{Title: fmt.Sprintf("Feed %d", n)}
		for i := range DefaultMaxEntries {
			f.Entries = append(f.Entries, Entry{
				URL:       fmt.Sprintf("gemini://host%d.example/posts/%d.gmi", n, i),
				Title:     fmt.Sprintf("Post %d of feed %d, with a title of a usual length", i, n),
				Published: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, i),
			})
		}
		return f
	}
	for n := range 50 {
		u := fmt.Sprintf("gemini://host%d.example/gemlog/", n)
		if err := s.Subscribe(u, ""); err != nil {
			b.Fatal(err)
		}
		if _, err := s.Refreshed(u, feedOf(n), nil); err != nil {
			b.Fatal(err)
		}
	}
	f := feedOf(7)
	for b.Loop() {
		if _, err := s.Refreshed("gemini://host7.example/gemlog/", f, nil); err != nil {
			b.Fatal(err)
		}
	}
}
