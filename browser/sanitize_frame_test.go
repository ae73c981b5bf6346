package browser

import (
	"strings"
	"testing"

	"propus/client"
	"propus/testserver"
)

// evil is every kind of terminal control a hostile server might send. The
// word PAYLOAD sits inside the sequences only: if it ever shows on screen,
// a sequence was cut rather than removed whole. It has no space, so it can
// stand in a link's URL.
const evil = "\x1b[31m" + // colour
	"\x1b[2J\x1b[H\x1b[10;5H\x1b[3A" + // clear screen, cursor moves
	"\x1b]52;c;PAYLOAD\x07" + // OSC 52: write the clipboard
	"\x1b]8;;gemini://PAYLOAD/\x1b\\" + // OSC 8: a hyperlink
	"\x1b]0;PAYLOAD\x07\x1b]2;PAYLOAD\x1b\\" + // window title
	"\x07" + // BEL
	"\x1bP1$rPAYLOAD\x1b\\" + // DCS
	"\x1b_PAYLOAD\x1b\\\x1b^PAYLOAD\x1b\\" + // APC, PM
	"\u009b31m\u009d0;PAYLOAD\u009c\u0090PAYLOAD\u009c\u0085\u008d" + // C1 controls, UTF-8 encoded
	"\x9b\x9d" + // C1 as raw bytes (invalid UTF-8)
	"\x00\x08\x0b\x0c\x0e\x1f\x7f" + // other C0 controls, DEL
	"\x1bc\x1b7\x1b8\x1b(0" + // reset, save/restore cursor, line drawing charset
	"\x1b[0m"

// hostile is a page with evil in every kind of line.
var hostile = "# Heading " + evil + " title\n" +
	"Body " + evil + " text, and a carriage\rreturn.\n" +
	"=> /next?" + evil + " Link label " + evil + " one\n" +
	"=> /bare" + evil + "\n" +
	"=> https://example.com/" + evil + " Away " + evil + "\n" +
	"* Item " + evil + "\n" +
	"> Quote " + evil + "\n" +
	"## Second " + evil + "\n" +
	"```alt " + evil + "\n" +
	"pre " + evil + " formatted\n" +
	"```\n" +
	"Tabs\tand " + evil + " end.\n"

// checkClean fails the test if the frame holds any escape but SGR, any
// control character but LF, or a piece of a sequence; or if the window
// title holds a control character.
func checkClean(t *testing.T, d *driver, where string) {
	t.Helper()
	frame := d.m.screen()
	rest := sgrOnly.ReplaceAllString(frame, "")
	for i, r := range rest {
		if r == '\n' {
			continue
		}
		if r < 0x20 || r == 0x7f || r >= 0x80 && r <= 0x9f {
			t.Errorf("%s: the frame holds %U at byte %d: %q", where, r, i, around(rest, i))
			return
		}
	}
	// An error may quote bytes Go-style ("\x1b]0;PAYLOAD"): harmless text.
	if s := d.screen(); strings.Contains(s, "PAYLOAD") && !strings.Contains(s, `\x1b`) {
		t.Errorf("%s: a piece of an escape sequence shows on screen:\n%s", where, s)
	}
	title := d.m.View().WindowTitle
	for _, r := range title {
		if r < 0x20 || r == 0x7f || r >= 0x80 && r <= 0x9f {
			t.Errorf("%s: the window title holds %U: %q", where, r, title)
		}
	}
	if strings.Contains(title, "PAYLOAD") {
		t.Errorf("%s: the window title holds a piece of a sequence: %q", where, title)
	}
	checkFrame(t, frame, d.m.width, d.m.height)
}

func around(s string, i int) string {
	return s[max(i-30, 0):min(i+30, len(s))]
}

func hostileServer(t *testing.T) *testserver.TestServer {
	mux := testserver.NewMux()
	mux.Handle("/page", testserver.Page("text/gemini", hostile))
	mux.Handle("/next", testserver.Page("text/gemini", "# Next "+evil+"\n"))
	mux.Handle("/bare.*", testserver.Page("text/gemini", "# Bare\n"))
	mux.Handle("/plain", testserver.Page("text/plain", hostile))
	mux.Handle("/51", testserver.Reply(client.StatusNotFound, "Gone "+evil))
	mux.Handle("/10", testserver.Reply(client.StatusInput, "Your name "+evil))
	mux.Handle("/11", testserver.Reply(client.StatusSensitiveInput, "Password "+evil))
	mux.Handle("/31", testserver.Reply(client.StatusPermanentRedirect, "/next"+evil))
	mux.Handle("/44", testserver.Reply(client.StatusSlowDown, "Wait "+evil))
	mux.Handle("/60", testserver.Reply(client.StatusCertificateRequired, "Show me "+evil))
	mux.Handle("/mime", testserver.Page("text/gemini"+evil, hostile))
	mux.Handle("/lang", testserver.Page("text/gemini; lang="+evil, hostile))
	mux.Handle("/charset", testserver.Page("text/plain; charset="+evil, hostile))
	mux.Handle("/image", testserver.Page("image/png; name="+evil, "\x89PNG"))
	mux.Handle("/raw-header", testserver.Raw("2"+evil+"\r\n"))
	mux.Handle("/raw-meta", testserver.Raw("20 text/gemini"+evil+"\r\n"+hostile))
	return testserver.NewServer(t, mux)
}

