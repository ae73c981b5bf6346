package identity

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"testing"
	"time"

	"propus/tofu/atomicfile/proctest"
)

// TestMain lets the tests run jobs in child processes (see proctest).
func TestMain(m *testing.M) {
	proctest.Main(m, proctest.Jobs{
		"scopes":        scopesJob,
		"scopes-stream": scopesStreamJob,
		"add":           addJob,
		"add-stream":    addStreamJob,
	})
}

// scopeFor is the I-th scope a job gives the identity name.
func scopeFor(name string, i int) Scope {
	sc, err := ParseScope(fmt.Sprintf("gemini://%s.example/%d/", name, i))
	if err != nil {
		panic(err)
	}
	return sc
}

// addScope loads the scopes file at path, gives the identity name its I-th
// scope and saves the file, as a propus command does.
func addScope(path, name string, i int) error {
	s, err := LoadScopes(path)
	if err != nil {
		return err
	}
	if err := s.Add(name, scopeFor(name, i)); err != nil {
		return err
	}
	return s.Save()
}

// scopesJob PATH NAME COUNT: announce, wait for the go, then add COUNT
// scopes for NAME, each with its own LoadScopes and Save.
func scopesJob(args []string) error {
	path, name := args[0], args[1]
	n, err := strconv.Atoi(args[2])
	if err != nil {
		return err
	}
	proctest.Ready()
	if err := proctest.AwaitGo(); err != nil {
		return err
	}
	for i := range n {
		if err := addScope(path, name, i); err != nil {
			return err
		}
	}
	return nil
}

// scopesStreamJob PATH NAME: add scopes 0, 1, ... for NAME until killed.
func scopesStreamJob(args []string) error {
	for i := 0; ; i++ {
		if err := addScope(args[0], args[1], i); err != nil {
			return err
		}
		if i == 0 {
			proctest.Ready()
		}
	}
}

// addJob DIR PREFIX COUNT: announce, wait for the go, then add COUNT new
// identities PREFIX-N to the store in DIR.
func addJob(args []string) error {
	s, prefix := Store{Dir: args[0]}, args[1]
	n, err := strconv.Atoi(args[2])
	if err != nil {
		return err
	}
	proctest.Ready()
	if err := proctest.AwaitGo(); err != nil {
		return err
	}
	for i := range n {
		if err := createAdd(s, fmt.Sprintf("%s-%d", prefix, i)); err != nil {
			return err
		}
	}
	return nil
}

// addStreamJob DIR: add identities id-0, id-1, ... until killed.
func addStreamJob(args []string) error {
	s := Store{Dir: args[0]}
	for i := 0; ; i++ {
		if err := createAdd(s, "id-"+strconv.Itoa(i)); err != nil {
			return err
		}
		if i == 0 {
			proctest.Ready()
		}
	}
}

func createAdd(s Store, name string) error {
	id, err := Create(name, Ed25519, time.Hour)
	if err != nil {
		return err
	}
	return s.Add(id)
}

// TestTwoProcessesSavingScopes runs two child processes that each load
// the scopes file, add a scope of their own and save it, over and over,
// at the same time. Save merges, so every scope of both is in the file.
func TestTwoProcessesSavingScopes(t *testing.T) {
	if testing.Short() {
		t.Skip("starts child processes")
	}
	path := filepath.Join(t.TempDir(), "data", "scopes")
	const perProcess = 20
	names := []string{"alice", "bob"}
	var children []*proctest.Child
	for _, name := range names {
		children = append(children, proctest.Start(t, "scopes", path, name, strconv.Itoa(perProcess)))
	}
	for _, c := range children {
		c.WaitReady()
	}
	for _, c := range children {
		c.Go()
	}
	for _, c := range children {
		if err := c.Wait(); err != nil {
			t.Fatalf("child: %v", err)
		}
	}
	s, err := LoadScopes(path)
	if err != nil {
		t.Fatalf("the file does not load: %v", err)
	}
	kept := 0
	for name, scopes := range s.List() {
		for _, sc := range scopes {
			var i int
			if _, err := fmt.Sscanf(sc.Path, "/%d/", &i); err != nil || sc != scopeFor(name, i) {
				t.Errorf("%s has scope %s, which no job gave it", name, sc)
			}
			kept++
		}
	}
	if kept != len(names)*perProcess {
		t.Errorf("the file keeps %d of the %d scopes added: Save lost another process's:\n%v", kept, len(names)*perProcess, s.List())
	}
}

