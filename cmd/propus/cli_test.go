package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"propus/browser/bookmarks"
	"propus/client/identity"
)

// want checks the outcome of a propus command line: its exit code and
// that stdout and stderr contain the given strings.
func want(t *testing.T, args []string, code int, inOut, inErr string) string {
	t.Helper()
	c, out, errOut := propus(t, args...)
	if c != code || !strings.Contains(out, inOut) || !strings.Contains(errOut, inErr) {
		t.Errorf("propus %q: exit %d (want %d)\nstdout: %s\nstderr: %s\nwant stdout with %q, stderr with %q", args, c, code, out, errOut, inOut, inErr)
	}
	return out
}

func args(s string) []string { return strings.Fields(s) }

func dataDir(t *testing.T) string {
	t.Helper()
	return filepath.Join(os.Getenv("XDG_DATA_HOME"), "propus")
}

func TestGroupsUsage(t *testing.T) {
	for _, g := range []string{"id", "hosts", "bookmarks", "feeds"} {
		want(t, args(g), exitUsage, "", "a command is required")
		want(t, args(g+" frobnicate"), exitUsage, "", `unknown command "frobnicate"`)
		want(t, args(g+" --help"), exitOK, "Commands:", "")
		want(t, args(g+" --version"), exitOK, "propus ", "")
	}
	want(t, args("id frobnicate"), exitUsage, "", "rename")
	want(t, args("--help"), exitOK, "bookmarks", "")
	for _, sub := range []string{"id new", "id list", "id show", "id rm", "id rename", "id import", "id export", "id scope",
		"hosts list", "hosts forget", "bookmarks import", "bookmarks export", "bookmarks list",
		"feeds list", "feeds add", "feeds rm", "feeds refresh", "feeds new"} {
		want(t, args(sub+" --help"), exitOK, "Usage: propus "+sub, "")
		want(t, args(sub+" --version"), exitOK, "propus ", "")
		want(t, args(sub+" --bogus"), exitUsage, "", "see propus "+sub+" --help")
	}
}

func TestIDNewListShow(t *testing.T) {
	want(t, args("id list"), exitOK, "No identities", "")
	want(t, args("id new alice --key ed25519 --days 30 --scope gemini://example.com/alice --scope example.org"), exitOK, "Created identity alice (ed25519", "")
	want(t, args("id new bob"), exitOK, "ecdsa-p256", "")
	out := want(t, args("id list"), exitOK, "NAME", "")
	id, err := identity.Store{Dir: filepath.Join(dataDir(t), "identities")}.Get("alice")
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 3 || !strings.HasPrefix(lines[1], "alice  ") || !strings.Contains(lines[1], identity.ShortHash(id.CertificateHash(), 16)) ||
		!strings.Contains(lines[1], "gemini://example.com:1965/alice gemini://example.org:1965/") || !strings.HasPrefix(lines[2], "bob    ") ||
		strings.Index(lines[1], "SHA256") != strings.Index(lines[2], "SHA256") {
		t.Errorf("id list:\n%s", out)
	}
	out = want(t, args("id show alice"), exitOK, id.CertificateHash(), "")
	for _, s := range []string{"CN=alice", "Valid from:", "Valid until:", "ed25519", "gemini://example.org:1965/", filepath.Join(dataDir(t), "identities", "alice.key")} {
		if !strings.Contains(out, s) {
			t.Errorf("id show lacks %q:\n%s", s, out)
		}
	}
	want(t, args("id show bob"), exitOK, "Scopes:       none", "")
}

func TestIDNewErrors(t *testing.T) {
	want(t, args("id new"), exitUsage, "", "NAME is required")
	want(t, args("id new a b"), exitUsage, "", `unexpected argument "b"`)
	want(t, args("id new x --key rsa"), exitUsage, "", `bad --key "rsa"`)
	want(t, args("id new x --days 0"), exitUsage, "", "--days must be a positive")
	want(t, args("id new x --scope http://"), exitUsage, "", "bad --scope")
	want(t, args("id new a/b"), exitUsage, "", "invalid name")
	want(t, args("id new x"), exitOK, "", "")
	want(t, args("id new x"), exitFailure, "", "already exists")
	want(t, args("id show nobody"), exitFailure, "", `no identity called "nobody"`)
	want(t, args("id show"), exitUsage, "", "NAME is required")
}

