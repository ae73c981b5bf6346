// Package session keeps propus's tabs between runs: each tab's page, its
// back and forward lists and the scroll positions, restored at the next
// start.
//
// The file is JSON:
//
//	{"tabs": [{"back": [{"url": "gemini://a/", "line": 0, "row": 0}],
//	           "forward": [],
//	           "current": {"url": "gemini://a/b", "line": 12, "row": 1}}],
//	 "active": 0}
//
// "line" and "row" are the top of the view (render.Pos). The browser never
// gives this package a URL that carried sensitive (11) input.
//
// Saving takes a lock on the file, checks that what is there parses (a
// broken file is reported with its line and never overwritten) and
// replaces the file atomically, so a crash or a kill in the middle of a
// write leaves either the old file or the new one. The last writer wins:
// a session is the state of the process that quit last.
package session

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"

	"propus/client"
	"propus/tofu/atomicfile"
)

// fileMode and dirMode are the permissions of the file and of a directory
// created for it: where a user has been is private.
const (
	fileMode = 0o600
	dirMode  = 0o700
)

// Entry is one page of a tab's history: its URL and the top of the view.
type Entry struct {
	URL  string `json:"url"`
	Line int    `json:"line"`
	Row  int    `json:"row"`
}

// Tab is one tab: its current page and its back and forward lists (the
// back list oldest first, the forward list as the browser keeps it: the
// next page last).
type Tab struct {
	Back    []Entry `json:"back"`
	Forward []Entry `json:"forward"`
	Current Entry   `json:"current"`
}

// Session is the tabs of a run and the index of the one shown.
type Session struct {
	Tabs   []Tab `json:"tabs"`
	Active int   `json:"active"`
}

// ParseError reports a session file that does not parse (Store is
// "session"). Save never overwrites it.
type ParseError = atomicfile.ParseError

// Load reads the session at path. A missing or empty file is an empty
// session; one that does not parse is a *ParseError.
func Load(path string) (Session, error) {
	return atomicfile.Read("session", path, parse)
}

// parse decodes and checks a session file.
func parse(path string, data []byte) (Session, error) {
	var s Session
	if len(bytes.TrimSpace(data)) == 0 {
		return s, nil
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&s); err != nil {
		off := dec.InputOffset()
		var se *json.SyntaxError
		var te *json.UnmarshalTypeError
		switch {
		case errors.As(err, &se):
			off = se.Offset
		case errors.As(err, &te):
			off = te.Offset
		}
		return Session{}, &ParseError{Store: "session", Path: path, Line: lineAt(data, off), Err: err}
	}
	if dec.More() {
		return Session{}, &ParseError{Store: "session", Path: path, Line: lineAt(data, dec.InputOffset()), Err: errors.New("text after the session")}
	}
	for _, t := range s.Tabs {
		for _, e := range append(append([]Entry{t.Current}, t.Back...), t.Forward...) {
			if err := client.CheckURL(e.URL); err != nil {
				return Session{}, &ParseError{Store: "session", Path: path, Line: lineOf(data, e.URL), Err: err}
			}
		}
	}
	if len(s.Tabs) > 0 && (s.Active < 0 || s.Active >= len(s.Tabs)) {
		s.Active = 0
	}
	return s, nil
}

// lineAt returns the 1-based line of byte offset off in data.
func lineAt(data []byte, off int64) int {
	off = min(max(off, 0), int64(len(data)))
	return bytes.Count(data[:off], []byte("\n")) + 1
}

// lineOf returns the line of the first occurrence of the URL u, or 1.
func lineOf(data []byte, u string) int {
	q, _ := json.Marshal(u)
	if i := bytes.Index(data, q); i >= 0 && u != "" {
		return lineAt(data, int64(i))
	}
	return 1
}

// Save writes s to path: it takes the file's lock, checks that the file
// there (if any) parses, and replaces it atomically, 0600. A file that
// does not parse is left as it is and its *ParseError returned.
func Save(path string, s Session) error {
	if path == "" {
		return errors.New("the session has no file to be saved in")
	}
	for _, t := range s.Tabs {
		for _, e := range append(append([]Entry{t.Current}, t.Back...), t.Forward...) {
			if err := client.CheckURL(e.URL); err != nil {
				return fmt.Errorf("a tab of the session: %w", err)
			}
		}
	}
	data, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return err
	}
	err = atomicfile.Update(path, dirMode, fileMode, func(old []byte) ([]byte, bool, error) {
		if _, err := parse(path, old); err != nil {
			return nil, false, err
		}
		return append(data, '\n'), true, nil
	})
	if _, ok := errors.AsType[*ParseError](err); ok || err == nil {
		return err // a *ParseError names the file itself
	}
	return fmt.Errorf("the session was not saved to %s: %w", path, err)
}
