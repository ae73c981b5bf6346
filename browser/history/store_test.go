package history

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"
)

var t0 = time.Date(2026, 11, 21, 7, 0, 0, 0, time.UTC)

func urls(vs []Visit) []string {
	var out []string
	for _, v := range vs {
		out = append(out, v.URL)
	}
	return out
}

func open(t *testing.T, path string) *Store {
	t.Helper()
	s, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestAddListMoveToEnd(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sub", "history")
	s := open(t, path)
	for i, u := range []string{"gemini://a/", "gemini://b/", "gemini://c/"} {
		if err := s.Add(Visit{URL: u, Title: "Page " + u, Time: t0.Add(time.Duration(i) * time.Minute)}); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Add(Visit{URL: "gemini://a/", Title: "A again\x1b[31m", Time: t0.Add(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	want := []string{"gemini://a/", "gemini://c/", "gemini://b/"}
	if got := urls(s.List()); !slices.Equal(got, want) {
		t.Errorf("List = %q, want %q", got, want)
	}
	again := open(t, path)
	list := again.List()
	if got := urls(list); !slices.Equal(got, want) {
		t.Errorf("reopened: %q, want %q", got, want)
	}
	if list[0].Title != "A again" || !list[0].Time.Equal(t0.Add(time.Hour)) {
		t.Errorf("the moved visit is %+v", list[0])
	}
	if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("the file: %v %v", fi, err)
	}
	data, _ := os.ReadFile(path)
	if want := "2026-11-21T07:01:00Z\tgemini://b/\tPage gemini://b/\n"; string(data[:len(want)]) != want {
		t.Errorf("the file starts %q", data)
	}
	if err := s.Add(Visit{URL: "gemini://x/ y"}); err == nil {
		t.Error("a URL with a space was added")
	}
	// A zero time is now.
	s.Now = func() time.Time { return t0.Add(2 * time.Hour) }
	if err := s.Add(Visit{URL: "gemini://d/"}); err != nil {
		t.Fatal(err)
	}
	if v := s.List()[0]; v.URL != "gemini://d/" || !v.Time.Equal(t0.Add(2*time.Hour)) {
		t.Errorf("the newest visit is %+v", v)
	}
}

func TestCap(t *testing.T) {
	for _, path := range []string{"", filepath.Join(t.TempDir(), "history")} {
		s := &Store{}
		if path != "" {
			s = open(t, path)
		}
		s.Max = 3
		for i := range 5 {
			if err := s.Add(Visit{URL: fmt.Sprintf("gemini://h/%d", i), Time: t0}); err != nil {
				t.Fatal(err)
			}
		}
		want := []string{"gemini://h/4", "gemini://h/3", "gemini://h/2"}
		if got := urls(s.List()); !slices.Equal(got, want) {
			t.Errorf("%q: List = %q, want %q", path, got, want)
		}
	}
	if (&Store{}).capped(make([]Visit, DefaultMax+5)) == nil || len((&Store{}).capped(make([]Visit, DefaultMax+5))) != DefaultMax {
		t.Error("the default cap is not DefaultMax")
	}
}

func TestSearchAndClear(t *testing.T) {
	var s Store // in memory
	s.Add(Visit{URL: "gemini://geminiprotocol.net/", Title: "Project Gemini", Time: t0})
	s.Add(Visit{URL: "gemini://example.org/gemlog/", Title: "My GEMlog", Time: t0.Add(time.Minute)})
	s.Add(Visit{URL: "gemini://other.net/", Title: "Other", Time: t0.Add(2 * time.Minute)})
	if got := urls(s.Search("gem")); !slices.Equal(got, []string{"gemini://other.net/", "gemini://example.org/gemlog/", "gemini://geminiprotocol.net/"}) {
		t.Errorf("Search(gem) = %q", got) // every URL starts gemini://
	}
	if got := urls(s.Search("GemLog")); !slices.Equal(got, []string{"gemini://example.org/gemlog/"}) {
		t.Errorf("Search(GemLog) = %q", got)
	}
	if got := urls(s.Search("project")); !slices.Equal(got, []string{"gemini://geminiprotocol.net/"}) {
		t.Errorf("Search(project) = %q", got)
	}
	if got := s.Search("nothing"); len(got) != 0 {
		t.Errorf("Search(nothing) = %v", got)
	}
	if err := s.Clear(); err != nil || len(s.List()) != 0 {
		t.Errorf("Clear: %v, %v left", err, s.List())
	}

	path := filepath.Join(t.TempDir(), "history")
	f := open(t, path)
	f.Add(Visit{URL: "gemini://a/", Time: t0})
	if err := f.Clear(); err != nil {
		t.Fatal(err)
	}
	if got := open(t, path).List(); len(got) != 0 {
		t.Errorf("after Clear the file holds %v", got)
	}
}

func TestBrokenFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "history")
	text := "2026-11-21T07:00:00Z\tgemini://a/\tA\n\nyesterday\tgemini://b/\tB\n"
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	s, err := Open(path)
	var pe *ParseError
	if !errors.As(err, &pe) || pe.Line != 3 || pe.Path != path {
		t.Fatalf("Open: %v", err)
	}
	if s == nil || len(s.List()) != 0 {
		t.Fatal("the store is not usable and empty")
	}
	err = s.Add(Visit{URL: "gemini://c/"})
	var se *SaveError
	if !errors.As(err, &se) || !errors.As(err, &pe) || pe.Line != 3 {
		t.Errorf("Add on a broken file: %v", err)
	}
	if err := s.Clear(); !errors.As(err, &se) {
		t.Errorf("Clear on a broken file: %v", err)
	}
	if data, _ := os.ReadFile(path); string(data) != text {
		t.Errorf("the broken file was touched: %q", data)
	}
	for _, bad := range []string{"2026-11-21T07:00:00Z\n", "2026-11-21T07:00:00Z\tgemini://a b/\tA\n", "2026-11-21T07:00:00Z\tgemini://a/\tA\tB\n"} {
		os.WriteFile(path, []byte(bad), 0o600)
		if _, err := Open(path); !errors.As(err, &pe) || pe.Line != 1 {
			t.Errorf("Open(%q): %v", bad, err)
		}
	}
	// Fixed, it works again.
	os.WriteFile(path, []byte("2026-11-21T07:00:00Z\tgemini://a/\tA\n"), 0o600)
	if err := s.Add(Visit{URL: "gemini://c/"}); err != nil {
		t.Fatal(err)
	}
	if got := urls(s.List()); !slices.Equal(got, []string{"gemini://c/", "gemini://a/"}) {
		t.Errorf("List = %q", got)
	}
}

func TestTwoStoresAddingAtOnce(t *testing.T) {
	path := filepath.Join(t.TempDir(), "history")
	a, b := open(t, path), open(t, path)
	const n = 40
	var wg sync.WaitGroup
	for i, s := range []*Store{a, b} {
		wg.Go(func() {
			for j := range n {
				if err := s.Add(Visit{URL: fmt.Sprintf("gemini://s%d/%d", i, j), Title: "t"}); err != nil {
					t.Error(err)
				}
			}
		})
	}
	wg.Wait()
	if got := len(open(t, path).List()); got != 2*n {
		t.Errorf("the file holds %d visits, want %d", got, 2*n)
	}
}
