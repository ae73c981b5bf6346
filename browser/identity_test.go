package browser

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"math/big"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"propus/browser/internal/golden"
	"propus/client"
	"propus/client/identity"
	"propus/testserver"
)

// certSite is a test server that records every request as "<path> <CN>",
// the common name of the client certificate it came with ("-" for none).
type certSite struct {
	*testserver.TestServer
	mu   sync.Mutex
	reqs []string
}

// newCertSite serves h, recording the requests; tls12 caps the server at
// TLS 1.2.
func newCertSite(t *testing.T, h testserver.Handler, tls12 bool) *certSite {
	s := &certSite{}
	s.TestServer = testserver.NewUnstartedServer(t, testserver.HandlerFunc(func(w testserver.ResponseWriter, r *testserver.Request) {
		s.mu.Lock()
		s.reqs = append(s.reqs, r.URL.Path+" "+commonName(r))
		s.mu.Unlock()
		h.ServeGemini(w, r)
	}))
	if tls12 {
		s.Server.TLSConfig.MaxVersion = tls.VersionTLS12
	}
	s.Start()
	return s
}

func commonName(r *testserver.Request) string {
	if r.Certificate == nil {
		return "-"
	}
	return r.Certificate.Subject.CommonName
}

// requests returns the requests so far.
func (s *certSite) requests() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.reqs)
}

func (s *certSite) want(t *testing.T, want ...string) {
	t.Helper()
	if got := s.requests(); !slices.Equal(got, want) {
		t.Fatalf("the server saw %q, want %q", got, want)
	}
}

// hello is a page naming the client certificate and the path.
var hello = testserver.HandlerFunc(func(w testserver.ResponseWriter, r *testserver.Request) {
	w.WriteHeader(client.StatusSuccess, "text/gemini")
	fmt.Fprintf(w, "# Hello %s at %s.\n", commonName(r), r.URL.Path) // "." ends the path: /a is no prefix of /a/b
})

// privateSite serves hello everywhere, behind RequireCertificate under
// /private/.
func privateSite(t *testing.T, tls12 bool) *certSite {
	mux := testserver.NewMux()
	mux.Handle("/.*", hello)
	mux.Handle("/private(/.*)?", testserver.RequireCertificate(hello))
	return newCertSite(t, mux, tls12)
}

// idOptions returns Options with a fresh identity store holding the
// named identities (valid for a year) and an empty scopes file, whose
// path it returns too.
func idOptions(t *testing.T, names ...string) (Options, string) {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "identities")
	store := identity.Store{Dir: dir}
	for _, n := range names {
		addIdentity(t, store, n, 365*24*time.Hour)
	}
	path := filepath.Join(dir, "scopes")
	scopes, err := identity.LoadScopes(path)
	if err != nil {
		t.Fatal(err)
	}
	return Options{Identities: store, Scopes: scopes}, path
}

func addIdentity(t *testing.T, store identity.Store, name string, validity time.Duration) *identity.Identity {
	t.Helper()
	id, err := identity.Create(name, identity.ECDSAP256, validity)
	if err != nil {
		t.Fatal(err)
	}
	if err := store.Add(id); err != nil {
		t.Fatal(err)
	}
	return id
}

// addExpiredIdentity adds to store an identity named name whose
// certificate expired an hour ago (identity.Create makes only valid ones).
func addExpiredIdentity(t *testing.T, store identity.Store, name string) *identity.Identity {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: name},
		NotBefore:    now.Add(-2 * time.Hour),
		NotAfter:     now.Add(-time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, key.Public(), key)
	if err != nil {
		t.Fatal(err)
	}
	pkcs8, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	id, err := identity.Parse(name, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}),
		pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: pkcs8}))
	if err != nil {
		t.Fatal(err)
	}
	if err := store.Add(id); err != nil {
		t.Fatal(err)
	}
	return id
}

