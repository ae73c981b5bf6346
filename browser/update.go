package browser

import (
	"errors"
	"strconv"
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/spinner"
	tea "charm.land/bubbletea/v2"

	"propus/browser/content"
	"propus/client"
	"propus/tofu"
)

// Update handles a message: keys and mouse, window size, and the replies
// of loads (dropped when stale).
func (m *Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.width, m.height = msg.Width, msg.Height
		m.help.SetWidth(msg.Width)
		m.input.SetWidth(max(msg.Width-12, 10))
		for _, t := range m.tabs {
			if t.page != nil {
				t.page.view.Resize(m.width, m.pageHeight())
			}
		}
		return m, nil
	case tea.BackgroundColorMsg:
		m.setStyles(msg.IsDark())
		return m, nil
	case tea.KeyPressMsg:
		return m, m.key(msg)
	case tea.MouseWheelMsg:
		if p := m.tab().page; p != nil && m.mode == modeNormal {
			switch msg.Button {
			case tea.MouseWheelUp:
				p.view.ScrollUp(3)
			case tea.MouseWheelDown:
				p.view.ScrollDown(3)
			}
		}
		return m, nil
	case tea.MouseClickMsg:
		return m, m.click(msg)
	case spinner.TickMsg:
		if !m.busy() {
			return m, nil
		}
		var cmd tea.Cmd
		m.spinner, cmd = m.spinner.Update(msg)
		return m, cmd
	case headerMsg:
		return m, m.header(msg)
	case chunkMsg:
		return m, m.chunk(msg)
	case loadErrMsg:
		t := m.findTab(msg.key.tab)
		if t == nil || t.seq != msg.key.seq {
			return m, nil
		}
		t.loading, t.cancel = "", nil
		if isCanceled(msg.err) {
			m.flash("Cancelled", false)
			return m, nil
		}
		if errors.As(msg.err, new(*tofu.ChangedError)) {
			return m, m.onCertChanged(t, msg)
		}
		m.show(t, errorPage(msg.url, msg.err))
		return m, nil
	case downloadProgressMsg, downloadDoneMsg:
		return m, m.downloadUpdate(msg)
	case trustedMsg:
		return m, m.trusted(msg)
	case forgottenMsg:
		return m, m.forgotten(msg)
	case identityRemovedMsg:
		return m, m.identityRemoved(msg)
	case slowDownTickMsg:
		return m, m.slowDownTicked(msg)
	case scopesSavedMsg:
		m.scopesSaved(msg)
		return m, nil
	case identitiesListedMsg:
		return m, m.identitiesListed(msg)
	case subscribedMsg:
		return m, m.subscribed(msg)
	case feedRefreshedMsg:
		return m, m.feedRefreshed(msg)
	case feedsChangedMsg:
		return m, m.feedsChanged(msg)
	case bookmarkSavedMsg:
		return m, m.bookmarkSaved(msg)
	case historySavedMsg:
		m.flash("Visit not recorded in the history: "+msg.err.Error(), true)
		return m, nil
	case aboutReloadedMsg:
		return m, m.aboutReloaded(msg)
	case historyClearedMsg:
		return m, m.historyCleared(msg)
	case openDoneMsg:
		if msg.err != nil {
			m.flash(msg.err.Error(), true)
		}
		return m, nil
	}
	if m.dialog != nil {
		return m, m.dialogUpdate(msg)
	}
	return m, nil
}

// busy reports whether anything is loading (the spinner turns).
func (m *Model) busy() bool {
	for _, t := range m.tabs {
		if t.loading != "" || t.page != nil && t.page.loading {
			return true
		}
	}
	return m.download != nil || m.refresh != nil
}

// header handles a response header: a new page, a download question, or
// a page that names the status.
func (m *Model) header(h headerMsg) tea.Cmd {
	t := m.findTab(h.key.tab)
	if t == nil || t.seq != h.key.seq {
		if h.resp != nil {
			h.resp.Body.Close()
		}
		return nil
	}
	t.loading = ""
	if !t.hides(h.url) {
		m.remember(h.url.String())
	}
	if h.status.Class() == client.StatusSuccess && h.kind == content.Downloadable {
		t.cancel = nil
		return m.askDownload(h)
	}
	// The protocol's conversations, each in its own file: input.go,
	// redirect.go, slowdown.go, identity.go (and trust.go for a changed
	// certificate, which ends a load before any header).
	switch {
	case h.status.Class() == client.StatusInput:
		return m.onInput(t, h)
	case h.status.Class() == client.StatusRedirect:
		return m.onRedirect(t, h)
	case h.status == client.StatusSlowDown:
		return m.onSlowDown(t, h)
	case h.status.Class() == client.StatusCertificateRequired:
		return m.onCertificateStatus(t, h)
	}
	return m.showResponse(t, h)
}

