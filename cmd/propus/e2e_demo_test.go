package main

import (
	"crypto/x509"
	"encoding/pem"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"propus/client/identity"
)

// The demo's end-to-end test: propus demo driven in tmux as a newcomer
// would, across runs that share their directories. A page is bookmarked,
// propus quits, and the second run brings back the session (the page, its
// back list) and the bookmark; then an identity is made in the members
// area. A third run with --no-restore opens on the home page. The tmux
// helpers are e2e_test.go's.

// The demo's texts the test waits for.
const (
	demoHomeTitle    = "Welcome to the propus demo capsule"
	demoUnicodeLabel = "Unicode: CJK, emoji, right-to-left" // the home page's link to unicode.gmi
	demoUnicodeTitle = "Unicode"                            // its title, the bookmark's name
	demoUnicodeText  = "CJK (each character is two columns wide)"
	demoMembersLabel = "Members area: needs an identity (60)"
)

func TestEndToEndDemo(t *testing.T) {
	needTmux(t)
	start := time.Now()
	bin := buildPropus(t)
	t.Logf("built propus in %v", time.Since(start).Round(time.Millisecond))

	// Both runs use the same port: the restored session's URLs name it,
	// and known hosts are pinned per host and port. A free one, so that
	// tests running at once never collide.
	port := freePort(t)
	portArg := strconv.Itoa(port)
	base := "gemini://localhost:" + portArg + "/"
	unicode := base + "unicode.gmi"

	// The first run: bookmark the Unicode page and quit there.
	runStart := time.Now()
	s := startTmux(t, bin, 100, 30, nil, "demo", "--port", portArg)
	dataHome := s.dataHome
	sc := s.waitFor("the demo's home page, "+base+" in the top bar, \"First visit\" in the status line", func(sc screen) bool {
		return sc.contains(demoHomeTitle) && sc.contains("] "+demoMembersLabel) && sc.bar() == base &&
			strings.HasPrefix(sc.status(), "First visit to localhost:"+portArg+": certificate pinned")
	})
	s.follow(sc, demoUnicodeLabel)
	s.waitFor("the Unicode page, "+unicode+" in the top bar", func(sc screen) bool {
		return sc.contains(demoUnicodeText) && sc.bar() == unicode && !sc.contains(demoHomeTitle)
	})
	s.send("B")
	s.waitFor("the bookmark dialog after B: the page's address and its title", func(sc screen) bool {
		return sc.contains("Bookmark this page") && sc.hasRow(unicode) && sc.hasRow("Title  "+demoUnicodeTitle) &&
			sc.contains("enter save")
	})
	s.send("Enter")
	s.waitFor("\"Bookmarked: "+demoUnicodeTitle+"\" in the status line after Enter, the dialog gone", func(sc screen) bool {
		return sc.status() != "" && strings.HasPrefix(sc.status(), "Bookmarked: "+demoUnicodeTitle) &&
			!sc.contains("Bookmark this page") && sc.bar() == unicode
	})
	s.quit()
	marks, err := os.ReadFile(filepath.Join(dataHome, "propus", "bookmarks.xml"))
	if err != nil || !strings.Contains(string(marks), unicode) || !strings.Contains(string(marks), demoUnicodeTitle) {
		t.Errorf("after the first run, bookmarks.xml does not hold %s titled %s (%v):\n%s", unicode, demoUnicodeTitle, err, marks)
	}
	t.Logf("first run took %v", time.Since(runStart).Round(time.Millisecond))

	// The second run, in the same directories: the Unicode page comes
	// back, not the home page, from a certificate already trusted.
	runStart = time.Now()
	s = startTmux(t, bin, 100, 30, sameDirs(dataHome), "demo", "--port", portArg)
	s.dataHome = dataHome
	s.waitFor("the Unicode page restored, "+unicode+" in the top bar, its certificate already pinned", func(sc screen) bool {
		return sc.contains(demoUnicodeText) && sc.bar() == unicode && !sc.contains(demoHomeTitle) &&
			strings.Contains(sc.status(), "pinned ✓") && !strings.Contains(sc.status(), "First visit")
	})

	// The bookmark is listed on about:bookmarks.
	s.send("o")
	s.waitFor("the open prompt after o", func(sc screen) bool { return strings.HasPrefix(sc.status(), "Open:") })
	s.typeText("about:bookmarks")
	s.waitFor("the open prompt holding about:bookmarks", func(sc screen) bool {
		return strings.HasPrefix(sc.status(), "Open:") && strings.Contains(sc.status(), "about:bookmarks")
	})
	s.send("Enter")
	s.waitFor("about:bookmarks listing "+demoUnicodeTitle, func(sc screen) bool {
		return sc.bar() == "about:bookmarks" && sc.hasRow("# Bookmarks") && sc.hasRow("[1] "+demoUnicodeTitle) &&
			sc.hasRow("[2] Edit "+demoUnicodeTitle) && sc.hasRow("[3] Remove "+demoUnicodeTitle)
	})

	// Back twice: the Unicode page, then the home page from the restored
	// back list.
	s.send("H")
	s.waitFor("the Unicode page after H", func(sc screen) bool {
		return sc.contains(demoUnicodeText) && sc.bar() == unicode
	})
	s.send("H")
	sc = s.waitFor("the home page after H again (the restored back list), "+base+" in the top bar", func(sc screen) bool {
		return sc.contains(demoHomeTitle) && sc.contains("] "+demoMembersLabel) && sc.bar() == base
	})
	demoIdentity(t, s, sc, base+"members/")
	s.quit()
	checkIdentityFiles(t, dataHome)
	t.Logf("second run took %v", time.Since(runStart).Round(time.Millisecond))

	// With --no-restore the demo opens on its home page, the session
	// notwithstanding.
	runStart = time.Now()
	s = startTmux(t, bin, 100, 30, sameDirs(dataHome), "demo", "--port", portArg, "--no-restore")
	s.dataHome = dataHome
	s.waitFor("the home page with --no-restore, "+base+" in the top bar", func(sc screen) bool {
		return sc.contains(demoHomeTitle) && sc.contains("] "+demoMembersLabel) && sc.bar() == base
	})

	// The gemlog: S subscribes, F lists its posts on about:feeds.
	s.send("G")
	sc = s.waitFor("the end of the home page", func(sc screen) bool { return sc.contains("] A gemlog to subscribe to") })
	s.follow(sc, "A gemlog to subscribe to")
	s.waitFor("the gemlog", func(sc screen) bool { return sc.bar() == base+"gemlog/" && sc.contains("2026-03-01 Third post") })
	s.send("S")
	s.waitFor("the subscription confirmed", func(sc screen) bool {
		return strings.Contains(sc.status(), "Subscribed to The propus demo gemlog (3 entries)")
	})
	s.send("F")
	s.waitFor("about:feeds listing the three posts", func(sc screen) bool {
		return sc.bar() == "about:feeds" && sc.contains("New: 3 entries") && sc.contains("Third post: feeds — The propus demo gemlog")
	})
	s.quit()
	if b, err := os.ReadFile(filepath.Join(dataHome, "propus", "feeds")); err != nil || !strings.Contains(string(b), base+"gemlog/") {
		t.Errorf("the feeds file after subscribing: %q (%v)", b, err)
	}
	t.Logf("third run (--no-restore) took %v", time.Since(runStart).Round(time.Millisecond))

	// The demo keeps its own session, apart from propus's.
	if _, err := os.Stat(filepath.Join(dataHome, "propus", "demo-session")); err != nil {
		t.Errorf("no demo-session after the demo: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dataHome, "propus", "session")); !os.IsNotExist(err) {
		t.Errorf("the demo wrote propus's own session (%v)", err)
	}

	// The certificate kept in the data directory was pinned once, by the
	// first run, and trusted by the others.
	kh, err := os.ReadFile(filepath.Join(dataHome, "propus", "known_hosts"))
	if err != nil {
		t.Errorf("no known_hosts in $XDG_DATA_HOME/propus after the demo: %v", err)
	} else if n := strings.Count(string(kh), "localhost:"+portArg+" SHA256:"); n != 1 {
		t.Errorf("known_hosts pins localhost:%d %d times, want once:\n%s", port, n, kh)
	}
	t.Logf("end-to-end demo test took %v", time.Since(start).Round(time.Millisecond))
}

// demoIdentity follows the home page's link to the members area (60),
// creates the identity convName in the dialog and checks that the page
// greets it and shows its certificate's fingerprint.
func demoIdentity(t *testing.T, s *tmuxSession, home screen, members string) {
	s.follow(home, demoMembersLabel)
	s.waitFor("the identity picker: no identity yet, \"+ Create a new identity\", "+members+" in the top bar", func(sc screen) bool {
		return sc.contains("This page asks for an identity (a client certificate)") && sc.contains("You have no identity yet.") &&
			sc.contains("+ Create a new identity") && sc.contains("n new") && sc.bar() == members
	})
	s.send("n")
	s.waitFor("the new-identity form after n: an empty name, used on this path and below", func(sc screen) bool {
		return sc.contains("New identity:") && sc.contains("Name      e.g. ") &&
			sc.contains("Use on    ‹ this path and below ›") && sc.contains("enter create")
	})
	s.typeText(convName)
	s.waitFor("the form's name holding "+convName, func(sc screen) bool {
		return sc.contains("Name      "+convName) && !sc.contains("e.g. ")
	})
	s.send("Enter")
	sc := s.waitFor("the members page greeting "+convName+", \"id: "+convName+"\" in the status line", func(sc screen) bool {
		return sc.contains("# Members area") && sc.contains("Welcome, "+convName+"!") && sc.bar() == members &&
			!sc.contains("New identity:") && strings.Contains(sc.status(), "id: "+convName)
	})

	// The fingerprint shown is the new certificate's.
	crt := filepath.Join(s.dataHome, "propus", "identities", convName+".crt")
	if b, err := os.ReadFile(crt); err != nil {
		t.Errorf("the new identity's certificate: %v", err)
	} else if block, _ := pem.Decode(b); block == nil {
		t.Errorf("%s holds no PEM block", crt)
	} else if cert, err := x509.ParseCertificate(block.Bytes); err != nil {
		t.Errorf("%s: %v", crt, err)
	} else if fp := identity.CertificateHash(cert); !sc.hasRow(fp) {
		t.Errorf("the members page does not show the fingerprint of %s, %s:\n%s", crt, fp, sc)
	}

	// The scope chosen is written on its own: wait for it before quitting.
	scopes := filepath.Join(s.dataHome, "propus", "identities", "scopes")
	deadline := time.Now().Add(e2eTimeout)
	for {
		b, err := os.ReadFile(scopes)
		if err == nil && strings.Contains(string(b), members+" "+convName) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("waited %v for %s to name %s for %s; it holds %q (%v)", e2eTimeout, scopes, convName, members, b, err)
		}
		time.Sleep(e2ePoll)
	}
}

