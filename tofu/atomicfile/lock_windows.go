//go:build windows

package atomicfile

import (
	"fmt"
	"os"
	"sync"
	"syscall"
	"unsafe"
)

var (
	kernel32         = syscall.NewLazyDLL("kernel32.dll")
	procLockFileEx   = kernel32.NewProc("LockFileEx")
	procUnlockFileEx = kernel32.NewProc("UnlockFileEx")
)

const (
	lockfileExclusiveLock = 0x2
	allBytes              = ^uint32(0)
)

// Lock takes an exclusive lock on path + ".lock", waiting for as long as
// another holder has it, and returns the function that releases it. The lock
// file is created if it is missing and is never removed. The parent
// directory must exist.
//
// On Windows the lock is LockFileEx on the whole lock file: it excludes
// other processes and other Lock calls in the same process, and Windows
// releases it when the holder dies.
//
// Calling unlock more than once is harmless; only the first call does
// anything.
func Lock(path string) (unlock func() error, err error) {
	name := path + ".lock"
	f, err := os.OpenFile(name, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, err
	}
	var ol syscall.Overlapped
	r1, _, e1 := procLockFileEx.Call(f.Fd(), lockfileExclusiveLock, 0,
		uintptr(allBytes), uintptr(allBytes), uintptr(unsafe.Pointer(&ol)))
	if r1 == 0 {
		_ = f.Close()
		return nil, &os.PathError{Op: "LockFileEx", Path: name, Err: e1}
	}
	var once sync.Once
	return func() error {
		err := error(nil)
		once.Do(func() {
			var ol syscall.Overlapped
			r1, _, e1 := procUnlockFileEx.Call(f.Fd(), 0,
				uintptr(allBytes), uintptr(allBytes), uintptr(unsafe.Pointer(&ol)))
			if r1 == 0 {
				err = &os.PathError{Op: "UnlockFileEx", Path: name, Err: e1}
			}
			if cerr := f.Close(); err == nil {
				err = cerr
			}
			if err != nil {
				err = fmt.Errorf("unlocking: %w", err)
			}
		})
		return err
	}, nil
}
