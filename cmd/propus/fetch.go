package main

import (
	"bufio"
	"context"
	"crypto/x509"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/url"
	"os"
	"os/signal"
	"path/filepath"
	"time"

	"propus/browser/content"
	"propus/browser/sanitize"
	"propus/client"
	"propus/client/charset"
	"propus/client/gateway"
	"propus/tofu"
)

const fetchHelp = `Fetches one Gemini URL and writes the body to stdout byte for byte (control
sequences are stripped when stdout is a terminal) and the status line to
stderr. Server certificates are checked against your known hosts (trust on
first use); a changed certificate is refused.

Exit codes: 0 for a 2x response; 1, 3, 4, 5, 6 for a 1x, 3x, 4x, 5x, 6x
response; 2 for a usage error or a bad URL; 7 for a network or protocol
error (timeout, no response, malformed header, body too large, a redirect
under --follow that loops, goes on too long or names no target); 8 when the
server's certificate changed; 1 when a file on disk is broken.

On a terminal a text body is decoded from its charset and stripped of
control sequences; any other body is not written there (propus says its
type and size: save it with -o). A pipe or -o gets the bytes as received;
-o files get the mode downloads get.

With --json, prints {"success":true,"status":20,"meta":"…","body":"…"} or
{"success":false,"error":"…"} instead, with the same exit codes: any
response, 1x to 6x, is "success":true, as with Port of Call.`

