//go:build !unix && !windows

package atomicfile

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
	"time"
)

// staleAfter is how old a lock file must be before a waiter takes it to be
// left over by a crashed process and removes it. Holders keep the lock for a
// few milliseconds, so a minute is far beyond any real holder.
const staleAfter = time.Minute

var (
	inProcessMu sync.Mutex
	inProcess   = map[string]*sync.Mutex{}
)

// Lock takes an exclusive lock on path + ".lock", waiting for as long as
// another holder has it, and returns the function that releases it. The
// parent directory must exist.
//
// This is the fallback for systems with neither flock nor LockFileEx (Plan 9,
// js/wasm, wasip1). Within one process a mutex per path serialises callers;
// across processes the lock is the existence of the lock file, created with
// O_EXCL (mode 0600) and removed on unlock, with polling while it exists. A
// process that dies holding the lock leaves the file behind; a lock file
// older than one minute is taken to be such a leftover and removed. Two
// waiters that both find the same stale file could, in a narrow race, both
// believe they hold the lock.
//
// Calling unlock more than once is harmless; only the first call does
// anything.
func Lock(path string) (unlock func() error, err error) {
	name := path + ".lock"
	key, err := filepath.Abs(name)
	if err != nil {
		key = name
	}
	inProcessMu.Lock()
	mu := inProcess[key]
	if mu == nil {
		mu = new(sync.Mutex)
		inProcess[key] = mu
	}
	inProcessMu.Unlock()
	mu.Lock()

	delay := time.Millisecond
	for {
		f, err := os.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if err == nil {
			fmt.Fprintf(f, "%d\n", os.Getpid())
			_ = f.Close()
			break
		}
		if !errors.Is(err, fs.ErrExist) {
			mu.Unlock()
			return nil, err
		}
		if fi, serr := os.Stat(name); serr == nil && time.Since(fi.ModTime()) > staleAfter {
			_ = os.Remove(name)
			continue
		}
		time.Sleep(delay)
		delay = min(2*delay, 100*time.Millisecond)
	}
	var once sync.Once
	return func() error {
		err := error(nil)
		once.Do(func() {
			err = os.Remove(name)
			mu.Unlock()
			if err != nil {
				err = fmt.Errorf("unlocking: %w", err)
			}
		})
		return err
	}, nil
}
