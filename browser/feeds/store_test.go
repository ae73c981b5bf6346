package feeds

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"propus/client"
)

var t0 = time.Date(2026, 11, 21, 7, 0, 0, 0, time.UTC)

func open(t *testing.T, path string) *Store {
	t.Helper()
	s, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// clock returns a Now func that starts at t0 and that advance moves on.
func clock() (now func() time.Time, advance func(time.Duration)) {
	var mu sync.Mutex
	t := t0
	return func() time.Time { mu.Lock(); defer mu.Unlock(); return t },
		func(d time.Duration) { mu.Lock(); defer mu.Unlock(); t = t.Add(d) }
}

func subURLs(ss []Subscription) []string {
	var out []string
	for _, s := range ss {
		out = append(out, s.URL)
	}
	return out
}

func entryURLs(es []Entry) []string {
	var out []string
	for _, e := range es {
		out = append(out, e.URL)
	}
	return out
}

func feedOf(title string, entries ...Entry) Feed { return Feed{Title: title, Entries: entries} }

func post(u, title string, published time.Time) Entry {
	return Entry{URL: u, Title: title, Published: published}
}

func TestRoundTrip(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sub", "feeds")
	s := open(t, path)
	now, advance := clock()
	s.Now = now
	if err := s.Subscribe("gemini://a.example/gemlog/", "Gemlog\tof\x1b[31m A "); err != nil {
		t.Fatal(err)
	}
	advance(time.Minute)
	if err := s.Subscribe(" gemini://b.example/atom.xml ", ""); err != nil {
		t.Fatal(err)
	}
	advance(time.Minute)
	added, err := s.Refreshed("gemini://a.example/gemlog/", feedOf("A's gemlog",
		post("gemini://a.example/gemlog/2.gmi", "Second", day(2026, 11, 2)),
		post("gemini://a.example/gemlog/1.gmi", "", day(2026, 11, 1)),
	), nil)
	if err != nil || added != 2 {
		t.Fatalf("Refreshed: %d, %v", added, err)
	}
	if _, err := s.Refreshed("gemini://b.example/atom.xml", Feed{}, errors.New("51 Not found\tthere")); err != nil {
		t.Fatal(err)
	}
	if err := s.MarkAllRead(); err != nil {
		t.Fatal(err)
	}
	advance(time.Minute)
	if _, err := s.Refreshed("gemini://b.example/atom.xml", feedOf("B", post("gemini://b.example/x", "X", time.Time{})), nil); err != nil {
		t.Fatal(err)
	}

	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	want := "feed\tgemini://a.example/gemlog/\t2026-11-21T07:00:00Z\t2026-11-21T07:02:00Z\tA's gemlog\t\n" +
		"entry\tgemini://a.example/gemlog/\tgemini://a.example/gemlog/2.gmi\t2026-11-02T00:00:00Z\t2026-11-21T07:02:00Z\t1\tSecond\n" +
		"entry\tgemini://a.example/gemlog/\tgemini://a.example/gemlog/1.gmi\t2026-11-01T00:00:00Z\t2026-11-21T07:02:00Z\t1\tgemini://a.example/gemlog/1.gmi\n" +
		"feed\tgemini://b.example/atom.xml\t2026-11-21T07:01:00Z\t2026-11-21T07:03:00Z\tB\t\n" +
		"entry\tgemini://b.example/atom.xml\tgemini://b.example/x\t-\t2026-11-21T07:03:00Z\t0\tX\n"
	if string(data) != want {
		t.Errorf("the file:\n%s\nwant:\n%s", data, want)
	}
	if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("the file: %v %v", fi, err)
	}
	if fi, err := os.Stat(filepath.Dir(path)); err != nil || fi.Mode().Perm() != 0o700 {
		t.Errorf("the directory: %v %v", fi, err)
	}

	again := open(t, path)
	if got, want := again.Subscriptions(), s.Subscriptions(); !slices.Equal(got, want) {
		t.Errorf("reopened: %+v\nwant %+v", got, want)
	}
	if got, want := again.Entries(), s.Entries(); !slices.Equal(got, want) {
		t.Errorf("reopened: %+v\nwant %+v", got, want)
	}
	// Newest first; the undated entry last.
	if got := entryURLs(again.Entries()); !slices.Equal(got, []string{"gemini://a.example/gemlog/2.gmi", "gemini://a.example/gemlog/1.gmi", "gemini://b.example/x"}) {
		t.Errorf("Entries: %q", got)
	}
	sub, ok := again.Find("gemini://a.example/gemlog/")
	if !ok || sub.Title != "A's gemlog" || !sub.Added.Equal(t0) || !sub.Checked.Equal(t0.Add(2*time.Minute)) || sub.Error != "" {
		t.Errorf("Find: %+v, %v", sub, ok)
	}
	if _, ok := again.Find("gemini://c.example/"); ok {
		t.Error("found what is not there")
	}
	if again.Path() != path || again.Err() != nil {
		t.Errorf("Path %q, Err %v", again.Path(), again.Err())
	}
}

