package dialog

import (
	"fmt"
	"net/url"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"propus/browser/sanitize"
	"propus/client"
	"propus/client/identity"
)

// Use is where an identity chosen in the Identity dialog is sent.
type Use int

// The places an identity is sent.
const (
	UsePath Use = iota // this host and port, this path and below (the spec's scope)
	UseHost            // this host and port, every path
	UseOnce            // this request only
)

// useLabels name the Use values.
var useLabels = []string{"this path and below", "the whole host", "this time only"}

// validities are the lifetimes the form offers for a new identity.
var validities = []struct {
	label string
	d     time.Duration
}{
	{"1 day", 24 * time.Hour}, {"1 month", 30 * 24 * time.Hour},
	{"1 year", 365 * 24 * time.Hour}, {"10 years", 3650 * 24 * time.Hour},
}

// keyTypes are the key types the form offers, the default first.
var keyTypes = []struct {
	label string
	kt    identity.KeyType
}{{"ECDSA P-256", identity.ECDSAP256}, {"Ed25519", identity.Ed25519}}

// IdentityChosen reports the identity the user chose (or made) and where
// it is sent.
type IdentityChosen struct {
	Tag      any
	Identity *identity.Identity
	Use      Use
	Scope    identity.Scope // where it is sent, for UsePath and UseHost
}

// IdentityRequest is what the Identity dialog asks about: the response
// that wants a certificate, and the identities to offer.
type IdentityRequest struct {
	URL    *url.URL
	Status client.Status
	Reason string // the server's META
	Sent   string // the identity the request presented, if any
	TLS12  bool   // the server speaks TLS 1.2: the certificate goes in clear
	Store  identity.Store
	// Scopes says where each identity is used now (identity.Scopes.List).
	Scopes map[string][]identity.Scope
	// Now is the time identities are shown as expired against.
	Now time.Time
}

// idStep is where the identity dialog is.
type idStep int

const (
	idPicking  idStep = iota // choosing an identity from the list
	idScoping                // choosing where the chosen one is used
	idFilling                // the new-identity form
	idCreating               // waiting for the new identity
	idWarning                // TLS 1.2: confirm before sending
)

// Identity is the conversation a 60, 61 or 62 opens: pick an identity or
// create one, say where it is sent, and report it (the browser repeats
// the request with it).
type Identity struct {
	sh  *Shared
	req IdentityRequest
	tag any

	step    idStep
	listed  bool // the list has arrived
	ids     []*identity.Identity
	listErr string
	sel     int // in the list; len(ids) is "create new"
	form    idForm

	chosen *identity.Identity
	use    Use
	err    string // what went wrong, shown in the form
}

// idForm is the new-identity form.
type idForm struct {
	name     textinput.Model
	field    int // 0 name, 1 validity, 2 key type, 3 use on
	validity int // index in validities
	keyType  int // index in keyTypes
	use      Use
}

// formFields is the number of fields of the form.
const formFields = 4

// formIndent is where the values of the form's fields begin.
const formIndent = 13

// idListMsg: the identities in the store, for the dialog d.
type idListMsg struct {
	d   *Identity
	ids []*identity.Identity
	err error
}

// idCreatedMsg: a new identity was made and saved for d, or err says why
// not.
type idCreatedMsg struct {
	d   *Identity
	id  *identity.Identity
	err error
}

// NewIdentity opens the dialog for req; it returns the dialog and the
// command that reads the store. A 62 (certificate not valid) opens on
// the new-identity form.
func NewIdentity(sh *Shared, req IdentityRequest, tag any) (*Identity, tea.Cmd) {
	d := &Identity{sh: sh, req: req, tag: tag}
	d.req.Reason = sanitize.Line(req.Reason)
	d.form = idForm{name: sh.Field("", "e.g. alice", identity.MaxNameLen), validity: 2}
	store := req.Store
	list := func() tea.Msg {
		ids, err := store.List()
		return idListMsg{d, ids, err}
	}
	if req.Status == client.StatusCertificateNotValid {
		d.step = idFilling
		return d, tea.Batch(list, d.form.name.Focus())
	}
	return d, list
}

