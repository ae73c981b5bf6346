package feeds

import (
	"bytes"
	"net/url"
	"strings"
	"testing"
	"time"
	"unicode"

	"propus/client"
)

// checkFeed fails if f breaks a parser's promises: titles are one line
// without control characters or surrounding space, entries have a URL
// that the store accepts and a title, and there are at most
// MaxParsedEntries.
func checkFeed(t *testing.T, f Feed) {
	t.Helper()
	bad := func(s string) bool {
		return strings.ContainsFunc(s, func(r rune) bool { return unicode.IsControl(r) }) || strings.TrimSpace(s) != s || len(s) > MaxTitle
	}
	if bad(f.Title) {
		t.Errorf("feed title %q", f.Title)
	}
	if len(f.Entries) > MaxParsedEntries {
		t.Errorf("%d entries", len(f.Entries))
	}
	for _, e := range f.Entries {
		if bad(e.Title) || e.Title == "" {
			t.Errorf("entry title %q", e.Title)
		}
		if client.CheckURL(e.URL) != nil {
			t.Errorf("entry URL %q", e.URL)
		}
		if p := e.Published; !p.IsZero() && (p.Location() != time.UTC || p.Year() < 1 || p.Year() > 9999) {
			t.Errorf("entry date %v", p)
		}
	}
}

var fuzzBase, _ = url.Parse("gemini://example.org/gemlog/")

func FuzzParseGemfeed(f *testing.F) {
	f.Add([]byte("# Log\n=> a.gmi 2026-01-01 - A\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, base := range []*url.URL{fuzzBase, nil} {
			feed, _ := ParseGemfeed(base, bytes.NewReader(data))
			checkFeed(t, feed)
		}
	})
}

func FuzzParseAtom(f *testing.F) {
	f.Add([]byte(atomDoc))
	f.Add([]byte(rssDoc2))
	f.Fuzz(func(t *testing.T, data []byte) {
		feed, err := ParseAtom(fuzzBase, bytes.NewReader(data))
		if err != nil && (feed.Title != "" || len(feed.Entries) != 0) {
			t.Errorf("an error (%v) with a feed %+v", err, feed)
		}
		checkFeed(t, feed)
	})
}
