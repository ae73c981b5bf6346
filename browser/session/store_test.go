package session

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"sync"
	"testing"
)

func TestLoadMissing(t *testing.T) {
	s, err := Load(filepath.Join(t.TempDir(), "session"))
	if err != nil || len(s.Tabs) != 0 {
		t.Fatalf("Load(missing) = %+v, %v; want empty, nil", s, err)
	}
}

func TestSaveLoad(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sub", "session")
	want := Session{Active: 1, Tabs: []Tab{
		{Current: Entry{URL: "gemini://a/", Line: 3, Row: 1}},
		{Back: []Entry{{URL: "about:home"}}, Forward: []Entry{{URL: "gemini://c/x", Line: 9}}, Current: Entry{URL: "gemini://b/"}},
	}}
	if err := Save(path, want); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("mode %v, want 0600", fi.Mode().Perm())
	}
	got, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if got.Active != want.Active || len(got.Tabs) != 2 || got.Tabs[0].Current != want.Tabs[0].Current ||
		!reflect.DeepEqual(got.Tabs[1].Back, want.Tabs[1].Back) || !reflect.DeepEqual(got.Tabs[1].Forward, want.Tabs[1].Forward) {
		t.Errorf("Load = %+v, want %+v", got, want)
	}
}

func TestBrokenFileNotOverwritten(t *testing.T) {
	path := filepath.Join(t.TempDir(), "session")
	broken := "{\n  \"tabs\": [\n    {\"current\": {\"url\": \"gemini://a/\"}},,\n  ]\n}\n"
	if err := os.WriteFile(path, []byte(broken), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := Load(path)
	pe, ok := errors.AsType[*ParseError](err)
	if !ok {
		t.Fatalf("Load = %v, want a *ParseError", err)
	}
	if pe.Line != 3 {
		t.Errorf("line %d, want 3 (%v)", pe.Line, err)
	}
	if err := Save(path, Session{Tabs: []Tab{{Current: Entry{URL: "gemini://b/"}}}}); !errors.As(err, &pe) {
		t.Errorf("Save over a broken file = %v, want a *ParseError", err)
	}
	if data, _ := os.ReadFile(path); string(data) != broken {
		t.Errorf("the broken file was changed:\n%s", data)
	}
}

func TestBadURL(t *testing.T) {
	path := filepath.Join(t.TempDir(), "session")
	if err := os.WriteFile(path, []byte("{\"tabs\": [\n{\"current\": {\"url\": \"\"}}]}\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(path); err == nil {
		t.Error("Load accepted an empty URL")
	}
	if err := Save(filepath.Join(t.TempDir(), "s"), Session{Tabs: []Tab{{Current: Entry{URL: "a b"}}}}); err == nil {
		t.Error("Save accepted a URL with a space")
	}
}

func TestConcurrentSaves(t *testing.T) {
	path := filepath.Join(t.TempDir(), "session")
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() {
			s := Session{Tabs: []Tab{{Current: Entry{URL: "gemini://a/", Line: i}}}}
			if err := Save(path, s); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if s, err := Load(path); err != nil || len(s.Tabs) != 1 {
		t.Errorf("Load = %+v, %v", s, err)
	}
}
