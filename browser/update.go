package browser

import (
	"net/url"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/spinner"
	tea "charm.land/bubbletea/v2"

	"propus/browser/about"
	"propus/browser/content"
	"propus/browser/dialog"
	"propus/browser/download"
	"propus/browser/load"
	"propus/browser/sanitize"
	"propus/browser/session"
	"propus/browser/tabs"
	"propus/client"
)

// Update handles a message: the terminal's answers about pictures, the
// replies of loads (dropped here, in one place, when stale), keys and
// mouse (to the dialog on top, if any), the window's size, and what
// dialogs and commands report; then it brings the picture in view up to
// date (syncPicture).
func (m *Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	if m.pics.Update(msg) {
		return m, m.syncPicture(msg) // the mode may have changed
	}
	cmd := m.update(msg)
	if sync := m.syncPicture(msg); sync != nil {
		cmd = tea.Batch(cmd, sync)
	}
	return m, cmd
}

// update is Update but for the terminal's answers and the pictures.
func (m *Model) update(msg tea.Msg) tea.Cmd {
	if k, ok := loadKeyOf(msg); ok {
		t := m.current(k)
		if t == nil {
			if d, ok := msg.(load.Discarder); ok {
				d.Discard()
			}
			return nil
		}
		return m.loaded(t, msg)
	}
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.resize(msg.Width, msg.Height)
	case tea.BackgroundColorMsg:
		m.restyle(msg.IsDark())
	case tea.KeyPressMsg:
		return m.key(msg)
	case tea.MouseWheelMsg, tea.MouseClickMsg:
		if m.dialogs.Len() > 0 {
			return m.dialogs.Update(msg) // the dialog's, or nobody's: never the page under it
		}
		if p := m.tab().Page; p != nil {
			if c, ok := msg.(tea.MouseClickMsg); ok { // to the column's cells
				c.X -= m.margin()
				msg = c
			}
			if n := p.Clicked(msg, m.pageHeight()); n > 0 {
				return m.follow(n, false)
			}
		}
	case spinner.TickMsg:
		if m.busy() {
			var cmd tea.Cmd
			m.spinner, cmd = m.spinner.Update(msg)
			return cmd
		}
	case feedsDueMsg:
		return tea.Batch(m.act(m.about.RefreshFeeds(true)), m.after(m.opts.FeedsRefresh, func(time.Time) tea.Msg { return feedsDueMsg{} }))
	case downloadTickMsg:
		if m.downloads.Len() > 0 {
			return m.after(100*time.Millisecond, func(time.Time) tea.Msg { return downloadTickMsg{} })
		}
	case download.StartMsg:
		ctx, cancel := m.loader.Context()
		cmds := []tea.Cmd{m.downloads.Start(ctx, cancel, msg), m.spinner.Tick}
		if m.downloads.Len() == 1 {
			cmds = append(cmds, dialog.Report(downloadTickMsg{}))
		}
		return tea.Batch(cmds...)
	case download.DoneMsg:
		m.flash(m.downloads.Done(msg))
	case download.OpenMsg:
		ctx, cancel := m.loader.Context()
		return download.Open(ctx, cancel, msg.Command, msg.Target)
	case about.Changed:
		return m.aboutChanged(msg)
	case scopesSavedMsg:
		if msg.err != nil {
			m.flash("Identity choice kept for this run only: "+msg.err.Error(), true)
		}
	case pictureMsg:
		return m.installPicture(msg)
	case reducedMsg:
		msg.im.Decoded = msg.img // pictures rendered from the old one stay as they are
	case sixelMsg:
		return m.drawSixel(msg)
	case download.OpenedMsg:
		if msg.Err != nil {
			m.flash(msg.Err.Error(), true)
		}
	case sessionSavedMsg:
		if msg.err != nil {
			m.quitAnyway = true
			m.flash("Session not saved (press q again to quit without it): "+msg.err.Error(), true)
			return nil
		}
		return m.shutdown()
	default:
		return m.reported(msg)
	}
	return nil
}

// loadKeyOf returns the load a message belongs to: a load's reply, or a
// dialog's answer about one.
func loadKeyOf(msg tea.Msg) (load.Key, bool) {
	if t, ok := msg.(dialog.Tagged); ok {
		msg = t.DialogTag()
	}
	if lm, ok := msg.(load.Msg); ok {
		return lm.LoadKey(), true
	}
	return load.Key{}, false
}

// downloadTickMsg redraws the progress of the downloads.
type downloadTickMsg struct{}

// feedsDueMsg: the feeds are due a refresh (at start, then every
// Options.FeedsRefresh).
type feedsDueMsg struct{}

