package browser

import (
	"crypto/tls"
	"crypto/x509"
	"net/url"
	"strconv"
	"strings"

	tea "charm.land/bubbletea/v2"

	"propus/browser/dialog"
	"propus/browser/load"
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

	stream *load.Stream // the body still arriving, if any

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
	doc, _ := gemtext.ParseAll(strings.NewReader(text))
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

// shownView is the view the keys move: the source's when it is shown.
func (p *page) shownView(styles render.Styles, readingWidth int) *render.View {
	if !p.showSource {
		return &p.view
	}
	if p.srcView.Doc == nil {
		p.srcView = render.View{Doc: p.sourceDoc(), ReadingWidth: readingWidth}
	}
	p.srcView.Styles = styles
	return &p.srcView
}

// title is the page's first heading, else its address.
func (p *page) title() string {
	if t := p.doc.Title(); t != "" {
		return t
	}
	return p.address
}

// absolute resolves a link of the page to the URL it names.
func (p *page) absolute(link string) string {
	if p.url == nil {
		return link
	}
	u, err := client.Resolve(p.url, link)
	if err != nil {
		return link
	}
	return u.String()
}

// selectedURL is the URL of the link selected, "" when none is.
func (p *page) selectedURL() string {
	if p.view.Selected <= 0 {
		return ""
	}
	_, l := p.doc.Link(p.view.Selected)
	return p.absolute(l.URL)
}

// hideQuery makes p the page of a sensitive answer: its URL and address
// lose their query, so that the answer is not shown, copied, recorded in
// the history or sent again by a reload (which asks anew).
func (p *page) hideQuery() {
	p.sensitive = true
	if p.url != nil {
		p.url = load.WithoutQuery(p.url)
		p.address = p.url.String()
	}
}

// shownAddress is the address shown in the URL bar and the page info:
// marked when the answer to a sensitive prompt was cut from it.
func (p *page) shownAddress() string {
	if p.sensitive {
		return p.address + hiddenQuery
	}
	return p.address
}

// search highlights value on the page (the last search again when value
// is "") and shows the first match at or after the top of the screen; it
// says what it found.
func (p *page) search(value string) (msg string, isErr bool) {
	v := &p.view
	if value == "" {
		value = v.Query
	}
	if value == "" {
		return "", false
	}
	v.Query, v.Matches = value, p.doc.Search(value)
	if len(v.Matches) == 0 {
		v.CurrentMatch = -1
		return "No match for " + value, true
	}
	v.CurrentMatch = 0
	for i, line := range v.Matches {
		if line >= v.Top.Line {
			v.CurrentMatch = i
			break
		}
	}
	v.ShowLine(v.Matches[v.CurrentMatch])
	if len(v.Matches) == 1 {
		return "1 line matches", false
	}
	return strconv.Itoa(len(v.Matches)) + " lines match; n and N move between them", false
}

// nextMatch moves to the next (d=1) or previous (d=-1) search match, and
// says which it is.
func (p *page) nextMatch(d int) (msg string, isErr bool) {
	v := &p.view
	if len(v.Matches) == 0 {
		if v.Query != "" {
			return "No match for " + v.Query, true
		}
		return "", false
	}
	v.CurrentMatch = (v.CurrentMatch + d + len(v.Matches)) % len(v.Matches)
	v.ShowLine(v.Matches[v.CurrentMatch])
	return "Match " + strconv.Itoa(v.CurrentMatch+1) + " of " + strconv.Itoa(len(v.Matches)), false
}

// outline returns the page's headings, and which of them is the last at
// or above the top of the screen.
func (p *page) outline() (headings []dialog.Heading, selected int) {
	for i, line := range p.doc.Headings() {
		l := p.doc.Line(line)
		headings = append(headings, dialog.Heading{Line: line, Level: l.Level, Text: l.Text})
		if line <= p.view.Top.Line {
			selected = i
		}
	}
	return headings, selected
}

// feedTarget is the feed S subscribes to: the selected link's, else the
// page's; problem says why there is none.
func (p *page) feedTarget() (target *url.URL, problem string) {
	if l := p.selectedURL(); l != "" {
		u, err := url.Parse(l)
		if err != nil {
			return nil, "Not a feed: " + err.Error()
		}
		return u, ""
	}
	if p.sensitive {
		return nil, "A page reached with sensitive input is never subscribed to"
	}
	return p.url, ""
}

// clicked follows the mouse: the wheel scrolls, a left click on the page
// (the screen's rows 1 to height; row 0 is the tab bar) selects the link
// under it, whose number it returns (0: none).
func (p *page) clicked(msg tea.Msg, height int) int {
	switch msg := msg.(type) {
	case tea.MouseWheelMsg:
		switch msg.Button {
		case tea.MouseWheelUp:
			p.view.ScrollUp(3)
		case tea.MouseWheelDown:
			p.view.ScrollDown(3)
		}
	case tea.MouseClickMsg:
		if msg.Button != tea.MouseLeft || p.showSource || msg.Y < 1 || msg.Y > height {
			return 0
		}
		if n, ok := p.view.LinkAt(msg.X, msg.Y-1); ok {
			p.view.Selected = n
			return n
		}
	}
	return 0
}
