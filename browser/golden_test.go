package browser

import (
	"fmt"
	"net"
	"regexp"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"

	"propus/browser/content"
	"propus/browser/internal/golden"
	"propus/client"
	"propus/testserver"
	"propus/tofu"
)

// fixture has every gemtext line type, wide and right-to-left text, a long
// line and a word longer than any line, and preformatted art with alt text
// and a line wider than the screen.
var fixture = "# Propus fixture page\n" +
	"A plain paragraph, long enough to be wrapped at forty columns and at eighty columns too, since it goes on.\n" +
	"\n" +
	"## Second level heading\n" +
	"### Third level heading\n" +
	"* A list item that wraps around at forty columns to show its hanging indent.\n" +
	"* Short item\n" +
	"> A quote that wraps at forty columns and shows its bar on every row.\n" +
	"=> /next Next page\n" +
	"=> gemini://example.org/ Example capsule\n" +
	"=> https://example.com/ The web, which leaves Gemini\n" +
	"=> /no-label\n" +
	"CJK: 日本語のテキストは単語の間に空白がないので文字の間で折り返されます。\n" +
	"Emoji: 👨‍👩‍👧‍👦 🇯🇵 👍🏽 ❤️ and text after them.\n" +
	"RTL: שלום עולם. مرحبا بالعالم. Mixed.\n" +
	"Word: Pneumonoultramicroscopicsilicovolcanoconiosis-Pneumonoultramicroscopicsilicovolcanoconiosis-Pneumonoultramicroscopicsilicovolcanoconiosis\n" +
	"```ASCII art: a cat\n" +
	" /\\_/\\\n" +
	"( o.o )\n" +
	" > ^ <   " + strings.Repeat("=", 130) + "|\n" +
	"```\n" +
	"The end.\n"

var (
	portRE = regexp.MustCompile(`(localhost|127\.0\.0\.1):\d+`)
	fpRE   = regexp.MustCompile(`SHA256:[0-9a-fA-F:]+`)
	dateRE = regexp.MustCompile(`\d{4}-\d{2}-\d{2}`)
)

// normalize replaces what changes from run to run: the server's port,
// certificate fingerprints and dates.
func normalize(s string) string {
	s = portRE.ReplaceAllString(s, "$1:PORT")
	s = fpRE.ReplaceAllString(s, "SHA256:FP")
	return dateRE.ReplaceAllString(s, "YYYY-MM-DD")
}

// pages returns every screen of the tab's page, paging down with space
// from the top until the end shows, separated by a marker row.
func (d *driver) pages() string {
	d.t.Helper()
	var screens []string
	d.press("g")
	for i := 0; ; i++ {
		screens = append(screens, d.screen())
		if d.m.tab().Page.View.AtEnd() {
			break
		}
		if i == 20 {
			d.t.Fatal("the page never ended")
		}
		d.press("space")
	}
	return strings.Join(screens, "\n~~~~ space ~~~~\n")
}

// checkFrame checks that the frame has exactly h rows of exactly w cells.
func checkFrame(t *testing.T, frame string, w, h int) {
	t.Helper()
	rows := strings.Split(frame, "\n")
	if len(rows) != h {
		t.Fatalf("the frame has %d rows, want %d:\n%s", len(rows), h, ansi.Strip(frame))
	}
	for i, r := range rows {
		if got := ansi.StringWidth(r); got != w {
			t.Fatalf("row %d is %d cells wide, want %d: %q", i, got, w, ansi.Strip(r))
		}
	}
}

// closedPort returns an address on 127.0.0.1 where nothing listens.
func closedPort(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return addr
}

func TestGoldenFixture(t *testing.T) {
	t.Parallel()
	ts := serve(t, map[string]string{"/fixture.gmi": fixture})
	for _, size := range []struct{ w, h int }{{40, 20}, {80, 24}, {120, 30}} {
		t.Run(fmt.Sprintf("%dx%d", size.w, size.h), func(t *testing.T) {
			d := newDriver(t, size.w, size.h, false, ts.URL+"/fixture.gmi")
			d.waitLoaded()
			checkFrame(t, d.m.screen(), size.w, size.h)
			golden.Check(t, fmt.Sprintf("fixture-%dx%d", size.w, size.h), normalize(d.pages()))
		})
	}
}

func TestGoldenNoColor(t *testing.T) {
	t.Parallel()
	ts := serve(t, map[string]string{"/fixture.gmi": fixture})
	d := newDriver(t, 80, 24, true, ts.URL+"/fixture.gmi")
	d.waitLoaded()
	var screens []string
	d.press("g")
	for i := 0; ; i++ {
		frame := d.m.screen()
		if strings.ContainsRune(frame, '\x1b') {
			t.Fatalf("the NoColor frame holds an escape: %q", frame)
		}
		checkFrame(t, frame, 80, 24)
		screens = append(screens, frame)
		if d.m.tab().Page.View.AtEnd() || i == 20 {
			break
		}
		d.press("space")
	}
	// The overlays and the status pages must have no colour either.
	for _, k := range []string{"?", "i", "O"} {
		d.press(k)
		if frame := d.m.screen(); strings.ContainsRune(frame, '\x1b') {
			t.Fatalf("the NoColor frame after %q holds an escape: %q", k, frame)
		}
		d.press("esc")
	}
	golden.Check(t, "nocolor-80x24", normalize(strings.Join(screens, "\n~~~~ space ~~~~\n")))
}

func TestGoldenOverlays(t *testing.T) {
	t.Parallel()
	ts := serve(t, map[string]string{"/fixture.gmi": fixture})
	d := newDriver(t, 80, 24, false, ts.URL+"/fixture.gmi")
	d.waitLoaded()

	d.press("?")
	golden.Check(t, "help-80x24", normalize(d.screen()))
	d.press("esc")

	d.press("O")
	golden.Check(t, "outline-80x24", normalize(d.screen()))
	d.press("esc")

	d.press("i")
	s := d.screen()
	for _, want := range []string{
		"URL       " + ts.URL + "/fixture.gmi",
		"Status    20 ",
		"Meta      text/gemini",
		"Type      text/gemini",
		"Size      " + content.HumanSize(int64(len(fixture))) + ", 22 lines, 4 links",
		"TLS       TLS 1.3",
		"\n  " + fingerprint(ts) + " ", // under its label, whole
		"Subject   CN=localhost",
		"Trust     first visit: pinned now",
	} {
		if !strings.Contains(s, want) {
			t.Errorf("the info overlay lacks %q:\n%s", want, s)
		}
	}
	golden.Check(t, "info-80x24", normalize(s))
	d.press("esc")
	if d.m.dialogs.Len() != 0 {
		t.Errorf("a key left the info overlay open (%T)", d.m.dialogs.Top())
	}
}

func TestGoldenStatusPages(t *testing.T) {
	t.Parallel()
	mux := testserver.NewMux()
	mux.Handle("/missing", testserver.Reply(client.StatusNotFound, "There is no such page here"))
	ts := testserver.NewServer(t, mux)

	d := newDriver(t, 80, 24, false, ts.URL+"/missing")
	d.waitFor("There is no such page here")
	golden.Check(t, "status51-80x24", normalize(d.screen()))

	d = newDriver(t, 80, 24, false, "gemini://"+closedPort(t)+"/")
	d.waitFor("Could not load the page")
	golden.Check(t, "refused-80x24", normalize(d.screen()))
}

// fingerprint is the pin of the certificate ts presents now.
func fingerprint(ts *testserver.TestServer) string { return tofu.PublicKeyPin(ts.Certificate()) }
