package tabs

import (
	"bytes"
	"crypto/tls"
	"crypto/x509"
	"io"
	"net/url"
	"strconv"
	"strings"

	tea "charm.land/bubbletea/v2"

	"propus/browser/dialog"
	"propus/browser/load"
	"propus/browser/render"
	"propus/client"
	"propus/client/charset"
	"propus/gemtext"
	"propus/tofu"
)

// Page is one loaded (or loading) document and how it is shown.
type Page struct {
	URL      *url.URL // nil for about: pages
	Address  string   // what the URL bar shows
	Status   client.Status
	Raw      client.Status
	Meta     string
	MIME     string
	Charset  string // the body's, as declared ("" for UTF-8)
	Lang     string
	Notice   string // a problem worth a word in the status line
	Identity string // the identity the request presented, if any
	// Sensitive: the page answers a sensitive prompt (11); the answer is
	// cut from url and address, and the page is never recorded.
	Sensitive bool

	Doc  *render.Document
	View render.View

	Size      int64
	Loading   bool // the body is still streaming
	FollowEnd bool // G while it streams: keep to the end until it is in
	Truncated bool
	Err       error

	TLS   tls.ConnectionState
	Cert  *x509.Certificate
	Trust tofu.Result

	Stream *load.Stream // the body (still arriving, or arrived)
	Image  *Image       // an image: shown in place of Doc when it decoded
	text   []byte       // the gemtext of a page made here

	source     *render.Document // built on \, from sourceOf bytes
	sourceOf   int
	srcView    render.View
	ShowSource bool
}

// NewPage returns an empty page for address.
func NewPage(u *url.URL, address string) *Page {
	p := &Page{URL: u, Address: address, Doc: render.NewDocument()}
	p.View = render.View{Doc: p.Doc}
	return p
}

// LocalPage returns a page made here (about: pages, error pages) from
// gemtext text.
func LocalPage(u *url.URL, address, text string) *Page {
	p := NewPage(u, address)
	doc, _ := gemtext.ParseAll(strings.NewReader(text))
	p.Doc.Append(doc...)
	p.MIME = "text/gemini"
	p.text = []byte(text)
	return p
}

// Bytes is the page's body as received (so far, while it streams),
// before charset decoding; for a page made here, its gemtext.
func (p *Page) Bytes() []byte {
	if p.Image != nil {
		return p.Image.Body
	}
	if p.Stream != nil {
		return p.Stream.Raw()
	}
	return p.text
}

// Text is the page's body as received (so far), decoded from its
// charset: what the source view shows and a Titan edit starts from.
func (p *Page) Text() []byte {
	r, _ := charset.Decoder(bytes.NewReader(p.Bytes()), p.Charset)
	text, _ := io.ReadAll(r)
	return text
}

// ShownView is the view the keys move: the source's when it is shown.
// The source is the body as received, decoded from its charset, every
// line as it came (tabs, text after a closing fence and all), shown as
// preformatted text; it grows while the body streams.
func (p *Page) ShownView(styles render.Styles, readingWidth int) *render.View {
	if !p.ShowSource {
		return &p.View
	}
	if b := p.Bytes(); p.source == nil || len(b) != p.sourceOf {
		p.source, p.sourceOf = render.NewDocument(), len(b)
		for _, l := range strings.SplitAfter(string(p.Text()), "\n") {
			if l != "" {
				p.source.Append(gemtext.Line{Kind: gemtext.Preformatted, Text: strings.TrimSuffix(strings.TrimSuffix(l, "\n"), "\r")})
			}
		}
		top := p.srcView.Top
		p.srcView = render.View{Doc: p.source, ReadingWidth: readingWidth, Top: top}
	}
	p.srcView.Styles = styles
	return &p.srcView
}

// Title is the page's first heading, else its address.
func (p *Page) Title() string {
	if t := p.Doc.Title(); t != "" {
		return t
	}
	return p.Address
}

// Absolute resolves a link of the page to the URL it names.
func (p *Page) Absolute(link string) string {
	if p.URL == nil {
		return link
	}
	u, err := client.Resolve(p.URL, link)
	if err != nil {
		return link
	}
	return u.String()
}

// SelectedURL is the URL of the link selected, "" when none is.
func (p *Page) SelectedURL() string {
	if p.View.Selected <= 0 {
		return ""
	}
	_, l := p.Doc.Link(p.View.Selected)
	return p.Absolute(l.URL)
}

// HideQuery makes p the page of a sensitive answer: its URL and address
// lose their query, so that the answer is not shown, copied, recorded in
// the history or sent again by a reload (which asks anew).
func (p *Page) HideQuery() {
	p.Sensitive = true
	if p.URL != nil {
		p.URL = load.WithoutQuery(p.URL)
		p.Address = p.URL.String()
	}
}

// ShownAddress is the address shown in the URL bar and the page info:
// marked when the answer to a sensitive prompt was cut from it.
func (p *Page) ShownAddress() string {
	if p.Sensitive {
		return p.Address + HiddenQuery
	}
	return p.Address
}

// Search highlights value on the page (the last search again when value
// is "") and shows the first match at or after the top of the screen; it
// says what it found.
func (p *Page) Search(value string) (msg string, isErr bool) {
	v := &p.View
	if value == "" {
		value = v.Query
	}
	if value == "" {
		return "", false
	}
	v.Query, v.Matches = value, p.Doc.Search(value)
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

// NextMatch moves to the next (d=1) or previous (d=-1) search match, and
// says which it is.
func (p *Page) NextMatch(d int) (msg string, isErr bool) {
	v := &p.View
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

// Outline returns the page's headings, and which of them is the last at
// or above the top of the screen.
func (p *Page) Outline() (headings []dialog.Heading, selected int) {
	for i, line := range p.Doc.Headings() {
		l := p.Doc.Line(line)
		headings = append(headings, dialog.Heading{Line: line, Level: l.Level, Text: l.Text})
		if line <= p.View.Top.Line {
			selected = i
		}
	}
	return headings, selected
}

// FeedTarget is the feed S subscribes to: the selected link's, else the
// page's; problem says why there is none.
func (p *Page) FeedTarget() (target *url.URL, problem string) {
	if l := p.SelectedURL(); l != "" {
		u, err := url.Parse(l)
		if err != nil {
			return nil, "Not a feed: " + err.Error()
		}
		return u, ""
	}
	if p.Sensitive {
		return nil, "A page reached with sensitive input is never subscribed to"
	}
	return p.URL, ""
}

// Clicked follows the mouse: the wheel scrolls, a left click on the page
// (the screen's rows 1 to height; row 0 is the tab bar) selects the link
// under it, whose number it returns (0: none).
func (p *Page) Clicked(msg tea.Msg, height int) int {
	switch msg := msg.(type) {
	case tea.MouseWheelMsg:
		p.FollowEnd = false
		switch msg.Button {
		case tea.MouseWheelUp:
			p.View.ScrollUp(3)
		case tea.MouseWheelDown:
			p.View.ScrollDown(3)
		}
	case tea.MouseClickMsg:
		if msg.Button != tea.MouseLeft || p.ShowSource || msg.Y < 1 || msg.Y > height {
			return 0
		}
		if n, ok := p.View.LinkAt(msg.X, msg.Y-1); ok {
			p.View.Selected = n
			return n
		}
	}
	return 0
}
