package load

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"io"
	"net/url"

	tea "charm.land/bubbletea/v2"

	"propus/browser/content"
	"propus/client"
	"propus/client/charset"
	"propus/tofu"
)

// HeaderMsg: the response header arrived. For a text 2x response, Stream
// delivers the body; for a download, Resp is open and waits for the
// user's choice (a stale one is closed by Discard).
type HeaderMsg struct {
	Key     Key
	URL     *url.URL
	Status  client.Status // the status, an unknown code as its class
	Raw     client.Status // the code as the server sent it
	Meta    string
	Kind    content.Kind
	MIME    string
	Lang    string
	Charset string // the body's, as declared ("" for UTF-8)
	Notice  string // a charset or identity problem, said in the status line
	TLS     tls.ConnectionState
	Cert    *x509.Certificate
	Trust   tofu.Result
	Stream  *Stream
	Resp    *client.Response // downloads, and text of an unknown charset
	// UnknownCharset: the body is text in a charset propus cannot decode;
	// Resp is open for the user to save it or see it as UTF-8.
	UnknownCharset bool
	Identity       string // the identity presented, if any
}

// ErrMsg: the load failed before a header arrived.
type ErrMsg struct {
	Key  Key
	URL  *url.URL
	Err  error
	Cert *x509.Certificate // for a *tofu.ChangedError, the certificate refused
}

// LoadKey returns the load the header belongs to.
func (h HeaderMsg) LoadKey() Key { return h.Key }

// LoadKey returns the load that failed.
func (e ErrMsg) LoadKey() Key { return e.Key }

// Discarder is a message that holds something to release when it is
// stale (an open body nobody will read).
type Discarder interface {
	Discard()
}

// Discard closes the open body of a header nobody will act on.
func (h HeaderMsg) Discard() {
	if h.Resp != nil {
		h.Resp.Body.Close()
	}
}

// Request is one load: its key, its URL, and the identity to present.
type Request struct {
	Key Key
	URL *url.URL
	// Identity, when not nil, returns the identity to present: its name
	// and certificate, loaded (from disk) inside the command. An identity
	// that does not load is not presented, and its error is the header's
	// Notice.
	Identity func() (name string, cert *tls.Certificate, err error)
}

// Fetch returns the command that sends r under ctx and returns its
// HeaderMsg (or ErrMsg); a text body then streams through the header's
// Stream.
func (l *Loader) Fetch(ctx context.Context, r Request) tea.Cmd {
	return func() tea.Msg {
		var idName string
		var cert *tls.Certificate
		var idErr error
		if r.Identity != nil {
			idName, cert, idErr = r.Identity()
		}
		var check trustCheck
		resp, err := l.client(&check).Do(ctx, &client.Request{URL: r.URL, Certificate: cert})
		if err != nil {
			return ErrMsg{Key: r.Key, URL: r.URL, Err: err, Cert: check.refused}
		}
		h := HeaderMsg{Key: r.Key, URL: r.URL, Status: resp.Status, Raw: resp.RawStatus, Meta: resp.Meta,
			TLS: resp.TLS, Cert: resp.Certificate, Trust: check.result, Identity: idName}
		if idErr != nil {
			h.Notice = idErr.Error()
		}
		if resp.Status.Class() != client.StatusSuccess {
			resp.Body.Close()
			return h
		}
		h.Kind, h.MIME, h.Charset, h.Lang = content.Classify(resp.Meta)
		if _, err := charset.Decoder(nil, h.Charset); h.Kind == content.Downloadable || err != nil {
			h.Resp = resp // a download, or a text nothing here can decode: the user chooses
			h.UnknownCharset = err != nil
			return h
		}
		h.Stream = StreamBody(r.Key, resp, h.Charset, h.Kind == content.PlainText)
		return h
	}
}

// StreamBody starts reading the body of resp, decoded from charset cs (which
// charset.Decoder must know, or the bytes go as they are), into a Stream of
// gemtext lines, or of preformatted ones when plain.
func StreamBody(key Key, resp *client.Response, cs string, plain bool) *Stream {
	s := newStream(key)
	body, _ := charset.Decoder(io.TeeReader(resp.Body, &s.raw), cs)
	go func() {
		defer resp.Body.Close()
		s.run(countingReader{body, s}, resp, plain)
	}()
	return s
}

// trustCheck is what the certificate check of one request found.
type trustCheck struct {
	result  tofu.Result
	refused *x509.Certificate // the certificate refused as changed, if any
}

// client returns the client for one request: a clone of the base client
// (its settings, and the TLS session cache every request shares) whose
// certificate check is the known-hosts store's, inside the handshake
// (before a byte of the request is sent), recording what it found in
// check.
func (l *Loader) client(check *trustCheck) *client.Client {
	c := l.Client.Clone()
	c.TrustCertificate = nil
	if l.Hosts != nil {
		hosts := l.Hosts
		c.TrustCertificate = func(addr string, chain []*x509.Certificate) error {
			res, err := hosts.Check(addr, chain)
			if _, ok := errors.AsType[*tofu.SaveError](err); ok {
				err = nil // the pin holds for this run; the store said why it was not saved
			}
			if _, ok := errors.AsType[*tofu.ChangedError](err); ok {
				check.refused = chain[0]
			}
			check.result = res
			return err
		}
	}
	return c
}

// Checked returns a client for work outside a page load (a feed fetch):
// the same settings and known-hosts check as a load's.
func (l *Loader) Checked() *client.Client { return l.client(&trustCheck{}) }
