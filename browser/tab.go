package browser

import (
	"context"
	"net/url"

	"propus/browser/render"
)

// maxCachedPages is how many pages of a tab's history stay in memory, so
// that going back to them is instant; older entries load again.
const maxCachedPages = 8

// entry is one step of a tab's history.
type entry struct {
	address string
	top     render.Pos
	page    *page // nil when no longer cached
}

// tab is one tab: its page, its history, and its load in flight.
type tab struct {
	id            int
	seq           int // bumped by every load; stale replies are dropped
	cancel        context.CancelFunc
	loading       string // the address being loaded until its header arrives
	restore       *render.Pos
	page          *page
	back, forward []entry
	via           []*url.URL // the redirect chain that led here, the request first
	slow          *slowDown  // a 44 being waited out, if any
	secret        string     // the URL that carried an answer to a sensitive prompt (11): never shown or recorded
}

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
