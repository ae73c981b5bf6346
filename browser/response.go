package browser

import (
	"crypto/tls"
	"errors"
	"net/url"
	"slices"
	"strings"
	"sync/atomic"
	"time"

	tea "charm.land/bubbletea/v2"

	"propus/browser/about"
	"propus/browser/content"
	"propus/browser/dialog"
	"propus/browser/download"
	"propus/browser/load"
	"propus/browser/tabs"
	"propus/client"
	"propus/tofu"
)

// The replies of a tab's current load, and the protocol's conversations
// they open: input (10, 11), redirects (3x), slow down (44, slowdown.go),
// identities (6x) and a changed certificate. Update has dropped every
// stale one before.

// inputTag, redirectTag, certTag and idTag are what the browser keeps
// with a dialog it opens for a load, to act on the answer.
type (
	inputTag    struct{ h load.HeaderMsg }
	redirectTag struct {
		h   load.HeaderMsg // the 3x response
		via []*url.URL     // the chain so far, ending with h.URL
		to  *url.URL
	}
	certTag struct {
		e       load.ErrMsg
		changed *tofu.ChangedError
	}
	idTag struct {
		key load.Key
		url *url.URL
	}
	charsetTag struct{ h load.HeaderMsg }
)

// LoadKey returns the load whose charset is unknown.
func (t charsetTag) LoadKey() load.Key { return t.h.Key }

// LoadKey returns the load that asked.
func (t inputTag) LoadKey() load.Key { return t.h.Key }

// LoadKey returns the load that was redirected.
func (t redirectTag) LoadKey() load.Key { return t.h.Key }

// LoadKey returns the load that was refused.
func (t certTag) LoadKey() load.Key { return t.e.Key }

// LoadKey returns the load that got the 6x.
func (t idTag) LoadKey() load.Key { return t.key }

// trustedMsg reports that the new certificate of addr was pinned (err is
// a *tofu.SaveError when only in memory); the refused load then repeats.
type trustedMsg struct {
	key  load.Key
	url  *url.URL
	addr string
	err  error
}

// LoadKey returns the load that was refused.
func (t trustedMsg) LoadKey() load.Key { return t.key }

// loaded handles a message of tab t's current load.
func (m *Model) loaded(t *tabs.Tab, msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case load.HeaderMsg:
		return m.header(t, msg)
	case load.ChunkMsg:
		return m.chunk(t, msg)
	case load.ErrMsg:
		return m.loadFailed(t, msg)
	case imageMsg:
		return m.showImage(t, msg)
	case filledMsg:
		if t.Page != nil && t.Page.URL == nil {
			m.show(t, tabs.LocalPage(nil, t.Page.Address, msg.text))
		}
	case tabs.TickMsg:
		return m.slowDownTicked(t, msg)
	case trustedMsg:
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
	case dialog.InputAnswer:
		if msg.Tag.(inputTag).h.Status == client.StatusSensitiveInput {
			t.Secret = msg.URL.String()
		}
		t.Push()
		return m.load(t, msg.URL)
	case dialog.RedirectAnswer:
		tag := msg.Tag.(redirectTag)
		if msg.Follow {
			return m.hop(t, tag.h, tag.via, tag.to)
		}
		return m.showResponse(t, tag.h)
	case dialog.CertAnswer:
		return m.certAnswer(t, msg.Tag.(certTag), msg.Choice)
	case download.ShowMsg:
		h := msg.Tag.(charsetTag).h
		h.Stream = load.StreamBody(h.Key, h.Resp, "", h.Kind == content.PlainText)
		h.Notice = "shown as UTF-8: its charset, " + h.Charset + ", is unknown"
		h.Charset = ""
		return m.showResponse(t, h)
	case dialog.IdentityChosen:
		u := msg.Tag.(idTag).url
		save, err := m.ids.chosen(u, msg)
		if err != nil {
			m.flash(err.Error(), true)
			return nil
		}
		return tea.Batch(save, m.load(t, u)) // the same tab, no new history entry
	}
	return nil
}

