package browser

import "charm.land/bubbles/v2/key"

// KeyMap holds every key binding of the browser. DefaultKeyMap returns
// the bindings documented in README.md.
type KeyMap struct {
	Down, Up, PageDown, PageUp, Top, Bottom, Left, Right key.Binding
	NextLink, PrevLink, Follow, FollowNewTab             key.Binding
	Open, Back, Forward, Reload, Up1, Root               key.Binding
	Search, NextMatch, PrevMatch, Outline, Source, Info  key.Binding
	Copy, Bookmark, Subscribe, Feeds                     key.Binding
	NewTab, CloseTab, NextTab, PrevTab                   key.Binding
	Cancel, Help, Quit                                   key.Binding
}

// DefaultKeyMap returns propus's default bindings.
func DefaultKeyMap() KeyMap {
	b := func(keys []string, k, help string) key.Binding {
		return key.NewBinding(key.WithKeys(keys...), key.WithHelp(k, help))
	}
	return KeyMap{
		Down:         b([]string{"j", "down"}, "j/↓", "down"),
		Up:           b([]string{"k", "up"}, "k/↑", "up"),
		PageDown:     b([]string{"pgdown", "space", "ctrl+d", "f"}, "pgdn/space", "page down"),
		PageUp:       b([]string{"pgup", "ctrl+u", "b"}, "pgup", "page up"),
		Top:          b([]string{"g", "home"}, "g/home", "top"),
		Bottom:       b([]string{"G", "end"}, "G/end", "bottom"),
		Left:         b([]string{"<"}, "<", "scroll preformatted left"),
		Right:        b([]string{">"}, ">", "scroll preformatted right"),
		NextLink:     b([]string{"tab"}, "tab", "next link"),
		PrevLink:     b([]string{"shift+tab"}, "shift+tab", "previous link"),
		Follow:       b([]string{"enter"}, "enter/1-9", "follow link"),
		FollowNewTab: b([]string{"T"}, "T", "link in new tab"),
		Open:         b([]string{"o", ":"}, "o", "open URL"),
		Back:         b([]string{"backspace", "H", "alt+left"}, "H/⌫", "back"),
		Forward:      b([]string{"L", "alt+right"}, "L", "forward"),
		Reload:       b([]string{"r"}, "r", "reload"),
		Up1:          b([]string{"u"}, "u", "up a level"),
		Root:         b([]string{"U"}, "U", "site root"),
		Search:       b([]string{"/"}, "/", "search"),
		NextMatch:    b([]string{"n"}, "n", "next match"),
		PrevMatch:    b([]string{"N"}, "N", "previous match"),
		Outline:      b([]string{"O"}, "O", "outline"),
		Source:       b([]string{"\\"}, "\\", "view source"),
		Info:         b([]string{"i"}, "i", "page info"),
		Copy:         b([]string{"y"}, "y", "copy URL"),
		Bookmark:     b([]string{"B"}, "B", "bookmark page"),
		Subscribe:    b([]string{"S"}, "S", "subscribe to feed"),
		Feeds:        b([]string{"F"}, "F", "feeds"),
		NewTab:       b([]string{"t"}, "t", "new tab"),
		CloseTab:     b([]string{"w"}, "w", "close tab"),
		NextTab:      b([]string{"ctrl+pgdown"}, "gt", "next tab"),
		PrevTab:      b([]string{"ctrl+pgup"}, "gT", "previous tab"),
		Cancel:       b([]string{"esc"}, "esc", "cancel"),
		Help:         b([]string{"?"}, "?", "help"),
		Quit:         b([]string{"q", "ctrl+c"}, "q", "quit"),
	}
}

// ShortHelp is the help line.
func (k KeyMap) ShortHelp() []key.Binding {
	return []key.Binding{k.Follow, k.Open, k.Back, k.Search, k.Help, k.Quit}
}

// FullHelp is the full help, shown with ?.
func (k KeyMap) FullHelp() [][]key.Binding {
	return [][]key.Binding{
		{k.Down, k.Up, k.PageDown, k.PageUp, k.Top, k.Bottom, k.Left, k.Right},
		{k.NextLink, k.PrevLink, k.Follow, k.FollowNewTab, k.Open, k.Back, k.Forward, k.Reload, k.Up1, k.Root},
		{k.Search, k.NextMatch, k.PrevMatch, k.Outline, k.Source, k.Info, k.Copy},
		{k.Bookmark, k.Subscribe, k.Feeds, k.NewTab, k.CloseTab, k.NextTab, k.PrevTab, k.Cancel, k.Help, k.Quit},
	}
}
