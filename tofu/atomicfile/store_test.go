package atomicfile

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// words is a store of lines; a line "bad" does not parse, and what came
// before it is what Parse returns with the error.
func words(keepUnsaved bool, parses *int) Codec[[]string] {
	return Codec[[]string]{
		Name: "words",
		Parse: func(path string, data []byte) ([]string, error) {
			*parses++
			var ws []string
			for i, w := range strings.Fields(string(data)) {
				if w == "bad" {
					return ws, &ParseError{Store: "words", Path: path, Line: i + 1, Err: errors.New("bad word")}
				}
				ws = append(ws, w)
			}
			return ws, nil
		},
		Format:      func(ws []string) ([]byte, error) { return []byte(strings.Join(ws, "\n") + "\n"), nil },
		KeepUnsaved: keepUnsaved,
	}
}

// add is a change that appends w (and reports no change if it is there).
func add(w string) func([]string) ([]string, bool, error) {
	return func(cur []string) ([]string, bool, error) {
		if slices.Contains(cur, w) {
			return cur, false, nil
		}
		return append(slices.Clone(cur), w), true, nil
	}
}

func TestStoreMemoryOnly(t *testing.T) {
	var s Store[[]string]
	if err := s.Update(add("a")); err != nil {
		t.Fatal(err)
	}
	failed := errors.New("no")
	if err := s.Update(func([]string) ([]string, bool, error) { return nil, true, failed }); err != failed {
		t.Errorf("change error = %v", err)
	}
	if got := s.Get(); !slices.Equal(got, []string{"a"}) || s.Path() != "" || s.Err() != nil || s.Reload() != nil {
		t.Errorf("Get = %v, Path %q, Err %v", got, s.Path(), s.Err())
	}
	var e Store[[]string]
	if err := e.Open("", words(false, new(int))); err == nil || e.Err() == nil || !strings.Contains(err.Error(), "the words store has no file") {
		t.Errorf("Open(\"\") = %v", err)
	}
}

func TestStoreMergesAndSkipsParse(t *testing.T) {
	path := filepath.Join(t.TempDir(), "dir", "words")
	var parses int
	var s, other Store[[]string]
	if err := s.Open(path, words(false, &parses)); err != nil || s.Get() != nil {
		t.Fatalf("Open of a missing file: %v %v", s.Get(), err)
	}
	other.Open(path, words(false, &parses))
	if err := s.Update(add("a")); err != nil {
		t.Fatal(err)
	}
	if err := other.Update(add("b")); err != nil { // other never saw a
		t.Fatal(err)
	}
	before := parses
	if err := s.Update(add("c")); err != nil {
		t.Fatal(err)
	}
	if data, _ := os.ReadFile(path); string(data) != "a\nb\nc\n" {
		t.Errorf("file = %q, want the three words", data)
	}
	if parses != before+1 {
		t.Errorf("%d parses for a file another store changed, want 1", parses-before)
	}
	before = parses
	if err := s.Update(add("d")); err != nil || parses != before {
		t.Errorf("Update of a file as the store wrote it: %v, %d parses, want none", err, parses-before)
	}
	if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("file mode: %v %v", fi, err)
	}
	if err := other.Reload(); err != nil || !slices.Equal(other.Get(), []string{"a", "b", "c", "d"}) {
		t.Errorf("Reload: %v %v", other.Get(), err)
	}
}

func TestStoreNeverOverwritesABrokenFile(t *testing.T) {
	for _, keep := range []bool{false, true} {
		path := filepath.Join(t.TempDir(), "words")
		broken := []byte("a\nbad\nc\n")
		os.WriteFile(path, broken, 0o600)
		var s Store[[]string]
		err := s.Open(path, words(keep, new(int)))
		if pe, ok := errors.AsType[*ParseError](err); !ok || pe.Line != 2 || !slices.Equal(s.Get(), []string{"a"}) {
			t.Fatalf("keep %v: Open = %v, %v; want a *ParseError for line 2 and what came before", keep, s.Get(), err)
		}
		err = s.Update(add("x"))
		se, ok := errors.AsType[*SaveError](err)
		if !ok || se.Store != "words" || !errors.As(err, new(*ParseError)) || !errors.Is(s.Err(), err) {
			t.Errorf("keep %v: Update = %v, Err %v; want a *SaveError wrapping the *ParseError", keep, err, s.Err())
		}
		if data, _ := os.ReadFile(path); string(data) != string(broken) {
			t.Errorf("keep %v: the broken file was overwritten: %q", keep, data)
		}
		want := []string{"a"}
		if keep {
			want = []string{"a", "x"}
		}
		if !slices.Equal(s.Get(), want) {
			t.Errorf("keep %v: Get = %v, want %v", keep, s.Get(), want)
		}
		if err := s.Update(add("a")); (err == nil) != keep { // only KeepUnsaved ignores a broken file when there is nothing to save
			t.Errorf("keep %v: a change with nothing to save = %v", keep, err)
		}
		// Mended: the next change reads it and saves.
		os.WriteFile(path, []byte("m\n"), 0o600)
		if err := s.Update(add("y")); err != nil || s.Err() != nil || !slices.Equal(s.Get(), []string{"m", "y"}) {
			t.Errorf("keep %v: after mending: %v, Err %v, Get %v", keep, err, s.Err(), s.Get())
		}
		// Reload of a broken file keeps what the store had.
		os.WriteFile(path, broken, 0o600)
		if err := s.Reload(); err == nil || !errors.Is(s.Err(), err) || !slices.Equal(s.Get(), []string{"m", "y"}) {
			t.Errorf("keep %v: Reload of a broken file: %v, Get %v", keep, err, s.Get())
		}
	}
}