// Update handles a key or a message for the dialog.
func (d *Identity) Update(msg tea.Msg) (tea.Cmd, bool) {
	switch msg := msg.(type) {
	case idListMsg:
		if msg.d == d {
			d.listed, d.ids = true, msg.ids
			if msg.err != nil {
				d.listErr = msg.err.Error()
			}
		}
		return nil, false
	case idCreatedMsg:
		if msg.d != d || d.step != idCreating {
			return nil, false
		}
		if msg.err != nil {
			d.step, d.err = idFilling, msg.err.Error()
			return d.form.name.Focus(), false
		}
		d.chosen, d.use = msg.id, d.form.use
		return d.choose()
	case tea.KeyPressMsg:
		switch d.step {
		case idPicking:
			return d.pickKey(msg)
		case idScoping:
			return d.scopeKey(msg)
		case idFilling:
			return d.formKey(msg)
		case idWarning:
			switch {
			case key.Matches(msg, d.sh.Keys.Yes):
				return d.report(), true
			case key.Matches(msg, d.sh.Keys.Cancel):
				return d.cancelled(), true
			}
		}
		return nil, false
	case tea.MouseMsg:
		return nil, false
	}
	if d.step == idFilling {
		var cmd tea.Cmd
		d.form.name, cmd = d.form.name.Update(msg)
		return cmd, false
	}
	return nil, false
}

func (d *Identity) cancelled() tea.Cmd {
	return Report(Cancelled{Tag: d.tag, Note: "Cancelled: no identity sent"})
}

// pickKey moves in the list of identities and picks one.
func (d *Identity) pickKey(msg tea.KeyPressMsg) (tea.Cmd, bool) {
	ks := d.sh.Keys
	switch {
	case key.Matches(msg, ks.Up, ks.PrevField):
		d.sel = max(d.sel-1, 0)
	case key.Matches(msg, ks.Down, ks.NextField):
		d.sel = min(d.sel+1, len(d.ids))
	case key.Matches(msg, ks.Accept):
		if !d.listed {
			return nil, false
		}
		if d.sel < len(d.ids) {
			d.chosen, d.step = d.ids[d.sel], idScoping
			return nil, false
		}
		return d.openForm(), false
	case key.Matches(msg, ks.NewIdentity):
		return d.openForm(), false
	case key.Matches(msg, ks.Cancel):
		return d.cancelled(), true
	}
	return nil, false
}

// openForm shows the new-identity form.
func (d *Identity) openForm() tea.Cmd {
	d.step, d.err, d.form.field = idFilling, "", 0
	return d.form.name.Focus()
}

// scopeKey takes the answer to where the chosen identity is sent: each
// place has its own key (sending an identity is consent).
func (d *Identity) scopeKey(msg tea.KeyPressMsg) (tea.Cmd, bool) {
	ks := d.sh.Keys
	switch {
	case key.Matches(msg, ks.ScopePath):
		d.use = UsePath
	case key.Matches(msg, ks.ScopeHost):
		d.use = UseHost
	case key.Matches(msg, ks.ScopeOnce):
		d.use = UseOnce
	case key.Matches(msg, ks.Cancel):
		d.step = idPicking
		return nil, false
	default:
		return nil, false
	}
	return d.choose()
}