// TestKillDuringScopesSave kills a process in the middle of a stream of
// scope additions, several times on one file: each time the file loads
// and holds a prefix of the stream.
func TestKillDuringScopesSave(t *testing.T) {
	if testing.Short() {
		t.Skip("starts child processes")
	}
	path := filepath.Join(t.TempDir(), "scopes")
	if err := addScope(path, "before", 0); err != nil {
		t.Fatal(err)
	}
	for round := range 5 {
		name := "r" + strconv.Itoa(round)
		c := proctest.Start(t, "scopes-stream", path, name)
		c.WaitReady()
		time.Sleep(time.Duration(5+round*7) * time.Millisecond)
		c.Kill()
		s, err := LoadScopes(path)
		if err != nil {
			t.Fatalf("round %d: after the kill: %v", round, err)
		}
		m := s.List()
		if len(m) != round+2 || len(m["before"]) != 1 {
			t.Fatalf("round %d: the file holds %v", round, m)
		}
		got := m[name]
		for i := range got {
			if want := scopeFor(name, i); !slices.Contains(got, want) {
				t.Fatalf("round %d: %d scopes, but not %s: not a prefix of the stream", round, len(got), want)
			}
		}
	}
}

// TestTwoProcessesAddingIdentities runs two child processes adding
// identities to one store at the same time: every one is there, whole.
func TestTwoProcessesAddingIdentities(t *testing.T) {
	if testing.Short() {
		t.Skip("starts child processes")
	}
	dir := filepath.Join(t.TempDir(), "identities")
	const perProcess = 10
	prefixes := []string{"p1", "p2"}
	var children []*proctest.Child
	for _, p := range prefixes {
		children = append(children, proctest.Start(t, "add", dir, p, strconv.Itoa(perProcess)))
	}
	for _, c := range children {
		c.WaitReady()
	}
	for _, c := range children {
		c.Go()
	}
	for _, c := range children {
		if err := c.Wait(); err != nil {
			t.Fatalf("child: %v", err)
		}
	}
	ids, err := Store{Dir: dir}.List()
	if err != nil {
		t.Fatal(err)
	}
	if len(ids) != len(prefixes)*perProcess {
		t.Errorf("the store holds %d identities, want %d", len(ids), len(prefixes)*perProcess)
	}
}

// TestKillDuringAdd kills a process in the middle of a stream of Creates
// and Adds: every identity is either absent or whole and loadable. Add
// writes the key, then the certificate, so a kill between the two leaves
// a key without its certificate: no identity, which List skips and the
// next Add of the name replaces.
func TestKillDuringAdd(t *testing.T) {
	if testing.Short() {
		t.Skip("starts child processes")
	}
	dir := t.TempDir()
	s := Store{Dir: dir}
	for round := range 5 {
		c := proctest.Start(t, "add-stream", dir)
		c.WaitReady()
		time.Sleep(time.Duration(5+round*7) * time.Millisecond)
		c.Kill()
		for i := 0; ; i++ {
			name := "id-" + strconv.Itoa(i)
			certPath, keyPath := s.paths(name)
			hasCert, hasKey := present(certPath), present(keyPath)
			if !hasCert && !hasKey {
				break
			}
			if hasKey && !hasCert {
				// The kill came between the two writes: the key must
				// still be whole.
				keyPEM, err := os.ReadFile(keyPath)
				if err == nil {
					_, err = parsePrivateKey(keyPEM)
				}
				if err != nil {
					t.Fatalf("round %d: %s, left without its certificate, is not a whole key: %v", round, keyPath, err)
				}
				if _, err := s.Get(name); !errors.Is(err, ErrNotFound) {
					t.Fatalf("round %d: a key without its certificate is got as %v, want not found", round, err)
				}
				if err := createAdd(s, name); err != nil {
					t.Fatalf("round %d: adding %s again over the leftover key: %v", round, name, err)
				}
				continue
			}
			if _, err := s.Get(name); err != nil {
				t.Fatalf("round %d: %s does not load: %v", round, name, err)
			}
		}
		if _, err := s.List(); err != nil {
			t.Fatalf("round %d: List after the kill: %v", round, err)
		}
		if err := os.RemoveAll(dir); err != nil {
			t.Fatal(err)
		}
	}
}
