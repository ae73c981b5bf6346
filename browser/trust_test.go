package browser

import (
	"crypto/x509"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"propus/browser/dialog"
	"propus/browser/internal/golden"
	"propus/testserver"
	"propus/tofu"
)

// openStore opens a fresh known-hosts file in a temporary directory.
func openStore(t *testing.T) (string, *tofu.Store) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "known_hosts")
	hosts, err := tofu.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	return path, hosts
}

// pinOf reads the file at path afresh and returns the fingerprint pinned
// for addr ("" when none).
func pinOf(t *testing.T, path, addr string) string {
	t.Helper()
	hosts, err := tofu.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	h, _ := hosts.Lookup(addr)
	return h.Fingerprint
}

// readFile returns the file's content.
func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// changedSite serves "/" and a second page, pins its certificate in a
// browser on the store at path, then rotates the certificate and reloads,
// so that the changed-certificate dialog is open. It returns the old and
// new certificates.
func changedSite(t *testing.T, w, h int, path string, hosts *tofu.Store) (*site, *driver, *x509.Certificate, *x509.Certificate) {
	t.Helper()
	s := pagesSite(t, map[string]string{"/": "# Home\n", "/other": "# Other\n"})
	d := newDriverOpts(t, w, h, Options{Hosts: hosts}, s.URL+"/")
	d.waitLoaded()
	old := s.Certificate()
	if pinOf(t, path, s.Addr) != tofu.PublicKeyPin(old) {
		t.Fatalf("the first visit did not pin %s:\n%s", tofu.PublicKeyPin(old), readFile(t, path))
	}
	cert := s.RotateCertificate()
	d.press("o")
	d.typeText(s.URL + "/other")
	d.pressThen(d.certDialogOpen, "the changed-certificate dialog", "enter")
	return s, d, old, cert
}

// certDialogOpen reports whether the changed-certificate dialog is open.
func (d *driver) certDialogOpen() bool { _, ok := d.m.dialogs.Top().(*dialog.Cert); return ok }

// waitDialog waits for the changed-certificate dialog.
func (d *driver) waitDialog() {
	d.t.Helper()
	d.waitUntil(d.certDialogOpen, "the changed-certificate dialog")
}

func TestTrustChangedAsks(t *testing.T) {
	t.Parallel()
	path, hosts := openStore(t)
	s, d, oldCert, cert := changedSite(t, 100, 30, path, hosts)
	old, newFP := tofu.PublicKeyPin(oldCert), tofu.PublicKeyPin(cert)
	if old == newFP {
		t.Fatal("RotateCertificate kept the key")
	}
	date := func(t time.Time) string { return t.UTC().Format(time.DateOnly) }
	scr := d.screen()
	for _, want := range []string{
		"The server's certificate has changed",
		"Nothing was sent to " + s.Addr,
		"Pinned certificate", old, "expires " + date(oldCert.NotAfter), "first seen " + date(time.Now()),
		"Presented now", newFP, "valid from " + date(cert.NotBefore) + " to " + date(cert.NotAfter),
		"subject " + cert.Subject.String(),
		"esc   cancel: do not connect", "o     trust once, until propus quits", "a     trust from now on, pin it",
	} {
		if !strings.Contains(scr, want) {
			t.Errorf("the dialog lacks %q:\n%s", want, scr)
		}
	}
	wantPaths(t, s, "/")

	d.press("esc")
	if d.m.dialogs.Top() != nil {
		t.Fatalf("esc left the dialog open:\n%s", d.screen())
	}
	scr = d.waitFor("# The server's certificate has changed")
	for _, want := range []string{old, newFP} {
		if !strings.Contains(scr, want) {
			t.Errorf("the error page does not name %s:\n%s", want, scr)
		}
	}
	if got := d.page().Address; got != s.URL+"/other" {
		t.Errorf("the error page is for %q", got)
	}
	d.pressThen(d.certDialogOpen, "the changed-certificate dialog", "r")
	wantPaths(t, s, "/")
	if pinOf(t, path, s.Addr) != old {
		t.Error("refusing changed the pin")
	}
}

