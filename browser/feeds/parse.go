package feeds

import (
	"encoding/xml"
	"errors"
	"fmt"
	"html"
	"io"
	"mime"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"

	"golang.org/x/net/html/charset"

	"propus/browser/sanitize"
	"propus/client"
	"propus/gemtext"
)

// MaxParsedEntries is the most entries a parse returns; the rest of a
// longer feed is ignored.
const MaxParsedEntries = 1000

// ErrNotAFeed is wrapped in the error a parser returns when the document
// holds no feed: a gemtext page without a dated link, XML that is neither
// Atom nor RSS, or a media type that is not a feed's.
var ErrNotAFeed = errors.New("not a feed")

// Entry is one post of a feed.
type Entry struct {
	// Feed is the URL of the subscription the entry came from; "" in a
	// parsed Feed.
	Feed string
	// URL is the absolute URL of the post, resolved against the feed's
	// URL.
	URL string
	// Title is one line safe for a terminal: never empty in a parsed
	// Feed or in the store (the URL stands in for a missing title).
	Title string
	// Published is when the post was published, in UTC: for a gemfeed the
	// label's date at 00:00 UTC; for Atom <published>, else <updated>; for
	// RSS <pubDate> (or <dc:date>). It is zero if there is none (or it
	// does not parse).
	Published time.Time
	// Seen is when the store first saw the entry (set by
	// Store.Refreshed); zero in a parsed Feed.
	Seen time.Time
	// Read reports whether the entry was marked read (Store.MarkAllRead).
	Read bool
}

// Feed is what a parse finds.
type Feed struct {
	// Title is the feed's title, one line safe for a terminal; "" if it
	// has none.
	Title string
	// Entries are the feed's entries in document order, at most
	// MaxParsedEntries.
	Entries []Entry
}

// Parse parses a feed of the media type mimeType (parameters are ignored,
// case is not significant): text/gemini is read as a gemfeed
// (ParseGemfeed); application/atom+xml, application/rss+xml,
// application/xml and text/xml as Atom or RSS (ParseAtom). Any other type
// is an error wrapping ErrNotAFeed. Links are resolved against base.
func Parse(base *url.URL, mimeType string, r io.Reader) (Feed, error) {
	mt, _, err := mime.ParseMediaType(mimeType)
	if err != nil {
		mt, _, _ = strings.Cut(mimeType, ";")
	}
	switch mt = strings.ToLower(strings.TrimSpace(mt)); mt {
	case "text/gemini":
		return ParseGemfeed(base, r)
	case "application/atom+xml", "application/rss+xml", "application/xml", "text/xml":
		return ParseAtom(base, r)
	}
	return Feed{}, fmt.Errorf("%w: the media type is %q", ErrNotAFeed, sanitize.Line(mimeType))
}

// ParseGemfeed parses a gemtext page following the Gemini subscription
// convention (gemini://geminiprotocol.net/docs/companion/subscription.gmi).
// The feed's title is the page's first level-1 heading. Every link line
// whose label starts with a valid date YYYY-MM-DD, followed by nothing, a
// space or a separator, is an entry: Published is that day at 00:00 UTC,
// Title the rest of the label with leading separators (" - ", " – ",
// " — ", ": " and the like) trimmed, or the URL when nothing is left. Link
// URLs are resolved against base (kept as written if base is nil); a link
// whose URL does not parse, is longer than MaxURL or has white space or
// control characters is skipped. Titles are at most MaxTitle bytes.
//
// A page without any entry is an error wrapping ErrNotAFeed (the returned
// Feed still holds the title). A read error is returned with the entries
// read before it.
func ParseGemfeed(base *url.URL, r io.Reader) (Feed, error) {
	var f Feed
	titled, dated := false, false
	p := gemtext.NewParser(r)
	for {
		l, err := p.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return f, fmt.Errorf("reading the gemfeed: %w", err)
		}
		switch l.Kind {
		case gemtext.Heading:
			if l.Level == 1 && !titled {
				f.Title, titled = oneLine(l.Text), true
			}
		case gemtext.Link:
			day, title, ok := splitDate(l.Text)
			if !ok {
				continue
			}
			dated = true
			if len(f.Entries) >= MaxParsedEntries {
				continue
			}
			u, ok := resolve(base, l.URL)
			if !ok {
				continue
			}
			f.Entries = append(f.Entries, newEntry(u, title, day))
		}
	}
	if !dated {
		return f, fmt.Errorf("%w: the gemtext page has no link labelled with a date", ErrNotAFeed)
	}
	return f, nil
}

