package session

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"propus/tofu/atomicfile/proctest"
)

// TestMain lets the tests run jobs in child processes (see proctest).
func TestMain(m *testing.M) {
	proctest.Main(m, proctest.Jobs{"save": saveJob, "churn": churnJob})
}

// session returns a recognisable session of name with tabs tabs, each
// with a long back list, so that the file takes several writes.
func session(name string, tabs int) Session {
	s := Session{Active: tabs - 1}
	for i := range tabs {
		t := Tab{Current: Entry{URL: fmt.Sprintf("gemini://%s.example/%d", name, i), Line: i, Row: 1}}
		for j := range 50 {
			t.Back = append(t.Back, Entry{URL: fmt.Sprintf("gemini://%s.example/%d/back/%d/%s", name, i, j, strings.Repeat("x", 50)), Line: j})
		}
		s.Tabs = append(s.Tabs, t)
	}
	return s
}

// saveJob PATH NAME COUNT: announce, wait for the go, then save
// session(NAME, 1), session(NAME, 2), ... COUNT sessions.
func saveJob(args []string) error {
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
		if err := Save(path, session(name, 1+i%5)); err != nil {
			return err
		}
	}
	return nil
}

// churnJob PATH NAME: save sessions of NAME until killed.
func churnJob(args []string) error {
	for i := 0; ; i++ {
		if err := Save(args[0], session(args[1], 1+i%5)); err != nil {
			return err
		}
		if i == 0 {
			proctest.Ready()
		}
	}
}

// loadWhole loads the file at path and checks that it is one of the
// sessions the jobs save for one of names. A missing file is an
// fs.ErrNotExist.
func loadWhole(path string, names ...string) error {
	if _, err := os.Stat(path); err != nil {
		return err
	}
	got, err := Load(path)
	if err != nil {
		return fmt.Errorf("the file does not load: %w", err)
	}
	for _, name := range names {
		for tabs := 1; tabs <= 5; tabs++ {
			if reflect.DeepEqual(got, session(name, tabs)) {
				return nil
			}
		}
	}
	return fmt.Errorf("the file holds a session of %d tabs that no job saved whole", len(got.Tabs))
}

// TestTwoProcessesSavingAtOnce runs two child processes saving their own
// sessions to one file at the same moment while this one reads it: every
// read, and the file at the end, is one whole session of one of them.
func TestTwoProcessesSavingAtOnce(t *testing.T) {
	if testing.Short() {
		t.Skip("starts child processes")
	}
	path := filepath.Join(t.TempDir(), "data", "session")
	names := []string{"p1", "p2"}
	var children []*proctest.Child
	for _, name := range names {
		children = append(children, proctest.Start(t, "save", path, name, "40"))
	}
	for _, c := range children {
		c.WaitReady()
	}
	for _, c := range children {
		c.Go()
	}
	// Read the file while they save.
	stop, read := make(chan struct{}), make(chan error)
	go func() {
		for {
			select {
			case <-stop:
				read <- nil
				return
			default:
			}
			if err := loadWhole(path, names...); err != nil && !errors.Is(err, fs.ErrNotExist) {
				read <- err
				return
			}
			time.Sleep(time.Millisecond)
		}
	}()
	for _, c := range children {
		if err := c.Wait(); err != nil {
			t.Errorf("child: %v", err)
		}
	}
	close(stop)
	if err := <-read; err != nil {
		t.Errorf("while they saved: %v", err)
	}
	if err := loadWhole(path, names...); err != nil {
		t.Errorf("at the end: %v", err)
	}
}

// TestKillDuringSave kills a process that is busy saving sessions: the
// file is always one whole session it saved, and the next save works.
func TestKillDuringSave(t *testing.T) {
	if testing.Short() {
		t.Skip("starts child processes")
	}
	path := filepath.Join(t.TempDir(), "session")
	for round := range 5 {
		name := "r" + strconv.Itoa(round)
		c := proctest.Start(t, "churn", path, name)
		c.WaitReady()
		time.Sleep(time.Duration(5+round*7) * time.Millisecond)
		c.Kill()
		if err := loadWhole(path, name); err != nil {
			t.Fatalf("round %d: after the kill: %v", round, err)
		}
	}
	if err := Save(path, session("after", 2)); err != nil {
		t.Fatalf("Save after the kills: %v", err)
	}
	if err := loadWhole(path, "after"); err != nil {
		t.Fatal(err)
	}
}