func TestIDBrokenScopes(t *testing.T) {
	want(t, args("id new x"), exitOK, "", "")
	scopes := filepath.Join(dataDir(t), "identities", "scopes")
	broken := []byte("gemini://example.com/ x\ngemini://example.com:99999/ x\n")
	if err := os.WriteFile(scopes, broken, 0o600); err != nil {
		t.Fatal(err)
	}
	for _, a := range []string{"id list", "id show x", "id rm x", "id rename x y", "id scope x add example.net", "id new y --scope example.net"} {
		want(t, args(a), exitFailure, "", "scopes:2:")
	}
	if got, _ := os.ReadFile(scopes); !bytes.Equal(got, broken) {
		t.Errorf("broken scopes file changed: %q", got)
	}
	want(t, args("id show x"), exitFailure, "", "will not overwrite")
	if _, err := (identity.Store{Dir: filepath.Join(dataDir(t), "identities")}).Get("x"); err != nil {
		t.Errorf("identity x was touched: %v", err)
	}
}

func TestIDRemoveRename(t *testing.T) {
	want(t, args("id new alice --scope example.com/a"), exitOK, "", "")
	want(t, args("id new bob --scope example.com/b"), exitOK, "", "")
	want(t, args("id rename alice carol"), exitOK, "Renamed identity alice to carol", "")
	out := want(t, args("id list"), exitOK, "carol", "")
	if strings.Contains(out, "alice") || !strings.Contains(out, "example.com:1965/a") {
		t.Errorf("after rename:\n%s", out)
	}
	want(t, args("id rename alice dave"), exitFailure, "", `no identity called "alice"`)
	want(t, args("id rename carol bob"), exitFailure, "", `"bob" already exists`)
	want(t, args("id rename carol"), exitUsage, "", "NEW is required")
	want(t, args("id rename"), exitUsage, "", "OLD and NEW is required")
	want(t, args("id rename carol .x"), exitUsage, "", "invalid name")
	want(t, args("id rm carol"), exitOK, "Removed identity carol", "")
	want(t, args("id rm carol"), exitFailure, "", `no identity called "carol"`)
	want(t, args("id rm"), exitUsage, "", "NAME is required")
	s, err := identity.LoadScopes(filepath.Join(dataDir(t), "identities", "scopes"))
	if err != nil {
		t.Fatal(err)
	}
	if l := s.List(); len(l) != 1 || len(l["bob"]) != 1 {
		t.Errorf("scopes after rm: %v", l)
	}
}

func TestIDScope(t *testing.T) {
	want(t, args("id new alice"), exitOK, "", "")
	want(t, args("id scope alice add gemini://example.com/x"), exitOK, "gemini://example.com:1965/x now uses alice", "")
	want(t, args("id show alice"), exitOK, "gemini://example.com:1965/x", "")
	want(t, args("id scope alice rm example.com/x"), exitOK, "no longer uses alice", "")
	want(t, args("id scope alice rm example.com/x"), exitFailure, "", "is not a scope of")
	want(t, args("id scope nobody add example.com"), exitFailure, "", `no identity called "nobody"`)
	want(t, args("id scope alice move example.com"), exitUsage, "", `unknown action "move"`)
	want(t, args("id scope alice add gemini://u@example.com/?q"), exitUsage, "", "bad URL")
	want(t, args("id scope alice add"), exitUsage, "", "URL is required")
	want(t, args("id show alice"), exitOK, "Scopes:       none", "")
}

