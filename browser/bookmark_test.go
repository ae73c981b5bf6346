package browser

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"propus/browser/bookmarks"
	"propus/browser/internal/golden"
	"propus/testserver"
)

func bookmarkStore(t *testing.T) (*bookmarks.Store, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "bookmarks.xml")
	bs, err := bookmarks.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	return bs, path
}

func TestBookmarkAddListRemove(t *testing.T) {
	t.Parallel()
	s := serve(t, map[string]string{"/": "# Capsule home\nhello\n"})
	bs, path := bookmarkStore(t)
	d := newDriverOpts(t, 80, 24, Options{Bookmarks: bs}, s.URL+"/")
	d.waitFor("Capsule home")
	d.press("B")
	d.waitFor("Bookmark this page")
	d.press("tab")
	d.typeText("Gemlogs")
	d.press("enter")
	d.waitFor("Bookmarked: Capsule home")

	again, err := bookmarks.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	b, ok := again.Find(s.URL + "/")
	if !ok || b.Title != "Capsule home" || b.Folder != "Gemlogs" {
		t.Fatalf("the store holds %+v %v", b, ok)
	}

	d.press("o")
	d.typeText("about:bookmarks")
	d.press("enter")
	scr := d.waitFor("Remove a bookmark")
	if !strings.Contains(scr, "Gemlogs") || !strings.Contains(scr, "Capsule home") {
		t.Fatalf("about:bookmarks:\n%s", scr)
	}
	// The remove link is the third link on the page (after the bookmark
	// and its edit link): it asks first.
	d.press("3")
	d.waitFor("Remove the bookmark Capsule home?")
	d.press("y")
	d.waitFor("Removed the bookmark: Capsule home")
	if _, ok := bs.Find(s.URL + "/"); ok {
		t.Error("the bookmark is still there")
	}
	d.waitFor("No bookmark yet")
}

// TestBookmarkTagsEditMove: tags given in the dialog, listed and filtered
// on about:bookmarks, and an edit from there that moves a bookmark to
// another folder and changes its tags.
func TestBookmarkTagsEditMove(t *testing.T) {
	t.Parallel()
	s := serve(t, map[string]string{"/a": "# Page A\n", "/b": "# Page B\n"})
	bs, path := bookmarkStore(t)
	d := newDriverOpts(t, 100, 40, Options{Bookmarks: bs}, s.URL+"/a")
	d.waitLoaded()
	d.press("B")
	d.waitFor("Bookmark this page")
	d.press("tab", "tab")
	d.typeText("news, Tech")
	d.press("enter")
	d.waitFor("Bookmarked: Page A")
	d.press("o")
	d.typeText(s.URL + "/b")
	d.press("enter")
	d.wantLoaded()
	d.press("B")
	d.press("tab")
	d.typeText("Later")
	d.press("tab")
	d.typeText("news")
	d.press("enter")
	d.waitFor("Bookmarked: Page B")

	d.press("o")
	d.typeText("about:bookmarks")
	d.press("enter")
	scr := d.waitFor("## Tags")
	for _, want := range []string{"Page A [news, Tech]", "Later", "Page B [news]", "news (2)", "Tech (1)", "Edit Page A"} {
		if !strings.Contains(scr, want) {
			t.Errorf("about:bookmarks lacks %q:\n%s", want, scr)
		}
	}
	// A tag's link lists the bookmarks that have it.
	followLink(t, d, "Tech (1)")
	scr = d.waitFor("The bookmarks tagged")
	if !strings.Contains(scr, "Page A") || strings.Contains(scr, "Page B") {
		t.Errorf("the Tech tag lists:\n%s", scr)
	}
	followLink(t, d, "Every bookmark")
	d.waitFor("## Tags")

	// Edit Page B from the list: into another folder, another tag.
	followLink(t, d, "Edit Page B")
	d.waitFor("Edit the bookmark of this page")
	d.press("tab")
	for range len("Later") {
		d.press("backspace")
	}
	d.typeText("Gemlogs/Tech")
	d.press("tab")
	for range len("news") {
		d.press("backspace")
	}
	d.typeText("slow")
	d.press("enter")
	d.waitFor("Updated the bookmark: Page B")
	scr = d.waitFor("## Gemlogs/Tech") // the folder typed was on screen: its heading is not
	if !strings.Contains(scr, "slow (1)") || strings.Contains(scr, "## Later") {
		t.Errorf("after the edit:\n%s", scr)
	}
	again, err := bookmarks.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := again.Find(s.URL + "/b")
	if b.Folder != "Gemlogs/Tech" || !sameStrings(b.Tags, []string{"slow"}) || b.Title != "Page B" {
		t.Errorf("the file holds %+v", b)
	}
}

