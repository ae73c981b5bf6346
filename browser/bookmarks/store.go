// Package bookmarks is propus's bookmark store: a list of bookmarks kept in
// an XBEL file (so that Amfora's bookmarks.xml imports as it is), with
// folders and tags, and exports to XBEL and to a gemtext page.
//
// Several propus processes may share the file. Every change takes a lock on
// the file, re-reads it (so what another process wrote is kept), applies
// the change and replaces the file atomically, so a crash or a kill in the
// middle of a write leaves either the old file or the new one. A file that
// does not parse is reported with its line and never overwritten.
package bookmarks

import (
	"bytes"
	"fmt"
	"slices"
	"strings"
	"time"

	"propus/browser/sanitize"
	"propus/client"
	"propus/tofu/atomicfile"
)

// Bookmark is one bookmark.
type Bookmark struct {
	Title  string
	URL    string
	Folder string // "" = top level; nested folders joined with "/" ("Gemlogs/Tech")
	Tags   []string
	Added  time.Time
}

// Store is a list of bookmarks, at most one per URL. It is safe for
// concurrent use.
//
// The zero Store is an empty store kept in memory only (never persisted).
// Open returns one backed by a file.
type Store struct {
	// Now returns the current time, for Added. If nil, time.Now is used.
	Now func() time.Time

	file atomicfile.Store[[]Bookmark] // in file order
}

// ParseError reports a bookmarks file (or an XBEL document given to
// ReadXBEL, then Path is "") that does not parse (Store is "bookmarks").
// The store never overwrites it.
type ParseError = atomicfile.ParseError

// SaveError reports a change that was not made because the file could not
// be locked, read or written, or does not parse (then Err is a
// *ParseError and the file was left alone). The store is unchanged.
type SaveError = atomicfile.SaveError

// NotFoundError is returned by Update and Remove for a URL that has no
// bookmark.
type NotFoundError struct {
	URL string
}

// Error names the URL.
func (e *NotFoundError) Error() string {
	return fmt.Sprintf("no bookmark for %s", e.URL)
}

// ExistsError is returned by Update when the new URL already has another
// bookmark.
type ExistsError struct {
	URL string
}

// Error names the URL.
func (e *ExistsError) Error() string {
	return fmt.Sprintf("%s is already bookmarked", e.URL)
}

// Open returns a store backed by the XBEL file at path. A missing file is an
// empty store; neither the file nor its directory is created until the
// first change.
//
// Open always returns a usable store. If the file does not parse, err is a
// *ParseError, the store is empty, and every change returns a *SaveError
// wrapping the *ParseError without touching the file, for as long as the
// file does not parse (each change re-reads it, so once the user fixes or
// removes the file, changes work again). Bookmarks repeating an earlier
// URL in the file are dropped.
func Open(path string) (*Store, error) {
	s := &Store{}
	err := s.file.Open(path, atomicfile.Codec[[]Bookmark]{Name: "bookmarks", Parse: parse, Format: format})
	return s, err
}

// parse parses the file's content, dropping repeated URLs.
func parse(path string, data []byte) ([]Bookmark, error) {
	bms, err := parseXBEL(path, data)
	if err != nil {
		return nil, err
	}
	return dedupe(bms), nil
}

// dedupe drops the bookmarks whose URL an earlier one has.
func dedupe(bs []Bookmark) []Bookmark {
	seen := make(map[string]bool, len(bs))
	out := bs[:0]
	for _, b := range bs {
		if !seen[b.URL] {
			seen[b.URL] = true
			out = append(out, b)
		}
	}
	return fileOrder(out)
}

