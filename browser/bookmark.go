package browser

import (
	"net/url"
	"strings"

	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"

	"propus/browser/bookmarks"
	"propus/browser/render"
	"propus/browser/sanitize"
)

// bookmarksAddress is the page that lists the bookmarks.
const bookmarksAddress = "about:bookmarks"

// bookmarkSavedMsg reports a bookmark written (or not) by a command.
type bookmarkSavedMsg struct {
	verb string // "Bookmarked", "Updated the bookmark", "Removed the bookmark"
	name string
	err  error
}

// bookmarkDialog asks for the title and folder of a new bookmark.
type bookmarkDialog struct {
	address string
	exists  bool
	fields  [2]textinput.Model // title, folder
	focus   int
}

// addBookmark opens the dialog that bookmarks the tab's page.
func (m *Model) addBookmark(p *page) tea.Cmd {
	switch {
	case m.opts.Bookmarks == nil:
		m.flash("Bookmarks are off", true)
		return nil
	case p.sensitive:
		m.flash("A page reached with sensitive input is never bookmarked", true)
		return nil
	}
	d := &bookmarkDialog{address: p.address}
	title, folder := sanitize.Line(p.title()), ""
	if b, ok := m.opts.Bookmarks.Find(p.address); ok {
		d.exists, title, folder = true, b.Title, b.Folder
	}
	for i, v := range []string{title, folder} {
		f := textinput.New()
		f.SetVirtualCursor(false)
		if m.opts.NoColor {
			f.SetStyles(textinput.Styles{})
		}
		f.Prompt = [2]string{"Title  ", "Folder "}[i]
		f.Placeholder = [2]string{"", "(none; nested folders with /)"}[i]
		f.CharLimit = 500
		f.SetWidth(max(m.width-12, 10))
		f.SetValue(v)
		f.CursorEnd()
		d.fields[i] = f
	}
	m.openDialog(d)
	return d.fields[0].Focus()
}

func (d *bookmarkDialog) update(m *Model, msg tea.Msg) (tea.Cmd, bool) {
	k, ok := msg.(tea.KeyPressMsg)
	if !ok {
		return nil, false
	}
	switch k.String() {
	case "esc":
		m.flash("Not bookmarked", false)
		return nil, true
	case "tab", "shift+tab", "up", "down":
		d.fields[d.focus].Blur()
		d.focus = 1 - d.focus
		return d.fields[d.focus].Focus(), false
	case "enter":
		b := bookmarks.Bookmark{
			Title:  strings.TrimSpace(d.fields[0].Value()),
			URL:    d.address,
			Folder: strings.Trim(strings.TrimSpace(d.fields[1].Value()), "/"),
		}
		if b.Title == "" {
			b.Title = d.address
		}
		store := m.opts.Bookmarks
		if old, ok := store.Find(d.address); ok {
			b.Tags, b.Added = old.Tags, old.Added
		}
		return func() tea.Msg { return bookmarkSavedMsg{verb: "Bookmarked", name: b.Title, err: store.Add(b)} }, true
	}
	var cmd tea.Cmd
	d.fields[d.focus], cmd = d.fields[d.focus].Update(msg)
	return cmd, false
}

func (d *bookmarkDialog) view(m *Model, width, height int) []string {
	head := " Bookmark this page"
	if d.exists {
		head = " Edit the bookmark of this page"
	}
	return []string{
		m.styles.OverlayTitle.Render(head), " " + sanitize.Line(d.address), "",
		" " + d.fields[0].View(), " " + d.fields[1].View(), "",
		" tab next field · enter save · esc cancel",
	}
}

func (d *bookmarkDialog) cursor(m *Model) *tea.Cursor {
	c := d.fields[d.focus].Cursor()
	if c != nil {
		c.Position.X++
		c.Position.Y = 1 + 3 + d.focus // below the tab bar: title row, address, blank
	}
	return c
}

