package content

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"

	"propus/tofu/atomicfile"
)

// progressEvery is how many bytes Download writes between progress calls.
const progressEvery = 64 << 10

// maxCopies bounds the " (n)" suffixes Download tries before giving up.
const maxCopies = 10000

// link makes the hard link Download uses to put a finished file in place
// without replacing one that exists; a variable so that tests can take the
// fallback for file systems without hard links.
var link = os.Link

// Download streams body to a new file in dir and returns its path. There is
// no size cap (the caller lifts the client's, see client.Response.SetMaxSize).
//
// The file is called name, which should come from FileName; it is cleaned
// again all the same, so that it cannot leave dir. If a file of that name
// exists, "name (1).ext", "name (2).ext", … is used instead (the extension
// as FileName sees it, ".tar.gz" included); an existing file is never
// replaced, not even one that appears while the download runs. dir is
// created, mode 0755, if it is missing.
//
// The body is written to a hidden temporary file ".name.part…" in dir,
// created with mode 0666 less the umask like any new file, fsynced, and only
// then given its name; the directory is fsynced after. On a read or write
// error, or when ctx is done, the temporary file is removed, nothing is left
// in dir, and the error is returned (for ctx, one that errors.Is
// ctx.Err()). ctx is checked between reads; a read that blocks is the
// body's to end (the client's body does when the ctx given to Client.Do is
// done, which should be this ctx or its parent).
//
// progress, which may be nil, is called in the calling goroutine with the
// number of bytes written so far: about every 64 KiB, and once at the end.
func Download(ctx context.Context, body io.Reader, dir, name string, progress func(written int64)) (path string, err error) {
	if err := ctx.Err(); err != nil {
		return "", fmt.Errorf("download cancelled: %w", err)
	}
	name = shorten(cleanName(name), maxNameBytes)
	if name == "" {
		name = fallbackName
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", fmt.Errorf("creating the download directory: %w", err)
	}
	f, err := CreatePart(dir, name)
	if err != nil {
		return "", err
	}
	tmp := f.Name()
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(tmp)
		}
	}()
	if err := copyBody(ctx, f, body, progress); err != nil {
		return "", err
	}
	if err := f.Sync(); err != nil {
		return "", fmt.Errorf("saving %s: %w", tmp, err)
	}
	if err := f.Close(); err != nil {
		return "", fmt.Errorf("saving %s: %w", tmp, err)
	}
	if err := ctx.Err(); err != nil {
		return "", fmt.Errorf("download cancelled: %w", err)
	}
	path, err = place(tmp, dir, name)
	if err != nil {
		return "", err
	}
	// The data is on disk; a directory that cannot be synced only makes the
	// new name less durable, which is not worth failing the download for.
	_ = atomicfile.SyncDir(dir)
	return path, nil
}

// CreatePart creates the hidden temporary file for name in dir, with the
// mode downloads get (0666 less the umask), that becomes name once whole.
func CreatePart(dir, name string) (*os.File, error) {
	for range 100 {
		p := filepath.Join(dir, "."+name+".part"+strconv.FormatUint(uint64(rand.Uint32()), 10))
		f, err := os.OpenFile(p, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o666)
		if errors.Is(err, fs.ErrExist) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("creating the download file: %w", err)
		}
		return f, nil
	}
	return nil, fmt.Errorf("creating the download file in %s: too many temporary files", dir)
}

// copyBody copies body to w, checking ctx between reads and reporting
// progress.
func copyBody(ctx context.Context, w io.Writer, body io.Reader, progress func(int64)) error {
	buf := make([]byte, 64<<10)
	var written, reported int64
	for {
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("download cancelled: %w", err)
		}
		n, rerr := body.Read(buf)
		if n > 0 {
			m, werr := w.Write(buf[:n])
			written += int64(m)
			if werr != nil {
				return fmt.Errorf("writing the download: %w", werr)
			}
			if progress != nil && written-reported >= progressEvery {
				progress(written)
				reported = written
			}
		}
		if rerr == io.EOF {
			break
		}
		if rerr != nil {
			if err := ctx.Err(); err != nil {
				return fmt.Errorf("download cancelled: %w", err)
			}
			return rerr
		}
	}
	if progress != nil && written != reported {
		progress(written)
	}
	return nil
}

// place gives the finished temporary file tmp its name in dir, the first
// of name, "name (1).ext", … that does not exist, and returns the path.
//
// A hard link fails rather than replace an existing file, so the name is
// claimed atomically. On a file system without hard links (FAT, some
// network and FUSE file systems) the name is claimed by creating it
// exclusively, and the temporary file is renamed over the claim.
func place(tmp, dir, name string) (string, error) {
	linkOK := true
	for i := 0; i < maxCopies; i++ {
		p := filepath.Join(dir, copyName(name, i))
		if linkOK {
			err := link(tmp, p)
			if err == nil {
				os.Remove(tmp)
				return p, nil
			}
			if errors.Is(err, fs.ErrExist) {
				continue
			}
			linkOK = false
		}
		claim, err := os.OpenFile(p, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o666)
		if errors.Is(err, fs.ErrExist) {
			continue
		}
		if err != nil {
			return "", fmt.Errorf("saving the download: %w", err)
		}
		claim.Close()
		if err := os.Rename(tmp, p); err != nil {
			os.Remove(p)
			return "", fmt.Errorf("saving the download: %w", err)
		}
		return p, nil
	}
	return "", fmt.Errorf("saving the download: %d files called like %s in %s", maxCopies, name, dir)
}

// copyName returns name for i = 0 and "stem (i).ext" after.
func copyName(name string, i int) string {
	if i == 0 {
		return name
	}
	stem, ext := splitExt(name)
	return stem + " (" + strconv.Itoa(i) + ")" + ext
}
