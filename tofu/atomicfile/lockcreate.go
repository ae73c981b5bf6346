package atomicfile

import (
	"os"
	"path/filepath"
)

// LockCreate creates the directory of path (with mode dirPerm) if it is
// missing and takes the lock of path, as Lock does. The returned unlock
// releases it; releasing a lock held cannot usefully fail, so it returns
// nothing. It is the first step of every locked store update: lock,
// re-read, change, WriteFile.
func LockCreate(path string, dirPerm os.FileMode) (unlock func(), err error) {
	if err := os.MkdirAll(filepath.Dir(path), dirPerm); err != nil {
		return nil, err
	}
	release, err := Lock(path)
	if err != nil {
		return nil, err
	}
	return func() { _ = release() }, nil
}
