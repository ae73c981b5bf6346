package browser

import (
	"path/filepath"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"

	"propus/browser/session"
)

// quitAndSave presses q and runs the command it returns as Bubble Tea
// would: it must be a sequence that saves the session, then quits.
func quitAndSave(t *testing.T, d *driver) {
	t.Helper()
	_, cmd := d.m.Update(keyMsg("q"))
	if cmd == nil {
		t.Fatal("q returned no command")
	}
	saved, ok := cmd().(sessionSavedMsg)
	if !ok || saved.err != nil {
		t.Fatalf("q gave %#v, want the session saved", saved)
	}
	_, quit := d.m.Update(saved)
	if quit == nil {
		t.Fatal("the session saved, nothing quits")
	}
	if _, ok := quit().(tea.QuitMsg); !ok {
		t.Fatal("the session saved, the command does not quit")
	}
}

func TestSessionRestore(t *testing.T) {
	t.Parallel()
	s := serve(t, map[string]string{
		"/":     "# First home\n=> /long Long\n",
		"/long": longPage(200),
		"/b":    "# Second tab\n",
	})
	path := filepath.Join(t.TempDir(), "data", "session")
	d := newDriverOpts(t, 80, 24, Options{Session: path, RestoreSession: true}, s.URL+"/", s.URL+"/b")
	d.waitLoaded()
	d.press("1")
	d.waitFor("Long page")
	d.wantLoaded()
	d.press("j", "j", "j", "j", "j")
	top := d.m.tabs[0].Page.View.Top
	if top.Line == 0 {
		t.Fatalf("the page did not scroll: %+v", top)
	}
	d.press("g", "t") // the second tab is the active one
	quitAndSave(t, d)

	saved, err := session.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(saved.Tabs) != 2 || saved.Active != 1 {
		t.Fatalf("saved %+v", saved)
	}

	// A new browser restores both tabs, the scroll position and the back list.
	d2 := newDriverOpts(t, 80, 24, Options{Session: path, RestoreSession: true})
	d2.waitLoaded()
	if len(d2.m.tabs) != 2 || d2.m.active != 1 {
		t.Fatalf("restored %d tabs, active %d", len(d2.m.tabs), d2.m.active)
	}
	t0, t1 := d2.m.tabs[0], d2.m.tabs[1]
	if t0.Page.Address != s.URL+"/long" || t1.Page.Address != s.URL+"/b" {
		t.Fatalf("the tabs show %s and %s", t0.Page.Address, t1.Page.Address)
	}
	if t0.Page.View.Top != top {
		t.Errorf("the first tab is at %+v, want %+v", t0.Page.View.Top, top)
	}
	if len(t0.Back) != 1 || t0.Back[0].Address != s.URL+"/" || t0.Back[0].Page != nil {
		t.Fatalf("the back list is %+v", t0.Back)
	}
	// Going back loads the uncached entry.
	d2.press("g", "T")
	d2.press("H")
	d2.waitFor("First home")
	if len(t0.Forward) != 1 || t0.Forward[0].Address != s.URL+"/long" {
		t.Errorf("the forward list is %+v", t0.Forward)
	}

	// Without RestoreSession, nothing comes back.
	d3 := newDriverOpts(t, 80, 24, Options{Session: path, RestoreSession: false})
	d3.wantLoaded() // about:home comes at once
	if len(d3.m.tabs) != 1 || d3.m.tabs[0].Page.Address != "about:home" {
		t.Errorf("RestoreSession=false opened %d tabs, %s", len(d3.m.tabs), d3.m.tabs[0].Page.Address)
	}
	// Nor with URLs on the command line.
	d4 := newDriverOpts(t, 80, 24, Options{Session: path, RestoreSession: true}, s.URL+"/b")
	d4.waitLoaded()
	if len(d4.m.tabs) != 1 {
		t.Errorf("a URL on the command line and %d tabs", len(d4.m.tabs))
	}
}

func TestSessionNeverSavesSensitivePages(t *testing.T) {
	t.Parallel()
	s := newInputServer(t)
	path := filepath.Join(t.TempDir(), "session")
	d := newDriverOpts(t, 100, 30, Options{Session: path}, s.URL+"/")
	d.waitLoaded()
	d.pressThen(d.inputDialogOpen, "the input dialog", "2") // Log in: an 11
	d.typeText("hunter2")
	d.press("enter")
	d.waitFor("# Welcome")
	d.wantLoaded()
	quitAndSave(t, d)

	saved, err := session.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(saved.Tabs) != 1 {
		t.Fatalf("saved %+v", saved)
	}
	tab := saved.Tabs[0]
	for _, e := range append(append([]session.Entry{tab.Current}, tab.Back...), tab.Forward...) {
		if strings.Contains(e.URL, "hunter2") || strings.Contains(e.URL, "***") {
			t.Errorf("the session holds %q", e.URL)
		}
	}
	if strings.HasSuffix(tab.Current.URL, "/login") {
		t.Errorf("the sensitive page is the current one: %+v", tab)
	}
}
