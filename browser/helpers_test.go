package browser

import (
	"strconv"

	"propus/browser/about"
	"propus/browser/dialog"
)

// The about: pages, by the names the tests knew them by.
const (
	bookmarksAddress  = about.Bookmarks
	feedsAddress      = about.Feeds
	identitiesAddress = about.Identities
	knownHostsAddress = about.KnownHosts
)

func itoa(n int) string { return strconv.Itoa(n) }

// asking reports whether the dialog on top is a question with lettered
// answers.
func (d *driver) asking() bool {
	_, ok := d.m.dialogs.Top().(*dialog.Question)
	return ok
}
