package browser

import (
	"strings"

	"propus/browser/render"
	"propus/browser/session"
)

// restoreSession opens the tabs of the last run saved in
// Options.Session: each loads its current page (in Init), scrolled to where
// it was, and keeps its back and forward lists, which load when visited.
// It reports whether any tab was restored.
func (m *Model) restoreSession() bool {
	s, err := session.Load(m.opts.Session)
	if err != nil {
		m.flash("Session not restored: "+err.Error(), true)
		return false
	}
	for _, st := range s.Tabs {
		t := m.newTab()
		t.want = st.Current.URL
		t.restore = &render.Pos{Line: st.Current.Line, Row: st.Current.Row}
		t.back = entriesOf(st.Back)
		t.forward = entriesOf(st.Forward)
		m.tabs = append(m.tabs, t)
	}
	if len(m.tabs) == 0 {
		return false
	}
	m.active = min(max(s.Active, 0), len(m.tabs)-1)
	return true
}

// entriesOf returns the uncached history entries of a saved list.
func entriesOf(es []session.Entry) []entry {
	out := make([]entry, 0, len(es))
	for _, e := range es {
		out = append(out, entry{address: e.URL, top: render.Pos{Line: e.Line, Row: e.Row}})
	}
	return out
}

// sessionOf returns the tabs as they are saved: without any page reached
// with sensitive input or carrying its answer. A tab whose current page is
// such a page shows the nearest page of its back (else forward) list
// instead; a tab with nothing left is not saved.
func sessionOf(tabs []*tab, active int) session.Session {
	var s session.Session
	for i, t := range tabs {
		var cur entry
		ok := false
		switch {
		case t.page != nil:
			cur, ok = t.current(), true
		case t.address() != "":
			cur, ok = entry{address: t.address()}, true
		}
		ok = ok && t.saves(cur)
		back, fwd := t.savedList(t.back), t.savedList(t.forward)
		if !ok {
			switch {
			case len(back) > 0:
				cur, back, ok = entriesOf(back[len(back)-1:])[0], back[:len(back)-1], true
			case len(fwd) > 0:
				cur, fwd, ok = entriesOf(fwd[len(fwd)-1:])[0], fwd[:len(fwd)-1], true
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
			Current: session.Entry{URL: cur.address, Line: cur.top.Line, Row: cur.top.Row},
		})
	}
	return s
}

// saves reports whether e may be saved in the session: never a page
// reached with sensitive input, nor the URL that carried the answer.
func (t *tab) saves(e entry) bool {
	if e.address == "" || strings.Contains(e.address, hiddenQuery) || (t.secret != "" && e.address == t.secret) {
		return false
	}
	return e.page == nil || !e.page.sensitive
}

// savedList returns the entries of es that may be saved.
func (t *tab) savedList(es []entry) []session.Entry {
	var out []session.Entry
	for _, e := range es {
		if t.saves(e) {
			out = append(out, session.Entry{URL: e.address, Line: e.top.Line, Row: e.top.Row})
		}
	}
	return out
}

// sessionSavedMsg: the session was written at quit, or err says why not.
type sessionSavedMsg struct{ err error }
