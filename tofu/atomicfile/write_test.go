package atomicfile

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"testing"
	"time"

	"propus/tofu/atomicfile/proctest"
)

// names lists the entries of dir.
func names(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range entries {
		out = append(out, e.Name())
	}
	return out
}

func TestWriteFileCreatesAndReplaces(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "f")
	for _, want := range []string{"first\n", "second, longer\n", ""} {
		if err := WriteFile(path, []byte(want), 0o600); err != nil {
			t.Fatal(err)
		}
		got, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if string(got) != want {
			t.Errorf("content = %q, want %q", got, want)
		}
		if n := names(t, dir); len(n) != 1 || n[0] != "f" {
			t.Errorf("directory holds %q, want only the file", n)
		}
	}
	if runtime.GOOS != "windows" {
		fi, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		if perm := fi.Mode().Perm(); perm != 0o600 {
			t.Errorf("mode = %v, want 0600", perm)
		}
	}
}

// TestWriteFileFailureKeepsOldFile makes each step fail in turn, as a crash
// or a full disk would: the old file must be intact and no temporary file
// left behind.
func TestWriteFileFailureKeepsOldFile(t *testing.T) {
	for _, step := range []string{"write", "sync", "close", "rename"} {
		t.Run(step, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, "f")
			if err := os.WriteFile(path, []byte("old\n"), 0o600); err != nil {
				t.Fatal(err)
			}
			boom := errors.New("boom")
			testHook = func(s string) error {
				if s == step {
					return boom
				}
				return nil
			}
			t.Cleanup(func() { testHook = nil })

			err := WriteFile(path, []byte("new\n"), 0o600)
			if !errors.Is(err, boom) {
				t.Fatalf("err = %v, want boom", err)
			}
			got, _ := os.ReadFile(path)
			if string(got) != "old\n" {
				t.Errorf("content = %q, want the old content", got)
			}
			if n := names(t, dir); len(n) != 1 || n[0] != "f" {
				t.Errorf("directory holds %q, want only the old file", n)
			}
		})
	}
}

// TestWriteFilePrivateFromTheStart looks at the temporary file while it is
// being written: it must already have the final, private mode.
func TestWriteFilePrivateFromTheStart(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no Unix permissions")
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "key")
	seen := 0
	testHook = func(step string) error {
		if step != "write" {
			return nil
		}
		for _, name := range names(t, dir) {
			fi, err := os.Stat(filepath.Join(dir, name))
			if err != nil {
				t.Error(err)
				continue
			}
			seen++
			if perm := fi.Mode().Perm(); perm&0o077 != 0 {
				t.Errorf("temporary file %s has mode %v while being written", name, perm)
			}
		}
		return nil
	}
	t.Cleanup(func() { testHook = nil })
	if err := WriteFile(path, []byte("secret"), 0o600); err != nil {
		t.Fatal(err)
	}
	if seen != 1 {
		t.Errorf("saw %d temporary files, want 1", seen)
	}
}

func TestWriteFileOntoDirectoryFails(t *testing.T) {
	dir := t.TempDir()
	target := filepath.Join(dir, "sub")
	if err := os.Mkdir(target, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(target, "x"), nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := WriteFile(target, []byte("x"), 0o600); err == nil {
		t.Fatal("replacing a non-empty directory succeeded")
	}
	if n := names(t, dir); len(n) != 1 || n[0] != "sub" {
		t.Errorf("directory holds %q, want only sub", n)
	}
}

func TestWriteFileMissingDirectory(t *testing.T) {
	path := filepath.Join(t.TempDir(), "no", "such", "f")
	if err := WriteFile(path, []byte("x"), 0o600); err == nil {
		t.Fatal("writing into a missing directory succeeded")
	}
}

func TestWriteFileKeepsSymlink(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("symlinks need privileges on Windows")
	}
	dir := t.TempDir()
	real := filepath.Join(dir, "real")
	link := filepath.Join(dir, "link")
	if err := os.WriteFile(real, []byte("old"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("real", link); err != nil {
		t.Fatal(err)
	}
	if err := WriteFile(link, []byte("new"), 0o600); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Lstat(link); err != nil || fi.Mode()&os.ModeSymlink == 0 {
		t.Fatalf("link is no longer a symlink (%v, %v)", fi, err)
	}
	if got, _ := os.ReadFile(real); string(got) != "new" {
		t.Errorf("target = %q, want new", got)
	}
}

// TestReadersSeeOldOrNew reads the file in a loop while a writer keeps
// replacing it: every read must be one of the two full contents.
func TestReadersSeeOldOrNew(t *testing.T) {
	path := filepath.Join(t.TempDir(), "f")
	a, b := content('a'), content('b')
	if err := WriteFile(path, a, 0o600); err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		defer close(done)
		for i := range 100 {
			data := a
			if i%2 == 0 {
				data = b
			}
			if err := WriteFile(path, data, 0o600); err != nil {
				t.Error(err)
				return
			}
		}
	})
	reads := 0
	for {
		select {
		case <-done:
			wg.Wait()
			if reads == 0 {
				t.Error("no reads happened")
			}
			return
		default:
		}
		got, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err) // the file must exist at every moment
		}
		if !bytes.Equal(got, a) && !bytes.Equal(got, b) {
			t.Fatalf("read %d bytes that are neither version", len(got))
		}
		reads++
	}
}

// TestKilledWriterLeavesWholeFile kills a child process that is busy
// rewriting the file: what is left at path is one whole version.
func TestKilledWriterLeavesWholeFile(t *testing.T) {
	if testing.Short() {
		t.Skip("starts child processes")
	}
	a, b := content('a'), content('b')
	for i := range 3 {
		path := filepath.Join(t.TempDir(), "f")
		child := proctest.Start(t, "write", path)
		child.WaitReady()
		time.Sleep(time.Duration(5+10*i) * time.Millisecond)
		child.Kill()
		got, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, a) && !bytes.Equal(got, b) {
			t.Fatalf("after the kill the file holds %d bytes that are neither version", len(got))
		}
	}
}
