package atomicfile

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// testHook, when set by a test, is called at each step of WriteFile ("write",
// "sync", "close", "rename") and can make that step fail.
var testHook func(step string) error

func hook(step string) error {
	if testHook == nil {
		return nil
	}
	return testHook(step)
}

// WriteFile writes data to path atomically. It creates a temporary file in
// the same directory with permissions perm (before umask) from the start, so
// that a private file is never readable by others even for a moment, writes
// and fsyncs it, renames it over path and then fsyncs the directory so that
// the rename survives a crash.
//
// On any error before the rename the temporary file is removed and path is
// left as it was. If only the final directory sync fails, path already holds
// the new content, but the change might not survive a power cut; the error
// says so.
//
// If path is a symbolic link, the file it points to is replaced and the link
// is kept. The parent directory must exist. An existing file's permissions
// are not carried over: the new file gets perm.
func WriteFile(path string, data []byte, perm os.FileMode) (err error) {
	target := path
	if resolved, rerr := filepath.EvalSymlinks(path); rerr == nil {
		target = resolved
	}
	dir, base := filepath.Split(target)
	if dir == "" {
		dir = "."
	}
	f, err := createTemp(dir, base, perm)
	if err != nil {
		return err
	}
	tmp := f.Name()
	renamed := false
	defer func() {
		if err != nil && !renamed {
			_ = f.Close() // may already be closed; the error is of no interest
			_ = os.Remove(tmp)
		}
	}()

	if err = hook("write"); err == nil {
		_, err = f.Write(data)
	}
	if err != nil {
		return fmt.Errorf("writing %s: %w", tmp, err)
	}
	if err = hook("sync"); err == nil {
		err = f.Sync()
	}
	if err != nil {
		return fmt.Errorf("syncing %s: %w", tmp, err)
	}
	if err = hook("close"); err == nil {
		err = f.Close()
	}
	if err != nil {
		return fmt.Errorf("closing %s: %w", tmp, err)
	}
	if err = hook("rename"); err == nil {
		err = os.Rename(tmp, target)
	}
	if err != nil {
		return err
	}
	renamed = true
	if err = SyncDir(dir); err != nil {
		return fmt.Errorf("%s was replaced, but syncing its directory failed, so the change may not survive a crash: %w", target, err)
	}
	return nil
}

// createTemp creates a new file named like ".base.1a2b3c4d5e6f.tmp" in dir
// with mode perm. os.CreateTemp cannot be used: it always uses mode 0600.
func createTemp(dir, base string, perm os.FileMode) (*os.File, error) {
	var suffix [8]byte
	for range 100 {
		_, _ = rand.Read(suffix[:]) // never fails (crypto/rand.Read panics instead)
		name := filepath.Join(dir, "."+base+"."+hex.EncodeToString(suffix[:])+".tmp")
		f, err := os.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, perm)
		if errors.Is(err, fs.ErrExist) {
			continue
		}
		return f, err
	}
	return nil, fmt.Errorf("creating a temporary file in %s: too many name collisions", dir)
}
