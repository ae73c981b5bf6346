package browser

import (
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"propus/browser/history"
)

func historyStore(t *testing.T) (*history.Store, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "history")
	hs, err := history.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	return hs, path
}

// visitURLs returns the URLs of the visits, newest first.
func visitURLs(vs []history.Visit) []string {
	var out []string
	for _, v := range vs {
		out = append(out, v.URL)
	}
	return out
}

func TestHistoryRecordsVisitsWithTitles(t *testing.T) {
	t.Parallel()
	s := serve(t, map[string]string{
		"/":    "# Capsule home\n=> /two Two\n",
		"/two": "# Second page\nhello\n",
	})
	hs, path := historyStore(t)
	d := newDriverOpts(t, 80, 30, Options{History: hs}, s.URL+"/")
	d.waitFor("Capsule home")
	d.press("1")
	d.waitFor("Second page")
	d.expect(len(hs.List()) == 2, "two visits in the store")

	again, err := history.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	list := again.List()
	if got, want := visitURLs(list), []string{s.URL + "/two", s.URL + "/"}; !slices.Equal(got, want) {
		t.Fatalf("the file holds %q, want %q", got, want)
	}
	if list[0].Title != "Second page" || list[1].Title != "Capsule home" {
		t.Errorf("the titles are %q and %q", list[0].Title, list[1].Title)
	}
	if time.Since(list[0].Time) > time.Minute {
		t.Errorf("the visit's time is %v", list[0].Time)
	}

	// about: pages are not recorded; about:history lists the visits by day.
	d.press("o")
	d.typeText("about:history")
	d.press("enter")
	scr := d.waitFor("# History")
	day := "## " + list[0].Time.Local().Format(time.DateOnly)
	for _, want := range []string{"Search the history", "Clear the history", day, "Second page", "Capsule home"} {
		if !strings.Contains(scr, want) {
			t.Errorf("about:history lacks %q:\n%s", want, scr)
		}
	}
	if strings.Index(scr, "Second page") > strings.Index(scr, "Capsule home") {
		t.Errorf("about:history is not newest first:\n%s", scr)
	}
	if len(hs.List()) != 2 {
		t.Errorf("an about: page was recorded: %q", visitURLs(hs.List()))
	}

	// A search lists the matches only.
	d.press("o")
	d.typeText("about:history?q=SECOND")
	d.press("enter")
	scr = d.waitFor("The whole history")
	if !strings.Contains(scr, "Second page") || strings.Contains(scr, "Capsule home") {
		t.Errorf("the search shows:\n%s", scr)
	}

	// A new browser completes from the store, oldest first.
	d2 := newDriverOpts(t, 80, 30, Options{History: again}, "about:blank")
	if got, want := d2.m.visits.order, []string{s.URL + "/", s.URL + "/two"}; !slices.Equal(got, want) {
		t.Errorf("completion is seeded with %q, want %q", got, want)
	}
	if home, _ := d2.m.about.Page("about:home"); !strings.Contains(home, "=> about:history ") {
		t.Error("about:home has no link to about:history")
	}
}

func TestHistoryNeverRecordsSensitiveInput(t *testing.T) {
	t.Parallel()
	s := newInputServer(t)
	hs, _ := historyStore(t)
	d := newDriverOpts(t, 100, 30, Options{History: hs}, s.URL+"/")
	d.waitLoaded()
	d.expect(len(hs.List()) == 1, "the home page recorded")
	d.pressThen(d.inputDialogOpen, "the input dialog", "2") // Log in: an 11
	d.typeText("hunter2")
	d.press("enter")
	d.waitFor("# Welcome")
	d.press("1") // a page after it is recorded again
	d.waitFor("/account")
	d.expect(len(hs.List()) == 2, "the account page recorded")
	for _, v := range hs.List() {
		if strings.Contains(v.URL, "hunter2") || strings.Contains(v.URL, "/login") {
			t.Errorf("the history holds %q", v.URL)
		}
	}
	if got, want := visitURLs(hs.List()), []string{s.URL + "/account", s.URL + "/"}; !slices.Equal(got, want) {
		t.Errorf("the history holds %q, want %q", got, want)
	}
}

