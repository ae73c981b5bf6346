package browser

import (
	"context"
	"strings"
	"sync/atomic"
	"time"

	tea "charm.land/bubbletea/v2"

	"propus/browser/content"
	"propus/browser/sanitize"
	"propus/client"
)

// question asks the user to choose, one key per answer.
type question struct {
	text    string
	answers []answer
}

type answer struct {
	key, label string
	do         func() tea.Cmd
}

func (m *Model) ask(text string, answers ...answer) tea.Cmd {
	m.question = &question{text: text, answers: append(answers, answer{key: "esc", label: "cancel"})}
	m.mode = modeQuestion
	return nil
}

func (m *Model) questionKey(msg tea.KeyPressMsg) tea.Cmd {
	q := m.question
	s := msg.String()
	if s == "ctrl+c" {
		return m.quit()
	}
	for _, a := range q.answers {
		if s == a.key || a.key == "o" && s == "enter" && len(q.answers) > 0 && q.answers[0].key == "o" {
			m.mode, m.question = modeNormal, nil
			if a.do == nil {
				return nil
			}
			return a.do()
		}
	}
	if s == "esc" || s == "q" {
		m.mode, m.question = modeNormal, nil
		return q.answers[len(q.answers)-1].doOrNil()
	}
	return nil
}

func (a answer) doOrNil() tea.Cmd {
	if a.do == nil {
		return nil
	}
	return a.do()
}

// opener returns the configured command for a MIME type, its family
// ("image/*") or a URL scheme.
func (m *Model) opener(keys ...string) string {
	for _, k := range keys {
		if c := m.opts.Openers[k]; c != "" {
			return c
		}
	}
	return ""
}

// openDoneMsg reports an external program that could not start.
type openDoneMsg struct{ err error }

func openCmd(command, target string) tea.Cmd {
	return func() tea.Msg {
		return openDoneMsg{content.Open(context.Background(), command, target, false)}
	}
}

// askExternal shows a link to another scheme and offers to open it with
// the configured program or to copy it; it is never followed silently.
func (m *Model) askExternal(target string) tea.Cmd {
	shown := sanitize.Line(target)
	var answers []answer
	if c := m.opener(schemeOf(target)); c != "" {
		answers = append(answers, answer{"o", "open with " + strings.Fields(c)[0], func() tea.Cmd { return openCmd(c, target) }})
	}
	answers = append(answers, answer{"y", "copy the URL", func() tea.Cmd {
		if m.opts.NoClipboard {
			m.flash("Copying is off in the settings", true)
			return nil
		}
		m.flash("Copied "+shown, false)
		return tea.SetClipboard(target)
	}})
	return m.ask("This link leaves Gemini space:\n"+shown, answers...)
}

// downloadState is a download in progress. Gemini sends no length, so the
// status line shows the bytes written so far, not a percentage.
type downloadState struct {
	name    string
	written atomic.Int64
	cancel  context.CancelFunc
}

type downloadProgressMsg struct{}

type downloadDoneMsg struct {
	path string
	err  error
}

// askDownload offers to save (or open) a response that is not text.
func (m *Model) askDownload(h headerMsg) tea.Cmd {
	name := content.FileName(h.url, h.mime)
	dir := m.opts.DownloadDir
	resp := h.resp
	answers := []answer{{"s", "save to " + dir, func() tea.Cmd { return m.startDownload(resp, dir, name) }}}
	family, _, _ := strings.Cut(h.mime, "/")
	if c := m.opener(h.mime, family+"/*", "*/*"); c != "" {
		answers = append(answers, answer{"o", "open with " + strings.Fields(c)[0], func() tea.Cmd {
			return m.startDownloadThen(resp, dir, name, c)
		}})
	}
	answers = append(answers, answer{"esc", "cancel", func() tea.Cmd { resp.Body.Close(); return nil }})
	m.question = &question{text: "Not a page: " + sanitize.Line(name) + " (" + sanitize.Line(h.mime) + ")", answers: answers}
	m.mode = modeQuestion
	return nil
}

func (m *Model) startDownload(resp *client.Response, dir, name string) tea.Cmd {
	return m.startDownloadThen(resp, dir, name, "")
}

// startDownloadThen streams the body to dir with no size cap, showing a
// progress bar, and then runs opener on the file when one is given.
func (m *Model) startDownloadThen(r *client.Response, dir, name, opener string) tea.Cmd {
	r.SetMaxSize(0)
	ctx, cancel := context.WithCancel(context.Background())
	d := &downloadState{name: name, cancel: cancel}
	m.download = d
	done := func() tea.Msg {
		defer r.Body.Close()
		path, err := content.Download(ctx, r.Body, dir, name, func(n int64) { d.written.Store(n) })
		if err == nil && opener != "" {
			err = content.Open(context.Background(), opener, path, false)
		}
		return downloadDoneMsg{path, err}
	}
	return tea.Batch(done, m.tickProgress(), m.spinner.Tick)
}

// tickProgress returns the command that redraws the download progress
// bar 100 ms later.
func (m *Model) tickProgress() tea.Cmd {
	return m.after(100*time.Millisecond, func(time.Time) tea.Msg { return downloadProgressMsg{} })
}

func (m *Model) downloadUpdate(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case downloadProgressMsg:
		if m.download != nil {
			return m.tickProgress()
		}
	case downloadDoneMsg:
		m.download = nil
		if msg.err != nil {
			m.flash("Download failed: "+msg.err.Error(), true)
		} else {
			m.flash("Saved "+msg.path, false)
		}
	}
	return nil
}
