package browser

import (
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"propus/browser/feeds"
	"propus/client"
	"propus/testserver"
)

// feedSite is a capsule with a gemlog whose index can change, an Atom
// feed, a page linking to it, a page that is no feed, and a feed that
// can start failing.
type feedSite struct {
	*testserver.TestServer
	mu    sync.Mutex
	index string
	gone  bool
}

func (s *feedSite) setIndex(text string) { s.mu.Lock(); s.index = text; s.mu.Unlock() }
func (s *feedSite) setGone()             { s.mu.Lock(); s.gone = true; s.mu.Unlock() }

const gemlogIndex = "# My gemlog\n\n=> first.gmi 2026-01-01 - First post\n=> second.gmi 2026-02-01 Second post\n=> /about.gmi About me\n"

func newFeedSite(t *testing.T) *feedSite {
	s := &feedSite{index: gemlogIndex}
	mux := testserver.NewMux()
	mux.HandleStrict("/log/", testserver.HandlerFunc(func(w testserver.ResponseWriter, _ *testserver.Request) {
		s.mu.Lock()
		defer s.mu.Unlock()
		w.WriteHeader(client.StatusSuccess, "text/gemini")
		w.Write([]byte(s.index))
	}))
	mux.HandleStrict("/atom.xml", testserver.Page("application/atom+xml", `<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Atom news</title>
<entry><title>Release day</title><link href="/news/release.gmi"/><updated>2026-03-05T10:00:00Z</updated></entry>
</feed>`))
	mux.HandleStrict("/news/", testserver.Page("text/gemini", "# News\n\n=> /atom.xml Atom feed\n"))
	mux.HandleStrict("/plain", testserver.Page("text/gemini", "# Not a feed\n\n=> /log/ A link without a date\n"))
	mux.HandleStrict("/fragile/", testserver.HandlerFunc(func(w testserver.ResponseWriter, _ *testserver.Request) {
		s.mu.Lock()
		defer s.mu.Unlock()
		if s.gone {
			w.WriteHeader(client.StatusNotFound, "This gemlog has moved on")
			return
		}
		w.WriteHeader(client.StatusSuccess, "text/gemini")
		w.Write([]byte("# Fragile log\n=> a.gmi 2025-12-24 Christmas\n"))
	}))
	s.TestServer = testserver.NewServer(t, mux)
	return s
}

func feedStore(t *testing.T) (*feeds.Store, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "feeds")
	fs, err := feeds.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	return fs, path
}

func TestFeedsSubscribeRefreshUnsubscribe(t *testing.T) {
	t.Parallel()
	s := newFeedSite(t)
	fs, path := feedStore(t)
	d := newDriverOpts(t, 100, 40, Options{Feeds: fs}, s.URL+"/plain")
	d.waitLoaded()

	// A page with no dated link is not a feed: nothing is subscribed.
	d.press("S")
	d.waitFor("Not subscribed")
	if len(fs.Subscriptions()) != 0 {
		t.Fatal("a page that is no feed was subscribed to")
	}

	// A gemlog: subscribed, with its dated entries.
	d.press("o")
	d.typeText(s.URL + "/log/")
	d.press("enter")
	d.wantLoaded()
	d.press("S")
	d.waitFor("Subscribed to My gemlog (2 entries)")
	again, err := feeds.Open(path)
	if err != nil || len(again.Subscriptions()) != 1 || len(again.Entries()) != 2 {
		t.Fatalf("the file holds %+v %+v (%v)", again.Subscriptions(), again.Entries(), err)
	}

	// A selected link to an Atom feed: subscribed to the link, not the page.
	d.press("o")
	d.typeText(s.URL + "/news/")
	d.press("enter")
	d.wantLoaded()
	d.press("tab", "S")
	d.waitFor("Subscribed to Atom news (1 entry)")

	// And one that will fail.
	d.press("o")
	d.typeText(s.URL + "/fragile/")
	d.press("enter")
	d.wantLoaded()
	d.press("S")
	d.waitFor("Subscribed to Fragile log")

	// F shows about:feeds: the new entries across feeds, newest first.
	d.press("F")
	scr := d.waitFor("New: 4 entries")
	for _, want := range []string{"Release day — Atom news", "Second post — My gemlog", "First post — My gemlog", "Christmas — Fragile log", "Unsubscribe from Atom news"} {
		if !strings.Contains(scr, want) {
			t.Errorf("about:feeds lacks %q:\n%s", want, scr)
		}
	}
	if strings.Contains(scr, "About me") {
		t.Errorf("a link without a date is listed:\n%s", scr)
	}
	if a, b := strings.Index(scr, "Release day"), strings.Index(scr, "First post"); a > b {
		t.Errorf("not newest first:\n%s", scr)
	}

	// A refresh, on demand with r, fetches every feed in the background.
	s.setIndex(gemlogIndex + "=> third.gmi 2026-04-01 Third post\n")
	s.setGone()
	d.send(keyMsg("r")) // the progress shows at once, before any feed is back
	if scr := d.screen(); !strings.Contains(scr, "Refreshing feeds 0/3") || !strings.Contains(scr, "Refreshing: 0 of 3 feeds done") {
		t.Errorf("no progress line:\n%s", scr)
	}
	d.send(keyMsg("r"))
	if !strings.Contains(d.screen(), "The feeds are being refreshed") {
		t.Errorf("a second r during a refresh:\n%s", d.screen())
	}
	d.waitFor("Feeds refreshed: 1 new entry, 1 feed failed")
	scr = d.waitFor("New: 5 entries")
	if !strings.Contains(scr, "Third post — My gemlog") || !strings.Contains(scr, "the last refresh failed: 51") {
		t.Errorf("after the refresh:\n%s", scr)
	}
	// The failed feed kept its entries.
	if !strings.Contains(scr, "Christmas — Fragile log") {
		t.Errorf("a failed refresh lost the feed's entries:\n%s", scr)
	}

	// Mark every entry read: nothing new, the entries move down.
	followLink(t, d, "Mark every entry read")
	scr = d.waitFor("Nothing new")
	if !strings.Contains(scr, "## Read") && !strings.Contains(scr, "Read") {
		t.Errorf("read entries are not listed:\n%s", scr)
	}

	// Unsubscribing asks first.
	followLink(t, d, "Unsubscribe from Atom news")
	d.waitFor("Unsubscribe from Atom news?")
	d.press("y")
	d.waitFor("Unsubscribed from Atom news")
	if _, ok := fs.Find(s.URL + "/atom.xml"); ok {
		t.Error("still subscribed")
	}
	if strings.Contains(d.screen(), "Release day") {
		t.Errorf("the entries of the feed left are still listed:\n%s", d.screen())
	}
}

