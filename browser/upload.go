package browser

import (
	"net/url"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	tea "charm.land/bubbletea/v2"

	"propus/browser/content"
	"propus/browser/dialog"
	"propus/browser/load"
	"propus/browser/sanitize"
	"propus/browser/tabs"
	"propus/browser/titan"
	"propus/client"
)

// Writing to a capsule with Titan: E edits the page in $EDITOR, P
// uploads a file beside it, a titan:// link asks which. Every upload is
// asked about with its own key (never Enter); a server that wants a token
// gets a field for it, one that wants an identity the identity picker;
// edited text that is not uploaded is kept beside the downloads.

// uploadTag is kept with a dialog opened about an upload.
type uploadTag struct{ job titan.Job }

// fileTag is kept with the field that asks which file to upload to dir
// (or, with exact, to target itself: a titan:// link, whose token goes
// with it).
type fileTag struct {
	tab    int
	target *url.URL
	exact  bool
	token  string
}

// linkTag is kept with the question a titan:// link asks.
type linkTag struct {
	tab    int
	target *url.URL
	token  string
}

// linkChoice: what to write to a titan:// link's address was chosen: a
// file, or text in $EDITOR.
type linkChoice struct {
	tag  linkTag
	file bool
}

// uploadGo: the user agreed to the upload.
type uploadGo struct{ job titan.Job }

// upload is an upload in flight and what cancels it.
type upload struct {
	job    titan.Job
	cancel func()
}

// newJob returns a job for target on tab t.
func (m *Model) newJob(t *tabs.Tab, target *url.URL) titan.Job {
	m.nextJob++
	return titan.Job{ID: m.nextJob, Tab: t.ID, Seq: t.Seq, Target: target}
}

// editPage starts the Titan edit of the page on tab t: its source, or no
// text for a page the server does not have (51), in $EDITOR.
func (m *Model) editPage(t *tabs.Tab, p *tabs.Page) tea.Cmd {
	switch {
	case p.URL == nil || !strings.EqualFold(p.URL.Scheme, "gemini"):
		m.flash("Only a page of a gemini:// capsule can be edited with Titan", true)
		return nil
	case p.Loading:
		m.flash("The page is still arriving: edit it once it is in", true)
		return nil
	case p.Status != client.StatusNotFound && (p.Status.Class() != client.StatusSuccess || !strings.HasPrefix(p.MIME, "text/")):
		m.flash("Only a text page, or one the capsule does not have yet (51), can be edited", true)
		return nil
	}
	var text []byte
	if p.Status.Class() == client.StatusSuccess {
		text = p.Text()
	}
	target := titan.PageFile(p.URL)
	return m.writeText(t, target, mimeOfPage(p, target), "", text)
}

// writeText starts an edit of text in $EDITOR, to upload to target.
func (m *Model) writeText(t *tabs.Tab, target *url.URL, mimeType, token string, text []byte) tea.Cmd {
	j := m.newJob(t, target)
	j.MIME, j.Token = mimeType, token
	return titan.Prepare(j, text, m.opts.DownloadDir)
}

// mimeOfPage is the type page p is uploaded as when edited at target:
// the page's own for text, else what the target's name says, and
// text/gemini for a name that says nothing (text typed in an editor).
func mimeOfPage(p *tabs.Page, target *url.URL) string {
	if p.Status.Class() == client.StatusSuccess && strings.HasPrefix(p.MIME, "text/") {
		return p.MIME
	}
	return textMIMEOf(target)
}

// textMIMEOf is the type of text written to target: what its name says,
// else text/gemini.
func textMIMEOf(target *url.URL) string {
	if t := titan.MIMEOf(target.Path); t != "application/octet-stream" {
		return t
	}
	return "text/gemini"
}

// uploadFile asks which file to upload beside the page on tab t.
func (m *Model) uploadFile(t *tabs.Tab, p *tabs.Page) tea.Cmd {
	if p.URL == nil || !strings.EqualFold(p.URL.Scheme, "gemini") {
		m.flash("Files are uploaded beside a page of a gemini:// capsule", true)
		return nil
	}
	dir := titan.Target(p.URL.ResolveReference(&url.URL{Path: "./"}))
	return m.askFile(fileTag{tab: t.ID, target: dir}, "its path; it goes to "+dir.String())
}

// askFile opens the field that asks for a file's path; hint says where
// it goes.
func (m *Model) askFile(tag fileTag, hint string) tea.Cmd {
	d, cmd := dialog.NewField(m.shared, "File to upload: ", sanitize.Line(hint), "choose", false, tag)
	m.dialogs.Push(d)
	return cmd
}

// titanLink asks what to write to a titan:// link's address: text in
// $EDITOR, or a file.
func (m *Model) titanLink(t *tabs.Tab, u *url.URL) tea.Cmd {
	target, token := titan.ParseLink(u)
	ks := m.shared.Keys
	tag := linkTag{tab: t.ID, target: target, token: token}
	m.dialogs.Push(dialog.NewQuestion(m.shared, sanitize.Line("Write to "+target.String()+" with Titan:"),
		dialog.Report(dialog.Cancelled{Tag: tag}),
		dialog.Answer{Key: ks.WriteText, Cmd: dialog.Report(linkChoice{tag: tag})},
		dialog.Answer{Key: ks.ChooseFile, Cmd: dialog.Report(linkChoice{tag: tag, file: true})}))
	return nil
}

