package browser

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"propus/browser/download"
	"propus/browser/picture"
	"propus/browser/render"
	"propus/browser/tabs"
	"propus/client"
	"propus/gemtext"
	"propus/testserver"
	"propus/tofu"
)

// site is a test server that records the path of every request its
// handler sees.
type site struct {
	*testserver.TestServer
	mu    sync.Mutex
	paths []string
}

// newSite serves h, recording the requests.
func newSite(t *testing.T, h testserver.Handler) *site {
	s := &site{}
	s.TestServer = testserver.NewServer(t, testserver.HandlerFunc(func(w testserver.ResponseWriter, r *testserver.Request) {
		s.mu.Lock()
		s.paths = append(s.paths, r.URL.Path)
		s.mu.Unlock()
		h.ServeGemini(w, r)
	}))
	return s
}

// pagesSite serves the gemtext pages (path → body), recording requests.
func pagesSite(t *testing.T, pages map[string]string) *site {
	mux := testserver.NewMux()
	for path, body := range pages {
		mux.HandleStrict(regexp.QuoteMeta(path), testserver.Page("text/gemini", body))
	}
	return newSite(t, mux)
}

// seen returns the paths requested so far.
func (s *site) seen() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.paths)
}

// count returns how many times path was requested.
func (s *site) count(path string) int {
	n := 0
	for _, p := range s.seen() {
		if p == path {
			n++
		}
	}
	return n
}

// last returns the path requested last.
func (s *site) last() string {
	p := s.seen()
	if len(p) == 0 {
		return ""
	}
	return p[len(p)-1]
}

// page returns the active tab's page, failing the test when there is none.
func (d *driver) page() *tabs.Page {
	d.t.Helper()
	p := d.m.tab().Page
	if p == nil {
		d.t.Fatalf("no page shown; the screen shows:\n%s", d.screen())
	}
	return p
}

// statusLine returns the status line (ANSI stripped).
func (d *driver) statusLine() string {
	rows := strings.Split(d.screen(), "\n")
	return rows[len(rows)-2]
}

// runKey sends k straight to Update and returns its command, unrun.
func (d *driver) runKey(k string) tea.Cmd {
	_, cmd := d.m.Update(keyMsg(k))
	return cmd
}

// longPage is a page of n numbered lines, headed by the links given.
func longPage(n int, links ...string) string {
	var b strings.Builder
	b.WriteString("# Long page\n")
	for _, l := range links {
		b.WriteString("=> " + l + "\n")
	}
	for i := 1; i <= n; i++ {
		fmt.Fprintf(&b, "Line %d\n", i)
	}
	return b.String()
}

func wantPaths(t *testing.T, s *site, want ...string) {
	t.Helper()
	if got := s.seen(); !slices.Equal(got, want) {
		t.Errorf("the server saw %q, want %q", got, want)
	}
}

func TestFollowLinkByNumber(t *testing.T) {
	t.Parallel()
	var links strings.Builder
	links.WriteString("# Many links\n")
	pages := map[string]string{}
	for i := 1; i <= 15; i++ {
		fmt.Fprintf(&links, "=> /l%d Link number %d\n", i, i)
		pages[fmt.Sprintf("/l%d", i)] = fmt.Sprintf("# Target %d\n", i)
	}
	pages["/many"] = links.String()
	pages["/three"] = "# Three\n=> /l1 One\n=> /l2 Two\n=> /l3 Three\n"
	s := pagesSite(t, pages)

	t.Run("single digit", func(t *testing.T) {
		d := newDriver(t, 80, 24, false, s.URL+"/three")
		d.waitLoaded()
		d.press("2")
		d.waitFor("# Target 2")
		if s.last() != "/l2" {
			t.Errorf("the server saw %q last, want /l2", s.last())
		}
	})
	t.Run("single digit that cannot grow", func(t *testing.T) {
		d := newDriver(t, 80, 24, false, s.URL+"/many")
		d.waitLoaded()
		d.press("3") // 30 > 15 links: no second digit can follow
		d.waitFor("# Target 3")
	})
	t.Run("two digits", func(t *testing.T) {
		d := newDriver(t, 80, 24, false, s.URL+"/many")
		d.waitLoaded()
		d.press("1")
		if st := d.statusLine(); !strings.Contains(st, "Follow link 1_") {
			t.Errorf("after 1 the status line says %q", st)
		}
		if d.m.tab().Loading != "" {
			t.Fatal("1 followed a link at once on a page of 15 links")
		}
		d.press("2")
		d.waitFor("# Target 12")
		if s.last() != "/l12" {
			t.Errorf("the server saw %q last, want /l12", s.last())
		}
		d.press("H")
		d.waitFor("Many links")
		d.press("1", "enter")
		d.waitFor("# Target 1")
		if s.last() != "/l1" {
			t.Errorf("the server saw %q last, want /l1", s.last())
		}
	})
	t.Run("no such link", func(t *testing.T) {
		d := newDriver(t, 80, 24, false, s.URL+"/three")
		d.waitLoaded()
		d.press("9")
		if st := d.statusLine(); !strings.Contains(st, "No link 9 on this page (3 links)") {
			t.Errorf("the status line says %q", st)
		}
	})
}

func TestTabSelectsLinks(t *testing.T) {
	t.Parallel()
	s := pagesSite(t, map[string]string{
		"/":  "# Links\n=> /a Alpha\n=> /b Beta\n=> /c Gamma\n",
		"/a": "# Page A\n", "/b": "# Page B\n", "/c": "# Page C\n",
	})
	d := newDriver(t, 80, 24, false, s.URL+"/")
	d.waitLoaded()
	d.press("tab")
	if got := d.page().View.Selected; got != 1 {
		t.Fatalf("tab selected link %d, want 1", got)
	}
	if st := d.statusLine(); !strings.Contains(st, "link 1/3") {
		t.Errorf("the status line says %q, want link 1/3", st)
	}
	d.press("tab", "tab", "shift+tab")
	if got := d.page().View.Selected; got != 2 {
		t.Fatalf("tab tab shift+tab selected link %d, want 2", got)
	}
	if !strings.Contains(d.screen(), "▶[2] Beta") {
		t.Errorf("the selected link is not marked:\n%s", d.screen())
	}
	d.press("enter")
	d.waitFor("# Page B")
	d.press("H")
	d.waitFor("# Links")
	d.press("shift+tab", "shift+tab", "shift+tab", "shift+tab") // wraps: 2 → 1 → 3 → 2 → 1
	d.press("enter")
	d.waitFor("# Page A")
	wantPaths(t, s, "/", "/b", "/a")
}

