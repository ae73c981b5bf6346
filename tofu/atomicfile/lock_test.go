package atomicfile

import (
	"os"
	"path/filepath"
	"runtime"
	"sync/atomic"
	"testing"
	"time"

	"propus/tofu/atomicfile/proctest"
)

// waitFor polls cond for up to ten seconds.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func exists(name string) bool {
	_, err := os.Stat(name)
	return err == nil
}

func TestLockCreatesPrivateLockFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "f")
	unlock, err := Lock(path)
	if err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(path + ".lock")
	if err != nil {
		t.Fatal(err)
	}
	if runtime.GOOS != "windows" && fi.Mode().Perm() != 0o600 {
		t.Errorf("lock file mode = %v, want 0600", fi.Mode().Perm())
	}
	if exists(path) {
		t.Error("Lock created the file itself")
	}
	if err := unlock(); err != nil {
		t.Fatal(err)
	}
	if err := unlock(); err != nil {
		t.Errorf("second unlock: %v", err)
	}
	// The lock can be taken again once released.
	unlock, err = Lock(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := unlock(); err != nil {
		t.Fatal(err)
	}
}

func TestLockMissingDirectory(t *testing.T) {
	if _, err := Lock(filepath.Join(t.TempDir(), "no", "f")); err == nil {
		t.Fatal("Lock in a missing directory succeeded")
	}
}

func TestLockExcludesGoroutine(t *testing.T) {
	path := filepath.Join(t.TempDir(), "f")
	unlock, err := Lock(path)
	if err != nil {
		t.Fatal(err)
	}
	var acquired atomic.Bool
	done := make(chan struct{})
	go func() {
		defer close(done)
		unlock2, err := Lock(path)
		if err != nil {
			t.Error(err)
			return
		}
		acquired.Store(true)
		_ = unlock2()
	}()
	time.Sleep(100 * time.Millisecond)
	if acquired.Load() {
		t.Fatal("a second Lock got the lock while the first held it")
	}
	if err := unlock(); err != nil {
		t.Fatal(err)
	}
	<-done
	if !acquired.Load() {
		t.Fatal("the second Lock never got the lock")
	}
}

func TestLockExcludesProcess(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a child process")
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "f")
	ready, acquired := filepath.Join(dir, "ready"), filepath.Join(dir, "acquired")

	unlock, err := Lock(path)
	if err != nil {
		t.Fatal(err)
	}
	child := proctest.Start(t, "lock", path, ready, acquired)

	waitFor(t, "the child to start", func() bool { return exists(ready) })
	time.Sleep(200 * time.Millisecond) // give it time to reach Lock and block
	if exists(acquired) {
		t.Fatal("the child got the lock while the parent held it")
	}
	if err := unlock(); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the child to get the lock", func() bool { return exists(acquired) })
	if err := child.Wait(); err != nil {
		t.Fatalf("child: %v", err)
	}
}