func mustURL(t *testing.T, raw string) *url.URL {
	t.Helper()
	u, err := client.ParseURL(raw)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// savedFor returns the identity the scopes file at path gives u.
func savedFor(t *testing.T, path, u string) string {
	t.Helper()
	scopes, err := identity.LoadScopes(path)
	if err != nil {
		t.Fatal(err)
	}
	name, _ := scopes.For(mustURL(t, u))
	return name
}

// open types u into the URL prompt.
func (d *driver) open(u string) {
	d.press("o")
	d.typeText(u)
	d.press("enter")
}

func TestIdentityCreate(t *testing.T) {
	t.Parallel()
	s := privateSite(t, false)
	opts, scopesPath := idOptions(t)
	d := newDriverOpts(t, 100, 30, opts, s.URL+"/private/")
	scr := d.waitFor("+ Create a new identity")
	for _, want := range []string{"This page asks for an identity", "The server says: Certificate required", "You have no identity yet."} {
		if !strings.Contains(scr, want) {
			t.Errorf("the picker lacks %q:\n%s", want, scr)
		}
	}
	d.press("n")
	d.waitFor("New identity:")
	d.typeText("alice")
	d.press("enter")
	d.waitFor("Hello alice at /private/.")
	s.want(t, "/private/ -", "/private/ alice")
	if st := d.statusLine(); !strings.Contains(st, "id: alice") {
		t.Errorf("the status line does not name the identity: %q", st)
	}
	if n := len(d.m.tab().Back); n != 0 {
		t.Errorf("repeating the request added %d history entries", n)
	}
	d.expect(savedFor(t, scopesPath, s.URL+"/private/deeper") == "alice", "the scope saved")
	fi, err := os.Stat(filepath.Join(opts.Identities.Dir, "alice.key"))
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("the key file: %v, %v", fi, err)
	}

	// Below the path the identity goes by itself; above it, never.
	d.open(s.URL + "/private/sub/page")
	d.waitFor("Hello alice at /private/sub/page.")
	d.open(s.URL + "/")
	d.waitFor("Hello - at /")
	if st := d.statusLine(); strings.Contains(st, "id:") {
		t.Errorf("a page sent without identity shows one: %q", st)
	}
	s.want(t, "/private/ -", "/private/ alice", "/private/sub/page alice", "/ -")

	// Nor to another port of the same host.
	other := privateSite(t, false)
	d.open(other.URL + "/private/")
	d.waitFor("+ Create a new identity")
	d.press("esc")
	other.want(t, "/private/ -")
}

func TestIdentityThisTimeOnly(t *testing.T) {
	t.Parallel()
	s := privateSite(t, false)
	opts, scopesPath := idOptions(t, "alice")
	d := newDriverOpts(t, 100, 30, opts, s.URL+"/private/a")
	d.waitFor("Choose the identity to send")
	d.press("enter")
	scr := d.waitFor("Send alice where?")
	for _, want := range []string{"this path and below", "127.0.0.1:PORT/private/a", "the whole host", "127.0.0.1:PORT/", "this time only"} {
		if !strings.Contains(normalize(scr), want) {
			t.Errorf("the scope question lacks %q:\n%s", want, scr)
		}
	}
	d.press("t")
	d.waitFor("Hello alice at /private/a.")
	d.press("r")
	d.waitFor("Choose the identity to send")
	s.want(t, "/private/a -", "/private/a alice", "/private/a -")
	if name := savedFor(t, scopesPath, s.URL+"/private/a"); name != "" {
		t.Errorf("this time only saved a scope for %s", name)
	}
}

func TestIdentityWholeHost(t *testing.T) {
	t.Parallel()
	s := privateSite(t, false)
	opts, scopesPath := idOptions(t, "alice")
	d := newDriverOpts(t, 100, 30, opts, s.URL+"/private/a")
	d.waitFor("Choose the identity to send")
	d.press("enter", "w")
	d.waitFor("Hello alice at /private/a.")
	d.open(s.URL + "/private/b")
	d.waitFor("Hello alice at /private/b.")
	d.open(s.URL + "/")
	d.waitFor("Hello alice at /.")
	s.want(t, "/private/a -", "/private/a alice", "/private/b alice", "/ alice")
	d.expect(savedFor(t, scopesPath, s.URL+"/anywhere") == "alice", "the host's scope saved")

	other := privateSite(t, false)
	d.open(other.URL + "/")
	d.waitFor("Hello - at /")
	other.want(t, "/ -")
}

