package content

import (
	"bytes"
	"context"
	"errors"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"syscall"
	"testing"
)

// chunkReader returns its data n bytes at a time, like a network body.
type chunkReader struct {
	data  []byte
	n     int
	after func(read int) // called after each read with the bytes read so far
	read  int
}

func (r *chunkReader) Read(p []byte) (int, error) {
	if len(r.data) == 0 {
		return 0, io.EOF
	}
	k := min(len(p), r.n, len(r.data))
	copy(p, r.data[:k])
	r.data = r.data[k:]
	r.read += k
	if r.after != nil {
		r.after(r.read)
	}
	return k, nil
}

func randomBytes(n int) []byte {
	b := make([]byte, n)
	rng := rand.NewChaCha8([32]byte{1, 2, 3})
	rng.Read(b)
	return b
}

// names lists dir, hidden files included.
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

// newFileMode is the mode a new file gets here: 0666 less the umask.
func newFileMode(t *testing.T) os.FileMode {
	t.Helper()
	p := filepath.Join(t.TempDir(), "probe")
	f, err := os.OpenFile(p, os.O_CREATE|os.O_WRONLY, 0o666)
	if err != nil {
		t.Fatal(err)
	}
	f.Close()
	fi, err := os.Stat(p)
	if err != nil {
		t.Fatal(err)
	}
	return fi.Mode().Perm()
}

func TestDownload(t *testing.T) {
	dir := t.TempDir()
	data := randomBytes(3 << 20)
	var calls []int64
	path, err := Download(context.Background(), &chunkReader{data: data, n: 4096}, dir, "big.bin", func(n int64) {
		calls = append(calls, n)
	})
	if err != nil {
		t.Fatal(err)
	}
	if want := filepath.Join(dir, "big.bin"); path != want {
		t.Errorf("path = %q, want %q", path, want)
	}
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, data) {
		t.Errorf("content differs: %d bytes, want %d", len(got), len(data))
	}
	if got := names(t, dir); !slices.Equal(got, []string{"big.bin"}) {
		t.Errorf("dir holds %q, want only big.bin", got)
	}

	// Progress: monotonic, ending at the size, roughly every 64 KiB and
	// not once per 4 KiB read.
	if len(calls) == 0 {
		t.Fatal("progress never called")
	}
	if last := calls[len(calls)-1]; last != int64(len(data)) {
		t.Errorf("last progress = %d, want %d", last, len(data))
	}
	for i := 1; i < len(calls); i++ {
		if calls[i] <= calls[i-1] {
			t.Errorf("progress not increasing: %d after %d", calls[i], calls[i-1])
		}
		if calls[i]-calls[i-1] < progressEvery && i != len(calls)-1 {
			t.Errorf("progress called after only %d bytes", calls[i]-calls[i-1])
		}
	}
	if max := len(data)/progressEvery + 1; len(calls) > max || len(calls) < max/2 {
		t.Errorf("progress called %d times for %d bytes, want about %d", len(calls), len(data), max)
	}

	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := fi.Mode().Perm(), newFileMode(t); got != want {
		t.Errorf("mode = %v, want %v (0666 less the umask)", got, want)
	}
}

func TestDownloadSmall(t *testing.T) {
	tests := []struct {
		name, body string
		wantName   string
	}{
		{"empty.txt", "", "empty.txt"},
		{"a.txt", "hello", "a.txt"},
		{"../../escape.txt", "x", "_.._escape.txt"},
		{".hidden", "x", "hidden"},
		{"", "x", "download"},
		{"\x1b[31mred\x07", "x", "red"},
	}
	for _, tt := range tests {
		dir := t.TempDir()
		var last int64 = -1
		path, err := Download(context.Background(), bytes.NewReader([]byte(tt.body)), dir, tt.name, func(n int64) { last = n })
		if err != nil {
			t.Errorf("Download(%q): %v", tt.name, err)
			continue
		}
		if want := filepath.Join(dir, tt.wantName); path != want {
			t.Errorf("Download(%q) = %q, want %q", tt.name, path, want)
		}
		if got, _ := os.ReadFile(path); string(got) != tt.body {
			t.Errorf("Download(%q) wrote %q, want %q", tt.name, got, tt.body)
		}
		if len(tt.body) > 0 && last != int64(len(tt.body)) {
			t.Errorf("Download(%q): last progress %d, want %d", tt.name, last, len(tt.body))
		}
		if got := names(t, dir); len(got) != 1 {
			t.Errorf("Download(%q) left %q", tt.name, got)
		}
	}
}

func TestDownloadNilProgressAndMissingDir(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "a", "b")
	path, err := Download(context.Background(), bytes.NewReader([]byte("x")), dir, "f.txt", nil)
	if err != nil {
		t.Fatal(err)
	}
	if path != filepath.Join(dir, "f.txt") {
		t.Errorf("path = %q", path)
	}
	fi, err := os.Stat(dir)
	if err != nil {
		t.Fatal(err)
	}
	if !fi.IsDir() || fi.Mode().Perm()&0o700 != 0o700 || fi.Mode().Perm()&^0o755 != 0 {
		t.Errorf("dir mode = %v, want 0755 less the umask", fi.Mode())
	}
}

