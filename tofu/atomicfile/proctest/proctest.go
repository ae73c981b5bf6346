// Package proctest runs jobs in child processes, for tests of files that
// several processes share: two processes writing at once, a process
// killed in the middle of a write.
//
// A child is the package's test binary run again: the package's TestMain
// hands it to Main with the jobs it knows, and Main runs the job the child
// was started for instead of the tests.
//
//	func TestMain(m *testing.M) {
//		proctest.Main(m, proctest.Jobs{"add": addJob})
//	}
//
//	func addJob(args []string) error {
//		s, err := Open(args[0])
//		...
//		proctest.Ready() // the parent's WaitReady returns
//		if err := proctest.AwaitGo(); err != nil { // until the parent's Go
//			return err
//		}
//		...
//	}
//
//	func TestTwoProcesses(t *testing.T) {
//		c := proctest.Start(t, "add", path)
//		c.WaitReady()
//		c.Go()
//		if err := c.Wait(); err != nil { ... }
//	}
//
// A job's standard error is the parent's; its standard output, with
// Start, is watched for Ready and otherwise copied to the parent's
// standard error.
package proctest

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"
)

// jobEnv names the environment variable that tells Main, in a child, which
// job to run.
const jobEnv = "PROPUS_PROCTEST_JOB"

// readyLine is what Ready writes to the standard output.
const readyLine = "proctest: ready\n"

// readyTimeout is how long WaitReady waits.
const readyTimeout = 10 * time.Second

// Jobs maps job names to what a child does for them. A job gets the
// arguments given to Command or Start; its error ends the child with
// status 1.
type Jobs map[string]func(args []string) error

// Main is the body of a TestMain. In a child started by Command or Start
// it runs the child's job and exits: with status 0 if the job returns nil,
// else with the error on the standard error and status 1. Otherwise it runs
// the tests and exits with their status.
func Main(m *testing.M, jobs Jobs) {
	name, ok := os.LookupEnv(jobEnv)
	if !ok {
		os.Exit(m.Run())
	}
	job := jobs[name]
	if job == nil {
		fmt.Fprintf(os.Stderr, "proctest: unknown job %q\n", name)
		os.Exit(2)
	}
	if err := job(os.Args[1:]); err != nil {
		fmt.Fprintf(os.Stderr, "proctest: job %s: %v\n", name, err)
		os.Exit(1)
	}
	os.Exit(0)
}

// Command returns a command that runs job with args in a child process:
// this test binary again, which Main turns into the job. Its standard
// error is the parent's; the rest is the caller's to set up. Under the race
// detector the child does not wait a second before it exits, as it would
// by default.
func Command(t testing.TB, job string, args ...string) *exec.Cmd {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(exe, args...)
	// The race detector waits a second before a process exits, unless
	// told not to (GORACE's own setting, if any, comes later and wins).
	race := strings.TrimSpace("atexit_sleep_ms=0 " + os.Getenv("GORACE"))
	cmd.Env = append(os.Environ(), jobEnv+"="+job, "GORACE="+race)
	cmd.Stderr = os.Stderr
	return cmd
}

// Ready, in a job, tells the parent that the job is under way: the
// parent's Child.WaitReady returns.
func Ready() {
	_, _ = os.Stdout.WriteString(readyLine)
}

// AwaitGo, in a job, waits for the parent's Child.Go. A job started by
// Command rather than Start gets no Go and does not wait.
func AwaitGo() error {
	_, err := io.Copy(io.Discard, os.Stdin)
	return err
}

// Child is a job running in a child process, started by Start.
type Child struct {
	Cmd *exec.Cmd

	t     testing.TB
	stdin io.WriteCloser
	ready chan struct{} // closed when the job has called Ready
}

// Start starts job with args in a child process, as Command makes it.
// When the test ends the child is killed if it still runs, and waited for.
func Start(t testing.TB, job string, args ...string) *Child {
	t.Helper()
	c := &Child{Cmd: Command(t, job, args...), t: t, ready: make(chan struct{})}
	c.Cmd.Stdout = &readyWatcher{ready: c.ready}
	stdin, err := c.Cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	c.stdin = stdin
	if err := c.Cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = c.Cmd.Process.Kill()
		_ = c.Cmd.Wait()
	})
	return c
}

// WaitReady waits until the job calls Ready. It fails the test if the job
// does not within ten seconds.
func (c *Child) WaitReady() {
	c.t.Helper()
	select {
	case <-c.ready:
	case <-time.After(readyTimeout):
		c.t.Fatalf("proctest: child %v was not ready after %v", c.Cmd.Args, readyTimeout)
	}
}

// Go lets the job's AwaitGo return.
func (c *Child) Go() {
	_ = c.stdin.Close()
}

// Kill kills the child (SIGKILL on Unix: it cannot clean up) and waits for
// it to end.
func (c *Child) Kill() {
	c.t.Helper()
	if err := c.Cmd.Process.Kill(); err != nil {
		c.t.Fatal(err)
	}
	_ = c.Cmd.Wait()
}

// Wait waits for the child to end and returns its error, if any (an
// *exec.ExitError if the job failed).
func (c *Child) Wait() error {
	return c.Cmd.Wait()
}

// readyWatcher is a child's standard output: it closes ready when it sees
// Ready's line and copies everything else to the standard error.
type readyWatcher struct {
	ready chan struct{}
	once  sync.Once
	line  []byte // the unfinished line
}

func (w *readyWatcher) Write(p []byte) (int, error) {
	w.line = append(w.line, p...)
	for {
		i := bytes.IndexByte(w.line, '\n')
		if i < 0 {
			return len(p), nil
		}
		if line := w.line[:i+1]; string(line) == readyLine {
			w.once.Do(func() { close(w.ready) })
		} else {
			_, _ = os.Stderr.Write(line)
		}
		w.line = w.line[i+1:]
	}
}