func TestSubscribeUnsubscribe(t *testing.T) {
	for _, path := range []string{"", filepath.Join(t.TempDir(), "feeds")} {
		s := &Store{}
		if path != "" {
			s = open(t, path)
		}
		now, advance := clock()
		s.Now = now
		for _, u := range []string{"gemini://a/", "gemini://b/", "gemini://c/"} {
			if err := s.Subscribe(u, "title "+u); err != nil {
				t.Fatal(err)
			}
			advance(time.Second)
		}
		// Again: the title changes, nothing else.
		if err := s.Subscribe("gemini://a/", "New A"); err != nil {
			t.Fatal(err)
		}
		if err := s.Subscribe("gemini://b/", ""); err != nil {
			t.Fatal(err)
		}
		subs := s.Subscriptions()
		if got := subURLs(subs); !slices.Equal(got, []string{"gemini://a/", "gemini://b/", "gemini://c/"}) {
			t.Fatalf("%q: %q", path, got)
		}
		if subs[0].Title != "New A" || !subs[0].Added.Equal(t0) || subs[1].Title != "title gemini://b/" {
			t.Errorf("%q: %+v", path, subs)
		}
		for _, bad := range []string{"", " ", "gemini://x/ y", "gemini://x/\x1b"} {
			if err := s.Subscribe(bad, ""); err == nil {
				t.Errorf("%q: Subscribe(%q) worked", path, bad)
			}
		}
		s.Refreshed("gemini://b/", feedOf("", post("gemini://b/1", "one", t0)), nil)
		s.Refreshed("gemini://c/", feedOf("", post("gemini://c/1", "one", t0)), nil)
		if err := s.Unsubscribe("gemini://b/"); err != nil {
			t.Fatal(err)
		}
		if got := subURLs(s.Subscriptions()); !slices.Equal(got, []string{"gemini://a/", "gemini://c/"}) {
			t.Errorf("%q: after Unsubscribe: %q", path, got)
		}
		if got := entryURLs(s.Entries()); !slices.Equal(got, []string{"gemini://c/1"}) {
			t.Errorf("%q: after Unsubscribe the entries are %q", path, got)
		}
		err := s.Unsubscribe("gemini://b/")
		var nf *NotFoundError
		if !errors.As(err, &nf) || nf.URL != "gemini://b/" || err.Error() != "no subscription to gemini://b/" {
			t.Errorf("%q: Unsubscribe twice: %v", path, err)
		}
		if s.Err() != nil {
			t.Errorf("%q: Err after a NotFoundError: %v", path, s.Err())
		}
		_, err = s.Refreshed("gemini://b/", feedOf("B"), nil)
		if !errors.As(err, &nf) {
			t.Errorf("%q: Refreshed after Unsubscribe: %v", path, err)
		}
		if path != "" {
			if got := subURLs(open(t, path).Subscriptions()); !slices.Equal(got, []string{"gemini://a/", "gemini://c/"}) {
				t.Errorf("the file holds %q", got)
			}
		}
	}
}

