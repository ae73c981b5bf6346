package dialog

import (
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"

	"propus/browser/bookmarks"
	"propus/browser/sanitize"
)

// BookmarkEdited reports the bookmark as the user left it in the
// Bookmark dialog (the store splits its tags on commas).
type BookmarkEdited struct {
	Bookmark bookmarks.Bookmark
}

// Bookmark asks for the title, folder and tags of a new bookmark, or
// changes them on one that exists.
type Bookmark struct {
	sh      *Shared
	address string
	exists  bool
	fields  [3]textinput.Model // title, folder, tags
	focus   int
}

// NewBookmark edits the bookmark of address: b when it exists, else a new
// one titled b.Title. It returns the dialog and the command that focuses
// its first field.
func NewBookmark(sh *Shared, address string, b bookmarks.Bookmark, exists bool) (*Bookmark, tea.Cmd) {
	d := &Bookmark{sh: sh, address: address, exists: exists}
	for i, v := range []string{b.Title, b.Folder, strings.Join(b.Tags, ", ")} {
		f := sh.Field([3]string{"Title  ", "Folder ", "Tags   "}[i],
			[3]string{"", "(none; nested folders with /)", "(none; separate them with commas)"}[i], 500)
		f.SetValue(v)
		f.CursorEnd()
		d.fields[i] = f
	}
	return d, d.fields[0].Focus()
}

// Update moves between the fields, edits them, saves or cancels.
func (d *Bookmark) Update(msg tea.Msg) (tea.Cmd, bool) {
	k, ok := msg.(tea.KeyPressMsg)
	if !ok {
		if _, mouse := msg.(tea.MouseMsg); mouse {
			return nil, false
		}
		var cmd tea.Cmd
		d.fields[d.focus], cmd = d.fields[d.focus].Update(msg)
		return cmd, false
	}
	ks := d.sh.Keys
	switch {
	case key.Matches(k, ks.Cancel):
		return Report(Cancelled{Note: "Not bookmarked"}), true
	case key.Matches(k, ks.NextField, ks.PrevField):
		d.fields[d.focus].Blur()
		step := 1
		if key.Matches(k, ks.PrevField) {
			step = len(d.fields) - 1
		}
		d.focus = (d.focus + step) % len(d.fields)
		return d.fields[d.focus].Focus(), false
	case key.Matches(k, ks.Accept):
		b := bookmarks.Bookmark{
			Title:  strings.TrimSpace(d.fields[0].Value()),
			URL:    d.address,
			Folder: strings.Trim(strings.TrimSpace(d.fields[1].Value()), "/"),
			Tags:   []string{d.fields[2].Value()},
		}
		if b.Title == "" {
			b.Title = d.address
		}
		return Report(BookmarkEdited{Bookmark: b}), true
	}
	var cmd tea.Cmd
	d.fields[d.focus], cmd = d.fields[d.focus].Update(msg)
	return cmd, false
}

// View shows the address and the three fields.
func (d *Bookmark) View(width, height int) []string {
	head := " Bookmark this page"
	if d.exists {
		head = " Edit the bookmark of this page"
	}
	for i := range d.fields {
		d.fields[i].SetWidth(max(width-12, 10))
	}
	lines := []string{
		d.sh.Styles.OverlayTitle.Render(head), " " + sanitize.Line(d.address), "",
		" " + d.fields[0].View(), " " + d.fields[1].View(), " " + d.fields[2].View(), "",
	}
	return append(lines, d.sh.KeyRows(width, d.ShortHelp()...)...)
}

// Cursor puts the terminal's cursor in the field being edited.
func (d *Bookmark) Cursor(width, height int) *tea.Cursor {
	c := d.fields[d.focus].Cursor()
	if c != nil {
		c.Position.X++
		c.Position.Y = 3 + d.focus // the title row, the address, a blank row
	}
	return c
}

// ShortHelp lists the keys.
func (d *Bookmark) ShortHelp() []key.Binding {
	ks := d.sh.Keys
	return []key.Binding{Bind(ks.NextField, "next field"), Bind(ks.Accept, "save"), Bind(ks.Cancel, "cancel")}
}

// FullHelp is ShortHelp.
func (d *Bookmark) FullHelp() [][]key.Binding { return [][]key.Binding{d.ShortHelp()} }