func TestSanitizeHostilePage(t *testing.T) {
	t.Parallel()
	ts := hostileServer(t)
	d := newDriver(t, 80, 24, false, ts.URL+"/page")
	d.waitLoaded()
	if !strings.Contains(d.screen(), "Body") || !strings.Contains(d.screen(), "Link label") {
		t.Fatalf("the page did not show:\n%s", d.screen())
	}
	checkClean(t, d, "page")

	steps := []struct {
		name string
		keys []string
	}{
		{"selected link", []string{"tab"}},
		{"copy", []string{"y"}},
		{"second link", []string{"tab"}},
		{"copy bare URL", []string{"y"}},
		{"source", []string{"\\"}},
		{"source scrolled", []string{"G", ">"}},
		{"page again", []string{"\\", "g"}},
		{"info", []string{"i"}},
		{"outline", []string{"esc", "O"}},
		{"outline moved", []string{"j"}},
		{"search prompt", []string{"esc", "/"}},
	}
	for _, s := range steps {
		d.press(s.keys...)
		checkClean(t, d, s.name)
	}
	d.typeText("label")
	d.settle()
	checkClean(t, d, "search typed")
	d.press("enter")
	checkClean(t, d, "search result")
	d.press("n")
	checkClean(t, d, "next match")

	// An external link asks, showing its URL.
	d.press("3")
	if !strings.Contains(d.screen(), "leaves Gemini") {
		t.Fatalf("link 3 did not ask:\n%s", d.screen())
	}
	checkClean(t, d, "external question")
	d.press("esc")

	// The link in a new tab: two tab titles in the bar.
	d.press("esc", "g", "tab")
	d.pressNoWait("T")
	checkClean(t, d, "loading in a new tab")
	d.waitLoaded()
	checkClean(t, d, "new tab")
	d.press("g", "t")
	checkClean(t, d, "first tab again")

	// Follow the bare link (its URL is shown as its label).
	d.pressNoWait("2")
	checkClean(t, d, "loading bare link")
	d.waitLoaded()
	checkClean(t, d, "bare link")

	// The URL prompt with the history's suggestions.
	d.press("o")
	d.typeText("gemini://")
	d.settle()
	checkClean(t, d, "open prompt")
	d.press("esc")
}

func TestSanitizeHostileReplies(t *testing.T) {
	t.Parallel()
	ts := hostileServer(t)
	for _, path := range []string{
		"/plain", "/51", "/10", "/11", "/31", "/44", "/60",
		"/mime", "/lang", "/charset", "/image", "/raw-header", "/raw-meta",
	} {
		t.Run(strings.TrimPrefix(path, "/"), func(t *testing.T) {
			t.Parallel()
			d := newDriver(t, 80, 24, false, ts.URL+path)
			d.waitUntil(func() bool {
				tb := d.m.tab()
				return d.asking() || d.m.dialogs.Top() != nil || tb.Loading == "" && tb.Page != nil && !tb.Page.Loading
			}, "the reply")
			checkClean(t, d, path)
			d.press("x") // clears the status message
			checkClean(t, d, path+" without message")
			if d.asking() || d.m.dialogs.Top() != nil {
				d.press("esc")
				checkClean(t, d, path+" question closed")
				return
			}
			d.press("i")
			checkClean(t, d, path+" info")
			d.press("esc", "\\")
			checkClean(t, d, path+" source")
			d.press("\\", "1")
			checkClean(t, d, path+" link 1")
			d.settle()
		})
	}
}

// TestSanitizeTitleAndTabs checks the window title and the tab bar, which
// show a page's first heading.
func TestSanitizeTitleAndTabs(t *testing.T) {
	t.Parallel()
	ts := hostileServer(t)
	d := newDriver(t, 120, 30, false, ts.URL+"/page", ts.URL+"/next", ts.URL+"/51")
	d.waitLoaded()
	for i := range 3 {
		checkClean(t, d, "tab "+itoa(i+1))
		if got := d.m.View().WindowTitle; !strings.Contains(got, " — propus") {
			t.Errorf("tab %d: window title %q", i+1, got)
		}
		d.press("g", "t")
	}
	if got, want := d.m.View().WindowTitle, "Heading"; !strings.HasPrefix(got, want) {
		t.Errorf("window title %q, want it to start with %q", got, want)
	}
}
