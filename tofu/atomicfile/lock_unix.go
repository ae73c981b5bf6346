//go:build unix

package atomicfile

import (
	"fmt"
	"os"
	"sync"
	"syscall"
)

// Lock takes an exclusive advisory lock on path + ".lock", waiting for as
// long as another holder has it, and returns the function that releases it.
// The lock file is created with mode 0600 if it is missing and is never
// removed (removing a lock file while others wait on it breaks the lock).
// The parent directory must exist.
//
// On Unix the lock is flock(2): it excludes other processes and other
// Lock calls in the same process alike, and the kernel releases it when the
// holder dies, so a crash never leaves a stale lock behind. It is advisory:
// it only keeps out code that also calls Lock.
//
// Calling unlock more than once is harmless; only the first call does
// anything.
func Lock(path string) (unlock func() error, err error) {
	name := path + ".lock"
	f, err := os.OpenFile(name, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, err
	}
	fd := int(f.Fd())
	for {
		err = syscall.Flock(fd, syscall.LOCK_EX)
		if err != syscall.EINTR {
			break
		}
	}
	if err != nil {
		_ = f.Close()
		return nil, &os.PathError{Op: "flock", Path: name, Err: err}
	}
	var once sync.Once
	return func() error {
		err := error(nil)
		once.Do(func() {
			// LOCK_UN first: a child forked between our open and its exec
			// may briefly share the descriptor, and Close alone would leave
			// the lock held until that child execs.
			err = syscall.Flock(fd, syscall.LOCK_UN)
			if cerr := f.Close(); err == nil {
				err = cerr
			}
			if err != nil {
				err = fmt.Errorf("unlocking %s: %w", name, err)
			}
		})
		return err
	}, nil
}
