package proctest_test

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"propus/tofu/atomicfile/proctest"
)

func TestMain(m *testing.M) {
	proctest.Main(m, proctest.Jobs{
		// touch FILE: announce, wait for the go, create FILE.
		"touch": func(args []string) error {
			proctest.Ready()
			if err := proctest.AwaitGo(); err != nil {
				return err
			}
			return os.WriteFile(args[0], []byte(strings.Join(args, " ")), 0o600)
		},
		"fail": func([]string) error { return errors.New("failed on purpose") },
		"hang": func([]string) error {
			proctest.Ready()
			time.Sleep(time.Hour)
			return nil
		},
	})
}

func TestReadyGo(t *testing.T) {
	file := filepath.Join(t.TempDir(), "touched")
	c := proctest.Start(t, "touch", file, "two words")
	c.WaitReady()
	time.Sleep(20 * time.Millisecond)
	if _, err := os.Stat(file); err == nil {
		t.Fatal("the job did not wait for Go")
	}
	c.Go()
	if err := c.Wait(); err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(file); string(got) != file+" two words" {
		t.Errorf("the job got the arguments %q", got)
	}
}

func TestExitStatus(t *testing.T) {
	for job, want := range map[string]int{"fail": 1, "no such job": 2} {
		cmd := proctest.Command(t, job)
		cmd.Stderr = nil
		err := cmd.Run()
		if ee, ok := errors.AsType[*exec.ExitError](err); !ok || ee.ExitCode() != want {
			t.Errorf("job %q: %v, want exit status %d", job, err, want)
		}
	}
	// Command gives no Go, and AwaitGo does not wait for one.
	file := filepath.Join(t.TempDir(), "touched")
	if err := proctest.Command(t, "touch", file).Run(); err != nil {
		t.Fatal(err)
	}
}

func TestKill(t *testing.T) {
	c := proctest.Start(t, "hang")
	c.WaitReady()
	c.Kill()
	if c.Cmd.ProcessState == nil || c.Cmd.ProcessState.Success() {
		t.Errorf("after Kill: %v", c.Cmd.ProcessState)
	}
}