// reported acts on what a dialog or a command reports.
func (m *Model) reported(msg tea.Msg) tea.Cmd {
	if cmd, ok := m.uploadMsg(msg); ok {
		return cmd
	}
	t := m.tab()
	switch msg := msg.(type) {
	case dialog.Cancelled:
		m.flash(msg.Note, false)
		if tag, ok := msg.Tag.(inputTag); ok {
			if t := m.current(tag.h.Key); t != nil && t.Page == nil {
				return m.showResponse(t, tag.h) // the tab had nothing to show yet
			}
		}
	case dialog.Opened:
		var base *url.URL
		if t.Page != nil {
			base = t.Page.URL
		}
		u, err := client.ParseTyped(base, msg.Value)
		if err != nil {
			m.flash(err.Error(), true)
			return nil
		}
		return m.navigate(t, u.String(), true)
	case dialog.Searched:
		if p := t.Page; p != nil {
			m.flash(p.Search(msg.Value))
		}
	case dialog.OutlineJump:
		if p := t.Page; p != nil {
			p.View.Top.Line, p.View.Top.Row = msg.Line, 0
		}
	case dialog.BookmarkEdited:
		return m.about.SaveBookmark(msg.Bookmark)
	case download.CopyMsg:
		if m.opts.NoClipboard {
			m.flash("Copying is off in the settings; the URL is "+msg.Target, false)
			return nil
		}
		m.flash("Copied "+msg.Target, false)
		return tea.SetClipboard(msg.Target)
	default:
		if ch, ok := m.about.Update(msg); ok {
			return m.aboutChanged(ch)
		}
		return m.dialogs.Update(msg)
	}
	return nil
}

// busy reports whether anything is loading (the spinner turns).
func (m *Model) busy() bool {
	for _, t := range m.tabs {
		if t.Loading != "" || t.Page != nil && t.Page.Loading {
			return true
		}
	}
	_, _, refreshing := m.about.Refreshing()
	return m.downloads.Len() > 0 || len(m.uploading) > 0 || refreshing
}

// key handles a key press: the dialog on top takes it, else the page.
func (m *Model) key(msg tea.KeyPressMsg) tea.Cmd {
	m.message = ""
	if msg.String() == "ctrl+c" {
		return m.quit()
	}
	if m.dialogs.Len() > 0 {
		return m.dialogs.Update(msg)
	}
	ks, t := m.shared.Keys, m.tab()
	p := t.Page
	s := msg.String()
	switchTab := func(d int) { m.active = (m.active + d + len(m.tabs)) % len(m.tabs) }
	if top := m.gPending; top != nil {
		m.gPending = nil
		if s == "t" || s == "T" {
			if p != nil {
				p.View.Top = *top
			}
			switchTab(map[bool]int{true: 1, false: -1}[s == "t"])
			return nil
		}
	}
	if m.number != "" || len(s) == 1 && s[0] >= '1' && s[0] <= '9' {
		if cmd, ok := m.numberKey(s); ok {
			return cmd
		}
	}
	switch {
	case key.Matches(msg, ks.Quit):
		return m.quit()
	case key.Matches(msg, ks.Cancel):
		if t.Cancel == nil && t.Loading == "" && m.cancelUploads() {
			return nil // nothing loads: Esc stops the uploads instead
		}
		if t.Cancel != nil || t.Loading != "" {
			t.Stop()
			if p != nil && p.Loading {
				p.Loading = false
			}
			if p == nil && t.Target != nil {
				// The first load of the tab: keep its address, for r.
				m.show(t, tabs.LocalPage(t.Target, t.Target.String(), about.CancelledText(t.Target)))
			}
			m.flash("Cancelled", false)
		}
		if p != nil {
			p.View.Matches, p.View.Query, p.View.Selected = nil, "", 0
		}
		return nil
	case key.Matches(msg, ks.Help):
		m.dialogs.Push(dialog.NewHelp(m.shared, ks, "propus's own pages (o opens them): "+about.Home+", "+
			about.Bookmarks+" ("+ks.Bookmarks.Help().Key+"), "+about.History+" ("+ks.History.Help().Key+"), "+
			about.Feeds+" ("+ks.Feeds.Help().Key+"), "+about.Identities+", "+about.KnownHosts+"."))
		return nil
	case key.Matches(msg, ks.Open), key.Matches(msg, ks.Edit):
		value := ""
		if key.Matches(msg, ks.Edit) {
			value = t.Address()
		}
		d, cmd := dialog.NewOpen(m.shared, m.visits.newestFirst(), value)
		m.dialogs.Push(d)
		return cmd
	case key.Matches(msg, ks.Back), key.Matches(msg, ks.Forward):
		return m.back(t, key.Matches(msg, ks.Forward))
	case key.Matches(msg, ks.NewTab):
		nt := m.newTab()
		m.tabs = append(m.tabs, nt)
		m.active = len(m.tabs) - 1
		return m.navigate(nt, m.opts.Home, false)
	case key.Matches(msg, ks.CloseTab):
		t.Stop()
		m.closed = append(m.closed[max(len(m.closed)-maxClosed+1, 0):], t)
		m.tabs = append(m.tabs[:m.active], m.tabs[m.active+1:]...)
		m.active = min(m.active, len(m.tabs)-1)
		if len(m.tabs) == 0 { // the last tab: the home page takes its place
			m.tabs, m.active = []*tabs.Tab{m.newTab()}, 0
			m.flash("Closed the last tab ("+ks.ReopenTab.Help().Key+" reopens it; "+ks.Quit.Help().Key+" quits)", false)
			return m.navigate(m.tabs[0], m.opts.Home, false)
		}
		return nil
	case key.Matches(msg, ks.ReopenTab):
		if len(m.closed) == 0 {
			m.flash("No closed tab to reopen", false)
			return nil
		}
		rt := m.closed[len(m.closed)-1]
		m.closed = m.closed[:len(m.closed)-1]
		m.tabs = append(m.tabs, rt)
		m.active = len(m.tabs) - 1
		switch {
		case rt.Page == nil:
			return m.navigate(rt, rt.Address(), false)
		case rt.Page.Loading && rt.Page.URL != nil: // cut short when it closed
			return m.load(rt, rt.Page.URL)
		}
		return nil
	case key.Matches(msg, ks.Bookmarks):
		return m.navigate(t, about.Bookmarks, true)
	case key.Matches(msg, ks.History):
		return m.navigate(t, about.History, true)
	case key.Matches(msg, ks.Feeds):
		return m.navigate(t, about.Feeds, true)
	case key.Matches(msg, ks.NextTab), key.Matches(msg, ks.PrevTab):
		switchTab(map[bool]int{true: 1, false: -1}[key.Matches(msg, ks.NextTab)])
		return nil
	}
	if p == nil {
		return nil
	}
	return m.pageKey(t, p, msg)
}

