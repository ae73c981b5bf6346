package browser

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"propus/browser/bookmarks"
	"propus/testserver"
)

// Issue 12's moving and opening, as an Amfora or Telescope user expects.

// o reads what is typed as propus fetch does: a host with or without a
// port is a host, only /x, ./x, ../x and ?q are relative; e opens the
// prompt on the current address.
func TestOpenTyped(t *testing.T) {
	t.Parallel()
	s := pagesSite(t, map[string]string{"/dir/page": "# Page\n", "/dir/x": "# Dir x\n", "/x": "# Root x\n", "/other": "# Other\n"})
	d := newDriver(t, 100, 30, false, s.URL+"/dir/page")
	d.waitFor("# Page")
	for _, c := range []struct{ typed, want, path string }{
		{s.Addr + "/other", "# Other", "/other"}, // host:port/path
		{"./x", "# Dir x", "/dir/x"},
	} {
		d.press("o")
		d.typeText(c.typed)
		d.press("enter")
		d.waitFor(c.want)
		if s.last() != c.path {
			t.Errorf("o %s requested %q", c.typed, s.last())
		}
		d.press("H")
	}
	d.press("e")
	if st := d.statusLine(); !strings.HasPrefix(st, "Open: "+s.URL+"/dir/page") {
		t.Fatalf("e: the prompt holds %q", st)
	}
	for range len("dir/page") {
		d.send(keyMsg("backspace"))
	}
	d.typeText("x")
	d.press("enter")
	d.waitFor("# Root x")
}

// The selected link's URL shows in the status line with its number; a
// link that leaves Gemini says so. Enter with no link selected says how
// to select one.
func TestSelectedLinkInStatus(t *testing.T) {
	t.Parallel()
	s := pagesSite(t, map[string]string{"/": "# Links\n=> /next Next\n=> https://example.com/ The web\n"})
	d := newDriver(t, 100, 30, false, s.URL+"/")
	d.waitFor("# Links")
	d.press("enter")
	if st := d.statusLine(); !strings.Contains(st, "No link is selected: tab selects one, or type its number") {
		t.Errorf("enter with nothing selected: %q", st)
	}
	d.press("tab")
	if st := d.statusLine(); !strings.HasPrefix(st, "[1] "+s.URL+"/next ") {
		t.Errorf("tab: %q", st)
	}
	d.press("tab")
	if st := d.statusLine(); !strings.HasPrefix(st, "[2] https://example.com/ (https: leaves Gemini)") {
		t.Errorf("tab again: %q", st)
	}
}

// G while a page streams keeps to its end until the load ends; another
// move stops that.
func TestBottomFollowsTheStream(t *testing.T) {
	t.Parallel()
	for _, stop := range []bool{false, true} {
		slow := newSlow(t, true, longPage(100), strings.Repeat("More\n", 100)+"The very end\n")
		mux := testserver.NewMux()
		mux.Handle("/slow", slow)
		s := newSite(t, mux)
		d := newDriver(t, 80, 24, false, s.URL+"/slow")
		d.waitForNoSettle("Line 1")
		d.pressNoWait("G")
		if stop {
			d.pressNoWait("k")
		}
		slow.free()
		d.waitChan(slow.done, "the rest of the page")
		d.settle()
		atEnd := strings.Contains(d.screen(), "The very end")
		if atEnd == stop {
			t.Errorf("stop %t: the end is shown: %t\n%s", stop, atEnd, d.screen())
		}
	}
}

// M opens the bookmarks, ctrl+r the history, and ? lists propus's own
// pages.
func TestKeysForOwnPages(t *testing.T) {
	t.Parallel()
	d := newDriver(t, 100, 30, false)
	d.press("M")
	if d.page().Address != "about:bookmarks" {
		t.Errorf("M opened %s", d.page().Address)
	}
	d.send(tea.KeyPressMsg{Code: 'r', Mod: tea.ModCtrl})
	d.settle()
	if d.page().Address != "about:history" {
		t.Errorf("ctrl+r opened %s", d.page().Address)
	}
	d.press("?", "G")
	if scr := d.screen(); !strings.Contains(scr, "about:bookmarks (M)") || !strings.Contains(scr, "about:history (ctrl+r)") || !strings.Contains(scr, "about:known-hosts") {
		t.Errorf("the help does not list the about: pages:\n%s", scr)
	}
}

// On a wide screen with Center, the text column stands in the middle;
// a click still follows the link under it.
func TestCenteredColumn(t *testing.T) {
	t.Parallel()
	s := pagesSite(t, map[string]string{"/": "=> /next Next\n# Centred\n", "/next": "# Next\n"})
	d := newDriverOpts(t, 200, 30, Options{Center: true}, s.URL+"/")
	d.waitFor("Centred")
	rows := strings.Split(d.screen(), "\n")
	pad := (200 - 101) / 2
	if !strings.HasPrefix(rows[1], strings.Repeat(" ", pad)+" [1] Next") {
		t.Fatalf("the first row is %q", rows[1])
	}
	d.send(tea.MouseClickMsg{Button: tea.MouseLeft, X: pad + 6, Y: 1})
	d.waitFor("# Next")
}