func TestIDExportImport(t *testing.T) {
	want(t, args("id new alice"), exitOK, "", "")
	store := identity.Store{Dir: filepath.Join(dataDir(t), "identities")}
	orig, err := store.Get("alice")
	if err != nil {
		t.Fatal(err)
	}
	// To stdout: one PEM that import reads back.
	pem := want(t, args("id export alice"), exitOK, "-----BEGIN PRIVATE KEY-----", "")
	dir := t.TempDir()
	both := filepath.Join(dir, "both.pem")
	if err := os.WriteFile(both, []byte(pem), 0o600); err != nil {
		t.Fatal(err)
	}
	want(t, []string{"id", "import", "one", both}, exitOK, "Imported identity one ("+orig.CertificateHash(), "")
	// To a directory: NAME.crt and NAME.key, the key 0600.
	out := filepath.Join(dir, "out")
	want(t, []string{"id", "export", "alice", "--out", out}, exitOK, "Wrote", "")
	crt, key := filepath.Join(out, "alice.crt"), filepath.Join(out, "alice.key")
	if fi, err := os.Stat(key); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("key file: %v %v", fi, err)
	}
	want(t, []string{"id", "export", "alice", "--out", out}, exitFailure, "", "already exists")
	want(t, []string{"id", "import", "two", crt, key}, exitOK, orig.CertificateHash(), "")
	got, err := store.Get("two")
	if err != nil || got.CertificateHash() != orig.CertificateHash() {
		t.Errorf("imported: %v %v", got, err)
	}
	// Errors.
	want(t, []string{"id", "import", "two", crt, key}, exitFailure, "", `"two" already exists`)
	want(t, []string{"id", "import", "three", crt}, exitFailure, "", "key")
	want(t, []string{"id", "import", "three", filepath.Join(dir, "nope.pem")}, exitFailure, "", "nope.pem")
	want(t, args("id new bob"), exitOK, "", "")
	bobPEM := want(t, args("id export bob"), exitOK, "", "")
	bobKey := filepath.Join(dir, "bob.pem")
	os.WriteFile(bobKey, []byte(bobPEM[strings.Index(bobPEM, "-----BEGIN PRIVATE KEY"):]), 0o600)
	want(t, []string{"id", "import", "three", crt, bobKey}, exitFailure, "", "does not match")
	want(t, args("id import three"), exitUsage, "", "CERT.pem is required")
	want(t, args("id import a b c d"), exitUsage, "", `unexpected argument "d"`)
	want(t, args("id export nobody"), exitFailure, "", `no identity called "nobody"`)
	want(t, args("id export"), exitUsage, "", "NAME is required")
}

const knownHosts = `# propus known hosts v1
example.com:1965 SHA256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08 2027-01-01T00:00:00Z 2025-06-01T12:00:00Z 2025-06-03T08:30:00Z
[2001:db8::1]:1965 SHA256:60303ae22b998861bce3b28f33eec1be758a213c86c93c076dbe9f558c11c752 2026-03-01T00:00:00Z 2025-06-02T09:00:00Z 2025-06-02T09:00:00Z
`

func TestHosts(t *testing.T) {
	want(t, args("hosts list"), exitOK, "No known hosts", "")
	file := filepath.Join(dataDir(t), "known_hosts")
	os.MkdirAll(filepath.Dir(file), 0o700)
	if err := os.WriteFile(file, []byte(knownHosts), 0o600); err != nil {
		t.Fatal(err)
	}
	out := want(t, args("hosts list"), exitOK, "ADDRESS", "")
	for _, s := range []string{"example.com:1965", "SHA256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08", "2027-01-01", "2025-06-01 12:00:00", "2025-06-03 08:30:00", "[2001:db8::1]:1965"} {
		if !strings.Contains(out, s) {
			t.Errorf("hosts list lacks %q:\n%s", s, out)
		}
	}
	want(t, args("hosts forget EXAMPLE.com"), exitOK, "Forgot example.com:1965", "")
	want(t, args("hosts forget example.com:1965"), exitFailure, "", "example.com:1965 is not a known host")
	want(t, args("hosts forget gemini://[2001:db8::1]/some/page?q"), exitOK, "Forgot [2001:db8::1]:1965", "")
	want(t, args("hosts list"), exitOK, "No known hosts", "")
	os.WriteFile(file, []byte(knownHosts), 0o600)
	want(t, args("hosts forget gemini://Example.COM:1965/"), exitOK, "Forgot example.com:1965", "")
	want(t, args("hosts forget https://example.org/"), exitUsage, "", "not a gemini URL")
	want(t, args("hosts forget 2001:db8::1"), exitOK, "Forgot [2001:db8::1]:1965", "")
	want(t, []string{"hosts", "forget", "bad host"}, exitUsage, "", "invalid address")
	want(t, args("hosts forget"), exitUsage, "", "HOST[:PORT]|URL is required")
	want(t, args("hosts list extra"), exitUsage, "", "unexpected argument")

	broken := []byte(knownHosts + "garbage\n")
	os.WriteFile(file, broken, 0o600)
	want(t, args("hosts list"), exitFailure, "", "known_hosts:4:")
	want(t, args("hosts forget example.com"), exitFailure, "", "known_hosts:4:")
	if got, _ := os.ReadFile(file); !bytes.Equal(got, broken) {
		t.Errorf("broken known_hosts changed: %q", got)
	}
}