func TestRefreshedMerge(t *testing.T) {
	for _, path := range []string{"", filepath.Join(t.TempDir(), "feeds")} {
		s := &Store{}
		if path != "" {
			s = open(t, path)
		}
		now, advance := clock()
		s.Now = now
		const f = "gemini://log.example/"
		s.Subscribe(f, "Given")
		advance(time.Hour)
		added, err := s.Refreshed(f, feedOf("",
			post(f+"1", "one", day(2026, 1, 1)),
			post(f+"2", "two", day(2026, 1, 2)),
			post(f+"2", "two again", day(2026, 1, 2)), // a repeat is ignored
			post("bad url", "x", day(2026, 1, 3)),     // so is a bad URL
		), nil)
		if err != nil || added != 2 {
			t.Fatalf("%q: first refresh: %d, %v", path, added, err)
		}
		if sub, _ := s.Find(f); sub.Title != "Given" || !sub.Checked.Equal(t0.Add(time.Hour)) {
			t.Errorf("%q: an empty feed title replaced the given one: %+v", path, sub)
		}
		if err := s.MarkAllRead(); err != nil {
			t.Fatal(err)
		}
		seen1 := t0.Add(time.Hour)

		// A failed refresh only sets Error.
		advance(time.Hour)
		if added, err := s.Refreshed(f, feedOf("ignored", post(f+"9", "x", t0)), errors.New("timeout\x1b[2J")); err != nil || added != 0 {
			t.Fatalf("%q: failed refresh: %d, %v", path, added, err)
		}
		if sub, _ := s.Find(f); sub.Error != "timeout" || !sub.Checked.Equal(seen1) || sub.Title != "Given" {
			t.Errorf("%q: after a failure: %+v", path, sub)
		}
		if len(s.Entries()) != 2 {
			t.Errorf("%q: a failed refresh changed the entries: %+v", path, s.Entries())
		}

		// Known entries keep Seen and Read, take title and date; 1 is gone
		// from the feed but kept; 3 is new.
		advance(time.Hour)
		added, err = s.Refreshed(f, feedOf("Log\x1b[31m",
			post(f+"3", "three", day(2026, 1, 3)),
			post(f+"2", "two, edited", day(2026, 1, 4)),
		), nil)
		if err != nil || added != 1 {
			t.Fatalf("%q: second refresh: %d, %v", path, added, err)
		}
		sub, _ := s.Find(f)
		if sub.Title != "Log" || sub.Error != "" || !sub.Checked.Equal(t0.Add(3*time.Hour)) {
			t.Errorf("%q: %+v", path, sub)
		}
		es := s.Entries()
		if got := entryURLs(es); !slices.Equal(got, []string{f + "2", f + "3", f + "1"}) {
			t.Fatalf("%q: entries %q", path, got)
		}
		if e := es[0]; e.Title != "two, edited" || !e.Published.Equal(day(2026, 1, 4)) || !e.Seen.Equal(seen1) || !e.Read || e.Feed != f {
			t.Errorf("%q: the known entry: %+v", path, e)
		}
		if e := es[1]; e.Read || !e.Seen.Equal(t0.Add(3*time.Hour)) || e.Feed != f {
			t.Errorf("%q: the new entry: %+v", path, e)
		}
		if e := es[2]; !e.Read || e.Title != "one" {
			t.Errorf("%q: the vanished entry: %+v", path, e)
		}
		if path != "" {
			if got := open(t, path).Entries(); !slices.Equal(got, es) {
				t.Errorf("the file holds %+v", got)
			}
		}
	}
}