func TestHistoryRestoresScroll(t *testing.T) {
	t.Parallel()
	s := pagesSite(t, map[string]string{
		"/long": longPage(100, "/next Next page"),
		"/next": "# Next page\n=> /long Back to the long page\n",
	})
	d := newDriver(t, 80, 24, false, s.URL+"/long")
	d.waitLoaded()
	for range 10 {
		d.press("j")
	}
	top := d.page().View.Top
	if top == (render.Pos{}) {
		t.Fatal("j did not scroll")
	}
	for _, back := range []string{"H", "backspace", "alt+left"} {
		d.press("1")
		d.waitFor("# Next page")
		d.press(back)
		d.waitFor("Line 10")
		if got := d.page().View.Top; got != top {
			t.Errorf("%s: back at %+v, want %+v", back, got, top)
		}
		if d.page().Address != s.URL+"/long" {
			t.Errorf("%s: back on %s", back, d.page().Address)
		}
	}
	// Forward, and back again.
	d.press("L")
	d.waitFor("# Next page")
	d.press("H")
	d.waitFor("Line 10")
	if got := d.page().View.Top; got != top {
		t.Errorf("back after forward at %+v, want %+v", got, top)
	}
	d.press("H")
	if st := d.statusLine(); !strings.Contains(st, "No page to go back to") {
		t.Errorf("back at the start: status %q", st)
	}
	d.press("L", "L")
	if st := d.statusLine(); !strings.Contains(st, "No page to go forward to") {
		t.Errorf("forward at the end: status %q", st)
	}
	if n := s.count("/long"); n != 1 {
		t.Errorf("the long page was requested %d times; back should show it from memory", n)
	}
}

// TestHistoryReloadsOldPages goes further than the pages kept in memory,
// so that going back loads the first page again: it must come back
// scrolled to where it was.
func TestHistoryReloadsOldPages(t *testing.T) {
	t.Parallel()
	pages := map[string]string{"/0": longPage(100, "/1 Next")}
	for i := 1; i <= tabs.MaxCachedPages+1; i++ {
		pages[fmt.Sprintf("/%d", i)] = fmt.Sprintf("# Page %d\n=> /%d Next\n", i, i+1)
	}
	s := pagesSite(t, pages)
	d := newDriver(t, 80, 24, false, s.URL+"/0")
	d.waitLoaded()
	for range 10 {
		d.press("j")
	}
	top := d.page().View.Top
	for i := 1; i <= tabs.MaxCachedPages+1; i++ {
		d.press("1")
		d.waitFor(fmt.Sprintf("# Page %d", i))
	}
	for range tabs.MaxCachedPages + 1 {
		d.press("H")
		d.wantLoaded()
	}
	d.waitFor("Line 10")
	if n := s.count("/0"); n != 2 {
		t.Errorf("the first page was requested %d times, want 2 (once again after it left the cache)", n)
	}
	if got := d.page().View.Top; got != top {
		t.Errorf("back to a reloaded page at %+v, want %+v", got, top)
	}
}

func TestReload(t *testing.T) {
	t.Parallel()
	s := pagesSite(t, map[string]string{"/long": longPage(100)})
	d := newDriver(t, 80, 24, false, s.URL+"/long")
	d.waitLoaded()
	for range 10 {
		d.press("j")
	}
	top := d.page().View.Top
	d.press("r")
	d.wantLoaded()
	if n := s.count("/long"); n != 2 {
		t.Fatalf("r: the page was requested %d times, want 2", n)
	}
	if got := d.page().View.Top; got != top {
		t.Errorf("reloaded at %+v, want %+v", got, top)
	}
	if !strings.Contains(d.screen(), "Line 10") {
		t.Errorf("the reloaded page does not show where it was:\n%s", d.screen())
	}
}

func TestUpAndRoot(t *testing.T) {
	t.Parallel()
	s := newSite(t, testserver.HandlerFunc(func(w testserver.ResponseWriter, r *testserver.Request) {
		w.WriteHeader(client.StatusSuccess, "text/gemini")
		fmt.Fprintf(w, "# At %s.\n", r.URL.Path) // "." ends the path: /a/ is no prefix of /a/b/
	}))
	d := newDriver(t, 80, 24, false, s.URL+"/a/b/c.gmi")
	d.waitFor("# At /a/b/c.gmi.")
	for _, step := range []struct{ key, path string }{
		{"u", "/a/b/"}, {"u", "/a/"}, {"H", "/a/b/"}, {"U", "/"},
	} {
		d.press(step.key)
		d.waitFor("# At " + step.path + ".")
		if got := d.page().Address; got != s.URL+step.path {
			t.Errorf("%s went to %s, want %s", step.key, got, s.URL+step.path)
		}
	}
	wantPaths(t, s, "/a/b/c.gmi", "/a/b/", "/a/", "/")
}