// pageKey handles a key that acts on the page p of tab t.
func (m *Model) pageKey(t *tabs.Tab, p *tabs.Page, msg tea.KeyPressMsg) tea.Cmd {
	ks := m.shared.Keys
	v := p.ShownView(m.shared.Styles.Page, m.opts.ReadingWidth)
	p.FollowEnd = false // any key but G stops keeping to the end
	switch {
	case key.Matches(msg, ks.Down):
		v.ScrollDown(1)
	case key.Matches(msg, ks.Up):
		v.ScrollUp(1)
	case key.Matches(msg, ks.PageDown):
		v.PageDown()
	case key.Matches(msg, ks.PageUp):
		v.PageUp()
	case key.Matches(msg, ks.Top):
		if msg.String() == "g" {
			top := v.Top
			m.gPending = &top
		}
		v.Home()
	case key.Matches(msg, ks.Bottom):
		v.End()
		p.FollowEnd = p.Loading && !p.ShowSource // until the rest is in
	case key.Matches(msg, ks.Left):
		v.XOffset = max(v.XOffset-8, 0)
	case key.Matches(msg, ks.Right):
		v.XOffset = max(min(v.XOffset+8, v.MaxXOffset()), v.XOffset)
	case key.Matches(msg, ks.NextLink):
		p.View.SelectNext()
	case key.Matches(msg, ks.PrevLink):
		p.View.SelectPrev()
	case key.Matches(msg, ks.Follow), key.Matches(msg, ks.FollowNewTab):
		if p.View.Selected > 0 {
			return m.follow(p.View.Selected, key.Matches(msg, ks.FollowNewTab))
		}
		m.flash("No link is selected: "+ks.NextLink.Help().Key+" selects one, or type its number", true)
	case key.Matches(msg, ks.Reload):
		switch {
		case p.URL != nil:
			t.Restore = &p.View.Top
			return m.load(t, p.URL)
		case about.Name(p.Address) == about.Feeds:
			return m.act(m.about.RefreshFeeds(false))
		default:
			return m.about.Reload(p.Address, false)
		}
	case key.Matches(msg, ks.Up1), key.Matches(msg, ks.Root):
		if p.URL != nil {
			target := "/"
			if key.Matches(msg, ks.Up1) {
				target = parentPath(p.URL.Path)
			}
			return m.navigate(t, target, true)
		}
	case key.Matches(msg, ks.Search):
		d, cmd := dialog.NewSearch(m.shared, p.View.Query)
		m.dialogs.Push(d)
		return cmd
	case key.Matches(msg, ks.NextMatch), key.Matches(msg, ks.PrevMatch):
		m.flash(p.NextMatch(map[bool]int{true: 1, false: -1}[key.Matches(msg, ks.NextMatch)]))
	case key.Matches(msg, ks.Outline):
		if headings, selected := p.Outline(); len(headings) > 0 {
			m.dialogs.Push(dialog.NewOutline(m.shared, headings, selected))
		} else {
			m.flash("This page has no headings", false)
		}
	case key.Matches(msg, ks.Source):
		if p.Image != nil {
			m.flash("An image has no source to show: "+ks.SavePage.Help().Key+" saves it, "+ks.OpenPage.Help().Key+" opens it with another program", false)
			return nil
		}
		p.ShowSource = !p.ShowSource
	case key.Matches(msg, ks.Info):
		m.dialogs.Push(dialog.NewInfo(m.shared, p.Info()))
	case key.Matches(msg, ks.SavePage), key.Matches(msg, ks.OpenPage):
		save := key.Matches(msg, ks.SavePage)
		opener := m.openerFor(p.MIME)
		switch {
		case p.URL == nil || p.Status.Class() != client.StatusSuccess:
			m.flash(map[bool]string{true: "Only a page a server sent can be saved", false: "Only a page a server sent can be opened outside"}[save], true)
		case p.Loading:
			m.flash("The page is still arriving: "+map[bool]string{true: "save", false: "open"}[save]+" it once it is in", true)
		case save:
			ctx, cancel := m.loader.Context()
			return download.Save(ctx, cancel, p.Bytes(), m.opts.DownloadDir, content.FileName(p.URL, p.MIME))
		case opener == "":
			m.flash("No program opens "+sanitize.Line(p.MIME)+": set one under [openers] in config.toml (\"*/*\" for everything)", true)
		default:
			name := content.FileName(p.URL, p.MIME)
			m.flash("Opening "+sanitize.Line(name)+" with "+filepath.Base(strings.Fields(opener)[0]), false)
			ctx, cancel := m.loader.Context()
			return download.OpenCopy(ctx, cancel, p.Bytes(), name, opener)
		}
	case key.Matches(msg, ks.Copy):
		target := p.Address
		if l := p.SelectedURL(); l != "" {
			target = l
		}
		return m.reported(download.CopyMsg{Target: target})
	case key.Matches(msg, ks.EditPage):
		return m.editPage(t, p)
	case key.Matches(msg, ks.UploadFile):
		return m.uploadFile(t, p)
	case key.Matches(msg, ks.Bookmark):
		if p.Sensitive {
			m.flash("A page reached with sensitive input is never bookmarked", true)
			return nil
		}
		return m.act(m.about.EditBookmark(p.Address, sanitize.Line(p.Title())))
	case key.Matches(msg, ks.Subscribe):
		target, problem := p.FeedTarget()
		if problem != "" {
			m.flash(problem, true)
			return nil
		}
		return m.act(m.about.Subscribe(target))
	}
	return nil
}

