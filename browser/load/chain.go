package load

import (
	"fmt"
	"net/url"
	"strings"

	"github.com/charmbracelet/x/ansi"

	"propus/browser/sanitize"
	"propus/client"
)

// ChainStatus describes a redirect chain (the request first) for the
// status line ("↪ 2 redirects: /a → /b → /c"), leaving out hops in the
// middle to fit a status line of width cells; "" when there was no hop.
func ChainStatus(via []*url.URL, width int) string {
	n := len(via)
	if n < 2 {
		return ""
	}
	parts := make([]string, n)
	for i, u := range via {
		if i == 0 || !client.CrossesOrigin(via[i-1], u) {
			v := url.URL{Path: u.Path, RawPath: u.RawPath, RawQuery: u.RawQuery, ForceQuery: u.ForceQuery}
			parts[i] = sanitize.Line(ElideQuery(&v))
			if parts[i] == "" || parts[i][0] == '?' {
				parts[i] = "/" + parts[i]
			}
		} else {
			parts[i] = sanitize.Line(ElideQuery(u))
		}
	}
	head := fmt.Sprintf("↪ %d redirect", n-1)
	if n > 2 {
		head += "s"
	}
	room := width - 5 // for the scroll position
	s := head + ": " + strings.Join(parts, " → ")
	for i := 2; ansi.StringWidth(s) > room && i < n; i++ {
		s = head + ": " + parts[0] + " → … → " + strings.Join(parts[i:], " → ")
	}
	if ansi.StringWidth(s) > room {
		s = head + " from " + parts[0] // the URL bar shows where they led
	}
	return s
}
