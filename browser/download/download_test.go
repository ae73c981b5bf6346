package download

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"

	"propus/browser/dialog"
	"propus/browser/keys"
	"propus/browser/style"
	"propus/client"
	"propus/testserver"
)

func shared() *dialog.Shared {
	return &dialog.Shared{Styles: style.PlainStyles(), Keys: keys.DefaultKeyMap()}
}

func TestOpenersFor(t *testing.T) {
	t.Parallel()
	o := Openers{"image/*": "feh %s", "https": "firefox"}
	if o.For("image/png", "image/*", "*/*") != "feh %s" || o.For("text/plain", "text/*") != "" || o.For("https") != "firefox" {
		t.Error("For")
	}
}

// fetch returns an open 2x response of the server.
func fetch(t *testing.T, s *testserver.TestServer, path string) *client.Response {
	t.Helper()
	u, err := client.ParseURL(s.URL + path)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := (&client.Client{}).Do(t.Context(), &client.Request{URL: u})
	if err != nil {
		t.Fatal(err)
	}
	return resp
}

// The question offers saving, and opening when an opener fits; Enter
// answers nothing; esc closes the response.
func TestAsk(t *testing.T) {
	t.Parallel()
	s := testserver.NewServer(t, testserver.Page("image/png", "\x89PNG"))
	resp := fetch(t, s, "/cat.png")
	q := Ask(shared(), resp, "cat.png", "image/png", "/tmp/dl", Openers{"image/*": "feh %s"})
	view := strings.Join(q.View(80, 10), "\n")
	for _, want := range []string{"Not a page: cat.png (image/png)", "s     save to /tmp/dl", "o     open with feh"} {
		if !strings.Contains(view, want) {
			t.Errorf("the question lacks %q:\n%s", want, view)
		}
	}
	if cmd, done := q.Update(tea.KeyPressMsg{Code: tea.KeyEnter}); cmd != nil || done {
		t.Error("enter answered")
	}
	cmd, done := q.Update(tea.KeyPressMsg{Code: 'o', Text: "o"})
	if got, ok := cmd().(StartMsg); !done || !ok || got.Opener != "feh %s" || got.Name != "cat.png" || got.Dir != "/tmp/dl" {
		t.Errorf("o: %#v", got)
	}
}

// Two downloads each keep their own progress; each ends with its own
// message, and the set forgets it.
func TestSet(t *testing.T) {
	t.Parallel()
	mux := testserver.NewMux()
	mux.Handle("/a", testserver.Page("application/octet-stream", strings.Repeat("a", 3000)))
	mux.Handle("/b", testserver.Page("application/octet-stream", "b"))
	s := testserver.NewServer(t, mux)
	dir := t.TempDir()
	var set Set
	var cmds []tea.Cmd
	for _, name := range []string{"a", "b"} {
		ctx, cancel := context.WithCancel(t.Context())
		cmds = append(cmds, set.Start(ctx, cancel, StartMsg{Resp: fetch(t, s, "/"+name), Dir: dir, Name: name + ".bin"}))
	}
	if st := set.Status(); set.Len() != 2 || !strings.HasPrefix(st, "Saving a.bin ") || !strings.Contains(st, " · b.bin ") {
		t.Fatalf("status %q", st)
	}
	for i, cmd := range cmds {
		done := cmd().(DoneMsg)
		text, isErr := set.Done(done)
		if isErr || text != "Saved "+filepath.Join(dir, []string{"a", "b"}[i]+".bin") || set.Len() != 1-i {
			t.Errorf("done %d: %q, %t, %d left", i, text, isErr, set.Len())
		}
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "a.bin")); len(b) != 3000 {
		t.Errorf("a.bin holds %d bytes", len(b))
	}
	// A cancelled one fails, and leaves nothing.
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	text, isErr := set.Done(set.Start(ctx, cancel, StartMsg{Resp: fetch(t, s, "/a"), Dir: dir, Name: "c.bin"})().(DoneMsg))
	if !isErr || !strings.HasPrefix(text, "Download failed: ") {
		t.Errorf("cancelled: %q", text)
	}
	if _, err := os.Stat(filepath.Join(dir, "c.bin")); err == nil {
		t.Error("a cancelled download left its file")
	}
}