func TestSearch(t *testing.T) {
	t.Parallel()
	body := longPage(100)
	for _, n := range []string{"Line 5\n", "Line 50\n", "Line 90\n"} {
		body = strings.Replace(body, n, strings.TrimSuffix(n, "\n")+" has a needle\n", 1)
	}
	s := pagesSite(t, map[string]string{"/": body})
	d := newDriver(t, 80, 24, false, s.URL+"/")
	d.waitLoaded()
	d.press("/")
	d.typeText("Needle")
	d.press("enter")
	if st := d.statusLine(); !strings.Contains(st, "3 lines match") {
		t.Errorf("the status line says %q", st)
	}
	if !strings.Contains(d.screen(), "Line 5 has a needle") {
		t.Errorf("the first match is not on screen:\n%s", d.screen())
	}
	d.press("n")
	if st := d.statusLine(); !strings.Contains(st, "Match 2 of 3") {
		t.Errorf("n: the status line says %q", st)
	}
	if !strings.Contains(d.screen(), "Line 50 has a needle") {
		t.Errorf("n: the second match is not on screen:\n%s", d.screen())
	}
	d.press("n")
	d.waitFor("Line 90 has a needle")
	d.press("n") // wraps to the first
	if st := d.statusLine(); !strings.Contains(st, "Match 1 of 3") {
		t.Errorf("n after the last: the status line says %q", st)
	}
	d.press("N") // wraps to the last
	if st := d.statusLine(); !strings.Contains(st, "Match 3 of 3") {
		t.Errorf("N: the status line says %q", st)
	}
	d.waitFor("Line 90 has a needle")

	// Enter alone in the search prompt repeats the last search.
	d.press("g", "/")
	if st := d.statusLine(); !strings.HasPrefix(st, "Search: Needle (enter repeats)") {
		t.Errorf("the search prompt opens on %q", st)
	}
	d.press("enter")
	if st := d.statusLine(); !strings.Contains(st, "3 lines match") {
		t.Errorf("enter alone: the status line says %q", st)
	}

	d.press("/")
	d.typeText("haystack")
	d.press("enter")
	if st := d.statusLine(); !strings.Contains(st, "No match for haystack") {
		t.Errorf("the status line says %q", st)
	}
	d.press("n")
	if st := d.statusLine(); !strings.Contains(st, "No match for haystack") {
		t.Errorf("n with no match: the status line says %q", st)
	}
}

func TestOutlineJump(t *testing.T) {
	t.Parallel()
	body := "# First\n" + strings.Repeat("text\n", 30) + "## Second\n" + strings.Repeat("more\n", 30) + "### Third\n" + strings.Repeat("end\n", 30)
	s := pagesSite(t, map[string]string{"/": body})
	d := newDriver(t, 80, 24, false, s.URL+"/")
	d.waitLoaded()
	d.press("O")
	if !strings.Contains(d.screen(), "▶ First") {
		t.Fatalf("the outline does not select the first heading:\n%s", d.screen())
	}
	d.press("j")
	if !strings.Contains(d.screen(), "▶   Second") {
		t.Fatalf("j did not move to the second heading:\n%s", d.screen())
	}
	d.press("enter")
	if d.m.dialogs.Len() != 0 {
		t.Fatal("enter did not close the outline")
	}
	if got := d.page().View.Top; got != (render.Pos{Line: 31}) {
		t.Errorf("the outline jumped to %+v, want line 31", got)
	}
	if rows := strings.Split(d.screen(), "\n"); !strings.Contains(rows[1], "## Second") {
		t.Errorf("the first page row is %q, want the heading", rows[1])
	}
	// The outline opens on the heading at the top, and esc closes it
	// without moving.
	d.press("O", "j", "esc")
	if got := d.page().View.Top; got != (render.Pos{Line: 31}) {
		t.Errorf("esc in the outline moved to %+v", got)
	}
}

func TestViewSource(t *testing.T) {
	t.Parallel()
	src := "# Title\nSome *text*\n=> /x The label\n* item\n```alt\npre\n```\n"
	s := pagesSite(t, map[string]string{"/": src})
	d := newDriver(t, 80, 24, false, s.URL+"/")
	d.waitLoaded()
	d.press("\\")
	scr := d.screen()
	for _, want := range []string{"# Title", "=> /x The label", "* item", "```alt", "pre", "```"} {
		if !strings.Contains(scr, " "+want) {
			t.Errorf("the source lacks %q:\n%s", want, scr)
		}
	}
	if strings.Contains(scr, "[1]") {
		t.Errorf("the source shows a link number:\n%s", scr)
	}
	d.press("\\")
	if !strings.Contains(d.screen(), "[1] The label") {
		t.Errorf("\\ again does not show the page:\n%s", d.screen())
	}
}

