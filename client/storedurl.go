package client

import (
	"strconv"
	"strings"
)

// MaxStoredURL is the longest URL, in bytes, that CheckURL lets a store
// keep. It is well above MaxURLLength, since stores keep other schemes'
// URLs too.
const MaxStoredURL = 4096

// CheckURL reports, with a *URLError, a URL that propus's stores
// (history, bookmarks, feeds, session) cannot keep as a field of a line:
// one that is empty, longer than MaxStoredURL bytes, or has white space
// or control characters. It does not parse the URL: stores keep URLs of
// every scheme, as they were given.
func CheckURL(raw string) error {
	switch {
	case raw == "":
		return &URLError{URL: raw, Reason: "empty URL"}
	case len(raw) > MaxStoredURL:
		return &URLError{URL: raw, Reason: "longer than " + strconv.Itoa(MaxStoredURL) + " bytes"}
	case strings.ContainsFunc(raw, func(r rune) bool { return r <= ' ' || r == 0x7f || r >= 0x80 && r <= 0x9f }):
		return &URLError{URL: raw, Reason: "white space or control characters"}
	}
	return nil
}
