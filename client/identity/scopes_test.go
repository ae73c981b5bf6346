package identity

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"strings"
	"sync"
	"testing"
)

func mustScope(t *testing.T, s string) Scope {
	t.Helper()
	sc, err := ParseScope(s)
	if err != nil {
		t.Fatal(err)
	}
	return sc
}

func TestScopesFor(t *testing.T) {
	var s Scopes // the zero value works in memory
	add := func(name, scope string) {
		t.Helper()
		if err := s.Add(name, mustScope(t, scope)); err != nil {
			t.Fatal(err)
		}
	}
	add("capsule", "gemini://example.com/")
	add("alice", "gemini://example.com/alice")
	add("alice-deep", "gemini://example.com/alice/private/")
	add("other-port", "gemini://example.com:1966/")
	add("bbs", "gemini://bbs.example/board/")

	tests := []struct {
		url    string
		want   string
		wantOK bool
	}{
		{"gemini://example.com/", "capsule", true},
		{"gemini://example.com/bob/", "capsule", true},
		{"gemini://example.com/alice", "alice", true},
		{"gemini://example.com/alice-bob", "alice", true},
		{"gemini://example.com/alice/private/x.gmi", "alice-deep", true},
		{"gemini://example.com/alice/private", "alice", true},
		{"gemini://EXAMPLE.com:1965/alice/?q#f", "alice", true},
		{"gemini://example.com:1966/alice", "other-port", true},
		{"gemini://example.com:1967/", "", false},
		{"gemini://bbs.example/board/1", "bbs", true},
		{"gemini://bbs.example/", "", false},
		{"gemini://elsewhere.example/", "", false},
		{"https://example.com/alice", "", false},
	}
	for _, tt := range tests {
		name, ok := s.For(mustURL(t, tt.url))
		if name != tt.want || ok != tt.wantOK {
			t.Errorf("For(%s) = %q, %v; want %q, %v", tt.url, name, ok, tt.want, tt.wantOK)
		}
	}
	var empty Scopes
	if name, ok := empty.For(mustURL(t, "gemini://example.com/")); ok || name != "" {
		t.Errorf("empty Scopes: For = %q, %v", name, ok)
	}
}

func TestScopesEdit(t *testing.T) {
	var s Scopes
	a := mustScope(t, "gemini://example.com/a/")
	b := mustScope(t, "gemini://example.com/b/")
	c := mustScope(t, "gemini://example.org/")
	for _, step := range []struct {
		name string
		sc   Scope
	}{{"alice", b}, {"alice", a}, {"alice", a}, {"bob", c}} {
		if err := s.Add(step.name, step.sc); err != nil {
			t.Fatal(err)
		}
	}
	want := map[string][]Scope{"alice": {a, b}, "bob": {c}}
	if got := s.List(); !reflect.DeepEqual(got, want) {
		t.Fatalf("List = %v, want %v", got, want)
	}

	// A scope belongs to one identity: adding it to another moves it.
	if err := s.Add("bob", a); err != nil {
		t.Fatal(err)
	}
	want = map[string][]Scope{"alice": {b}, "bob": {a, c}}
	if got := s.List(); !reflect.DeepEqual(got, want) {
		t.Fatalf("after moving: List = %v, want %v", got, want)
	}

	// Hand-made scopes are normalised.
	if err := s.Add("carol", Scope{Host: "Example.NET"}); err != nil {
		t.Fatal(err)
	}
	if got := s.List()["carol"]; len(got) != 1 || got[0] != (Scope{"example.net", 1965, "/"}) {
		t.Errorf("carol's scopes = %v", got)
	}
	s.Remove("carol", Scope{Host: "example.net", Port: 1965, Path: "/"})
	if _, ok := s.List()["carol"]; ok {
		t.Error("Remove left carol")
	}

	// List returns a copy.
	s.List()["alice"][0] = c
	if got := s.List()["alice"]; got[0] != b {
		t.Error("List shares memory with the Scopes")
	}

	if err := s.Rename("bob", "robert"); err != nil {
		t.Fatal(err)
	}
	if err := s.Rename("alice", "robert"); err != nil {
		t.Fatal(err)
	}
	want = map[string][]Scope{"robert": {a, b, c}}
	if got := s.List(); !reflect.DeepEqual(got, want) {
		t.Fatalf("after Rename: List = %v, want %v", got, want)
	}
	if err := s.Rename("robert", "bad/name"); !errors.Is(err, ErrInvalidName) {
		t.Errorf("Rename to a bad name: %v", err)
	}
	if err := s.Rename("nobody", "somebody"); err != nil {
		t.Errorf("Rename of a name without scopes: %v", err)
	}

	s.Remove("robert", b)
	s.Remove("robert", mustScope(t, "gemini://unknown.example/"))
	s.Remove("nobody", a)
	if name, ok := s.For(mustURL(t, "gemini://example.com/b/x")); ok {
		t.Errorf("removed scope still used for %q", name)
	}
	s.RemoveAll("robert")
	if got := s.List(); len(got) != 0 {
		t.Errorf("after RemoveAll: %v", got)
	}

	badAdds := []struct {
		name string
		sc   Scope
	}{
		{"", a},
		{"a/b", a},
		{"x", Scope{}},
		{"x", Scope{Host: "h", Port: 70000}},
		{"x", Scope{Host: "h", Port: -1}},
	}
	for _, tt := range badAdds {
		if err := s.Add(tt.name, tt.sc); err == nil {
			t.Errorf("Add(%q, %+v) succeeded", tt.name, tt.sc)
		}
	}
}