// confirm asks before an upload, with its own key.
func (m *Model) confirm(j titan.Job) {
	what := content.HumanSize(j.Size) + " of " + j.MIME
	if !j.Edited {
		what = filepath.Base(j.File) + " (" + content.HumanSize(j.Size) + ", " + j.MIME + ")"
	}
	text := "Upload " + what + " to " + j.Target.String() + " with Titan?"
	if j.Size == 0 {
		text = "The text is empty: uploading it deletes " + j.Target.String() + " on the capsule. Upload it?"
	}
	q := dialog.NewQuestion(m.shared, sanitize.Line(text), dialog.Report(dialog.Cancelled{Tag: uploadTag{j}}),
		dialog.Answer{Key: m.shared.Keys.Upload, Cmd: dialog.Report(uploadGo{j})})
	if j.Edited {
		q.WithCancelHelp("keep the text")
	}
	m.dialogs.Push(q)
}

// startUpload sends job j, with the token given for its host this run
// and the identity whose scope covers its address.
func (m *Model) startUpload(j titan.Job) tea.Cmd {
	if j.Token == "" {
		j.Token = m.tokens[client.Address(j.Target)]
	}
	j.Identity = m.ids.forURL(j.Target)
	j.Sent = new(atomic.Int64)
	ctx, cancel := m.loader.Context()
	m.uploading = append(m.uploading, upload{j, cancel})
	return tea.Batch(titan.Upload(ctx, cancel, m.loader.Checked(), j), m.spinner.Tick)
}

// cancelUploads cancels every upload in flight; it reports whether there
// was one.
func (m *Model) cancelUploads() bool {
	for _, u := range m.uploading {
		u.cancel()
	}
	return len(m.uploading) > 0
}

// uploadStatus is the status line while uploads run: the first one's
// name, target and bytes sent, and how many others there are.
func (m *Model) uploadStatus() string {
	j := m.uploading[0].job
	s := "Uploading " + j.Name() + " to " + j.Target.Host + ": " + content.HumanSize(j.Sent.Load()) + " of " + content.HumanSize(j.Size)
	if n := len(m.uploading) - 1; n > 0 {
		s += " (and " + strconv.Itoa(n) + " more)"
	}
	return sanitize.Line(s)
}

// uploadMsg handles the messages and answers of uploads; ok is false for
// any other message.
func (m *Model) uploadMsg(msg tea.Msg) (cmd tea.Cmd, ok bool) {
	switch msg := msg.(type) {
	case titan.ReadyMsg:
		if msg.Err != nil {
			m.flash("Cannot edit: "+msg.Err.Error(), true)
			return nil, true
		}
		return m.exec(titan.Editor(msg.Job, msg.Text)), true
	case titan.EditedMsg:
		switch {
		case msg.Err != nil:
			m.keep(msg.Job, msg.Err.Error())
			return nil, true
		case !msg.Changed:
			m.flash("Nothing changed: nothing uploaded", false)
			return titan.Discard(msg.Job), true
		}
		m.confirm(msg.Job)
	case titan.StatMsg:
		if msg.Err != nil {
			m.flash("Cannot upload: "+msg.Err.Error(), true)
			return nil, true
		}
		m.confirm(msg.Job)
	case uploadGo:
		return m.startUpload(msg.job), true
	case titan.UploadedMsg:
		m.uploading = slices.DeleteFunc(m.uploading, func(u upload) bool { return u.job.ID == msg.Job.ID })
		return m.uploaded(msg), true
	case linkChoice:
		return m.linkChosen(msg), true
	case dialog.Cancelled:
		switch tag := msg.Tag.(type) {
		case uploadTag:
			m.keep(tag.job, "Not uploaded")
		case fileTag, linkTag:
			m.flash("Nothing uploaded", false)
		default:
			return nil, false
		}
	case dialog.Entered:
		return m.entered(msg)
	case dialog.IdentityChosen:
		tag, isUpload := msg.Tag.(uploadTag)
		if !isUpload {
			return nil, false
		}
		save, err := m.ids.chosen(tag.job.Target, msg)
		if err != nil {
			m.keep(tag.job, "Not uploaded: "+err.Error())
			return nil, true
		}
		return tea.Batch(save, m.startUpload(tag.job)), true
	default:
		return nil, false
	}
	return nil, true
}

// entered acts on what was typed in an upload's field: a token, or the
// path of a file.
func (m *Model) entered(e dialog.Entered) (tea.Cmd, bool) {
	switch tag := e.Tag.(type) {
	case uploadTag: // the token
		j := tag.job
		j.Token = e.Value
		return m.startUpload(j), true
	case fileTag:
		t := m.tabByID(tag.tab)
		if t == nil {
			return nil, true
		}
		file := expandHome(e.Value)
		target := tag.target
		if !tag.exact {
			target = target.ResolveReference(&url.URL{Path: path.Base(filepath.ToSlash(file))})
		}
		j := m.newJob(t, target)
		j.File, j.Token = file, tag.token
		return titan.Stat(j), true
	}
	return nil, false
}

