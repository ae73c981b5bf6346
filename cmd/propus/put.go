package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/url"
	"os"
	"os/signal"
	"strings"
	"time"

	"propus/browser/content"
	"propus/browser/sanitize"
	"propus/browser/titan"
	"propus/client"
	"propus/tofu"
)

const putHelp = `Uploads FILE to URL with Titan, the upload protocol of Gemini space; FILE
"-" or none reads standard input, whole, before the upload (at most 64 MiB).
URL is gemini:// or titan://, or host/path as fetch reads it. Server
certificates are checked against your known hosts as fetch checks them; a
changed certificate is refused.

The type sent is --mime, else the one of FILE's extension (of the URL's for
standard input): .gmi and .gemini are text/gemini, an unknown one is
application/octet-stream. An empty FILE is refused: Titan servers take an
upload of 0 bytes as a deletion, which --delete asks for.

Prints where the upload lives ("Uploaded 1.2 KiB to gemini://host/path") to
stdout, and the server's status line to stderr.

Exit codes: 0 for a 2x or 3x response (a server answers an upload with a
redirect to it); 1, 4, 5, 6 for a 1x, 4x, 5x, 6x response; 2 for a usage
error or a bad URL; 7 for a network or protocol error (timeout, no
response, malformed header); 8 when the server's certificate changed; 1
when FILE cannot be read or changes size while it is sent.`

// maxStdin caps what propus put reads from standard input: it is held in
// memory to know its size before the upload.
var maxStdin int64 = 64 << 20

func runPut(e *env, args []string) int {
	fs := flag.NewFlagSet("put", flag.ContinueOnError)
	mimeType := fs.String("mime", "", "send the media `TYPE` (default: from the file name's extension)")
	token := fs.String("token", "", "send the `TOKEN` the server asks for to accept uploads")
	idName := fs.String("identity", "", "present the client certificate (identity) `NAME`")
	del := fs.Bool("delete", false, "delete the resource at URL: an upload of 0 bytes, with no FILE")
	timeout := fs.Int("timeout", 10000, "deadline in `ms` for connecting, the TLS handshake, each write of the upload and the header")
	fs.Usage = usageFunc(fs, "[flags] URL [FILE|-]", putHelp)
	pos, done, code := parseFlags(fs, args, e.stdout, e.stderr)
	if done {
		return code
	}
	fail := func(code int, err error) int {
		fmt.Fprintf(e.stderr, "propus: %s\n", sanitize.Text(err.Error()))
		return code
	}
	switch {
	case len(pos) == 0:
		return fail(exitUsage, errors.New("URL is required"))
	case len(pos) > 2:
		return fail(exitUsage, fmt.Errorf("unexpected argument %q", pos[2]))
	case *del && len(pos) == 2:
		return fail(exitUsage, errors.New("--delete sends no FILE"))
	case *timeout <= 0:
		return fail(exitUsage, errors.New("--timeout must be a positive number of milliseconds"))
	}
	target, err := uploadTarget(pos[0])
	if err != nil {
		return fail(exitUsage, err)
	}

	var body io.Reader
	var size int64
	if !*del {
		name := "-"
		if len(pos) == 2 {
			name = pos[1]
		}
		f, n, err := openUpload(name, e.stdin)
		if err != nil {
			return fail(exitFailure, err)
		}
		defer f.Close()
		if n == 0 {
			return fail(exitUsage, fmt.Errorf("%s is empty: Titan servers take an upload of 0 bytes as a deletion (use --delete for that)", uploadName(name)))
		}
		body, size = f, n
		if *mimeType == "" {
			named := name
			if name == "-" {
				named = target.Path
			}
			*mimeType = titan.MIMEOf(named)
		}
	}

	c, req, err := oneRequest(e, time.Duration(*timeout)*time.Millisecond, target, *idName)
	if err != nil {
		return fail(exitFailure, err)
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	resp, err := c.Upload(ctx, req, *mimeType, size, *token, body)
	if err != nil {
		var changed *tofu.ChangedError
		switch {
		case errors.As(err, &changed):
			return fail(exitCertChanged, changedAdvice(changed, "upload"))
		case errors.As(err, new(*client.URLError)):
			return fail(exitUsage, err)
		case errors.As(err, new(*client.SizeError)), errors.As(err, new(*os.PathError)):
			return fail(exitFailure, err)
		}
		return fail(exitError, err)
	}
	resp.Body.Close()

	fmt.Fprintf(e.stderr, "%d %s %s\n", resp.RawStatus, resp.Status, sanitize.Line(resp.Meta))
	if c := resp.Status.Class(); c != client.StatusSuccess && c != client.StatusRedirect {
		return statusExit(resp.Status)
	}
	where := target.String()
	if resp.Status.Class() == client.StatusRedirect {
		where = resp.Meta
		if u, err := client.Resolve(target, resp.Meta); err == nil {
			where = u.String()
		}
	}
	if *del {
		fmt.Fprintf(e.stdout, "Deleted %s\n", sanitize.Line(target.String()))
	} else {
		fmt.Fprintf(e.stdout, "Uploaded %s to %s\n", content.HumanSize(size), sanitize.Line(where))
	}
	return exitOK
}

// uploadTarget reads the URL of propus put as fetch reads its own, and
// returns the normalised gemini URL of the resource: the one Titan
// writes.
func uploadTarget(arg string) (*url.URL, error) {
	u, err := client.ParseURL(arg)
	if err != nil {
		return nil, err
	}
	if u.Scheme != "gemini" && !strings.EqualFold(u.Scheme, "titan") {
		return nil, fmt.Errorf("%s is not a gemini or titan URL", arg)
	}
	return client.Normalize(client.GeminiURL(client.TitanURL(u)))
}

// openUpload opens the file to upload and returns it with its size: a
// regular file, or standard input ("-"), read whole, up to maxStdin
// bytes.
func openUpload(name string, stdin io.Reader) (io.ReadCloser, int64, error) {
	if name == "-" {
		b, err := io.ReadAll(io.LimitReader(stdin, maxStdin+1))
		switch {
		case err != nil:
			return nil, 0, fmt.Errorf("reading standard input: %w", err)
		case int64(len(b)) > maxStdin:
			return nil, 0, fmt.Errorf("standard input is longer than %s: save it to a file and upload the file", content.HumanSize(maxStdin))
		}
		return io.NopCloser(bytes.NewReader(b)), int64(len(b)), nil
	}
	f, err := os.Open(name)
	if err != nil {
		return nil, 0, err
	}
	st, err := f.Stat()
	if err == nil && !st.Mode().IsRegular() {
		err = fmt.Errorf("%s is not a regular file", name)
	}
	if err != nil {
		f.Close()
		return nil, 0, err
	}
	return f, st.Size(), nil
}

// uploadName names the file to upload in a message.
func uploadName(name string) string {
	if name == "-" {
		return "standard input"
	}
	return name
}