// TestTrustChangedEnterNeverTrusts: trusting a changed certificate takes
// its named key; Enter, like any other key, does nothing; Esc cancels.
func TestTrustChangedEnterNeverTrusts(t *testing.T) {
	t.Parallel()
	path, hosts := openStore(t)
	s, d, oldCert, _ := changedSite(t, 100, 30, path, hosts)
	old := tofu.PublicKeyPin(oldCert)
	d.press("x", "j", "1", "y", "enter", "tab", "enter")
	if _, ok := d.m.dialogs.Top().(*dialog.Cert); !ok {
		t.Fatalf("a stray key closed the dialog:\n%s", d.screen())
	}
	if scr := d.screen(); !strings.Contains(scr, "o     trust once") || !strings.Contains(scr, "a     trust from now on, pin it") {
		t.Errorf("the answers:\n%s", scr)
	}
	d.press("esc")
	d.waitFor("# The server's certificate has changed")
	wantPaths(t, s, "/")
	if pinOf(t, path, s.Addr) != old {
		t.Error("cancelling changed the pin")
	}
}

func TestTrustOnce(t *testing.T) {
	t.Parallel()
	path, hosts := openStore(t)
	s, d, oldCert, cert := changedSite(t, 100, 30, path, hosts)
	old, newFP := tofu.PublicKeyPin(oldCert), tofu.PublicKeyPin(cert)
	before := readFile(t, path)
	d.press("o")
	d.waitFor("# Other")
	wantPaths(t, s, "/", "/other")
	if st := d.statusLine(); !strings.Contains(st, "New certificate trusted until propus quits: "+s.Addr) {
		t.Errorf("status %q", st)
	}
	if after := readFile(t, path); after != before {
		t.Errorf("trusting once wrote the file:\n%s\nwas:\n%s", after, before)
	}
	if h, _ := hosts.Lookup(s.Addr); h.Fingerprint != newFP {
		t.Errorf("this run trusts %s, want %s", h.Fingerprint, newFP)
	}
	// Reloading in this run is no question.
	d.press("r")
	d.wantLoaded()
	if d.m.dialogs.Top() != nil {
		t.Fatalf("the trusted certificate asked again:\n%s", d.screen())
	}
	wantPaths(t, s, "/", "/other", "/other")

	// The next run still refuses it.
	again, err := tofu.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	d2 := newDriverOpts(t, 100, 30, Options{Hosts: again}, s.URL+"/")
	d2.waitDialog()
	if scr := d2.screen(); !strings.Contains(scr, old) || !strings.Contains(scr, newFP) {
		t.Errorf("the next run's dialog:\n%s", scr)
	}
	wantPaths(t, s, "/", "/other", "/other")
}

func TestTrustAlways(t *testing.T) {
	t.Parallel()
	path, hosts := openStore(t)
	s, d, _, cert := changedSite(t, 100, 30, path, hosts)
	newFP := tofu.PublicKeyPin(cert)
	d.press("a")
	d.waitFor("# Other")
	wantPaths(t, s, "/", "/other")
	if got := pinOf(t, path, s.Addr); got != newFP {
		t.Errorf("the file pins %s, want %s:\n%s", got, newFP, readFile(t, path))
	}
	if st := d.statusLine(); !strings.Contains(st, "New certificate pinned: "+s.Addr) {
		t.Errorf("status %q", st)
	}

	again, err := tofu.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	d2 := newDriverOpts(t, 100, 30, Options{Hosts: again}, s.URL+"/")
	d2.waitFor("# Home")
	if d2.m.dialogs.Top() != nil {
		t.Fatalf("the next run asked:\n%s", d2.screen())
	}
}

