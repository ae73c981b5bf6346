package client

import (
	"net/url"
	"strings"
)

// ParseTyped reads an address a user typed while on the page at base
// (nil for none): "/x", "./x", "../x", "." and ".." and "?q" are relative
// to base; anything else is read as ParseURL reads it, so that
// "example.org", "example.org/path" and "host:1966/x" name hosts, as they
// do for propus fetch.
func ParseTyped(base *url.URL, raw string) (*url.URL, error) {
	s := strings.TrimSpace(raw)
	relative := strings.HasPrefix(s, "/") && !strings.HasPrefix(s, "//") ||
		strings.HasPrefix(s, "./") || strings.HasPrefix(s, "../") || s == "." || s == ".." ||
		strings.HasPrefix(s, "?")
	if relative && base != nil {
		return Resolve(base, s)
	}
	return ParseURL(s)
}