// s saves the page as received (its bytes, undecoded) to the download
// directory; \ shows the source as received, tabs and text after a
// closing fence included, and says that it is the source.
func TestSaveAndSource(t *testing.T) {
	t.Parallel()
	body := "# Caf\xe9\n```\npre\n```trailing text\n\tindented\n"
	mux := testserver.NewMux()
	mux.Handle("/", testserver.Page("text/gemini; charset=iso-8859-1", body))
	s := newSite(t, mux)
	dir := t.TempDir()
	d := newDriverOpts(t, 100, 30, Options{DownloadDir: dir}, s.URL+"/")
	d.waitFor("# Café")
	d.press("s")
	d.waitFor("Saved ")
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Fatalf("the download dir holds %d entries", len(entries))
	}
	if b, _ := os.ReadFile(filepath.Join(dir, entries[0].Name())); string(b) != body {
		t.Errorf("saved %q, want the bytes as received", b)
	}
	d.press("\\")
	scr := d.screen()
	for _, want := range []string{"# Café", "```trailing text", "        indented", "Source as received"} {
		if !strings.Contains(scr, want) {
			t.Errorf("the source lacks %q:\n%s", want, scr)
		}
	}
}

// about: pages read their files again whenever they are opened: what
// another propus wrote shows at once.
func TestAboutPagesReadTheirFilesAgain(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "bookmarks.xml")
	mine, err := bookmarks.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	d := newDriverOpts(t, 100, 30, Options{Bookmarks: mine}, "about:blank")
	other, err := bookmarks.Open(path) // another propus
	if err != nil {
		t.Fatal(err)
	}
	if err := other.Add(bookmarks.Bookmark{Title: "Written elsewhere", URL: "gemini://elsewhere.example/"}); err != nil {
		t.Fatal(err)
	}
	d.press("M")
	d.waitFor("Written elsewhere")
}

// While a slow page streams, the size in the status line counts what has
// arrived, and the line begun but not ended shows below the last whole
// one.
func TestStreamingCountMoves(t *testing.T) {
	t.Parallel()
	slow := newSlow(t, true, "# Slow\n"+strings.Repeat("x", 5000), "\n")
	mux := testserver.NewMux()
	mux.Handle("/slow", slow)
	s := newSite(t, mux)
	d := newDriver(t, 100, 30, false, s.URL+"/slow")
	d.waitForNoSettle("# Slow")
	d.pressNoWait("x") // a key clears the word of the first visit
	deadline := time.Now().Add(waitTimeout)
	for !strings.Contains(d.statusLine(), "4.9 KiB") {
		if time.Now().After(deadline) {
			t.Fatalf("the count does not move: %q", d.statusLine())
		}
		time.Sleep(time.Millisecond) // the count is read from the stream, outside any message
	}
	if !strings.Contains(d.screen(), strings.Repeat("x", 80)) {
		t.Errorf("the line begun does not show:\n%s", d.screen())
	}
	slow.free()
	d.waitChan(slow.done, "the end of the page")
}

// A text in a charset propus cannot decode is never shown as noise: it
// asks, and s saves it, u shows it as UTF-8 (and says so).
func TestUnknownCharset(t *testing.T) {
	t.Parallel()
	mux := testserver.NewMux()
	mux.Handle("/", testserver.Page("text/gemini", "# Start\n=> /odd Odd\n"))
	mux.Handle("/odd", testserver.Page("text/gemini; charset=x-klingon", "# Qapla'\n"))
	s := newSite(t, mux)
	dir := t.TempDir()
	d := newDriverOpts(t, 100, 30, Options{DownloadDir: dir}, s.URL+"/")
	d.waitFor("# Start")
	d.press("1")
	scr := d.waitFor("is one propus cannot decode")
	if !strings.Contains(scr, "x-klingon") || !strings.Contains(scr, "u     show it as UTF-8") || strings.Contains(scr, "Qapla") {
		t.Fatalf("the question:\n%s", scr)
	}
	d.press("enter") // not an answer
	d.press("u")
	d.waitFor("# Qapla'")
	if st := d.statusLine(); !strings.Contains(st, "shown as UTF-8: its charset, x-klingon, is unknown") {
		t.Errorf("status %q", st)
	}
	d.press("H", "1")
	d.waitFor("is one propus cannot decode")
	d.press("s")
	d.waitFor("Saved ")
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Errorf("the download dir holds %d entries", len(entries))
	}
}

// Given the terminal's size, the model draws its first View whole: the
// page is in the frame Bubble Tea draws before it reports the size, not
// one tick after.
func TestFirstViewHoldsThePage(t *testing.T) {
	t.Parallel()
	m := New(Options{Width: 80, Height: 24, DownloadDir: t.TempDir()}, "about:home")
	m.Init()
	got := m.View().Content
	if !strings.Contains(got, "A terminal browser for Gemini space") {
		t.Fatalf("first view, before any size message:\n%s", got)
	}
	if n := strings.Count(got, "\n") + 1; n != 24 {
		t.Fatalf("first view has %d rows, want 24", n)
	}
}