func TestTabs(t *testing.T) {
	t.Parallel()
	s := pagesSite(t, map[string]string{
		"/":  "# Start\n=> /a Alpha\n=> /b Beta\n",
		"/a": "# Page A\n", "/b": "# Page B\n",
	})
	d := newDriver(t, 80, 24, false, s.URL+"/")
	d.waitLoaded()

	d.press("t")
	if len(d.m.tabs) != 2 || d.m.active != 1 {
		t.Fatalf("t: %d tabs, active %d", len(d.m.tabs), d.m.active)
	}
	scr := d.waitFor("A terminal browser for Gemini space")
	if !strings.Contains(scr, "about:home") {
		t.Errorf("the new tab's bar does not show about:home:\n%s", scr)
	}

	d.press("g", "T")
	if d.m.active != 0 || !strings.Contains(d.screen(), "# Start") {
		t.Fatalf("gT: active %d:\n%s", d.m.active, d.screen())
	}
	d.press("T")
	if st := d.statusLine(); !strings.Contains(st, "No link is selected: tab selects one") {
		t.Errorf("T without a selection: status %q", st)
	}
	d.press("tab", "tab", "T")
	if len(d.m.tabs) != 3 || d.m.active != 2 {
		t.Fatalf("T: %d tabs, active %d", len(d.m.tabs), d.m.active)
	}
	d.waitFor("# Page B")
	if s.last() != "/b" {
		t.Errorf("T loaded %q", s.last())
	}
	if bar := strings.Split(d.screen(), "\n")[0]; !strings.Contains(bar, "1 Start") || !strings.Contains(bar, "3 Page B") {
		t.Errorf("the tab bar is %q", bar)
	}

	d.press("g", "t") // wraps to the first
	if d.m.active != 0 {
		t.Errorf("gt after the last tab: active %d", d.m.active)
	}
	d.press("g", "T") // wraps to the last
	if d.m.active != 2 {
		t.Errorf("gT before the first tab: active %d", d.m.active)
	}
	if top := d.page().View.Top; top != (render.Pos{}) {
		t.Errorf("gT scrolled to %+v", top)
	}

	d.press("w")
	if len(d.m.tabs) != 2 || d.m.active != 1 || !strings.Contains(d.screen(), "A terminal browser") {
		t.Fatalf("w: %d tabs, active %d:\n%s", len(d.m.tabs), d.m.active, d.screen())
	}
	d.press("w")
	if len(d.m.tabs) != 1 || !strings.Contains(d.screen(), "# Start") {
		t.Fatalf("w: %d tabs:\n%s", len(d.m.tabs), d.screen())
	}
	// w on the last tab does not quit: the home page takes its place, and
	// W brings the closed tabs back, the last first.
	d.press("w")
	if len(d.m.tabs) != 1 || !strings.Contains(d.screen(), "A terminal browser") || !strings.Contains(d.statusLine(), "Closed the last tab (W reopens it") {
		t.Fatalf("w on the last tab: %d tabs:\n%s", len(d.m.tabs), d.screen())
	}
	d.press("W")
	if len(d.m.tabs) != 2 || d.m.active != 1 || !strings.Contains(d.screen(), "# Start") {
		t.Fatalf("W: %d tabs, active %d:\n%s", len(d.m.tabs), d.m.active, d.screen())
	}
	d.press("W", "W") // the home page's tab, then Page B's
	if len(d.m.tabs) != 4 || d.m.active != 3 || !strings.Contains(d.screen(), "# Page B") {
		t.Fatalf("W twice more: %d tabs, active %d:\n%s", len(d.m.tabs), d.m.active, d.screen())
	}
	d.press("W")
	if st := d.statusLine(); !strings.Contains(st, "No closed tab to reopen") {
		t.Errorf("W with no closed tab: %q", st)
	}
}

func TestQuit(t *testing.T) {
	t.Parallel()
	for _, k := range []string{"q", "ctrl+c"} {
		d := newDriver(t, 80, 24, false)
		cmd := d.runKey(k)
		if cmd == nil {
			t.Fatalf("%s returned no command", k)
		}
		if msg := cmd(); msg != tea.Msg(tea.QuitMsg{}) {
			t.Errorf("%s: %#v, want tea.QuitMsg{}", k, msg)
		}
	}
	// ctrl+c quits from the overlays and prompts too; q there does not.
	for _, open := range []string{"?", "O", "o", "/"} {
		d := newDriver(t, 80, 24, false)
		d.press(open)
		cmd := d.runKey("ctrl+c")
		if cmd == nil || cmd() != tea.Msg(tea.QuitMsg{}) {
			t.Errorf("ctrl+c after %q does not quit", open)
		}
	}
}

// slowHandler answers with first, then waits for release (or the end of
// the test) before it sends rest. done is closed when it returns.
type slowHandler struct {
	t               *testing.T
	header          bool // send the header and first before waiting
	first, rest     string
	release, done   chan struct{}
	releaseOnce     sync.Once
	doneOnce        sync.Once
	startedRequests chan struct{}
}

func newSlow(t *testing.T, header bool, first, rest string) *slowHandler {
	return &slowHandler{t: t, header: header, first: first, rest: rest,
		release: make(chan struct{}), done: make(chan struct{}), startedRequests: make(chan struct{}, 16)}
}

func (h *slowHandler) ServeGemini(w testserver.ResponseWriter, r *testserver.Request) {
	defer h.doneOnce.Do(func() { close(h.done) })
	h.startedRequests <- struct{}{}
	if h.header {
		w.WriteHeader(client.StatusSuccess, "text/gemini")
		w.Write([]byte(h.first))
		w.Flush()
	}
	select {
	case <-h.release:
	case <-h.t.Context().Done():
		return
	}
	if !h.header {
		w.WriteHeader(client.StatusSuccess, "text/gemini")
		w.Write([]byte(h.first))
	}
	w.Write([]byte(h.rest))
}

func (h *slowHandler) free() { h.releaseOnce.Do(func() { close(h.release) }) }

// waitChan handles messages until ch yields a value, and fails the test
// after waitTimeout.
func (d *driver) waitChan(ch <-chan struct{}, what string) {
	d.t.Helper()
	deadline := time.NewTimer(waitTimeout)
	defer deadline.Stop()
	for {
		select {
		case <-ch:
			return
		case r := <-d.results:
			d.receive(r)
		case <-deadline.C:
			d.t.Fatalf("waited in vain for %s; the screen shows:\n%s", what, d.screen())
		}
	}
}

func TestEscKeepsWhatArrived(t *testing.T) {
	t.Parallel()
	slow := newSlow(t, true, "# Slow page\nfirst part\n", "second part\n")
	mux := testserver.NewMux()
	mux.Handle("/slow", slow)
	s := newSite(t, mux)
	d := newDriver(t, 80, 24, false, s.URL+"/slow")
	d.waitForNoSettle("first part") // the rest is held back
	if !d.page().Loading {
		t.Fatal("the page is not loading")
	}
	d.press("esc")
	if st := d.statusLine(); !strings.Contains(st, "Cancelled") {
		t.Errorf("esc: the status line says %q", st)
	}
	slow.free()
	d.waitChan(slow.done, "the slow handler to return")
	d.settle()
	p := d.page()
	if p.Loading || d.m.tab().Loading != "" || d.m.busy() {
		t.Error("the page is still loading after esc")
	}
	scr := d.screen()
	if !strings.Contains(scr, "first part") || strings.Contains(scr, "second part") {
		t.Errorf("after esc the screen shows:\n%s", scr)
	}
}