func TestCap(t *testing.T) {
	for _, path := range []string{"", filepath.Join(t.TempDir(), "feeds")} {
		s := &Store{}
		if path != "" {
			s = open(t, path)
		}
		now, advance := clock()
		s.Now, s.MaxEntries = now, 3
		s.Subscribe("gemini://a/", "")
		s.Subscribe("gemini://b/", "")
		var es []Entry
		for i := range 5 {
			es = append(es, post(fmt.Sprintf("gemini://a/%d", i), "", day(2026, 1, 1+i)))
		}
		added, err := s.Refreshed("gemini://a/", feedOf("", es...), nil)
		if err != nil || added != 3 {
			t.Errorf("%q: added %d, %v; want 3 (the ones kept)", path, added, err)
		}
		if _, err := s.Refreshed("gemini://b/", feedOf("", post("gemini://b/old", "", day(2000, 1, 1))), nil); err != nil {
			t.Fatal(err)
		}
		want := []string{"gemini://a/4", "gemini://a/3", "gemini://a/2", "gemini://b/old"}
		if got := entryURLs(s.Entries()); !slices.Equal(got, want) {
			t.Errorf("%q: %q, want %q", path, got, want)
		}
		// Undated entries: the newest Seen are kept.
		advance(time.Minute)
		s.Refreshed("gemini://b/", feedOf("", post("gemini://b/u1", "", time.Time{})), nil)
		advance(time.Minute)
		s.Refreshed("gemini://b/", feedOf("", post("gemini://b/u2", "", time.Time{})), nil)
		advance(time.Minute)
		added, _ = s.Refreshed("gemini://b/", feedOf("", post("gemini://b/u3", "", time.Time{})), nil)
		want = []string{"gemini://a/4", "gemini://a/3", "gemini://a/2", "gemini://b/old", "gemini://b/u3", "gemini://b/u2"}
		if got := entryURLs(s.Entries()); !slices.Equal(got, want) || added != 1 {
			t.Errorf("%q: %q (added %d), want %q", path, got, added, want)
		}
		// An old post found late does not push newer ones out.
		added, _ = s.Refreshed("gemini://a/", feedOf("", post("gemini://a/ancient", "", day(1999, 1, 1))), nil)
		if got := entryURLs(s.Entries()); !slices.Equal(got, want) || added != 0 {
			t.Errorf("%q: %q (added %d), want %q", path, got, added, want)
		}
	}
	st := state{subs: []Subscription{{URL: "gemini://a/"}}, entries: make([]Entry, DefaultMaxEntries+5)}
	for i := range st.entries {
		st.entries[i] = Entry{Feed: "gemini://a/", URL: fmt.Sprint("gemini://a/", i)}
	}
	if got := len((&Store{}).tidy(st).entries); got != DefaultMaxEntries {
		t.Errorf("the default cap keeps %d", got)
	}
}

func TestBrokenFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "feeds")
	good := "feed\tgemini://a/\t2026-11-21T07:00:00Z\t-\tA\t\n"
	text := good + "\nentry\tgemini://a/\tgemini://a/1\t-\tyesterday\t0\tOne\n"
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	s, err := Open(path)
	var pe *ParseError
	if !errors.As(err, &pe) || pe.Line != 3 || pe.Path != path || !strings.Contains(err.Error(), ":3: bad SEEN") {
		t.Fatalf("Open: %v", err)
	}
	if s == nil || len(s.Subscriptions()) != 0 || len(s.Entries()) != 0 || s.Err() != err {
		t.Fatal("the store is not usable and empty")
	}
	var se *SaveError
	for name, change := range map[string]func() error{
		"Subscribe":   func() error { return s.Subscribe("gemini://c/", "") },
		"Unsubscribe": func() error { return s.Unsubscribe("gemini://a/") },
		"Refreshed":   func() error { _, err := s.Refreshed("gemini://a/", Feed{}, nil); return err },
		"MarkAllRead": s.MarkAllRead,
	} {
		err := change()
		if !errors.As(err, &se) || !errors.As(err, &pe) || pe.Line != 3 || !strings.Contains(err.Error(), "not saved") {
			t.Errorf("%s on a broken file: %v", name, err)
		}
		if !errors.As(s.Err(), &se) {
			t.Errorf("%s: Err() = %v", name, s.Err())
		}
	}
	if data, _ := os.ReadFile(path); string(data) != text {
		t.Errorf("the broken file was touched: %q", data)
	}
	if err := s.Reload(); !errors.As(err, &pe) {
		t.Errorf("Reload: %v", err)
	}
	for _, tc := range []struct{ text, problem string }{
		{"feed\tgemini://a/\t2026-11-21T07:00:00Z\t-\tA\n", "want feed"},
		{"feed\tgemini://a b/\t2026-11-21T07:00:00Z\t-\tA\t\n", "white space"},
		{"feed\tgemini://a/\t-\t-\tA\t\n", "bad ADDED"},
		{"feed\tgemini://a/\t2026-11-21T07:00:00Z\tnever\tA\t\n", "bad CHECKED"},
		{"feed\tgemini://a/\t2026-11-21T07:00:00Z\t-\tA\x1b[31m\t\n", "control"},
		{"feed\tgemini://a/\t2026-11-21T07:00:00Z\t-\tA\tboom\x07\n", "control"},
		{"entry\tgemini://a/\tgemini://a/1\t-\t2026-11-21T07:00:00Z\t0\tOne\n", "no feed line"},
		{good + "entry\tgemini://a/\tgemini://a/1\t-\t2026-11-21T07:00:00Z\tyes\tOne\n", "bad READ"},
		{good + "entry\tgemini://a/\tgemini://a/1\tJan 1\t2026-11-21T07:00:00Z\t0\tOne\n", "bad PUBLISHED"},
		{good + "entry\tgemini://a/\tgemini://a/1\t-\t2026-11-21T07:00:00Z\t0\n", "want entry"},
		{good + "entry\tgemini://a/\tgemini://a/1\t-\t2026-11-21T07:00:00Z\t0\tOne\x9b\n", "control"},
		{good + "bookmark\tgemini://a/\n", `unknown record "bookmark"`},
	} {
		os.WriteFile(path, []byte(tc.text), 0o600)
		line := strings.Count(tc.text, "\n")
		if _, err := Open(path); !errors.As(err, &pe) || pe.Line != line || !strings.Contains(err.Error(), tc.problem) {
			t.Errorf("Open(%q): %v, want line %d: %s", tc.text, err, line, tc.problem)
		}
	}
	// An entry line before its feed line is fine; so is a repeat.
	os.WriteFile(path, []byte("entry\tgemini://a/\tgemini://a/1\t-\t2026-11-21T07:00:00Z\t0\tOne\r\n"+good+good), 0o600)
	if s, err := Open(path); err != nil || len(s.Subscriptions()) != 1 || len(s.Entries()) != 1 {
		t.Errorf("entry first: %v", err)
	}
	// Fixed, it works again.
	os.WriteFile(path, []byte(good), 0o600)
	if err := s.Subscribe("gemini://c/", ""); err != nil {
		t.Fatal(err)
	}
	if got := subURLs(s.Subscriptions()); !slices.Equal(got, []string{"gemini://a/", "gemini://c/"}) || s.Err() != nil {
		t.Errorf("Subscriptions = %q, Err %v", got, s.Err())
	}
}

func TestOpenEmptyPath(t *testing.T) {
	s, err := Open("")
	if err == nil || s == nil {
		t.Fatalf("Open(\"\"): %v, %v", s, err)
	}
}

