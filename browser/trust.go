package browser

// The certificate conversation (TOFU). The known-hosts store decides
// inside the TLS handshake, before anything is sent: a first sight and a
// change after the pinned certificate's expiry are accepted and noted in
// the status line (showResponse); a change before it refuses the
// connection, and the user is asked here.

import (
	"crypto/x509"
	"errors"
	"net/url"
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"propus/browser/sanitize"
	"propus/tofu"
)

// certChoice is an answer to the changed-certificate dialog.
type certChoice int

// The answers, in the order the dialog lists them.
const (
	certCancel certChoice = iota // refuse: the tab shows the error page
	certOnce                     // trust the new certificate until propus quits
	certAlways                   // pin the new certificate from now on
)

// certDialog asks what to do about a server whose certificate changed
// before the pinned one expired; nothing has been sent to it. Cancel is
// selected at first, and Enter and Esc both cancel: trusting takes two
// keys, o or a to select it, then Enter.
type certDialog struct {
	key      loadKey // the refused load
	url      *url.URL
	err      error // the load's error, for the error page
	changed  *tofu.ChangedError
	cert     *x509.Certificate // the certificate presented
	selected certChoice
	scroll   int // the first row of the details shown, when they do not fit
}

// trustedMsg reports that the new certificate of addr was pinned (err is
// a *tofu.SaveError when only in memory); the refused load then repeats.
type trustedMsg struct {
	key  loadKey
	url  *url.URL
	addr string
	err  error
}

// onCertChanged handles a server certificate that changed before the
// pinned one expired: it asks, unless another conversation is open, in
// which case the error page says what happened and r asks again.
func (m *Model) onCertChanged(t *tab, msg loadErrMsg) tea.Cmd {
	var changed *tofu.ChangedError
	if !errors.As(msg.err, &changed) || msg.cert == nil || m.dialog != nil {
		m.show(t, errorPage(msg.url, msg.err))
		return nil
	}
	m.openDialog(&certDialog{key: msg.key, url: msg.url, err: msg.err, changed: changed, cert: msg.cert})
	return nil
}

// update handles the dialog's keys: o, a and c (or the arrows and Tab)
// select an answer, Enter gives it, Esc or q cancels; j, k, PgUp and PgDn
// scroll the details on a screen too short for them.
func (d *certDialog) update(m *Model, msg tea.Msg) (tea.Cmd, bool) {
	k, ok := msg.(tea.KeyPressMsg)
	if !ok {
		return nil, false
	}
	switch k.String() {
	case "esc", "q":
		return m.certAnswer(d, certCancel), true
	case "enter":
		return m.certAnswer(d, d.selected), true
	case "c":
		d.selected = certCancel
	case "o":
		d.selected = certOnce
	case "a":
		d.selected = certAlways
	case "up", "shift+tab":
		d.selected = max(d.selected-1, certCancel)
	case "down", "tab":
		d.selected = min(d.selected+1, certAlways)
	case "k", "pgup":
		d.scroll = max(d.scroll-1, 0)
	case "j", "pgdown", "space":
		details, choices := d.layout(m, m.width, m.pageHeight())
		d.scroll = min(d.scroll+1, max(len(details)-(m.pageHeight()-len(choices)), 0))
	}
	return nil, false
}

// certAnswer carries out an answer: the error page, or trusting the new
// certificate and loading the page again.
func (m *Model) certAnswer(d *certDialog, c certChoice) tea.Cmd {
	t := m.findTab(d.key.tab)
	if t == nil || t.seq != d.key.seq {
		return nil
	}
	addr := d.changed.Address
	switch c {
	case certOnce:
		m.opts.Hosts.TrustOnce(addr, d.cert)
		m.flash("New certificate trusted until propus quits: "+addr, false)
		return m.load(t, d.url)
	case certAlways:
		hosts, key, u, cert := m.opts.Hosts, d.key, d.url, d.cert
		return func() tea.Msg {
			return trustedMsg{key: key, url: u, addr: addr, err: hosts.Trust(addr, cert)}
		}
	}
	m.show(t, errorPage(d.url, d.err))
	return nil
}

