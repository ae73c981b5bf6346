// Package style holds the browser's styles and the colour theme that
// config.toml's [theme] sets over them.
package style

import (
	"fmt"
	"image/color"
	"slices"
	"strconv"
	"strings"

	"charm.land/bubbles/v2/help"
	"charm.land/lipgloss/v2"

	"propus/browser/render"
)

// Styles holds every style of the browser: the chrome here, the page in
// Page. DefaultStyles picks colours for a dark or light background;
// ThemedStyles puts a Theme over them; PlainStyles has no colour or other
// SGR at all (NO_COLOR).
type Styles struct {
	Page render.Styles

	TabBar, Tab, ActiveTab, URL   lipgloss.Style
	Status, StatusError, StatusOK lipgloss.Style
	Prompt                        lipgloss.Style
	Overlay, OverlayTitle         lipgloss.Style
	Help                          help.Styles
	Plain                         bool
}

// Theme replaces colours of the default styles (config.toml's [theme]).
// Each field is a colour: "#rrggbb", "#rgb" or an ANSI colour number "0"
// to "255" (CheckColor). An empty field keeps the built-in colour, which
// differs for light and dark terminals; a set one applies on both. A
// field that is not a colour is ignored. PlainStyles (NO_COLOR) ignores
// the theme. What each colours, and its key in [theme], is in ThemeKeys.
type Theme struct {
	Accent, Bar, Dim, Error, OK     string
	Heading1, Heading2, Heading3    string
	Link, VisitedLink, ExternalLink string
	Quote, Preformatted             string
}

// ThemeKey is one colour of a Theme: its key in config.toml's [theme]
// and what it colours.
type ThemeKey struct {
	Name, Doc string
}

// themeKeys are the keys of a Theme, in the order of its fields.
var themeKeys = []ThemeKey{
	{"accent", "The active tab, prompts, and the borders and titles of dialogs."},
	{"bar", "The background of the tab bar and the status line."},
	{"dim", "Inactive tabs, status text, link numbers, preformatted captions."},
	{"error", "Errors in the status line."},
	{"ok", "Confirmations in the status line."},
	{"heading1", "Headings (#) and list bullets."},
	{"heading2", "Subheadings (##)."},
	{"heading3", "Sub-subheadings (###)."},
	{"link", "Links."},
	{"visited_link", "Links already visited."},
	{"external_link", "Links that leave Gemini (https, mailto, …)."},
	{"quote", "Quotes (>)."},
	{"preformatted", "Preformatted text (```)."},
}

// ThemeKeys lists the colours of a Theme by their keys in config.toml's
// [theme], in a fixed order, each with a line saying what it colours.
func ThemeKeys() []ThemeKey { return append([]ThemeKey(nil), themeKeys...) }

// field returns the field of t that key names, or nil.
func (t *Theme) field(key string) *string {
	for i, p := range []*string{&t.Accent, &t.Bar, &t.Dim, &t.Error, &t.OK,
		&t.Heading1, &t.Heading2, &t.Heading3, &t.Link, &t.VisitedLink, &t.ExternalLink,
		&t.Quote, &t.Preformatted} {
		if themeKeys[i].Name == key {
			return p
		}
	}
	return nil
}

// Color returns the colour of the key named (see ThemeKeys): "" when it
// is not set or there is no such key.
func (t Theme) Color(key string) string {
	if p := t.field(key); p != nil {
		return *p
	}
	return ""
}

// SetColor sets the colour of the key named (see ThemeKeys); "" brings
// back the built-in colour. It fails, changing nothing, for an unknown
// key or a value that is not a colour.
func (t *Theme) SetColor(key, value string) error {
	p := t.field(key)
	if p == nil {
		return fmt.Errorf("unknown theme colour %q", key)
	}
	if value != "" {
		if err := CheckColor(value); err != nil {
			return err
		}
	}
	*p = value
	return nil
}

// colorNames are the names of the 16 ANSI colours, as terminals and
// Amfora's themes call them, in their order (0 to 15); "gray" and "grey"
// are bright black.
var colorNames = []string{"black", "red", "green", "yellow", "blue", "magenta", "cyan", "white",
	"brightblack", "brightred", "brightgreen", "brightyellow", "brightblue", "brightmagenta", "brightcyan", "brightwhite"}

// ansiOf returns the ANSI number a colour name stands for (any case;
// "bright-red" and "bright_red" as "brightred"), and whether it is one.
func ansiOf(name string) (string, bool) {
	n := strings.NewReplacer("-", "", "_", "", " ", "").Replace(strings.ToLower(name))
	if n == "gray" || n == "grey" {
		n = "brightblack"
	}
	if i := slices.Index(colorNames, n); i >= 0 {
		return strconv.Itoa(i), true
	}
	return "", false
}

