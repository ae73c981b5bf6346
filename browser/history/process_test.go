package history

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"propus/tofu/atomicfile/proctest"
)

// TestMain lets the tests run jobs in child processes (see proctest).
func TestMain(m *testing.M) {
	proctest.Main(m, proctest.Jobs{"add": addJob, "stream": streamJob})
}

// addJob PATH PREFIX COUNT: announce, wait for the go, then add COUNT
// visits of gemini://PREFIX.example/N.
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
		if err := s.Add(Visit{URL: fmt.Sprintf("gemini://%s.example/%d", prefix, i), Title: prefix}); err != nil {
			return err
		}
	}
	return nil
}

// streamJob PATH PREFIX: add visits of gemini://PREFIX.example/0, 1, ...
// with long titles until killed.
func streamJob(args []string) error {
	path, prefix := args[0], args[1]
	s, err := Open(path)
	if err != nil {
		return err
	}
	title := strings.Repeat("a long title ", 100)
	for i := 0; ; i++ {
		if err := s.Add(Visit{URL: fmt.Sprintf("gemini://%s.example/%d", prefix, i), Title: title}); err != nil {
			return err
		}
		if i == 0 {
			proctest.Ready()
		}
	}
}

// fileVisits parses the file at path strictly, oldest first.
func fileVisits(t *testing.T, path string) []Visit {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	vs, err := parse(path, data)
	if err != nil {
		t.Fatalf("the file does not parse: %v", err)
	}
	return vs
}

// TestTwoProcessesAddingAtOnce runs two child processes adding visits to
// one file at the same moment: none is lost, and each process's visits
// are in the order it added them.
func TestTwoProcessesAddingAtOnce(t *testing.T) {
	if testing.Short() {
		t.Skip("starts child processes")
	}
	path := filepath.Join(t.TempDir(), "data", "history")
	const perProcess = 30
	prefixes := []string{"p1", "p2"}
	var children []*proctest.Child
	for _, p := range prefixes {
		children = append(children, proctest.Start(t, "add", path, p, strconv.Itoa(perProcess)))
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
	vs := fileVisits(t, path)
	if len(vs) != len(prefixes)*perProcess {
		t.Errorf("file holds %d visits, want %d", len(vs), len(prefixes)*perProcess)
	}
	next := map[string]int{} // per prefix, the number expected next
	for _, v := range vs {
		if want := fmt.Sprintf("gemini://%s.example/%d", v.Title, next[v.Title]); v.URL != want {
			t.Fatalf("visit %s, want %s next", v.URL, want)
		}
		next[v.Title]++
	}
}

// TestKillDuringAdds kills a process in the middle of a stream of Adds,
// several times on one file: each time the file parses, keeps what was
// there before, and holds a prefix of the stream.
func TestKillDuringAdds(t *testing.T) {
	if testing.Short() {
		t.Skip("starts child processes")
	}
	path := filepath.Join(t.TempDir(), "history")
	s := open(t, path)
	if err := s.Add(Visit{URL: "gemini://before.example/", Title: "before"}); err != nil {
		t.Fatal(err)
	}
	var kept []string // the URLs the file must still hold, oldest first
	kept = append(kept, "gemini://before.example/")
	for round := range 5 {
		prefix := "r" + strconv.Itoa(round)
		c := proctest.Start(t, "stream", path, prefix)
		c.WaitReady()
		time.Sleep(time.Duration(5+round*7) * time.Millisecond)
		c.Kill()

		vs := fileVisits(t, path)
		if len(vs) < len(kept)+1 {
			t.Fatalf("round %d: the file holds %d visits, want at least %d", round, len(vs), len(kept)+1)
		}
		for i, u := range kept {
			if vs[i].URL != u {
				t.Fatalf("round %d: visit %d is %s, want %s", round, i, vs[i].URL, u)
			}
		}
		for i, v := range vs[len(kept):] {
			if want := fmt.Sprintf("gemini://%s.example/%d", prefix, i); v.URL != want {
				t.Fatalf("round %d: visit %s where %s was due: not a prefix of the stream", round, v.URL, want)
			}
		}
		t.Logf("round %d: the child added %d visits", round, len(vs)-len(kept))
		kept = nil
		for _, v := range vs {
			kept = append(kept, v.URL)
		}
	}
	// The store carries on from what is there.
	if err := s.Add(Visit{URL: "gemini://after.example/"}); err != nil {
		t.Fatal(err)
	}
	if n := len(fileVisits(t, path)); n != len(kept)+1 {
		t.Errorf("after one more Add the file holds %d visits, want %d", n, len(kept)+1)
	}
}
