//go:build unix

package atomicfile

import (
	"errors"
	"os"
	"syscall"
)

// SyncDir fsyncs a directory so that a rename inside it is durable. File
// systems that cannot sync a directory (EINVAL, ENOTSUP) are not an error:
// there is nothing more that can be done on them.
func SyncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	err = d.Sync()
	if cerr := d.Close(); err == nil {
		err = cerr
	}
	if errors.Is(err, syscall.EINVAL) || errors.Is(err, syscall.ENOTSUP) {
		return nil
	}
	return err
}
