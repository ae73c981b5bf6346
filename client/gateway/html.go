package gateway

import (
	"bytes"
	"context"
	"embed"
	"errors"
	"html/template"
	"io"
	"mime"
	"net/http"
	"net/url"
	"path"
	"strconv"
	"strings"
	"time"

	"propus/client"
	"propus/gemtext"
	"propus/tofu"
)

//go:embed assets
var assets embed.FS

var pageTemplate = template.Must(template.ParseFS(assets, "assets/page.html"))

// page is what the HTML template shows; every field is optional.
type page struct {
	Title   string
	Lang    string // the first language of a text/gemini lang parameter
	Address string // the address bar's value
	Notice  *notice
	Prompt  *prompt
	Image   string // a /raw/ path
	Plain   bool   // Text is a text/* body other than gemtext
	Text    string
	Blocks  []block
	Footer  *footer
}

// notice is an error or a question, with an optional link.
type notice struct {
	Heading  string
	Message  []string
	Href     string
	LinkText string
	External bool
}

// prompt is the form for a 10 or 11 status.
type prompt struct {
	Text      string
	Sensitive bool
	Action    string
}

// footer says where a page came from.
type footer struct {
	URL         string
	Status      int
	Meta        string
	Fingerprint string
	Trust       string
}

// inlineImages are the types shown in a page from /raw/.
var inlineImages = map[string]bool{"image/png": true, "image/jpeg": true, "image/gif": true, "image/webp": true}

// serveHome is GET /: the address bar, or with ?url= a redirect to the page.
func (g *Gateway) serveHome(w http.ResponseWriter, r *http.Request) {
	raw := strings.TrimSpace(r.URL.Query().Get("url"))
	if raw == "" {
		writePage(w, http.StatusOK, &page{Title: "Gemini gateway", Notice: &notice{
			Heading: "Gemini gateway",
			Message: []string{"Type a gemini:// address above to read a capsule."},
		}})
		return
	}
	u, err := client.ParseURL(raw)
	if err != nil || u.Scheme != "gemini" {
		writeNotice(w, http.StatusBadRequest, raw, "Not a Gemini URL", "This gateway reads gemini:// addresses only.")
		return
	}
	http.Redirect(w, r, gatewayPath("/gemini/", u), http.StatusSeeOther)
}

// targetURL is the gemini URL of a /gemini/ or /raw/ request.
func targetURL(r *http.Request, prefix string) (*url.URL, error) {
	raw := "gemini://" + strings.TrimPrefix(r.URL.EscapedPath(), prefix)
	if r.URL.RawQuery != "" || r.URL.ForceQuery {
		raw += "?" + r.URL.RawQuery
	}
	u, err := client.ParseURL(raw)
	if err == nil && u.Scheme != "gemini" {
		err = errors.New("not a gemini URL")
	}
	return u, err
}

// servePage is GET /gemini/HOST[:PORT]/PATH: the capsule's page as HTML.
// Redirects within the capsule are followed here (at most 5, loops
// caught) and answered with 302 or 301 to the page they end at; one to
// another host or scheme is a page that asks.
func (g *Gateway) servePage(w http.ResponseWriter, r *http.Request) {
	u, err := targetURL(r, "/gemini/")
	if err != nil {
		writeNotice(w, http.StatusBadRequest, "", "Not a Gemini URL", err.Error())
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), MaxTimeout)
	defer cancel()
	via := []*url.URL{u}
	permanent := true
	for {
		var trust tofu.Result
		resp, release, err := g.fetch(ctx, r, u, DefaultTimeout, &trust)
		if err != nil {
			writeFetchNotice(w, u, err)
			return
		}
		if resp.Status.Class() != client.StatusRedirect {
			defer release()
			defer resp.Body.Close()
			if len(via) > 1 {
				code := http.StatusFound
				if permanent {
					code = http.StatusMovedPermanently
				}
				http.Redirect(w, r, gatewayPath("/gemini/", u), code)
				return
			}
			g.render(w, u, resp, trust)
			return
		}
		release()
		permanent = permanent && resp.Status == client.StatusPermanentRedirect
		to, err := client.RedirectTarget(via, resp.Meta, client.MaxRedirects)
		if err != nil {
			writeNotice(w, http.StatusBadGateway, u.String(), "Redirect not followed", ErrorText(err))
			return
		}
		if client.CrossesOrigin(u, to) {
			writeCrossRedirect(w, u, to, resp)
			return
		}
		via = append(via, to)
		u = to
	}
}

