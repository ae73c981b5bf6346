package browser

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"

	"propus/browser/bookmarks"
	"propus/client"
	"propus/testserver"
)

// The defects issue 10 named, each seen when propus was tried as a new
// user would, and each from the old shape of the browser.

// crossHostSite serves a page whose first link redirects to another host
// (localhost instead of 127.0.0.1), and a page there.
func crossHostSite(t *testing.T) (*hopSite, string) {
	mux := testserver.NewMux()
	mux.Handle("/", testserver.Page("text/gemini", "=> /away Away\n=> /other Other\n# Start\n"))
	mux.Handle("/other", testserver.Page("text/gemini", "# Other\n"))
	s := newHopSite(t, mux)
	there := "gemini://localhost:" + itoa(s.Port) + "/there"
	mux.Handle("/away", redirect(there))
	mux.Handle("/there", testserver.Page("text/gemini", "# There\n"))
	return s, there
}

// With a dialog open, a click where a page link sits under it follows
// nothing, and the wheel does not scroll the hidden page.
func TestDialogTakesTheMouse(t *testing.T) {
	t.Parallel()
	s, _ := crossHostSite(t)
	bs, err := bookmarks.Open(filepath.Join(t.TempDir(), "bookmarks.xml"))
	if err != nil {
		t.Fatal(err)
	}
	d := newDriverOpts(t, 80, 6, Options{Bookmarks: bs}, s.URL+"/")
	d.waitFor("Start")
	for _, open := range []string{"1", "B"} { // the redirect dialog, the bookmark editor
		d.pressThen(func() bool { return d.m.dialogs.Len() == 1 }, "a dialog", open)
		before := len(s.requested())
		top := d.page().View.Top
		d.send(tea.MouseWheelMsg{Button: tea.MouseWheelDown})
		d.send(tea.MouseClickMsg{Button: tea.MouseLeft, X: 5, Y: 2}) // on "Other", under the dialog
		d.settle()
		if got := s.requested(); len(got) != before {
			t.Errorf("%s: a click under the dialog requested %q", open, got[before:])
		}
		if d.page().View.Top != top || d.m.dialogs.Len() != 1 {
			t.Errorf("%s: the wheel scrolled the hidden page, or the dialog closed", open)
		}
		d.press("esc")
		d.m.dialogs.Clear()
	}
}

// Enter on the cross-host redirect question contacts nobody: following
// takes its named key.
func TestRedirectEnterStays(t *testing.T) {
	t.Parallel()
	s, there := crossHostSite(t)
	d := newDriver(t, 100, 30, false, s.URL+"/")
	d.waitFor("Start")
	d.pressThen(func() bool { return d.m.dialogs.Len() == 1 }, "the redirect dialog", "1")
	d.press("enter")
	s.want(t, "/", "/away")
	if d.m.dialogs.Len() != 1 {
		t.Fatal("enter closed the redirect dialog")
	}
	d.press("f")
	d.waitFor("# There")
	s.want(t, "/", "/away", there)
}

// A [keys] override reaches the dialogs: their keys and the help line.
func TestKeysOverrideReachesDialogs(t *testing.T) {
	t.Parallel()
	s, there := crossHostSite(t)
	d := newDriverOpts(t, 100, 30, Options{Keys: map[string][]string{"follow_redirect": {"F"}}}, s.URL+"/")
	d.waitFor("Start")
	d.pressThen(func() bool { return d.m.dialogs.Len() == 1 }, "the redirect dialog", "1")
	scr := d.screen()
	if !strings.Contains(scr, "F     follow it") || !strings.Contains(lastRow(scr), "F follow it") {
		t.Errorf("the dialog and its help line do not show F:\n%s", scr)
	}
	d.press("f")
	s.want(t, "/", "/away")
	d.press("F")
	d.waitFor("# There")
	s.want(t, "/", "/away", there)
}

func lastRow(scr string) string {
	rows := strings.Split(scr, "\n")
	return rows[len(rows)-1]
}

// about:bookmarks?tag=Foo filters by the tag Foo, as typed.
func TestBookmarkTagKeepsItsCase(t *testing.T) {
	t.Parallel()
	bs, err := bookmarks.Open(filepath.Join(t.TempDir(), "bookmarks.xml"))
	if err != nil {
		t.Fatal(err)
	}
	for _, b := range []bookmarks.Bookmark{
		{Title: "Tagged", URL: "gemini://a.example/", Tags: []string{"Foo"}},
		{Title: "Untagged", URL: "gemini://b.example/"},
	} {
		if err := bs.Add(b); err != nil {
			t.Fatal(err)
		}
	}
	d := newDriverOpts(t, 100, 30, Options{Bookmarks: bs}, "about:bookmarks?tag=Foo")
	scr := d.screen()
	if !strings.Contains(scr, "The bookmarks tagged “Foo”") || !strings.Contains(scr, "Tagged") || strings.Contains(scr, "Untagged") {
		t.Errorf("about:bookmarks?tag=Foo shows:\n%s", scr)
	}
}