func TestReload(t *testing.T) {
	path := filepath.Join(t.TempDir(), "feeds")
	a, b := open(t, path), open(t, path)
	if err := a.Subscribe("gemini://a/", "A"); err != nil {
		t.Fatal(err)
	}
	if len(b.Subscriptions()) != 0 {
		t.Fatal("b saw a's change without a reload")
	}
	if err := b.Reload(); err != nil || len(b.Subscriptions()) != 1 {
		t.Errorf("Reload: %v, %v", err, b.Subscriptions())
	}
	// A change by b keeps what a wrote.
	if err := a.Subscribe("gemini://a2/", ""); err != nil {
		t.Fatal(err)
	}
	if err := b.Subscribe("gemini://b/", ""); err != nil {
		t.Fatal(err)
	}
	if got := subURLs(b.Subscriptions()); !slices.Equal(got, []string{"gemini://a/", "gemini://a2/", "gemini://b/"}) {
		t.Errorf("b holds %q", got)
	}
	if (&Store{}).Reload() != nil {
		t.Error("Reload of a memory store failed")
	}
}

func TestMemoryOnly(t *testing.T) {
	var s Store
	if s.Path() != "" || s.Err() != nil || len(s.Subscriptions()) != 0 || len(s.Entries()) != 0 {
		t.Fatal("the zero store is not empty")
	}
	if err := s.Subscribe("gemini://a/", "A"); err != nil {
		t.Fatal(err)
	}
	if added, err := s.Refreshed("gemini://a/", feedOf("", post("gemini://a/1", "x", t0)), nil); err != nil || added != 1 {
		t.Fatal(added, err)
	}
	if err := s.MarkAllRead(); err != nil || !s.Entries()[0].Read {
		t.Fatal(err)
	}
	if s.Entries()[0].Seen.IsZero() {
		t.Error("Seen is not set")
	}
}

func TestTwoStoresOneFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "feeds")
	a, b := open(t, path), open(t, path)
	const n = 30
	var wg sync.WaitGroup
	for i, s := range []*Store{a, b} {
		wg.Go(func() {
			for j := range n {
				u := fmt.Sprintf("gemini://s%d-%d/", i, j)
				if err := s.Subscribe(u, ""); err != nil {
					t.Error(err)
				}
				if _, err := s.Refreshed(u, feedOf("T", post(u+"post", "P", t0)), nil); err != nil {
					t.Error(err)
				}
			}
		})
	}
	wg.Wait()
	c := open(t, path)
	if got := len(c.Subscriptions()); got != 2*n {
		t.Errorf("the file holds %d subscriptions, want %d", got, 2*n)
	}
	if got := len(c.Entries()); got != 2*n {
		t.Errorf("the file holds %d entries, want %d", got, 2*n)
	}
}

// TestConcurrentUse has goroutines share one store; run with -race.
func TestConcurrentUse(t *testing.T) {
	for _, path := range []string{"", filepath.Join(t.TempDir(), "feeds")} {
		s := &Store{}
		if path != "" {
			s = open(t, path)
		}
		var wg sync.WaitGroup
		for i := range 4 {
			wg.Go(func() {
				for j := range 15 {
					u := fmt.Sprintf("gemini://g%d/", i)
					if err := s.Subscribe(u, ""); err != nil {
						t.Error(err)
					}
					if _, err := s.Refreshed(u, feedOf("T", post(fmt.Sprint(u, j), "P", t0)), nil); err != nil {
						t.Error(err)
					}
					_ = s.Entries()
					_ = s.Subscriptions()
					_, _ = s.Find(u)
					if j%5 == 0 {
						if err := s.MarkAllRead(); err != nil {
							t.Error(err)
						}
					}
					if path != "" && j%7 == 0 {
						if err := s.Reload(); err != nil {
							t.Error(err)
						}
					}
				}
			})
		}
		wg.Wait()
		if len(s.Subscriptions()) != 4 || len(s.Entries()) != 60 {
			t.Errorf("%q: %d subscriptions, %d entries", path, len(s.Subscriptions()), len(s.Entries()))
		}
	}
}