// writeCrossRedirect is the page that asks before a redirect to another
// host or scheme.
func writeCrossRedirect(w http.ResponseWriter, from, to *url.URL, resp *client.Response) {
	n := &notice{
		Heading:  "Redirect to another site",
		Message:  []string{from.String() + " redirects to " + to.String() + ". Follow it?"},
		Href:     to.String(),
		LinkText: to.String(),
		External: true,
	}
	if to.Scheme == "gemini" {
		n.Href, n.External = gatewayPath("/gemini/", to), false
	}
	writePage(w, http.StatusOK, &page{Title: "Redirect", Address: from.String(), Notice: n,
		Footer: &footer{URL: from.String(), Status: int(resp.RawStatus), Meta: resp.Meta}})
}

// render answers a response that is not a redirect.
func (g *Gateway) render(w http.ResponseWriter, u *url.URL, resp *client.Response, trust tofu.Result) {
	f := &footer{URL: u.String(), Status: int(resp.RawStatus), Meta: resp.Meta}
	if resp.Certificate != nil {
		f.Fingerprint = tofu.PublicKeyPin(resp.Certificate)
		f.Trust = trust.Outcome.String()
	}
	p := &page{Title: u.String(), Address: u.String(), Footer: f}
	switch resp.Status.Class() {
	case client.StatusInput:
		p.Prompt = &prompt{Text: resp.Meta, Sensitive: resp.Status == client.StatusSensitiveInput, Action: gatewayPath("/gemini/", withoutQuery(u))}
		if p.Prompt.Text == "" {
			p.Prompt.Text = "Input"
		}
		writePage(w, http.StatusOK, p)
	case client.StatusSuccess:
		g.renderBody(w, u, resp, p)
	default:
		code, heading := failureStatus(resp.Status)
		if resp.Status == client.StatusSlowDown {
			w.Header().Set("Retry-After", strconv.Itoa(slowDownSeconds(resp.Meta)))
		}
		msg := []string{resp.Meta}
		if resp.Status.Class() == client.StatusCertificateRequired {
			msg = append(msg, "This page needs a client certificate (an identity). The gateway has none to give: open it in a Gemini client such as propus, which can make one for you.")
		}
		p.Notice = &notice{Heading: heading, Message: msg}
		writePage(w, code, p)
	}
}

// renderBody answers a 2x response: gemtext as HTML, other text in <pre>,
// images inline from /raw/, anything else (text/html included) as an
// attachment.
func (g *Gateway) renderBody(w http.ResponseWriter, u *url.URL, resp *client.Response, p *page) {
	mt, params := resp.MediaType()
	switch {
	case inlineImages[mt]:
		resp.Body.Close()
		p.Image = gatewayPath("/raw/", u)
		writePage(w, http.StatusOK, p)
		return
	case !strings.HasPrefix(mt, "text/"), mt == "text/html":
		writeAttachment(w, u, resp)
		return
	}
	text, err := ReadBody(resp)
	if err != nil {
		writeFetchNotice(w, u, err)
		return
	}
	if mt == "text/gemini" {
		p.Lang, _, _ = strings.Cut(params["lang"], ",")
		doc, _ := gemtext.ParseAll(strings.NewReader(text))
		var title string
		p.Blocks, title = renderGemtext(doc, u)
		if title != "" {
			p.Title = title
		}
	} else {
		p.Plain, p.Text = true, text
	}
	writePage(w, http.StatusOK, p)
}

// serveRaw is GET /raw/HOST[:PORT]/PATH: the body itself, as an inline
// PNG, JPEG, GIF or WebP image, else as an application/octet-stream
// attachment — never with the capsule's own type.
func (g *Gateway) serveRaw(w http.ResponseWriter, r *http.Request) {
	u, err := targetURL(r, "/raw/")
	if err != nil {
		http.Error(w, "Not a Gemini URL", http.StatusBadRequest)
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), MaxTimeout)
	defer cancel()
	var trust tofu.Result
	resp, release, err := g.fetch(ctx, r, u, DefaultTimeout, &trust)
	if err != nil {
		writeFetchNotice(w, u, err)
		return
	}
	defer release()
	defer resp.Body.Close()
	if resp.Status.Class() != client.StatusSuccess {
		http.Redirect(w, r, gatewayPath("/gemini/", u), http.StatusSeeOther)
		return
	}
	mt, _ := resp.MediaType()
	if !inlineImages[mt] {
		writeAttachment(w, u, resp)
		return
	}
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		writeFetchNotice(w, u, err)
		return
	}
	w.Header().Set("Content-Type", mt)
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.Write(body)
}

