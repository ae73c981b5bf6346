package atomicfile

import (
	"os"
	"path/filepath"
	"testing"
)

func TestLockCreate(t *testing.T) {
	path := filepath.Join(t.TempDir(), "a", "b", "store")
	unlock, err := LockCreate(path, 0o700)
	if err != nil {
		t.Fatal(err)
	}
	st, err := os.Stat(filepath.Dir(path))
	if err != nil || !st.IsDir() || st.Mode().Perm() != 0o700 {
		t.Fatalf("directory: %v %v", st, err)
	}
	unlock()
	// The lock is free again: taking it does not block.
	again, err := LockCreate(path, 0o700)
	if err != nil {
		t.Fatal(err)
	}
	again()
	file := filepath.Join(filepath.Dir(path), "a-file")
	if err := os.WriteFile(file, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := LockCreate(filepath.Join(file, "x"), 0o700); err == nil {
		t.Error("LockCreate under a regular file succeeded")
	}
}
