package feeds

import (
	"errors"
	"net/url"
	"slices"
	"strings"
	"testing"
	"testing/iotest"
	"time"
)

func mustURL(t *testing.T, s string) *url.URL {
	t.Helper()
	u, err := url.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

// sameFeed compares two feeds, reporting differences.
func sameFeed(t *testing.T, name string, got, want Feed) {
	t.Helper()
	if got.Title != want.Title {
		t.Errorf("%s: Title = %q, want %q", name, got.Title, want.Title)
	}
	if len(got.Entries) != len(want.Entries) {
		t.Errorf("%s: %d entries, want %d:\n%+v", name, len(got.Entries), len(want.Entries), got.Entries)
		return
	}
	for i, g := range got.Entries {
		w := want.Entries[i]
		if g.URL != w.URL || g.Title != w.Title || !g.Published.Equal(w.Published) || g.Feed != "" || !g.Seen.IsZero() || g.Read {
			t.Errorf("%s: entry %d = %+v, want %+v", name, i, g, w)
		}
	}
}

func TestParseGemfeed(t *testing.T) {
	base := mustURL(t, "gemini://example.org/gemlog/")
	for _, tc := range []struct {
		name, doc string
		want      Feed
	}{
		{"convention", "# My gemlog\n\n## Posts\n=> 2026-01-02-first.gmi 2026-01-02 - First post\n=> /gemlog/second.gmi 2026-01-05 Second post\n", Feed{Title: "My gemlog", Entries: []Entry{
			{URL: "gemini://example.org/gemlog/2026-01-02-first.gmi", Title: "First post", Published: day(2026, 1, 2)},
			{URL: "gemini://example.org/gemlog/second.gmi", Title: "Second post", Published: day(2026, 1, 5)},
		}}},
		{"separators", "=> a 2026-03-01 - dash\n=> b 2026-03-02 – en dash\n=> c 2026-03-03 — em dash\n=> d 2026-03-04: colon\n=> e 2026-03-05 | bar\n=> f 2026-03-06-hyphen\n=> g 2026-03-07\t tab\n", Feed{Entries: []Entry{
			{URL: "gemini://example.org/gemlog/a", Title: "dash", Published: day(2026, 3, 1)},
			{URL: "gemini://example.org/gemlog/b", Title: "en dash", Published: day(2026, 3, 2)},
			{URL: "gemini://example.org/gemlog/c", Title: "em dash", Published: day(2026, 3, 3)},
			{URL: "gemini://example.org/gemlog/d", Title: "colon", Published: day(2026, 3, 4)},
			{URL: "gemini://example.org/gemlog/e", Title: "bar", Published: day(2026, 3, 5)},
			{URL: "gemini://example.org/gemlog/f", Title: "hyphen", Published: day(2026, 3, 6)},
			{URL: "gemini://example.org/gemlog/g", Title: "tab", Published: day(2026, 3, 7)},
		}}},
		{"no title is the URL", "=> ../x.gmi 2026-01-01\n=> y.gmi 2026-01-02 - \n", Feed{Entries: []Entry{
			{URL: "gemini://example.org/x.gmi", Title: "gemini://example.org/x.gmi", Published: day(2026, 1, 1)},
			{URL: "gemini://example.org/gemlog/y.gmi", Title: "gemini://example.org/gemlog/y.gmi", Published: day(2026, 1, 2)},
		}}},
		{"invalid dates and labels", "# T\n=> a 2026-02-30 not a day\n=> b 2026-13-01 no month\n=> c 2026-01-01abc glued\n=> d 26-01-01 short\n=> e Post of 2026-01-01\n=> f 2026-1-01 one digit\n=> g 0000-01-01 year zero\n=> h 2024-02-29 leap day\n=> i\n", Feed{Title: "T", Entries: []Entry{
			{URL: "gemini://example.org/gemlog/h", Title: "leap day", Published: day(2024, 2, 29)},
		}}},
		{"first level-1 heading", "## not this\n# Title  with   spaces \n# Second\n=> other.gmi 2026-01-01 x\n", Feed{Title: "Title with spaces", Entries: []Entry{
			{URL: "gemini://example.org/gemlog/other.gmi", Title: "x", Published: day(2026, 1, 1)},
		}}},
		{"preformatted is not a link", "```\n=> a 2026-01-01 no\n```\n=> b 2026-01-02 yes\n", Feed{Entries: []Entry{
			{URL: "gemini://example.org/gemlog/b", Title: "yes", Published: day(2026, 1, 2)},
		}}},
		{"hostile", "# \x1b]0;owned\x07Evil\x1b[2J title\r\n=> gemini://evil.example/ 2026-01-01 - \x1b[31mred\x1b[0m\u009b1mC1\x07 bell\n=> gemini://evil.example/\x1b[31m 2026-01-02 control in URL\n", Feed{Title: "Evil title", Entries: []Entry{
			{URL: "gemini://evil.example/", Title: "redC1 bell", Published: day(2026, 1, 1)},
		}}},
		{"absolute and other schemes", "=> https://example.com/post 2026-01-01 web\n=> //other.org/p 2026-01-02 scheme-relative\n", Feed{Entries: []Entry{
			{URL: "https://example.com/post", Title: "web", Published: day(2026, 1, 1)},
			{URL: "gemini://other.org/p", Title: "scheme-relative", Published: day(2026, 1, 2)},
		}}},
	} {
		got, err := ParseGemfeed(base, strings.NewReader(tc.doc))
		if err != nil {
			t.Errorf("%s: %v", tc.name, err)
			continue
		}
		sameFeed(t, tc.name, got, tc.want)
	}

	// base nil: URLs as written.
	got, err := ParseGemfeed(nil, strings.NewReader("=> post.gmi 2026-01-01 P\n"))
	if err != nil || len(got.Entries) != 1 || got.Entries[0].URL != "post.gmi" {
		t.Errorf("nil base: %+v, %v", got, err)
	}

	// No dated link: not a feed, the title still found.
	for _, doc := range []string{"", "# Just a page\n=> /about About\n=> x 2026-02-31 bad date\n"} {
		got, err := ParseGemfeed(base, strings.NewReader(doc))
		if !errors.Is(err, ErrNotAFeed) {
			t.Errorf("%q: err = %v, want ErrNotAFeed", doc, err)
		}
		if doc != "" && got.Title != "Just a page" {
			t.Errorf("%q: title %q", doc, got.Title)
		}
	}

	// The cap.
	var b strings.Builder
	for i := range MaxParsedEntries + 50 {
		b.WriteString("=> p" + strings.Repeat("x", i%3) + "/" + string(rune('a'+i%26)) + " 2026-01-01 post\n")
	}
	if got, err := ParseGemfeed(base, strings.NewReader(b.String())); err != nil || len(got.Entries) != MaxParsedEntries {
		t.Errorf("capped: %d entries, %v", len(got.Entries), err)
	}

	// A read error is an error.
	if _, err := ParseGemfeed(base, iotest.TimeoutReader(strings.NewReader(strings.Repeat("=> a 2026-01-01 x\n", 1000)))); err == nil || errors.Is(err, ErrNotAFeed) {
		t.Errorf("read error: %v", err)
	}
}

const atomDoc = `<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <title>Example
     Feed</title>
  <link href="http://example.org/" rel="self"/>
  <updated>2003-12-13T18:30:02Z</updated>
  <entry>
    <title>Atom-Powered Robots Run Amok</title>
    <link rel="edit" href="/edit/1"/>
    <link href="posts/1.gmi"/>
    <link rel="alternate" href="posts/1-second.gmi"/>
    <id>urn:uuid:1225c695-cfb8-4ebb-aaaa-80da344efa6a</id>
    <updated>2003-12-13T18:30:02Z</updated>
    <published>2003-12-12T10:00:00+02:00</published>
  </entry>
  <entry>
    <title type="html">&lt;b&gt;Bold&lt;/b&gt; &amp;amp; brave&nbsp;&mdash; yes</title>
    <link rel="alternate" type="text/gemini" href="gemini://other.example/2"/>
    <updated>2004-01-01T00:00:00.5Z</updated>
  </entry>
  <entry>
    <title>no link</title>
    <link rel="enclosure" href="audio.ogg"/>
  </entry>
  <entry>
    <title type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml">An <i>xhtml</i> title</div></title>
    <link href="/3"/>
    <updated>garbage</updated>
  </entry>
  <entry>
    <link href="/4"/>
  </entry>
</feed>`

func TestParseAtom(t *testing.T) {
	base := mustURL(t, "gemini://example.org/feed/atom.xml")
	got, err := ParseAtom(base, strings.NewReader(atomDoc))
	if err != nil {
		t.Fatal(err)
	}
	sameFeed(t, "atom", got, Feed{Title: "Example Feed", Entries: []Entry{
		{URL: "gemini://example.org/feed/posts/1.gmi", Title: "Atom-Powered Robots Run Amok", Published: time.Date(2003, 12, 12, 8, 0, 0, 0, time.UTC)},
		{URL: "gemini://other.example/2", Title: "Bold & brave — yes", Published: time.Date(2004, 1, 1, 0, 0, 0, 0, time.UTC)},
		{URL: "gemini://example.org/3", Title: "An xhtml title"},
		{URL: "gemini://example.org/4", Title: "gemini://example.org/4"},
	}})

	// xml:base on the feed, an entry and a link.
	doc := `<feed xmlns="http://www.w3.org/2005/Atom" xml:base="gemini://base.example/log/">
<title>B</title>
<entry><title>one</title><link href="1.gmi"/></entry>
<entry xml:base="sub/"><title>two</title><link href="2.gmi"/></entry>
<entry><title>three</title><link xml:base="/abs/" href="3.gmi"/></entry>
<entry xml:base="gemini://elsewhere.example/"><title>four</title><link href="4"/></entry>
</feed>`
	got, err = ParseAtom(base, strings.NewReader(doc))
	if err != nil {
		t.Fatal(err)
	}
	var urls []string
	for _, e := range got.Entries {
		urls = append(urls, e.URL)
	}
	want := []string{"gemini://base.example/log/1.gmi", "gemini://base.example/log/sub/2.gmi", "gemini://base.example/abs/3.gmi", "gemini://elsewhere.example/4"}
	if !slices.Equal(urls, want) {
		t.Errorf("xml:base: %q, want %q", urls, want)
	}

	// Hostile titles: XML forbids C0 controls but tab and newline, even
	// as references, but not C1 controls or DEL.
	doc = "<feed xmlns='http://www.w3.org/2005/Atom'><title>&#x9b;31mred&#x9b;2J\u009d0;x\u009c</title>" +
		"<entry><title type='html'>a&#9;b&#10;c&amp;#x7f;&#x7f;\u0085link&lt;script&gt;</title><link href='gemini://x/'/></entry></feed>"
	got, err = ParseAtom(base, strings.NewReader(doc))
	if err != nil || got.Title != "red" || len(got.Entries) != 1 || got.Entries[0].Title != "a b clink" {
		t.Errorf("hostile: %+v, %v", got, err)
	}
	for _, doc := range []string{"<feed><title>\x1b[31m</title></feed>", "<feed><title>&#x1b;[31m</title></feed>"} {
		if _, err := ParseAtom(base, strings.NewReader(doc)); err == nil {
			t.Errorf("%q: no error", doc)
		}
	}

	// Not Atom, not RSS, not XML.
	for _, doc := range []string{"", "<html><body>hi</body></html>", "<?xml version='1.0'?><!-- c --><rss version='2.0'></rss>", "<feed xmlns='urn:other'/>"} {
		if _, err := ParseAtom(base, strings.NewReader(doc)); !errors.Is(err, ErrNotAFeed) {
			t.Errorf("%q: %v, want ErrNotAFeed", doc, err)
		}
	}
	for _, doc := range []string{"<feed xmlns='http://www.w3.org/2005/Atom'><title>x</title>", "<feed><entry></feed>", "<feed><title>&unknown;</title></feed>", "# gemtext\n"} {
		_, err := ParseAtom(base, strings.NewReader(doc))
		if err == nil || errors.Is(err, ErrNotAFeed) && doc != "# gemtext\n" {
			t.Errorf("%q: %v, want an error", doc, err)
		}
	}
	// An empty feed is a feed.
	if got, err := ParseAtom(base, strings.NewReader("<feed xmlns='http://www.w3.org/2005/Atom'><title>Empty</title></feed>")); err != nil || got.Title != "Empty" || len(got.Entries) != 0 {
		t.Errorf("empty feed: %+v, %v", got, err)
	}
	// An encoding other than UTF-8.
	if got, err := ParseAtom(base, strings.NewReader("<?xml version='1.0' encoding='ISO-8859-1'?><feed><title>Caf\xe9</title></feed>")); err != nil || got.Title != "Café" {
		t.Errorf("latin-1: %+v, %v", got, err)
	}
}

const rssDoc2 = `<?xml version="1.0"?>
<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom" xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel>
  <title>RSS gemlog</title>
  <link>gemini://example.org/</link>
  <atom:link href="gemini://example.org/rss.xml" rel="self"/>
  <item>
    <title>First</title>
    <link>gemini://example.org/1.gmi</link>
    <pubDate>Tue, 10 Jun 2003 04:00:00 GMT</pubDate>
  </item>
  <item>
    <title>Second &amp;amp; more</title>
    <atom:link href="2.gmi" rel="self"/>
    <link> /2.gmi </link>
    <pubDate>Wed, 4 Feb 2026 10:00:00 +0100</pubDate>
  </item>
  <item>
    <title>By guid</title>
    <guid>gemini://example.org/3.gmi</guid>
    <dc:date>2026-02-05T00:00:00Z</dc:date>
  </item>
  <item>
    <title>Not a permalink</title>
    <guid isPermaLink="false">tag:example.org,2026:4</guid>
  </item>
  <item>
    <description>No title</description>
    <link>gemini://example.org/5.gmi</link>
    <pubDate>yesterday</pubDate>
  </item>
  <item>
    <title>Atom link only</title>
    <atom:link href="/6.gmi"/>
    <pubDate>Thu, 05 Feb 2026 10:00 EST</pubDate>
  </item>
</channel>
</rss>`

func TestParseRSS(t *testing.T) {
	base := mustURL(t, "gemini://example.org/rss.xml")
	got, err := ParseAtom(base, strings.NewReader(rssDoc2))
	if err != nil {
		t.Fatal(err)
	}
	sameFeed(t, "rss", got, Feed{Title: "RSS gemlog", Entries: []Entry{
		{URL: "gemini://example.org/1.gmi", Title: "First", Published: time.Date(2003, 6, 10, 4, 0, 0, 0, time.UTC)},
		{URL: "gemini://example.org/2.gmi", Title: "Second & more", Published: time.Date(2026, 2, 4, 9, 0, 0, 0, time.UTC)},
		{URL: "gemini://example.org/3.gmi", Title: "By guid", Published: day(2026, 2, 5)},
		{URL: "gemini://example.org/5.gmi", Title: "gemini://example.org/5.gmi"},
		{URL: "gemini://example.org/6.gmi", Title: "Atom link only", Published: time.Date(2026, 2, 5, 15, 0, 0, 0, time.UTC)},
	}})
}

func TestParseRSSDate(t *testing.T) {
	want := time.Date(2026, 2, 4, 9, 30, 0, 0, time.UTC)
	for _, s := range []string{
		"Wed, 04 Feb 2026 09:30:00 +0000",
		"Wed, 04 Feb 2026 09:30:00 GMT",
		"Wed, 4 Feb 2026 10:30:00 +0100",
		"4 Feb 2026 09:30:00 +0000",
		"Wed, 04 Feb 2026 09:30 +0000",
		"  Wed,  04 Feb 2026\n09:30:00 UT ",
		"2026-02-04T09:30:00Z",
		"Wed, 04 Feb 2026 04:30:00 EST",
		"Wed, 04 Feb 2026 02:30:00 pdt",
	} {
		if got := parseRSSDate(s); !got.Equal(want) || got.Location() != time.UTC {
			t.Errorf("parseRSSDate(%q) = %v, want %v", s, got, want)
		}
	}
	for _, s := range []string{"", "yesterday", "Wed, 04 Feb 2026", "0000-01-01T00:00:00+01:00", "EST", "Wed, 04 Feb 2026 09:30:00 XYZW"} {
		if got := parseRSSDate(s); !got.IsZero() {
			t.Errorf("parseRSSDate(%q) = %v, want zero", s, got)
		}
	}
}

func TestParseByType(t *testing.T) {
	base := mustURL(t, "gemini://example.org/")
	gem := "# G\n=> a 2026-01-01 A\n"
	atom := "<feed xmlns='http://www.w3.org/2005/Atom'><title>A</title><entry><link href='a'/></entry></feed>"
	rss := "<rss><channel><title>R</title><item><link>a</link></item></channel></rss>"
	for _, tc := range []struct{ mime, doc, title string }{
		{"text/gemini", gem, "G"},
		{"TEXT/Gemini; charset=utf-8; lang=en", gem, "G"},
		{"application/atom+xml", atom, "A"},
		{"application/rss+xml", rss, "R"},
		{"application/xml", atom, "A"},
		{"text/xml; charset=UTF-8", rss, "R"},
		{"Application/Atom+XML;charset=utf-8", atom, "A"},
	} {
		got, err := Parse(base, tc.mime, strings.NewReader(tc.doc))
		if err != nil || got.Title != tc.title || len(got.Entries) != 1 || got.Entries[0].URL != "gemini://example.org/a" {
			t.Errorf("Parse(%q): %+v, %v", tc.mime, got, err)
		}
	}
	for _, mt := range []string{"text/plain", "text/html", "", "image/png", "text/gemini-but-not"} {
		_, err := Parse(base, mt, strings.NewReader(gem))
		if !errors.Is(err, ErrNotAFeed) || !strings.Contains(err.Error(), `"`+mt+`"`) {
			t.Errorf("Parse(%q): %v, want ErrNotAFeed naming the type", mt, err)
		}
	}
	// A gemtext page that is no gemfeed.
	if _, err := Parse(base, "text/gemini", strings.NewReader("# Home\nHello\n")); !errors.Is(err, ErrNotAFeed) {
		t.Errorf("plain page: %v", err)
	}
}
