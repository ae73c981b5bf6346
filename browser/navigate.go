package browser

import (
	"net/url"
	"strings"

	tea "charm.land/bubbletea/v2"

	"propus/browser/about"
	"propus/browser/download"
	"propus/browser/load"
	"propus/browser/render"
	"propus/client"
)

// navigate opens raw (absolute, or relative to the tab's page) in tab t.
// push records the current page in the history first.
func (m *Model) navigate(t *tab, raw string, push bool) tea.Cmd {
	raw = strings.TrimSpace(raw)
	if load.SchemeOf(raw) == "about" {
		from := ""
		if t.page != nil && t.page.url == nil {
			from = t.page.address
		}
		a, show, acts := m.about.Open(raw, from)
		if acts {
			return m.act(a)
		}
		if push {
			t.push()
		}
		t.stop()
		return m.showAbout(t, show)
	}
	var u *url.URL
	var err error
	if t.page != nil && t.page.url != nil {
		u, err = client.Resolve(t.page.url, raw)
	} else {
		u, err = client.ParseURL(raw)
	}
	if err != nil {
		m.flash(err.Error(), true)
		return nil
	}
	if !strings.EqualFold(u.Scheme, "gemini") {
		m.dialogs.Push(download.External(m.shared, u.String(), load.SchemeOf(u.String()), m.opts.Openers))
		return nil
	}
	if push {
		t.push()
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
func (m *Model) load(t *tab, u *url.URL) tea.Cmd {
	t.stop()
	ctx, cancel := m.loader.Context()
	t.cancel, t.target, t.loading = cancel, u, t.shown(u)
	fetch := m.loader.Fetch(ctx, load.Request{Key: t.key(), URL: u, Identity: m.ids.forURL(u)})
	return tea.Batch(fetch, m.spinner.Tick)
}

// show puts p on tab t, sized and styled. An about: page that replaces
// itself (built again) keeps its place.
func (m *Model) show(t *tab, p *page) {
	if old := t.page; old != nil && old.url == nil && p.url == nil && old.address == p.address {
		p.view.Top = render.Pos{Line: min(old.view.Top.Line, max(p.doc.Len()-1, 0))}
	}
	p.view.Styles = m.shared.Styles.Page
	p.view.ReadingWidth = m.opts.ReadingWidth
	p.view.Visited = func(link string) bool { return m.visits.has(p.absolute(link)) }
	p.view.External = func(link string) bool {
		s := load.SchemeOf(link)
		return s != "" && s != "gemini" && s != "about" // about: pages are propus's own
	}
	p.view.Resize(m.width, m.pageHeight())
	if t.hides(p.url) {
		p.hideQuery()
	}
	t.page = p
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
func (m *Model) showAbout(t *tab, address string) tea.Cmd {
	text, fill := m.about.Page(address)
	m.show(t, localPage(nil, address, text))
	if fill == nil {
		return nil
	}
	key := t.key()
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
		m.visits.seed(nil)
	}
	var cmds []tea.Cmd
	for _, t := range m.tabs {
		if ch.Page != "" && t.page != nil && t.page.url == nil && about.Name(t.page.address) == ch.Page {
			cmds = append(cmds, m.showAbout(t, t.page.address))
		}
	}
	return tea.Batch(cmds...)
}

// follow opens link n of the tab's page, in a new tab when newTab.
func (m *Model) follow(n int, newTab bool) tea.Cmd {
	t := m.tab()
	_, l := t.page.doc.Link(n)
	target := t.page.absolute(l.URL)
	if !newTab {
		return m.navigate(t, target, true)
	}
	nt := m.newTab()
	m.tabs = append(m.tabs, nt)
	m.active = len(m.tabs) - 1
	return m.navigate(nt, target, false)
}

// back goes back in tab t's history (forward when fwd).
func (m *Model) back(t *tab, fwd bool) tea.Cmd {
	from, to := &t.back, &t.forward
	if fwd {
		from, to = to, from
	}
	// A load cancelled before it answered has left the page shown now on
	// top of the history: going back to it would not move.
	for n := len(*from); !fwd && n > 0 && t.page != nil && (*from)[n-1].page == t.page; n = len(*from) {
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
	if t.page != nil {
		*to = append(*to, t.current())
	}
	// The entry shows at once from memory when it is cached and complete,
	// else it loads again, scrolled to where it was.
	t.stop()
	if e.page != nil && !e.page.loading {
		m.show(t, e.page)
		e.page.view.Top = e.top
		return nil
	}
	if load.SchemeOf(e.address) == "about" {
		cmd := m.showAbout(t, e.address)
		t.page.view.Top = e.top
		return cmd
	}
	u, err := client.ParseURL(e.address)
	if err != nil {
		m.flash(err.Error(), true)
		return nil
	}
	t.restore = &e.top
	return m.load(t, u)
}
