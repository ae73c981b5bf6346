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
	"sync"
	"time"

	"propus/browser/sanitize"
	"propus/tofu/atomicfile"
)

// DefaultMax is how many visits a store keeps when Max is not set.
const DefaultMax = 10000

// fileMode and dirMode are the permissions of the file and of a directory
// created for it: where a user has been is private.
const (
	fileMode = 0o600
	dirMode  = 0o700
)

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

	mu     sync.Mutex
	path   string  // "" for a memory-only store
	visits []Visit // oldest first
	err    error   // latest load or save error, nil after a save
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
	s := &Store{path: path}
	if path == "" {
		s.err = errors.New("history: Open: empty path")
		return s, s.err
	}
	vs, err := readFile(path)
	if err != nil {
		s.err = err
		return s, err
	}
	s.visits = vs
	return s, nil
}

// readFile reads and parses the file at path. A missing file holds no
// visits.
func readFile(path string) ([]Visit, error) {
	return atomicfile.Read("history", path, parse)
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
		if err := checkURL(v.URL); err != nil {
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
func format(vs []Visit) []byte {
	var b bytes.Buffer
	for _, v := range vs {
		b.WriteString(v.Time.UTC().Format(time.RFC3339) + "\t" + v.URL + "\t" + v.Title + "\n")
	}
	return b.Bytes()
}

// Path returns the file the store is kept in, or "" for a memory-only
// store.
func (s *Store) Path() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.path
}

// Err returns the latest error reading or writing the file: the error from
// Open or Reload, or a *SaveError from a later change. It is nil again
// after a change is saved.
func (s *Store) Err() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.err
}

// Reload re-reads the file, picking up what other processes wrote. If the
// file does not read or parse, the store keeps what it had and the error
// is returned (and kept for Err).
func (s *Store) Reload() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.path == "" {
		return nil
	}
	vs, err := readFile(s.path)
	if err != nil {
		s.err = err
		return err
	}
	s.visits, s.err = s.capped(vs), nil
	return nil
}

// List returns every visit, newest first, as of the store's latest read or
// change.
func (s *Store) List() []Visit {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := slices.Clone(s.visits)
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
// safe for a terminal on one line; an empty URL, or one with white space
// or control characters, is an error.
func (s *Store) Add(v Visit) error {
	v = clean(v)
	if err := checkURL(v.URL); err != nil {
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

// update applies change to the freshest visits and saves them, as the
// bookmark store does: for a file-backed store it takes the file lock,
// re-reads the file, applies change and writes the file atomically. If the
// lock, the read or the write fails, or the file does not parse, nothing
// changes and a *SaveError is returned.
func (s *Store) update(change func(vs []Visit) []Visit) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.path == "" {
		s.visits = s.capped(change(slices.Clone(s.visits)))
		return nil
	}
	var vs []Visit
	err := atomicfile.Update(s.path, dirMode, fileMode, func(old []byte) ([]byte, bool, error) {
		fresh, err := parse(s.path, old)
		if err != nil {
			return nil, false, err
		}
		s.visits = s.capped(fresh)
		vs = s.capped(change(slices.Clone(s.visits)))
		return format(vs), true, nil
	})
	if err != nil {
		return s.saveFailed(err)
	}
	s.visits, s.err = vs, nil
	return nil
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

// saveFailed records and returns a *SaveError for err.
func (s *Store) saveFailed(err error) error {
	se := &SaveError{Store: "history", Path: s.path, Err: err}
	s.err = se
	return se
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

// checkURL reports an empty URL or one with white space or control
// characters.
func checkURL(u string) error {
	if u == "" {
		return errors.New("history: empty URL")
	}
	if strings.ContainsFunc(u, func(r rune) bool { return r <= ' ' || r == 0x7f || r >= 0x80 && r <= 0x9f }) {
		return fmt.Errorf("history: URL %q has white space or control characters", u)
	}
	return nil
}
