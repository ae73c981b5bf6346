package browser

import (
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"

	"propus/browser/internal/golden"
	"propus/client"
	"propus/testserver"
)

// hopSite is a test server that records the whole URL of every request
// (host, port, path and query), for the redirect and slow-down tests.
type hopSite struct {
	*testserver.TestServer
	mu   sync.Mutex
	urls []string
}

// newHopSite serves mux, recording the requests.
func newHopSite(t *testing.T, mux *testserver.Mux) *hopSite {
	s := &hopSite{}
	s.TestServer = testserver.NewServer(t, testserver.HandlerFunc(func(w testserver.ResponseWriter, r *testserver.Request) {
		s.mu.Lock()
		s.urls = append(s.urls, r.URL.String())
		s.mu.Unlock()
		mux.ServeGemini(w, r)
	}))
	return s
}

// requested returns the URLs requested so far.
func (s *hopSite) requested() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.urls)
}

// want fails the test unless the server saw exactly the paths given (on
// 127.0.0.1 unless a path is a whole URL).
func (s *hopSite) want(t *testing.T, paths ...string) {
	t.Helper()
	want := make([]string, len(paths))
	for i, p := range paths {
		want[i] = p
		if strings.HasPrefix(p, "/") {
			want[i] = s.URL + p
		}
	}
	if got := s.requested(); !slices.Equal(got, want) {
		t.Errorf("the server saw %q, want %q", got, want)
	}
}

// statuses handles messages until cond holds, recording every status
// line shown on the way (each once, in order).
func (d *driver) statuses(cond func() bool, what string) []string {
	d.t.Helper()
	return d.statusesDuring(func() { d.waitUntil(cond, what) })
}

// statusesDuring runs do and returns every status line shown meanwhile,
// after each message the model handled (each once, in order).
func (d *driver) statusesDuring(do func()) []string {
	d.t.Helper()
	var seen []string
	record := func() {
		if st := strings.TrimSpace(d.statusLine()); len(seen) == 0 || seen[len(seen)-1] != st {
			seen = append(seen, st)
		}
	}
	record()
	d.watch = record
	defer func() { d.watch = nil }()
	do()
	return seen
}

func redirect(to string) testserver.Handler { return testserver.Reply(client.StatusRedirect, to) }

func TestRedirectChain(t *testing.T) {
	t.Parallel()
	mux := testserver.NewMux()
	mux.Handle("/", testserver.Page("text/gemini", "# Start\n=> /a Go\n"))
	mux.Handle("/a", redirect("/b"))
	mux.Handle("/b", redirect("c")) // relative
	mux.Handle("/c", testserver.Page("text/gemini", "# Arrived\n"))
	s := newHopSite(t, mux)
	d := newDriver(t, 100, 30, false, s.URL+"/")
	d.waitFor("# Start")
	d.press("x")
	d.send(keyMsg("1"))
	seen := d.statuses(func() bool { return strings.Contains(d.screen(), "# Arrived") }, "the end of the chain")
	s.want(t, "/", "/a", "/b", "/c")
	if !slices.ContainsFunc(seen, func(st string) bool { return strings.Contains(st, "↪ 1 redirect: /a → /b ") }) {
		t.Errorf("the status line never showed the hop under way; it showed %q", seen)
	}
	if st := d.statusLine(); !strings.HasPrefix(st, "↪ 2 redirects: /a → /b → /c · 20 SUCCESS") {
		t.Errorf("status %q", st)
	}
	if p := d.page(); p.URL.String() != s.URL+"/c" {
		t.Errorf("the page is %s", p.URL)
	}
	if n := len(d.m.tab().Back); n != 1 {
		t.Errorf("the history holds %d pages, want 1 (the redirects are no steps of it)", n)
	}
	d.press("H")
	d.waitFor("# Start")
	if st := d.statusLine(); strings.Contains(st, "↪") {
		t.Errorf("going back kept the chain: %q", st)
	}

	t.Run("cut to width", func(t *testing.T) {
		mux := testserver.NewMux()
		for i := 1; i < 5; i++ {
			mux.Handle(fmt.Sprintf("/hop-number-%d", i), redirect(fmt.Sprintf("/hop-number-%d", i+1)))
		}
		mux.Handle("/hop-number-5", testserver.Page("text/gemini", "# Five\n"))
		s := newHopSite(t, mux)
		d := newDriver(t, 60, 20, false, s.URL+"/hop-number-1")
		d.waitFor("# Five")
		if st := d.statusLine(); !strings.HasPrefix(st, "↪ 4 redirects: /hop-number-1 → … → /hop-number-5") {
			t.Errorf("status %q", st)
		}
		d = newDriver(t, 40, 20, false, s.URL+"/hop-number-1")
		d.waitFor("# Five")
		if st := d.statusLine(); !strings.HasPrefix(st, "↪ 4 redirects from /hop-number-1 · ") {
			t.Errorf("status at 40 columns %q", st)
		}
	})
}

