// Package feeds is propus's feed subscriptions: it parses Gemini feeds —
// gemlog pages following the gemfeed convention
// (gemini://geminiprotocol.net/docs/companion/subscription.gmi), Atom
// (RFC 4287) and RSS 2.0 — and keeps the subscriptions and the entries
// seen in them in a text file.
//
// Parse, ParseGemfeed and ParseAtom read one feed document. A Store holds
// the subscriptions; the browser refreshes them (fetching and parsing each
// feed) and reports every refresh with Store.Refreshed, which merges the
// entries, and lists the entries of every subscription with Store.Entries.
//
// The file holds one record per line, fields separated by tabs:
//
//	feed<TAB>URL<TAB>ADDED<TAB>CHECKED<TAB>TITLE<TAB>ERROR
//	entry<TAB>FEEDURL<TAB>URL<TAB>PUBLISHED<TAB>SEEN<TAB>READ<TAB>TITLE
//
// A feed line is a subscription, in the order subscribed: ADDED is when,
// CHECKED the last successful refresh, TITLE the feed's title and ERROR
// the last refresh's error ("" when it went well). An entry line is an
// entry of the subscription FEEDURL (which must have a feed line): URL is
// the post's, PUBLISHED its date, SEEN when the store first saw it, READ
// "1" if it was marked read and "0" if not, TITLE its title. Times are RFC
// 3339 in UTC to the second ("2026-11-21T07:30:00Z"); CHECKED and
// PUBLISHED are "-" when zero. URLs have no white space or control
// character; TITLE and ERROR are one line without tab or control
// character (and may be empty). Empty lines are ignored; a later line for
// the same feed or entry replaces an earlier one. The store writes each
// feed line followed by its entries, newest first.
//
// Several propus processes may share the file. Every change takes a lock on
// the file, re-reads it (so what another process wrote is kept), applies
// the change and replaces the file atomically, so a crash or a kill in the
// middle of a write leaves either the old file or the new one. A file that
// does not parse is reported with its line and never overwritten.
package feeds

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

// DefaultMaxEntries is how many entries per feed a store keeps when
// MaxEntries is not set.
const DefaultMaxEntries = 200

// Subscription is one feed subscribed to.
type Subscription struct {
	// URL is the feed's URL.
	URL string
	// Title is the feed's title as its latest refresh found it, or as
	// given to Subscribe; it may be empty.
	Title string
	// Added is when it was subscribed to.
	Added time.Time
	// Checked is when it was last refreshed successfully; zero if never.
	Checked time.Time
	// Error is the error of the latest refresh, "" when it went well.
	Error string
}

// Store is the feed subscriptions and their entries. It is safe for
// concurrent use.
//
// The zero Store is an empty store kept in memory only (never persisted).
// Open returns one backed by a file.
type Store struct {
	// Now returns the current time. If nil, time.Now is used.
	Now func() time.Time
	// MaxEntries is how many entries are kept per feed: the newest by
	// Published, then Seen. If it is 0, DefaultMaxEntries.
	MaxEntries int

	file atomicfile.Store[state]
}

// state is what the file holds.
type state struct {
	subs    []Subscription // in the order subscribed
	entries []Entry        // per feed, newest first
}

// clone returns a copy of st that can be changed without touching st.
func (st state) clone() state {
	return state{subs: slices.Clone(st.subs), entries: slices.Clone(st.entries)}
}

// sub returns the index of the subscription to u, or -1.
func (st *state) sub(u string) int {
	return slices.IndexFunc(st.subs, func(s Subscription) bool { return s.URL == u })
}

// ParseError reports a feeds file that does not parse (Store is
// "feeds"). The store never overwrites it.
type ParseError = atomicfile.ParseError

// SaveError reports a change that was not made because the file could not
// be locked, read or written, or does not parse (then Err is a
// *ParseError and the file was left alone). The store is unchanged.
type SaveError = atomicfile.SaveError

// NotFoundError reports a URL that is not subscribed to.
type NotFoundError struct {
	URL string
}

// Error returns "no subscription to URL".
func (e *NotFoundError) Error() string { return "no subscription to " + e.URL }

// Open returns a store backed by the file at path. A missing file holds no
// subscriptions; neither the file nor its directory is created until the
// first change.
//
// Open always returns a usable store. If the file does not parse, err is a
// *ParseError, the store is empty, and every change returns a *SaveError
// wrapping the *ParseError without touching the file, for as long as the
// file does not parse (each change re-reads it).
func Open(path string) (*Store, error) {
	s := &Store{}
	err := s.file.Open(path, atomicfile.Codec[state]{
		Name: "feeds",
		Parse: func(path string, data []byte) (state, error) {
			st, err := parse(path, data)
			return s.tidy(st), err
		},
		Format: format,
	})
	return s, err
}

