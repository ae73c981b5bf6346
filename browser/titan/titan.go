// Package titan is the browser's side of Titan, Gemini's upload
// protocol: a page's source edited in $EDITOR, a file chosen from disk,
// and the upload itself.
//
// A Job is one upload. Its commands do the I/O and report typed
// messages; the browser decides what to ask between them: Prepare writes
// the text to edit to a file in the download directory (ReadyMsg), so
// that nothing typed is lost whatever happens next (a refusal, a failed
// upload, a quit); Editor runs the editor on it (EditedMsg); Stat reads a
// chosen file's size and type (StatMsg); Upload sends the file
// (UploadedMsg); Discard removes the edited text once it is uploaded, or
// when it did not change.
package titan

import (
	"bytes"
	"context"
	"crypto/tls"
	"fmt"
	"mime"
	"net/url"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"strings"
	"sync/atomic"
	"time"

	tea "charm.land/bubbletea/v2"

	"propus/browser/content"
	"propus/browser/editor"
	"propus/client"
)

// Job is one upload: what goes where, and as what.
type Job struct {
	ID  int // tells one job's messages from another's
	Tab int // the ID of the tab that shows the result
	// Seq is the tab's load sequence number when the job began: the
	// answer moves the tab only while it has not moved since.
	Seq    int
	Target *url.URL // the gemini:// address written to
	File   string   // the file uploaded
	// Edited: File holds text edited here, kept in the download
	// directory until it is uploaded.
	Edited bool
	MIME   string
	Size   int64  // set by Stat, or once the editor saved
	Token  string // "" sends none
	// Sent, which the caller of Upload sets, counts the bytes of the file
	// sent while the upload runs.
	Sent *atomic.Int64
	// Identity, when not nil, loads the identity to present.
	Identity func() (name string, cert *tls.Certificate, err error)
}

// Name is the last segment of the job's target, for messages.
func (j Job) Name() string {
	if name := path.Base(j.Target.Path); name != "/" && name != "." {
		return name
	}
	return j.Target.Host + "/"
}

// ReadyMsg: Text, to edit, is in the job's file (or err says why not).
type ReadyMsg struct {
	Job  Job
	Text []byte
	Err  error
}

// EditedMsg: the editor exited. Changed reports whether the file differs
// from what it was given; Err is the editor's failure.
type EditedMsg struct {
	Job     Job
	Changed bool
	Err     error
}

// StatMsg: the chosen file's size and type are in the job, or err says
// why it cannot be uploaded.
type StatMsg struct {
	Job Job
	Err error
}

// UploadedMsg: the server answered an upload (Status and Meta), or Err
// says why no answer came. Identity is the identity presented, if any.
type UploadedMsg struct {
	Job      Job
	Status   client.Status
	Meta     string
	Identity string
	Err      error
}

// MIMEOf returns the type to upload a file named name as (the browser's
// P and propus put): text/gemini for .gmi and .gemini, else the system's
// type for its extension ("text/html; charset=utf-8"), else
// application/octet-stream.
func MIMEOf(name string) string {
	ext := strings.ToLower(filepath.Ext(name))
	switch ext {
	case ".gmi", ".gemini":
		return "text/gemini"
	}
	if t := mime.TypeByExtension(ext); t != "" {
		return t
	}
	return "application/octet-stream"
}

// Prepare writes text, to edit, to a new file of its own in dir (the
// download directory), named after the job's target and the time
// ("notes.edited-20261207-0815-*.gmi"), and reports ReadyMsg with the
// job's File set. The file stays there until the text is uploaded.
func Prepare(j Job, text []byte, dir string) tea.Cmd {
	return func() tea.Msg {
		pattern := strings.TrimSuffix(safeName(j.Name()), ".gmi") + ".edited-" + time.Now().Format("20060102-150405") + "-*.gmi"
		path, err := editor.TempFile(dir, pattern, text)
		if err != nil {
			return ReadyMsg{Job: j, Err: err}
		}
		j.File, j.Edited = path, true
		return ReadyMsg{Job: j, Text: text}
	}
}