// TestRefreshedNormalises checks that what a caller passes is cleaned:
// titles, times beyond what the file can hold.
func TestRefreshedNormalises(t *testing.T) {
	path := filepath.Join(t.TempDir(), "feeds")
	s := open(t, path)
	s.Subscribe("gemini://a/", "")
	f := feedOf("\tTitle\x1b]0;x\x07 ",
		Entry{URL: " gemini://a/1 ", Title: "a\tb\nc", Published: time.Date(12000, 1, 1, 0, 0, 0, 0, time.UTC), Seen: t0, Read: true, Feed: "gemini://other/"},
		Entry{URL: "gemini://a/2", Title: "\x1b[31m", Published: time.Date(2026, 1, 1, 12, 30, 45, 999, time.FixedZone("X", 3600))},
	)
	if _, err := s.Refreshed("gemini://a/", f, nil); err != nil {
		t.Fatal(err)
	}
	es := open(t, path).Entries()
	if len(es) != 2 {
		t.Fatalf("%+v", es)
	}
	if e := es[0]; e.URL != "gemini://a/2" || e.Title != "gemini://a/2" || !e.Published.Equal(time.Date(2026, 1, 1, 11, 30, 45, 0, time.UTC)) {
		t.Errorf("%+v", e)
	}
	if e := es[1]; e.URL != "gemini://a/1" || e.Title != "a b c" || !e.Published.IsZero() || e.Read || e.Feed != "gemini://a/" {
		t.Errorf("%+v", e)
	}
	if sub, _ := s.Find("gemini://a/"); sub.Title != "Title" {
		t.Errorf("%+v", sub)
	}
}

func TestLongTitlesAndURLs(t *testing.T) {
	path := filepath.Join(t.TempDir(), "feeds")
	s := open(t, path)
	long := "gemini://a/" + strings.Repeat("x", client.MaxStoredURL)
	if err := s.Subscribe(long, ""); err == nil {
		t.Error("a URL longer than client.MaxStoredURL was subscribed to")
	}
	s.Subscribe("gemini://a/", "")
	title := strings.Repeat("é", MaxTitle) // 2 bytes each
	f := feedOf(title, post("gemini://a/1", title, t0), post(long, "long", t0))
	if _, err := s.Refreshed("gemini://a/", f, errors.New(title)); err != nil {
		t.Fatal(err)
	}
	if sub, _ := s.Find("gemini://a/"); len(sub.Error) > MaxTitle || !strings.HasSuffix(sub.Error, "é…") {
		t.Errorf("the error is %d bytes: %q", len(sub.Error), sub.Error[len(sub.Error)-10:])
	}
	if _, err := s.Refreshed("gemini://a/", f, nil); err != nil {
		t.Fatal(err)
	}
	again := open(t, path)
	es := again.Entries()
	if len(es) != 1 || len(es[0].Title) > MaxTitle || !strings.HasSuffix(es[0].Title, "é…") {
		t.Errorf("entries: %d, %+v", len(es), es)
	}
	if sub, _ := again.Find("gemini://a/"); len(sub.Title) > MaxTitle {
		t.Errorf("the title is %d bytes", len(sub.Title))
	}
	// The parsers cut too.
	got, err := ParseGemfeed(nil, strings.NewReader("# "+title+"\n=> a 2026-01-01 "+title+"\n=> "+long+" 2026-01-01 long\n"))
	if err != nil || len(got.Title) > MaxTitle || len(got.Entries) != 1 || len(got.Entries[0].Title) > MaxTitle {
		t.Errorf("ParseGemfeed: %v", err)
	}
}

func TestUnique(t *testing.T) {
	es := []Entry{
		{Feed: "gemini://a/", URL: "gemini://a/2"},
		{Feed: "gemini://a/atom.xml", URL: "gemini://a/2"},
		{Feed: "gemini://a/", URL: "gemini://a/1"},
		{Feed: "gemini://a/atom.xml", URL: "gemini://a/1"},
	}
	got := Unique(es)
	if len(got) != 2 || got[0] != es[0] || got[1] != es[2] {
		t.Errorf("Unique = %+v", got)
	}
	if len(es) != 4 || es[1].Feed != "gemini://a/atom.xml" {
		t.Errorf("Unique changed its argument: %+v", es)
	}
}