func TestRedirectTooMany(t *testing.T) {
	t.Parallel()
	mux := testserver.NewMux()
	mux.Handle("/r/(?P<n>[0-9]+)", testserver.HandlerFunc(func(w testserver.ResponseWriter, r *testserver.Request) {
		var n int
		fmt.Sscan(r.Param("n"), &n)
		w.WriteHeader(client.StatusRedirect, fmt.Sprintf("/r/%d", n+1))
	}))
	s := newHopSite(t, mux)
	d := newDriver(t, 100, 30, false, s.URL+"/r/1")
	scr := d.waitFor("# Too many redirects")
	s.want(t, "/r/1", "/r/2", "/r/3", "/r/4", "/r/5", "/r/6")
	for _, want := range []string{"• " + s.URL + "/r/1", "• " + s.URL + "/r/6", "• then 30 REDIRECT - TEMPORARY to /r/7",
		"[1] Follow the last redirect by hand"} {
		if !strings.Contains(scr, want) {
			t.Errorf("the page lacks %q:\n%s", want, scr)
		}
	}
	d.press("tab")
	if st := d.statusLine(); !strings.Contains(st, "link 1/1") {
		t.Errorf("status %q", st)
	}
	// Following by hand starts a new chain, which is too long again: the
	// page is replaced by one on /r/7 to /r/12.
	d.press("1")
	scr = d.waitFor("• then 30 REDIRECT - TEMPORARY to /r/13")
	for _, want := range []string{"# Too many redirects", "• " + s.URL + "/r/7", "• " + s.URL + "/r/12"} {
		if !strings.Contains(scr, want) {
			t.Errorf("the second page lacks %q:\n%s", want, scr)
		}
	}
	if strings.Contains(scr, "• "+s.URL+"/r/6 ") || strings.Contains(scr, "to /r/7") {
		t.Errorf("the second page still shows the first chain:\n%s", scr)
	}
	s.want(t, "/r/1", "/r/2", "/r/3", "/r/4", "/r/5", "/r/6", "/r/7", "/r/8", "/r/9", "/r/10", "/r/11", "/r/12")
}

// Options.MaxRedirects 2 follows two hops of a three-hop chain, then
// shows the chain as too long; the default follows all three.
func TestRedirectMaxRedirects(t *testing.T) {
	t.Parallel()
	mux := testserver.NewMux()
	mux.Handle("/a", redirect("/b"))
	mux.Handle("/b", redirect("/c"))
	mux.Handle("/c", redirect("/d"))
	mux.Handle("/d", testserver.Page("text/gemini", "# Arrived\n"))
	s := newHopSite(t, mux)
	d := newDriverOpts(t, 100, 30, Options{MaxRedirects: 2}, s.URL+"/a")
	scr := d.waitFor("# Too many redirects")
	s.want(t, "/a", "/b", "/c")
	for _, want := range []string{"too many redirects (more than 2)", "• " + s.URL + "/a", "• " + s.URL + "/c",
		"• then 30 REDIRECT - TEMPORARY to /d", "[1] Follow the last redirect by hand"} {
		if !strings.Contains(scr, want) {
			t.Errorf("the page lacks %q:\n%s", want, scr)
		}
	}
	if strings.Contains(scr, "# Arrived") {
		t.Errorf("the chain was followed to its end:\n%s", scr)
	}

	d = newDriverOpts(t, 100, 30, Options{}, s.URL+"/a")
	d.waitFor("# Arrived")
	s.want(t, "/a", "/b", "/c", "/a", "/b", "/c", "/d")
}