func runFetch(e *env, args []string) int {
	fs := flag.NewFlagSet("fetch", flag.ContinueOnError)
	jsonOut := fs.Bool("json", false, "print the result as JSON (success, status, meta, body or error)")
	timeout := fs.Int("timeout", 10000, "deadline in `ms` for connecting, the TLS handshake, the header and each read of the body")
	maxSize := fs.Int64("max-size", client.DefaultMaxSize, "body cap in `bytes` (0: no cap)")
	follow := fs.Bool("follow", false, "follow redirects: at most 5, within the same scheme, host and port")
	var input optionalString
	fs.Var(&input, "input", "answer a 10/11 input prompt with `TEXT` (sent as the query)")
	idName := fs.String("identity", "", "present the client certificate (identity) `NAME`")
	outFile := fs.String("o", "", "write the body to `FILE` instead of stdout")
	fs.Usage = usageFunc(fs, "[flags] URL", fetchHelp)
	pos, done, code := parseFlags(fs, args, e.stdout, e.stderr)
	if done {
		return code
	}

	fail := func(code int, err error) int {
		if *jsonOut {
			gateway.WriteJSON(e.stdout, gateway.ErrorResult{Success: false, Error: gateway.ErrorText(err)})
		} else {
			fmt.Fprintf(e.stderr, "propus: %s\n", sanitize.Text(err.Error()))
		}
		return code
	}
	if len(pos) == 0 {
		return fail(exitUsage, errors.New("URL is required"))
	}
	if len(pos) > 1 {
		return fail(exitUsage, fmt.Errorf("one URL at a time (got %d)", len(pos)))
	}
	u, err := client.ParseURL(pos[0])
	if err != nil {
		return fail(exitUsage, err)
	}
	if *timeout <= 0 {
		return fail(exitUsage, errors.New("--timeout must be a positive number of milliseconds"))
	}

	c, req, err := oneRequest(e, time.Duration(*timeout)*time.Millisecond, u, *idName)
	if err != nil {
		return fail(exitFailure, err)
	}
	c.MaxSize = *maxSize
	if *maxSize == 0 {
		c.MaxSize = -1
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	resp, final, err := fetchOnce(ctx, c, req, *follow, e.stderr)
	if err == nil && resp.Status.Class() == client.StatusInput && input.set {
		resp.Body.Close()
		if req.URL, err = client.InputURL(final, input.value); err == nil {
			resp, _, err = fetchOnce(ctx, c, req, *follow, e.stderr)
		}
	}
	if err != nil {
		var changed *tofu.ChangedError
		switch {
		case errors.As(err, &changed):
			return fail(exitCertChanged, changedAdvice(changed, "fetch"))
		case errors.As(err, new(*client.URLError)):
			return fail(exitUsage, err)
		}
		return fail(exitError, err)
	}
	defer resp.Body.Close()

	if *jsonOut {
		res, err := gateway.NewResult(resp)
		if err != nil {
			return fail(exitError, err)
		}
		gateway.WriteJSON(e.stdout, res)
		return statusExit(resp.Status)
	}

	fmt.Fprintf(e.stderr, "%d %s %s\n", resp.RawStatus, resp.Status, sanitize.Line(resp.Meta))
	if err := writeBody(resp, *outFile, e.stdout, isTerminal(e.stdout), e.stderr); err != nil {
		return fail(exitError, err)
	}
	if resp.Truncated() {
		fmt.Fprintln(e.stderr, "propus: warning: the body ended without TLS close_notify; it may be truncated")
	}
	return statusExit(resp.Status)
}

// fetchOnce sends req, following redirects within one origin when follow
// is set, and returns the response and the URL that gave it.
func fetchOnce(ctx context.Context, c *client.Client, req *client.Request, follow bool, stderr io.Writer) (*client.Response, *url.URL, error) {
	if !follow {
		resp, err := c.Do(ctx, req)
		return resp, req.URL, err
	}
	resp, via, err := c.Follow(ctx, req, client.FollowPolicy{CheckRedirect: func(via []*url.URL, to *url.URL) error {
		fmt.Fprintf(stderr, "propus: not following a redirect to another host or scheme: %s → %s\n",
			sanitize.Line(via[len(via)-1].String()), sanitize.Line(to.String()))
		return client.ErrUseLastResponse
	}})
	return resp, via[len(via)-1], err
}

// writeBody copies the body to the file named out (through a temporary
// file renamed into place, so an error never leaves half a file), or to
// stdout. On a terminal (tty) a text body is decoded from its charset and
// stripped of control sequences, and any other body is not written:
// stderr says what it was and how to save it.
func writeBody(resp *client.Response, out string, stdout io.Writer, tty bool, stderr io.Writer) error {
	if out != "" {
		return writeFile(out, resp.Body)
	}
	if !tty {
		_, err := io.Copy(stdout, resp.Body)
		return err
	}
	kind, mime, cs, _ := content.Classify(resp.Meta)
	if kind == content.Downloadable {
		n, err := io.Copy(io.Discard, resp.Body)
		fmt.Fprintf(stderr, "propus: not written to the terminal: %s, %s; save it with -o FILE\n", sanitize.Line(mime), content.HumanSize(n))
		return err
	}
	body, err := charset.Decoder(resp.Body, cs)
	if err != nil {
		fmt.Fprintf(stderr, "propus: %s; showing the bytes as they are\n", sanitize.Line(err.Error()))
	}
	r := bufio.NewReader(body)
	for {
		line, err := r.ReadString('\n')
		io.WriteString(stdout, sanitize.Text(line))
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
	}
}

// writeFile writes r to path whole or not at all: to a part file beside
// it, made as downloads make theirs, synced, renamed into place.
func writeFile(path string, r io.Reader) error {
	tmp, err := content.CreatePart(filepath.Dir(path), filepath.Base(path))
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := io.Copy(tmp, r); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// optionalString is a string flag that records whether it was given, so
// that an empty answer (--input "") differs from none.
type optionalString struct {
	value string
	set   bool
}

func (o *optionalString) String() string { return o.value }

func (o *optionalString) Set(s string) error {
	o.value, o.set = s, true
	return nil
}

// trustNotice checks certificates against hosts, and tells on stderr when
// a new certificate is pinned after the old one expired, or when the
// decision could not be saved.
func trustNotice(hosts *tofu.Store, stderr io.Writer) func(string, []*x509.Certificate) error {
	return func(address string, chain []*x509.Certificate) error {
		res, err := hosts.Check(address, chain)
		var saveErr *tofu.SaveError
		if errors.As(err, &saveErr) {
			fmt.Fprintf(stderr, "propus: warning: %v\n", saveErr)
			err = nil
		}
		if err == nil && res.Outcome == tofu.ChangedAfterExpiry {
			fmt.Fprintf(stderr, "propus: %s has a new certificate (%s); the pinned one (%s) expired on %s, so the new one is trusted\n",
				address, res.Host.Fingerprint, res.Previous.Fingerprint, res.Previous.Expires.Format("2006-01-02"))
		}
		return err
	}
}