// header handles a response header: a new page, a download question, or
// one of the protocol's conversations.
func (m *Model) header(t *tabs.Tab, h load.HeaderMsg) tea.Cmd {
	t.Loading = ""
	if !t.Hides(h.URL) {
		m.visits.add(h.URL.String())
	}
	switch c := h.Status.Class(); {
	case c == client.StatusSuccess && h.UnknownCharset:
		t.Cancel = nil
		m.dialogs.Push(download.AskCharset(m.shared, h.Resp, h.Charset, content.FileName(h.URL, h.MIME), m.opts.DownloadDir, charsetTag{h}))
		return nil
	case c == client.StatusSuccess && h.Kind == content.Downloadable && m.showsImages(h.MIME):
		t.Loading = t.Shown(h.URL) // until the picture is in; Esc cancels
		t.Received = new(atomic.Int64)
		return fetchImage(h, t.Received)
	case c == client.StatusSuccess && h.Kind == content.Downloadable:
		t.Cancel = nil
		m.dialogs.Push(download.Ask(m.shared, h.Resp, content.FileName(h.URL, h.MIME), h.MIME, m.opts.DownloadDir, m.opts.Openers))
		return nil
	case c == client.StatusInput:
		t.Cancel, t.Restore = nil, nil
		if m.dialogs.Len() > 0 || t != m.tab() {
			// Only the tab in view asks, one question at a time: the tab
			// shows the prompt as a page, to be answered by reloading.
			return m.showResponse(t, h)
		}
		d, cmd := dialog.NewInput(m.shared, h.URL, h.Meta, h.Status == client.StatusSensitiveInput, inputTag{h})
		m.dialogs.Push(d)
		return cmd
	case c == client.StatusRedirect:
		return m.onRedirect(t, h)
	case h.Status == client.StatusSlowDown:
		return m.onSlowDown(t, h)
	case c == client.StatusCertificateRequired:
		return m.onCertificateStatus(t, h)
	}
	return m.showResponse(t, h)
}

// showResponse shows a response on tab t: a new page for 2x, a page that
// names the status otherwise.
func (m *Model) showResponse(t *tabs.Tab, h load.HeaderMsg) tea.Cmd {
	var p *tabs.Page
	if h.Status.Class() == client.StatusSuccess {
		p = tabs.NewPage(h.URL, h.URL.String())
		p.Loading = h.Stream != nil // an image's body is in already
	} else {
		p = tabs.LocalPage(h.URL, h.URL.String(), about.StatusText(h.Status, h.Meta))
		t.Cancel = nil
	}
	p.Status, p.Raw, p.Meta, p.MIME, p.Charset, p.Lang, p.Notice = h.Status, h.Raw, h.Meta, h.MIME, h.Charset, h.Lang, h.Notice
	p.Identity = h.Identity
	p.TLS, p.Cert, p.Trust, p.Stream = h.TLS, h.Cert, h.Trust, h.Stream
	m.show(t, p)
	if t.Restore != nil {
		p.View.Top = *t.Restore
		t.Restore = nil
	}
	switch h.Trust.Outcome {
	case tofu.FirstSight:
		if m.message != "" {
			break // a word not read yet (a notice at start) stays
		}
		m.flash("First visit to "+h.Trust.Host.Address+": certificate pinned ("+h.Trust.Host.Fingerprint[:min(len(h.Trust.Host.Fingerprint), 23)]+"…)", false)
	case tofu.ChangedAfterExpiry:
		m.flash("The pinned certificate expired: "+h.Trust.Host.Address+" has a new one, pinned now", false)
	}
	if h.Stream != nil {
		return h.Stream.Next()
	}
	return nil
}

// chunk appends arrived lines to the tab's page.
func (m *Model) chunk(t *tabs.Tab, c load.ChunkMsg) tea.Cmd {
	p := t.Page
	if p == nil {
		return nil
	}
	if len(c.Lines) > 0 {
		p.Doc.Append(c.Lines...)
		if p.FollowEnd {
			p.View.End()
		}
	}
	p.Size = c.Bytes
	if !c.Done {
		if p.Stream == nil {
			return nil
		}
		return p.Stream.Next()
	}
	p.Loading, p.Truncated, p.FollowEnd, t.Cancel = false, c.Truncated, false, nil
	if c.Err != nil {
		p.Err = c.Err
		switch tooLarge, ok := errors.AsType[*client.TooLargeError](c.Err); {
		case load.IsCanceled(c.Err):
			m.flash("Cancelled: showing what arrived ("+content.HumanSize(p.Size)+")", false)
		case ok:
			m.flash(c.Err.Error()+": showing the first "+content.HumanSize(tooLarge.Max), true)
		default:
			m.flash(c.Err.Error(), true)
		}
	}
	return m.recordVisit(t, p, p.Doc.Title())
}

// recordVisit records page p of tab t, titled title, in the history:
// never a page of propus's own or one reached with sensitive input.
func (m *Model) recordVisit(t *tabs.Tab, p *tabs.Page, title string) tea.Cmd {
	if p.Sensitive || p.URL == nil || t.Hides(p.URL) {
		return nil
	}
	return m.about.RecordVisit(p.URL.String(), title)
}