func TestStaleLoadIsDropped(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name   string
		header bool
	}{{"before the header", false}, {"while the body streams", true}} {
		t.Run(tc.name, func(t *testing.T) {
			slow := newSlow(t, tc.header, "# Slow page\nslow first part\n", "SLOW REST\n")
			mux := testserver.NewMux()
			mux.Handle("/", testserver.Page("text/gemini", "# Start\n=> /slow Slow\n=> /fast Fast\n"))
			mux.Handle("/slow", slow)
			mux.Handle("/fast", testserver.Page("text/gemini", "# Fast page\n"))
			s := newSite(t, mux)
			d := newDriver(t, 80, 24, false, s.URL+"/")
			d.waitLoaded()
			d.pressNoWait("1") // the slow load is held open until free
			d.waitChan(slow.startedRequests, "the slow request")
			if tc.header {
				d.waitForNoSettle("slow first part")
				d.pressNoWait("o")
				d.typeText(s.URL + "/fast")
				d.pressNoWait("enter")
			} else {
				if !strings.Contains(d.screen(), "# Start") || d.m.tab().Loading == "" {
					t.Fatalf("not loading from the start page:\n%s", d.screen())
				}
				d.pressNoWait("2") // the start page is still shown: follow its other link
			}
			d.waitForNoSettle("# Fast page")
			slow.free()
			d.waitChan(slow.done, "the slow handler to return")
			d.settle()
			scr := d.screen()
			if !strings.Contains(scr, "# Fast page") || strings.Contains(scr, "Slow") || strings.Contains(scr, "SLOW") {
				t.Errorf("the slow reply replaced the page moved to:\n%s", scr)
			}
			if d.m.busy() {
				t.Error("still busy")
			}
			if tc.header {
				return // the slow page was shown: it is in the history
			}
			// One step back is the start page, and nothing before it.
			d.press("H")
			d.waitFor("# Start")
			d.press("H")
			if st := d.statusLine(); !strings.Contains(st, "No page to go back to") {
				t.Errorf("two steps back from the fast page: status %q, screen:\n%s", st, d.screen())
			}
		})
	}
}

// TestCancelledLoadLeavesNoHistory cancels a load before it answered:
// the page still shown must not be in the history twice.
func TestCancelledLoadLeavesNoHistory(t *testing.T) {
	t.Parallel()
	slow := newSlow(t, false, "# Slow page\n", "")
	mux := testserver.NewMux()
	mux.Handle("/", testserver.Page("text/gemini", "# Start\n=> /slow Slow\n"))
	mux.Handle("/slow", slow)
	s := newSite(t, mux)
	d := newDriver(t, 80, 24, false, s.URL+"/")
	d.waitLoaded()
	d.pressNoWait("1") // the slow load is held open until esc
	d.waitChan(slow.startedRequests, "the slow request")
	d.press("esc")
	if st := d.statusLine(); !strings.Contains(st, "Cancelled") || d.m.busy() {
		t.Errorf("esc: status %q, busy %v", st, d.m.busy())
	}
	d.press("H")
	if st := d.statusLine(); !strings.Contains(st, "No page to go back to") {
		t.Errorf("back after a cancelled load: status %q", st)
	}
	d.press("L")
	if st := d.statusLine(); !strings.Contains(st, "No page to go forward to") {
		t.Errorf("forward after a cancelled load: status %q", st)
	}
	if !strings.Contains(d.screen(), "# Start") {
		t.Errorf("the start page is gone:\n%s", d.screen())
	}
}

func TestMouse(t *testing.T) {
	t.Parallel()
	s := pagesSite(t, map[string]string{
		"/":    "# Click\nSome text\n=> /one One\n=> /two Two\n" + longPage(60),
		"/one": "# Page one\n", "/two": "# Page two\n",
	})
	d := newDriver(t, 80, 24, false, s.URL+"/")
	d.waitLoaded()

	d.send(tea.MouseWheelMsg{X: 10, Y: 5, Button: tea.MouseWheelDown})
	if got := d.page().View.Top; got != (render.Pos{Line: 3}) {
		t.Errorf("wheel down: top %+v, want line 3", got)
	}
	d.send(tea.MouseWheelMsg{X: 10, Y: 5, Button: tea.MouseWheelUp})
	if got := d.page().View.Top; got != (render.Pos{}) {
		t.Errorf("wheel up: top %+v, want the top", got)
	}

	rows := strings.Split(d.screen(), "\n")
	y := slices.IndexFunc(rows, func(r string) bool { return strings.Contains(r, "[2] Two") })
	if y < 0 {
		t.Fatalf("no link 2 on screen:\n%s", d.screen())
	}
	d.send(tea.MouseClickMsg{X: 20, Y: y - 2, Button: tea.MouseLeft}) // "Some text"
	d.settle()
	if d.m.tab().Loading != "" || len(s.seen()) != 1 {
		t.Fatalf("a click on text followed something: %q", s.seen())
	}
	d.send(tea.MouseClickMsg{X: 6, Y: y, Button: tea.MouseRight})
	d.settle()
	if len(s.seen()) != 1 {
		t.Fatalf("a right click followed a link: %q", s.seen())
	}
	d.send(tea.MouseClickMsg{X: 6, Y: y, Button: tea.MouseLeft})
	d.waitFor("# Page two")
	wantPaths(t, s, "/", "/two")
}

