package testserver

import (
	"errors"

	"propus/client"
)

// A Handler answers a Gemini request.
//
// ServeGemini writes the header with WriteHeader and the body with Write;
// a Write before WriteHeader sends "20 text/gemini". A handler that
// returns without writing anything answers "20 text/gemini" with an empty
// body. A handler that panics answers 42 when no header was sent yet;
// after the header, the connection is closed without close_notify, so the
// client can tell the body is cut short. Either way the server lives on.
// The ResponseWriter must not be used after ServeGemini returns.
type Handler interface {
	ServeGemini(w ResponseWriter, r *Request)
}

// HandlerFunc lets an ordinary function be a Handler.
type HandlerFunc func(w ResponseWriter, r *Request)

// ServeGemini calls f(w, r).
func (f HandlerFunc) ServeGemini(w ResponseWriter, r *Request) { f(w, r) }

// Middleware wraps a Handler with more behaviour (rate limits,
// certificate zones, …).
type Middleware func(Handler) Handler

// Chain returns h wrapped by the middleware, the first outermost.
func Chain(h Handler, mw ...Middleware) Handler {
	for i := len(mw) - 1; i >= 0; i-- {
		h = mw[i](h)
	}
	return h
}

// ResponseWriter is what a Handler answers through.
type ResponseWriter interface {
	// WriteHeader sends the header. Only the first call counts; a status
	// outside 10–69 or a meta over 1024 bytes or with a line break is
	// replaced by "42 Internal server error" (and logged).
	WriteHeader(status client.Status, meta string)
	// Write sends body bytes, after "20 text/gemini" if no header was
	// written. After a non-2x header it fails with ErrBodyNotAllowed.
	Write(p []byte) (int, error)
	// Flush sends what is buffered to the client now.
	Flush() error
}

// ErrBodyNotAllowed is returned by Write after a header whose status is
// not 2x: only success responses have a body.
var ErrBodyNotAllowed = errors.New("testserver: a body is only allowed after a 2x header")

// NotFound answers "51 Not found".
func NotFound(w ResponseWriter, _ *Request) { w.WriteHeader(client.StatusNotFound, "Not found") }

// Reply returns a handler that answers every request with status and meta.
func Reply(status client.Status, meta string) Handler {
	return HandlerFunc(func(w ResponseWriter, _ *Request) { w.WriteHeader(status, meta) })
}

// Page returns a handler that answers "20 mime" with body.
func Page(mime, body string) Handler {
	return HandlerFunc(func(w ResponseWriter, _ *Request) {
		w.WriteHeader(client.StatusSuccess, mime)
		w.Write([]byte(body))
	})
}