func TestScopesPersistence(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sub", "dir", "scopes")
	s, err := LoadScopes(path)
	if err != nil {
		t.Fatalf("LoadScopes of a missing file: %v", err)
	}
	entries := []struct{ name, scope string }{
		{"alice", "gemini://example.com/alice/"},
		{"Alice at the station", "gemini://station.example:1966/"},
		{"alice", "gemini://example.com/a%20b/100%25"},
		{"#not a comment", "gemini://[::1]/x"},
	}
	for _, e := range entries {
		if err := s.Add(e.name, mustScope(t, e.scope)); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Save(); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	wantLines := []string{
		"gemini://[::1]:1965/x #not a comment",
		"gemini://station.example:1966/ Alice at the station",
		"gemini://example.com:1965/a%20b/100%25 alice",
		"gemini://example.com:1965/alice/ alice",
	}
	var got []string
	for line := range strings.Lines(string(data)) {
		if !strings.HasPrefix(line, "#") {
			got = append(got, strings.TrimSuffix(line, "\n"))
		}
	}
	if !reflect.DeepEqual(got, wantLines) {
		t.Errorf("file lines:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(wantLines, "\n"))
	}
	if fi, err := os.Stat(path); err != nil || (runtime.GOOS != "windows" && fi.Mode().Perm()&0o077 != 0) {
		t.Errorf("scopes file mode %v, %v; want private", fi.Mode(), err)
	}

	back, err := LoadScopes(path)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(back.List(), s.List()) {
		t.Errorf("round trip: %v, want %v", back.List(), s.List())
	}
	if name, ok := back.For(mustURL(t, "gemini://example.com/alice/x")); !ok || name != "alice" {
		t.Errorf("For after load = %q, %v", name, ok)
	}

	// Saving again after an edit replaces the file.
	back.RemoveAll("alice")
	if err := back.Save(); err != nil {
		t.Fatal(err)
	}
	again, err := LoadScopes(path)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := again.List()["alice"]; ok || len(again.List()) != 2 {
		t.Errorf("after second save: %v", again.List())
	}

	var inMemory Scopes
	if err := inMemory.Save(); err == nil {
		t.Error("Save of a Scopes without a file succeeded")
	}
}

func TestLoadScopesHandWritten(t *testing.T) {
	path := filepath.Join(t.TempDir(), "scopes")
	text := "# my identities\n" +
		"\n" +
		"   # indented comment\n" +
		"gemini://example.com/alice/ alice\r\n" +
		"example.org:1966/x\t  work  identity  \n" +
		"gemini://example.com/alice/ alice\n" // the same line twice is harmless
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	s, err := LoadScopes(path)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string][]Scope{
		"alice":          {{"example.com", 1965, "/alice/"}},
		"work  identity": {{"example.org", 1966, "/x"}},
	}
	if got := s.List(); !reflect.DeepEqual(got, want) {
		t.Errorf("List = %v, want %v", got, want)
	}
}

func TestLoadScopesMalformed(t *testing.T) {
	good := "# comment\ngemini://example.com/ alice\n"
	tests := []struct {
		name string
		line string // appended as line 3
		want string
	}{
		{"no name", "gemini://example.com/x", "<identity-name>"},
		{"bad scheme", "https://example.com/ alice", "not gemini"},
		{"query", "gemini://example.com/?q alice", "query"},
		{"bad port", "gemini://example.com:0/ alice", "port"},
		{"bad name", "gemini://example.com/x .hidden", "invalid identity name"},
		{"control char", "gemini://example.com/x bad\x01name", "non-printable"},
		{"no host", "gemini:///x alice", "no host"},
		{"scope given twice", "gemini://example.com:1965/ bob", "already given to another identity on line 2"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "scopes")
			content := []byte(good + tt.line + "\ngemini://example.org/ carol\n")
			if err := os.WriteFile(path, content, 0o600); err != nil {
				t.Fatal(err)
			}
			s, err := LoadScopes(path)
			var pe *ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("LoadScopes = %v, %v; want a *ParseError", s, err)
			}
			if s != nil {
				t.Error("LoadScopes returned a Scopes with the error")
			}
			if pe.Line != 3 || pe.Path != path {
				t.Errorf("ParseError at %s:%d, want %s:3", pe.Path, pe.Line, path)
			}
			if msg := err.Error(); !strings.Contains(msg, tt.want) || !strings.Contains(msg, path+":3:") {
				t.Errorf("error %q, want it to name %s:3 and mention %q", msg, path, tt.want)
			}
			if after, _ := os.ReadFile(path); string(after) != string(content) {
				t.Error("the file was changed")
			}
		})
	}
}

func TestLoadScopesUnreadable(t *testing.T) {
	dir := t.TempDir()
	if _, err := LoadScopes(dir); err == nil {
		t.Error("LoadScopes of a directory succeeded")
	}
}

func TestScopesConcurrent(t *testing.T) {
	var s Scopes
	sc := mustScope(t, "gemini://example.com/")
	u := mustURL(t, "gemini://example.com/x")
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() {
			name := []string{"a", "b"}[i%2]
			for range 50 {
				_ = s.Add(name, sc)
				s.For(u)
				s.List()
				s.Remove(name, sc)
			}
		})
	}
	wg.Wait()
}
