package browser

import (
	"crypto/tls"
	"net/url"

	tea "charm.land/bubbletea/v2"
)

// The protocol conversations start here, one per status class; each
// lives in its own file.

// onInput handles 10 and 11 (input.go).
func (m *Model) onInput(t *tab, h headerMsg) tea.Cmd { return m.showResponse(t, h) }

// onRedirect handles 3x (redirect.go).
func (m *Model) onRedirect(t *tab, h headerMsg) tea.Cmd { return m.showResponse(t, h) }

// onSlowDown handles 44 (slowdown.go).
func (m *Model) onSlowDown(t *tab, h headerMsg) tea.Cmd { return m.showResponse(t, h) }

// onCertificateStatus handles 60, 61 and 62 (identity.go).
func (m *Model) onCertificateStatus(t *tab, h headerMsg) tea.Cmd { return m.showResponse(t, h) }

// onCertChanged handles a server certificate that changed before the
// pinned one expired (trust.go).
func (m *Model) onCertChanged(t *tab, msg loadErrMsg) tea.Cmd {
	m.show(t, errorPage(msg.url, msg.err))
	return nil
}

// certificateFor returns the client certificate to present for u, or nil
// (identity.go).
func (m *Model) certificateFor(u *url.URL) *tls.Certificate { return nil }