// showResponse shows a response on tab t: a new page for 2x, a page that
// names the status otherwise.
func (m *Model) showResponse(t *tab, h headerMsg) tea.Cmd {
	var p *page
	if h.status.Class() == client.StatusSuccess {
		p = newPage(h.url, h.url.String())
		p.loading = true
	} else {
		p = statusPage(h.url, h.status, h.meta)
		t.cancel = nil
	}
	p.status, p.raw, p.meta, p.mime, p.lang, p.notice = h.status, h.raw, h.meta, h.mime, h.lang, h.notice
	p.identity = h.identity
	p.tls, p.cert, p.trust, p.stream = h.tls, h.cert, h.trust, h.stream
	m.show(t, p)
	if t.restore != nil {
		p.view.Top = *t.restore
		t.restore = nil
	}
	switch h.trust.Outcome {
	case tofu.FirstSight:
		m.flash("First visit to "+h.trust.Host.Address+": certificate pinned ("+h.trust.Host.Fingerprint[:min(len(h.trust.Host.Fingerprint), 23)]+"…)", false)
	case tofu.ChangedAfterExpiry:
		m.flash("The pinned certificate expired: "+h.trust.Host.Address+" has a new one, pinned now", false)
	}
	if h.stream != nil {
		return h.stream.next()
	}
	return nil
}

// chunk appends arrived lines to their page.
func (m *Model) chunk(c chunkMsg) tea.Cmd {
	t := m.findTab(c.key.tab)
	if t == nil || t.seq != c.key.seq || t.page == nil {
		return nil
	}
	p := t.page
	if len(c.lines) > 0 {
		p.doc.Append(c.lines...)
	}
	p.size = c.bytes
	if !c.done {
		return t.streamNext(c)
	}
	p.loading, p.truncated, t.cancel = false, c.truncated, nil
	if c.err != nil {
		p.err = c.err
		var tooLarge *client.TooLargeError
		switch {
		case isCanceled(c.err):
			m.flash("Cancelled: showing what arrived ("+humanSize(p.size)+")", false)
		case errors.As(c.err, &tooLarge):
			m.flash(c.err.Error()+": showing the first "+humanSize(tooLarge.Max), true)
		default:
			m.flash(c.err.Error(), true)
		}
	}
	return m.recordVisit(t, p)
}

// streamNext keeps reading the stream of the tab's page.
func (t *tab) streamNext(c chunkMsg) tea.Cmd {
	if t.page == nil || t.page.stream == nil {
		return nil
	}
	return t.page.stream.next()
}

