package bookmarks

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"
)

// openStore opens a store on a fresh file in a directory that does not
// exist yet, with the clock at t0.
func openStore(t *testing.T) (*Store, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "data", "bookmarks.xml")
	s, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	s.Now = func() time.Time { return t0 }
	return s, path
}

// fileBookmarks reads the file as another process would.
func fileBookmarks(t *testing.T, path string) []Bookmark {
	t.Helper()
	s, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	return s.List()
}

func mustAdd(t *testing.T, s *Store, b Bookmark) {
	t.Helper()
	if err := s.Add(b); err != nil {
		t.Fatal(err)
	}
}

func TestStoreBasics(t *testing.T) {
	s, path := openStore(t)
	if len(s.List()) != 0 {
		t.Fatal("new store not empty")
	}
	if _, err := os.Stat(filepath.Dir(path)); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("Open created the directory: %v", err)
	}
	mustAdd(t, s, Bookmark{Title: " A ", URL: " gemini://a.example/ ", Tags: []string{"x, y", "x"}})
	mustAdd(t, s, Bookmark{Title: "B", URL: "gemini://b.example/", Folder: "/Gemlogs//Tech/"})
	mustAdd(t, s, Bookmark{Title: "C", URL: "gemini://c.example/", Folder: "Other", Added: t0.Add(-time.Hour)})

	b, ok := s.Find("gemini://a.example/")
	want := Bookmark{Title: "A", URL: "gemini://a.example/", Tags: []string{"x", "y"}, Added: t0}
	if !ok || !reflect.DeepEqual(b, want) {
		t.Errorf("Find = %+v, %v; want %+v", b, ok, want)
	}
	if b, _ := s.Find("gemini://b.example/"); b.Folder != "Gemlogs/Tech" {
		t.Errorf("folder %q", b.Folder)
	}
	if b, _ := s.Find("gemini://c.example/"); !b.Added.Equal(t0.Add(-time.Hour)) {
		t.Errorf("an explicit Added was not kept: %v", b.Added)
	}
	if got, want := s.Folders(), []string{"Gemlogs", "Gemlogs/Tech", "Other"}; !reflect.DeepEqual(got, want) {
		t.Errorf("Folders = %q, want %q", got, want)
	}

	// Same URL: replaced in place, Added kept.
	s.Now = func() time.Time { return t0.Add(time.Hour) }
	mustAdd(t, s, Bookmark{Title: "A2", URL: "gemini://a.example/"})
	if b, _ := s.Find("gemini://a.example/"); b.Title != "A2" || !b.Added.Equal(t0) || len(b.Tags) != 0 {
		t.Errorf("after re-adding: %+v", b)
	}
	if got := urls(s.List()); got[0] != "gemini://a.example/" || len(got) != 3 {
		t.Errorf("list %v", got)
	}

	// Update: rename the URL and move it to a folder.
	if err := s.Update("gemini://a.example/", Bookmark{Title: "A3", URL: "gemini://a2.example/", Folder: "Gemlogs", Tags: []string{"t"}}); err != nil {
		t.Fatal(err)
	}
	if _, ok := s.Find("gemini://a.example/"); ok {
		t.Error("old URL still there")
	}
	if b, _ := s.Find("gemini://a2.example/"); b.Title != "A3" || b.Folder != "Gemlogs" || !b.Added.Equal(t0) {
		t.Errorf("updated: %+v", b)
	}
	if err := s.Update("gemini://nope/", Bookmark{URL: "gemini://x/"}); !isNotFound(err) {
		t.Errorf("Update of a missing URL: %v", err)
	}
	if err := s.Update("gemini://a2.example/", Bookmark{URL: "gemini://c.example/"}); !isExists(err) {
		t.Errorf("Update onto another bookmark's URL: %v", err)
	}
	if err := s.Remove("gemini://c.example/"); err != nil {
		t.Fatal(err)
	}
	if err := s.Remove("gemini://c.example/"); !isNotFound(err) {
		t.Errorf("second Remove: %v", err)
	}
	for _, bad := range []string{"", "  ", "gemini://a b/", "gemini://x/\x1b[2J"} {
		if err := s.Add(Bookmark{URL: bad}); err == nil {
			t.Errorf("Add(%q) accepted", bad)
		}
	}

	// The file holds what the store holds, and is private.
	if got, want := fileBookmarks(t, path), s.List(); !reflect.DeepEqual(got, want) {
		t.Errorf("file:\n%+v\nstore:\n%+v", got, want)
	}
	if runtime.GOOS != "windows" {
		for p, mode := range map[string]os.FileMode{path: 0o600, filepath.Dir(path): 0o700} {
			fi, err := os.Stat(p)
			if err != nil {
				t.Fatal(err)
			}
			if fi.Mode().Perm() != mode {
				t.Errorf("%s: mode %v, want %v", p, fi.Mode().Perm(), mode)
			}
		}
	}
	// List returns copies.
	l := s.List()
	l[0].Tags = append(l[0].Tags[:0], "changed")
	if b, _ := s.Find(l[0].URL); reflect.DeepEqual(b.Tags, l[0].Tags) {
		t.Error("List shares tags with the store")
	}
}

