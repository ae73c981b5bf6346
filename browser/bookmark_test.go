package browser

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"propus/browser/bookmarks"
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
	// The remove link is the second link on the page: it asks first.
	d.press("2")
	d.waitFor("Remove the bookmark Capsule home?")
	d.press("y")
	d.waitFor("Removed the bookmark: Capsule home")
	if _, ok := bs.Find(s.URL + "/"); ok {
		t.Error("the bookmark is still there")
	}
	d.waitFor("No bookmark yet")
}

func TestBookmarkFollowsPermanentRedirect(t *testing.T) {
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
	bs, _ := bookmarkStore(t)
	d := newDriverOpts(t, 80, 24, Options{Bookmarks: bs}, "about:home")
	d.waitFor("propus")
	d.m.tab().page.sensitive = true
	d.press("B")
	d.waitFor("never bookmarked")
	if len(bs.List()) != 0 {
		t.Error("a sensitive page was bookmarked")
	}
}

func TestGoldenBookmarkDialogs(t *testing.T) {
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
			golden(t, fmt.Sprintf("bookmark-moved-%dx%d", size.w, size.h), normalize(d.screen()))
			d.press("esc")
			d.waitFor("The new place")
			d.press("B")
			d.waitFor("Bookmark this page")
			checkFrame(t, d.m.screen(), size.w, size.h)
			golden(t, fmt.Sprintf("bookmark-add-%dx%d", size.w, size.h), normalize(d.screen()))
		})
	}
}