// formKey edits the form: the name, the choices, Accept to create.
func (d *Identity) formKey(msg tea.KeyPressMsg) (tea.Cmd, bool) {
	ks := d.sh.Keys
	f := &d.form
	switch {
	case key.Matches(msg, ks.Cancel):
		d.step, d.err = idPicking, ""
		f.name.Blur()
		return nil, false
	case key.Matches(msg, ks.NextField, ks.PrevField):
		step := 1
		if key.Matches(msg, ks.PrevField) {
			step = formFields - 1
		}
		f.field = (f.field + step) % formFields
		if f.field == 0 {
			return f.name.Focus(), false
		}
		f.name.Blur()
		return nil, false
	case f.field > 0 && key.Matches(msg, ks.Change, ks.ChangeBack):
		step := 1
		if key.Matches(msg, ks.ChangeBack) {
			step = -1
		}
		f.change(step)
		return nil, false
	case key.Matches(msg, ks.Accept):
		return d.create(), false
	}
	if f.field != 0 {
		return nil, false
	}
	d.err = ""
	var cmd tea.Cmd
	f.name, cmd = f.name.Update(msg)
	return cmd, false
}

// change moves the focused choice of the form by step.
func (f *idForm) change(step int) {
	next := func(i, n int) int { return (i + step + n) % n }
	switch f.field {
	case 1:
		f.validity = next(f.validity, len(validities))
	case 2:
		f.keyType = next(f.keyType, len(keyTypes))
	case 3:
		f.use = Use(next(int(f.use), len(useLabels)))
	}
}

// create checks the form and starts making the identity (slow for some
// key types, so in a command), which is saved with its key 0600.
func (d *Identity) create() tea.Cmd {
	name := strings.TrimSpace(d.form.name.Value())
	if err := identity.CheckName(name); err != nil {
		d.err = err.Error()
		return nil
	}
	for _, id := range d.ids {
		if id.Name == name {
			d.err = "An identity called " + name + " exists already: choose it from the list (esc)"
			return nil
		}
	}
	d.step, d.err = idCreating, ""
	d.form.name.Blur()
	store, kt, validity := d.req.Store, keyTypes[d.form.keyType].kt, validities[d.form.validity].d
	return func() tea.Msg {
		id, err := identity.Create(name, kt, validity)
		if err == nil {
			err = store.Add(id)
		}
		return idCreatedMsg{d, id, err}
	}
}

// choose reports the chosen identity, after a warning over TLS 1.2.
func (d *Identity) choose() (tea.Cmd, bool) {
	if d.req.TLS12 {
		d.step = idWarning
		return nil, false
	}
	return d.report(), true
}

func (d *Identity) report() tea.Cmd {
	return Report(IdentityChosen{Tag: d.tag, Identity: d.chosen, Use: d.use, Scope: d.scope(d.use)})
}

// scope is where the chosen identity is used for use (UseOnce aside).
func (d *Identity) scope(use Use) identity.Scope {
	scope := identity.ScopeFor(d.req.URL)
	if use == UseHost {
		scope.Path = "/"
	}
	return scope
}

// useDetail says what use covers.
func (d *Identity) useDetail(use Use) string {
	if use == UseOnce {
		return "not remembered"
	}
	return sanitize.Line(strings.TrimPrefix(d.scope(use).String(), "gemini://"))
}

// View draws the step the dialog is at.
func (d *Identity) View(width, height int) []string {
	switch d.step {
	case idScoping:
		return d.scopeLines(width)
	case idFilling:
		lines, _ := d.formLines(width)
		return lines
	case idCreating:
		return append(d.head(width), " Creating "+sanitize.Line(strings.TrimSpace(d.form.name.Value()))+"…")
	case idWarning:
		lines := append(d.head(width), " "+d.sh.Styles.OverlayTitle.Render("This server speaks TLS 1.2"))
		name := sanitize.Line(d.chosen.Name)
		lines = append(lines, Wrap("Over TLS 1.2 the certificate travels unencrypted: the server and anyone watching see its name, "+name+".", width, 1)...)
		lines = append(lines, "")
		for _, b := range d.ShortHelp() {
			lines = append(lines, d.sh.Answer(b))
		}
		return lines
	}
	return d.pickLines(width, height)
}

