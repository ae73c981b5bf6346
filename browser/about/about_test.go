package about

import (
	"net/url"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"

	"propus/browser/bookmarks"
	"propus/browser/dialog"
	"propus/browser/keys"
	"propus/browser/style"
	"propus/client/identity"
)

func newRouter(t *testing.T) (*Router, *Env) {
	t.Helper()
	bs, err := bookmarks.Open(t.TempDir() + "/bookmarks.xml")
	if err != nil {
		t.Fatal(err)
	}
	env := &Env{Bookmarks: bs, Scopes: &identity.Scopes{}, ScopesInMemory: true,
		Visited: func(string) bool { return false },
		Dialogs: &dialog.Shared{Styles: style.PlainStyles(), Keys: keys.DefaultKeyMap()}}
	return NewRouter(env), env
}

// Only the page's name is case-folded: a tag keeps its case.
func TestQueryKeepsItsCase(t *testing.T) {
	t.Parallel()
	rt, env := newRouter(t)
	for _, b := range []bookmarks.Bookmark{
		{Title: "Tagged", URL: "gemini://a.example/", Tags: []string{"Foo"}},
		{Title: "Other", URL: "gemini://b.example/", Tags: []string{"bar"}},
	} {
		if err := env.Bookmarks.Add(b); err != nil {
			t.Fatal(err)
		}
	}
	_, show, acts := rt.Open("ABOUT:Bookmarks?tag=Foo", "")
	if acts || show != "about:bookmarks?tag=Foo" {
		t.Fatalf("Open: show %q, acts %t", show, acts)
	}
	text, _ := rt.Page(show)
	if !strings.Contains(text, "The bookmarks tagged “Foo”") || !strings.Contains(text, "Tagged") || strings.Contains(text, "=> gemini://b.example/") {
		t.Errorf("the page:\n%s", text)
	}
}

// A link that acts does so only from its own page: from anywhere else it
// opens the page.
func TestActionsOnlyFromTheirPage(t *testing.T) {
	t.Parallel()
	rt, env := newRouter(t)
	if err := env.Bookmarks.Add(bookmarks.Bookmark{Title: "A", URL: "gemini://a.example/"}); err != nil {
		t.Fatal(err)
	}
	link := Bookmarks + "?remove=" + url.QueryEscape("gemini://a.example/")
	if _, show, acts := rt.Open(link, "gemini://evil.example/"); acts || show != Bookmarks {
		t.Errorf("from a capsule: show %q, acts %t", show, acts)
	}
	if _, show, acts := rt.Open(link, ""); acts || show != Bookmarks {
		t.Errorf("typed: show %q, acts %t", show, acts)
	}
	a, _, acts := rt.Open(link, "about:bookmarks?tag=x")
	if !acts || a.Dialog == nil {
		t.Fatalf("from about:bookmarks: %+v, acts %t", a, acts)
	}
	if cmd, done := a.Dialog.Update(tea.KeyPressMsg{Code: tea.KeyEnter}); done || cmd != nil {
		t.Error("enter removed the bookmark")
	}
	cmd, done := a.Dialog.Update(tea.KeyPressMsg{Code: 'y', Text: "y"})
	if !done {
		t.Fatal("y did not answer")
	}
	if ch := cmd().(Changed); ch.Page != Bookmarks || ch.Err != nil || len(env.Bookmarks.List()) != 0 {
		t.Errorf("after y: %+v, %d bookmarks", ch, len(env.Bookmarks.List()))
	}
}

func TestUnknownPage(t *testing.T) {
	t.Parallel()
	rt, _ := newRouter(t)
	if text, fill := rt.Page("about:nothing"); fill != nil || !strings.Contains(text, "propus has no page called about:nothing") {
		t.Errorf("%q", text)
	}
	if text, _ := rt.Page("about:HOME"); !strings.Contains(text, "# propus") {
		t.Errorf("about:HOME: %q", text)
	}
}
