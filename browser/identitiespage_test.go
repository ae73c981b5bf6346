package browser

import (
	"errors"
	"net/url"
	"strings"
	"testing"
	"time"

	"propus/client/identity"
)

func TestIdentitiesPage(t *testing.T) {
	t.Parallel()
	opts, path := idOptions(t, "alice", "bob")
	for _, sc := range []string{"gemini://example.com/a", "gemini://other.org/"} {
		s, err := identity.ParseScope(sc)
		if err != nil {
			t.Fatal(err)
		}
		if err := opts.Scopes.Add("alice", s); err != nil {
			t.Fatal(err)
		}
	}
	if err := opts.Scopes.Save(); err != nil {
		t.Fatal(err)
	}
	alice, err := opts.Identities.Get("alice")
	if err != nil {
		t.Fatal(err)
	}
	d := newDriverOpts(t, 120, 40, opts)
	// about:home comes at once, with nothing to wait for.
	d.wantLoaded()
	d.press(itoa(d.linkTo(identitiesAddress))) // linked from about:home
	scr := d.waitFor("# Identities")
	for _, want := range []string{"## alice", "## bob", alice.CertificateHash()[:20], "expires " + alice.Expires().Format(time.DateOnly),
		"Stop using alice on gemini://example.com:1965/a", "Stop using alice on gemini://other.org:1965/", "Delete bob", "used nowhere yet"} {
		if !strings.Contains(scr, want) {
			t.Errorf("about:identities lacks %q:\n%s", want, scr)
		}
	}

	// Removing a scope asks first, then saves the scopes file.
	unscope := identitiesAddress + "?" + url.Values{"name": {"alice"}, "unscope": {"gemini://example.com:1965/a"}}.Encode()
	d.press(itoa(d.linkTo(unscope)))
	if !d.asking() || !strings.Contains(d.screen(), "Stop using alice on gemini://example.com:1965/a?") {
		t.Fatalf("removing a scope did not ask:\n%s", d.screen())
	}
	d.pressThen(func() bool { return savedFor(t, path, "gemini://example.com/a/x") == "" }, "the scope removed from the file", "y")
	if got := savedFor(t, path, "gemini://other.org/x"); got != "alice" {
		t.Errorf("the other scope went too: %q", got)
	}
	scr = d.waitFor("Stopped using alice")
	if strings.Contains(scr, "Stop using alice on gemini://example.com") {
		t.Errorf("the page was not refreshed:\n%s", scr)
	}

	// Deleting an identity asks first; esc keeps it.
	del := identitiesAddress + "?" + url.Values{"delete": {"alice"}}.Encode()
	d.press(itoa(d.linkTo(del)))
	if !d.asking() || !strings.Contains(d.screen(), "Delete the identity alice?") {
		t.Fatalf("deleting did not ask:\n%s", d.screen())
	}
	d.press("esc")
	if _, err := opts.Identities.Get("alice"); err != nil {
		t.Fatalf("esc deleted the identity: %v", err)
	}
	d.press(itoa(d.linkTo(del)))
	d.pressThen(func() bool {
		_, err := opts.Identities.Get("alice")
		return errors.Is(err, identity.ErrNotFound)
	}, "alice deleted", "y")
	d.expect(savedFor(t, path, "gemini://other.org/x") == "", "alice's scopes removed")
	scr = d.waitFor("Deleted the identity alice")
	if strings.Contains(scr, "## alice") || !strings.Contains(scr, "## bob") {
		t.Errorf("after the delete the page shows:\n%s", scr)
	}

	// A removing link typed elsewhere (or on a capsule's page) only opens
	// the list.
	d.openURL("about:blank")
	d.openURL(identitiesAddress + "?delete=bob")
	d.waitFor("# Identities")
	if d.asking() {
		t.Fatalf("a link from elsewhere asked:\n%s", d.screen())
	}
	d.press("y")
	if _, err := opts.Identities.Get("bob"); err != nil {
		t.Errorf("a link from elsewhere deleted bob: %v", err)
	}
}

func TestIdentitiesPageOff(t *testing.T) {
	t.Parallel()
	d := newDriverOpts(t, 100, 30, Options{}, identitiesAddress)
	if scr := d.waitFor("# Identities"); !strings.Contains(scr, "Identities are off") {
		t.Errorf("without a store the page shows:\n%s", scr)
	}
}
