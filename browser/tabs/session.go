package tabs

import (
	"strings"

	"propus/browser/render"
	"propus/browser/session"
)

// EntriesOf returns the uncached history entries of a saved list.
func EntriesOf(es []session.Entry) []Entry {
	out := make([]Entry, 0, len(es))
	for _, e := range es {
		out = append(out, Entry{Address: e.URL, Top: render.Pos{Line: e.Line, Row: e.Row}})
	}
	return out
}

// SessionOf returns the tabs as they are saved: without any page reached
// with sensitive input or carrying its answer. A tab whose current page is
// such a page shows the nearest page of its back (else forward) list
// instead; a tab with nothing left is not saved.
func SessionOf(tabs []*Tab, active int) session.Session {
	var s session.Session
	for i, t := range tabs {
		var cur Entry
		ok := false
		switch {
		case t.Page != nil:
			cur, ok = t.Current(), true
		case t.Address() != "":
			cur, ok = Entry{Address: t.Address()}, true
		}
		ok = ok && t.saves(cur)
		back, fwd := t.savedList(t.Back), t.savedList(t.Forward)
		if !ok {
			switch {
			case len(back) > 0:
				cur, back, ok = EntriesOf(back[len(back)-1:])[0], back[:len(back)-1], true
			case len(fwd) > 0:
				cur, fwd, ok = EntriesOf(fwd[len(fwd)-1:])[0], fwd[:len(fwd)-1], true
			}
		}
		if !ok {
			continue
		}
		if i == active {
			s.Active = len(s.Tabs)
		}
		s.Tabs = append(s.Tabs, session.Tab{
			Back: back, Forward: fwd,
			Current: session.Entry{URL: cur.Address, Line: cur.Top.Line, Row: cur.Top.Row},
		})
	}
	return s
}

// saves reports whether e may be saved in the session: never a page
// reached with sensitive input, nor the URL that carried the answer.
func (t *Tab) saves(e Entry) bool {
	if e.Address == "" || strings.Contains(e.Address, HiddenQuery) || (t.Secret != "" && e.Address == t.Secret) {
		return false
	}
	return e.Page == nil || !e.Page.Sensitive
}

// savedList returns the entries of es that may be saved.
func (t *Tab) savedList(es []Entry) []session.Entry {
	var out []session.Entry
	for _, e := range es {
		if t.saves(e) {
			out = append(out, session.Entry{URL: e.Address, Line: e.Top.Line, Row: e.Top.Row})
		}
	}
	return out
}
