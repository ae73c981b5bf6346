package tabs

import (
	"net/url"
	"testing"
)

func mustURL(t *testing.T, s string) *url.URL {
	t.Helper()
	u, err := url.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// Push keeps the last MaxCachedPages pages of the back history in
// memory, records a page once however often it is pushed, and clears the
// forward history; Stop makes the tab's replies stale.
func TestPushAndStop(t *testing.T) {
	t.Parallel()
	tb := &Tab{ID: 1}
	for i := range MaxCachedPages + 2 {
		tb.Page = LocalPage(nil, "about:blank", "# "+string(rune('a'+i)))
		tb.Push()
		tb.Push() // once only
	}
	if n := len(tb.Back); n != MaxCachedPages+2 {
		t.Fatalf("%d entries", n)
	}
	if tb.Back[0].Page != nil || tb.Back[1].Page != nil || tb.Back[2].Page == nil {
		t.Error("the oldest pages are still cached, or a recent one is not")
	}
	tb.Forward = []Entry{{Address: "x"}}
	tb.Page = LocalPage(nil, "about:home", "")
	tb.Push()
	if tb.Forward != nil {
		t.Error("Push kept the forward history")
	}
	k := tb.Key()
	cancelled := false
	tb.Cancel, tb.Loading = func() { cancelled = true }, "gemini://a.example/"
	tb.Stop()
	if !cancelled || tb.Key() == k || tb.Loading != "" || tb.Cancel != nil {
		t.Errorf("Stop: cancelled %t, key %v → %v, loading %q", cancelled, k, tb.Key(), tb.Loading)
	}
}

// The answer to a sensitive prompt is never shown, and never saved in
// the session: a tab on such a page is saved on the page before it.
func TestSensitiveNeverSaved(t *testing.T) {
	t.Parallel()
	secret := mustURL(t, "gemini://a.example/login?hunter2")
	tb := &Tab{ID: 1, Secret: secret.String()}
	if got := tb.Shown(secret); got != "gemini://a.example/login"+HiddenQuery {
		t.Errorf("Shown: %q", got)
	}
	tb.Page = LocalPage(mustURL(t, "gemini://a.example/"), "gemini://a.example/", "# Home")
	tb.Push()
	p := NewPage(secret, secret.String())
	p.HideQuery()
	tb.Page = p
	s := SessionOf([]*Tab{tb, {ID: 2}}, 0)
	if len(s.Tabs) != 1 || s.Tabs[0].Current.URL != "gemini://a.example/" || len(s.Tabs[0].Back) != 0 {
		t.Errorf("saved %+v", s)
	}
}