// key handles a key press.
func (m *Model) key(msg tea.KeyPressMsg) tea.Cmd {
	m.message = ""
	if m.dialog != nil {
		if msg.String() == "ctrl+c" {
			return m.quit()
		}
		return m.dialogUpdate(msg)
	}
	switch m.mode {
	case modeOpen, modeSearch:
		return m.promptKey(msg)
	case modeOutline:
		return m.outlineKey(msg)
	case modeQuestion:
		return m.questionKey(msg)
	case modeInfo, modeHelp:
		if key.Matches(msg, m.keys.Quit) && msg.String() == "ctrl+c" {
			return m.quit()
		}
		if m.mode == modeHelp && m.scrollHelp(msg) {
			return nil
		}
		m.mode = modeNormal
		return nil
	}
	t := m.tab()
	p := t.page
	s := msg.String()

	if g := m.gPending; g != nil {
		m.gPending = nil
		switch s {
		case "t", "T":
			if p != nil {
				p.view.Top = g.top
			}
			m.switchTab(map[bool]int{true: 1, false: -1}[s == "t"])
			return nil
		}
	}
	if m.number != "" || len(s) == 1 && s[0] >= '1' && s[0] <= '9' {
		if cmd, ok := m.numberKey(s); ok {
			return cmd
		}
	}

	switch {
	case key.Matches(msg, m.keys.Quit):
		return m.quit()
	case key.Matches(msg, m.keys.Cancel):
		if t.cancel != nil || t.loading != "" {
			t.stop()
			if p != nil && p.loading {
				p.loading = false
			}
			m.flash("Cancelled", false)
		}
		if p != nil {
			p.view.Matches, p.view.Query, p.view.Selected = nil, "", 0
		}
		return nil
	case key.Matches(msg, m.keys.Help):
		m.mode, m.helpTop = modeHelp, 0
		return nil
	case key.Matches(msg, m.keys.Open):
		return m.openPrompt(modeOpen, "")
	case key.Matches(msg, m.keys.Back):
		return m.back(t)
	case key.Matches(msg, m.keys.Forward):
		return m.forward(t)
	case key.Matches(msg, m.keys.NewTab):
		nt := m.newTab()
		m.tabs = append(m.tabs, nt)
		m.active = len(m.tabs) - 1
		return m.navigate(nt, m.opts.Home, false)
	case key.Matches(msg, m.keys.CloseTab):
		return m.closeTab()
	case key.Matches(msg, m.keys.Feeds):
		return m.navigate(t, feedsAddress, true)
	case key.Matches(msg, m.keys.NextTab):
		m.switchTab(1)
		return nil
	case key.Matches(msg, m.keys.PrevTab):
		m.switchTab(-1)
		return nil
	}
	if p == nil {
		return nil
	}
	v := &p.view
	if p.showSource {
		v = m.sourceView(p)
	}
	switch {
	case key.Matches(msg, m.keys.Down):
		v.ScrollDown(1)
	case key.Matches(msg, m.keys.Up):
		v.ScrollUp(1)
	case key.Matches(msg, m.keys.PageDown):
		v.PageDown()
	case key.Matches(msg, m.keys.PageUp):
		v.PageUp()
	case key.Matches(msg, m.keys.Top):
		if s == "g" {
			m.gPending = &gState{top: v.Top}
		}
		v.Home()
	case key.Matches(msg, m.keys.Bottom):
		v.End()
	case key.Matches(msg, m.keys.Left):
		v.XOffset = max(v.XOffset-8, 0)
	case key.Matches(msg, m.keys.Right):
		v.XOffset = max(min(v.XOffset+8, v.MaxXOffset()), v.XOffset)
	case key.Matches(msg, m.keys.NextLink):
		p.view.SelectNext()
	case key.Matches(msg, m.keys.PrevLink):
		p.view.SelectPrev()
	case key.Matches(msg, m.keys.Follow):
		if p.view.Selected > 0 {
			return m.follow(p.view.Selected, false)
		}
	case key.Matches(msg, m.keys.FollowNewTab):
		if p.view.Selected > 0 {
			return m.follow(p.view.Selected, true)
		}
		m.flash("Select a link first (Tab)", true)
	case key.Matches(msg, m.keys.Reload):
		switch {
		case p.url != nil:
			t.restore = &p.view.Top
			return m.load(t, p.url)
		case p.address == feedsAddress:
			return m.refreshFeeds()
		case strings.HasPrefix(p.address, "about:"):
			return m.reloadAbout(t)
		}
	case key.Matches(msg, m.keys.Up1), key.Matches(msg, m.keys.Root):
		if p.url != nil {
			target := "/"
			if key.Matches(msg, m.keys.Up1) {
				target = parentPath(p.url.Path)
			}
			return m.navigate(t, target, true)
		}
	case key.Matches(msg, m.keys.Search):
		return m.openPrompt(modeSearch, p.view.Query)
	case key.Matches(msg, m.keys.NextMatch):
		m.nextMatch(p, 1)
	case key.Matches(msg, m.keys.PrevMatch):
		m.nextMatch(p, -1)
	case key.Matches(msg, m.keys.Outline):
		m.openOutline(p)
	case key.Matches(msg, m.keys.Source):
		p.showSource = !p.showSource
	case key.Matches(msg, m.keys.Info):
		m.mode = modeInfo
	case key.Matches(msg, m.keys.Copy):
		return m.copyURL(p)
	case key.Matches(msg, m.keys.Bookmark):
		return m.addBookmark(p)
	case key.Matches(msg, m.keys.Subscribe):
		return m.subscribe(p)
	}
	return nil
}

// numberKey handles digits typed to follow link N: it follows as soon as
// no further digit could name a link, or on Enter; any other key drops the
// number.
func (m *Model) numberKey(s string) (tea.Cmd, bool) {
	p := m.tab().page
	if p == nil {
		return nil, false
	}
	links := p.doc.Links()
	switch {
	case len(s) == 1 && s[0] >= '0' && s[0] <= '9':
		m.number += s
	case s == "backspace":
		m.number = m.number[:len(m.number)-1]
		return nil, true
	case s == "enter":
	case s == "esc":
		m.number = ""
		return nil, true
	case s == "ctrl+c":
		m.number = ""
		return nil, false
	default:
		// A key in the middle of a number drops it, and does nothing else:
		// "2" then "B" must not bookmark the page by surprise.
		m.flash("Link "+m.number+" not followed: a number ends with Enter (Esc drops it)", false)
		m.number = ""
		return nil, true
	}
	n, _ := strconv.Atoi(m.number)
	if s != "enter" && n*10 <= links && n > 0 {
		return nil, true // another digit may follow
	}
	m.number = ""
	if n < 1 || n > links {
		m.flash("No link "+strconv.Itoa(n)+" on this page ("+strconv.Itoa(links)+" links)", true)
		return nil, true
	}
	return m.follow(n, false), true
}