// Editor returns the editor's command on the job's file, to run in the
// terminal (tea.ExecProcess), and what reports EditedMsg when it exits;
// before is the text the file was given.
func Editor(j Job, before []byte) (*exec.Cmd, tea.ExecCallback) {
	return editor.Command(j.File), func(err error) tea.Msg {
		if err != nil {
			return EditedMsg{Job: j, Err: fmt.Errorf("the editor failed: %w", err)}
		}
		after, err := os.ReadFile(j.File)
		if err != nil {
			return EditedMsg{Job: j, Err: err}
		}
		j.Size = int64(len(after))
		return EditedMsg{Job: j, Changed: !bytes.Equal(before, after)}
	}
}

// Stat checks that the job's file is a regular file and reports its size
// and type in StatMsg.
func Stat(j Job) tea.Cmd {
	return func() tea.Msg {
		fi, err := os.Stat(j.File)
		switch {
		case err != nil:
			return StatMsg{Job: j, Err: err}
		case !fi.Mode().IsRegular():
			return StatMsg{Job: j, Err: fmt.Errorf("%s is not a file", j.File)}
		}
		j.Size = fi.Size()
		if j.MIME == "" {
			j.MIME = MIMEOf(j.File)
		}
		return StatMsg{Job: j}
	}
}

// Upload sends the job's file to its target's Titan address with c, and
// reports UploadedMsg; j.Sent counts the bytes as they go. The file is
// read as it goes; one that changed size since Stat fails the upload
// rather than send a wrong size.
func Upload(ctx context.Context, cancel context.CancelFunc, c *client.Client, j Job) tea.Cmd {
	return func() tea.Msg {
		defer cancel()
		msg := UploadedMsg{Job: j}
		var cert *tls.Certificate
		if j.Identity != nil {
			name, ct, err := j.Identity()
			if err != nil {
				msg.Err = err
				return msg
			}
			msg.Identity, cert = name, ct
		}
		f, err := os.Open(j.File)
		if err != nil {
			msg.Err = err
			return msg
		}
		defer f.Close()
		resp, err := c.Upload(ctx, &client.Request{URL: j.Target, Certificate: cert}, j.MIME, j.Size, j.Token, content.CountReader(f, j.Sent))
		if err != nil {
			msg.Err = err
			return msg
		}
		resp.Body.Close()
		msg.Status, msg.Meta = resp.Status, resp.Meta
		return msg
	}
}

// Discard removes the job's file when it holds edited text (once it is
// uploaded, or when nothing changed); a file the user chose is theirs.
func Discard(j Job) tea.Cmd {
	if !j.Edited {
		return nil
	}
	return func() tea.Msg {
		os.Remove(j.File) // one left behind harms nothing: the text is on the capsule
		return nil
	}
}

// safeName is name with only letters, digits, '.', '-' and '_', for a
// file name of our own.
func safeName(name string) string {
	name = strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '.', r == '-', r == '_':
			return r
		}
		return '_'
	}, name)
	if strings.Trim(name, "._") == "" {
		return "page.gmi"
	}
	return name
}

// Target is the gemini:// address a page is written to with Titan: u
// (gemini or titan) without its query, fragment or Titan parameters.
func Target(u *url.URL) *url.URL {
	return client.GeminiURL(client.TitanURL(u))
}

// PageFile is the address a page is edited at: Target, and for a
// directory (a path ending in "/") its index file, index.gmi, since Titan
// cannot write a directory.
func PageFile(u *url.URL) *url.URL {
	t := Target(u)
	if t.Path == "" || strings.HasSuffix(t.Path, "/") {
		t = t.JoinPath("index.gmi")
	}
	return t
}

// ParseLink reads a titan:// link: the gemini:// address it writes to and
// the token it carries, if any. The size and type in a link are the
// sender's to set, so they are dropped.
func ParseLink(u *url.URL) (target *url.URL, token string) {
	_, params, _ := strings.Cut(u.EscapedPath(), ";")
	for _, kv := range strings.Split(params, ";") {
		if k, v, ok := strings.Cut(kv, "="); ok && strings.EqualFold(k, "token") {
			if t, err := url.PathUnescape(v); err == nil {
				token = t
			}
		}
	}
	return Target(u), token
}
