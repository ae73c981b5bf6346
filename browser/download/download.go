// Package download is what the browser does with what it does not show:
// a response that is not a page, saved to the download directory (and
// maybe opened), and a link to another scheme, opened with a program or
// copied. The questions it asks report what the user chose as messages;
// the browser runs the work they start under its own context.
package download

import (
	"bytes"
	"context"
	"os"
	"strings"
	"sync/atomic"

	tea "charm.land/bubbletea/v2"

	"propus/browser/content"
	"propus/browser/dialog"
	"propus/browser/sanitize"
	"propus/client"
)

// Openers maps a MIME type ("image/png"), a MIME family ("image/*"),
// "*/*" or a URL scheme ("https") to a command that opens it, e.g.
// "xdg-open %s".
type Openers map[string]string

// For returns the command of the first of keys that has one, "" if none.
func (o Openers) For(keys ...string) string {
	for _, k := range keys {
		if c := o[k]; c != "" {
			return c
		}
	}
	return ""
}

// StartMsg: the user chose to save Resp as Name in Dir, and then to open
// it with Opener when one is given.
type StartMsg struct {
	Resp              *client.Response
	Dir, Name, Opener string
}

// OpenMsg: the user chose to open Target with Command.
type OpenMsg struct{ Command, Target string }

// CopyMsg: the user chose to copy Target to the clipboard.
type CopyMsg struct{ Target string }

// DoneMsg: a download ended: saved at Path, or Err says why not.
type DoneMsg struct {
	item *item
	Path string
	Err  error
}

// OpenedMsg reports a program that could not start (Err), or nil.
type OpenedMsg struct{ Err error }

// Ask offers to save a response that is not a page, called name, of type
// mime, to dir, or to open it with the opener of its type; cancelling
// closes the response.
func Ask(sh *dialog.Shared, resp *client.Response, name, mime, dir string, openers Openers) *dialog.Question {
	ks := sh.Keys
	answers := []dialog.Answer{{Key: dialog.Bind(ks.Save, "save to "+dir), Cmd: dialog.Report(StartMsg{resp, dir, name, ""})}}
	family, _, _ := strings.Cut(mime, "/")
	if c := openers.For(mime, family+"/*", "*/*"); c != "" {
		answers = append(answers, dialog.Answer{Key: dialog.Bind(ks.OpenWith, "open with "+strings.Fields(c)[0]),
			Cmd: dialog.Report(StartMsg{resp, dir, name, c})})
	}
	close := func() tea.Msg { resp.Body.Close(); return nil }
	return dialog.NewQuestion(sh, "Not a page: "+sanitize.Line(name)+" ("+sanitize.Line(mime)+")", close, answers...)
}

// ShowMsg: the user chose to see Resp, a body of an unknown charset, as
// UTF-8.
type ShowMsg struct {
	Resp *client.Response
	Tag  any
}

// DialogTag returns the tag of the response asked about.
func (m ShowMsg) DialogTag() any { return m.Tag }

// Discard closes the body, when nobody will show it.
func (m ShowMsg) Discard() { m.Resp.Body.Close() }

// AskCharset asks what to do with a text body in charset, which propus
// cannot decode (showing it would show noise): save it, see it as UTF-8
// all the same (the answer carries tag), or leave it; leaving it closes
// the response.
func AskCharset(sh *dialog.Shared, resp *client.Response, charset, name, dir string, tag any) *dialog.Question {
	ks := sh.Keys
	close := func() tea.Msg { resp.Body.Close(); return nil }
	return dialog.NewQuestion(sh, "This page's charset, "+sanitize.Line(charset)+", is one propus cannot decode: shown, its text would be noise.", close,
		dialog.Answer{Key: dialog.Bind(ks.Save, "save it to "+dir), Cmd: dialog.Report(StartMsg{resp, dir, name, ""})},
		dialog.Answer{Key: ks.AsUTF8, Cmd: dialog.Report(ShowMsg{resp, tag})})
}