// Cursor puts the terminal's cursor in the name field of the form.
func (d *Identity) Cursor(width, height int) *tea.Cursor {
	if d.step != idFilling || d.form.field != 0 {
		return nil
	}
	_, row := d.formLines(width)
	c := d.form.name.Cursor()
	if c == nil || row >= height {
		return nil
	}
	c.Position.X += formIndent
	c.Position.Y = row
	return c
}

// head is the top of every step: what the server asked (the tab bar
// shows for which URL).
func (d *Identity) head(width int) []string {
	var title string
	sent := sanitize.Line(d.req.Sent)
	switch {
	case d.req.Status == client.StatusCertificateNotAuthorised && sent != "":
		title = "The server does not accept identity " + sent + " here"
	case d.req.Status == client.StatusCertificateNotValid && sent != "":
		title = "The server finds identity " + sent + " not valid"
	case d.req.Status == client.StatusCertificateNotAuthorised:
		title = "The server does not authorise this page (no identity was sent)"
	case d.req.Status == client.StatusCertificateNotValid:
		title = "The server asks for a valid certificate (no identity was sent)"
	default:
		title = "This page asks for an identity (a client certificate)"
	}
	lines := d.sh.Title(title, width)
	if d.req.Reason != "" {
		lines = append(lines, Wrap("The server says: "+d.req.Reason, width, 1)...)
	}
	return append(lines, "")
}

// pickLines is the list of identities, scrolled to show the selected one.
func (d *Identity) pickLines(width, height int) []string {
	lines := d.head(width)
	switch {
	case !d.listed:
		return append(lines, " Looking for identities…")
	case len(d.ids) == 0:
		lines = append(lines, " You have no identity yet.")
	default:
		lines = append(lines, " Choose the identity to send:")
	}
	if d.listErr != "" {
		lines = append(lines, Wrap("Some identities could not be read: "+d.listErr, width, 1)...)
	}
	wide := width >= 80
	nameWidth := 0
	for _, id := range d.ids {
		nameWidth = max(nameWidth, min(ansi.StringWidth(sanitize.Line(id.Name)), 24))
	}
	var items [][]string
	for _, id := range d.ids {
		items = append(items, d.item(id, d.req.Scopes[id.Name], nameWidth, wide))
	}
	items = append(items, []string{"+ Create a new identity"})
	keys := d.sh.KeyRows(width, d.ShortHelp()...)

	// Scroll so that the selected item is in the room left; the row
	// under the list says when more is below (or above).
	room := height - len(lines) - 1 - len(keys)
	total := 0
	for _, it := range items {
		total += len(it)
	}
	if total > room {
		room-- // for the "more" row
	}
	first, used := d.sel, len(items[d.sel])
	for first > 0 && used+len(items[first-1]) <= room {
		first--
		used += len(items[first])
	}
	used = 0
	i := first
	for ; i < len(items) && (i <= d.sel || used+len(items[i]) <= room); i++ {
		used += len(items[i])
		mark := "  "
		if i == d.sel {
			mark = d.sh.Mark()
		}
		lines = append(lines, " "+mark+items[i][0])
		for _, more := range items[i][1:] {
			lines = append(lines, "   "+more)
		}
	}
	switch {
	case i < len(items) && first > 0:
		lines = append(lines, "   ↑↓ more above and below")
	case i < len(items):
		lines = append(lines, "   ↓ more below")
	case first > 0:
		lines = append(lines, "   ↑ more above")
	}
	return append(append(lines, ""), keys...)
}