// splitDate splits a gemfeed link label into its date and title. ok is
// false if the label does not start with a valid date followed by nothing,
// white space or a separator.
func splitDate(label string) (day time.Time, title string, ok bool) {
	label = sanitize.Line(label)
	if len(label) < 10 {
		return time.Time{}, "", false
	}
	for i := range 10 {
		c := label[i]
		if i == 4 || i == 7 {
			if c != '-' {
				return time.Time{}, "", false
			}
		} else if c < '0' || c > '9' {
			return time.Time{}, "", false
		}
	}
	num := func(s string) int {
		n := 0
		for _, c := range []byte(s) {
			n = n*10 + int(c-'0')
		}
		return n
	}
	y, m, d := num(label[0:4]), num(label[5:7]), num(label[8:10])
	day = time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC)
	if y < 1 || m < 1 || m > 12 || day.Day() != d || day.Month() != time.Month(m) {
		return time.Time{}, "", false
	}
	rest := label[10:]
	if rest != "" {
		r, _ := utf8.DecodeRuneInString(rest)
		if r != ' ' && !isSeparator(r) {
			return time.Time{}, "", false
		}
	}
	rest = strings.TrimLeftFunc(rest, func(r rune) bool { return r == ' ' || isSeparator(r) })
	return day, rest, true
}

// isSeparator reports whether r may separate a gemfeed entry's date from
// its title.
func isSeparator(r rune) bool {
	switch r {
	case '-', ':', '|', ',', '·', '•',
		'\u2010', '\u2011', '\u2012', '\u2013', '\u2014', '\u2015', '\u2212': // hyphens, dashes, minus
		return true
	}
	return false
}

// newEntry returns the entry for the post at u, its title made one safe
// line (or u when it is empty).
func newEntry(u, title string, published time.Time) Entry {
	t := oneLine(title)
	if t == "" {
		t = oneLine(u)
	}
	return Entry{URL: u, Title: t, Published: published}
}

// oneLine returns s made safe for a terminal on one line, with every run
// of white space one space and none at the ends, at most MaxTitle bytes.
func oneLine(s string) string {
	return truncate(strings.Join(strings.Fields(sanitize.Line(s)), " "))
}

// MaxTitle is the longest title, in bytes, that a parse returns or the
// store keeps (and the longest error the store keeps): longer ones are cut
// at a character boundary and end in "…".
const MaxTitle = 1000

// truncate returns s cut to at most MaxTitle bytes.
func truncate(s string) string {
	if len(s) <= MaxTitle {
		return s
	}
	const ellipsis = "…"
	i := MaxTitle - len(ellipsis)
	for i > 0 && !utf8.RuneStart(s[i]) {
		i--
	}
	return strings.TrimSpace(s[:i]) + ellipsis
}

// resolve returns ref resolved against base (ref itself, trimmed, if base
// is nil). ok is false if ref is empty or does not parse, or the result has
// white space or control characters.
func resolve(base *url.URL, ref string) (string, bool) {
	ref = strings.TrimSpace(ref)
	if ref == "" {
		return "", false
	}
	u, err := url.Parse(ref)
	if err != nil {
		return "", false
	}
	if base != nil {
		ref = base.ResolveReference(u).String()
	}
	if client.CheckURL(ref) != nil {
		return "", false
	}
	return ref, true
}

