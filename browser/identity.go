package browser

import (
	"crypto/tls"
	"fmt"
	"net/url"
	"strings"
	"sync"
	"time"

	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"propus/browser/sanitize"
	"propus/client"
	"propus/client/identity"
)

// identities is what the browser holds of client certificates between
// requests: the identities loaded so far (fetch commands load them too,
// hence the lock) and the identity chosen for one request only.
type identities struct {
	mu     sync.Mutex
	loaded map[string]*identity.Identity

	once       *oneShot // the UI goroutine's only
	memoryOnly bool     // there is no scopes file: choices last this run
}

// oneShot is an identity chosen "this time only": it goes with the next
// request, when that request is for url, and never again.
type oneShot struct {
	url  string
	name string
}

// get returns the loaded identity called name, or nil.
func (st *identities) get(name string) *identity.Identity {
	st.mu.Lock()
	defer st.mu.Unlock()
	return st.loaded[name]
}

// put remembers loaded identities.
func (st *identities) put(ids ...*identity.Identity) {
	st.mu.Lock()
	defer st.mu.Unlock()
	for _, id := range ids {
		st.loaded[id.Name] = id
	}
}

// identities returns the browser's identity state, made on first use;
// without Options.Scopes, scope choices are kept in memory.
func (m *Model) identities() *identities {
	if m.idents == nil {
		m.idents = &identities{loaded: map[string]*identity.Identity{}}
		if m.opts.Scopes == nil {
			m.opts.Scopes = &identity.Scopes{}
			m.idents.memoryOnly = true
		}
	}
	return m.idents
}

// credential is the identity a request presents, chosen on the UI
// goroutine; the fetch command loads it from the store when it is not in
// memory yet. A nil credential presents nothing.
type credential struct {
	name  string
	store identity.Store
	cache *identities
}

// load returns the name and certificate to present, loading the identity
// the first time. An identity that does not load is not presented, and
// the error says so.
func (c *credential) load() (string, *tls.Certificate, error) {
	if c == nil {
		return "", nil, nil
	}
	id := c.cache.get(c.name)
	if id == nil {
		var err error
		if id, err = c.store.Get(c.name); err != nil {
			return "", nil, fmt.Errorf("identity %s not sent: %w", c.name, err)
		}
		c.cache.put(id)
	}
	return id.Name, &id.Certificate, nil
}

// certificateFor returns the identity to present for u: the one chosen
// for this request only, else the one whose scope covers u, else nil.
// An identity never goes outside its scopes.
func (m *Model) certificateFor(u *url.URL) *credential {
	st := m.identities()
	name := ""
	if o := st.once; o != nil && o.url == u.String() {
		name = o.name
	} else if n, ok := m.opts.Scopes.For(u); ok {
		name = n
	}
	st.once = nil
	if name == "" || m.opts.Identities.Dir == "" {
		return nil
	}
	return &credential{name: name, store: m.opts.Identities, cache: st}
}

// idListMsg: the identities in the store, for the dialog of key.
type idListMsg struct {
	key loadKey
	ids []*identity.Identity
	err error
}

// idCreatedMsg: a new identity was made and saved, or err says why not.
type idCreatedMsg struct {
	key loadKey
	id  *identity.Identity
	err error
}

// scopesSavedMsg: the scopes file was written, or err says why not.
type scopesSavedMsg struct{ err error }

// listIdentitiesCmd reads the identity store for the dialog of key.
func listIdentitiesCmd(key loadKey, store identity.Store) tea.Cmd {
	return func() tea.Msg {
		ids, err := store.List()
		return idListMsg{key, ids, err}
	}
}

// createIdentityCmd makes a key and a certificate (slow for some key
// types, so off the UI goroutine) and saves them, the key 0600.
func createIdentityCmd(key loadKey, store identity.Store, name string, kt identity.KeyType, validity time.Duration) tea.Cmd {
	return func() tea.Msg {
		id, err := identity.Create(name, kt, validity)
		if err == nil {
			err = store.Add(id)
		}
		return idCreatedMsg{key, id, err}
	}
}

