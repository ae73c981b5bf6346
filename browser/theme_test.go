package browser

import (
	"image/color"
	"reflect"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
)

const themePage = "# Title\n## Second\n=> /next Next page\n=> https://example.com/ The web\n> A quote\n```\npre\n```\n"

// A theme's colours reach the frame, on dark and light terminals alike;
// the colours it leaves unset stay the built-in ones; NoColor wins.
func TestThemeView(t *testing.T) {
	t.Parallel()
	s := serve(t, map[string]string{"/": themePage})
	th := Theme{Heading1: "#123456", Link: "#a0b0c0", ExternalLink: "#0f8", Bar: "#fedcba", Accent: "200"}
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

func TestThemeStyles(t *testing.T) {
	t.Parallel()
	for _, dark := range []bool{true, false} {
		def := DefaultStyles(dark)
		if !reflect.DeepEqual(ThemedStyles(dark, Theme{}), def) {
			t.Errorf("dark=%t: an empty theme changes the styles", dark)
		}
		// A bad colour is ignored: the built-in one stays.
		if !reflect.DeepEqual(ThemedStyles(dark, Theme{Heading1: "#12345g", Link: "300", Quote: "red"}), def) {
			t.Errorf("dark=%t: bad colours change the styles", dark)
		}
		seen := map[string]bool{}
		for _, k := range ThemeKeys() {
			if seen[k.Name] || k.Doc == "" {
				t.Errorf("key %q repeated or undocumented", k.Name)
			}
			seen[k.Name] = true
			var th Theme
			if err := th.SetColor(k.Name, "#010203"); err != nil {
				t.Fatal(err)
			}
			if th.Color(k.Name) != "#010203" {
				t.Errorf("%s: Color gives %q after SetColor", k.Name, th.Color(k.Name))
			}
			if reflect.DeepEqual(ThemedStyles(dark, th), def) {
				t.Errorf("dark=%t: %s changes nothing", dark, k.Name)
			}
		}
	}
	if n := reflect.TypeFor[Theme]().NumField(); len(ThemeKeys()) != n {
		t.Errorf("ThemeKeys has %d keys, Theme %d fields", len(ThemeKeys()), n)
	}
	var th Theme
	if err := th.SetColor("background", "#000"); err == nil {
		t.Error("SetColor took an unknown key")
	}
	if err := th.SetColor("link", "red"); err == nil || th.Link != "" {
		t.Errorf("SetColor took a colour name: %v, %q", err, th.Link)
	}
	if th.SetColor("link", "#abc") != nil || th.SetColor("link", "") != nil || th.Link != "" {
		t.Errorf("SetColor did not clear link: %q", th.Link)
	}
}

func TestThemeCheckColor(t *testing.T) {
	t.Parallel()
	for _, s := range []string{"#000000", "#FFFFFF", "#aBc", "#5fafff", "0", "7", "16", "255", "042"} {
		if err := CheckColor(s); err != nil {
			t.Errorf("CheckColor(%q): %v", s, err)
		}
	}
	for _, s := range []string{"", "#", "#12345g", "#1234", "#ff", "#fffffff", "256", "300", "-1", "+1", "1000",
		"red", " #fff", "#fff ", "0x10", "1.5"} {
		if err := CheckColor(s); err == nil {
			t.Errorf("CheckColor(%q) took it", s)
		}
	}
}