// withBase returns base with the xml:base attribute xb applied (base
// itself if xb is empty or does not parse).
func withBase(base *url.URL, xb string) *url.URL {
	xb = strings.TrimSpace(xb)
	if xb == "" {
		return base
	}
	u, err := url.Parse(xb)
	if err != nil {
		return base
	}
	if base == nil {
		return u
	}
	return base.ResolveReference(u)
}

const (
	atomNS = "http://www.w3.org/2005/Atom"
	// ianaAlternate is rel="alternate" written as a URI (RFC 4287 4.2.7.2).
	ianaAlternate = "http://www.iana.org/assignments/relation/alternate"
)

// atomText is an Atom text construct: type text, html or xhtml.
type atomText struct {
	Type  string `xml:"type,attr"`
	Text  string `xml:",chardata"`
	Inner string `xml:",innerxml"`
}

// String returns the construct as plain text, markup removed.
func (t atomText) String() string {
	switch strings.ToLower(strings.TrimSpace(t.Type)) {
	case "html", "text/html":
		return html.UnescapeString(stripTags(t.Text))
	case "xhtml", "application/xhtml+xml":
		return html.UnescapeString(stripTags(t.Inner))
	}
	return t.Text
}

// stripTags removes what looks like markup (<...>) from s.
func stripTags(s string) string {
	if !strings.Contains(s, "<") {
		return s
	}
	var b strings.Builder
	for {
		i := strings.IndexByte(s, '<')
		if i < 0 {
			b.WriteString(s)
			return b.String()
		}
		b.WriteString(s[:i])
		j := strings.IndexByte(s[i:], '>')
		if j < 0 {
			return b.String()
		}
		b.WriteByte(' ') // tags may separate words
		s = s[i+j+1:]
	}
}

// atomLink is an Atom <link> (or, in RSS, an <atom:link>).
type atomLink struct {
	XMLName xml.Name
	Rel     string `xml:"rel,attr"`
	Href    string `xml:"href,attr"`
	Base    string `xml:"http://www.w3.org/XML/1998/namespace base,attr"`
}

// atomEntry is an Atom <entry>.
type atomEntry struct {
	Base      string     `xml:"http://www.w3.org/XML/1998/namespace base,attr"`
	Title     atomText   `xml:"title"`
	Links     []atomLink `xml:"link"`
	Published string     `xml:"published"`
	Updated   string     `xml:"updated"`
}

// atomFeed is an Atom <feed>.
type atomFeed struct {
	Base    string      `xml:"http://www.w3.org/XML/1998/namespace base,attr"`
	Title   atomText    `xml:"title"`
	Entries []atomEntry `xml:"entry"`
}

// rssLink is an RSS item's <link> (the URL is its text) or <atom:link>
// (the URL is its href).
type rssLink struct {
	XMLName xml.Name
	Rel     string `xml:"rel,attr"`
	Href    string `xml:"href,attr"`
	Text    string `xml:",chardata"`
}

// rssItem is an RSS <item>.
type rssItem struct {
	Title string    `xml:"title"`
	Links []rssLink `xml:"link"`
	GUID  struct {
		PermaLink string `xml:"isPermaLink,attr"`
		Text      string `xml:",chardata"`
	} `xml:"guid"`
	PubDate string `xml:"pubDate"`
	DCDate  string `xml:"http://purl.org/dc/elements/1.1/ date"`
}

// rssChannel is an RSS <channel>.
type rssChannel struct {
	Title string    `xml:"title"`
	Items []rssItem `xml:"item"`
}

// rssDoc is an <rss> document.
type rssDoc struct {
	Channels []rssChannel `xml:"channel"`
}

