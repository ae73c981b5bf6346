package atomicfile

import (
	"bytes"
	"os"
	"testing"

	"propus/tofu/atomicfile/proctest"
)

// TestMain lets the tests run jobs in child processes (see proctest).
func TestMain(m *testing.M) {
	proctest.Main(m, proctest.Jobs{"lock": lockJob, "write": writeJob})
}

// lockJob PATH READY ACQUIRED: announce, lock, report, exit.
func lockJob(args []string) error {
	path, ready, acquired := args[0], args[1], args[2]
	if err := os.WriteFile(ready, nil, 0o600); err != nil {
		return err
	}
	unlock, err := Lock(path)
	if err != nil {
		return err
	}
	if err := os.WriteFile(acquired, nil, 0o600); err != nil {
		return err
	}
	return unlock()
}

// writeJob PATH: alternate two contents until killed.
func writeJob(args []string) error {
	path := args[0]
	a, b := content('a'), content('b')
	for i := 0; ; i++ {
		data := a
		if i%2 == 1 {
			data = b
		}
		if err := WriteFile(path, data, 0o600); err != nil {
			return err
		}
		if i == 0 {
			proctest.Ready()
		}
	}
}

// content returns a recognisable 256 KiB file body: large enough that a
// write takes several system calls, so a torn write would show.
func content(c byte) []byte {
	return append(bytes.Repeat([]byte{c}, 256<<10), '\n')
}
