package tofu

import (
	"crypto/x509"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"

	"propus/tofu/atomicfile/proctest"
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

// TestMain lets the tests run jobs in child processes (see proctest).
func TestMain(m *testing.M) {
	proctest.Main(m, proctest.Jobs{"add": addJob, "churn": churnJob})
}

// addJob PATH PREFIX COUNT CERT: announce, wait for the go, then pin COUNT
// hosts named PREFIX-N.example to the DER certificate in the file CERT.
func addJob(args []string) error {
	path, prefix := args[0], args[1]
	n, err := strconv.Atoi(args[2])
	if err != nil {
		return err
	}
	cert, err := readCert(args[3])
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
		if _, err := s.Check(fmt.Sprintf("%s-%02d.example", prefix, i), []*x509.Certificate{cert}); err != nil {
			return err
		}
	}
	return nil
}

// churnJob PATH CERT: pin and forget hosts until killed.
func churnJob(args []string) error {
	cert, err := readCert(args[1])
	if err != nil {
		return err
	}
	s, err := Open(args[0])
	if err != nil {
		return err
	}
	for i := 0; ; i++ {
		addr := fmt.Sprintf("churn-%03d.example", i%300)
		if _, err := s.Check(addr, []*x509.Certificate{cert}); err != nil {
			return err
		}
		if i%3 == 0 {
			if err := s.Forget(addr); err != nil {
				return err
			}
		}
		if i == 0 {
			proctest.Ready()
		}
	}
}

// writeCert writes a new certificate to a file for the jobs and returns
// the certificate and the file.
func writeCert(t *testing.T) (*x509.Certificate, string) {
	cert := selfSigned(t, t0.AddDate(1, 0, 0))
	name := filepath.Join(t.TempDir(), "cert.der")
	if err := os.WriteFile(name, cert.Raw, 0o600); err != nil {
		t.Fatal(err)
	}
	return cert, name
}

func readCert(name string) (*x509.Certificate, error) {
	der, err := os.ReadFile(name)
	if err != nil {
		return nil, err
	}
	return x509.ParseCertificate(der)
}

// TestTwoProcessesOneFile runs two child processes and this one adding
// hosts to one file at the same moment: none is lost.
func TestTwoProcessesOneFile(t *testing.T) {
	if testing.Short() {
		t.Skip("starts child processes")
	}
	path := filepath.Join(t.TempDir(), "data", "known_hosts")
	cert, certFile := writeCert(t)
	const perProcess = 25
	var children []*proctest.Child
	for _, prefix := range []string{"p1", "p2"} {
		children = append(children, proctest.Start(t, "add", path, prefix, strconv.Itoa(perProcess), certFile))
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
		mustCheck(t, s, fmt.Sprintf("p0-%02d.example", i), cert)
	}
	for _, c := range children {
		if err := c.Wait(); err != nil {
			t.Fatalf("child: %v", err)
		}
	}
	if n := len(fileHosts(t, path)); n != 3*perProcess {
		t.Errorf("file holds %d hosts, want %d", n, 3*perProcess)
	}
}

// TestKillDuringWrites kills a process that is busy rewriting the file:
// the file always parses, and holds what was there before it started.
func TestKillDuringWrites(t *testing.T) {
	if testing.Short() {
		t.Skip("starts child processes")
	}
	path := filepath.Join(t.TempDir(), "known_hosts")
	cert, certFile := writeCert(t)
	s, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	mustCheck(t, s, "before.example", cert)
	for round := range 5 {
		c := proctest.Start(t, "churn", path, certFile)
		c.WaitReady()
		time.Sleep(time.Duration(5+round*7) * time.Millisecond)
		c.Kill()
		hosts := fileHosts(t, path)
		if _, ok := hosts["before.example:1965"]; !ok {
			t.Fatalf("round %d: the host pinned before is gone", round)
		}
		// The next process carries on from what is there.
		mustCheck(t, s, fmt.Sprintf("after-%d.example", round), cert)
	}
}