// loadFailed handles a load that failed before a header arrived; a
// changed certificate asks the user, unless another dialog is open (the
// error page then says what happened, and r asks again).
func (m *Model) loadFailed(t *tabs.Tab, e load.ErrMsg) tea.Cmd {
	t.Loading, t.Cancel = "", nil
	if load.IsCanceled(e.Err) {
		m.flash("Cancelled", false)
		return nil
	}
	if changed, ok := errors.AsType[*tofu.ChangedError](e.Err); ok && e.Cert != nil && m.dialogs.Len() == 0 {
		m.dialogs.Push(dialog.NewCert(m.shared, changed, certTag{e, changed}))
		return nil
	}
	m.show(t, tabs.LocalPage(e.URL, e.URL.String(), about.ErrorText(e.Err)))
	t.Page.Err = e.Err
	return nil
}

// certAnswer carries out an answer about a changed certificate: the
// error page, or trusting the new certificate and loading the page again.
func (m *Model) certAnswer(t *tabs.Tab, tag certTag, c dialog.CertChoice) tea.Cmd {
	addr, u, cert := tag.changed.Address, tag.e.URL, tag.e.Cert
	switch c {
	case dialog.CertOnce:
		m.opts.Hosts.TrustOnce(addr, cert)
		m.flash("New certificate trusted until propus quits: "+addr, false)
		return m.load(t, u)
	case dialog.CertAlways:
		hosts, key := m.opts.Hosts, t.Key()
		return func() tea.Msg {
			return trustedMsg{key: key, url: u, addr: addr, err: hosts.Trust(addr, cert)}
		}
	}
	m.show(t, tabs.LocalPage(u, u.String(), about.ErrorText(tag.e.Err)))
	t.Page.Err = tag.e.Err
	return nil
}

// onRedirect handles 3x. With RedirectAuto it follows a hop within one
// scheme and host by itself, up to Options.MaxRedirects, and asks before
// any other; RedirectAsk asks before every hop; RedirectNever shows the
// redirect as a page. A target outside Gemini is offered to an opener or
// for copying; a loop or too long a chain gets a page that names it.
func (m *Model) onRedirect(t *tabs.Tab, h load.HeaderMsg) tea.Cmd {
	if m.opts.Redirects == RedirectNever {
		return m.showResponse(t, h)
	}
	t.Cancel = nil
	via := t.Via
	if n := len(via); n == 0 || via[n-1].String() != h.URL.String() {
		via = []*url.URL{h.URL}
	}
	to, err := client.RedirectTarget(via, h.Meta, m.opts.MaxRedirects) // 0: client.MaxRedirects
	if rerr, ok := errors.AsType[*client.RedirectError](err); ok {
		p := tabs.LocalPage(h.URL, h.URL.String(), about.RedirectErrorText(h.Raw, rerr))
		p.Status, p.Raw, p.Meta = h.Status, h.Raw, h.Meta
		m.show(t, p)
		return nil
	}
	if !strings.EqualFold(to.Scheme, "gemini") {
		m.showResponse(t, h) // the page to come back to
		m.dialogs.Push(download.External(m.shared, to.String(), load.SchemeOf(to.String()), m.opts.Openers))
		return nil
	}
	if m.opts.Redirects == RedirectAsk || client.CrossesOrigin(h.URL, to) {
		m.dialogs.Push(dialog.NewRedirect(m.shared, h.URL, to, h.Raw, redirectTag{h, via, to}))
		return nil
	}
	return m.hop(t, h, via, to)
}

// hop follows the redirect h to the URL to, as the next step of the chain
// via; the chain stays on the tab for the status line. After a 31 a
// bookmark of the old address is offered an update.
func (m *Model) hop(t *tabs.Tab, h load.HeaderMsg, via []*url.URL, to *url.URL) tea.Cmd {
	if h.Status == client.StatusPermanentRedirect {
		m.flash("Moved permanently to "+to.String(), false)
		if d := m.about.OfferBookmarkUpdate(h.URL, to); d != nil && m.dialogs.Len() == 0 {
			m.dialogs.Push(d)
		}
	}
	via = append(slices.Clip(via), to)
	cmd := m.load(t, to)
	t.Via = via
	return cmd
}

// onCertificateStatus handles 60, 61 and 62: the status page, and over it
// the dialog that picks or creates an identity; the request is then
// repeated with it.
func (m *Model) onCertificateStatus(t *tabs.Tab, h load.HeaderMsg) tea.Cmd {
	cmd := m.showResponse(t, h)
	if m.opts.Identities.Dir == "" {
		m.flash("Identities are off: no identity directory is set", true)
		return cmd
	}
	m.active = slices.Index(m.tabs, t) // the dialog is about this tab's page: show it
	d, list := dialog.NewIdentity(m.shared, dialog.IdentityRequest{
		URL: h.URL, Status: h.Status, Reason: h.Meta, Sent: h.Identity, TLS12: h.TLS.Version == tls.VersionTLS12,
		Store: m.ids.store, Scopes: m.ids.scopes.List(), Now: time.Now(),
	}, idTag{h.Key, h.URL})
	m.dialogs.Push(d)
	return tea.Batch(cmd, list)
}
