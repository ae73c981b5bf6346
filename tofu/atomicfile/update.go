package atomicfile

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
)

// Update is a store's whole read-modify-write cycle on path: it creates
// the directory of path (dirPerm) if it is missing, takes the lock of path
// (LockCreate), reads the file afresh (a missing file reads as nil, so
// that what another process wrote is never lost), and calls change with
// what it read. If change returns write true, its data replaces the file
// atomically with mode perm (WriteFile); if it returns false or an error,
// the file is left as it is. The lock is released before Update returns.
//
// The error is change's own, as it returned it, or the lock's, the read's
// or the write's.
func Update(path string, dirPerm, perm os.FileMode, change func(old []byte) (data []byte, write bool, err error)) error {
	unlock, err := LockCreate(path, dirPerm)
	if err != nil {
		return err
	}
	defer unlock()
	old, err := os.ReadFile(path)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	data, write, err := change(old)
	if err != nil || !write {
		return err
	}
	return WriteFile(path, data, perm)
}

// Read reads a store's file at path and parses it with parse. A missing
// file is the zero T (an empty store), not an error; an error reading it
// names store ("could not read the history file: open …").
func Read[T any](store, path string, parse func(path string, data []byte) (T, error)) (T, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		var zero T
		return zero, nil
	}
	if err != nil {
		var zero T
		return zero, fmt.Errorf("could not read the %s file: %w", store, err)
	}
	return parse(path, data)
}
