package browser

import (
	"net/url"
	"strings"

	tea "charm.land/bubbletea/v2"

	"propus/browser/about"
	"propus/browser/download"
	"propus/browser/load"
	"propus/browser/render"
	"propus/browser/tabs"
	"propus/client"
)

// navigate opens raw (absolute, or relative to the tab's page) in tab t.
// push records the current page in the history first.
func (m *Model) navigate(t *tabs.Tab, raw string, push bool) tea.Cmd {
	raw = strings.TrimSpace(raw)
	if load.SchemeOf(raw) == "about" {
		from := ""
		if t.Page != nil && t.Page.URL == nil {
			from = t.Page.Address
		}
		a, show, acts := m.about.Open(raw, from)
		if acts {
			return m.act(a)
		}
		if push {
			t.Push()
		}
		t.Stop()
		// Another propus may have written the stores: read them again.
		return tea.Batch(m.showAbout(t, show), m.about.Reload(show, true))
	}
	var u *url.URL
	var err error
	if t.Page != nil && t.Page.URL != nil {
		u, err = client.Resolve(t.Page.URL, raw)
	} else {
		u, err = client.ParseURL(raw)
	}
	if err != nil {
		m.flash(err.Error(), true)
		return nil
	}
	if strings.EqualFold(u.Scheme, "titan") {
		return m.titanLink(t, u)
	}
	if !strings.EqualFold(u.Scheme, "gemini") {
		m.dialogs.Push(download.External(m.shared, u.String(), load.SchemeOf(u.String()), m.opts.Openers))
		return nil
	}
	if push {
		t.Push()
	}
	return m.load(t, u)
}

// act does what an about: page's action, or another component, asks:
// a word in the status line, a dialog, a command.
func (m *Model) act(a about.Action) tea.Cmd {
	if a.Flash != "" {
		m.flash(a.Flash, a.Err)
	}
	if a.Dialog != nil {
		m.dialogs.Push(a.Dialog)
	}
	if a.Rebuild != "" {
		return tea.Batch(a.Cmd, m.aboutChanged(about.Changed{Page: a.Rebuild}))
	}
	return a.Cmd
}

// load starts loading u in tab t; the page shown stays until the header
// arrives.
func (m *Model) load(t *tabs.Tab, u *url.URL) tea.Cmd {
	t.Stop()
	ctx, cancel := m.loader.Context()
	t.Cancel, t.Target, t.Loading = cancel, u, t.Shown(u)
	fetch := m.loader.Fetch(ctx, load.Request{Key: t.Key(), URL: u, Identity: m.ids.forURL(u)})
	return tea.Batch(fetch, m.spinner.Tick)
}

// show puts p on tab t, sized and styled. An about: page that replaces
// itself (built again) keeps its place.
func (m *Model) show(t *tabs.Tab, p *tabs.Page) {
	if old := t.Page; old != nil && old.URL == nil && p.URL == nil && old.Address == p.Address {
		p.View.Top = render.Pos{Line: min(old.View.Top.Line, max(p.Doc.Len()-1, 0))}
	}
	p.View.Styles = m.shared.Styles.Page
	p.View.ReadingWidth = m.opts.ReadingWidth
	p.View.Visited = func(link string) bool { return m.visits.has(p.Absolute(link)) }
	p.View.External = func(link string) bool {
		s := load.SchemeOf(link)
		return s != "" && s != "gemini" && s != "about" // about: pages are propus's own
	}
	p.View.Resize(column(m.width, m.opts.ReadingWidth, m.opts.Center), m.pageHeight())
	if t.Hides(p.URL) {
		p.HideQuery()
	}
	t.Page = p
}

// filledMsg: the about: page of a load, built anew from disk.
type filledMsg struct {
	key  load.Key
	text string
}

// LoadKey returns the load of the page filled.
func (f filledMsg) LoadKey() load.Key { return f.key }

// showAbout shows the about: page at address on tab t, and returns the
// command that fills it when its content is on disk.
func (m *Model) showAbout(t *tabs.Tab, address string) tea.Cmd {
	text, fill := m.about.Page(address)
	m.show(t, tabs.LocalPage(nil, address, text))
	if fill == nil {
		return nil
	}
	key := t.Key()
	return func() tea.Msg { return filledMsg{key: key, text: fill()} }
}

// aboutChanged says what an about: page's action changed, and builds
// again, at the same place, every page it shows.
func (m *Model) aboutChanged(ch about.Changed) tea.Cmd {
	switch {
	case ch.Err != nil:
		m.flash(ch.Err.Error(), true)
	case ch.What != "":
		m.flash(ch.What, false)
	}
	if ch.Reset && ch.Page == about.History {
		m.visits.seed(m.opts.History)
	}
	var cmds []tea.Cmd
	for _, t := range m.tabs {
		if ch.Page != "" && t.Page != nil && t.Page.URL == nil && about.Name(t.Page.Address) == ch.Page {
			cmds = append(cmds, m.showAbout(t, t.Page.Address))
		}
	}
	return tea.Batch(cmds...)
}

// follow opens link n of the tab's page, in a new tab when newTab.
func (m *Model) follow(n int, newTab bool) tea.Cmd {
	t := m.tab()
	_, l := t.Page.Doc.Link(n)
	target := t.Page.Absolute(l.URL)
	if !newTab {
		return m.navigate(t, target, true)
	}
	nt := m.newTab()
	m.tabs = append(m.tabs, nt)
	m.active = len(m.tabs) - 1
	return m.navigate(nt, target, false)
}

// back goes back in tab t's history (forward when fwd).
func (m *Model) back(t *tabs.Tab, fwd bool) tea.Cmd {
	from, to := &t.Back, &t.Forward
	if fwd {
		from, to = to, from
	}
	// A load cancelled before it answered has left the page shown now on
	// top of the history: going back to it would not move.
	for n := len(*from); !fwd && n > 0 && t.Page != nil && (*from)[n-1].Page == t.Page; n = len(*from) {
		*from = (*from)[:n-1]
	}
	if len(*from) == 0 {
		if fwd {
			m.flash("No page to go forward to", false)
		} else {
			m.flash("No page to go back to", false)
		}
		return nil
	}
	e := (*from)[len(*from)-1]
	*from = (*from)[:len(*from)-1]
	if t.Page != nil {
		*to = append(*to, t.Current())
	}
	// The entry shows at once from memory when it is cached and complete,
	// else it loads again, scrolled to where it was.
	t.Stop()
	if e.Page != nil && !e.Page.Loading {
		m.show(t, e.Page)
		e.Page.View.Top = e.Top
		return nil
	}
	if load.SchemeOf(e.Address) == "about" {
		cmd := m.showAbout(t, e.Address)
		t.Page.View.Top = e.Top
		return cmd
	}
	u, err := client.ParseURL(e.Address)
	if err != nil {
		m.flash(err.Error(), true)
		return nil
	}
	t.Restore = &e.Top
	return m.load(t, u)
}