// writeAttachment sends a body as a download, whatever type it claims.
func writeAttachment(w http.ResponseWriter, u *url.URL, resp *client.Response) {
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		writeFetchNotice(w, u, err)
		return
	}
	name := path.Base(u.Path)
	if name == "/" || name == "." || name == "" {
		name = "download"
	}
	h := w.Header()
	h.Set("Content-Type", "application/octet-stream")
	h.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": name}))
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.Write(body)
}

// serveAnswer is the POST of a 10/11 form: the answer, percent-encoded as
// the query of the page's URL, then a redirect to that URL.
func (g *Gateway) serveAnswer(w http.ResponseWriter, r *http.Request) {
	u, err := targetURL(r, "/gemini/")
	if err != nil {
		writeNotice(w, http.StatusBadRequest, "", "Not a Gemini URL", err.Error())
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, 16<<10)
	if err := r.ParseForm(); err != nil {
		writeNotice(w, http.StatusBadRequest, u.String(), "Bad answer", "The answer could not be read.")
		return
	}
	answered, err := client.InputURL(u, r.PostForm.Get("input"))
	if err != nil {
		writeNotice(w, http.StatusBadRequest, u.String(), "Answer too long", ErrorText(err))
		return
	}
	http.Redirect(w, r, gatewayPath("/gemini/", answered), http.StatusSeeOther)
}

func withoutQuery(u *url.URL) *url.URL {
	v := *u
	v.RawQuery, v.ForceQuery = "", false
	return &v
}

// failureStatus maps a 4x, 5x or 6x status to an HTTP status and a heading.
func failureStatus(s client.Status) (int, string) {
	switch {
	case s == client.StatusSlowDown:
		return http.StatusTooManyRequests, "Slow down"
	case s == client.StatusNotFound:
		return http.StatusNotFound, "Not found"
	case s == client.StatusGone:
		return http.StatusGone, "Gone"
	case s.Class() == client.StatusCertificateRequired:
		return http.StatusForbidden, "Client certificate required"
	case s.Class() == client.StatusTemporaryFailure:
		return http.StatusBadGateway, "Temporary failure"
	}
	return http.StatusBadGateway, "Permanent failure"
}

// slowDownSeconds is the wait a 44 asks for, read as the browser reads
// it (client.Backoff: "30", "wait 30 seconds"), at most an hour; one
// second when it says none.
func slowDownSeconds(meta string) int {
	d, _ := client.Backoff{MaxDelay: time.Hour, Retries: 1}.Delay(1, meta)
	return max(int(d/time.Second), 1)
}

// writeFetchNotice answers a fetch that failed: 403 for a blocked target,
// 429 for a limit, 504 for a timeout, else 502.
func writeFetchNotice(w http.ResponseWriter, u *url.URL, err error) {
	text := ErrorText(err)
	def := http.StatusBadGateway
	if text == client.ErrTimeout.Error() {
		def = http.StatusGatewayTimeout
	}
	code := fetchStatus(w, err, def)
	heading := map[int]string{http.StatusForbidden: "Blocked", http.StatusTooManyRequests: "Too many requests"}[code]
	if heading == "" {
		heading = "The capsule could not be read"
	}
	writeNotice(w, code, u.String(), heading, text)
}

func writeNotice(w http.ResponseWriter, code int, address, heading, msg string) {
	writePage(w, code, &page{Title: heading, Address: address, Notice: &notice{Heading: heading, Message: []string{msg}}})
}

func writePage(w http.ResponseWriter, code int, p *page) {
	var buf bytes.Buffer
	if err := pageTemplate.Execute(&buf, p); err != nil {
		http.Error(w, "template: "+err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Content-Length", strconv.Itoa(buf.Len()))
	w.WriteHeader(code)
	w.Write(buf.Bytes())
}

var style, _ = assets.ReadFile("assets/style.css")

func serveStyle(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/css; charset=utf-8")
	w.Header().Set("Cache-Control", "max-age=3600")
	w.Write(style)
}