// TestTrustExpiredPin: a pin whose certificate has expired gives way to
// the new certificate, with a notice.
func TestTrustExpiredPin(t *testing.T) {
	t.Parallel()
	s := pagesSite(t, map[string]string{"/": "# Home\n"})
	path := filepath.Join(t.TempDir(), "known_hosts")
	other := "SHA256:" + strings.Repeat("ab", 32)
	file := "# propus known hosts v1\n" +
		s.Addr + " " + other + " 2020-01-02T00:00:00Z 2019-01-01T00:00:00Z 2019-06-01T00:00:00Z\n"
	if err := os.WriteFile(path, []byte(file), 0o600); err != nil {
		t.Fatal(err)
	}
	hosts, err := tofu.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	d := newDriverOpts(t, 120, 30, Options{Hosts: hosts}, s.URL+"/")
	d.waitFor("# Home")
	if d.m.dialogs.Top() != nil {
		t.Fatalf("an expired pin asked:\n%s", d.screen())
	}
	if st := d.statusLine(); !strings.Contains(st, "The pinned certificate expired: "+s.Addr+" has a new one, pinned now") {
		t.Errorf("status %q", st)
	}
	d.press("x")
	if st := d.statusLine(); !strings.Contains(st, "new cert (old expired)") {
		t.Errorf("status after a key %q", st)
	}
	d.press("i")
	if scr := d.screen(); !strings.Contains(scr, "Trust     new certificate, pinned because the old one expired on 2020-01-02") {
		t.Errorf("the info overlay:\n%s", scr)
	}
	if got := pinOf(t, path, s.Addr); got != fingerprint(s.TestServer) {
		t.Errorf("the file pins %s:\n%s", got, readFile(t, path))
	}
}

// linkTo returns the number of the page's link to target.
func (d *driver) linkTo(target string) int {
	d.t.Helper()
	p := d.page()
	for n := 1; n <= p.Doc.Links(); n++ {
		if _, l := p.Doc.Link(n); l.URL == target {
			return n
		}
	}
	d.t.Fatalf("no link to %s on:\n%s", target, d.screen())
	return 0
}

// openURL types addr into the URL prompt.
func (d *driver) openURL(addr string) {
	d.press("o")
	d.typeText(addr)
	d.press("enter")
}

func TestKnownHosts(t *testing.T) {
	t.Parallel()
	s1 := pagesSite(t, map[string]string{"/": "# One\n"})
	s2 := pagesSite(t, map[string]string{"/": "# Two\n"})
	path, hosts := openStore(t)
	d := newDriverOpts(t, 120, 40, Options{Hosts: hosts}, s1.URL+"/")
	d.waitFor("# One")
	d.openURL(s2.URL + "/")
	d.waitFor("# Two")

	d.openURL("about:home")
	d.waitFor("Known hosts")
	d.press(itoa(d.linkTo("about:known-hosts")))
	scr := d.waitFor("# Known hosts")
	for _, want := range []string{
		"The pins are kept in " + path, "2 hosts are pinned.",
		"## " + s1.Addr, fingerprint(s1.TestServer), "## " + s2.Addr, fingerprint(s2.TestServer),
		"expires " + s1.Certificate().NotAfter.UTC().Format("2006-01-02"), "first seen ", "last seen ",
		"Forget " + s1.Addr, "Forget " + s2.Addr,
	} {
		if !strings.Contains(scr, want) {
			t.Errorf("about:known-hosts lacks %q:\n%s", want, scr)
		}
	}

	forget := d.linkTo("about:known-hosts?forget=" + strings.ReplaceAll(s1.Addr, ":", "%3A"))
	d.press(itoa(forget))
	if !d.asking() || !strings.Contains(d.screen(), "Forget the certificate pinned for "+s1.Addr+"?") {
		t.Fatalf("following the link did not ask:\n%s", d.screen())
	}
	d.press("enter") // not an answer
	d.press("esc")
	if pinOf(t, path, s1.Addr) == "" || d.m.dialogs.Len() != 0 {
		t.Fatalf("esc forgot the pin, or left the question open:\n%s", d.screen())
	}
	d.press(itoa(forget))
	d.press("y")
	scr = d.waitFor("Forgot " + s1.Addr)
	if strings.Contains(scr, "## "+s1.Addr) || !strings.Contains(scr, "## "+s2.Addr) || !strings.Contains(scr, "One host is pinned.") {
		t.Errorf("the page after forgetting:\n%s", scr)
	}
	if pinOf(t, path, s1.Addr) != "" || pinOf(t, path, s2.Addr) == "" {
		t.Errorf("the file after forgetting %s:\n%s", s1.Addr, readFile(t, path))
	}
	if d.page().Address != knownHostsAddress {
		t.Errorf("forgetting left %s", d.page().Address)
	}

	d.openURL(s1.URL + "/")
	d.waitFor("# One")
	if st := d.statusLine(); !strings.Contains(st, "First visit to "+s1.Addr+": certificate pinned") {
		t.Errorf("the next visit: status %q", st)
	}
}

