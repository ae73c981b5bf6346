// Package history is propus's browsing history: every visit with its time
// and the page's title, kept in a text file, capped, searchable.
//
// The file holds one visit per line, oldest first:
//
//	TIME<TAB>URL<TAB>TITLE
//
// TIME is RFC 3339 in UTC ("2026-11-21T07:30:00Z"), URL has no white space
// and TITLE (which may be empty) has no tab or control character. Empty
// lines are ignored. A URL appears at most once: visiting it again moves
// it to the end.
//
// Several propus processes may share the file. Every change takes a lock on
// the file, re-reads it (so what another process wrote is kept), applies
// the change and replaces the file atomically, so a crash or a kill in the
// middle of a write leaves either the old file or the new one. A file that
// does not parse is reported with its line and never overwritten.
package history

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"propus/browser/sanitize"
	"propus/client"
	"propus/tofu/atomicfile"
)

// DefaultMax is how many visits a store keeps when Max is not set.
const DefaultMax = 10000

// Visit is one visit of a page.
type Visit struct {
	URL   string
	Title string
	Time  time.Time
}

// Store is the history: at most one visit per URL, the latest. It is safe
// for concurrent use.
//
// The zero Store is an empty store kept in memory only (never persisted).
// Open returns one backed by a file.
type Store struct {
	// Max is how many visits are kept; the oldest go first. If it is 0,
	// DefaultMax.
	Max int
	// Now returns the current time, for visits without one. If nil,
	// time.Now is used.
	Now func() time.Time

	file atomicfile.Store[[]Visit] // oldest first
}

// ParseError reports a history file that does not parse (Store is
// "history"). The store never overwrites it.
type ParseError = atomicfile.ParseError

// SaveError reports a change that was not made because the file could not
// be locked, read or written, or does not parse (then Err is a
// *ParseError and the file was left alone). The store is unchanged.
type SaveError = atomicfile.SaveError

// Open returns a store backed by the file at path. A missing file is an
// empty history; neither the file nor its directory is created until the
// first change.
//
// Open always returns a usable store. If the file does not parse, err is a
// *ParseError, the store is empty, and every change returns a *SaveError
// wrapping the *ParseError without touching the file, for as long as the
// file does not parse (each change re-reads it).
func Open(path string) (*Store, error) {
	s := &Store{}
	err := s.file.Open(path, atomicfile.Codec[[]Visit]{
		Name: "history",
		Parse: func(path string, data []byte) ([]Visit, error) {
			vs, err := parse(path, data)
			return s.capped(vs), err
		},
		Format: format,
	})
	return s, err
}

// parse reads the lines of a history file, dropping earlier visits of a
// URL visited again.
func parse(path string, data []byte) ([]Visit, error) {
	var vs []Visit
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(nil, 1<<20)
	n := 0
	for sc.Scan() {
		n++
		line := strings.TrimSuffix(sc.Text(), "\r")
		if strings.TrimSpace(line) == "" {
			continue
		}
		fail := func(err error) error { return &ParseError{Store: "history", Path: path, Line: n, Err: err} }
		fields := strings.SplitN(line, "\t", 3)
		if len(fields) < 2 {
			return nil, fail(errors.New("want TIME<TAB>URL<TAB>TITLE"))
		}
		t, err := time.Parse(time.RFC3339, fields[0])
		if err != nil {
			return nil, fail(fmt.Errorf("bad time %q", fields[0]))
		}
		v := Visit{URL: fields[1], Time: t.UTC()}
		if len(fields) == 3 {
			v.Title = fields[2]
		}
		if err := client.CheckURL(v.URL); err != nil {
			return nil, fail(err)
		}
		if v.Title != clean(v).Title {
			return nil, fail(errors.New("the title has control characters"))
		}
		vs = append(vs, v)
	}
	if err := sc.Err(); err != nil {
		return nil, &ParseError{Store: "history", Path: path, Line: n + 1, Err: err}
	}
	return dedupe(vs), nil
}

// dedupe keeps the last visit of every URL, in order.
func dedupe(vs []Visit) []Visit {
	last := make(map[string]int, len(vs))
	for i, v := range vs {
		last[v.URL] = i
	}
	out := vs[:0]
	for i, v := range vs {
		if last[v.URL] == i {
			out = append(out, v)
		}
	}
	return out
}

