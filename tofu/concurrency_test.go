package tofu

import (
	"crypto/x509"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"
)

// TestTwoStoresOneFile opens two stores on one file and has each add its
// own hosts at the same time: the file ends up with every host.
func TestTwoStoresOneFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "data", "known_hosts")
	const perStore = 40
	cert := selfSigned(t, t0.AddDate(1, 0, 0))
	var wg sync.WaitGroup
	stores := make([]*Store, 2)
	for i := range stores {
		s, err := Open(path)
		if err != nil {
			t.Fatal(err)
		}
		stores[i] = s
	}
	for i, s := range stores {
		wg.Go(func() {
			for j := range perStore {
				addr := fmt.Sprintf("s%d-h%02d.example", i, j)
				if _, err := s.Check(addr, []*x509.Certificate{cert}); err != nil {
					t.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
	if n := len(fileHosts(t, path)); n != 2*perStore {
		t.Errorf("file holds %d hosts, want %d", n, 2*perStore)
	}
	// The store that wrote last has merged in everything.
	last := 0
	for i, s := range stores {
		if len(s.Hosts()) > len(stores[last].Hosts()) {
			last = i
		}
	}
	if n := len(stores[last].Hosts()); n != 2*perStore {
		t.Errorf("the last writer holds %d hosts, want %d", n, 2*perStore)
	}
}

// TestOtherStoresDecisionsCount: a pin that another store replaced or
// added is seen before a changed key is refused or a first sight recorded.
func TestOtherStoresDecisionsCount(t *testing.T) {
	path := filepath.Join(t.TempDir(), "known_hosts")
	s1, _ := Open(path)
	s2, _ := Open(path)
	for _, s := range []*Store{s1, s2} {
		s.Now = func() time.Time { return t0 }
	}
	a, b := selfSigned(t, t0.AddDate(1, 0, 0)), selfSigned(t, t0.AddDate(1, 0, 0))
	mustCheck(t, s1, "example.com", a)
	mustCheck(t, s2, "example.com", a)

	if err := s1.Trust("example.com", b); err != nil {
		t.Fatal(err)
	}
	if r := mustCheck(t, s2, "example.com", b); r.Outcome != Match {
		t.Errorf("s2 after s1 trusted the new key: %v, want match", r.Outcome)
	}

	mustCheck(t, s1, "new.example", a)
	if _, err := s2.Check("new.example", []*x509.Certificate{b}); err == nil {
		t.Error("s2 recorded a first sight over s1's pin")
	}
	if err := s1.Forget("new.example"); err != nil {
		t.Fatal(err)
	}
	if r := mustCheck(t, s2, "new.example", b); r.Outcome != FirstSight {
		t.Errorf("s2 after s1 forgot the host: %v, want first sight", r.Outcome)
	}
}

// TestConcurrentChecks hammers one store from many goroutines (for the race
// detector): shared and separate hosts, matches and refusals.
func TestConcurrentChecks(t *testing.T) {
	s, path, _ := openStore(t)
	a, b := selfSigned(t, t0.AddDate(1, 0, 0)), selfSigned(t, t0.AddDate(1, 0, 0))
	mustCheck(t, s, "shared.example", a)
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range 10 {
				mustCheckErr(t, s, "shared.example", a, false)
				mustCheckErr(t, s, "shared.example", b, true)
				mustCheckErr(t, s, fmt.Sprintf("g%d-%d.example", g, i), a, false)
				s.Lookup("shared.example")
				s.Hosts()
			}
		})
	}
	wg.Wait()
	if n := len(fileHosts(t, path)); n != 81 {
		t.Errorf("file holds %d hosts, want 81", n)
	}
}

func mustCheckErr(t *testing.T, s *Store, addr string, cert *x509.Certificate, wantErr bool) {
	if _, err := s.Check(addr, []*x509.Certificate{cert}); (err != nil) != wantErr {
		t.Errorf("Check(%s): err = %v, want error: %v", addr, err, wantErr)
	}
}

// helperEnv turns TestHelperProcess into a child process.
const helperEnv = "TOFU_TEST_HELPER"

// TestHelperProcess is not a test: it is the body of the child processes
// that TestTwoProcessesOneFile starts. Arguments after "--":
// PATH PREFIX COUNT READY GO. It announces itself by creating READY, waits
// for GO to exist, then adds COUNT hosts named PREFIX-N.example.
func TestHelperProcess(t *testing.T) {
	if os.Getenv(helperEnv) != "add" {
		return
	}
	args := os.Args
	for i, a := range args {
		if a == "--" {
			args = args[i+1:]
			break
		}
	}
	path, prefix, ready, start := args[0], args[1], args[3], args[4]
	n, _ := strconv.Atoi(args[2])
	cert := selfSigned(t, t0.AddDate(1, 0, 0))
	s, err := Open(path)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	if err := os.WriteFile(ready, nil, 0o600); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	waitForFile(start)
	for i := range n {
		if _, err := s.Check(fmt.Sprintf("%s-%02d.example", prefix, i), []*x509.Certificate{cert}); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
	}
	os.Exit(0)
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
// hosts to one file at the same moment: none is lost.
func TestTwoProcessesOneFile(t *testing.T) {
	if testing.Short() {
		t.Skip("starts child processes")
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "data", "known_hosts")
	start := filepath.Join(dir, "go")
	const perProcess = 25
	var cmds []*exec.Cmd
	for _, prefix := range []string{"p1", "p2"} {
		ready := filepath.Join(dir, prefix+".ready")
		cmd := exec.Command(os.Args[0], "-test.run=^TestHelperProcess$", "--",
			path, prefix, strconv.Itoa(perProcess), ready, start)
		cmd.Env = append(os.Environ(), helperEnv+"=add")
		cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
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
	cert := selfSigned(t, t0.AddDate(1, 0, 0))
	if err := os.WriteFile(start, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	for i := range perProcess {
		mustCheck(t, s, fmt.Sprintf("p0-%02d.example", i), cert)
	}
	for _, cmd := range cmds {
		if err := cmd.Wait(); err != nil {
			t.Fatalf("child: %v", err)
		}
	}
	if n := len(fileHosts(t, path)); n != 3*perProcess {
		t.Errorf("file holds %d hosts, want %d", n, 3*perProcess)
	}
}