func TestScrollPreformattedSideways(t *testing.T) {
	t.Parallel()
	var wide strings.Builder
	for i := range 30 {
		fmt.Fprintf(&wide, "%02d-------", i) // 9 cells each
	}
	s := pagesSite(t, map[string]string{"/": "# Wide\n```\n" + wide.String() + "\n```\nA paragraph that does not move sideways.\n"})
	d := newDriver(t, 80, 24, false, s.URL+"/")
	d.waitLoaded()
	row := func() string {
		for _, r := range strings.Split(d.screen(), "\n") {
			if strings.Contains(r, "----") {
				return r
			}
		}
		return ""
	}
	if !strings.HasPrefix(row(), " 00-------01") {
		t.Fatalf("the wide row is %q", row())
	}
	d.press(">")
	if !strings.HasPrefix(row(), " -01-------02") {
		t.Errorf("> : the wide row is %q", row())
	}
	if !strings.Contains(d.screen(), " A paragraph that does not move sideways.") {
		t.Errorf("> moved the text:\n%s", d.screen())
	}
	d.press("<")
	if !strings.HasPrefix(row(), " 00-------01") {
		t.Errorf("< : the wide row is %q", row())
	}
	d.press("<")
	if d.page().View.XOffset != 0 {
		t.Errorf("< at the left edge: offset %d", d.page().View.XOffset)
	}
	// > stops where the end of the widest line is in view, so that one <
	// moves back at once.
	for range 100 {
		d.send(keyMsg(">"))
	}
	if !strings.HasSuffix(row(), "29-------") {
		t.Errorf("> far right: the wide row is %q, want its end in view", row())
	}
	far := d.page().View.XOffset
	d.press("<")
	if got := d.page().View.XOffset; got != far-8 {
		t.Errorf("< after scrolling far right: offset %d, want %d", got, far-8)
	}
}

func TestCopy(t *testing.T) {
	t.Parallel()
	s := pagesSite(t, map[string]string{"/": "# Copy\n=> /target Target\n"})
	d := newDriver(t, 80, 24, false, s.URL+"/")
	d.waitLoaded()
	cmd := d.runKey("y")
	if cmd == nil || cmd() == nil {
		t.Fatal("y returned no clipboard command")
	}
	if st := d.statusLine(); !strings.Contains(st, "Copied "+s.URL+"/") {
		t.Errorf("y: status %q", st)
	}
	d.press("tab")
	cmd = d.runKey("y")
	if cmd == nil || cmd() == nil {
		t.Fatal("y on a link returned no clipboard command")
	}
	if st := d.statusLine(); !strings.Contains(st, "Copied "+s.URL+"/target") {
		t.Errorf("y on a link: status %q", st)
	}

	d = newDriverOpts(t, 120, 24, Options{NoClipboard: true}, s.URL+"/")
	d.waitLoaded()
	if cmd := d.runKey("y"); cmd != nil {
		t.Errorf("y with NoClipboard returned a command (%T)", cmd())
	}
	if st := d.statusLine(); !strings.Contains(st, "Copying is off") || !strings.Contains(st, s.URL+"/") {
		t.Errorf("y with NoClipboard: status %q", st)
	}
}

func TestExternalLinkAsks(t *testing.T) {
	t.Parallel()
	s := pagesSite(t, map[string]string{"/": "# Out\n=> https://example.com/page The web\n"})
	d := newDriver(t, 80, 24, false, s.URL+"/")
	d.waitLoaded()
	d.press("1")
	scr := d.screen()
	if !d.asking() || !strings.Contains(scr, "This link leaves Gemini space") || !strings.Contains(scr, "https://example.com/page") {
		t.Fatalf("an https link did not ask:\n%s", scr)
	}
	if d.m.tab().Loading != "" || d.page().Address != s.URL+"/" {
		t.Fatal("an https link navigated")
	}
	cmd := d.runKey("y")
	copied, ok := cmd().(download.CopyMsg)
	if !ok || copied.Target != "https://example.com/page" {
		t.Fatalf("y in the question reported %#v", copied)
	}
	d.send(copied)
	d.settle()
	if d.m.dialogs.Len() != 0 || !strings.Contains(d.statusLine(), "Copied https://example.com/page") {
		t.Errorf("after y: %d dialogs, status %q", d.m.dialogs.Len(), d.statusLine())
	}
	d.press("1", "esc")
	if d.m.dialogs.Len() != 0 || d.page().Address != s.URL+"/" {
		t.Errorf("esc: %d dialogs, page %s", d.m.dialogs.Len(), d.page().Address)
	}
	wantPaths(t, s, "/")
}

func TestContentTypes(t *testing.T) {
	t.Parallel()
	mux := testserver.NewMux()
	mux.Handle("/plain", testserver.Page("text/plain", "=> not a link\n# not a heading\n* not a list\n"))
	mux.Handle("/latin1", testserver.Page("text/plain; charset=iso-8859-1", "caf\xe9 cr\xe8me\n"))
	mux.Handle("/unknown", testserver.Page("text/plain; charset=x-klingon", "Qapla'\n"))
	mux.Handle("/fr", testserver.Page("text/gemini; lang=fr", "# Bonjour\n"))
	s := newSite(t, mux)

	d := newDriver(t, 80, 24, false, s.URL+"/plain")
	d.waitLoaded()
	scr := d.screen()
	for _, want := range []string{" => not a link", " # not a heading", " * not a list"} {
		if !strings.Contains(scr, want) {
			t.Errorf("text/plain lacks %q:\n%s", want, scr)
		}
	}
	if n := d.page().Doc.Links(); n != 0 {
		t.Errorf("text/plain has %d links", n)
	}
	if l := d.page().Doc.Line(0); l.Kind != gemtext.Preformatted || l.Text != "=> not a link" {
		t.Errorf("text/plain line 1 is %+v, want preformatted", l)
	}

	d = newDriver(t, 80, 24, false, s.URL+"/latin1")
	d.waitFor("café crème")

	// An unknown charset asks first (TestUnknownCharset); u shows the text.
	d = newDriver(t, 120, 24, false, s.URL+"/unknown")
	d.waitFor("is one propus cannot decode")
	d.press("u")
	d.waitFor("Qapla'")
	d.press("x") // clears the first-visit message
	if st := d.statusLine(); !strings.Contains(st, "its charset, x-klingon, is unknown") {
		t.Errorf("unknown charset: status %q", st)
	}

	d = newDriver(t, 80, 24, false, s.URL+"/fr")
	d.waitFor("Bonjour")
	d.press("x")
	if st := d.statusLine(); !strings.Contains(st, "lang fr") {
		t.Errorf("lang=fr: status %q", st)
	}
}