// numberKey handles digits typed to follow link N: it follows as soon as
// no further digit could name a link, or on Enter; any other key drops the
// number.
func (m *Model) numberKey(s string) (tea.Cmd, bool) {
	p := m.tab().Page
	if p == nil {
		return nil, false
	}
	links := p.Doc.Links()
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

// quit saves the session, then ends the program; when the session cannot
// be saved the user is told, and asked to quit again.
func (m *Model) quit() tea.Cmd {
	if m.opts.Session == "" || m.quitAnyway {
		return m.shutdown()
	}
	path, s := m.opts.Session, tabs.SessionOf(m.tabs, m.active)
	return func() tea.Msg { return sessionSavedMsg{session.Save(path, s)} }
}

// shutdown stops every load, download, opener and feed fetch (they all
// run under the loader's context), frees the terminal's kitty images and
// ends the program.
func (m *Model) shutdown() tea.Cmd {
	for _, t := range m.tabs {
		t.Stop()
	}
	m.loader.Close()
	if r := m.pics.release(); r != "" {
		return tea.Sequence(tea.Raw(r), tea.Quit) // the kitty images the terminal holds
	}
	return tea.Quit
}

// parentPath returns the path one level up: /a/b/c → /a/b/, /a/b/ → /a/.
func parentPath(p string) string {
	p = strings.TrimSuffix(p, "/")
	if i := strings.LastIndexByte(p, '/'); i >= 0 {
		return p[:i+1]
	}
	return "/"
}

// openerFor is the command that opens a body of type mime outside: the
// opener of the type, of its family, or of everything; "" when none is
// set.
func (m *Model) openerFor(mime string) string {
	family, _, _ := strings.Cut(mime, "/")
	return m.opts.Openers.For(mime, family+"/*", "*/*")
}