func TestHistoryClearAsksFirst(t *testing.T) {
	t.Parallel()
	hs, path := historyStore(t)
	for _, u := range []string{"gemini://a.example/", "gemini://b.example/"} {
		if err := hs.Add(history.Visit{URL: u, Title: "Page " + u}); err != nil {
			t.Fatal(err)
		}
	}
	d := newDriverOpts(t, 80, 30, Options{History: hs}, "about:home")
	d.waitFor("propus")
	// The clear link anywhere else only opens about:history.
	d.press("o")
	d.typeText("about:history?clear")
	d.press("enter")
	d.waitFor("Search the history")
	if d.asking() || len(hs.List()) != 2 {
		t.Fatal("the clear link asked from elsewhere")
	}
	// On about:history it asks; esc keeps the history.
	d.press("2")
	d.waitFor("Clear the history?")
	d.press("esc")
	if len(hs.List()) != 2 {
		t.Fatal("esc cleared the history")
	}
	d.press("2")
	d.waitFor("Clear the history?")
	d.press("y")
	d.waitFor("Cleared the history")
	d.waitFor("No visit yet")
	again, err := history.Open(path)
	if err != nil || len(again.List()) != 0 || len(d.m.visits.order) != 0 {
		t.Errorf("after clearing: %v, the file holds %q, completion %q", err, visitURLs(again.List()), d.m.visits.order)
	}
}

// TestReloadAboutPage: r on about:history reads the store again, so what
// another propus recorded meanwhile shows.
func TestReloadAboutPage(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "history")
	hs, err := history.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	d := newDriverOpts(t, 100, 20, Options{History: hs}, "about:history")
	d.waitFor("No visit yet")
	other, err := history.Open(path) // another process, as far as hs knows
	if err != nil {
		t.Fatal(err)
	}
	if err := other.Add(history.Visit{URL: "gemini://elsewhere.example/", Title: "Seen by another propus"}); err != nil {
		t.Fatal(err)
	}
	d.press("r")
	d.waitFor("Seen by another propus")
	d.waitFor("Reloaded")
}

// about:history shows each visit's time and address, a page once (its
// last visit), removes a page (asking first), and opens the prompt to
// search it.
func TestHistoryPageFoldsRemovesSearches(t *testing.T) {
	t.Parallel()
	hs, err := history.Open(filepath.Join(t.TempDir(), "history"))
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range []string{"gemini://a.example/", "gemini://b.example/", "gemini://b.example/", "gemini://b.example/"} {
		if err := hs.Add(history.Visit{URL: u, Title: "Page " + u[9:10]}); err != nil {
			t.Fatal(err)
		}
	}
	d := newDriverOpts(t, 100, 30, Options{History: hs}, "about:history")
	scr := d.screen()
	clock := regexp.MustCompile(`\[3\] \d\d:\d\d gemini://b\.example/ — Page b`)
	if !clock.MatchString(scr) || !strings.Contains(scr, "gemini://a.example/ — Page a") || strings.Count(scr, "— Page b") != 1 {
		t.Fatalf("about:history:\n%s", scr)
	}
	d.press(itoa(d.linkTo("about:history?remove=gemini%3A%2F%2Fb.example%2F")))
	d.press("enter") // not an answer
	if !d.asking() {
		t.Fatal("no question")
	}
	d.press("y")
	d.waitFor("Removed gemini://b.example/ from the history")
	if got := visitURLs(hs.List()); len(got) != 1 || got[0] != "gemini://a.example/" || d.m.visits.has("gemini://b.example/") {
		t.Errorf("after removing b: %q", got)
	}
	d.press("1") // Search the history
	if st := d.statusLine(); !strings.HasPrefix(st, "Open: about:history?q=") {
		t.Fatalf("the search link opens %q", st)
	}
	d.typeText("Page a")
	d.press("enter")
	d.waitFor("The visits whose address or title contains “Page a”")
}
