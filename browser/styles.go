package browser

import (
	"charm.land/bubbles/v2/help"
	"charm.land/lipgloss/v2"

	"propus/browser/render"
)

// Styles holds every style of the browser: the chrome here, the page in
// Page. DefaultStyles picks colours for a dark or light background;
// PlainStyles has no colour or other SGR at all (NO_COLOR).
type Styles struct {
	Page render.Styles

	TabBar, Tab, ActiveTab, URL   lipgloss.Style
	Status, StatusError, StatusOK lipgloss.Style
	Prompt                        lipgloss.Style
	Overlay, OverlayTitle         lipgloss.Style
	Help                          help.Styles
	Plain                         bool
}

// DefaultStyles returns the styles for a dark (isDark) or light terminal.
func DefaultStyles(isDark bool) Styles {
	ld := lipgloss.LightDark(isDark)
	accent := ld(lipgloss.Color("#005f87"), lipgloss.Color("#5fafff"))
	dim := ld(lipgloss.Color("#6c6c6c"), lipgloss.Color("#8a8a8a"))
	bar := ld(lipgloss.Color("#e4e4e4"), lipgloss.Color("#303030"))
	return Styles{
		Page:         render.DefaultStyles(isDark),
		TabBar:       lipgloss.NewStyle().Background(bar),
		Tab:          lipgloss.NewStyle().Background(bar).Foreground(dim).Padding(0, 1),
		ActiveTab:    lipgloss.NewStyle().Background(accent).Foreground(ld(lipgloss.Color("#ffffff"), lipgloss.Color("#000000"))).Bold(true).Padding(0, 1),
		URL:          lipgloss.NewStyle().Background(bar).Padding(0, 1),
		Status:       lipgloss.NewStyle().Background(bar).Foreground(dim),
		StatusError:  lipgloss.NewStyle().Background(bar).Foreground(ld(lipgloss.Color("#af0000"), lipgloss.Color("#ff5f5f"))).Bold(true),
		StatusOK:     lipgloss.NewStyle().Background(bar).Foreground(ld(lipgloss.Color("#005f00"), lipgloss.Color("#87d787"))),
		Prompt:       lipgloss.NewStyle().Foreground(accent).Bold(true),
		Overlay:      lipgloss.NewStyle().Border(lipgloss.RoundedBorder()).BorderForeground(accent).Padding(0, 1),
		OverlayTitle: lipgloss.NewStyle().Foreground(accent).Bold(true),
		Help:         help.DefaultStyles(isDark),
	}
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
