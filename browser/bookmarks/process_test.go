//go:build unix

package bookmarks

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"propus/tofu/atomicfile/proctest"
)

// TestMain lets the tests run jobs in child processes (see proctest).
func TestMain(m *testing.M) {
	proctest.Main(m, proctest.Jobs{"add": addJob, "churn": churnJob, "fsize": fsizeJob})
}

// addJob PATH PREFIX COUNT: announce, wait for the go, add COUNT bookmarks.
func addJob(args []string) error {
	path, prefix := args[0], args[1]
	n, err := strconv.Atoi(args[2])
	if err != nil {
		return err
	}
	s, err := Open(path)
	if err != nil {
		return err
	}
	proctest.Ready()
	if err := proctest.AwaitGo(); err != nil {
		return err
	}
	for i := range n {
		b := Bookmark{Title: prefix + " " + strconv.Itoa(i), URL: fmt.Sprintf("gemini://%s-%02d.example/", prefix, i), Folder: prefix, Tags: []string{prefix}}
		if err := s.Add(b); err != nil {
			return err
		}
	}
	return nil
}

// churnJob PATH: add and remove large bookmarks until killed.
func churnJob(args []string) error {
	s, err := Open(args[0])
	if err != nil {
		return err
	}
	title := strings.Repeat("long title & <escaped> ", 2000)
	for i := 0; ; i++ {
		u := fmt.Sprintf("gemini://churn.example/%d", i%50)
		if err := s.Add(Bookmark{Title: title, URL: u, Folder: "Churn/" + strconv.Itoa(i%7)}); err != nil {
			return err
		}
		if i%3 == 0 {
			if err := s.Remove(u); err != nil {
				return err
			}
		}
		if i == 0 {
			proctest.Ready()
		}
	}
}

// fsizeJob PATH LIMIT: with files capped at LIMIT bytes, add a larger
// bookmark, and print the error.
func fsizeJob(args []string) error {
	limit, err := strconv.ParseUint(args[1], 10, 64)
	if err != nil {
		return err
	}
	signal.Ignore(syscall.SIGXFSZ) // so that the write fails with EFBIG instead
	if err := syscall.Setrlimit(syscall.RLIMIT_FSIZE, &syscall.Rlimit{Cur: limit, Max: limit}); err != nil {
		return err
	}
	s, err := Open(args[0])
	if err != nil {
		return err
	}
	err = s.Add(Bookmark{Title: strings.Repeat("x", int(4*limit)), URL: "gemini://big.example/"})
	if _, ok := errors.AsType[*SaveError](err); !ok {
		return fmt.Errorf("Add: %v, want a *SaveError", err)
	}
	fmt.Println(err)
	return nil
}

// TestTwoProcessesOneFile runs two child processes and this one adding
// bookmarks to one file at the same moment: none is lost.
func TestTwoProcessesOneFile(t *testing.T) {
	if testing.Short() {
		t.Skip("starts child processes")
	}
	path := filepath.Join(t.TempDir(), "data", "bookmarks.xml")
	const perProcess = 25
	var children []*proctest.Child
	for _, prefix := range []string{"p1", "p2"} {
		children = append(children, proctest.Start(t, "add", path, prefix, strconv.Itoa(perProcess)))
	}
	s, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range children {
		c.WaitReady()
	}
	for _, c := range children {
		c.Go()
	}
	for i := range perProcess {
		mustAdd(t, s, Bookmark{Title: "p0", URL: fmt.Sprintf("gemini://p0-%02d.example/", i)})
	}
	for _, c := range children {
		if err := c.Wait(); err != nil {
			t.Fatalf("child: %v", err)
		}
	}
	got := fileBookmarks(t, path)
	if len(got) != 3*perProcess {
		t.Errorf("file holds %d bookmarks, want %d", len(got), 3*perProcess)
	}
	seen := map[string]bool{}
	for _, b := range got {
		seen[b.URL] = true
	}
	for _, p := range []string{"p0", "p1", "p2"} {
		for i := range perProcess {
			if u := fmt.Sprintf("gemini://%s-%02d.example/", p, i); !seen[u] {
				t.Errorf("%s is missing", u)
			}
		}
	}
}

// TestKillDuringWrites kills a process that is busy rewriting the file:
// the file always parses, and holds what was there before it started.
func TestKillDuringWrites(t *testing.T) {
	if testing.Short() {
		t.Skip("starts child processes")
	}
	path := filepath.Join(t.TempDir(), "bookmarks.xml")
	if err := os.WriteFile(path, []byte(amforaSample), 0o600); err != nil {
		t.Fatal(err)
	}
	for round := range 5 {
		c := proctest.Start(t, "churn", path)
		c.WaitReady()
		time.Sleep(time.Duration(5+round*7) * time.Millisecond)
		c.Kill()
		s, err := Open(path)
		if err != nil {
			t.Fatalf("round %d: after the kill: %v", round, err)
		}
		if _, ok := s.Find("gemini://a.example/"); !ok {
			t.Fatalf("round %d: the bookmark from before is gone", round)
		}
		// The next process carries on from what is there.
		if err := s.Add(Bookmark{URL: fmt.Sprintf("gemini://after-%d.example/", round)}); err != nil {
			t.Fatal(err)
		}
	}
}

// TestFailedWriteKeepsOldFile has a write fail half way (the file size
// limit of a child process is below the new file's size): the file is left
// as it was and the error says the change was not saved.
func TestFailedWriteKeepsOldFile(t *testing.T) {
	if testing.Short() {
		t.Skip("starts child processes")
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "bookmarks.xml")
	if err := os.WriteFile(path, []byte(amforaSample), 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := proctest.Command(t, "fsize", path, "4096")
	var stdout bytes.Buffer
	cmd.Stdout = &stdout
	if err := cmd.Run(); err != nil {
		t.Fatalf("child: %v", err)
	}
	t.Logf("child: %s", stdout.String())
	if !strings.Contains(stdout.String(), "not saved") || !strings.Contains(stdout.String(), "not saved to "+path+": writing") {
		t.Errorf("the error was %q", stdout.String())
	}
	if data, _ := os.ReadFile(path); string(data) != amforaSample {
		t.Errorf("the file changed:\n%s", data)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".tmp") {
			t.Errorf("temporary file %s left behind", e.Name())
		}
	}
}
