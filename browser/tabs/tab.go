package tabs

import (
	"context"
	"net/url"
	"sync/atomic"

	"propus/browser/load"
	"propus/browser/render"
)

// MaxCachedPages is how many pages of a tab's history stay in memory, so
// that going back to them is instant; older entries load again.
const MaxCachedPages = 8

// HiddenQuery marks a URL whose query, the answer to a sensitive prompt,
// is not shown.
const HiddenQuery = "?***"

// Entry is one step of a tab's history.
type Entry struct {
	Address string
	Top     render.Pos
	Page    *Page // nil when no longer cached
}

// Tab is one tab: its page, its history, and its load in flight.
type Tab struct {
	ID      int
	Seq     int // bumped by every load; stale replies are dropped
	Cancel  context.CancelFunc
	Want    string   // the address to open first (Init)
	Target  *url.URL // the URL of the load in flight, or of the last one
	Loading string   // the address being loaded, as shown, until its header arrives
	// Received counts the bytes of a body read whole before it shows (an
	// image) while that goes on; nil otherwise.
	Received *atomic.Int64
	Restore  *render.Pos
	Page     *Page
	Back     []Entry
	Forward  []Entry
	Via      []*url.URL // the redirect chain that led here, the request first
	Slow     *SlowDown  // a 44 being waited out, if any
	Secret   string     // the URL that carried an answer to a sensitive prompt (11): never shown or recorded
}

// Key is the key of the tab's current load.
func (t *Tab) Key() load.Key { return load.Key{Tab: t.ID, Seq: t.Seq} }

// Current returns the history entry for the page shown now.
func (t *Tab) Current() Entry {
	return Entry{Address: t.Page.Address, Top: t.Page.View.Top, Page: t.Page}
}

// Push records the page shown now in the back history (before moving on).
func (t *Tab) Push() {
	if t.Page == nil {
		return
	}
	if n := len(t.Back); n > 0 && t.Back[n-1].Page == t.Page {
		// A load that never answered (superseded or cancelled) has
		// recorded this page already: record it once.
		t.Back[n-1].Top = t.Page.View.Top
		t.Forward = nil
		return
	}
	t.Back = append(t.Back, t.Current())
	if n := len(t.Back) - MaxCachedPages; n > 0 {
		for i := range n {
			t.Back[i].Page = nil
		}
	}
	t.Forward = nil
}

// Stop cancels the load in flight, if any, and makes its replies stale.
func (t *Tab) Stop() {
	if t.Cancel != nil {
		t.Cancel()
		t.Cancel = nil
	}
	t.Seq++
	t.Loading, t.Received = "", nil
	t.Via = nil
}

// Hides reports whether u carries the answer to a sensitive prompt given
// in the tab: such a URL is never shown, copied or recorded.
func (t *Tab) Hides(u *url.URL) bool {
	return t.Secret != "" && u != nil && u.String() == t.Secret
}

// Shown is how the tab shows u while it loads: without the query when it
// carries a sensitive answer.
func (t *Tab) Shown(u *url.URL) string {
	if t.Hides(u) {
		return load.WithoutQuery(u).String() + HiddenQuery
	}
	return u.String()
}

// Address is what the URL bar shows: the address loading, else the
// page's, else the one last asked for.
func (t *Tab) Address() string {
	switch {
	case t.Loading != "":
		return t.Loading
	case t.Page != nil:
		return t.Page.ShownAddress()
	case t.Target != nil:
		return t.Shown(t.Target)
	}
	return t.Want
}
