//go:build unix

package feeds

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// helperEnv turns TestHelperProcess into a child process doing one job.
const helperEnv = "FEEDS_TEST_HELPER"

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

// subscribeAndRefresh subscribes s to n feeds named after prefix and
// refreshes each with two posts, then marks everything read every few
// feeds.
func subscribeAndRefresh(s *Store, prefix string, n int) error {
	for i := range n {
		u := fmt.Sprintf("gemini://%s-%02d.example/", prefix, i)
		if err := s.Subscribe(u, prefix); err != nil {
			return err
		}
		f := Feed{Title: prefix + " " + strconv.Itoa(i), Entries: []Entry{
			{URL: u + "1.gmi", Title: "one", Published: t0},
			{URL: u + "2.gmi", Title: "two", Published: t0.Add(time.Hour)},
		}}
		if added, err := s.Refreshed(u, f, nil); err != nil || added != 2 {
			return fmt.Errorf("Refreshed %s: %d, %v", u, added, err)
		}
		if i%5 == 0 {
			if err := s.MarkAllRead(); err != nil {
				return err
			}
		}
	}
	return nil
}

func runHelper(job string, args []string) error {
	switch job {
	case "subscribe": // subscribe PATH PREFIX COUNT READY GO: announce, wait for GO, subscribe and refresh
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
		return subscribeAndRefresh(s, prefix, n)
	case "churn": // churn PATH: subscribe, refresh with many entries and unsubscribe until killed
		s, err := Open(args[0])
		if err != nil {
			return err
		}
		title := strings.Repeat("a long title ", 50)
		for i := 0; ; i++ {
			u := fmt.Sprintf("gemini://churn.example/%d/", i%10)
			if err := s.Subscribe(u, title); err != nil {
				return err
			}
			var f Feed
			for j := range 150 {
				f.Entries = append(f.Entries, Entry{URL: fmt.Sprintf("%s%d-%d", u, i, j), Title: title, Published: t0.Add(time.Duration(j) * time.Minute)})
			}
			if _, err := s.Refreshed(u, f, nil); err != nil {
				return err
			}
			if i%3 == 0 {
				if err := s.Unsubscribe(u); err != nil {
					return err
				}
			}
			if i == 0 {
				fmt.Println("writing") // tells the parent the loop runs
			}
		}
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

// TestTwoProcessesOneFile runs two child processes and this one
// subscribing and refreshing on one file at the same moment: nothing is
// lost.
func TestTwoProcessesOneFile(t *testing.T) {
	if testing.Short() {
		t.Skip("starts child processes")
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "data", "feeds")
	start := filepath.Join(dir, "go")
	const perProcess = 20
	var cmds []*exec.Cmd
	for _, prefix := range []string{"p1", "p2"} {
		ready := filepath.Join(dir, prefix+".ready")
		cmd := helperCommand(t, "subscribe", path, prefix, strconv.Itoa(perProcess), ready, start)
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
	s := open(t, path)
	if err := os.WriteFile(start, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := subscribeAndRefresh(s, "p0", perProcess); err != nil {
		t.Error(err)
	}
	for _, cmd := range cmds {
		if err := cmd.Wait(); err != nil {
			t.Fatalf("child: %v", err)
		}
	}
	got := open(t, path)
	if n := len(got.Subscriptions()); n != 3*perProcess {
		t.Errorf("the file holds %d subscriptions, want %d", n, 3*perProcess)
	}
	entries := map[string]bool{}
	for _, e := range got.Entries() {
		entries[e.URL] = true
	}
	for _, p := range []string{"p0", "p1", "p2"} {
		for i := range perProcess {
			u := fmt.Sprintf("gemini://%s-%02d.example/", p, i)
			sub, ok := got.Find(u)
			if !ok || sub.Title != p+" "+strconv.Itoa(i) || sub.Checked.IsZero() {
				t.Errorf("%s: %+v, %v", u, sub, ok)
			}
			if !entries[u+"1.gmi"] || !entries[u+"2.gmi"] {
				t.Errorf("the entries of %s are missing", u)
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
	path := filepath.Join(t.TempDir(), "feeds")
	before := open(t, path)
	if err := before.Subscribe("gemini://before.example/", "Before"); err != nil {
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
		if err := cmd.Process.Kill(); err != nil { // SIGKILL
			t.Fatal(err)
		}
		_ = cmd.Wait()
		s, err := Open(path)
		if err != nil {
			t.Fatalf("round %d: after the kill: %v", round, err)
		}
		if sub, ok := s.Find("gemini://before.example/"); !ok || sub.Title != "Before" {
			t.Fatalf("round %d: the subscription from before is gone", round)
		}
		// The next process carries on from what is there.
		if err := s.Subscribe(fmt.Sprintf("gemini://after-%d.example/", round), ""); err != nil {
			t.Fatal(err)
		}
	}
}