// trusted loads the page again once its new certificate is pinned.
func (m *Model) trusted(msg trustedMsg) tea.Cmd {
	t := m.findTab(msg.key.tab)
	if t == nil || t.seq != msg.key.seq {
		return nil
	}
	switch {
	case errors.As(msg.err, new(*tofu.SaveError)):
		m.flash("New certificate trusted until propus quits: "+msg.addr+": "+msg.err.Error(), true)
	case msg.err != nil:
		m.flash(msg.err.Error(), true)
		return nil
	default:
		m.flash("New certificate pinned: "+msg.addr, false)
	}
	return m.load(t, msg.url)
}

// view draws the dialog: the details, then the answers, which stay on
// the screen when the details must scroll.
func (d *certDialog) view(m *Model, width, height int) []string {
	details, choices := d.layout(m, width, height)
	if room := max(height-len(choices), 0); len(details) > room {
		top := min(d.scroll, len(details)-room)
		details = details[top : top+room]
	}
	return append(details, choices...)
}

// layout returns the rows of the details and of the answers: with an
// explanation and blank rows between the parts when they fit the height,
// without them when not.
func (d *certDialog) layout(m *Model, width, height int) (details, choices []string) {
	choices = d.choiceLines(m)
	details = d.detailLines(m, width, true)
	if len(details)+len(choices) > height {
		details = d.detailLines(m, width, false)
	}
	return details, choices
}

// detailLines describes the host, the pinned and the presented
// certificate; roomy adds the explanation and blank rows.
func (d *certDialog) detailLines(m *Model, width int, roomy bool) []string {
	c := d.changed
	host := sanitize.Line(c.Address)
	date := func(t time.Time) string { return t.Format(time.DateOnly) }
	var lines []string
	add := func(indent int, text string) {
		lines = append(lines, wrapIndent(text, width, indent)...)
	}
	blank := func() {
		if roomy {
			lines = append(lines, "")
		}
	}
	for _, l := range wrapIndent("The server's certificate has changed", width, 1) {
		lines = append(lines, m.styles.OverlayTitle.Render(l))
	}
	blank()
	add(1, "Nothing was sent to "+host+".")
	if roomy {
		add(1, "It presents a certificate other than the one pinned on an earlier visit, which has not expired: "+
			"someone may be between you and the server, or the server changed its certificate early.")
		blank()
	}
	add(1, "Pinned certificate")
	add(3, c.Old.Fingerprint)
	add(3, "expires "+date(c.Old.Expires))
	add(3, "first seen "+date(c.Old.FirstSeen))
	add(1, "Presented now")
	add(3, c.New.Fingerprint)
	add(3, "valid from "+date(c.NewNotBefore)+" to "+date(c.New.Expires))
	add(3, "subject "+sanitize.Line(c.NewSubject))
	blank()
	return lines
}

// choiceLines lists the answers, the selected one marked, and how to give
// one.
func (d *certDialog) choiceLines(m *Model) []string {
	mark := "▶ "
	if m.styles.Plain {
		mark = "> "
	}
	labels := [...]string{
		certCancel: "cancel: do not connect (esc)",
		certOnce:   "trust once, until propus quits (o)",
		certAlways: "trust from now on, pin it (a)",
	}
	var lines []string
	for c, label := range labels {
		if certChoice(c) == d.selected {
			lines = append(lines, " "+m.styles.Prompt.Render(mark+label))
		} else {
			lines = append(lines, "   "+label)
		}
	}
	hint := " o or a, then enter, to trust it"
	if d.selected != certCancel {
		hint = " enter confirms, esc cancels"
	}
	return append(lines, hint)
}

// wrapIndent wraps text to width cells, every row indented by indent
// spaces; words longer than a row (fingerprints) are broken.
func wrapIndent(text string, width, indent int) []string {
	pad := strings.Repeat(" ", indent)
	rows := strings.Split(ansi.Wrap(text, max(width-indent, 10), ""), "\n")
	for i, r := range rows {
		rows[i] = pad + r
	}
	return rows
}
