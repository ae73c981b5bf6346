//go:build unix

package testserver

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"
	"syscall"
	"time"

	"propus/client"
)

// maxCGIHeader is the longest first line a script may print, LF
// excluded.
const maxCGIHeader = 2048

// maxCGIStderr is how much of a script's standard error reaches Stderr
// per request; the rest is counted and dropped.
const maxCGIStderr = 64 << 10

// stderrGrace is how long a killed or finished script's stderr is still
// read, in case something outside its process group holds it open.
const stderrGrace = time.Second

// ServeGemini runs the script the request names, or hands the request
// to Fallback (see CGI).
//
// The script's environment holds exactly these variables:
//
//	GATEWAY_INTERFACE         CGI/1.1
//	SERVER_PROTOCOL           GEMINI
//	SERVER_SOFTWARE           Software
//	GEMINI_URL                the request line as received
//	SCRIPT_NAME               /cgi-bin/env.sh
//	PATH_INFO                 /extra/path (percent-decoded; empty if none)
//	QUERY_STRING              the query, still percent-encoded
//	SERVER_NAME               Hostname
//	SERVER_PORT               Port
//	REMOTE_ADDR, REMOTE_HOST  the client's IP address (no DNS lookup)
//	TLS_CIPHER                TLS_AES_128_GCM_SHA256
//	TLS_VERSION               TLSv1.2 or TLSv1.3
//
// and, when the client shows a certificate:
//
//	AUTH_TYPE                 CERTIFICATE
//	REMOTE_USER               the subject's common name (may be empty)
//	TLS_CLIENT_HASH           SHA256: and the upper-case hex SHA-256 of the DER certificate
//	TLS_CLIENT_HASH_B64       the same digest in URL-safe base64 with padding
//	TLS_CLIENT_NOT_BEFORE     2006-01-02T15:04:05Z (UTC)
//	TLS_CLIENT_NOT_AFTER      2006-01-02T15:04:05Z (UTC)
//	TLS_CLIENT_SERIAL_NUMBER  the serial number in decimal
//	TLS_CLIENT_AUTHORISED     1 or 0 (see ClientCAs)
//
// A certificate whose subject holds a control character (a line break,
// an escape) is refused with "62 Certificate subject holds control
// characters", so that none reaches a script.
func (c *CGI) ServeGemini(w ResponseWriter, r *Request) {
	rest, ok := c.split(r.URL.Path)
	if !ok {
		c.fallback(w, r)
		return
	}
	if r.Certificate != nil && subjectHasControl(r.Certificate.Subject) {
		w.WriteHeader(client.StatusCertificateNotValid, "Certificate subject holds control characters")
		return
	}
	s, err := c.findScript(r.URL.Path, rest)
	switch {
	case errors.Is(err, errCGIRefused):
		NotFound(w, r)
	case err != nil:
		c.logf("%s: %v", r.URL.Path, err)
		NotFound(w, r)
	case s == nil:
		c.fallback(w, r)
	default:
		c.run(w, r, s)
	}
}

// run runs script s for r and sends its output.
func (c *CGI) run(w ResponseWriter, r *Request, s *script) {
	timeout := c.Timeout
	if timeout <= 0 {
		timeout = DefaultCGITimeout
	}
	ctx, cancel := context.WithTimeout(r.Context(), timeout)
	defer cancel()
	p, err := c.start(s, c.environ(r, s))
	if err != nil {
		c.logf("%s: %v", s.name, err)
		cgiError(w, "CGI error: the script could not be started")
		return
	}
	defer p.close()
	stop := context.AfterFunc(ctx, p.abort)
	defer stop()

	out := bufio.NewReaderSize(p.out, 16<<10)
	status, meta, err := readCGIHeader(out)
	var he *client.HeaderError
	switch {
	case ctx.Err() != nil:
		c.interrupted(w, r, s, timeout, 0)
		return
	case errors.As(err, &he):
		c.logf("%s: %v", s.name, err)
		cgiError(w, "CGI error: bad header: "+he.Reason)
		return
	case err != nil:
		c.logf("%s: reading its output: %v", s.name, err)
		cgiError(w, "CGI error: could not read the script's output")
		return
	}
	w.WriteHeader(status, meta)
	if err := w.Flush(); err != nil {
		c.logf("%s: killed: the client went away: %v", s.name, err)
		return
	}
	if status.Class() != client.StatusSuccess {
		// No body may follow: let the script finish undisturbed.
		_, err = io.Copy(io.Discard, out)
	} else {
		err = stream(w, out)
	}
	var we *writeError
	switch {
	case ctx.Err() != nil:
		c.interrupted(w, r, s, timeout, status)
		return
	case errors.As(err, &we):
		c.logf("%s: killed: the client went away: %v", s.name, we.err)
		return
	case err != nil:
		c.logf("%s: reading its output: %v", s.name, err)
		return
	}
	select {
	case <-p.exited:
		if p.waitErr != nil {
			c.logf("%s: %v", s.name, p.waitErr)
		}
	case <-ctx.Done():
		c.logf("%s: killed: still running after closing its output: %v", s.name, ctx.Err())
	}
}

// writeError is a failure to send output to the client.
type writeError struct{ err error }

func (e *writeError) Error() string { return "sending to the client: " + e.err.Error() }

// stream copies the body from out to w, flushing after every read so
// that the client gets the output as the script produces it. A failure
// to write is a *writeError.
func stream(w ResponseWriter, out io.Reader) error {
	buf := make([]byte, 16<<10)
	for {
		n, err := out.Read(buf)
		if n > 0 {
			if _, werr := w.Write(buf[:n]); werr != nil {
				return &writeError{werr}
			}
			if werr := w.Flush(); werr != nil {
				return &writeError{werr}
			}
		}
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
	}
}