func TestRedirectLoop(t *testing.T) {
	t.Parallel()
	mux := testserver.NewMux()
	mux.Handle("/x", redirect("/y"))
	mux.Handle("/y", redirect("/x"))
	s := newHopSite(t, mux)
	d := newDriver(t, 100, 30, false, s.URL+"/x")
	scr := d.waitFor("# Redirect loop")
	s.want(t, "/x", "/y")
	for _, want := range []string{"• " + s.URL + "/x", "• " + s.URL + "/y", "• then 30 REDIRECT - TEMPORARY to /x",
		"[1] Follow the last redirect by hand"} {
		if !strings.Contains(scr, want) {
			t.Errorf("the page lacks %q:\n%s", want, scr)
		}
	}
	d.press("x")
	if st := d.statusLine(); !strings.HasPrefix(st, "↪ 1 redirect: /x → /y · 30 REDIRECT") {
		t.Errorf("status %q", st)
	}
}

func TestRedirectDropsQuery(t *testing.T) {
	t.Parallel()
	mux := testserver.NewMux()
	mux.Handle("/search", testserver.HandlerFunc(func(w testserver.ResponseWriter, r *testserver.Request) {
		if r.URL.RawQuery != "" {
			w.WriteHeader(client.StatusRedirect, "#results") // the same path, and a fragment
			return
		}
		w.Write([]byte("# Search without a query\n"))
	}))
	mux.Handle("/form/ask", redirect("answer")) // relative
	mux.Handle("/form/answer", testserver.Page("text/gemini", "# Answer\n"))
	s := newHopSite(t, mux)

	d := newDriver(t, 100, 30, false, s.URL+"/search?secret=1")
	d.waitFor("# Search without a query")
	s.want(t, "/search?secret=1", "/search")
	if st := d.statusLine(); strings.Contains(st, "secret") || !strings.Contains(st, "↪ 1 redirect: /search?… → /search") {
		t.Errorf("status %q", st)
	}

	d = newDriver(t, 100, 30, false, s.URL+"/form/ask?q=2")
	d.waitFor("# Answer")
	s.want(t, "/search?secret=1", "/search", "/form/ask?q=2", "/form/answer")
}

func TestRedirectCrossHost(t *testing.T) {
	t.Parallel()
	mux := testserver.NewMux()
	mux.Handle("/", testserver.Page("text/gemini", "# Start\n=> /away Away\n"))
	s := newHopSite(t, mux)
	there := "gemini://localhost:" + itoa(s.Port) + "/there"
	mux.Handle("/away", redirect(there))
	mux.Handle("/there", testserver.Page("text/gemini", "# There\n"))
	for _, size := range []struct{ w, h int }{{40, 20}, {100, 30}} {
		t.Run(fmt.Sprintf("%dx%d", size.w, size.h), func(t *testing.T) {
			d := newDriver(t, size.w, size.h, false, s.URL+"/")
			d.waitFor("# Start")
			d.pressThen(func() bool { return d.m.dialogs.Top() != nil }, "the redirect dialog", "1")
			golden.Check(t, fmt.Sprintf("redirect-cross-host-%dx%d", size.w, size.h), normalize(d.screen()))
		})
	}
	s.mu.Lock()
	s.urls = nil
	s.mu.Unlock()

	d := newDriver(t, 100, 30, false, s.URL+"/")
	d.waitFor("# Start")
	d.pressThen(func() bool { return d.m.dialogs.Top() != nil }, "the redirect dialog", "1")
	scr := d.screen()
	for _, want := range []string{"Follow this redirect to another server?", "From (30 REDIRECT - TEMPORARY)",
		"   " + s.URL + "/away", "   " + there, "127.0.0.1:" + itoa(s.Port) + " sends you to localhost:" + itoa(s.Port)} {
		if !strings.Contains(scr, want) {
			t.Errorf("the dialog lacks %q:\n%s", want, scr)
		}
	}
	d.press("j", "x", "space") // other keys do nothing
	if d.m.dialogs.Top() == nil {
		t.Fatal("a key other than the answers closed the dialog")
	}
	s.want(t, "/", "/away")
	d.press("esc")
	scr = d.waitFor("The page has moved")
	if d.m.dialogs.Top() != nil || d.page().Address != s.URL+"/away" {
		t.Errorf("esc: dialog %v, page %s", d.m.dialogs.Top(), d.page().Address)
	}
	s.want(t, "/", "/away")

	d.pressThen(func() bool { return d.m.dialogs.Top() != nil }, "the redirect dialog again", "r")
	d.press("f")
	d.waitFor("# There")
	s.want(t, "/", "/away", "/away", there)
	d.press("x")
	if st := d.statusLine(); !strings.HasPrefix(st, "↪ 1 redirect: /away → "+there+" · 20") {
		t.Errorf("status %q", st)
	}
	if n := len(d.m.tab().Back); n != 1 {
		t.Errorf("the history holds %d pages, want 1", n)
	}
}

