package dialog

import (
	"net/url"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"propus/browser/bookmarks"
	"propus/browser/keys"
	"propus/browser/style"
	"propus/client"
	"propus/client/identity"
	"propus/tofu"
)

// The dialogs are tested here on their own: Update called directly, the
// command it returns run to see what the dialog reports. No server.

func shared(overrides map[string][]string) *Shared {
	return &Shared{Styles: style.PlainStyles(), Keys: keys.With(overrides)}
}

func press(k string) tea.KeyPressMsg {
	special := map[string]tea.Key{
		"enter": {Code: tea.KeyEnter}, "esc": {Code: tea.KeyEscape}, "tab": {Code: tea.KeyTab},
		"down": {Code: tea.KeyDown}, "up": {Code: tea.KeyUp}, "right": {Code: tea.KeyRight},
		"shift+tab": {Code: tea.KeyTab, Mod: tea.ModShift},
	}
	if k, ok := special[k]; ok {
		return tea.KeyPressMsg(k)
	}
	r := []rune(k)[0]
	return tea.KeyPressMsg{Code: r, Text: k}
}

// report runs cmd and returns what it reports (nil for no command).
func report(cmd tea.Cmd) tea.Msg {
	if cmd == nil {
		return nil
	}
	return cmd()
}

func mustURL(t *testing.T, s string) *url.URL {
	t.Helper()
	u, err := url.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func screen(d Dialog, w, h int) string { return strings.Join(d.View(w, h), "\n") }

func TestRedirectEnterNeverFollows(t *testing.T) {
	t.Parallel()
	sh := shared(nil)
	d := NewRedirect(sh, mustURL(t, "gemini://a.example/x"), mustURL(t, "gemini://b.example/y"), client.StatusRedirect, "tag")
	if cmd, done := d.Update(press("enter")); cmd != nil || done {
		t.Fatalf("enter: cmd %v, done %t", report(cmd), done)
	}
	if !strings.Contains(screen(d, 80, 20), "Follow this redirect to another server?") {
		t.Errorf("the view:\n%s", screen(d, 80, 20))
	}
	cmd, done := d.Update(press("f"))
	if got := report(cmd); !done || got != (RedirectAnswer{Tag: "tag", Follow: true}) {
		t.Errorf("f: %#v, done %t", got, done)
	}
	cmd, done = NewRedirect(sh, d.from, d.to, client.StatusRedirect, 7).Update(press("esc"))
	if got := report(cmd); !done || got != (RedirectAnswer{Tag: 7}) {
		t.Errorf("esc: %#v, done %t", got, done)
	}
}

// A [keys] override reaches the dialog: the key, its help line and the
// answers it draws.
func TestRedirectKeysOverride(t *testing.T) {
	t.Parallel()
	sh := shared(map[string][]string{"follow_redirect": {"F"}})
	d := NewRedirect(sh, mustURL(t, "gemini://a.example/x"), mustURL(t, "gemini://b.example/y"), client.StatusRedirect, nil)
	if cmd, done := d.Update(press("f")); cmd != nil || done {
		t.Error("f still follows after follow_redirect = F")
	}
	if cmd, done := d.Update(press("F")); !done || report(cmd) != (RedirectAnswer{Follow: true}) {
		t.Error("F does not follow")
	}
	if h := d.ShortHelp()[0].Help(); h.Key != "F" || h.Desc != "follow it" {
		t.Errorf("help %+v", h)
	}
	if !strings.Contains(screen(d, 80, 20), "F     follow it") {
		t.Errorf("the view:\n%s", screen(d, 80, 20))
	}
}

func TestCertNamedKeys(t *testing.T) {
	t.Parallel()
	changed := &tofu.ChangedError{Address: "a.example:1965",
		Old: tofu.Host{Fingerprint: "SHA256:old", Expires: time.Now().Add(time.Hour)},
		New: tofu.Host{Fingerprint: "SHA256:new", Expires: time.Now().Add(2 * time.Hour)}}
	for k, want := range map[string]CertChoice{"o": CertOnce, "a": CertAlways, "esc": CertCancel} {
		d := NewCert(shared(nil), changed, k)
		if cmd, done := d.Update(press("enter")); cmd != nil || done {
			t.Fatalf("enter answered: %v", report(cmd))
		}
		cmd, done := d.Update(press(k))
		if got := report(cmd); !done || got != (CertAnswer{Tag: k, Choice: want}) {
			t.Errorf("%s: %#v", k, got)
		}
	}
	// Too short a screen: the answers stay, the details scroll.
	d := NewCert(shared(nil), changed, nil)
	first := d.View(40, 8)
	d.Update(press("j"))
	second := d.View(40, 8)
	if len(first) != 8 || first[0] == second[0] || first[7] != second[7] || !strings.Contains(first[7], "pin it") {
		t.Errorf("scrolling:\n%s\n--\n%s", strings.Join(first, "\n"), strings.Join(second, "\n"))
	}
}

func TestQuestion(t *testing.T) {
	t.Parallel()
	sh := shared(nil)
	yes := func() tea.Msg { return "yes" }
	no := func() tea.Msg { return "no" }
	q := NewQuestion(sh, "Remove it?\nA long line", no, Answer{Key: Bind(sh.Keys.Yes, "remove it"), Cmd: yes})
	if cmd, done := q.Update(press("enter")); cmd != nil || done {
		t.Error("enter answered a question")
	}
	if v := screen(q, 40, 10); !strings.Contains(v, "y     remove it") || !strings.Contains(v, "esc   cancel") {
		t.Errorf("the view:\n%s", v)
	}
	if cmd, done := q.Update(press("y")); !done || report(cmd) != "yes" {
		t.Error("y did not answer")
	}
	if cmd, done := q.Update(press("esc")); !done || report(cmd) != "no" {
		t.Error("esc did not cancel")
	}
}

func TestInput(t *testing.T) {
	t.Parallel()
	sh := shared(nil)
	u := mustURL(t, "gemini://a.example/ask")
	d, _ := NewInput(sh, u, "Your name?", false, "tag")
	for _, r := range "Ada Lovelace" {
		d.Update(tea.KeyPressMsg{Code: r, Text: string(r)})
	}
	cmd, done := d.Update(press("enter"))
	got, ok := report(cmd).(InputAnswer)
	if !done || !ok || got.URL.String() != "gemini://a.example/ask?Ada%20Lovelace" || got.Tag != "tag" {
		t.Errorf("enter: %#v, done %t", report(cmd), done)
	}
	// Too long: refused, and the dialog stays.
	d, _ = NewInput(sh, u, "", false, nil)
	d.line.SetValue(strings.Repeat("x", client.MaxURLLength))
	if cmd, done := d.Update(press("enter")); cmd != nil || done || !strings.Contains(screen(d, 80, 20), "bytes too long") {
		t.Errorf("too long an answer was not refused:\n%s", screen(d, 80, 20))
	}
	cmd, done = d.Update(press("esc"))
	if c, ok := report(cmd).(Cancelled); !done || !ok || c.Note != "Cancelled: nothing was sent" {
		t.Errorf("esc: %#v", report(cmd))
	}
	// A sensitive prompt is masked and has no multi-line field.
	d, _ = NewInput(sh, u, "Password", true, nil)
	d.Update(tea.KeyPressMsg{Code: 's', Text: "s"})
	d.Update(tea.KeyPressMsg{Code: 'e', Mod: tea.ModCtrl})
	if v := screen(d, 80, 20); strings.Contains(v, "> s") || d.multi || !strings.Contains(v, "Masked") {
		t.Errorf("the sensitive view:\n%s", v)
	}
}

func TestIdentityPickAndScope(t *testing.T) {
	t.Parallel()
	sh := shared(nil)
	dir := t.TempDir()
	store := identity.Store{Dir: dir}
	alice, err := identity.Create("alice", identity.ECDSAP256, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	if err := store.Add(alice); err != nil {
		t.Fatal(err)
	}
	u := mustURL(t, "gemini://a.example/private/x")
	d, list := NewIdentity(sh, IdentityRequest{URL: u, Status: client.StatusCertificateRequired, Store: store, Now: time.Now()}, "tag")
	if v := screen(d, 80, 20); !strings.Contains(v, "Looking for identities") {
		t.Errorf("before the list:\n%s", v)
	}
	d.Update(report(list))
	if v := screen(d, 80, 20); !strings.Contains(v, "alice") || !strings.Contains(v, "Create a new identity") {
		t.Fatalf("the list:\n%s", v)
	}
	d.Update(press("enter")) // picks alice
	if cmd, done := d.Update(press("enter")); cmd != nil || done {
		t.Error("enter chose where to send the identity")
	}
	cmd, done := d.Update(press("w"))
	got, ok := report(cmd).(IdentityChosen)
	if !done || !ok || got.Identity.Name != "alice" || got.Use != UseHost || got.Scope.Path != "/" || got.Tag != "tag" {
		t.Errorf("w: %#v", report(cmd))
	}
}

func TestBookmarkEditor(t *testing.T) {
	t.Parallel()
	d, _ := NewBookmark(shared(nil), "gemini://a.example/", bookmarks.Bookmark{Title: "A"}, false)
	d.Update(press("tab"))
	for _, r := range "news/" {
		d.Update(tea.KeyPressMsg{Code: r, Text: string(r)})
	}
	cmd, done := d.Update(press("enter"))
	got, ok := report(cmd).(BookmarkEdited)
	if !done || !ok || got.Bookmark.Title != "A" || got.Bookmark.Folder != "news" || got.Bookmark.URL != "gemini://a.example/" {
		t.Errorf("enter: %#v", report(cmd))
	}
	cmd, _ = d.Update(press("esc"))
	if c, ok := report(cmd).(Cancelled); !ok || c.Note != "Not bookmarked" {
		t.Errorf("esc: %#v", report(cmd))
	}
}

func TestOutlineAndHelp(t *testing.T) {
	t.Parallel()
	sh := shared(nil)
	o := NewOutline(sh, []Heading{{Line: 0, Level: 1, Text: "One"}, {Line: 9, Level: 2, Text: "Two"}}, 0)
	o.Update(press("j"))
	if cmd, done := o.Update(press("enter")); !done || report(cmd) != (OutlineJump{Line: 9}) {
		t.Errorf("enter: %#v", report(cmd))
	}
	h := NewHelp(sh, sh.Keys, "Pages: about:home")
	first := h.View(40, 5)
	if _, done := h.Update(press("j")); done {
		t.Fatal("j closed the help")
	}
	if second := h.View(40, 5); first[1] == second[1] && first[0] == second[0] {
		t.Error("j did not scroll the help")
	}
	if _, done := h.Update(press("x")); !done {
		t.Error("another key did not close the help")
	}
}

func TestPrompt(t *testing.T) {
	t.Parallel()
	sh := shared(nil)
	d, _ := NewOpen(sh, []string{"gemini://a.example/"}, "")
	for _, r := range "b.example" {
		d.Update(tea.KeyPressMsg{Code: r, Text: string(r)})
	}
	if cmd, done := d.Update(press("enter")); !done || report(cmd) != (Opened{Value: "b.example"}) {
		t.Errorf("enter: %#v", report(cmd))
	}
	s, _ := NewSearch(sh, "needle")
	if !strings.Contains(s.StatusLine(60), "needle (enter repeats)") {
		t.Errorf("status line %q", s.StatusLine(60))
	}
	if cmd, done := s.Update(press("enter")); !done || report(cmd) != (Searched{}) {
		t.Errorf("enter alone: %#v", report(cmd))
	}
}

// The stack gives keys and the mouse to the top dialog only, other
// messages to all, and takes off a dialog that is done.
func TestStack(t *testing.T) {
	t.Parallel()
	sh := shared(nil)
	var s Stack
	q := NewQuestion(sh, "Below?", nil)
	r := NewRedirect(sh, mustURL(t, "gemini://a.example/"), mustURL(t, "gemini://b.example/"), client.StatusRedirect, nil)
	s.Push(q)
	s.Push(r)
	s.Update(tea.MouseClickMsg{Button: tea.MouseLeft})
	if s.Len() != 2 || s.Top() != r {
		t.Fatal("a click changed the stack")
	}
	s.Update(press("esc")) // the redirect's
	if s.Len() != 1 || s.Top() != q {
		t.Fatalf("esc: %d dialogs, top %T", s.Len(), s.Top())
	}
	s.Update(press("esc"))
	if s.Len() != 0 || s.Top() != nil {
		t.Fatal("the stack is not empty")
	}
}

// The page info puts a value too wide for its row under its label, or
// wraps it under itself; any key closes it.
func TestInfo(t *testing.T) {
	t.Parallel()
	long := "SHA256:" + strings.Repeat("ab", 32)
	d := NewInfo(shared(nil), []Field{{Label: "URL", Value: "gemini://a.example/"}, {Label: "Cert", Value: long}})
	v := screen(d, 40, 20)
	if !strings.Contains(v, "URL       gemini://a.example/") || !strings.Contains(v, "Cert      SHA256:") || strings.Contains(v, long) {
		t.Errorf("40 columns:\n%s", v)
	}
	if v := screen(d, 75, 20); !strings.Contains(v, "Cert\n  "+long) {
		t.Errorf("75 columns:\n%s", v)
	}
	if _, done := d.Update(press("x")); !done {
		t.Error("a key did not close it")
	}
}

// A 61 or 62 to a request that sent no identity never says one was sent.
func TestIdentityNoneSent(t *testing.T) {
	t.Parallel()
	u := mustURL(t, "gemini://a.example/x")
	for status, want := range map[client.Status]string{
		client.StatusCertificateNotAuthorised: "does not authorise this page (no identity was sent)",
		client.StatusCertificateNotValid:      "asks for a valid certificate (no identity was sent)",
	} {
		d, _ := NewIdentity(shared(nil), IdentityRequest{URL: u, Status: status, Store: identity.Store{Dir: t.TempDir()}}, nil)
		if v := screen(d, 100, 20); !strings.Contains(v, want) || strings.Contains(v, "sent here") {
			t.Errorf("%d:\n%s", status, v)
		}
	}
}