func isNotFound(err error) bool { _, ok := errors.AsType[*NotFoundError](err); return ok }
func isExists(err error) bool   { _, ok := errors.AsType[*ExistsError](err); return ok }

func TestZeroStoreIsInMemory(t *testing.T) {
	var s Store
	mustAdd(t, &s, Bookmark{Title: "A", URL: "gemini://a/", Folder: "F"})
	mustAdd(t, &s, Bookmark{Title: "B", URL: "gemini://b/"})
	if err := s.Update("gemini://a/", Bookmark{Title: "A!", URL: "gemini://a/"}); err != nil {
		t.Fatal(err)
	}
	if err := s.Remove("gemini://b/"); err != nil {
		t.Fatal(err)
	}
	if got := s.List(); len(got) != 1 || got[0].Title != "A!" || got[0].Added.IsZero() {
		t.Errorf("got %+v", got)
	}
	if s.Path() != "" || s.Err() != nil || s.Reload() != nil {
		t.Error("a zero store has a path or an error")
	}
}

func TestOpenAmforaFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "bookmarks.xml")
	amfora := "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<xbel version=\"1.0\">\n <bookmark href=\"gemini://a.example/\">\n  <title>A</title>\n </bookmark>\n</xbel>"
	if err := os.WriteFile(path, []byte(amfora), 0o600); err != nil {
		t.Fatal(err)
	}
	s, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	if got := s.List(); len(got) != 1 || got[0].URL != "gemini://a.example/" || got[0].Title != "A" || !got[0].Added.IsZero() {
		t.Fatalf("got %+v", got)
	}
	mustAdd(t, s, Bookmark{Title: "B", URL: "gemini://b.example/", Folder: "F", Tags: []string{"t"}})
	got := fileBookmarks(t, path)
	if len(got) != 2 || got[0].Title != "A" || got[1].Folder != "F" {
		t.Errorf("after adding: %+v", got)
	}
}

func TestImport(t *testing.T) {
	s, path := openStore(t)
	mustAdd(t, s, Bookmark{Title: "Mine", URL: "gemini://a.example/"})
	in, err := ReadXBEL(bytes.NewReader([]byte(amforaSample)))
	if err != nil {
		t.Fatal(err)
	}
	in = append(in, Bookmark{URL: "bad url", Title: "Bad"}, Bookmark{URL: "gemini://b.example/x?q=1&r=2", Title: "B again"})
	n, skipped, err := s.Import(in)
	if err != nil || n != 1 {
		t.Fatalf("Import = %d, %v; want 1", n, err)
	}
	want := []Skipped{
		{Bookmark{Title: "A", URL: "gemini://a.example/"}, "already bookmarked"},
		{Bookmark{Title: "Bad", URL: "bad url"}, "not a URL propus can open"},
		{Bookmark{Title: "B again", URL: "gemini://b.example/x?q=1&r=2"}, "listed twice in the file"},
	}
	if len(skipped) != len(want) {
		t.Fatalf("skipped %+v, want %+v", skipped, want)
	}
	for i, w := range want {
		if g := skipped[i]; g.Bookmark.URL != w.Bookmark.URL || g.Bookmark.Title != w.Bookmark.Title || !strings.HasPrefix(g.Reason, w.Reason) {
			t.Errorf("skipped[%d] = %+v, want %+v", i, g, w)
		}
	}
	got := fileBookmarks(t, path)
	if len(got) != 2 || got[0].Title != "Mine" || got[1].Title != "B & co" {
		t.Errorf("got %+v", got)
	}
}