// hangSite answers nothing until the test ends; each request it gets
// is signalled on the channel.
func hangSite(t *testing.T) (*testserver.TestServer, chan struct{}) {
	got := make(chan struct{}, 4)
	s := testserver.NewServer(t, testserver.HandlerFunc(func(w testserver.ResponseWriter, r *testserver.Request) {
		got <- struct{}{}
		<-t.Context().Done()
	}))
	return s, got
}

// Esc during a tab's first load keeps the address it was asked: the bar
// shows it, r asks again, H says there is nothing to go back to.
func TestEscOnFirstLoadKeepsTheAddress(t *testing.T) {
	t.Parallel()
	s, requests := hangSite(t)
	d := newDriver(t, 100, 30, false, s.URL+"/slow")
	d.waitChan(requests, "the request")
	d.press("esc")
	scr := d.screen()
	if !strings.HasPrefix(scr, " "+s.URL+"/slow") || !strings.Contains(scr, "# Cancelled") {
		t.Fatalf("after esc:\n%s", scr)
	}
	d.pressNoWait("r")
	if d.m.tab().Loading != s.URL+"/slow" {
		t.Errorf("r loads %q", d.m.tab().Loading)
	}
	d.waitChan(requests, "r's request")
	d.press("esc")
	d.press("H")
	if st := d.statusLine(); !strings.Contains(st, "No page to go back to") {
		t.Errorf("H: %q", st)
	}
}

// stallSite serves two downloads that send a little, then stall until
// the test ends; started is signalled for each.
func stallSite(t *testing.T) (*testserver.TestServer, chan struct{}) {
	started := make(chan struct{}, 2)
	mux := testserver.NewMux()
	mux.Handle("/", testserver.Page("text/gemini", "# Files\n=> /a.bin A\n=> /b.bin B\n"))
	stall := testserver.HandlerFunc(func(w testserver.ResponseWriter, r *testserver.Request) {
		w.WriteHeader(client.StatusSuccess, "application/octet-stream")
		w.Write(make([]byte, 3000))
		w.Flush()
		started <- struct{}{}
		<-t.Context().Done()
	})
	mux.Handle("/a.bin", stall)
	mux.Handle("/b.bin", stall)
	return testserver.NewServer(t, mux), started
}

// Two downloads at once each keep their own progress, and quitting
// cancels both at once (not after the idle timeout): nothing is left on
// disk.
func TestDownloadsEachTheirOwnAndQuitCancels(t *testing.T) {
	t.Parallel()
	s, started := stallSite(t)
	dir := t.TempDir()
	d := newDriverOpts(t, 100, 30, Options{DownloadDir: dir}, s.URL+"/")
	d.waitFor("# Files")
	for _, link := range []string{"1", "2"} {
		d.pressNoWait(link) // a settle would wait for the download that stalls
		d.waitForNoSettle("Not a page")
		d.waitChan(started, "the response")
		d.pressNoWait("s")
	}
	d.waitForNoSettle(" · b.bin ")
	if st := d.statusLine(); !strings.Contains(st, "Saving a.bin ") || !strings.Contains(st, " · b.bin ") {
		t.Errorf("the status line does not show both downloads: %q", st)
	}
	_, quit := d.m.Update(keyMsg("q"))
	if quit == nil || quit() != tea.Msg(tea.QuitMsg{}) {
		t.Fatal("q does not quit")
	}
	d.settle() // both downloads end: cancelled
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("the download dir holds %d entries after quitting", len(entries))
	}
}

// A session that cannot be saved at quit is said; q again quits without
// it.
func TestSessionSaveFailureIsSaid(t *testing.T) {
	t.Parallel()
	blocker := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(blocker, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	d := newDriverOpts(t, 100, 30, Options{Session: filepath.Join(blocker, "session")}, "about:blank")
	_, save := d.m.Update(keyMsg("q"))
	saved, ok := save().(sessionSavedMsg)
	if !ok || saved.err == nil {
		t.Fatalf("q gave %#v, want a failed save", saved)
	}
	if _, cmd := d.m.Update(saved); cmd != nil {
		t.Fatal("a failed save quits")
	}
	if st := d.statusLine(); !strings.Contains(st, "Session not saved") || !strings.Contains(st, "press q again") {
		t.Errorf("the status line says %q", st)
	}
	_, quit := d.m.Update(keyMsg("q"))
	if quit == nil || quit() != tea.Msg(tea.QuitMsg{}) {
		t.Error("q again does not quit")
	}
}
