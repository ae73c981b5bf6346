//go:build unix

package bookmarks

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// helperEnv turns TestHelperProcess into a child process doing one job.
const helperEnv = "BOOKMARKS_TEST_HELPER"

// helperCommand returns a command that re-runs this test binary as a child
// doing job with args (see TestHelperProcess).
func helperCommand(t *testing.T, job string, args ...string) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(os.Args[0], append([]string{"-test.run=^TestHelperProcess$", "--"}, args...)...)
	cmd.Env = append(os.Environ(), helperEnv+"="+job)
	cmd.Stderr = os.Stderr
	return cmd
}

// TestHelperProcess is not a test: it is the body of the child processes
// that the tests below start. Arguments follow "--".
func TestHelperProcess(t *testing.T) {
	job := os.Getenv(helperEnv)
	if job == "" {
		return
	}
	args := os.Args
	for i, a := range args {
		if a == "--" {
			args = args[i+1:]
			break
		}
	}
	if err := runHelper(job, args); err != nil {
		fmt.Fprintln(os.Stderr, "helper:", err)
		os.Exit(1)
	}
	os.Exit(0)
}

func runHelper(job string, args []string) error {
	switch job {
	case "add": // add PATH PREFIX COUNT READY GO: announce, wait for GO, add COUNT bookmarks
		path, prefix, ready, start := args[0], args[1], args[3], args[4]
		n, err := strconv.Atoi(args[2])
		if err != nil {
			return err
		}
		s, err := Open(path)
		if err != nil {
			return err
		}
		if err := os.WriteFile(ready, nil, 0o600); err != nil {
			return err
		}
		if !waitForFile(start) {
			return errors.New("no start signal")
		}
		for i := range n {
			b := Bookmark{Title: prefix + " " + strconv.Itoa(i), URL: fmt.Sprintf("gemini://%s-%02d.example/", prefix, i), Folder: prefix, Tags: []string{prefix}}
			if err := s.Add(b); err != nil {
				return err
			}
		}
		return nil
	case "churn": // churn PATH: add and remove large bookmarks until killed
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
				fmt.Println("writing") // tells the parent the loop runs
			}
		}
	case "fsize": // fsize PATH LIMIT: with files capped at LIMIT bytes, add a larger bookmark
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
	return fmt.Errorf("unknown job %q", job)
}

func waitForFile(name string) bool {
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); {
		if _, err := os.Stat(name); err == nil {
			return true
		}
		time.Sleep(2 * time.Millisecond)
	}
	return false
}

// TestTwoProcessesOneFile runs two child processes and this one adding
// bookmarks to one file at the same moment: none is lost.
func TestTwoProcessesOneFile(t *testing.T) {
	if testing.Short() {
		t.Skip("starts child processes")
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "data", "bookmarks.xml")
	start := filepath.Join(dir, "go")
	const perProcess = 25
	var cmds []*exec.Cmd
	for _, prefix := range []string{"p1", "p2"} {
		ready := filepath.Join(dir, prefix+".ready")
		cmd := helperCommand(t, "add", path, prefix, strconv.Itoa(perProcess), ready, start)
		cmd.Stdout = os.Stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		cmds = append(cmds, cmd)
		t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
		if !waitForFile(ready) {
			t.Fatalf("child %s did not start", prefix)
		}
	}
	s, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(start, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	for i := range perProcess {
		mustAdd(t, s, Bookmark{Title: "p0", URL: fmt.Sprintf("gemini://p0-%02d.example/", i)})
	}
	for _, cmd := range cmds {
		if err := cmd.Wait(); err != nil {
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
		cmd := helperCommand(t, "churn", path)
		out, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		if line, err := bufio.NewReader(out).ReadString('\n'); err != nil || line != "writing\n" {
			_ = cmd.Process.Kill()
			_ = cmd.Wait()
			t.Fatalf("child did not start writing: %q, %v", line, err)
		}
		time.Sleep(time.Duration(5+round*7) * time.Millisecond)
		if err := cmd.Process.Kill(); err != nil {
			t.Fatal(err)
		}
		_ = cmd.Wait()
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
	cmd := helperCommand(t, "fsize", path, "4096")
	var stdout bytes.Buffer
	cmd.Stdout = &stdout
	if err := cmd.Run(); err != nil {
		t.Fatalf("child: %v", err)
	}
	t.Logf("child: %s", stdout.String())
	if !strings.Contains(stdout.String(), "not saved") || !strings.Contains(stdout.String(), "atomicfile: writing") {
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
