package config

import (
	"bytes"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"propus/browser/picture"
	"propus/browser/style"
)

func write(t *testing.T, text string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "config.toml")
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestLoadGood(t *testing.T) {
	c, errs := Load(write(t, `home = "gemini://example.org/"
reading_width = 72
clipboard_writes = false
max_size = 0
redirects = { policy = "ask", max = 2 }

[timeouts]
connect = "5s"
idle = "1m"

[slow_down]
max_delay = "10s"
retries = 2

[openers]
"image/*" = "feh %s"
https = "firefox %s"

[keys]
back = "H, backspace"

[images]
mode = " Sixel "

[theme]
accent = "#5fafff"
link = "#ABC"
visited_link = "141"
heading1 = ""
`))
	if len(errs) != 0 {
		t.Fatalf("errors: %v", errs)
	}
	want := Default()
	want.Home = "gemini://example.org/"
	want.ReadingWidth = 72
	want.ClipboardWrites = false
	want.MaxSize = 0
	want.Timeouts.Connect = 5 * time.Second
	want.Timeouts.Idle = time.Minute
	want.Redirects = Redirects{Policy: "ask", Max: 2}
	want.Theme = style.Theme{Accent: "#5fafff", Link: "#ABC", VisitedLink: "141"}
	want.SlowDown = SlowDown{MaxDelay: 10 * time.Second, Retries: 2}
	want.Openers = map[string]string{"image/*": "feh %s", "https": "firefox %s"}
	want.Keys = map[string][]string{"back": {"H", "backspace"}}
	want.Images = picture.Sixel
	if !reflect.DeepEqual(c, want) {
		t.Errorf("got  %+v\nwant %+v", c, want)
	}
}

func TestLoadMissing(t *testing.T) {
	c, errs := Load(filepath.Join(t.TempDir(), "config.toml"))
	if len(errs) != 0 || !reflect.DeepEqual(c, Default()) {
		t.Errorf("missing file: %+v, %v", c, errs)
	}
}

func TestLoadSyntaxError(t *testing.T) {
	c, errs := Load(write(t, "home = \"a\"\n\nreading_width = = 3\n"))
	if len(errs) != 1 || !strings.HasPrefix(errs[0].Error(), "config.toml:3: ") {
		t.Fatalf("errors: %v", errs)
	}
	if !reflect.DeepEqual(c, Default()) {
		t.Errorf("a syntax error should give the defaults, got %+v", c)
	}
}

// Each bad key or value is reported on its line; the good ones apply.
func TestLoadBadValues(t *testing.T) {
	c, errs := Load(write(t, `home = "gemini://good/"
colour = "red"
reading_width = "wide"

[timeouts]
connect = "soon"
idle = "2s"

[redirects]
policy = "sometimes"
max = 0

[keys]
fly = "x"

[theme]
link = "#12345g"
heading1 = "300"
quote = "reddish"
background = "#000000"
accent = 12
ok = "#0a0"
theme.dim = "#fff"

[images]
mode = "ascii"
size = 3
`))
	want := []string{
		`config.toml:2: unknown key "colour"`,
		`config.toml:3: reading_width must be a whole number`,
		`config.toml:6: timeouts.connect must be a positive duration`,
		`config.toml:10: redirects.policy must be "auto", "ask" or "never"`,
		`config.toml:11: redirects.max must be between 1 and 20 (not 0)`,
		`config.toml:14: unknown key action "fly"`,
		`config.toml:17: theme.link must be a colour: "#rrggbb", "#rgb", an ANSI number from "0" to "255" or a name such as "blue" or "brightred" (not "#12345g")`,
		`config.toml:18: theme.heading1 must be a colour`,
		`config.toml:19: theme.quote must be a colour`,
		`config.toml:20: unknown key "theme.background"`,
		`config.toml:21: theme.accent must be a string (not 12)`,
		`config.toml:23: unknown key "theme.theme.dim"`,
		`config.toml:26: images.mode must be "auto", "kitty", "sixel", "blocks" or "off" (not "ascii")`,
		`config.toml:27: unknown key "images.size"`,
	}
	if len(errs) != len(want) {
		t.Fatalf("errors: %v", errs)
	}
	for i, w := range want {
		if !strings.HasPrefix(errs[i].Error(), w) {
			t.Errorf("error %d = %q, want it to start %q", i, errs[i], w)
		}
	}
	if c.Home != "gemini://good/" || c.Timeouts.Idle != 2*time.Second || c.ReadingWidth != 100 ||
		c.Timeouts.Connect != Default().Timeouts.Connect || c.Redirects != Default().Redirects ||
		c.Theme != (style.Theme{OK: "#0a0"}) || c.Images != picture.Auto {
		t.Errorf("good values not applied or bad ones not dropped: %+v", c)
	}
}

func TestWriteTOMLRoundTrip(t *testing.T) {
	for _, c := range []Config{Default(), func() Config {
		c := Default()
		c.Home = `gemini://ex"ample/\`
		c.DownloadDir = "/tmp/dl"
		c.RestoreSession = false
		c.MaxSize = 0
		c.Timeouts.Header = 90 * time.Second
		c.Redirects = Redirects{Policy: "never", Max: 20}
		c.Theme = style.Theme{Accent: "#123456", Bar: "236", Dim: "#AbC", Preformatted: "0", ExternalLink: "#00ff00"}
		c.SlowDown.Retries = 9
		c.Images = picture.Off
		c.Openers = map[string]string{"image/*": "feh %s", "gemini": "x\ty"}
		c.Keys = map[string][]string{"quit": {"Q"}, "back": {"H", "backspace"}}
		return c
	}()} {
		var b bytes.Buffer
		if err := c.WriteTOML(&b); err != nil {
			t.Fatal(err)
		}
		got, errs := Load(write(t, b.String()))
		if len(errs) != 0 {
			t.Fatalf("errors loading\n%s: %v", b.String(), errs)
		}
		if !reflect.DeepEqual(got, c) {
			t.Errorf("round trip:\n got %+v\nwant %+v\n%s", got, c, b.String())
		}
		if !strings.Contains(b.String(), "# The widest a line of text wraps") {
			t.Errorf("keys are not documented:\n%s", b.String())
		}
		// Every key of the tables added later is there, after its comment
		// with its default.
		keys := []string{"max", "policy", "mode"}
		for _, k := range style.ThemeKeys() {
			keys = append(keys, k.Name)
		}
		lines := strings.Split(b.String(), "\n")
		for _, k := range keys {
			i := slices.IndexFunc(lines, func(l string) bool { return strings.HasPrefix(l, k+" = ") })
			if i < 1 || !strings.HasPrefix(lines[i-1], "# ") || !strings.Contains(lines[i-1], "Default ") {
				t.Errorf("key %s is missing or has no comment with its default:\n%s", k, b.String())
			}
		}
	}
}
