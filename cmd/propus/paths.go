package main

import (
	"path/filepath"

	"github.com/adrg/xdg"
)

// paths are the files propus keeps, resolved once from the XDG base
// directories of the app name "propus" and passed down to the packages.
type paths struct {
	dataDir    string // $XDG_DATA_HOME/propus
	knownHosts string // known hosts (TOFU pins)
	identities string // one .crt/.key pair per identity
	scopes     string // where each identity is used
	downloads  string // where downloads are saved
	bookmarks  string // bookmarks (XBEL)
	history    string // visits
	feeds      string // feed subscriptions and their entries
	session    string // the tabs of the last run
	config     string // $XDG_CONFIG_HOME/propus/config.toml
}

func defaultPaths() paths {
	xdg.Reload() // honour the environment as it is now (tests change it)
	data := filepath.Join(xdg.DataHome, "propus")
	return paths{
		dataDir:    data,
		knownHosts: filepath.Join(data, "known_hosts"),
		identities: filepath.Join(data, "identities"),
		scopes:     filepath.Join(data, "identities", "scopes"),
		downloads:  xdg.UserDirs.Download,
		bookmarks:  filepath.Join(data, "bookmarks.xml"),
		history:    filepath.Join(data, "history"),
		feeds:      filepath.Join(data, "feeds"),
		session:    filepath.Join(data, "session"),
		config:     filepath.Join(xdg.ConfigHome, "propus", "config.toml"),
	}
}