// item describes an identity of the list: its name, short fingerprint,
// expiry and where it is used, on one row (wide) or more.
func (d *Identity) item(id *identity.Identity, scopes []identity.Scope, nameWidth int, wide bool) []string {
	name := ansi.Truncate(sanitize.Line(id.Name), 24, "…")
	name += strings.Repeat(" ", max(nameWidth-ansi.StringWidth(name), 0))
	fp := identity.ShortHash(id.CertificateHash(), 8) + "…"
	exp := "expires " + id.Expires().Format(time.DateOnly)
	if d.req.Now.After(id.Expires()) {
		exp = "expired " + id.Expires().Format(time.DateOnly)
	}
	used := "not used yet"
	if len(scopes) > 0 {
		var s []string
		for _, sc := range scopes {
			s = append(s, strings.TrimPrefix(sc.String(), "gemini://"))
		}
		used = "used on " + sanitize.Line(strings.Join(s, ", "))
	}
	if id.Name == d.req.Sent {
		used += " · sent, refused"
	}
	if wide {
		return []string{name + "  " + fp + "  " + exp + "  " + used}
	}
	if len(scopes) == 0 {
		return []string{name + "  " + fp, "  " + exp + " · " + used}
	}
	return []string{name + "  " + fp, "  " + exp, "  " + used}
}

// scopeLines asks where the chosen identity is sent.
func (d *Identity) scopeLines(width int) []string {
	lines := d.head(width)
	lines = append(lines, Wrap("Send "+sanitize.Line(d.chosen.Name)+" where?", width, 1)...)
	ks := d.sh.Keys
	for i, b := range []key.Binding{ks.ScopePath, ks.ScopeHost, ks.ScopeOnce} {
		lines = append(lines, d.sh.Answer(Bind(b, useLabels[i])), strings.Repeat(" ", 8)+d.useDetail(Use(i)))
	}
	return append(lines, d.sh.Answer(Bind(ks.Cancel, "back")))
}

// formLines draws the new-identity form and says on which row the name
// field is.
func (d *Identity) formLines(width int) ([]string, int) {
	f := &d.form
	lines := d.head(width)
	lines = append(lines, " New identity:")
	f.name.SetWidth(max(width-formIndent-1, 10))
	choice := func(s string) string {
		if d.sh.Styles.Plain {
			return "< " + s + " >"
		}
		return "‹ " + s + " ›"
	}
	fields := []struct{ label, value string }{
		{"Name", f.name.View()},
		{"Valid for", choice(validities[f.validity].label)},
		{"Key type", choice(keyTypes[f.keyType].label)},
		{"Use on", choice(useLabels[f.use])},
	}
	nameRow := len(lines)
	for i, fl := range fields {
		mark := "  "
		if i == f.field {
			mark = d.sh.Mark()
		}
		lines = append(lines, " "+mark+fmt.Sprintf("%-10s", fl.label)+fl.value)
	}
	lines = append(lines, strings.Repeat(" ", formIndent)+d.useDetail(f.use))
	if d.err != "" {
		lines = append(lines, "")
		for _, l := range Wrap(d.err, width, 1) {
			lines = append(lines, " "+d.sh.Styles.StatusError.Render(strings.TrimPrefix(l, " ")))
		}
	}
	lines = append(lines, "")
	lines = append(lines, d.sh.KeyRows(width, d.ShortHelp()...)...)
	return lines, nameRow
}

// ShortHelp lists the keys of the step the dialog is at.
func (d *Identity) ShortHelp() []key.Binding {
	ks := d.sh.Keys
	switch d.step {
	case idScoping:
		return []key.Binding{Bind(ks.ScopePath, "this path"), Bind(ks.ScopeHost, "whole host"), Bind(ks.ScopeOnce, "once"), Bind(ks.Cancel, "back")}
	case idFilling:
		return []key.Binding{Bind(ks.NextField, "field"), Bind(ks.Change, "change"), Bind(ks.Accept, "create"), Bind(ks.Cancel, "back")}
	case idCreating:
		return nil
	case idWarning:
		return []key.Binding{Bind(ks.Yes, "send "+sanitize.Line(d.chosen.Name)+" anyway"), Bind(ks.Cancel, "cancel: nothing is sent")}
	}
	return []key.Binding{Bind(ks.Down, "choose"), Bind(ks.Accept, "use"), ks.NewIdentity, Bind(ks.Cancel, "cancel")}
}

// FullHelp is ShortHelp.
func (d *Identity) FullHelp() [][]key.Binding { return [][]key.Binding{d.ShortHelp()} }