// saveScopesCmd writes the scopes file.
func saveScopesCmd(s *identity.Scopes) tea.Cmd {
	return func() tea.Msg { return scopesSavedMsg{s.Save()} }
}

// scopesSaved tells of a scope choice that could not be written.
func (m *Model) scopesSaved(msg scopesSavedMsg) {
	if msg.err != nil {
		m.flash("Identity choice kept for this run only: "+msg.err.Error(), true)
	}
}

// onCertificateStatus handles 60, 61 and 62: the status page, and over it
// the dialog that picks or creates an identity and repeats the request
// with it.
func (m *Model) onCertificateStatus(t *tab, h headerMsg) tea.Cmd {
	cmd := m.showResponse(t, h)
	if m.opts.Identities.Dir == "" {
		m.flash("Identities are off: no identity directory is set", true)
		return cmd
	}
	m.identities() // made now, so that drawing the dialog changes nothing
	for i, x := range m.tabs {
		if x == t {
			m.active = i // the dialog is about this tab's page: show it
		}
	}
	d := &idDialog{
		key: h.key, url: h.url, status: h.status, reason: sanitize.Line(h.meta),
		sent: h.identity, tls12: h.tls.Version == tls.VersionTLS12,
	}
	d.form = newIDForm(m)
	focus := tea.Cmd(nil)
	if h.status == client.StatusCertificateNotValid {
		d.step = idFilling
		focus = d.form.name.Focus()
	}
	m.openDialog(d)
	return tea.Batch(cmd, listIdentitiesCmd(h.key, m.opts.Identities), focus)
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

// useOn is where an identity chosen in the dialog is used.
type useOn int

const (
	usePath useOn = iota // this host and port, this path and below (the spec's scope)
	useHost              // this host and port, every path
	useOnce              // this request only
)

// useLabels name the useOn values.
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

// idDialog is the conversation a 60, 61 or 62 opens: pick an identity or
// create one, say where it is used, and repeat the request with it.
type idDialog struct {
	key    loadKey // the tab and load that got the 6x
	url    *url.URL
	status client.Status
	reason string // the server's META, sanitised
	sent   string // the identity the request presented, if any
	tls12  bool   // the server speaks TLS 1.2: the certificate goes in clear

	step    idStep
	listed  bool // the list has arrived
	ids     []*identity.Identity
	listErr string
	sel     int // in the list; len(ids) is "create new"
	form    idForm

	chosen *identity.Identity
	use    useOn
	err    string // what went wrong, shown in the form
}

// idForm is the new-identity form.
type idForm struct {
	name     textinput.Model
	field    int // 0 name, 1 validity, 2 key type, 3 use on
	validity int // index in validities
	keyType  int // index in keyTypes
	use      useOn
}

// formFields is the number of fields of the form.
const formFields = 4

// newIDForm returns an empty form: a year, ECDSA P-256, this path and
// below.
func newIDForm(m *Model) idForm {
	in := textinput.New()
	in.SetVirtualCursor(false)
	if m.opts.NoColor {
		in.SetStyles(textinput.Styles{})
	}
	in.Prompt = ""
	in.Placeholder = "e.g. alice"
	in.CharLimit = identity.MaxNameLen
	return idForm{name: in, validity: 2}
}

// update handles a key or a message for the dialog.
func (d *idDialog) update(m *Model, msg tea.Msg) (tea.Cmd, bool) {
	switch msg := msg.(type) {
	case idListMsg:
		if msg.key == d.key {
			d.listed, d.ids = true, msg.ids
			if msg.err != nil {
				d.listErr = msg.err.Error()
			}
			m.identities().put(msg.ids...)
		}
		return nil, false
	case idCreatedMsg:
		if msg.key != d.key || d.step != idCreating {
			return nil, false
		}
		if msg.err != nil {
			d.step, d.err = idFilling, strings.TrimPrefix(msg.err.Error(), "identity: ")
			return d.form.name.Focus(), false
		}
		m.identities().put(msg.id)
		d.chosen, d.use = msg.id, d.form.use
		return d.choose(m)
	case tea.KeyPressMsg:
		switch d.step {
		case idPicking:
			return d.pickKey(m, msg)
		case idScoping:
			return d.scopeKey(m, msg)
		case idFilling:
			return d.formKey(m, msg)
		case idWarning:
			switch msg.String() {
			case "y":
				return d.send(m), true
			case "esc", "n", "q":
				m.flash("Cancelled: no identity sent", false)
				return nil, true
			}
		}
		return nil, false
	}
	if d.step == idFilling {
		var cmd tea.Cmd
		d.form.name, cmd = d.form.name.Update(msg)
		return cmd, false
	}
	return nil, false
}

// pickKey moves in the list of identities and picks one.
func (d *idDialog) pickKey(m *Model, msg tea.KeyPressMsg) (tea.Cmd, bool) {
	switch msg.String() {
	case "up", "k":
		d.sel = max(d.sel-1, 0)
	case "down", "j":
		d.sel = min(d.sel+1, len(d.ids))
	case "enter":
		if !d.listed {
			return nil, false
		}
		if d.sel < len(d.ids) {
			d.chosen, d.step = d.ids[d.sel], idScoping
			return nil, false
		}
		return d.openForm(), false
	case "n":
		return d.openForm(), false
	case "esc", "q":
		m.flash("Cancelled: no identity sent", false)
		return nil, true
	}
	return nil, false
}

// openForm shows the new-identity form.
func (d *idDialog) openForm() tea.Cmd {
	d.step, d.err, d.form.field = idFilling, "", 0
	return d.form.name.Focus()
}

// scopeKey takes the answer to where the chosen identity is used.
func (d *idDialog) scopeKey(m *Model, msg tea.KeyPressMsg) (tea.Cmd, bool) {
	switch msg.String() {
	case "enter", "p":
		d.use = usePath
	case "w":
		d.use = useHost
	case "t":
		d.use = useOnce
	case "esc":
		d.step = idPicking
		return nil, false
	default:
		return nil, false
	}
	return d.choose(m)
}

// formKey edits the form: the name, the choices, enter to create.
func (d *idDialog) formKey(m *Model, msg tea.KeyPressMsg) (tea.Cmd, bool) {
	f := &d.form
	switch s := msg.String(); s {
	case "esc":
		d.step, d.err = idPicking, ""
		f.name.Blur()
		return nil, false
	case "tab", "down", "shift+tab", "up":
		step := 1
		if s == "shift+tab" || s == "up" {
			step = formFields - 1
		}
		f.field = (f.field + step) % formFields
		if f.field == 0 {
			return f.name.Focus(), false
		}
		f.name.Blur()
		return nil, false
	case "left", "right":
		if f.field > 0 {
			f.change(map[bool]int{true: 1, false: -1}[s == "right"])
			return nil, false
		}
	case "enter":
		return d.create(m), false
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
		f.use = useOn(next(int(f.use), len(useLabels)))
	}
}

// create checks the form and starts making the identity.
func (d *idDialog) create(m *Model) tea.Cmd {
	name := strings.TrimSpace(d.form.name.Value())
	if err := identity.CheckName(name); err != nil {
		d.err = strings.TrimPrefix(err.Error(), "identity: ")
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
	return createIdentityCmd(d.key, m.opts.Identities, name, keyTypes[d.form.keyType].kt, validities[d.form.validity].d)
}

// choose sends the chosen identity, after a warning over TLS 1.2.
func (d *idDialog) choose(m *Model) (tea.Cmd, bool) {
	if d.tls12 {
		d.step = idWarning
		return nil, false
	}
	return d.send(m), true
}

// send remembers where the chosen identity is used and repeats the
// request with it, in the same tab, without a new history entry.
func (d *idDialog) send(m *Model) tea.Cmd {
	t := m.findTab(d.key.tab)
	if t == nil || t.seq != d.key.seq {
		return nil
	}
	st := m.identities()
	var save tea.Cmd
	if d.use == useOnce {
		st.once = &oneShot{url: d.url.String(), name: d.chosen.Name}
	} else {
		if err := m.opts.Scopes.Add(d.chosen.Name, d.scope(d.use)); err != nil {
			m.flash(err.Error(), true)
			return nil
		}
		if !st.memoryOnly {
			save = saveScopesCmd(m.opts.Scopes)
		}
	}
	return tea.Batch(save, m.load(t, d.url))
}

// view draws the step the dialog is at.
func (d *idDialog) view(m *Model, width, height int) []string {
	switch d.step {
	case idScoping:
		return d.scopeLines(m, width)
	case idFilling:
		lines, _ := d.formLines(m, width)
		return lines
	case idCreating:
		return append(d.head(m, width), " Creating "+sanitize.Line(strings.TrimSpace(d.form.name.Value()))+"…")
	case idWarning:
		lines := append(d.head(m, width), " "+m.styles.OverlayTitle.Render("This server speaks TLS 1.2"))
		name := sanitize.Line(d.chosen.Name)
		lines = append(lines, idWrap("Over TLS 1.2 the certificate travels unencrypted: the server and anyone watching see its name, "+name+".", width)...)
		return append(lines, "", d.keyRow(m, "y", "send "+name+" anyway"), d.keyRow(m, "esc", "cancel: nothing is sent"))
	}
	return d.pickLines(m, width, height)
}

// cursor puts the terminal's cursor in the name field of the form.
func (d *idDialog) cursor(m *Model) *tea.Cursor {
	if d.step != idFilling || d.form.field != 0 {
		return nil
	}
	_, row := d.formLines(m, m.width)
	c := d.form.name.Cursor()
	if c == nil || row+1 > m.pageHeight() {
		return nil
	}
	c.Position.X += formIndent
	c.Position.Y = row + 1 // below the tab bar
	return c
}

// head is the top of every step: what the server asked (the tab bar
// shows for which URL).
func (d *idDialog) head(m *Model, width int) []string {
	var title string
	who := "the identity sent"
	if d.sent != "" {
		who = "identity " + sanitize.Line(d.sent)
	}
	switch d.status {
	case client.StatusCertificateNotAuthorised:
		title = "The server does not accept " + who + " here"
	case client.StatusCertificateNotValid:
		title = "The server finds " + who + " not valid"
	default:
		title = "This page asks for an identity (a client certificate)"
	}
	var lines []string
	for _, l := range idWrap(title, width) {
		lines = append(lines, " "+m.styles.OverlayTitle.Render(strings.TrimPrefix(l, " ")))
	}
	if d.reason != "" {
		lines = append(lines, idWrap("The server says: "+d.reason, width)...)
	}
	return append(lines, "")
}

// pickLines is the list of identities, scrolled to show the selected one.
func (d *idDialog) pickLines(m *Model, width, height int) []string {
	lines := d.head(m, width)
	switch {
	case !d.listed:
		return append(lines, " Looking for identities…")
	case len(d.ids) == 0:
		lines = append(lines, " You have no identity yet.")
	default:
		lines = append(lines, " Choose the identity to send:")
	}
	if d.listErr != "" {
		lines = append(lines, idWrap("Some identities could not be read: "+d.listErr, width)...)
	}
	scopes := m.opts.Scopes.List()
	wide := width >= 80
	nameWidth := 0
	for _, id := range d.ids {
		nameWidth = max(nameWidth, min(ansi.StringWidth(sanitize.Line(id.Name)), 24))
	}
	var items [][]string
	for _, id := range d.ids {
		items = append(items, d.item(id, scopes[id.Name], nameWidth, wide))
	}
	items = append(items, []string{"+ Create a new identity"})
	keys := idKeys(width, "↑↓ choose", "enter use", "n new", "esc cancel")

	// Scroll so that the selected item is in the room left.
	room := height - len(lines) - 1 - len(keys)
	first, used := d.sel, len(items[d.sel])
	for first > 0 && used+len(items[first-1]) <= room {
		first--
		used += len(items[first])
	}
	used = 0
	for i := first; i < len(items) && (i <= d.sel || used+len(items[i]) <= room); i++ {
		used += len(items[i])
		mark := "  "
		if i == d.sel {
			mark = m.idMark()
		}
		lines = append(lines, " "+mark+items[i][0])
		for _, more := range items[i][1:] {
			lines = append(lines, "   "+more)
		}
	}
	return append(append(lines, ""), keys...)
}

// item describes an identity of the list: its name, short fingerprint,
// expiry and where it is used, on one row (wide) or more.
func (d *idDialog) item(id *identity.Identity, scopes []identity.Scope, nameWidth int, wide bool) []string {
	name := ansi.Truncate(sanitize.Line(id.Name), 24, "…")
	name += strings.Repeat(" ", max(nameWidth-ansi.StringWidth(name), 0))
	fp := id.CertificateHash()
	fp = fp[:min(len(fp), len("SHA256:")+8)] + "…"
	exp := "expires " + id.Expires().Format(time.DateOnly)
	if time.Now().After(id.Expires()) {
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
	if id.Name == d.sent {
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

// scopeLines asks where the chosen identity is used.
func (d *idDialog) scopeLines(m *Model, width int) []string {
	lines := d.head(m, width)
	lines = append(lines, idWrap("Send "+sanitize.Line(d.chosen.Name)+" where?", width)...)
	for i, k := range []string{"enter", "w", "t"} {
		lines = append(lines, d.keyRow(m, k, useLabels[i]), strings.Repeat(" ", 9)+d.useDetail(useOn(i)))
	}
	return append(lines, d.keyRow(m, "esc", "back"))
}

// scope is where the chosen identity is used for use (useOnce aside).
func (d *idDialog) scope(use useOn) identity.Scope {
	scope := identity.ScopeFor(d.url)
	if use == useHost {
		scope.Path = "/"
	}
	return scope
}

// useDetail says what use covers.
func (d *idDialog) useDetail(use useOn) string {
	if use == useOnce {
		return "not remembered"
	}
	return sanitize.Line(strings.TrimPrefix(d.scope(use).String(), "gemini://"))
}

// formIndent is where the values of the form's fields begin.
const formIndent = 13

// formLines draws the new-identity form and says on which row the name
// field is.
func (d *idDialog) formLines(m *Model, width int) ([]string, int) {
	f := &d.form
	lines := d.head(m, width)
	lines = append(lines, " New identity:")
	f.name.SetWidth(max(width-formIndent-1, 10))
	choice := func(s string) string {
		if m.styles.Plain {
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
			mark = m.idMark()
		}
		lines = append(lines, " "+mark+fmt.Sprintf("%-10s", fl.label)+fl.value)
	}
	lines = append(lines, strings.Repeat(" ", formIndent)+d.useDetail(f.use))
	if d.err != "" {
		lines = append(lines, "")
		for _, l := range idWrap(d.err, width) {
			lines = append(lines, " "+m.styles.StatusError.Render(strings.TrimPrefix(l, " ")))
		}
	}
	lines = append(lines, "")
	lines = append(lines, idKeys(width, "tab/↑↓ field", "←→ change", "enter create", "esc back")...)
	return lines, nameRow
}

// keyRow is an answer with its key, as questions show them.
func (d *idDialog) keyRow(m *Model, key, label string) string {
	return "  " + m.styles.Prompt.Render(fmt.Sprintf("%-6s", key)) + " " + label
}

// idMark is the marker of the selected row.
func (m *Model) idMark() string {
	if m.styles.Plain {
		return "> "
	}
	return "▶ "
}

// idWrap wraps text to width, each row indented by one cell.
func idWrap(text string, width int) []string {
	rows := strings.Split(ansi.Wrap(text, max(width-2, 10), ""), "\n")
	for i, r := range rows {
		rows[i] = " " + r
	}
	return rows
}

// idKeys lists the keys of a step, as many to a row as fit.
func idKeys(width int, keys ...string) []string {
	var rows []string
	row := ""
	for _, k := range keys {
		switch {
		case row == "":
			row = " " + k
		case ansi.StringWidth(row+" · "+k) < width:
			row += " · " + k
		default:
			rows, row = append(rows, row), " "+k
		}
	}
	return append(rows, row)
}
