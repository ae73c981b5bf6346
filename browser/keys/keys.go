// Package keys holds every key binding of the browser: the page's and the
// dialogs'. config.toml's [keys] overrides them by action name
// (KeyMap.Override); DefaultKeyMap returns the bindings README.md
// documents.
package keys

import (
	"fmt"
	"sort"
	"strings"

	"charm.land/bubbles/v2/key"
)

// KeyMap holds every key binding of the browser. The first block acts on
// the page; the second answers dialogs. Consent (following a hop to
// another host, trusting a changed certificate, removing something)
// always takes its own named key, never Accept (Enter).
type KeyMap struct {
	Down, Up, PageDown, PageUp, Top, Bottom, Left, Right key.Binding
	NextLink, PrevLink, Follow, FollowNewTab             key.Binding
	Open, Edit, Back, Forward, Reload, Up1, Root         key.Binding
	Search, NextMatch, PrevMatch, Outline, Source, Info  key.Binding
	Copy, SavePage, OpenPage, Bookmark, Subscribe, Feeds key.Binding
	Bookmarks, History                                   key.Binding
	EditPage, UploadFile                                 key.Binding
	NewTab, CloseTab, ReopenTab, NextTab, PrevTab        key.Binding
	Cancel, Help, Quit                                   key.Binding

	// Accept sends a field or picks the item selected; it never gives
	// consent.
	Accept key.Binding
	// NextField and PrevField move between a dialog's fields; Change
	// and ChangeBack change the choice of the field selected.
	NextField, PrevField, Change, ChangeBack key.Binding
	// Yes consents to what a question asks (remove, forget, update,
	// send an identity over TLS 1.2).
	Yes key.Binding
	// FollowRedirect follows a redirect the browser asks about.
	FollowRedirect key.Binding
	// TrustOnce and TrustAlways accept a changed certificate, until
	// propus quits or from now on.
	TrustOnce, TrustAlways key.Binding
	// Save saves a response that is not a page; OpenWith opens it (or a
	// link to another scheme) with the configured program.
	Save, OpenWith key.Binding
	// AsUTF8 shows a body of an unknown charset as if it were UTF-8.
	AsUTF8 key.Binding
	// NewIdentity opens the new-identity form; ScopePath, ScopeHost and
	// ScopeOnce say where a chosen identity is sent.
	NewIdentity, ScopePath, ScopeHost, ScopeOnce key.Binding
	// MultiLine, Editor and Send are the input dialog's: several lines,
	// $EDITOR, and sending several lines.
	MultiLine, Editor, Send key.Binding
	// Upload consents to a Titan upload; WriteText and ChooseFile answer
	// what to write to a titan:// link.
	Upload, WriteText, ChooseFile key.Binding
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
		Edit:         b([]string{"e"}, "e", "edit this URL"),
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
		SavePage:     b([]string{"s"}, "s", "save page to downloads"),
		OpenPage:     b([]string{"v"}, "v", "open with a program"),
		Bookmark:     b([]string{"B"}, "B", "bookmark page"),
		Subscribe:    b([]string{"S"}, "S", "subscribe to feed"),
		Feeds:        b([]string{"F"}, "F", "feeds"),
		Bookmarks:    b([]string{"M"}, "M", "bookmarks"),
		History:      b([]string{"ctrl+r"}, "ctrl+r", "history"),
		EditPage:     b([]string{"E"}, "E", "edit with Titan"),
		UploadFile:   b([]string{"P"}, "P", "upload a file"),
		NewTab:       b([]string{"t"}, "t", "new tab"),
		CloseTab:     b([]string{"w"}, "w", "close tab"),
		ReopenTab:    b([]string{"W"}, "W", "reopen closed tab"),
		NextTab:      b([]string{"ctrl+pgdown"}, "gt", "next tab"),
		PrevTab:      b([]string{"ctrl+pgup"}, "gT", "previous tab"),
		Cancel:       b([]string{"esc"}, "esc", "cancel"),
		Help:         b([]string{"?"}, "?", "help"),
		Quit:         b([]string{"q", "ctrl+c"}, "q", "quit"),

		Accept:         b([]string{"enter"}, "enter", "choose"),
		NextField:      b([]string{"tab", "down"}, "tab/↓", "next field"),
		PrevField:      b([]string{"shift+tab", "up"}, "shift+tab/↑", "previous field"),
		Change:         b([]string{"right"}, "→", "next choice"),
		ChangeBack:     b([]string{"left"}, "←", "previous choice"),
		Yes:            b([]string{"y"}, "y", "yes"),
		FollowRedirect: b([]string{"f"}, "f", "follow it"),
		TrustOnce:      b([]string{"o"}, "o", "trust once"),
		TrustAlways:    b([]string{"a"}, "a", "trust from now on"),
		Save:           b([]string{"s"}, "s", "save"),
		OpenWith:       b([]string{"o"}, "o", "open with"),
		AsUTF8:         b([]string{"u"}, "u", "show it as UTF-8"),
		NewIdentity:    b([]string{"n"}, "n", "new identity"),
		ScopePath:      b([]string{"p"}, "p", "this path and below"),
		ScopeHost:      b([]string{"w"}, "w", "the whole host"),
		ScopeOnce:      b([]string{"t"}, "t", "this time only"),
		MultiLine:      b([]string{"ctrl+e"}, "ctrl+e", "several lines"),
		Editor:         b([]string{"ctrl+x"}, "ctrl+x", "$EDITOR"),
		Send:           b([]string{"ctrl+s", "ctrl+d"}, "ctrl+s/ctrl+d", "send"),
		Upload:         b([]string{"u"}, "u", "upload"),
		WriteText:      b([]string{"e"}, "e", "write it in $EDITOR"),
		ChooseFile:     b([]string{"f"}, "f", "upload a file"),
	}
}