// ParseAtom parses an Atom feed (RFC 4287) or an RSS 2.0 feed
// (<rss><channel><item>).
//
// Atom: the feed's <title> and, per <entry>, its <title> (text, html or
// xhtml, markup removed), its first <link> with rel="alternate" or no rel,
// and <published>, else <updated>, as RFC 3339. An entry without such a
// link is skipped. Links are resolved against base and the xml:base
// attributes of the feed, the entry and the link.
//
// RSS: the channel's <title> and, per <item>, its <title>, its <link>
// (else a <guid> that is a permalink) resolved against base, and its
// <pubDate> (RFC 1123 and its variants) or <dc:date> (RFC 3339). An item
// without a link is skipped.
//
// An entry whose link does not parse, is longer than MaxURL or has white
// space or control characters is skipped too. A date that does not parse
// is zero. Titles are one line safe for a terminal, at most MaxTitle bytes
// (an entry without one gets its URL); HTML named entities are
// understood. XML that is not well formed is an error, and XML whose root
// is neither an Atom <feed> nor an <rss> with a <channel> is an error
// wrapping ErrNotAFeed. Nothing is ever fetched (no DTD, no external
// entity).
func ParseAtom(base *url.URL, r io.Reader) (Feed, error) {
	d := xml.NewDecoder(r)
	d.Entity = xml.HTMLEntity // &nbsp; &mdash; and friends, common in feeds
	d.CharsetReader = charset.NewReaderLabel
	for {
		tok, err := d.Token()
		if err == io.EOF {
			return Feed{}, fmt.Errorf("%w: the XML document has no element", ErrNotAFeed)
		}
		if err != nil {
			return Feed{}, malformed(err)
		}
		start, ok := tok.(xml.StartElement)
		if !ok {
			continue
		}
		switch {
		case start.Name.Local == "feed" && (start.Name.Space == atomNS || start.Name.Space == ""):
			var af atomFeed
			if err := d.DecodeElement(&af, &start); err != nil {
				return Feed{}, malformed(err)
			}
			return af.feed(base), nil
		case start.Name.Local == "rss" && start.Name.Space == "":
			var rd rssDoc
			if err := d.DecodeElement(&rd, &start); err != nil {
				return Feed{}, malformed(err)
			}
			if len(rd.Channels) == 0 {
				return Feed{}, fmt.Errorf("%w: the RSS document has no channel", ErrNotAFeed)
			}
			return rd.Channels[0].feed(base), nil
		}
		return Feed{}, fmt.Errorf("%w: the XML document is neither Atom nor RSS (its root is <%s>)",
			ErrNotAFeed, oneLine(start.Name.Local))
	}
}

// malformed returns the error for XML that does not decode.
func malformed(err error) error {
	return fmt.Errorf("malformed XML: %s", oneLine(err.Error()))
}

func (af *atomFeed) feed(base *url.URL) Feed {
	f := Feed{Title: oneLine(af.Title.String())}
	base = withBase(base, af.Base)
	for _, ae := range af.Entries {
		if len(f.Entries) >= MaxParsedEntries {
			break
		}
		eb := withBase(base, ae.Base)
		var link *atomLink
		for i, l := range ae.Links {
			if l.XMLName.Space != atomNS && l.XMLName.Space != "" {
				continue
			}
			if rel := strings.TrimSpace(l.Rel); (rel == "" || rel == "alternate" || rel == ianaAlternate) && strings.TrimSpace(l.Href) != "" {
				link = &ae.Links[i]
				break
			}
		}
		if link == nil {
			continue
		}
		u, ok := resolve(withBase(eb, link.Base), link.Href)
		if !ok {
			continue
		}
		published := parseRFC3339(ae.Published)
		if published.IsZero() {
			published = parseRFC3339(ae.Updated)
		}
		f.Entries = append(f.Entries, newEntry(u, ae.Title.String(), published))
	}
	return f
}