func TestDownload(t *testing.T) {
	t.Parallel()
	png := "\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + strings.Repeat("\x00\xff", 100_000)
	mux := testserver.NewMux()
	mux.Handle("/", testserver.Page("text/gemini", "# Images\n=> /pics/cat.png A cat\n"))
	mux.Handle("/pics/cat.png", testserver.Page("image/png", png))
	s := newSite(t, mux)
	dir := t.TempDir()
	d := newDriverOpts(t, 80, 24, Options{DownloadDir: dir, Images: picture.Off}, s.URL+"/")
	d.waitLoaded()
	d.press("1")
	scr := d.waitFor("Not a page")
	if !strings.Contains(scr, "cat.png (image/png)") || !regexp.MustCompile(`s +save to `+regexp.QuoteMeta(dir)).MatchString(scr) {
		t.Fatalf("the download question:\n%s", scr)
	}
	path := filepath.Join(dir, "cat.png")
	d.pressThen(func() bool {
		b, err := os.ReadFile(path)
		return err == nil && bytes.Equal(b, []byte(png))
	}, "the file "+path, "s")
	d.waitFor("Saved " + path)
	if d.m.downloads.Len() > 0 || d.m.busy() {
		t.Error("the download is still shown as running")
	}
	if !strings.Contains(d.screen(), "# Images") {
		t.Errorf("after the download the page is gone:\n%s", d.screen())
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("the download dir holds %d entries, want 1", len(entries))
	}
}

func TestTooLarge(t *testing.T) {
	t.Parallel()
	line := strings.Repeat("x", 99) + "\n"
	body := strings.Repeat(line, (5<<20)/100) + strings.Repeat("y", 5<<20+1-((5<<20)/100)*100)
	if len(body) != 5<<20+1 {
		t.Fatalf("the body is %d bytes", len(body))
	}
	s := pagesSite(t, map[string]string{"/big": body})
	d := newDriver(t, 80, 24, false, s.URL+"/big")
	d.waitLoaded()
	p := d.page()
	var tooLarge *client.TooLargeError
	if !errors.As(p.Err, &tooLarge) {
		t.Fatalf("the page's error is %v, want a TooLargeError", p.Err)
	}
	if st := d.statusLine(); !strings.Contains(st, "Response too large") || !strings.Contains(st, "5.0 MiB") {
		t.Errorf("status %q", st)
	}
	if p.Size != 5<<20 {
		t.Errorf("kept %d bytes, want %d", p.Size, 5<<20)
	}
	if n := p.Doc.Len(); n < (5<<20)/100 {
		t.Errorf("kept %d lines, want at least %d", n, (5<<20)/100)
	}
	if l := p.Doc.Line((5<<20)/100 - 1); l.Text != line[:99] {
		t.Errorf("the last whole line is %q", l.Text)
	}
	d.press("G")
	if !strings.Contains(d.screen(), "xxxxxxxxxx") {
		t.Errorf("the end of what was kept:\n%s", d.screen())
	}
}

func TestCertificateChange(t *testing.T) {
	t.Parallel()
	s := pagesSite(t, map[string]string{"/": "# Home\n", "/other": "# Other\n"})
	d := newDriver(t, 120, 30, false, s.URL+"/")
	d.waitLoaded()
	if st := d.statusLine(); !strings.Contains(st, "First visit to 127.0.0.1:"+itoa(s.Port)+": certificate pinned") {
		t.Errorf("first visit: status %q", st)
	}
	old := fingerprint(s.TestServer)

	// A second page of the same host is no first visit.
	d.press("o")
	d.typeText(s.URL + "/other")
	d.press("enter")
	d.waitFor("# Other")
	if st := d.statusLine(); strings.Contains(st, "First visit") || !strings.Contains(st, "pinned ✓") {
		t.Errorf("second visit: status %q", st)
	}

	newFP := tofu.PublicKeyPin(s.RotateCertificate())
	if newFP == old {
		t.Fatal("RotateCertificate kept the key")
	}
	d.press("r")
	scr := d.waitFor("certificate has changed")
	for _, want := range []string{old, newFP} {
		if !strings.Contains(scr, want) {
			t.Errorf("the page does not name %s:\n%s", want, scr)
		}
	}
	wantPaths(t, s, "/", "/other")
}

func TestStatusPages(t *testing.T) {
	t.Parallel()
	mux := testserver.NewMux()
	mux.Handle("/moved", testserver.Reply(client.StatusRedirect, "/target"))
	mux.Handle("/later", testserver.Reply(client.StatusTemporaryFailure, "Try later"))
	mux.Handle("/slow-down", testserver.Reply(client.StatusSlowDown, "5"))
	mux.Handle("/cert", testserver.Reply(client.StatusCertificateRequired, "Show a certificate"))
	mux.Handle("/gone", testserver.Reply(client.StatusGone, ""))
	mux.Handle("/target", testserver.Page("text/gemini", "# The target\n"))
	s := newSite(t, mux)
	for _, tc := range []struct {
		path string
		want []string
	}{
		{"/moved", []string{"# 30 ", "The page has moved. Press 1 to go there:", "[1] /target"}},
		{"/later", []string{"# 40 ", "The server says:", "Try later", "press r to reload"}},
		{"/slow-down", []string{"# 44 SLOW DOWN", "The server asks you to slow down."}},
		{"/cert", []string{"# 60 ", "Show a certificate", "client certificate"}},
		{"/gone", []string{"# 52 GONE", "Press H to go back."}},
	} {
		t.Run(strings.TrimPrefix(tc.path, "/"), func(t *testing.T) {
			// RedirectNever shows a redirect as its page (redirect_test.go
			// tests the others); esc stops the 44 countdown (slowdown_test.go).
			d := newDriverOpts(t, 80, 24, Options{Redirects: RedirectNever}, s.URL+tc.path)
			scr := d.waitLoaded()
			for _, w := range tc.want {
				if !strings.Contains(scr, w) {
					t.Errorf("the page lacks %q:\n%s", w, scr)
				}
			}
			d.press("esc", "x")
			if st := d.statusLine(); !strings.Contains(st, strings.TrimPrefix(tc.want[0], "# ")) {
				t.Errorf("status %q", st)
			}
			if tc.path == "/moved" {
				d.press("1")
				d.waitFor("# The target")
				if s.last() != "/target" {
					t.Errorf("1 on the redirect page loaded %q", s.last())
				}
			}
		})
	}
}