// linkChosen starts what was chosen at a titan:// link: the field that
// asks for a file, or an edit of text (the page's source when the link
// is the page's own address).
func (m *Model) linkChosen(c linkChoice) tea.Cmd {
	tag := c.tag
	t := m.tabByID(tag.tab)
	if t == nil {
		return nil
	}
	if c.file {
		return m.askFile(fileTag{tab: tag.tab, target: tag.target, exact: true, token: tag.token}, "its path; it becomes "+tag.target.String())
	}
	var text []byte
	if p := t.Page; p != nil && p.URL != nil && titan.PageFile(p.URL).String() == tag.target.String() && p.Status.Class() == client.StatusSuccess {
		text = p.Text()
	}
	return m.writeText(t, tag.target, textMIMEOf(tag.target), tag.token, text)
}

// uploaded acts on the server's answer to an upload.
func (m *Model) uploaded(u titan.UploadedMsg) tea.Cmd {
	j := u.Job
	switch {
	case load.IsCanceled(u.Err):
		m.keep(j, "Upload cancelled")
		return nil
	case u.Err != nil:
		m.keep(j, "Not uploaded: "+u.Err.Error())
		return nil
	}
	addr := client.Address(j.Target)
	answer := strconv.Itoa(int(u.Status))
	if u.Meta != "" {
		answer += " " + sanitize.Line(u.Meta)
	}
	switch c := u.Status.Class(); {
	case c == client.StatusRedirect, c == client.StatusSuccess:
		if j.Token != "" {
			m.tokens[addr] = j.Token // it worked: the next upload to the host sends it too
		}
		// The page written is where the server points, unless that is on
		// another host: a hop there takes its own consent.
		where := j.Target
		if c == client.StatusRedirect {
			if to, err := client.Resolve(j.Target, u.Meta); err == nil && strings.EqualFold(to.Scheme, "gemini") && !client.CrossesOrigin(j.Target, to) {
				where = to
			}
		}
		m.flash("Uploaded "+content.HumanSize(j.Size)+" to "+where.String(), false)
		cmd := titan.Discard(j)
		t := m.tabByID(j.Tab)
		switch {
		case t == nil || t.Page == nil || t.Seq != j.Seq || t.Loading != "":
			// The tab has moved on since: it stays where the user took it.
		case !j.Edited && t.Page.URL != nil:
			// A file: the page it was put beside shows it (a listing).
			t.Restore = &t.Page.View.Top
			cmd = tea.Batch(cmd, m.load(t, t.Page.URL))
		case j.Edited:
			// Text: the page written, as the capsule now serves it.
			if t.Page.URL != nil && titan.PageFile(t.Page.URL).String() == where.String() {
				t.Restore = &t.Page.View.Top
			} else {
				t.Push()
			}
			cmd = tea.Batch(cmd, m.load(t, where))
		}
		return cmd
	case u.Status == client.StatusCertificateRequired && m.opts.Identities.Dir != "":
		d, list := dialog.NewIdentity(m.shared, dialog.IdentityRequest{
			URL: j.Target, Status: u.Status, Reason: u.Meta, Sent: u.Identity,
			Store: m.ids.store, Scopes: m.ids.scopes.List(), Now: time.Now(),
		}, uploadTag{j})
		m.dialogs.Push(d)
		return list
	case c == client.StatusCertificateRequired,
		c == client.StatusPermanentFailure && (j.Token == "" || strings.Contains(strings.ToLower(u.Meta), "token")):
		// A refusal that a token may lift: one was not sent, or the
		// server speaks of it.
		d, cmd := dialog.NewField(m.shared, "Titan token: ", "the server answered "+answer, "upload", true, uploadTag{j})
		m.dialogs.Push(d)
		return cmd
	}
	m.keep(j, "Not uploaded: the server answered "+answer)
	return nil
}

// keep says why job j was not uploaded and, for edited text, where it is
// kept (in the download directory since the edit began); a file the user
// chose stays where it is.
func (m *Model) keep(j titan.Job, why string) {
	if j.Edited {
		why += ": your text is kept in " + homeShort(j.File)
	}
	m.flash(why, true)
}

// tabByID returns the open tab with the ID, or nil.
func (m *Model) tabByID(id int) *tabs.Tab {
	for _, t := range m.tabs {
		if t.ID == id {
			return t
		}
	}
	return nil
}

// homeShort writes a path under the home directory as ~/….
func homeShort(p string) string {
	if home, err := os.UserHomeDir(); err == nil && home != "" {
		if rest, ok := strings.CutPrefix(p, home+string(filepath.Separator)); ok {
			return "~/" + rest
		}
	}
	return p
}

// expandHome turns a leading ~/ into the home directory.
func expandHome(p string) string {
	if rest, ok := strings.CutPrefix(p, "~/"); ok {
		if home, err := os.UserHomeDir(); err == nil {
			return filepath.Join(home, rest)
		}
	}
	return p
}