func sameStrings(a, b []string) bool { return strings.Join(a, "\x00") == strings.Join(b, "\x00") }

func TestBookmarkFollowsPermanentRedirect(t *testing.T) {
	t.Parallel()
	mux := testserver.NewMux()
	mux.Handle("/old", testserver.Raw("31 /new\r\n"))
	mux.Handle("/new", testserver.Page("text/gemini", "# The new place\n"))
	s := testserver.NewServer(t, mux)
	bs, _ := bookmarkStore(t)
	if err := bs.Add(bookmarks.Bookmark{Title: "Old place", URL: s.URL + "/old"}); err != nil {
		t.Fatal(err)
	}
	for _, answer := range []string{"esc", "y"} {
		d := newDriverOpts(t, 80, 24, Options{Bookmarks: bs}, s.URL+"/old")
		d.waitFor("moved for good")
		d.press(answer)
		if answer == "esc" {
			if _, ok := bs.Find(s.URL + "/old"); !ok {
				t.Fatal("esc changed the bookmark")
			}
			continue
		}
		d.waitFor("Updated the bookmark: Old place")
		if _, ok := bs.Find(s.URL + "/old"); ok {
			t.Error("the old address is still bookmarked")
		}
		if b, ok := bs.Find(s.URL + "/new"); !ok || b.Title != "Old place" {
			t.Errorf("the new address: %+v %v", b, ok)
		}
	}
}

func TestBookmarkRefusesSensitivePages(t *testing.T) {
	t.Parallel()
	bs, _ := bookmarkStore(t)
	d := newDriverOpts(t, 80, 24, Options{Bookmarks: bs}, "about:home")
	d.waitFor("propus")
	d.m.tab().Page.Sensitive = true
	d.press("B")
	d.waitFor("never bookmarked")
	if len(bs.List()) != 0 {
		t.Error("a sensitive page was bookmarked")
	}
}

func TestGoldenBookmarkDialogs(t *testing.T) {
	t.Parallel()
	mux := testserver.NewMux()
	mux.Handle("/old", testserver.Raw("31 /new\r\n"))
	mux.Handle("/new", testserver.Page("text/gemini", "# The new place\n"))
	s := testserver.NewServer(t, mux)
	for _, size := range []struct{ w, h int }{{40, 20}, {100, 30}} {
		t.Run(fmt.Sprintf("%dx%d", size.w, size.h), func(t *testing.T) {
			bs, _ := bookmarkStore(t)
			if err := bs.Add(bookmarks.Bookmark{Title: "Old place", URL: s.URL + "/old"}); err != nil {
				t.Fatal(err)
			}
			d := newDriverOpts(t, size.w, size.h, Options{Bookmarks: bs}, s.URL+"/old")
			d.waitFor("moved for good")
			checkFrame(t, d.m.screen(), size.w, size.h)
			golden.Check(t, fmt.Sprintf("bookmark-moved-%dx%d", size.w, size.h), normalize(d.screen()))
			d.press("esc")
			d.waitFor("The new place")
			d.press("B")
			d.waitFor("Bookmark this page")
			checkFrame(t, d.m.screen(), size.w, size.h)
			golden.Check(t, fmt.Sprintf("bookmark-add-%dx%d", size.w, size.h), normalize(d.screen()))
		})
	}
}