func TestDownloadCollision(t *testing.T) {
	tests := []struct {
		name     string
		existing []string
		want     string
	}{
		{"x.bin", []string{"x.bin"}, "x (1).bin"},
		{"x.bin", []string{"x.bin", "x (1).bin"}, "x (2).bin"},
		{"x.bin", []string{"x (1).bin"}, "x.bin"},
		{"notes", []string{"notes"}, "notes (1)"},
		{"src.tar.gz", []string{"src.tar.gz"}, "src (1).tar.gz"},
		{"v1.2 release notes", []string{"v1.2 release notes"}, "v1.2 release notes (1)"},
	}
	t.Cleanup(func() { link = os.Link })
	for _, useLink := range []bool{true, false} {
		if !useLink {
			// A file system without hard links.
			link = func(string, string) error { return &os.LinkError{Op: "link", Err: syscall.EPERM} }
		}
		for _, tt := range tests {
			dir := t.TempDir()
			for _, e := range tt.existing {
				if err := os.WriteFile(filepath.Join(dir, e), []byte("old "+e), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			path, err := Download(context.Background(), bytes.NewReader([]byte("new")), dir, tt.name, nil)
			if err != nil {
				t.Errorf("link %v: Download(%q): %v", useLink, tt.name, err)
				continue
			}
			if want := filepath.Join(dir, tt.want); path != want {
				t.Errorf("link %v: Download(%q) with %q present = %q, want %q", useLink, tt.name, tt.existing, path, want)
			}
			if got, _ := os.ReadFile(path); string(got) != "new" {
				t.Errorf("link %v: new file holds %q", useLink, got)
			}
			for _, e := range tt.existing {
				if got, _ := os.ReadFile(filepath.Join(dir, e)); string(got) != "old "+e {
					t.Errorf("link %v: existing %s now holds %q", useLink, e, got)
				}
			}
			if got := names(t, dir); len(got) != len(tt.existing)+1 {
				t.Errorf("link %v: dir holds %q", useLink, got)
			}
		}
	}
}

var errBroken = errors.New("connection broken")

// failingReader returns data, then err.
type failingReader struct {
	chunkReader
	err error
}

func (r *failingReader) Read(p []byte) (int, error) {
	n, err := r.chunkReader.Read(p)
	if err == io.EOF {
		return 0, r.err
	}
	return n, err
}

func TestDownloadFailure(t *testing.T) {
	data := randomBytes(1 << 20)

	t.Run("cancelled mid-way", func(t *testing.T) {
		dir := t.TempDir()
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		r := &chunkReader{data: data, n: 4096, after: func(read int) {
			if read >= 300<<10 {
				cancel()
			}
		}}
		path, err := Download(ctx, r, dir, "x.bin", nil)
		if !errors.Is(err, context.Canceled) {
			t.Errorf("err = %v, want context.Canceled", err)
		}
		if path != "" {
			t.Errorf("path = %q, want none", path)
		}
		if got := names(t, dir); len(got) != 0 {
			t.Errorf("dir holds %q, want nothing", got)
		}
		if r.read == len(data) {
			t.Error("the whole body was read despite the cancellation")
		}
	})

	t.Run("cancelled before", func(t *testing.T) {
		dir := filepath.Join(t.TempDir(), "downloads")
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		if _, err := Download(ctx, bytes.NewReader(data), dir, "x.bin", nil); !errors.Is(err, context.Canceled) {
			t.Errorf("err = %v, want context.Canceled", err)
		}
		if _, err := os.Stat(dir); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("dir created anyway: %v", err)
		}
	})

	t.Run("reader error", func(t *testing.T) {
		dir := t.TempDir()
		r := &failingReader{chunkReader{data: data, n: 4096}, errBroken}
		path, err := Download(context.Background(), r, dir, "x.bin", nil)
		if !errors.Is(err, errBroken) {
			t.Errorf("err = %v, want %v", err, errBroken)
		}
		if path != "" {
			t.Errorf("path = %q, want none", path)
		}
		if got := names(t, dir); len(got) != 0 {
			t.Errorf("dir holds %q, want nothing", got)
		}
	})

	t.Run("reader error with the data", func(t *testing.T) {
		dir := t.TempDir()
		r := io.MultiReader(bytes.NewReader(data[:1000]), &failingReader{err: errBroken})
		if _, err := Download(context.Background(), r, dir, "x.bin", nil); !errors.Is(err, errBroken) {
			t.Errorf("err = %v, want %v", err, errBroken)
		}
		if got := names(t, dir); len(got) != 0 {
			t.Errorf("dir holds %q, want nothing", got)
		}
	})

	t.Run("directory not writable", func(t *testing.T) {
		if os.Geteuid() == 0 {
			t.Skip("root writes anywhere")
		}
		dir := t.TempDir()
		if err := os.Chmod(dir, 0o500); err != nil {
			t.Fatal(err)
		}
		defer os.Chmod(dir, 0o700)
		if _, err := Download(context.Background(), bytes.NewReader(data), dir, "x.bin", nil); err == nil {
			t.Error("no error")
		}
	})

	t.Run("dir is a file", func(t *testing.T) {
		dir := filepath.Join(t.TempDir(), "file")
		if err := os.WriteFile(dir, nil, 0o644); err != nil {
			t.Fatal(err)
		}
		if _, err := Download(context.Background(), bytes.NewReader(data), dir, "x.bin", nil); err == nil {
			t.Error("no error")
		}
	})
}

func TestCopyName(t *testing.T) {
	tests := []struct {
		name string
		i    int
		want string
	}{
		{"x.bin", 0, "x.bin"},
		{"x.bin", 1, "x (1).bin"},
		{"x.bin", 12, "x (12).bin"},
		{"x", 1, "x (1)"},
		{"a.b.c", 2, "a.b (2).c"},
		{"a.TAR.GZ", 1, "a (1).TAR.GZ"},
		{"x.", 1, "x. (1)"},
	}
	for _, tt := range tests {
		if got := copyName(tt.name, tt.i); got != tt.want {
			t.Errorf("copyName(%q, %d) = %q, want %q", tt.name, tt.i, got, tt.want)
		}
	}
}
