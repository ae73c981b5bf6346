package browser

import (
	"fmt"
	"sort"
	"strings"

	"charm.land/bubbles/v2/key"
)

// keyActions names each rebindable action, as the config file spells it.
func (k *KeyMap) keyActions() map[string]*key.Binding {
	return map[string]*key.Binding{
		"down": &k.Down, "up": &k.Up, "page_down": &k.PageDown, "page_up": &k.PageUp,
		"top": &k.Top, "bottom": &k.Bottom, "left": &k.Left, "right": &k.Right,
		"next_link": &k.NextLink, "prev_link": &k.PrevLink, "follow": &k.Follow,
		"follow_new_tab": &k.FollowNewTab, "open": &k.Open, "back": &k.Back,
		"forward": &k.Forward, "reload": &k.Reload, "up_level": &k.Up1, "root": &k.Root,
		"search": &k.Search, "next_match": &k.NextMatch, "prev_match": &k.PrevMatch,
		"outline": &k.Outline, "source": &k.Source, "info": &k.Info, "copy": &k.Copy,
		"bookmark": &k.Bookmark, "subscribe": &k.Subscribe, "feeds": &k.Feeds, "new_tab": &k.NewTab, "close_tab": &k.CloseTab,
		"next_tab": &k.NextTab, "prev_tab": &k.PrevTab, "cancel": &k.Cancel,
		"help": &k.Help, "quit": &k.Quit,
	}
}

// KeyActions lists the action names Override accepts, sorted.
func KeyActions() []string {
	var k KeyMap
	var names []string
	for name := range k.keyActions() {
		names = append(names, name)
	}
	sort.Strings(names)
	return names
}

// Override replaces the keys of the named action (e.g. "back" with
// {"H", "backspace"}); the help shows the new keys joined by "/".
func (k *KeyMap) Override(action string, keys []string) error {
	b, ok := k.keyActions()[action]
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

// keyMapWith is the default key map with overrides applied.
func keyMapWith(overrides map[string][]string) KeyMap {
	k := DefaultKeyMap()
	for action, keys := range overrides {
		_ = k.Override(action, keys) // callers validate with KeyActions
	}
	return k
}
