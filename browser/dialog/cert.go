package dialog

import (
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"propus/browser/sanitize"
	"propus/tofu"
)

// CertChoice is an answer to the changed-certificate dialog.
type CertChoice int

// The answers.
const (
	CertCancel CertChoice = iota // refuse: do not connect
	CertOnce                     // trust the new certificate until propus quits
	CertAlways                   // pin the new certificate from now on
)

// CertAnswer reports the answer to a Cert dialog.
type CertAnswer struct {
	Tag    any
	Choice CertChoice
}

// Cert asks what to do about a server whose certificate changed before
// the pinned one expired; nothing has been sent to it. Trusting takes
// its named key (TrustOnce, TrustAlways); Cancel refuses; Enter does
// nothing. The details scroll on a screen too short for them.
type Cert struct {
	sh      *Shared
	changed *tofu.ChangedError
	tag     any
	scroll  int // the first row of the details shown, when they do not fit
}

// NewCert asks about changed; the answer carries tag.
func NewCert(sh *Shared, changed *tofu.ChangedError, tag any) *Cert {
	return &Cert{sh: sh, changed: changed, tag: tag}
}

// Update gives an answer or scrolls the details.
func (d *Cert) Update(msg tea.Msg) (tea.Cmd, bool) {
	k, ok := msg.(tea.KeyPressMsg)
	if !ok {
		return nil, false
	}
	ks := d.sh.Keys
	switch {
	case key.Matches(k, ks.Cancel):
		return Report(CertAnswer{Tag: d.tag, Choice: CertCancel}), true
	case key.Matches(k, ks.TrustOnce):
		return Report(CertAnswer{Tag: d.tag, Choice: CertOnce}), true
	case key.Matches(k, ks.TrustAlways):
		return Report(CertAnswer{Tag: d.tag, Choice: CertAlways}), true
	case key.Matches(k, ks.Up, ks.PageUp):
		d.scroll = max(d.scroll-1, 0)
	case key.Matches(k, ks.Down, ks.PageDown):
		d.scroll++ // View keeps it in range
	}
	return nil, false
}

// View draws the details, then the answers, which stay on the screen
// when the details must scroll.
func (d *Cert) View(width, height int) []string {
	choices := d.choiceLines()
	details := d.detailLines(width, true)
	if len(details)+len(choices) > height {
		details = d.detailLines(width, false)
	}
	if room := max(height-len(choices), 0); len(details) > room {
		d.scroll = min(d.scroll, len(details)-room)
		details = details[d.scroll : d.scroll+room]
	} else {
		d.scroll = 0
	}
	return append(details, choices...)
}

// detailLines describes the host, the pinned and the presented
// certificate; roomy adds the explanation and blank rows.
func (d *Cert) detailLines(width int, roomy bool) []string {
	c := d.changed
	host := sanitize.Line(c.Address)
	date := func(t time.Time) string { return t.Format(time.DateOnly) }
	var lines []string
	add := func(indent int, text string) {
		lines = append(lines, Wrap(text, width, indent)...)
	}
	blank := func() {
		if roomy {
			lines = append(lines, "")
		}
	}
	lines = append(lines, d.sh.Title("The server's certificate has changed", width)...)
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

// choiceLines lists the answers with their keys, in full.
func (d *Cert) choiceLines() []string {
	ks := d.sh.Keys
	return []string{
		d.sh.Answer(Bind(ks.Cancel, "cancel: do not connect")),
		d.sh.Answer(Bind(ks.TrustOnce, "trust once, until propus quits")),
		d.sh.Answer(Bind(ks.TrustAlways, "trust from now on, pin it")),
	}
}

// ShortHelp lists the answers, short.
func (d *Cert) ShortHelp() []key.Binding {
	ks := d.sh.Keys
	return []key.Binding{Bind(ks.Cancel, "cancel"), Bind(ks.TrustOnce, "trust once"), Bind(ks.TrustAlways, "pin it")}
}

// FullHelp adds the scroll keys.
func (d *Cert) FullHelp() [][]key.Binding {
	return [][]key.Binding{d.ShortHelp(), {d.sh.Keys.Down, d.sh.Keys.Up}}
}