// format returns the file's text for vs.
func format(vs []Visit) ([]byte, error) {
	var b bytes.Buffer
	for _, v := range vs {
		b.WriteString(v.Time.UTC().Format(time.RFC3339) + "\t" + v.URL + "\t" + v.Title + "\n")
	}
	return b.Bytes(), nil
}

// Path returns the file the store is kept in, or "" for a memory-only
// store.
func (s *Store) Path() string { return s.file.Path() }

// Err returns the latest error reading or writing the file: the error from
// Open or Reload, or a *SaveError from a later change. It is nil again
// once a change has read the file and saved.
func (s *Store) Err() error { return s.file.Err() }

// Reload re-reads the file, picking up what other processes wrote. If the
// file does not read or parse, the store keeps what it had and the error
// is returned (and kept for Err).
func (s *Store) Reload() error { return s.file.Reload() }

// List returns every visit, newest first, as of the store's latest read or
// change.
func (s *Store) List() []Visit {
	out := slices.Clone(s.file.Get())
	slices.Reverse(out)
	return out
}

// Search returns the visits whose URL or title contains q, ignoring case,
// newest first. An empty q matches every visit.
func (s *Store) Search(q string) []Visit {
	q = strings.ToLower(strings.TrimSpace(q))
	all := s.List()
	if q == "" {
		return all
	}
	out := all[:0]
	for _, v := range all {
		if strings.Contains(strings.ToLower(v.URL), q) || strings.Contains(strings.ToLower(v.Title), q) {
			out = append(out, v)
		}
	}
	return out
}

// Add records a visit at the end. An earlier visit of the same URL is
// dropped (the URL moves to the end with the new time and title); beyond
// Max visits, the oldest are dropped. A zero Time is now. The title is made
// safe for a terminal on one line; a URL client.CheckURL refuses is an
// error.
func (s *Store) Add(v Visit) error {
	v = clean(v)
	if err := client.CheckURL(v.URL); err != nil {
		return err
	}
	if v.Time.IsZero() {
		v.Time = s.now()
	}
	return s.update(func(vs []Visit) []Visit {
		vs = slices.DeleteFunc(vs, func(o Visit) bool { return o.URL == v.URL })
		return append(vs, v)
	})
}

// Clear forgets every visit.
func (s *Store) Clear() error {
	return s.update(func([]Visit) []Visit { return nil })
}

// Remove forgets every visit of url.
func (s *Store) Remove(url string) error {
	return s.update(func(vs []Visit) []Visit {
		return slices.DeleteFunc(vs, func(v Visit) bool { return v.URL == url })
	})
}

// update applies change to a copy of the freshest visits and saves the
// result, capped (atomicfile.Store.Update): if the file cannot be locked,
// read or written, or does not parse, nothing changes and a *SaveError is
// returned.
func (s *Store) update(change func(vs []Visit) []Visit) error {
	return s.file.Update(func(cur []Visit) ([]Visit, bool, error) {
		return s.capped(change(slices.Clone(cur))), true, nil
	})
}

// capped returns the newest Max visits of vs.
func (s *Store) capped(vs []Visit) []Visit {
	limit := s.Max
	if limit <= 0 {
		limit = DefaultMax
	}
	if n := len(vs) - limit; n > 0 {
		vs = slices.Delete(vs, 0, n)
	}
	return vs
}

// now returns the current time from s.Now or the clock, to the second (the
// resolution of the file) and in UTC.
func (s *Store) now() time.Time {
	t := time.Now()
	if s.Now != nil {
		t = s.Now()
	}
	return t.UTC().Truncate(time.Second)
}

// clean returns v as the store keeps it: URL trimmed, title safe for a
// terminal on one line and trimmed, time to the second in UTC.
func clean(v Visit) Visit {
	v.URL = strings.TrimSpace(v.URL)
	v.Title = strings.TrimSpace(sanitize.Line(v.Title))
	if !v.Time.IsZero() {
		v.Time = v.Time.UTC().Truncate(time.Second)
	}
	return v
}