// parse reads the lines of a feeds file.
func parse(path string, data []byte) (state, error) {
	var st state
	type key struct{ feed, url string }
	entryAt := map[key]int{}   // index in st.entries
	entryLine := map[int]int{} // index in st.entries → line
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(nil, 1<<20)
	n := 0
	for sc.Scan() {
		n++
		line := strings.TrimSuffix(sc.Text(), "\r")
		if strings.TrimSpace(line) == "" {
			continue
		}
		fail := func(err error) (state, error) {
			return state{}, &ParseError{Store: "feeds", Path: path, Line: n, Err: err}
		}
		fields := strings.Split(line, "\t")
		switch fields[0] {
		case "feed":
			if len(fields) != 6 {
				return fail(errors.New("want feed<TAB>URL<TAB>ADDED<TAB>CHECKED<TAB>TITLE<TAB>ERROR"))
			}
			sub := Subscription{URL: fields[1], Title: fields[4], Error: fields[5]}
			if err := client.CheckURL(sub.URL); err != nil {
				return fail(err)
			}
			var err error
			if sub.Added, err = parseTime(fields[2], false); err != nil {
				return fail(fmt.Errorf("bad ADDED: %w", err))
			}
			if sub.Checked, err = parseTime(fields[3], true); err != nil {
				return fail(fmt.Errorf("bad CHECKED: %w", err))
			}
			if sub.Title != cleanText(sub.Title) {
				return fail(errors.New("the title has control characters"))
			}
			if sub.Error != cleanText(sub.Error) {
				return fail(errors.New("the error has control characters"))
			}
			if i := st.sub(sub.URL); i >= 0 {
				st.subs[i] = sub
			} else {
				st.subs = append(st.subs, sub)
			}
		case "entry":
			if len(fields) != 7 {
				return fail(errors.New("want entry<TAB>FEEDURL<TAB>URL<TAB>PUBLISHED<TAB>SEEN<TAB>READ<TAB>TITLE"))
			}
			e := Entry{Feed: fields[1], URL: fields[2], Title: fields[6]}
			if err := client.CheckURL(e.Feed); err != nil {
				return fail(err)
			}
			if err := client.CheckURL(e.URL); err != nil {
				return fail(err)
			}
			var err error
			if e.Published, err = parseTime(fields[3], true); err != nil {
				return fail(fmt.Errorf("bad PUBLISHED: %w", err))
			}
			if e.Seen, err = parseTime(fields[4], false); err != nil {
				return fail(fmt.Errorf("bad SEEN: %w", err))
			}
			switch fields[5] {
			case "0":
			case "1":
				e.Read = true
			default:
				return fail(fmt.Errorf("bad READ %q: want 0 or 1", fields[5]))
			}
			if e.Title != cleanText(e.Title) {
				return fail(errors.New("the title has control characters"))
			}
			k := key{e.Feed, e.URL}
			if i, ok := entryAt[k]; ok {
				st.entries[i] = e
			} else {
				entryAt[k] = len(st.entries)
				st.entries = append(st.entries, e)
			}
			if _, ok := entryLine[entryAt[k]]; !ok {
				entryLine[entryAt[k]] = n
			}
		default:
			return fail(fmt.Errorf("unknown record %q: want feed or entry", cleanText(fields[0])))
		}
	}
	if err := sc.Err(); err != nil {
		return state{}, &ParseError{Store: "feeds", Path: path, Line: n + 1, Err: err}
	}
	for i, e := range st.entries {
		if st.sub(e.Feed) < 0 {
			return state{}, &ParseError{Store: "feeds", Path: path, Line: entryLine[i], Err: fmt.Errorf("entry of %s, which has no feed line", e.Feed)}
		}
	}
	return st, nil
}

// parseTime parses an RFC 3339 time of the file; "-" is zero if dash.
func parseTime(s string, dash bool) (time.Time, error) {
	if dash && s == "-" {
		return time.Time{}, nil
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("%q is not an RFC 3339 time", cleanText(s))
	}
	return t.UTC(), nil
}

// appendTime appends a time as the file has it, "-" for zero if dash.
func appendTime(b []byte, t time.Time, dash bool) []byte {
	if dash && t.IsZero() {
		return append(b, '-')
	}
	return t.UTC().AppendFormat(b, time.RFC3339)
}

