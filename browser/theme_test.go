package browser

import (
	"image/color"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"

	"propus/browser/style"
)

const themePage = "# Title\n## Second\n=> /next Next page\n=> https://example.com/ The web\n> A quote\n```\npre\n```\n"

// A theme's colours reach the frame, on dark and light terminals alike;
// the colours it leaves unset stay the built-in ones; NoColor wins.
func TestThemeView(t *testing.T) {
	t.Parallel()
	s := serve(t, map[string]string{"/": themePage})
	th := style.Theme{Heading1: "#123456", Link: "#a0b0c0", ExternalLink: "#0f8", Bar: "#fedcba", Accent: "200"}
	want := []string{
		"38;2;18;52;86",    // heading1
		"38;2;160;176;192", // link
		"38;2;0;255;136",   // external_link, from #rgb
		"48;2;254;220;186", // bar
		"48;5;200",         // accent, behind the active tab (of two)
	}
	builtin := map[bool]string{true: "38;2;95;215;255", false: "38;2;0;95;135"} // heading2, dark and light

	d := newDriverOpts(t, 80, 20, Options{Theme: th}, s.URL+"/", s.URL+"/")
	d.waitLoaded()
	for _, dark := range []bool{true, false} {
		if !dark {
			d.send(tea.BackgroundColorMsg{Color: color.White})
		}
		frame := d.m.View().Content
		for _, w := range want {
			if !strings.Contains(frame, w) {
				t.Errorf("dark=%t: the frame lacks the theme's SGR %q:\n%q", dark, w, frame)
			}
		}
		if !strings.Contains(frame, builtin[dark]) {
			t.Errorf("dark=%t: the frame lacks the built-in heading2 colour %q:\n%q", dark, builtin[dark], frame)
		}
	}

	d = newDriverOpts(t, 80, 20, Options{}, s.URL+"/", s.URL+"/")
	d.waitLoaded()
	frame := d.m.View().Content
	for _, w := range want {
		if strings.Contains(frame, w) {
			t.Errorf("without a theme the frame holds %q", w)
		}
	}
	if !strings.Contains(frame, "38;2;255;215;95") { // heading1's built-in colour on a dark terminal
		t.Errorf("without a theme heading1 lost its colour:\n%q", frame)
	}

	d = newDriverOpts(t, 80, 20, Options{Theme: th, NoColor: true}, s.URL+"/", s.URL+"/")
	d.waitLoaded()
	if frame := d.m.View().Content; strings.Contains(frame, "\x1b") {
		t.Errorf("NoColor with a theme: the frame holds an escape: %q", frame)
	}
}
