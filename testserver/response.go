package testserver

import (
	"bufio"
	"crypto/tls"
	"net"

	"propus/client"
)

// Hijacker is implemented by the server's ResponseWriter: Hijack hands the
// connection to the handler, which then writes whatever bytes it likes
// (malformed replies on purpose) and closes the TLS connection (with
// close_notify) or the raw one (without). The server sends nothing more;
// it closes the raw connection when the handler returns.
type Hijacker interface {
	Hijack() (tc *tls.Conn, raw net.Conn)
}

// response is the server's ResponseWriter.
type response struct {
	c           *conn
	w           *bufio.Writer
	wroteHeader bool
	status      client.Status
	meta        string
	bodyAllowed bool
	bytes       int64 // bytes written, header included
	hijacked    bool
	aborted     bool     // the handler panicked after the header
	progress    progress // the writes' minimum-progress rule
}

// send runs write, a write to the connection, under the response's
// minimum-progress rule (see Server.WriteTimeout).
func (r *response) send(write func() error) error {
	return r.progress.run(r.c.tc.SetWriteDeadline, r.bytes, write)
}

func (r *response) WriteHeader(status client.Status, meta string) {
	if r.hijacked {
		return
	}
	if r.wroteHeader {
		r.c.srv.logf("testserver: superfluous WriteHeader(%d, %q) for %s", status, meta, r.c.remote)
		return
	}
	r.wroteHeader = true
	buffered := r.w.Buffered() // the header fits in the empty buffer
	if err := client.WriteHeader(r.w, status, meta); err != nil {
		r.c.srv.logf("testserver: handler sent a bad header (%d %q): %v", status, meta, err)
		status, meta = client.StatusCGIError, "Internal server error"
		client.WriteHeader(r.w, status, meta)
	}
	r.bytes += int64(r.w.Buffered() - buffered)
	r.status, r.meta = status, meta
	r.bodyAllowed = status.Class() == client.StatusSuccess
}

func (r *response) Write(p []byte) (int, error) {
	if r.hijacked {
		return 0, ErrBodyNotAllowed
	}
	if !r.wroteHeader {
		r.WriteHeader(client.StatusSuccess, "text/gemini")
	}
	if !r.bodyAllowed {
		return 0, ErrBodyNotAllowed
	}
	var n int
	err := r.send(func() (err error) {
		n, err = r.w.Write(p)
		return err
	})
	r.bytes += int64(n)
	return n, err
}

func (r *response) Flush() error {
	if r.hijacked {
		return nil
	}
	return r.send(r.w.Flush)
}

func (r *response) Hijack() (*tls.Conn, net.Conn) {
	r.hijacked = true
	r.w.Flush()
	return r.c.tc, r.c.raw
}

// Raw returns a handler that writes reply to the connection as it is —
// no header checks, nothing added — and closes it with close_notify: a
// way to send malformed replies on purpose.
func Raw(reply string) Handler {
	return HandlerFunc(func(w ResponseWriter, _ *Request) {
		tc, _ := w.(Hijacker).Hijack()
		tc.Write([]byte(reply))
		tc.Close()
	})
}
