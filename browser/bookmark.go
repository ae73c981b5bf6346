package browser

import (
	"net/url"
	"slices"
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

// bookmarkDialog asks for the title, folder and tags of a new bookmark,
// or changes them on one that exists.
type bookmarkDialog struct {
	address string
	exists  bool
	fields  [3]textinput.Model // title, folder, tags
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
	return m.editBookmark(p.address, sanitize.Line(p.title()))
}

// editBookmark opens the bookmark dialog for address: a new bookmark
// titled title, or the one there is.
func (m *Model) editBookmark(address, title string) tea.Cmd {
	d := &bookmarkDialog{address: address}
	folder, tags := "", ""
	if b, ok := m.opts.Bookmarks.Find(address); ok {
		d.exists, title, folder, tags = true, b.Title, b.Folder, strings.Join(b.Tags, ", ")
	}
	for i, v := range []string{title, folder, tags} {
		f := textinput.New()
		f.SetVirtualCursor(false)
		if m.opts.NoColor {
			f.SetStyles(textinput.Styles{})
		}
		f.Prompt = [3]string{"Title  ", "Folder ", "Tags   "}[i]
		f.Placeholder = [3]string{"", "(none; nested folders with /)", "(none; separate them with commas)"}[i]
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
		step := 1
		if k.String() == "shift+tab" || k.String() == "up" {
			step = len(d.fields) - 1
		}
		d.focus = (d.focus + step) % len(d.fields)
		return d.fields[d.focus].Focus(), false
	case "enter":
		b := bookmarks.Bookmark{
			Title:  strings.TrimSpace(d.fields[0].Value()),
			URL:    d.address,
			Folder: strings.Trim(strings.TrimSpace(d.fields[1].Value()), "/"),
			Tags:   []string{d.fields[2].Value()}, // the store splits them on commas
		}
		if b.Title == "" {
			b.Title = d.address
		}
		store := m.opts.Bookmarks
		verb := "Bookmarked"
		if old, ok := store.Find(d.address); ok {
			b.Added, verb = old.Added, "Updated the bookmark"
		}
		return func() tea.Msg { return bookmarkSavedMsg{verb: verb, name: b.Title, err: store.Add(b)} }, true
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
		" " + d.fields[0].View(), " " + d.fields[1].View(), " " + d.fields[2].View(), "",
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
		if t.page != nil && isBookmarksAddress(t.page.address) {
			top := t.page.view.Top.Line
			p := bookmarksPage(m, t.page.address)
			m.show(t, p)
			p.view.Top = render.Pos{Line: min(top, max(p.doc.Len()-1, 0))}
		}
	}
	return nil
}

// bookmarksPage lists the bookmarks by folder (with ?tag=TAG only those
// tagged TAG), then the tags, then links that edit or remove one.
func bookmarksPage(m *Model, name string) *page {
	var b strings.Builder
	bs := m.opts.Bookmarks
	if bs == nil {
		return localPage(nil, name, "# Bookmarks\n\nBookmarks are off.\n")
	}
	list := bs.List()
	if len(list) == 0 {
		b.WriteString("# Bookmarks\n\nNo bookmark yet: press B on a page to keep it here.\n")
		return localPage(nil, name, b.String())
	}
	tag := bookmarkQuery(name, "tag")
	shown := list
	if tag != "" {
		shown = slices.DeleteFunc(slices.Clone(list), func(bm bookmarks.Bookmark) bool {
			return !slices.ContainsFunc(bm.Tags, func(t string) bool { return strings.EqualFold(t, tag) })
		})
	}
	var page strings.Builder
	if err := bookmarks.WriteGemtext(&page, shown); err != nil {
		page.WriteString("\n" + err.Error() + "\n")
	}
	head, rest, _ := strings.Cut(page.String(), "\n")
	b.WriteString(head + "\n")
	if tag != "" {
		b.WriteString("\nThe bookmarks tagged “" + sanitize.Line(tag) + "”.\n=> " + bookmarksAddress + " Every bookmark\n")
	} else {
		b.WriteString("\nB on a page bookmarks it, or changes its bookmark. Press / to search this page.\n")
	}
	b.WriteString(rest)
	if tags := tagCounts(list); len(tags) > 0 && tag == "" {
		b.WriteString("\n## Tags\n")
		for _, tc := range tags {
			b.WriteString("=> " + bookmarksAddress + "?" + url.Values{"tag": {tc.tag}}.Encode() + " " + tc.tag + " (" + itoa(tc.n) + ")\n")
		}
	}
	b.WriteString("\n## Edit a bookmark (title, folder, tags)\n")
	for _, bm := range shown {
		b.WriteString("=> " + bookmarksAddress + "?edit=" + url.QueryEscape(bm.URL) + " Edit " + bm.Title + "\n")
	}
	b.WriteString("\n## Remove a bookmark\n")
	for _, bm := range shown {
		b.WriteString("=> " + bookmarksAddress + "?remove=" + url.QueryEscape(bm.URL) + " Remove " + bm.Title + "\n")
	}
	return localPage(nil, name, b.String())
}

// tagCount is a tag and how many bookmarks have it.
type tagCount struct {
	tag string
	n   int
}

// tagCounts returns the tags of bs, sorted, with their counts.
func tagCounts(bs []bookmarks.Bookmark) []tagCount {
	n := map[string]int{}
	for _, b := range bs {
		for _, t := range b.Tags {
			n[t]++
		}
	}
	var out []tagCount
	for t, c := range n {
		out = append(out, tagCount{t, c})
	}
	slices.SortFunc(out, func(a, b tagCount) int { return strings.Compare(strings.ToLower(a.tag), strings.ToLower(b.tag)) })
	return out
}

// isBookmarksAddress reports whether name is about:bookmarks, with or
// without a query.
func isBookmarksAddress(name string) bool {
	_, query := cutPrefixFold(name, bookmarksAddress+"?")
	return query || strings.EqualFold(name, bookmarksAddress)
}

// bookmarkQuery returns the value of key in the query of an
// about:bookmarks address, "" if none.
func bookmarkQuery(raw, key string) string {
	query, ok := cutPrefixFold(raw, bookmarksAddress+"?")
	if !ok {
		return ""
	}
	q, err := url.ParseQuery(query)
	if err != nil {
		return ""
	}
	return q.Get(key)
}

// askEdit opens the dialog that edits the bookmark of target. As with
// removing one, only a link on about:bookmarks itself does.
func (m *Model) askEdit(t *tab, target string) tea.Cmd {
	bs := m.opts.Bookmarks
	if t.page == nil || !isBookmarksAddress(t.page.address) || bs == nil {
		return m.navigate(t, bookmarksAddress, true)
	}
	if _, ok := bs.Find(target); !ok {
		m.flash("No bookmark for "+sanitize.Line(target), true)
		return nil
	}
	return m.editBookmark(target, "")
}

// askRemove asks before removing a bookmark. As with forgetting a pin,
// only a link on about:bookmarks itself asks; one elsewhere just opens it.
func (m *Model) askRemove(t *tab, target string) tea.Cmd {
	bs := m.opts.Bookmarks
	if t.page == nil || !isBookmarksAddress(t.page.address) || bs == nil {
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
