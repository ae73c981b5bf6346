package tabs

import (
	"fmt"
	"strconv"
	"time"

	"propus/browser/content"
	"propus/browser/dialog"
	"propus/browser/load"
	"propus/browser/sanitize"
	"propus/browser/style"
	"propus/client"
	"propus/tofu"
)

// Chain describes the redirect chain that led to what the tab loads or
// shows, for a status line of width cells; "" when there is none.
func (t *Tab) Chain(width int) string {
	n := len(t.Via)
	if n < 2 {
		return ""
	}
	// A load in flight is the chain's next hop (or a slow-down retry of
	// it): every other load stops the tab, which ends the chain.
	if last := t.Via[n-1].String(); t.Loading == "" && (t.Page == nil || t.Page.URL == nil || t.Page.URL.String() != last) {
		return ""
	}
	return load.ChainStatus(t.Via, width)
}

// StatusParts describes a loaded page for the status line.
func (p *Page) StatusParts(spin string, st style.Styles) []string {
	var parts []string
	if p.Loading {
		size := p.Size
		if p.Stream != nil {
			size = max(size, p.Stream.Bytes()) // what has arrived, not only the lines handed over
		}
		parts = append(parts, spin+" "+content.HumanSize(size))
	}
	if p.Raw != 0 {
		parts = append(parts, strconv.Itoa(int(p.Raw))+" "+p.Raw.String())
	}
	if p.Status.Class() == client.StatusSuccess {
		parts = append(parts, sanitize.Line(p.MIME))
		if p.Lang != "" {
			parts = append(parts, "lang "+sanitize.Line(p.Lang))
		}
		if !p.Loading {
			parts = append(parts, content.HumanSize(p.Size))
		}
	}
	if p.Identity != "" {
		parts = append(parts, "id: "+sanitize.Line(p.Identity))
	}
	if p.Notice != "" {
		parts = append(parts, sanitize.Line(p.Notice))
	}
	if p.Truncated {
		parts = append(parts, st.StatusError.Render("may be truncated (no close_notify)"))
	}
	if p.Cert != nil {
		trust := tlsVersion(p.TLS.Version)
		switch p.Trust.Outcome {
		case tofu.FirstSight:
			trust += " new host, pinned"
		case tofu.Match:
			trust += " pinned ✓"
		case tofu.ChangedAfterExpiry:
			trust += " new cert (old expired)"
		}
		parts = append(parts, trust)
	}
	return parts
}

// Info lists the details of p for the info overlay.
func (p *Page) Info() []dialog.Field {
	fields := []dialog.Field{{Label: "URL", Value: sanitize.Line(p.ShownAddress())}}
	if p.URL == nil {
		return fields
	}
	add := func(label, value string) { fields = append(fields, dialog.Field{Label: label, Value: value}) }
	if p.Raw != 0 {
		add("Status", strconv.Itoa(int(p.Raw))+" "+p.Raw.String())
		add("Meta", sanitize.Line(p.Meta))
	}
	if p.MIME != "" {
		add("Type", sanitize.Line(p.MIME))
	}
	if p.Lang != "" {
		add("Language", sanitize.Line(p.Lang))
	}
	switch {
	case p.Image.Shows():
		add("Size", content.HumanSize(p.Size))
		add("Image", p.Image.Caption())
	case p.Image != nil:
		add("Size", content.HumanSize(p.Size))
		add("Image", "not shown: "+sanitize.Line(p.Image.Err.Error()))
	default:
		add("Size", fmt.Sprintf("%s, %d lines, %d links", content.HumanSize(p.Size), p.Doc.Len(), p.Doc.Links()))
	}
	if p.Truncated {
		add("", "the body ended without TLS close_notify: it may be truncated")
	}
	if p.Cert != nil {
		add("TLS", tlsVersion(p.TLS.Version))
		add("Cert", tofu.PublicKeyPin(p.Cert))
		add("Subject", sanitize.Line(p.Cert.Subject.String()))
		add("Expires", p.Cert.NotAfter.Format(time.DateOnly))
		if p.Trust.Outcome != 0 {
			add("Trust", trustText(p.Trust))
		}
	}
	return fields
}

// trustText says what the known-hosts check found.
func trustText(r tofu.Result) string {
	switch r.Outcome {
	case tofu.FirstSight:
		return "first visit: pinned now (trust on first use)"
	case tofu.Match:
		return "matches the pinned certificate (first seen " + r.Host.FirstSeen.Format(time.DateOnly) + ")"
	case tofu.ChangedAfterExpiry:
		if r.Previous != nil {
			return "new certificate, pinned because the old one expired on " + r.Previous.Expires.Format(time.DateOnly)
		}
		return "new certificate, pinned after the old one expired"
	case tofu.ChangedVerified:
		return "new certificate, verified by a certificate authority"
	}
	return ""
}

// tlsVersion names a TLS version.
func tlsVersion(v uint16) string {
	switch v {
	case 0x0304:
		return "TLS 1.3"
	case 0x0303:
		return "TLS 1.2"
	}
	return "TLS"
}

// LinkStatus names the selected link for the status line: its number and
// where it goes, marked when it leaves Gemini.
func (p *Page) LinkStatus() string {
	target := sanitize.Line(p.SelectedURL())
	line := "[" + strconv.Itoa(p.View.Selected) + "] " + target
	switch s := load.SchemeOf(target); s {
	case "gemini", "about", "":
	default:
		line += " (" + s + ": leaves Gemini)"
	}
	return line
}