// TestBrokenFile: a file that does not parse is reported with its line,
// the store is usable and empty, every change is refused and the file is
// left byte for byte as it was. Fixing the file makes changes work again.
func TestBrokenFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "bookmarks.xml")
	broken := []byte("<?xml version=\"1.0\"?>\n<xbel version=\"1.0\">\n <bookmark href=\"gemini://a/\">\n  <title>A</title>\n <bookmark>\n</xbel>\n")
	if err := os.WriteFile(path, broken, 0o600); err != nil {
		t.Fatal(err)
	}
	s, err := Open(path)
	pe, ok := errors.AsType[*ParseError](err)
	if !ok {
		t.Fatalf("Open: %v, want a *ParseError", err)
	}
	if pe.Path != path || pe.Line != 6 {
		t.Errorf("ParseError %s:%d, want %s:6 (%v)", pe.Path, pe.Line, path, err)
	}
	if s == nil || len(s.List()) != 0 || s.Err() == nil {
		t.Fatal("Open did not return an empty store that remembers the error")
	}
	changes := map[string]func() error{
		"Add":    func() error { return s.Add(Bookmark{URL: "gemini://b/"}) },
		"Update": func() error { return s.Update("gemini://a/", Bookmark{URL: "gemini://b/"}) },
		"Remove": func() error { return s.Remove("gemini://a/") },
		"Import": func() error { _, _, err := s.Import([]Bookmark{{URL: "gemini://c/"}}); return err },
	}
	for name, change := range changes {
		err := change()
		if _, ok := errors.AsType[*ParseError](err); !ok {
			t.Errorf("%s: %v, want an error wrapping the *ParseError", name, err)
		}
		if _, ok := errors.AsType[*SaveError](err); !ok {
			t.Errorf("%s: %v, want a *SaveError", name, err)
		}
	}
	if len(s.List()) != 0 {
		t.Error("a refused change shows in the store")
	}
	if data, _ := os.ReadFile(path); !bytes.Equal(data, broken) {
		t.Errorf("the broken file was changed:\n%s", data)
	}
	// Fixed by hand: changes work again and merge with the file.
	if err := os.WriteFile(path, []byte(amforaSample), 0o600); err != nil {
		t.Fatal(err)
	}
	mustAdd(t, s, Bookmark{URL: "gemini://new/"})
	if n := len(fileBookmarks(t, path)); n != 3 || s.Err() != nil {
		t.Errorf("after the fix: %d bookmarks, err %v", n, s.Err())
	}
}

// TestFileBrokenLater: a file that breaks after Open is not overwritten
// either, and the store keeps what it had.
func TestFileBrokenLater(t *testing.T) {
	s, path := openStore(t)
	mustAdd(t, s, Bookmark{URL: "gemini://a/"})
	broken := []byte("<xbel>\n<bookmark href=\"gemini://a/\">\n")
	if err := os.WriteFile(path, broken, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := s.Add(Bookmark{URL: "gemini://b/"}); err == nil {
		t.Fatal("Add over a broken file succeeded")
	}
	if data, _ := os.ReadFile(path); !bytes.Equal(data, broken) {
		t.Error("the broken file was changed")
	}
	if got := urls(s.List()); len(got) != 1 {
		t.Errorf("store holds %v", got)
	}
	if err := s.Reload(); err == nil {
		t.Error("Reload of a broken file succeeded")
	}
}

// TestOtherStoresChangesAreMerged: each change starts from the file, so
// one store sees another's additions and removals.
func TestOtherStoresChangesAreMerged(t *testing.T) {
	s1, path := openStore(t)
	s2, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	mustAdd(t, s1, Bookmark{URL: "gemini://one/"})
	mustAdd(t, s2, Bookmark{URL: "gemini://two/"})
	if err := s1.Remove("gemini://two/"); err != nil {
		t.Fatalf("s1 does not see s2's bookmark: %v", err)
	}
	if err := s1.Reload(); err != nil {
		t.Fatal(err)
	}
	if err := s2.Reload(); err != nil {
		t.Fatal(err)
	}
	if got := urls(s2.List()); !reflect.DeepEqual(got, []string{"gemini://one/"}) {
		t.Errorf("s2 after reload: %v", got)
	}
}

// TestTwoStoresOneFile opens two stores on one file and has each add its
// own bookmarks at the same time: the file ends up with all of them.
func TestTwoStoresOneFile(t *testing.T) {
	_, path := openStore(t)
	const perStore = 40
	stores := make([]*Store, 2)
	for i := range stores {
		s, err := Open(path)
		if err != nil {
			t.Fatal(err)
		}
		stores[i] = s
	}
	var wg sync.WaitGroup
	for i, s := range stores {
		wg.Go(func() {
			for j := range perStore {
				b := Bookmark{Title: fmt.Sprint("bookmark ", j), URL: fmt.Sprintf("gemini://s%d-%02d.example/", i, j), Folder: fmt.Sprint("store", i)}
				if err := s.Add(b); err != nil {
					t.Error(err)
					return
				}
				s.List()
				s.Folders()
			}
		})
	}
	wg.Wait()
	if n := len(fileBookmarks(t, path)); n != 2*perStore {
		t.Errorf("file holds %d bookmarks, want %d", n, 2*perStore)
	}
}

// TestConcurrentUseOfOneStore is for the race detector.
func TestConcurrentUseOfOneStore(t *testing.T) {
	s, path := openStore(t)
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range 10 {
				u := fmt.Sprintf("gemini://g%d-%d/", g, i)
				if err := s.Add(Bookmark{URL: u, Tags: []string{"t"}}); err != nil {
					t.Error(err)
				}
				s.Find(u)
				s.List()
				if i%2 == 1 {
					if err := s.Remove(u); err != nil {
						t.Error(err)
					}
				}
			}
		})
	}
	wg.Wait()
	if n := len(fileBookmarks(t, path)); n != 40 {
		t.Errorf("file holds %d bookmarks, want 40", n)
	}
}
