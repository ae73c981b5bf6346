package style

import (
	"reflect"
	"testing"
)

func TestThemeStyles(t *testing.T) {
	t.Parallel()
	for _, dark := range []bool{true, false} {
		def := DefaultStyles(dark)
		if !reflect.DeepEqual(ThemedStyles(dark, Theme{}), def) {
			t.Errorf("dark=%t: an empty theme changes the styles", dark)
		}
		// A bad colour is ignored: the built-in one stays.
		if !reflect.DeepEqual(ThemedStyles(dark, Theme{Heading1: "#12345g", Link: "300", Quote: "reddish"}), def) {
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
	if err := th.SetColor("link", "reddish"); err == nil || th.Link != "" {
		t.Errorf("SetColor took a colour that is none: %v, %q", err, th.Link)
	}
	if th.SetColor("link", "#abc") != nil || th.SetColor("link", "") != nil || th.Link != "" {
		t.Errorf("SetColor did not clear link: %q", th.Link)
	}
}

func TestThemeCheckColor(t *testing.T) {
	t.Parallel()
	for _, s := range []string{"#000000", "#FFFFFF", "#aBc", "#5fafff", "0", "7", "16", "255", "042",
		"blue", "BrightRed", "bright-red", "grey", "white"} {
		if err := CheckColor(s); err != nil {
			t.Errorf("CheckColor(%q): %v", s, err)
		}
	}
	for _, s := range []string{"", "#", "#12345g", "#1234", "#ff", "#fffffff", "256", "300", "-1", "+1", "1000",
		"reddish", " #fff", "#fff ", "0x10", "1.5"} {
		if err := CheckColor(s); err == nil {
			t.Errorf("CheckColor(%q) took it", s)
		}
	}
}

// A colour name is the ANSI colour of its number.
func TestThemeColorNames(t *testing.T) {
	t.Parallel()
	for name, n := range map[string]string{"blue": "4", "brightred": "9", "Bright_Red": "9", "gray": "8", "black": "0"} {
		if !reflect.DeepEqual(ThemedStyles(true, Theme{Link: name}), ThemedStyles(true, Theme{Link: n})) {
			t.Errorf("%s is not ANSI %s", name, n)
		}
	}
}