func TestIdentityNotAuthorised(t *testing.T) {
	t.Parallel()
	opts, scopesPath := idOptions(t)
	alice := addIdentity(t, opts.Identities, "alice", time.Hour)
	bob := addIdentity(t, opts.Identities, "bob", time.Hour)
	zones := testserver.CertificateZones{{Path: "/club/", Fingerprints: []string{bob.CertificateHash()}}}
	mux := testserver.NewMux()
	mux.Handle("/.*", zones.Middleware(hello))
	s := newCertSite(t, mux, false)
	if err := opts.Scopes.Add(alice.Name, identity.ScopeFor(mustURL(t, s.URL+"/club/"))); err != nil {
		t.Fatal(err)
	}

	d := newDriverOpts(t, 100, 30, opts, s.URL+"/club/")
	scr := d.waitFor("Choose the identity to send")
	for _, want := range []string{"The server does not accept identity alice here", "The server says: Certificate not authorised", "sent, refused"} {
		if !strings.Contains(scr, want) {
			t.Errorf("the picker lacks %q:\n%s", want, scr)
		}
	}
	d.press("down", "enter", "p")
	d.waitFor("Hello bob at /club/.")
	s.want(t, "/club/ alice", "/club/ bob")
	d.expect(savedFor(t, scopesPath, s.URL+"/club/") == "bob", "the scope moved to bob")
}

func TestIdentityNotValid(t *testing.T) {
	t.Parallel()
	s := privateSite(t, false)
	opts, _ := idOptions(t)
	old := addExpiredIdentity(t, opts.Identities, "old")
	if err := opts.Scopes.Add(old.Name, identity.ScopeFor(mustURL(t, s.URL+"/private/"))); err != nil {
		t.Fatal(err)
	}
	d := newDriverOpts(t, 100, 30, opts, s.URL+"/private/x")
	scr := d.waitFor("New identity:")
	for _, want := range []string{"The server finds identity old not valid", "The server says: Certificate expired"} {
		if !strings.Contains(scr, want) {
			t.Errorf("the offer lacks %q:\n%s", want, scr)
		}
	}
	d.typeText("fresh")
	d.press("enter")
	d.waitFor("Hello fresh at /private/x.")
	s.want(t, "/private/x old", "/private/x fresh")
}

func TestIdentityCancel(t *testing.T) {
	t.Parallel()
	mux := testserver.NewMux()
	mux.Handle("/.*", testserver.Reply(client.StatusCertificateRequired, "Who are you?\x1b]0;evil\x07\x1b[31m"))
	s := newCertSite(t, mux, false)
	opts, _ := idOptions(t, "alice")
	d := newDriverOpts(t, 100, 30, opts, s.URL+"/door")
	d.waitFor("Choose the identity to send")
	if frame := d.m.screen(); strings.Contains(frame, "\x1b]0;") || strings.Contains(frame, "\x1b[31m") || !strings.Contains(frame, "Who are you?") {
		t.Errorf("the server's reason is not sanitised: %q", frame)
	}
	d.press("esc")
	scr := d.screen()
	if d.m.dialogs.Top() != nil || !strings.Contains(scr, "# 60 ") || !strings.Contains(scr, "Cancelled: no identity sent") {
		t.Errorf("after esc:\n%s", scr)
	}
	// A name that cannot be a file name is refused in the form.
	d.press("r")
	d.waitFor("Choose the identity to send")
	d.press("n")
	d.typeText("a/b")
	d.press("enter")
	if scr := d.screen(); !strings.Contains(scr, `invalid name "a/b": contains '/'`) {
		t.Errorf("a bad name was not refused:\n%s", scr)
	}
	d.press("esc", "esc")
	s.want(t, "/door -", "/door -")
}