const amfora = `<?xml version="1.0" encoding="UTF-8"?>
<xbel version="1.0">
  <bookmark href="gemini://a.example/">
    <title>Station A</title>
  </bookmark>
  <bookmark href="gemini://b.example/"><title>B</title></bookmark>
  <bookmark href="gemini://a.example/"><title>A again</title></bookmark>
</xbel>
`

func TestBookmarks(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "bookmarks.xml")
	os.WriteFile(file, []byte(amfora), 0o600)
	want(t, args("bookmarks list"), exitOK, "No bookmarks", "")
	want(t, []string{"bookmarks", "import", file}, exitOK,
		"Imported 2 bookmarks; skipped 1 bookmark:\n  gemini://a.example/ A again: listed twice in the file\n", "")
	want(t, []string{"bookmarks", "import", file}, exitOK, "Imported 0 bookmarks; skipped 3 bookmarks:\n"+
		"  gemini://a.example/ Station A: already bookmarked\n"+
		"  gemini://b.example/ B: already bookmarked\n"+
		"  gemini://a.example/ A again: already bookmarked\n", "")
	out := want(t, args("bookmarks list"), exitOK, "Station A", "")
	if !strings.Contains(out, "gemini://b.example/") || strings.Contains(out, "A again") {
		t.Errorf("bookmarks list:\n%s", out)
	}
	want(t, args("bookmarks export --format gemtext"), exitOK, "# Bookmarks\n\n=> gemini://a.example/ Station A\n=> gemini://b.example/ B\n", "")
	xbel := want(t, args("bookmarks export"), exitOK, "<xbel", "")
	bs, err := bookmarks.ReadXBEL(strings.NewReader(xbel))
	if err != nil || len(bs) != 2 || bs[0].Title != "Station A" {
		t.Errorf("export does not read back: %v %v", bs, err)
	}
	want(t, args("bookmarks export --format XBEL"), exitOK, "<xbel", "")

	one := filepath.Join(dir, "one.xml")
	os.WriteFile(one, []byte(`<xbel><bookmark href="gemini://c.example/"><title>C</title></bookmark></xbel>`), 0o600)
	want(t, []string{"bookmarks", "import", one}, exitOK, "Imported 1 bookmark.\n", "")
	want(t, args("bookmarks export --format html"), exitUsage, "", `unknown --format "html"`)
	want(t, args("bookmarks import"), exitUsage, "", "FILE is required")
	want(t, []string{"bookmarks", "import", filepath.Join(dir, "nope.xml")}, exitFailure, "", "nope.xml")
	bad := filepath.Join(dir, "bad.xml")
	os.WriteFile(bad, []byte("<xbel>\n<bookmark"), 0o600)
	want(t, []string{"bookmarks", "import", bad}, exitFailure, "", "bad.xml:2:")

	store := filepath.Join(dataDir(t), "bookmarks.xml")
	broken := []byte("<xbel>\n<bookmark href=\"gemini://x/\">\n")
	os.WriteFile(store, broken, 0o600)
	for _, a := range [][]string{{"bookmarks", "list"}, {"bookmarks", "export"}, {"bookmarks", "import", file}} {
		want(t, a, exitFailure, "", "bookmarks.xml:")
	}
	if got, _ := os.ReadFile(store); !bytes.Equal(got, broken) {
		t.Errorf("broken bookmarks file changed: %q", got)
	}
}

func TestIDBrokenIdentityFile(t *testing.T) {
	want(t, args("id new alice"), exitOK, "", "")
	want(t, args("id new bob"), exitOK, "", "")
	crt := filepath.Join(dataDir(t), "identities", "bob.crt")
	os.WriteFile(crt, []byte("not PEM\n"), 0o644)
	out := want(t, args("id list"), exitFailure, "alice", "bob.crt")
	if strings.Contains(out, "bob") {
		t.Errorf("id list shows the broken identity:\n%s", out)
	}
	want(t, args("id show bob"), exitFailure, "", "bob.crt")
	if got, _ := os.ReadFile(crt); string(got) != "not PEM\n" {
		t.Errorf("broken file changed: %q", got)
	}
}
