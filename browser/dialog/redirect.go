package dialog

import (
	"net/url"
	"strconv"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"propus/browser/load"
	"propus/browser/sanitize"
	"propus/client"
)

// RedirectAnswer reports the answer to a Redirect: follow it or not.
type RedirectAnswer struct {
	Tag    any
	Follow bool
}

// Redirect asks before following a redirect to another host (or before
// any, when the user asked to be asked): the FollowRedirect key follows,
// Cancel stays; nothing is sent to the target until the user says so.
// Enter does nothing here.
type Redirect struct {
	sh     *Shared
	from   *url.URL
	to     *url.URL
	status client.Status // the code as sent
	tag    any
}

// NewRedirect asks whether to follow the redirect of status from from to
// to; the answer carries tag.
func NewRedirect(sh *Shared, from, to *url.URL, status client.Status, tag any) *Redirect {
	return &Redirect{sh: sh, from: from, to: to, status: status, tag: tag}
}

// Update follows or stays; other keys do nothing.
func (d *Redirect) Update(msg tea.Msg) (tea.Cmd, bool) {
	k, ok := msg.(tea.KeyPressMsg)
	if !ok {
		return nil, false
	}
	switch {
	case key.Matches(k, d.sh.Keys.FollowRedirect):
		return Report(RedirectAnswer{Tag: d.tag, Follow: true}), true
	case key.Matches(k, d.sh.Keys.Cancel):
		return Report(RedirectAnswer{Tag: d.tag}), true
	}
	return nil, false
}

// View shows where the redirect comes from and where it goes, and the
// answers.
func (d *Redirect) View(width, height int) []string {
	title := "Follow this redirect?"
	cross := client.CrossesOrigin(d.from, d.to)
	if cross {
		title = "Follow this redirect to another server?"
	}
	lines := []string{" " + d.sh.Styles.OverlayTitle.Render(title), ""}
	wrap := func(s string) {
		for _, l := range strings.Split(ansi.Hardwrap(s, max(width-3, 10), false), "\n") {
			lines = append(lines, "   "+l)
		}
	}
	lines = append(lines, " From ("+strconv.Itoa(int(d.status))+" "+d.status.String()+")")
	wrap(sanitize.Line(load.ElideQuery(d.from)))
	lines = append(lines, " To")
	wrap(sanitize.Line(d.to.String()))
	if cross {
		lines = append(lines, "")
		lines = append(lines, Wrap(sanitize.Line(d.from.Host)+" sends you to "+sanitize.Line(d.to.Host)+
			". Nothing has been sent there yet.", width, 1)...)
	}
	lines = append(lines, "")
	for _, b := range d.ShortHelp() {
		lines = append(lines, d.sh.Answer(b))
	}
	return lines
}

// ShortHelp lists the answers.
func (d *Redirect) ShortHelp() []key.Binding {
	return []key.Binding{Bind(d.sh.Keys.FollowRedirect, "follow it"), Bind(d.sh.Keys.Cancel, "stay here")}
}

// FullHelp is ShortHelp.
func (d *Redirect) FullHelp() [][]key.Binding { return [][]key.Binding{d.ShortHelp()} }