func TestIdentityTLS12(t *testing.T) {
	t.Parallel()
	s := privateSite(t, true)
	opts, scopesPath := idOptions(t, "alice")
	d := newDriverOpts(t, 100, 30, opts, s.URL+"/private/")
	d.waitFor("Choose the identity to send")
	d.press("enter", "p")
	scr := d.waitFor("This server speaks TLS 1.2")
	if !strings.Contains(scr, "Over TLS 1.2 the certificate travels unencrypted: the server and anyone watching see its name") {
		t.Errorf("the warning:\n%s", scr)
	}
	d.press("esc")
	s.want(t, "/private/ -")
	if name := savedFor(t, scopesPath, s.URL+"/private/"); name != "" {
		t.Errorf("a cancelled warning saved a scope for %s", name)
	}

	d.press("r")
	d.waitFor("Choose the identity to send")
	d.press("enter", "p")
	d.waitFor("This server speaks TLS 1.2")
	s.want(t, "/private/ -", "/private/ -")
	d.press("y")
	d.waitFor("Hello alice at /private/.")
	s.want(t, "/private/ -", "/private/ -", "/private/ alice")
}

func TestIdentityGolden(t *testing.T) {
	t.Parallel()
	s := privateSite(t, false)
	opts, _ := idOptions(t, "alice", "bob")
	if err := opts.Scopes.Add("bob", identity.ScopeFor(mustURL(t, s.URL+"/elsewhere/"))); err != nil {
		t.Fatal(err)
	}
	for _, size := range []struct{ w, h int }{{40, 20}, {100, 30}} {
		t.Run(fmt.Sprintf("%dx%d", size.w, size.h), func(t *testing.T) {
			d := newDriverOpts(t, size.w, size.h, opts, s.URL+"/private/")
			d.waitFor("+ Create a new identity")
			checkFrame(t, d.m.screen(), size.w, size.h)
			golden.Check(t, fmt.Sprintf("identity-picker-%dx%d", size.w, size.h), normalize(d.screen()))
			d.press("n")
			checkFrame(t, d.m.screen(), size.w, size.h)
			golden.Check(t, fmt.Sprintf("identity-form-%dx%d", size.w, size.h), normalize(d.screen()))
			if c := d.m.View().Cursor; c == nil || !strings.HasPrefix(strings.Split(d.screen(), "\n")[c.Position.Y], " ▶ Name") {
				t.Errorf("the cursor is not on the name field: %+v", c)
			}
		})
	}
}

func TestIdentityPickerScrolls(t *testing.T) {
	t.Parallel()
	s := privateSite(t, false)
	var names []string
	for i := range 12 {
		names = append(names, fmt.Sprintf("id%02d", i))
	}
	opts, _ := idOptions(t, names...)
	if err := opts.Scopes.Add("id05", identity.ScopeFor(mustURL(t, s.URL+"/x/"))); err != nil {
		t.Fatal(err)
	}
	d := newDriverOpts(t, 40, 20, opts, s.URL+"/private/")
	d.waitFor("Choose the identity to send")
	for i := range 13 {
		want := "▶ + Create a new identity"
		if i < 12 {
			want = "▶ " + names[i] + " "
		}
		scr := d.screen()
		if !strings.Contains(scr, want) {
			t.Fatalf("after %d downs the selection %q is not shown:\n%s", i, want, scr)
		}
		// The list says when more of it is out of sight.
		if more := i < 12 && !strings.Contains(scr, "+ Create a new identity"); more != strings.Contains(scr, "below") {
			t.Errorf("after %d downs, more below is %t, but the screen:\n%s", i, more, scr)
		}
		checkFrame(t, d.m.screen(), 40, 20)
		d.press("down")
	}
	d.press("up", "up", "enter")
	d.waitFor("Send id10 where?")
}