// format returns the file's XBEL for bs.
func format(bs []Bookmark) ([]byte, error) {
	var buf bytes.Buffer
	err := WriteXBEL(&buf, bs)
	return buf.Bytes(), err
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
// is returned (and kept for Err). A memory-only store has nothing to do.
func (s *Store) Reload() error { return s.file.Reload() }

// List returns every bookmark in file order (bookmarks of one folder are
// together, each folder where its first bookmark was added). It reflects
// the file as of the store's latest read or change.
func (s *Store) List() []Bookmark { return cloneAll(s.file.Get()) }

// Find returns the bookmark for url.
func (s *Store) Find(url string) (Bookmark, bool) {
	bms := s.file.Get()
	if i := index(bms, strings.TrimSpace(url)); i >= 0 {
		return cloneOne(bms[i]), true
	}
	return Bookmark{}, false
}

// Folders returns the distinct folders that hold bookmarks, sorted, without
// the top level "". A nested folder's parents are listed too ("Gemlogs"
// for "Gemlogs/Tech").
func (s *Store) Folders() []string {
	var out []string
	for _, b := range s.file.Get() {
		f := b.Folder
		for f != "" {
			out = append(out, f)
			i := strings.LastIndexByte(f, '/')
			if i < 0 {
				break
			}
			f = f[:i]
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// Add adds b. If a bookmark with the same URL exists it is replaced in
// place, keeping its Added; otherwise b goes at the end of its folder, with
// Added set to now if it is zero. The title, folder and tags are cleaned
// up (made safe for a terminal, trimmed; tags split on commas and
// deduplicated). An empty URL, or one with spaces or control characters, is
// an error.
func (s *Store) Add(b Bookmark) error {
	b = clean(b)
	if err := client.CheckURL(b.URL); err != nil {
		return err
	}
	return s.update(func(bs []Bookmark) ([]Bookmark, bool, error) {
		if i := index(bs, b.URL); i >= 0 {
			b.Added = bs[i].Added
			bs[i] = b
			return bs, true, nil
		}
		if b.Added.IsZero() {
			b.Added = s.now()
		}
		return append(bs, b), true, nil
	})
}

// Skipped is a bookmark that Import left out, and why.
type Skipped struct {
	Bookmark Bookmark
	// Reason is "already bookmarked", "listed twice in the file" or "not
	// a URL propus can open" followed by what is wrong with it.
	Reason string
}

// Import adds every bookmark of bs whose URL is not bookmarked yet, in one
// write, and returns how many it added and the ones it skipped, in the
// order of bs: those already bookmarked (which are left as they are),
// those whose URL comes a second time in bs, and those with an unusable
// URL.
func (s *Store) Import(bs []Bookmark) (added int, skipped []Skipped, err error) {
	err = s.update(func(cur []Bookmark) ([]Bookmark, bool, error) {
		added, skipped = 0, nil
		before := len(cur)
		now := s.now()
		for _, b := range bs {
			b = clean(b)
			if err := client.CheckURL(b.URL); err != nil {
				skipped = append(skipped, Skipped{b, "not a URL propus can open (" + err.Error() + ")"})
				continue
			}
			if i := index(cur, b.URL); i >= before {
				skipped = append(skipped, Skipped{b, "listed twice in the file"})
				continue
			} else if i >= 0 {
				skipped = append(skipped, Skipped{b, "already bookmarked"})
				continue
			}
			if b.Added.IsZero() {
				b.Added = now
			}
			cur = append(cur, b)
			added++
		}
		return cur, added > 0, nil
	})
	if err != nil {
		return 0, nil, err
	}
	return added, skipped, nil
}

// Update replaces the bookmark for oldURL with b: a new title, URL, folder
// or tags. Added is kept unless b sets it. It returns a *NotFoundError if
// oldURL has no bookmark and an *ExistsError if b.URL is another
// bookmark's. The bookmark keeps its place unless its folder changes.
func (s *Store) Update(oldURL string, b Bookmark) error {
	oldURL = strings.TrimSpace(oldURL)
	b = clean(b)
	if err := client.CheckURL(b.URL); err != nil {
		return err
	}
	return s.update(func(bs []Bookmark) ([]Bookmark, bool, error) {
		i := index(bs, oldURL)
		if i < 0 {
			return nil, false, &NotFoundError{URL: oldURL}
		}
		if b.URL != oldURL && index(bs, b.URL) >= 0 {
			return nil, false, &ExistsError{URL: b.URL}
		}
		if b.Added.IsZero() {
			b.Added = bs[i].Added
		}
		if b.Folder != bs[i].Folder {
			// Moved: it goes to the end of its new folder.
			bs = append(slices.Delete(bs, i, i+1), b)
		} else {
			bs[i] = b
		}
		return bs, true, nil
	})
}

// Remove removes the bookmark for url, or returns a *NotFoundError.
func (s *Store) Remove(url string) error {
	url = strings.TrimSpace(url)
	return s.update(func(bs []Bookmark) ([]Bookmark, bool, error) {
		i := index(bs, url)
		if i < 0 {
			return nil, false, &NotFoundError{URL: url}
		}
		return slices.Delete(bs, i, i+1), true, nil
	})
}

// update applies change to a copy of the freshest bookmarks and saves the
// result in file order (atomicfile.Store.Update). change returns the new
// list, whether it differs, and an error that cancels the change. If the
// file cannot be locked, read or written, or does not parse, nothing
// changes and a *SaveError is returned.
func (s *Store) update(change func(bs []Bookmark) ([]Bookmark, bool, error)) error {
	return s.file.Update(func(cur []Bookmark) ([]Bookmark, bool, error) {
		bs, modified, err := change(cloneAll(cur))
		if err != nil || !modified {
			return nil, false, err
		}
		return fileOrder(bs), true, nil
	})
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

// index returns the position of the bookmark for url in bs, or -1.
func index(bs []Bookmark, url string) int {
	return slices.IndexFunc(bs, func(b Bookmark) bool { return b.URL == url })
}

// clean returns b as the store keeps it: URL trimmed; title made safe for a
// terminal on one line and trimmed; folder the same, per "/"-separated
// segment, empty segments dropped; tags the same, split on commas, empty
// ones and repeats dropped; Added to the second, in UTC.
func clean(b Bookmark) Bookmark {
	b.URL = strings.TrimSpace(b.URL)
	b.Title = strings.TrimSpace(sanitize.Line(b.Title))
	b.Folder = cleanFolder(b.Folder)
	var tags []string
	for _, t := range b.Tags {
		for tag := range strings.SplitSeq(sanitize.Line(t), ",") {
			if tag = strings.TrimSpace(tag); tag != "" && !slices.Contains(tags, tag) {
				tags = append(tags, tag)
			}
		}
	}
	b.Tags = tags
	if !b.Added.IsZero() {
		b.Added = b.Added.UTC().Truncate(time.Second)
	}
	return b
}

// cleanFolder returns a folder path made safe for a terminal, each segment
// trimmed, empty segments dropped.
func cleanFolder(f string) string {
	var segs []string
	for seg := range strings.SplitSeq(sanitize.Line(f), "/") {
		if seg = strings.TrimSpace(seg); seg != "" {
			segs = append(segs, seg)
		}
	}
	return strings.Join(segs, "/")
}

// cloneOne returns b with its own copy of the tags.
func cloneOne(b Bookmark) Bookmark {
	b.Tags = slices.Clone(b.Tags)
	return b
}

// cloneAll returns a copy of bs that shares nothing with it.
func cloneAll(bs []Bookmark) []Bookmark {
	out := make([]Bookmark, len(bs))
	for i, b := range bs {
		out[i] = cloneOne(b)
	}
	return out
}
