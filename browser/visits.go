package browser

import (
	"propus/browser/history"
)

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