// format returns the file's text for st, which tidy has grouped: each
// feed line followed by its entries.
func format(st state) ([]byte, error) {
	b := make([]byte, 0, 160*(len(st.subs)+len(st.entries)))
	rest := st.entries // grouped by feed in the order of the feeds (tidy)
	for _, s := range st.subs {
		n := 0
		for n < len(rest) && rest[n].Feed == s.URL {
			n++
		}
		mine := rest[:n]
		rest = rest[n:]
		b = append(b, "feed\t"+s.URL+"\t"...)
		b = appendTime(b, s.Added, false)
		b = append(b, '\t')
		b = appendTime(b, s.Checked, true)
		b = append(b, "\t"+s.Title+"\t"+s.Error+"\n"...)
		for _, e := range mine {
			b = append(b, "entry\t"+e.Feed+"\t"+e.URL+"\t"...)
			b = appendTime(b, e.Published, true)
			b = append(b, '\t')
			b = appendTime(b, e.Seen, false)
			read := "\t0\t"
			if e.Read {
				read = "\t1\t"
			}
			b = append(b, read+e.Title+"\n"...)
		}
	}
	return b, nil
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

// Subscriptions returns the subscriptions in the order subscribed, as of
// the store's latest read or change.
func (s *Store) Subscriptions() []Subscription { return slices.Clone(s.file.Get().subs) }

// Find returns the subscription to url.
func (s *Store) Find(url string) (Subscription, bool) {
	st := s.file.Get()
	if i := st.sub(strings.TrimSpace(url)); i >= 0 {
		return st.subs[i], true
	}
	return Subscription{}, false
}

// Subscribe adds a subscription to url, at the end, with the given title
// (made one safe line; it may be empty, and a refresh replaces it with the
// feed's). If url is already subscribed to, only its title changes, to
// title if that is not empty. A url that client.CheckURL refuses is an
// error.
func (s *Store) Subscribe(url, title string) error {
	url, title = strings.TrimSpace(url), cleanText(title)
	if err := client.CheckURL(url); err != nil {
		return err
	}
	now := s.now()
	return s.update(func(st *state) error {
		if i := st.sub(url); i >= 0 {
			if title != "" {
				st.subs[i].Title = title
			}
			return nil
		}
		st.subs = append(st.subs, Subscription{URL: url, Title: title, Added: now})
		return nil
	})
}

// Unsubscribe removes the subscription to url and its entries. If there is
// none, the error is a *NotFoundError.
func (s *Store) Unsubscribe(url string) error {
	url = strings.TrimSpace(url)
	return s.update(func(st *state) error {
		i := st.sub(url)
		if i < 0 {
			return &NotFoundError{URL: url}
		}
		st.subs = slices.Delete(st.subs, i, i+1)
		st.entries = slices.DeleteFunc(st.entries, func(e Entry) bool { return e.Feed == url })
		return nil
	})
}

// Refreshed records a refresh of the subscription feedURL, which fetched
// and parsed f or failed with fetchErr.
//
// If fetchErr is not nil, only the subscription's Error changes (to
// fetchErr's text, made one safe line); its entries are kept. Otherwise
// Checked becomes now, Error "", Title f.Title if that is not empty, and
// f's entries are merged into the feed's: an entry already known (the same
// URL in this feed) keeps its Seen and Read and takes the new title and
// date; a new one gets Seen now and counts in added. Entries that are no
// longer in f are kept (a gemlog index may list only recent posts), but
// only the MaxEntries newest of the feed (by Published, then Seen) are.
// added counts the new entries among those kept. Entries of f whose URL
// client.CheckURL refuses are ignored, as are repeats of a URL.
//
// Refreshing a URL that is not subscribed to (it was unsubscribed while
// being fetched) is a *NotFoundError.
func (s *Store) Refreshed(feedURL string, f Feed, fetchErr error) (added int, err error) {
	feedURL = strings.TrimSpace(feedURL)
	now := s.now()
	var fresh []Entry
	if fetchErr == nil {
		seen := map[string]bool{}
		for _, e := range f.Entries {
			e.URL = strings.TrimSpace(e.URL)
			if client.CheckURL(e.URL) != nil || seen[e.URL] {
				continue
			}
			seen[e.URL] = true
			fresh = append(fresh, cleanEntry(Entry{Feed: feedURL, URL: e.URL, Title: e.Title, Published: e.Published}))
		}
	}
	err = s.update(func(st *state) error {
		added = 0
		i := st.sub(feedURL)
		if i < 0 {
			return &NotFoundError{URL: feedURL}
		}
		sub := &st.subs[i]
		if fetchErr != nil {
			sub.Error = cleanText(fetchErr.Error())
			if sub.Error == "" {
				sub.Error = "error"
			}
			return nil
		}
		sub.Checked, sub.Error = now, ""
		if t := cleanText(f.Title); t != "" {
			sub.Title = t
		}
		known := map[string]int{}
		for j, e := range st.entries {
			if e.Feed == feedURL {
				known[e.URL] = j
			}
		}
		for _, e := range fresh {
			if j, ok := known[e.URL]; ok {
				st.entries[j].Title, st.entries[j].Published = e.Title, e.Published
				continue
			}
			e.Seen = now
			st.entries = append(st.entries, e)
		}
		*st = s.tidy(*st)
		for _, e := range st.entries {
			if _, ok := known[e.URL]; e.Feed == feedURL && !ok {
				added++
			}
		}
		return nil
	})
	if err != nil {
		added = 0
	}
	return added, err
}

// Entries returns every entry of every subscription, newest first: by
// Published, then Seen, then URL.
func (s *Store) Entries() []Entry {
	out := slices.Clone(s.file.Get().entries)
	slices.SortStableFunc(out, func(a, b Entry) int {
		if c := newer(a, b); c != 0 {
			return c
		}
		return strings.Compare(a.Feed, b.Feed)
	})
	return out
}

// Unique returns es with each URL once, the first of its entries kept: a
// post of a gemlog and of its Atom twin is one entry, where Entries has
// one per feed. about:feeds and `propus feeds new` list what it returns.
func Unique(es []Entry) []Entry {
	seen := make(map[string]bool, len(es))
	out := es[:0:0]
	for _, e := range es {
		if !seen[e.URL] {
			seen[e.URL] = true
			out = append(out, e)
		}
	}
	return out
}

// newer orders entries newest first: by Published, then Seen, then URL.
func newer(a, b Entry) int {
	if c := b.Published.Compare(a.Published); c != 0 {
		return c
	}
	if c := b.Seen.Compare(a.Seen); c != 0 {
		return c
	}
	return strings.Compare(a.URL, b.URL)
}

// MarkAllRead marks every entry read.
func (s *Store) MarkAllRead() error {
	return s.update(func(st *state) error {
		for i := range st.entries {
			st.entries[i].Read = true
		}
		return nil
	})
}

// update applies change to a copy of the freshest state and saves the
// result, tidied (atomicfile.Store.Update). If the file cannot be locked,
// read or written, or does not parse, nothing changes and a *SaveError is
// returned. If change fails, nothing is written and its error is returned
// as it is.
func (s *Store) update(change func(st *state) error) error {
	return s.file.Update(func(cur state) (state, bool, error) {
		st := cur.clone() // tidy already: as parsed or saved
		if err := change(&st); err != nil {
			return state{}, false, err
		}
		return s.tidy(st), true, nil
	})
}

// tidy returns st with every feed's entries newest first and at most
// MaxEntries of them, entries of feeds not subscribed to dropped. The
// entries are in the order of the subscriptions.
func (s *Store) tidy(st state) state {
	limit := s.MaxEntries
	if limit <= 0 {
		limit = DefaultMaxEntries
	}
	// Group the entries by feed, in the order of the feeds, in one new
	// slice: count, then place.
	at := make(map[string]int, len(st.subs))
	for i, sub := range st.subs {
		at[sub.URL] = i
	}
	start := make([]int, len(st.subs)+1)
	for _, e := range st.entries {
		if i, ok := at[e.Feed]; ok {
			start[i+1]++
		}
	}
	for i := range st.subs {
		start[i+1] += start[i]
	}
	grouped := make([]Entry, start[len(st.subs)])
	next := slices.Clone(start[:len(st.subs)])
	for _, e := range st.entries {
		if i, ok := at[e.Feed]; ok {
			grouped[next[i]] = e
			next[i]++
		}
	}
	entries := grouped[:0]
	for i := range st.subs {
		es := grouped[start[i]:start[i+1]]
		slices.SortStableFunc(es, newer)
		entries = append(entries, es[:min(len(es), limit)]...) // never overtakes what it reads
	}
	st.entries = entries
	return st
}

// now returns the current time from s.Now or the clock, to the second (the
// resolution of the file) and in UTC.
func (s *Store) now() time.Time {
	t := time.Now()
	if s.Now != nil {
		t = s.Now()
	}
	return validTime(t)
}

// cleanText returns s as the file keeps a title or an error: one line
// safe for a terminal, without tabs, trimmed, at most MaxTitle bytes.
func cleanText(s string) string {
	return truncate(strings.TrimSpace(strings.ReplaceAll(sanitize.Line(s), "\t", " ")))
}

// cleanEntry returns e as the store keeps it: title one safe line (the URL
// if it is empty), times to the second in UTC.
func cleanEntry(e Entry) Entry {
	e.Title = cleanText(e.Title)
	if e.Title == "" {
		e.Title = cleanText(e.URL)
	}
	e.Published = validTime(e.Published)
	e.Seen = validTime(e.Seen)
	return e
}