// TestKnownHostsForgetFromCapsule: a capsule's link to the forget action
// only opens the list; nothing is asked or forgotten.
func TestKnownHostsForgetFromCapsule(t *testing.T) {
	t.Parallel()
	s := newSite(t, testserver.HandlerFunc(func(w testserver.ResponseWriter, r *testserver.Request) {
		testserver.Page("text/gemini", "# Trap\n=> about:known-hosts?forget="+r.URL.Host+" Click\n").ServeGemini(w, r)
	}))
	path, hosts := openStore(t)
	d := newDriverOpts(t, 100, 30, Options{Hosts: hosts}, s.URL+"/")
	d.waitFor("# Trap")
	d.press("1")
	d.waitFor("# Known hosts")
	if d.asking() || d.m.dialogs.Top() != nil {
		t.Errorf("a capsule's link asked to forget:\n%s", d.screen())
	}
	d.press("y")
	if pinOf(t, path, s.Addr) == "" {
		t.Error("a capsule's link forgot the pin")
	}
	d.press("H")
	d.waitFor("# Trap")
}

func TestGoldenTrust(t *testing.T) {
	t.Parallel()
	for _, size := range []struct{ w, h int }{{40, 20}, {100, 30}} {
		t.Run(fmt.Sprintf("%dx%d", size.w, size.h), func(t *testing.T) {
			path, hosts := openStore(t)
			_, d, _, _ := changedSite(t, size.w, size.h, path, hosts)
			checkFrame(t, d.m.screen(), size.w, size.h)
			golden.Check(t, fmt.Sprintf("trust-changed-%dx%d", size.w, size.h), normalizeHex(d.screen()))
		})
	}
}

func TestGoldenKnownHosts(t *testing.T) {
	t.Parallel()
	s := pagesSite(t, map[string]string{"/": "# Home\n"})
	for _, size := range []struct{ w, h int }{{40, 20}, {100, 30}} {
		t.Run(fmt.Sprintf("%dx%d", size.w, size.h), func(t *testing.T) {
			d := newDriverOpts(t, size.w, size.h, Options{Hosts: &tofu.Store{}}, s.URL+"/")
			d.waitLoaded()
			d.openURL(knownHostsAddress)
			d.waitFor("# Known hosts")
			checkFrame(t, d.m.screen(), size.w, size.h)
			golden.Check(t, fmt.Sprintf("knownhosts-%dx%d", size.w, size.h), normalizeHex(d.pages()))
		})
	}
}

// hexRE is the rest of a fingerprint wrapped onto a row of its own.
var hexRE = regexp.MustCompile(`\b[0-9a-f]{6,}\b`)

// normalizeHex is normalize, also for fingerprints wrapped over rows.
func normalizeHex(s string) string {
	return hexRE.ReplaceAllString(normalize(s), "HEX")
}

// TestTrustDialogScrolls: on a short screen the answers stay in sight and
// j scrolls the details above them.
func TestTrustDialogScrolls(t *testing.T) {
	t.Parallel()
	path, hosts := openStore(t)
	_, d, _, cert := changedSite(t, 40, 12, path, hosts)
	checkFrame(t, d.m.screen(), 40, 12)
	scr := d.screen()
	if !strings.Contains(scr, "esc   cancel: do not connect") || strings.Contains(scr, "subject ") {
		t.Fatalf("the short dialog:\n%s", scr)
	}
	for range 20 {
		d.press("j")
	}
	scr = d.screen()
	if !strings.Contains(scr, "subject "+cert.Subject.String()) || !strings.Contains(scr, "esc   cancel: do not connect") {
		t.Errorf("scrolled to the end:\n%s", scr)
	}
	d.press("k")
	if d.screen() == scr {
		t.Error("k did not scroll back")
	}
	d.press("esc")
	d.waitFor("# The server's certificate has changed")
}