// bookmarkSaved reports a written bookmark and refreshes about:bookmarks.
func (m *Model) bookmarkSaved(msg bookmarkSavedMsg) tea.Cmd {
	if msg.err != nil {
		m.flash("Bookmark not saved: "+msg.err.Error(), true)
		return nil
	}
	m.flash(msg.verb+": "+msg.name, false)
	for _, t := range m.tabs {
		if t.page != nil && t.page.address == bookmarksAddress {
			top := t.page.view.Top.Line
			p := bookmarksPage(m)
			m.show(t, p)
			p.view.Top = render.Pos{Line: min(top, max(p.doc.Len()-1, 0))}
		}
	}
	return nil
}

// bookmarksPage lists the bookmarks by folder, with a section of links
// that remove one.
func bookmarksPage(m *Model) *page {
	var b strings.Builder
	bs := m.opts.Bookmarks
	if bs == nil {
		return localPage(nil, bookmarksAddress, "# Bookmarks\n\nBookmarks are off.\n")
	}
	list := bs.List()
	if len(list) == 0 {
		b.WriteString("# Bookmarks\n\nNo bookmark yet: press B on a page to keep it here.\n")
		return localPage(nil, bookmarksAddress, b.String())
	}
	if err := bookmarks.WriteGemtext(&b, list); err != nil {
		b.WriteString("\n" + err.Error() + "\n")
	}
	b.WriteString("\n## Remove a bookmark\n")
	for _, bm := range list {
		b.WriteString("=> " + bookmarksAddress + "?remove=" + url.QueryEscape(bm.URL) + " Remove " + bm.Title + "\n")
	}
	return localPage(nil, bookmarksAddress, b.String())
}

// removeRequest returns the URL an about:bookmarks?remove= link names.
func removeRequest(raw string) (string, bool) {
	query, ok := strings.CutPrefix(raw, bookmarksAddress+"?")
	if !ok {
		return "", false
	}
	q, err := url.ParseQuery(query)
	u := q.Get("remove")
	return u, err == nil && u != ""
}

// askRemove asks before removing a bookmark. As with forgetting a pin,
// only a link on about:bookmarks itself asks; one elsewhere just opens it.
func (m *Model) askRemove(t *tab, target string) tea.Cmd {
	bs := m.opts.Bookmarks
	if t.page == nil || t.page.address != bookmarksAddress || bs == nil {
		return m.navigate(t, bookmarksAddress, true)
	}
	b, ok := bs.Find(target)
	if !ok {
		m.flash("No bookmark for "+sanitize.Line(target), true)
		return nil
	}
	return m.ask("Remove the bookmark "+sanitize.Line(b.Title)+"?\n"+sanitize.Line(target),
		answer{"y", "remove it", func() tea.Cmd {
			return func() tea.Msg {
				return bookmarkSavedMsg{verb: "Removed the bookmark", name: b.Title, err: bs.Remove(target)}
			}
		}})
}

// offerBookmarkUpdate asks, after a permanent redirect, whether a bookmark
// that points at the old address should follow it to the new one.
func (m *Model) offerBookmarkUpdate(from, to *url.URL) {
	bs := m.opts.Bookmarks
	if bs == nil || m.dialog != nil || m.mode != modeNormal {
		return
	}
	b, ok := bs.Find(from.String())
	if !ok {
		return
	}
	m.ask("The page of your bookmark "+sanitize.Line(b.Title)+" has moved for good:\n"+
		sanitize.Line(from.String())+"\n→ "+sanitize.Line(to.String())+"\nUpdate the bookmark to the new address?",
		answer{"y", "update the bookmark", func() tea.Cmd {
			nb := b
			nb.URL = to.String()
			return func() tea.Msg {
				return bookmarkSavedMsg{verb: "Updated the bookmark", name: b.Title, err: bs.Update(from.String(), nb)}
			}
		}})
}