func TestRedirectOtherScheme(t *testing.T) {
	t.Parallel()
	mux := testserver.NewMux()
	mux.Handle("/web", redirect("https://example.com/page"))
	s := newHopSite(t, mux)
	d := newDriver(t, 100, 30, false, s.URL+"/web")
	d.waitUntil(func() bool { return d.asking() }, "the question")
	scr := d.screen()
	if !strings.Contains(scr, "This link leaves Gemini space") || !strings.Contains(scr, "https://example.com/page") {
		t.Errorf("the question:\n%s", scr)
	}
	cmd := d.runKey("y")
	if cmd == nil || cmd() == nil {
		t.Error("y returned no clipboard command")
	}
	if !strings.Contains(d.screen(), "The page has moved") {
		t.Errorf("after the question:\n%s", d.screen())
	}
	s.want(t, "/web")
}

func TestRedirectPolicies(t *testing.T) {
	t.Parallel()
	mux := testserver.NewMux()
	mux.Handle("/a", redirect("/b"))
	mux.Handle("/b", testserver.Page("text/gemini", "# B\n"))
	mux.Handle("/old", testserver.Reply(client.StatusPermanentRedirect, "/b"))
	s := newHopSite(t, mux)

	t.Run("ask", func(t *testing.T) {
		d := newDriverOpts(t, 100, 30, Options{Redirects: RedirectAsk}, s.URL+"/a")
		d.waitUntil(func() bool { return d.m.dialogs.Top() != nil }, "the redirect dialog")
		scr := d.screen()
		if !strings.Contains(scr, "Follow this redirect?") || strings.Contains(scr, "another server") {
			t.Errorf("the dialog:\n%s", scr)
		}
		if got := s.requested(); got[len(got)-1] != s.URL+"/a" {
			t.Errorf("the server saw %q before the answer", got)
		}
		d.press("enter") // never an answer
		if d.m.dialogs.Len() != 1 {
			t.Fatal("enter closed the redirect dialog")
		}
		d.press("f")
		d.waitFor("# B")
	})
	t.Run("never", func(t *testing.T) {
		n := len(s.requested())
		d := newDriverOpts(t, 100, 30, Options{Redirects: RedirectNever}, s.URL+"/a")
		d.waitFor("The page has moved")
		if d.m.dialogs.Top() != nil || len(s.requested()) != n+1 {
			t.Errorf("dialog %v, the server saw %q", d.m.dialogs.Top(), s.requested()[n:])
		}
	})
	t.Run("permanent", func(t *testing.T) {
		d := newDriver(t, 100, 30, false, s.URL+"/old")
		d.waitFor("# B")
		if st := d.statusLine(); !strings.Contains(st, "Moved permanently to "+s.URL+"/b") {
			t.Errorf("status %q", st)
		}
	})
}