// follow types the number of the link labelled label on sc. The browser
// follows it at once when no further digit could name a link; else it
// waits, "Follow link N_" in the status line, for Enter.
func (s *tmuxSession) follow(sc screen, label string) {
	s.t.Helper()
	m := regexp.MustCompile(`\[(\d+)\] ` + regexp.QuoteMeta(label)).FindStringSubmatch(strings.Join(sc.rows, "\n"))
	if m == nil {
		s.t.Fatalf("no link %q on the screen:\n%s", label, sc)
	}
	from := sc.bar()
	s.typeText(m[1])
	after := s.waitFor("link "+m[1]+" followed, or \"Follow link "+m[1]+"_\" in the status line, after typing "+m[1], func(sc screen) bool {
		return sc.bar() != from || strings.HasPrefix(sc.status(), "Follow link "+m[1]+"_")
	})
	if after.bar() == from {
		s.send("Enter")
	}
}

// freePort returns a TCP port free on 127.0.0.1 a moment ago.
func freePort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

// sameDirs is the environment that points a second startTmux at the
// directories of the session whose $XDG_DATA_HOME is dataHome: startTmux
// lays them out side by side, and what extra sets comes last and wins.
func sameDirs(dataHome string) []string {
	dir := filepath.Dir(dataHome)
	return []string{
		"HOME=" + filepath.Join(dir, "home"),
		"XDG_DATA_HOME=" + dataHome,
		"XDG_CONFIG_HOME=" + filepath.Join(dir, "config"),
		"XDG_CACHE_HOME=" + filepath.Join(dir, "cache"),
		"XDG_STATE_HOME=" + filepath.Join(dir, "state"),
		"XDG_DOWNLOAD_DIR=" + filepath.Join(dir, "downloads"),
	}
}