// TestFrameWidths checks, at a narrow and a very wide terminal, that every
// row of every kind of screen is exactly as wide as the terminal and that
// the frame has exactly as many rows as the terminal.
func TestFrameWidths(t *testing.T) {
	t.Parallel()
	slow := newSlow(t, false, "# Slow\n", "")
	mux := testserver.NewMux()
	mux.Handle("/fixture.gmi", testserver.Page("text/gemini", fixture+"=> https://example.com/ Away\n"))
	mux.Handle("/51", testserver.Reply(client.StatusNotFound, strings.Repeat("A long reason. ", 30)))
	mux.Handle("/slow", slow)
	s := newSite(t, mux)
	long := s.URL + "/" + strings.Repeat("very-long-path-segment/", 20) + "end"
	for _, size := range []struct{ w, h int }{{40, 20}, {250, 50}} {
		for _, noColor := range []bool{false, true} {
			t.Run(fmt.Sprintf("%dx%d nocolor=%v", size.w, size.h, noColor), func(t *testing.T) {
				t.Parallel()
				d := newDriverOpts(t, size.w, size.h, Options{NoColor: noColor}, s.URL+"/fixture.gmi")
				d.waitLoaded()
				check := func(what string) {
					t.Helper()
					frame := d.m.screen()
					if noColor && strings.ContainsRune(frame, '\x1b') {
						t.Errorf("%s: an escape in a NoColor frame", what)
					}
					rows := strings.Split(frame, "\n")
					if len(rows) != size.h {
						t.Errorf("%s: %d rows, want %d", what, len(rows), size.h)
					}
					for i, r := range rows {
						if w := ansi.StringWidth(r); w != size.w {
							t.Errorf("%s: row %d is %d cells wide, want %d: %q", what, i, w, size.w, r)
						}
					}
				}
				check("first visit")
				d.press("x")
				check("page")
				d.press("5")
				if !d.asking() {
					t.Fatalf("link 5 did not ask:\n%s", d.screen())
				}
				check("question")
				d.press("esc")
				for _, k := range []string{"space", "G", ">", ">", "tab", "?", "x", "i", "x", "O", "esc", "\\", "\\", "/"} {
					d.press(k)
					check("after " + k)
				}
				d.typeText(strings.Repeat("query ", 60))
				check("long search")
				d.press("enter", "n")
				check("search result")
				d.press("o")
				d.typeText(long)
				check("long URL typed")
				d.press("enter")
				d.wantLoaded()
				check("long URL loaded")
				d.press("o")
				d.typeText(s.URL + "/51")
				d.press("enter")
				d.waitFor("A long reason.")
				check("51")
				d.press("o")
				d.typeText(s.URL + "/slow")
				d.pressNoWait("enter") // the slow load is held open until esc
				d.waitChan(slow.startedRequests, "the slow request")
				check("loading")
				d.press("esc", "t")
				check("two tabs")
				for range 8 {
					d.press("t")
				}
				check("ten tabs")
				d.press("g", "t")
				check("ten tabs, first")
				d.send(tea.WindowSizeMsg{Width: size.w, Height: size.h})
				check("resized")
			})
		}
	}
}

// TestHelpScrolls: on a short screen the full help scrolls with the page
// keys, so that its last keys can be read; any other key closes it.
func TestHelpScrolls(t *testing.T) {
	t.Parallel()
	d := newDriver(t, 80, 16, true, "about:home")
	d.press("?")
	scr := d.waitFor("j/k and space scroll")
	if strings.Contains(scr, "esc cancel") {
		t.Fatalf("the help fits a 16-row screen after all:\n%s", scr)
	}
	d.press("G")
	scr = d.waitFor("esc cancel")
	if !strings.Contains(scr, "subscribe to feed") {
		t.Errorf("the end of the help:\n%s", scr)
	}
	d.press("g")
	d.waitFor("j/k and space scroll")
	d.press("x")
	d.waitFor("A terminal browser for Gemini space")
}

// TestNoticeAtStart: a problem found before the browser started (a bad
// config value) is said in the status line until the first key.
func TestNoticeAtStart(t *testing.T) {
	t.Parallel()
	d := newDriverOpts(t, 100, 20, Options{Notice: "config.toml:4: theme.quote must be a colour"}, "about:home")
	d.waitFor("config.toml:4: theme.quote must be a colour")
	d.press("j")
	if strings.Contains(d.screen(), "config.toml") {
		t.Errorf("the notice outlived a key:\n%s", d.screen())
	}
}

// TestNumberThenOtherKey: on a page of 10+ links a digit waits for more;
// another key then drops the number and does nothing else.
func TestNumberThenOtherKey(t *testing.T) {
	t.Parallel()
	var b strings.Builder
	b.WriteString("# Many links\n")
	for i := 1; i <= 12; i++ {
		fmt.Fprintf(&b, "=> /p%d Page %d\n", i, i)
	}
	b.WriteString(strings.Repeat("a line to make the page scroll\n", 40))
	s := serve(t, map[string]string{"/": b.String(), "/p1": "# Page one\n"})
	d := newDriver(t, 80, 24, true, s.URL+"/")
	d.waitLoaded()
	d.press("1") // 10, 11 and 12 may follow
	d.waitFor("Follow link 1_")
	d.press("j")
	d.waitFor("Link 1 not followed")
	if d.m.tab().Page.View.Top.Line != 0 {
		t.Error("the key that dropped the number scrolled too")
	}
	d.press("1", "enter")
	d.waitFor("Page one")
}
