package atomicfile

import (
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
)

func TestUpdate(t *testing.T) {
	path := filepath.Join(t.TempDir(), "new", "store")
	// A missing file reads as nil; the directory is made.
	err := Update(path, 0o700, 0o600, func(old []byte) ([]byte, bool, error) {
		if old != nil {
			t.Errorf("missing file read as %q", old)
		}
		return []byte("one"), true, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("file: %v %v", fi, err)
	}
	if fi, err := os.Stat(filepath.Dir(path)); err != nil || fi.Mode().Perm() != 0o700 {
		t.Fatalf("directory: %v %v", fi, err)
	}
	// write false and an error both leave the file alone.
	boom := errors.New("boom")
	for _, c := range []struct {
		write bool
		err   error
	}{{false, nil}, {true, boom}} {
		err := Update(path, 0o700, 0o600, func(old []byte) ([]byte, bool, error) {
			if string(old) != "one" {
				t.Errorf("read %q", old)
			}
			return []byte("two"), c.write, c.err
		})
		if err != c.err {
			t.Errorf("Update returned %v, want %v", err, c.err)
		}
		if got, _ := os.ReadFile(path); string(got) != "one" {
			t.Errorf("file changed to %q", got)
		}
	}
}

// TestUpdateSerialises runs many counting updates at once: none is lost.
func TestUpdateSerialises(t *testing.T) {
	path := filepath.Join(t.TempDir(), "count")
	var wg sync.WaitGroup
	for range 20 {
		wg.Go(func() {
			err := Update(path, 0o700, 0o600, func(old []byte) ([]byte, bool, error) {
				n, _ := strconv.Atoi(string(old))
				return []byte(strconv.Itoa(n + 1)), true, nil
			})
			if err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if got, _ := os.ReadFile(path); string(got) != "20" {
		t.Fatalf("count %q, want 20", got)
	}
}

func TestRead(t *testing.T) {
	dir := t.TempDir()
	parse := func(path string, data []byte) (string, error) { return path + ":" + string(data), nil }
	if got, err := Read("things", filepath.Join(dir, "missing"), parse); got != "" || err != nil {
		t.Errorf("a missing file reads as %q, %v; want the zero value", got, err)
	}
	path := filepath.Join(dir, "file")
	os.WriteFile(path, []byte("body"), 0o600)
	if got, err := Read("things", path, parse); got != path+":body" || err != nil {
		t.Errorf("Read = %q, %v", got, err)
	}
	if _, err := Read("things", dir, parse); err == nil || !strings.HasPrefix(err.Error(), "could not read the things file: ") {
		t.Errorf("reading a directory: %v, want an error naming the things file", err)
	}
}
