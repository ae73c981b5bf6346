package browser

import (
	"propus/browser/render"
	"propus/browser/session"
	"propus/browser/tabs"
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
		t.Want = st.Current.URL
		t.Restore = &render.Pos{Line: st.Current.Line, Row: st.Current.Row}
		t.Back = tabs.EntriesOf(st.Back)
		t.Forward = tabs.EntriesOf(st.Forward)
		m.tabs = append(m.tabs, t)
	}
	if len(m.tabs) == 0 {
		return false
	}
	m.active = min(max(s.Active, 0), len(m.tabs)-1)
	return true
}

// sessionSavedMsg: the session was written at quit, or err says why not.
type sessionSavedMsg struct{ err error }