func (c *rssChannel) feed(base *url.URL) Feed {
	f := Feed{Title: oneLine(c.Title)}
	for _, it := range c.Items {
		if len(f.Entries) >= MaxParsedEntries {
			break
		}
		href := ""
		for _, l := range it.Links {
			if l.XMLName.Space == "" && strings.TrimSpace(l.Text) != "" {
				href = l.Text
				break
			}
		}
		if href == "" {
			for _, l := range it.Links {
				if l.XMLName.Space == atomNS && (l.Rel == "" || l.Rel == "alternate") && strings.TrimSpace(l.Href) != "" {
					href = l.Href
					break
				}
			}
		}
		if href == "" && !strings.EqualFold(strings.TrimSpace(it.GUID.PermaLink), "false") {
			href = it.GUID.Text
		}
		u, ok := resolve(base, href)
		if !ok {
			continue
		}
		published := parseRSSDate(it.PubDate)
		if published.IsZero() {
			published = parseRFC3339(it.DCDate)
		}
		f.Entries = append(f.Entries, newEntry(u, rssTitle(it.Title), published))
	}
	return f
}

// rssTitle returns an RSS item title as plain text: many feeds escape
// their titles twice ("&amp;#8217;") or put markup in them.
func rssTitle(s string) string {
	if strings.Contains(s, "<") && strings.Contains(s, ">") {
		s = stripTags(s)
	}
	return html.UnescapeString(s)
}

// parseRFC3339 returns the RFC 3339 time s in UTC, or zero.
func parseRFC3339(s string) time.Time {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}
	}
	t, err := time.Parse(time.RFC3339, strings.ToUpper(s))
	if err != nil {
		return time.Time{}
	}
	return validTime(t)
}

// rssLayouts are the pubDate forms tried in turn: RFC 1123 (RFC 822 with a
// four-digit year) with a numeric zone or a name, with or without the day
// of the week or the seconds, and RFC 822's two-digit years.
var rssLayouts = []string{
	time.RFC1123Z,
	time.RFC1123,
	"Mon, 2 Jan 2006 15:04:05 -0700",
	"Mon, 2 Jan 2006 15:04:05 MST",
	"2 Jan 2006 15:04:05 -0700",
	"2 Jan 2006 15:04:05 MST",
	"Mon, 2 Jan 2006 15:04 -0700",
	"Mon, 2 Jan 2006 15:04 MST",
	"2 Jan 2006 15:04 -0700",
	"2 Jan 2006 15:04 MST",
	"Mon, 2 Jan 06 15:04:05 -0700",
	"Mon, 2 Jan 06 15:04:05 MST",
	time.RFC3339,
}

// rfc822Zones are the zone names of RFC 822 (Go would take them for zones
// it does not know, at UTC).
var rfc822Zones = map[string]string{
	"UT": "+0000", "GMT": "+0000", "Z": "+0000",
	"EST": "-0500", "EDT": "-0400", "CST": "-0600", "CDT": "-0500",
	"MST": "-0700", "MDT": "-0600", "PST": "-0800", "PDT": "-0700",
}

// parseRSSDate returns the pubDate s in UTC, or zero if it does not parse.
func parseRSSDate(s string) time.Time {
	fields := strings.Fields(s)
	if len(fields) == 0 {
		return time.Time{}
	}
	if off, ok := rfc822Zones[strings.ToUpper(fields[len(fields)-1])]; ok && len(fields) > 1 {
		fields[len(fields)-1] = off
	}
	s = strings.Join(fields, " ")
	for _, layout := range rssLayouts {
		if t, err := time.Parse(layout, s); err == nil {
			return validTime(t)
		}
	}
	return time.Time{}
}

// validTime returns t in UTC to the second, or zero if its year is not
// 1 to 9999 (which RFC 3339 could not write).
func validTime(t time.Time) time.Time {
	t = t.UTC().Truncate(time.Second)
	if y := t.Year(); y < 1 || y > 9999 {
		return time.Time{}
	}
	return t
}
