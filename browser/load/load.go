// Package load is where the browser's requests are made: the command
// that fetches a URL, the stream that delivers its body in batches, and
// the key that tells a current reply from a stale one.
//
// Every load carries a Key: its tab and the tab's sequence number when it
// started. The browser drops a Msg whose key is no longer its tab's, in
// one place, so a reply that arrives after the user moved on never
// overwrites the page they are on. Every request runs under the Loader's
// context, which is cancelled when the browser quits.
package load

import (
	"context"
	"errors"
	"net/url"
	"strings"

	"propus/client"
	"propus/tofu"
)

// Key names one load: the tab it is for and the tab's sequence number
// when it started.
type Key struct {
	Tab int
	Seq int
}

// Msg is a message that belongs to one load of one tab: it is dropped
// when the tab has moved on (its sequence number is no longer Key's).
type Msg interface {
	LoadKey() Key
}

// Loader makes the browser's requests: with the base client's settings
// and TLS session cache, the known-hosts check, and one root context.
type Loader struct {
	// Client gives every request its timeouts and size cap.
	Client *client.Client
	// Hosts is the known-hosts store; nil trusts every certificate.
	Hosts *tofu.Store

	ctx    context.Context
	cancel context.CancelFunc
}

// New returns a loader whose requests run under a root context of their
// own, until Close.
func New(c *client.Client, hosts *tofu.Store) *Loader {
	if c == nil {
		c = &client.Client{}
	}
	l := &Loader{Client: c, Hosts: hosts}
	l.ctx, l.cancel = context.WithCancel(context.Background())
	return l
}

// Context returns a context for one piece of work (a load, a download,
// a feed fetch, an opener): cancelled by its cancel func or when the
// loader closes.
func (l *Loader) Context() (context.Context, context.CancelFunc) {
	return context.WithCancel(l.ctx)
}

// Close cancels everything the loader started.
func (l *Loader) Close() { l.cancel() }

// IsCanceled reports whether err means the load was cancelled.
func IsCanceled(err error) bool {
	return errors.Is(err, context.Canceled)
}

// SchemeOf returns the lower-case scheme of a URL string, "" if none.
func SchemeOf(raw string) string {
	if i := strings.IndexByte(raw, ':'); i > 0 {
		return strings.ToLower(raw[:i])
	}
	return ""
}

// WithoutQuery returns u without its query and fragment.
func WithoutQuery(u *url.URL) *url.URL {
	v := *u
	v.RawQuery, v.ForceQuery, v.Fragment, v.RawFragment = "", false, "", ""
	return &v
}

// ElideQuery shows u with its query, which may hold what the user typed,
// as "?…", and without its fragment.
func ElideQuery(u *url.URL) string {
	v := *WithoutQuery(u)
	q := u.RawQuery != "" || u.ForceQuery
	if q {
		return v.String() + "?…"
	}
	return v.String()
}