// interrupted answers for a script killed because its time ran out or
// the request's context ended, after sending the header with status
// (0: none yet). When the time ran out during a body, the connection is
// closed without close_notify, so that the client can tell the body is
// incomplete.
func (c *CGI) interrupted(w ResponseWriter, r *Request, s *script, timeout time.Duration, status client.Status) {
	timedOut := r.Context().Err() == nil
	if timedOut {
		c.logf("%s: killed: timed out after %v", s.name, timeout)
	} else {
		c.logf("%s: killed: the request ended: %v", s.name, r.Context().Err())
	}
	switch {
	case status == 0 && timedOut:
		cgiError(w, "CGI process timed out")
	case status == 0:
		cgiError(w, "CGI process stopped: the request ended")
	case status.Class() == client.StatusSuccess && timedOut:
		if hj, ok := w.(Hijacker); ok {
			_, raw := hj.Hijack()
			raw.Close()
		}
	}
}

// readCGIHeader reads the first line of a script's output and parses it
// as a Gemini header. A line that is none, and output that ends before
// the line does, is a *client.HeaderError.
func readCGIHeader(r *bufio.Reader) (client.Status, string, error) {
	var line []byte
	for {
		b, err := r.ReadByte()
		switch {
		case err == io.EOF && len(line) == 0:
			return 0, "", &client.HeaderError{Reason: "the script printed nothing"}
		case err == io.EOF:
			return 0, "", &client.HeaderError{Header: string(line), Reason: "the script ended before the header's line end"}
		case err != nil:
			return 0, "", err
		}
		if b == '\n' {
			break
		}
		if len(line) == maxCGIHeader {
			return 0, "", &client.HeaderError{Header: string(line), Reason: "no line end in the first " + strconv.Itoa(maxCGIHeader) + " bytes"}
		}
		line = append(line, b)
	}
	if n := len(line); n > 0 && line[n-1] == '\r' {
		line = line[:n-1]
	}
	status, meta, err := client.ParseHeader(string(line))
	if err != nil {
		return 0, "", err
	}
	if hasControl(meta) {
		return 0, "", &client.HeaderError{Header: string(line), Reason: "META holds a control character"}
	}
	return status, meta, nil
}

// process is a running CGI script, the leader of its own process group.
type process struct {
	cmd    *exec.Cmd
	out    *os.File      // the read end of the script's stdout
	errOut *os.File      // the read end of its stderr; nil when discarded
	copied chan struct{} // closed when stderr has been copied out
	exited chan struct{} // closed when the script has exited and its group was killed

	waitErr error // how the script exited, once exited is closed

	mu     sync.Mutex
	reaped bool // the script was waited for: its group ID may be reused
}

// start starts script s with environment env.
func (c *CGI) start(s *script, env []string) (p *process, err error) {
	var ours, theirs []*os.File // the pipe ends of the server and of the script
	defer func() {
		for _, f := range theirs {
			f.Close() // the script has its copies
		}
		if err != nil {
			for _, f := range ours {
				f.Close()
			}
		}
	}()
	stdin, empty, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	empty.Close() // stdin reads EOF at once
	theirs = append(theirs, stdin)
	out, stdout, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	ours, theirs = append(ours, out), append(theirs, stdout)
	p = &process{out: out, copied: make(chan struct{}), exited: make(chan struct{})}
	p.cmd = &exec.Cmd{
		Path:        s.file,
		Args:        []string{s.file},
		Env:         env,
		Dir:         filepath.Dir(s.file),
		Stdin:       stdin,
		Stdout:      stdout,
		SysProcAttr: &syscall.SysProcAttr{Setpgid: true},
	}
	if c.Stderr != nil {
		errOut, stderr, err := os.Pipe()
		if err != nil {
			return nil, err
		}
		ours, theirs = append(ours, errOut), append(theirs, stderr)
		p.errOut, p.cmd.Stderr = errOut, stderr
	}
	if err := p.cmd.Start(); err != nil {
		return nil, err
	}
	if p.errOut != nil {
		go func() {
			defer close(p.copied)
			io.CopyN(c.Stderr, p.errOut, maxCGIStderr)
			if n, _ := io.Copy(io.Discard, p.errOut); n > 0 {
				c.logf("%s: %d more bytes of standard error dropped", s.name, n)
			}
		}()
	} else {
		close(p.copied)
	}
	go func() {
		p.waitErr = p.cmd.Wait()
		p.mu.Lock()
		p.killGroup()
		p.reaped = true
		p.mu.Unlock()
		close(p.exited)
	}()
	return p, nil
}

// killGroup kills the script's process group, unless it was reaped
// already (its group then was killed). The caller holds p.mu.
func (p *process) killGroup() {
	if !p.reaped {
		syscall.Kill(-p.cmd.Process.Pid, syscall.SIGKILL)
	}
	if p.errOut != nil {
		p.errOut.SetReadDeadline(time.Now().Add(stderrGrace))
	}
}

// abort kills the script and its process group and stops the reading of
// its output.
func (p *process) abort() {
	p.mu.Lock()
	p.killGroup()
	p.mu.Unlock()
	p.out.SetReadDeadline(time.Now())
}

// close kills whatever is left of the script, waits for it and its
// stderr, and closes the pipes.
func (p *process) close() {
	p.mu.Lock()
	p.killGroup()
	p.mu.Unlock()
	<-p.exited
	<-p.copied
	p.out.Close()
	if p.errOut != nil {
		p.errOut.Close()
	}
}

// logf writes a line about a script to Stderr.
func (c *CGI) logf(format string, args ...any) {
	if c.Stderr != nil {
		fmt.Fprintf(c.Stderr, "testserver: CGI "+format+"\n", args...)
	}
}
