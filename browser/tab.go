package browser

import (
	"context"
	"net/url"

	"propus/browser/history"
	"propus/browser/load"
	"propus/browser/render"
)

// maxCachedPages is how many pages of a tab's history stay in memory, so
// that going back to them is instant; older entries load again.
const maxCachedPages = 8

// hiddenQuery marks a URL whose query, the answer to a sensitive prompt,
// is not shown.
const hiddenQuery = "?***"

// entry is one step of a tab's history.
type entry struct {
	address string
	top     render.Pos
	page    *page // nil when no longer cached
}

// tab is one tab: its page, its history, and its load in flight.
type tab struct {
	id      int
	seq     int // bumped by every load; stale replies are dropped
	cancel  context.CancelFunc
	want    string   // the address to open first (Init)
	target  *url.URL // the URL of the load in flight, or of the last one
	loading string   // the address being loaded, as shown, until its header arrives
	restore *render.Pos
	page    *page
	back    []entry
	forward []entry
	via     []*url.URL // the redirect chain that led here, the request first
	slow    *slowDown  // a 44 being waited out, if any
	secret  string     // the URL that carried an answer to a sensitive prompt (11): never shown or recorded
}

// key is the key of the tab's current load.
func (t *tab) key() load.Key { return load.Key{Tab: t.id, Seq: t.seq} }

// current returns the history entry for the page shown now.
func (t *tab) current() entry {
	return entry{address: t.page.address, top: t.page.view.Top, page: t.page}
}

// push records the page shown now in the back history (before moving on).
func (t *tab) push() {
	if t.page == nil {
		return
	}
	if n := len(t.back); n > 0 && t.back[n-1].page == t.page {
		// A load that never answered (superseded or cancelled) has
		// recorded this page already: record it once.
		t.back[n-1].top = t.page.view.Top
		t.forward = nil
		return
	}
	t.back = append(t.back, t.current())
	if n := len(t.back) - maxCachedPages; n > 0 {
		for i := range n {
			t.back[i].page = nil
		}
	}
	t.forward = nil
}

// stop cancels the load in flight, if any, and makes its replies stale.
func (t *tab) stop() {
	if t.cancel != nil {
		t.cancel()
		t.cancel = nil
	}
	t.seq++
	t.loading = ""
	t.via = nil
}

// hides reports whether u carries the answer to a sensitive prompt given
// in the tab: such a URL is never shown, copied or recorded.
func (t *tab) hides(u *url.URL) bool {
	return t.secret != "" && u != nil && u.String() == t.secret
}

// shown is how the tab shows u while it loads: without the query when it
// carries a sensitive answer.
func (t *tab) shown(u *url.URL) string {
	if t.hides(u) {
		return load.WithoutQuery(u).String() + hiddenQuery
	}
	return u.String()
}

// address is what the URL bar shows: the address loading, else the
// page's, else the one last asked for.
func (t *tab) address() string {
	switch {
	case t.loading != "":
		return t.loading
	case t.page != nil:
		return t.page.shownAddress()
	case t.target != nil:
		return t.shown(t.target)
	}
	return t.want
}

// visits is what the browser knows of the addresses visited: the
// visited marks of links, the new entries of about:feeds, and the
// completion of the open prompt.
type visits struct {
	seen  map[string]bool
	order []string // oldest first
}

// seed fills the visits from the history store, oldest first.
func (v *visits) seed(hs *history.Store) {
	v.seen, v.order = map[string]bool{}, nil
	if hs == nil {
		return
	}
	list := hs.List()
	for i := len(list) - 1; i >= 0; i-- {
		v.add(list[i].URL)
	}
}

// add records a visit of addr.
func (v *visits) add(addr string) {
	if v.seen[addr] {
		for i, h := range v.order {
			if h == addr {
				v.order = append(v.order[:i], v.order[i+1:]...)
				break
			}
		}
	}
	v.seen[addr] = true
	v.order = append(v.order, addr)
}

// has reports whether addr was visited.
func (v *visits) has(addr string) bool { return v.seen[addr] }

// newestFirst lists the addresses visited, the last first.
func (v *visits) newestFirst() []string {
	out := make([]string, 0, len(v.order))
	for i := len(v.order) - 1; i >= 0; i-- {
		out = append(out, v.order[i])
	}
	return out
}