// ShortHelp is the help line under a page.
func (k KeyMap) ShortHelp() []key.Binding {
	return []key.Binding{k.Follow, k.Open, k.Back, k.Search, k.Help, k.Quit}
}

// FullHelp is the page's full help, shown with ?.
func (k KeyMap) FullHelp() [][]key.Binding {
	return [][]key.Binding{
		{k.Down, k.Up, k.PageDown, k.PageUp, k.Top, k.Bottom, k.Left, k.Right},
		{k.NextLink, k.PrevLink, k.Follow, k.FollowNewTab, k.Open, k.Edit, k.Back, k.Forward, k.Reload, k.Up1, k.Root},
		{k.Search, k.NextMatch, k.PrevMatch, k.Outline, k.Source, k.Info, k.Copy, k.SavePage, k.OpenPage},
		{k.Bookmark, k.Bookmarks, k.History, k.Subscribe, k.Feeds, k.EditPage, k.UploadFile},
		{k.NewTab, k.CloseTab, k.ReopenTab, k.NextTab, k.PrevTab, k.Cancel, k.Help, k.Quit},
	}
}

// actions names each rebindable action, as the config file spells it.
func (k *KeyMap) actions() map[string]*key.Binding {
	return map[string]*key.Binding{
		"down": &k.Down, "up": &k.Up, "page_down": &k.PageDown, "page_up": &k.PageUp,
		"top": &k.Top, "bottom": &k.Bottom, "left": &k.Left, "right": &k.Right,
		"next_link": &k.NextLink, "prev_link": &k.PrevLink, "follow": &k.Follow,
		"follow_new_tab": &k.FollowNewTab, "open": &k.Open, "edit_url": &k.Edit, "back": &k.Back,
		"forward": &k.Forward, "reload": &k.Reload, "up_level": &k.Up1, "root": &k.Root,
		"search": &k.Search, "next_match": &k.NextMatch, "prev_match": &k.PrevMatch,
		"outline": &k.Outline, "source": &k.Source, "info": &k.Info, "copy": &k.Copy, "save_page": &k.SavePage, "open_page": &k.OpenPage,
		"bookmark": &k.Bookmark, "bookmarks": &k.Bookmarks, "history": &k.History,
		"subscribe": &k.Subscribe, "feeds": &k.Feeds, "edit_page": &k.EditPage, "upload_file": &k.UploadFile, "new_tab": &k.NewTab, "close_tab": &k.CloseTab, "reopen_tab": &k.ReopenTab,
		"next_tab": &k.NextTab, "prev_tab": &k.PrevTab, "cancel": &k.Cancel,
		"help": &k.Help, "quit": &k.Quit,

		"accept": &k.Accept, "next_field": &k.NextField, "prev_field": &k.PrevField,
		"change": &k.Change, "change_back": &k.ChangeBack, "yes": &k.Yes,
		"follow_redirect": &k.FollowRedirect, "trust_once": &k.TrustOnce, "trust_always": &k.TrustAlways,
		"save": &k.Save, "open_with": &k.OpenWith, "as_utf8": &k.AsUTF8, "new_identity": &k.NewIdentity,
		"scope_path": &k.ScopePath, "scope_host": &k.ScopeHost, "scope_once": &k.ScopeOnce,
		"multi_line": &k.MultiLine, "editor": &k.Editor, "send": &k.Send,
		"upload": &k.Upload, "write_text": &k.WriteText, "choose_file": &k.ChooseFile,
	}
}

// Actions lists the action names Override accepts, sorted.
func Actions() []string {
	var k KeyMap
	var names []string
	for name := range k.actions() {
		names = append(names, name)
	}
	sort.Strings(names)
	return names
}

// Override replaces the keys of the named action (e.g. "back" with
// {"H", "backspace"}); the help shows the new keys joined by "/".
func (k *KeyMap) Override(action string, keys []string) error {
	b, ok := k.actions()[action]
	if !ok {
		return fmt.Errorf("unknown key action %q", action)
	}
	if len(keys) == 0 {
		return fmt.Errorf("no keys for %q", action)
	}
	b.SetKeys(keys...)
	b.SetHelp(strings.Join(keys, "/"), b.Help().Desc)
	return nil
}

// With returns the default key map with overrides (action → keys)
// applied; an unknown action is ignored (config checks them against
// Actions).
func With(overrides map[string][]string) KeyMap {
	k := DefaultKeyMap()
	for action, keys := range overrides {
		_ = k.Override(action, keys)
	}
	return k
}