// CheckColor reports whether s is a colour a Theme takes: "#rrggbb",
// "#rgb" (hex digits in either case), an ANSI colour number from 0 to
// 255, or the name of one of the 16 ANSI colours ("blue", "brightred").
func CheckColor(s string) error {
	if _, ok := ansiOf(s); ok {
		return nil
	}
	if len(s) > 0 && s[0] == '#' && (len(s) == 4 || len(s) == 7) {
		ok := true
		for _, r := range s[1:] {
			ok = ok && (r >= '0' && r <= '9' || r >= 'a' && r <= 'f' || r >= 'A' && r <= 'F')
		}
		if ok {
			return nil
		}
	}
	if len(s) > 0 && len(s) <= 3 && s[0] >= '0' && s[0] <= '9' {
		if n, err := strconv.Atoi(s); err == nil && n <= 255 {
			return nil
		}
	}
	return fmt.Errorf("not a colour: %q (a colour is \"#rrggbb\", \"#rgb\", an ANSI number from 0 to 255 or a name: %s)", s, strings.Join(colorNames, ", "))
}

// themeColor is the colour s names, if s is one.
func themeColor(s string) (color.Color, bool) {
	if s == "" || CheckColor(s) != nil {
		return nil, false
	}
	if n, ok := ansiOf(s); ok {
		s = n
	}
	return lipgloss.Color(s), true
}

// DefaultStyles returns the styles for a dark (isDark) or light terminal.
func DefaultStyles(isDark bool) Styles { return ThemedStyles(isDark, Theme{}) }

// ThemedStyles returns the styles for a dark (isDark) or light terminal
// with the colours that th sets in place of the built-in ones.
func ThemedStyles(isDark bool, th Theme) Styles {
	ld := lipgloss.LightDark(isDark)
	// pick is th's colour set, or the built-in one for this background.
	pick := func(set, light, dark string) color.Color {
		if c, ok := themeColor(set); ok {
			return c
		}
		return ld(lipgloss.Color(light), lipgloss.Color(dark))
	}
	accent := pick(th.Accent, "#005f87", "#5fafff")
	dim := pick(th.Dim, "#6c6c6c", "#8a8a8a")
	bar := pick(th.Bar, "#e4e4e4", "#303030")
	return Styles{
		Page:         themedPage(render.DefaultStyles(isDark), th),
		TabBar:       lipgloss.NewStyle().Background(bar),
		Tab:          lipgloss.NewStyle().Background(bar).Foreground(dim).Padding(0, 1),
		ActiveTab:    lipgloss.NewStyle().Background(accent).Foreground(ld(lipgloss.Color("#ffffff"), lipgloss.Color("#000000"))).Bold(true).Padding(0, 1),
		URL:          lipgloss.NewStyle().Background(bar).Padding(0, 1),
		Status:       lipgloss.NewStyle().Background(bar).Foreground(dim),
		StatusError:  lipgloss.NewStyle().Background(bar).Foreground(pick(th.Error, "#af0000", "#ff5f5f")).Bold(true),
		StatusOK:     lipgloss.NewStyle().Background(bar).Foreground(pick(th.OK, "#005f00", "#87d787")),
		Prompt:       lipgloss.NewStyle().Foreground(accent).Bold(true),
		Overlay:      lipgloss.NewStyle().Border(lipgloss.RoundedBorder()).BorderForeground(accent).Padding(0, 1),
		OverlayTitle: lipgloss.NewStyle().Foreground(accent).Bold(true),
		Help:         help.DefaultStyles(isDark),
	}
}

// themedPage sets the page colours that th sets in s.
func themedPage(s render.Styles, th Theme) render.Styles {
	for _, o := range []struct {
		set string
		st  []*lipgloss.Style
	}{
		{th.Dim, []*lipgloss.Style{&s.LinkNumber, &s.AltText}},
		{th.Heading1, []*lipgloss.Style{&s.Heading1, &s.Bullet}},
		{th.Heading2, []*lipgloss.Style{&s.Heading2}},
		{th.Heading3, []*lipgloss.Style{&s.Heading3}},
		{th.Link, []*lipgloss.Style{&s.Link}},
		{th.VisitedLink, []*lipgloss.Style{&s.LinkVisited}},
		{th.ExternalLink, []*lipgloss.Style{&s.LinkExternal}},
		{th.Quote, []*lipgloss.Style{&s.Quote}},
		{th.Preformatted, []*lipgloss.Style{&s.Preformatted}},
	} {
		if c, ok := themeColor(o.set); ok {
			for _, st := range o.st {
				*st = st.Foreground(c)
			}
		}
	}
	return s
}

// PlainStyles returns styles without colour or any other SGR, for
// NO_COLOR: the page marks what it must with characters instead.
func PlainStyles() Styles {
	p := lipgloss.NewStyle()
	return Styles{
		Page: render.PlainStyles(), TabBar: p, Tab: p.Padding(0, 1), ActiveTab: p.Padding(0, 1),
		URL: p.Padding(0, 1), Status: p, StatusError: p, StatusOK: p, Prompt: p,
		Overlay:      p.Border(lipgloss.NormalBorder()).Padding(0, 1),
		OverlayTitle: p,
		Help: help.Styles{Ellipsis: p, ShortKey: p, ShortDesc: p, ShortSeparator: p,
			FullKey: p, FullDesc: p, FullSeparator: p},
		Plain: true,
	}
}
