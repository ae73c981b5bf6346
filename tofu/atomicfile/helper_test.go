package atomicfile

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"testing"
)

// helperEnv names the environment variable that turns TestHelperProcess
// into a child process doing one job for a test in the parent.
const helperEnv = "ATOMICFILE_TEST_HELPER"

// helperCommand returns a command that re-runs this test binary as a child
// doing job with the given arguments (see TestHelperProcess).
func helperCommand(t *testing.T, job string, args ...string) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(os.Args[0], append([]string{"-test.run=^TestHelperProcess$", "--"}, args...)...)
	cmd.Env = append(os.Environ(), helperEnv+"="+job)
	cmd.Stderr = os.Stderr
	return cmd
}

// TestHelperProcess is not a test: it is the body of the child processes
// that helperCommand starts. Arguments follow "--".
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
	case "lock": // lock PATH READY ACQUIRED: announce, lock, report, exit
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
	case "write": // write PATH: alternate two contents until killed
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
				fmt.Println("writing") // tells the parent the loop runs
			}
		}
	}
	return fmt.Errorf("unknown job %q", job)
}

// content returns a recognisable 256 KiB file body: large enough that a
// write takes several system calls, so a torn write would show.
func content(c byte) []byte {
	return append(bytes.Repeat([]byte{c}, 256<<10), '\n')
}
