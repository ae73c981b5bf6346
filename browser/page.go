package browser

import (
	"crypto/tls"
	"crypto/x509"
	"net/url"

	"propus/browser/render"
	"propus/client"
	"propus/gemtext"
	"propus/tofu"
)

// page is one loaded (or loading) document and how it is shown.
type page struct {
	url      *url.URL // nil for about: pages
	address  string   // what the URL bar shows
	status   client.Status
	raw      client.Status
	meta     string
	mime     string
	lang     string
	notice   string // a problem worth a word in the status line
	identity string // the identity the request presented, if any
	// sensitive: the page answers a sensitive prompt (11); the answer is
	// cut from url and address, and the page is never recorded.
	sensitive bool

	doc  *render.Document
	view render.View

	size      int64
	loading   bool // the body is still streaming
	truncated bool
	err       error

	tls   tls.ConnectionState
	cert  *x509.Certificate
	trust tofu.Result

	stream *stream // the body still arriving, if any

	source     *render.Document // built on first \
	srcView    render.View
	showSource bool
}

// newPage returns an empty page for address.
func newPage(u *url.URL, address string) *page {
	p := &page{url: u, address: address, doc: render.NewDocument()}
	p.view = render.View{Doc: p.doc}
	return p
}

// localPage returns a page made here (about: pages, error pages) from
// gemtext text.
func localPage(u *url.URL, address, text string) *page {
	p := newPage(u, address)
	doc, _ := gemtext.ParseAll(stringsReader(text))
	p.doc.Append(doc...)
	p.mime = "text/gemini"
	return p
}

// sourceDoc returns the page's source: every line as written, shown as
// preformatted text.
func (p *page) sourceDoc() *render.Document {
	if p.source == nil {
		p.source = render.NewDocument()
		pre := false
		for i := 0; i < p.doc.Len(); i++ {
			l := p.doc.Line(i)
			if l.Kind == gemtext.PreformatToggle {
				pre = !pre
				if !pre {
					l.Text = ""
				}
			}
			p.source.Append(gemtext.Line{Kind: gemtext.Preformatted, Text: l.String()})
		}
	}
	return p.source
}

// title is the page's first heading, else its address.
func (p *page) title() string {
	if t := p.doc.Title(); t != "" {
		return t
	}
	return p.address
}