// follow opens link n of the tab's page, in a new tab when newTab.
func (m *Model) follow(n int, newTab bool) tea.Cmd {
	t := m.tab()
	_, l := t.page.doc.Link(n)
	target := m.absolute(t.page, l.URL)
	if !newTab {
		return m.navigate(t, target, true)
	}
	nt := m.newTab()
	m.tabs = append(m.tabs, nt)
	m.active = len(m.tabs) - 1
	return m.navigate(nt, target, false)
}

// click follows the link under the mouse.
func (m *Model) click(msg tea.MouseClickMsg) tea.Cmd {
	if m.mode != modeNormal || msg.Button != tea.MouseLeft {
		return nil
	}
	p := m.tab().page
	if p == nil || p.showSource || msg.Y < 1 || msg.Y > m.pageHeight() {
		return nil
	}
	if n, ok := p.view.LinkAt(msg.X, msg.Y-1); ok {
		p.view.Selected = n
		return m.follow(n, false)
	}
	return nil
}

func (m *Model) back(t *tab) tea.Cmd {
	// A load cancelled before it answered has left the page shown now on
	// top of the history: going back to it would not move.
	for n := len(t.back); n > 0 && t.page != nil && t.back[n-1].page == t.page; n = len(t.back) {
		t.back = t.back[:n-1]
	}
	if len(t.back) == 0 {
		m.flash("No page to go back to", false)
		return nil
	}
	e := t.back[len(t.back)-1]
	t.back = t.back[:len(t.back)-1]
	if t.page != nil {
		t.forward = append(t.forward, t.current())
	}
	return m.restore(t, e)
}

func (m *Model) forward(t *tab) tea.Cmd {
	if len(t.forward) == 0 {
		m.flash("No page to go forward to", false)
		return nil
	}
	e := t.forward[len(t.forward)-1]
	t.forward = t.forward[:len(t.forward)-1]
	if t.page != nil {
		t.back = append(t.back, t.current())
	}
	return m.restore(t, e)
}

// restore shows a history entry: at once from memory when it is cached
// and complete, else by loading it again, scrolled to where it was.
func (m *Model) restore(t *tab, e entry) tea.Cmd {
	t.stop()
	if e.page != nil && !e.page.loading {
		m.show(t, e.page)
		e.page.view.Top = e.top
		return nil
	}
	if strings.HasPrefix(e.address, "about:") {
		m.show(t, aboutPage(e.address, m))
		return m.aboutCmd(t)
	}
	u, err := client.ParseURL(e.address)
	if err != nil {
		m.flash(err.Error(), true)
		return nil
	}
	t.restore = &e.top
	return m.load(t, u)
}

func (m *Model) switchTab(d int) {
	m.active = (m.active + d + len(m.tabs)) % len(m.tabs)
}

func (m *Model) closeTab() tea.Cmd {
	if len(m.tabs) == 1 {
		return m.quit()
	}
	m.tab().stop()
	m.tabs = append(m.tabs[:m.active], m.tabs[m.active+1:]...)
	m.active = min(m.active, len(m.tabs)-1)
	return nil
}

func (m *Model) quit() tea.Cmd {
	for _, t := range m.tabs {
		t.stop()
	}
	if m.download != nil {
		m.download.cancel()
	}
	// The session is taken now and written before the program ends.
	return tea.Sequence(m.saveSessionCmd(), tea.Quit)
}

// nextMatch moves to the next (d=1) or previous (d=-1) search match.
func (m *Model) nextMatch(p *page, d int) {
	v := &p.view
	if len(v.Matches) == 0 {
		if v.Query != "" {
			m.flash("No match for "+v.Query, true)
		}
		return
	}
	v.CurrentMatch = (v.CurrentMatch + d + len(v.Matches)) % len(v.Matches)
	v.ShowLine(v.Matches[v.CurrentMatch])
	m.flash("Match "+strconv.Itoa(v.CurrentMatch+1)+" of "+strconv.Itoa(len(v.Matches)), false)
}

// copyURL copies the selected link's URL, or the page's, with OSC 52.
func (m *Model) copyURL(p *page) tea.Cmd {
	target := p.address
	if p.view.Selected > 0 {
		_, l := p.doc.Link(p.view.Selected)
		target = m.absolute(p, l.URL)
	}
	if m.opts.NoClipboard {
		m.flash("Copying is off in the settings; the URL is "+target, false)
		return nil
	}
	m.flash("Copied "+target, false)
	return tea.SetClipboard(target)
}

// parentPath returns the path one level up: /a/b/c → /a/b/, /a/b/ → /a/.
func parentPath(p string) string {
	p = strings.TrimSuffix(p, "/")
	if i := strings.LastIndexByte(p, '/'); i >= 0 {
		return p[:i+1]
	}
	return "/"
}