// followLink selects the link whose label contains label with Tab and
// follows it.
func followLink(t *testing.T, d *driver, label string) {
	t.Helper()
	p := d.m.tab().Page
	for n := 1; n <= p.Doc.Links(); n++ {
		if _, l := p.Doc.Link(n); strings.Contains(l.Text, label) {
			p.View.Selected = n
			d.press("enter")
			return
		}
	}
	t.Fatalf("no link %q on the page:\n%s", label, d.screen())
}

func TestSubscribeAgainAsksToUnsubscribe(t *testing.T) {
	t.Parallel()
	s := newFeedSite(t)
	fs, _ := feedStore(t)
	d := newDriverOpts(t, 80, 24, Options{Feeds: fs}, s.URL+"/log/")
	d.waitLoaded()
	d.press("S")
	d.waitFor("Subscribed to My gemlog")
	d.press("S")
	d.waitFor("Unsubscribe from My gemlog?")
	d.press("esc")
	if _, ok := fs.Find(s.URL + "/log/"); !ok {
		t.Fatal("esc unsubscribed")
	}
	d.press("S")
	d.waitFor("Unsubscribe from My gemlog?")
	d.press("y")
	d.waitFor("Unsubscribed from My gemlog")
	if len(fs.Subscriptions()) != 0 {
		t.Fatal("still subscribed")
	}
}

// TestFeedsPageButtonsOnlyThere: the links that change the feeds act only
// on about:feeds itself, and a feed's entry cannot be one of them.
func TestFeedsPageButtonsOnlyThere(t *testing.T) {
	t.Parallel()
	mux := testserver.NewMux()
	mux.HandleStrict("/", testserver.Page("text/gemini",
		"# Sly log\n=> about:feeds?read 2026-01-01 Click me\n=> about:feeds?unsubscribe=x 2026-01-02 Me too\n=> ok.gmi 2026-01-03 Fine\n"))
	s := testserver.NewServer(t, mux)
	fs, _ := feedStore(t)
	d := newDriverOpts(t, 80, 30, Options{Feeds: fs}, s.URL+"/")
	d.waitLoaded()
	d.press("1") // a page's link to about:feeds?read just opens about:feeds
	d.waitFor("No subscription yet")
	d.press("H")
	d.wantLoaded()
	d.press("S")
	d.waitFor("Subscribed to Sly log")
	d.press("F")
	scr := d.waitFor("Fine — Sly log")
	if strings.Contains(scr, "Click me") || strings.Contains(scr, "Me too") {
		t.Errorf("about:feeds lists entries that are its own buttons:\n%s", scr)
	}
}

func TestFeedsOff(t *testing.T) {
	t.Parallel()
	s := newFeedSite(t)
	d := newDriverOpts(t, 80, 24, Options{}, s.URL+"/log/")
	d.waitLoaded()
	d.press("S")
	d.waitFor("Feeds are off")
	d.press("F")
	d.waitFor("Feeds are off.")
}

// The feeds refresh by themselves at start, then every FeedsRefresh,
// without a word unless something came of it.
func TestFeedsRefreshByThemselves(t *testing.T) {
	t.Parallel()
	s := newFeedSite(t)
	fs, _ := feedStore(t)
	if err := fs.Subscribe(s.URL+"/log/", "My gemlog"); err != nil {
		t.Fatal(err)
	}
	d := newDriverOpts(t, 100, 30, Options{Feeds: fs, FeedsRefresh: time.Hour}, "about:blank")
	d.waitUntil(func() bool { return len(fs.Entries()) == 2 }, "the refresh at start")
	s.setIndex(gemlogIndex + "=> third.gmi 2026-04-01 Third post\n")
	d.advance(time.Hour - time.Minute)
	if n := len(fs.Entries()); n != 2 {
		t.Fatalf("refreshed before the hour: %d entries", n)
	}
	d.advance(time.Minute)
	if n := len(fs.Entries()); n != 3 {
		t.Errorf("after an hour: %d entries, want 3", n)
	}
}