// External asks what to do with a link to another scheme: open it with
// the opener of its scheme, or copy it. It is never followed silently.
func External(sh *dialog.Shared, target, scheme string, openers Openers) *dialog.Question {
	ks := sh.Keys
	var answers []dialog.Answer
	if c := openers.For(scheme); c != "" {
		answers = append(answers, dialog.Answer{Key: dialog.Bind(ks.OpenWith, "open with "+strings.Fields(c)[0]),
			Cmd: dialog.Report(OpenMsg{c, target})})
	}
	answers = append(answers, dialog.Answer{Key: dialog.Bind(ks.Copy, "copy the URL"), Cmd: dialog.Report(CopyMsg{target})})
	return dialog.NewQuestion(sh, "This link leaves Gemini space:\n"+sanitize.Line(target), nil, answers...)
}

// Open returns the command that starts command on target under ctx, and
// cancels ctx (with cancel) once it has started.
func Open(ctx context.Context, cancel context.CancelFunc, command, target string) tea.Cmd {
	return func() tea.Msg {
		defer cancel()
		return OpenedMsg{content.Open(ctx, command, target, false)}
	}
}

// OpenCopy returns the command that writes body (a page as received) to
// a new directory under the system's temporary one as name, and starts
// command on that file, under ctx (which cancel ends once it has
// started); it reports with an OpenedMsg. The copy stays for the program
// to read: the system's temporary directory is its to clean.
func OpenCopy(ctx context.Context, cancel context.CancelFunc, body []byte, name, command string) tea.Cmd {
	return func() tea.Msg {
		defer cancel()
		dir, err := os.MkdirTemp("", "propus-")
		if err != nil {
			return OpenedMsg{err}
		}
		path, err := content.Download(ctx, bytes.NewReader(body), dir, name, nil)
		if err != nil {
			return OpenedMsg{err}
		}
		return OpenedMsg{content.Open(ctx, command, path, false)}
	}
}

// item is a download in progress. Gemini sends no length, so its
// progress is the bytes written so far, not a percentage.
type item struct {
	name    string
	written atomic.Int64
}

// Set is the downloads in progress: each has its own progress.
type Set struct {
	items []*item
}

// Start returns the command that streams s.Resp to disk, with no size
// cap, under ctx (which cancel ends when it is done), and then runs the
// opener on the file when one is given.
func (set *Set) Start(ctx context.Context, cancel context.CancelFunc, s StartMsg) tea.Cmd {
	s.Resp.SetMaxSize(0)
	it := &item{name: s.Name}
	set.items = append(set.items, it)
	return func() tea.Msg {
		defer cancel()
		defer s.Resp.Body.Close()
		path, err := content.Download(ctx, s.Resp.Body, s.Dir, s.Name, func(n int64) { it.written.Store(n) })
		if err == nil && s.Opener != "" {
			err = content.Open(ctx, s.Opener, path, false)
		}
		return DoneMsg{it, path, err}
	}
}

// Done takes the download of msg off the set, and says how it ended.
func (set *Set) Done(msg DoneMsg) (text string, isErr bool) {
	for i, it := range set.items {
		if it == msg.item {
			set.items = append(set.items[:i], set.items[i+1:]...)
			break
		}
	}
	if msg.Err != nil {
		return "Download failed: " + msg.Err.Error(), true
	}
	return "Saved " + msg.Path, false
}

// Len is the number of downloads in progress.
func (set *Set) Len() int { return len(set.items) }

// Status is the progress of every download, for the status line:
// "Saving a.png 1.2 MiB · b.zip 300 KiB".
func (set *Set) Status() string {
	parts := make([]string, 0, len(set.items))
	for _, it := range set.items {
		parts = append(parts, sanitize.Line(it.name)+" "+content.HumanSize(it.written.Load()))
	}
	return "Saving " + strings.Join(parts, " · ")
}

// Save returns the command that writes body (a page as received) to dir
// as name, under ctx (which cancel ends when it is done); it reports with
// a DoneMsg that no Set holds.
func Save(ctx context.Context, cancel context.CancelFunc, body []byte, dir, name string) tea.Cmd {
	return func() tea.Msg {
		defer cancel()
		path, err := content.Download(ctx, bytes.NewReader(body), dir, name, nil)
		return DoneMsg{Path: path, Err: err}
	}
}
