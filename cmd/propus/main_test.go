package main

import (
	"bytes"
	"crypto/x509"
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"propus/client"
	"propus/client/identity"
	"propus/testserver"
	"propus/tofu"
)

// server is a testserver whose handler answers each request line with
// the raw reply handle returns ("hang" waits two seconds and sends nothing),
// and records the client certificate of every request.
type server struct {
	*testserver.TestServer
	mu      sync.Mutex
	clients []*x509.Certificate // the client certificate of each request, or nil
}

func newServer(t *testing.T, handle func(req string) string) *server {
	t.Helper()
	s := &server{}
	s.TestServer = testserver.NewServer(t, testserver.HandlerFunc(func(w testserver.ResponseWriter, r *testserver.Request) {
		s.mu.Lock()
		s.clients = append(s.clients, r.Certificate)
		s.mu.Unlock()
		reply := handle(r.RawURL)
		if reply == "hang" {
			time.Sleep(2 * time.Second)
			return
		}
		testserver.Raw(reply).ServeGemini(w, r)
	}))
	return s
}

func (s *server) url(path string) string { return s.URLFor(path) }

// propus runs the command line with a fresh data directory unless one is
// set, and returns exit code, stdout and stderr.
func propus(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	if os.Getenv("XDG_DATA_HOME") == "" || !strings.HasPrefix(os.Getenv("XDG_DATA_HOME"), os.TempDir()) {
		t.Setenv("XDG_DATA_HOME", t.TempDir())
	}
	var stdout, stderr bytes.Buffer
	code := run(args, strings.NewReader(""), &stdout, &stderr)
	return code, stdout.String(), stderr.String()
}

func TestHelpAndVersion(t *testing.T) {
	for _, args := range [][]string{{"--help"}, {"-h"}, {"fetch", "--help"}, {"fetch", "-h"}, {"serve", "--help"}} {
		code, out, _ := propus(t, args...)
		if code != 0 || !strings.Contains(out, "Usage") {
			t.Errorf("propus %v: exit %d, stdout %q", args, code, out)
		}
	}
	if code, out, _ := propus(t, "fetch", "--help"); code != 0 || !strings.Contains(out, "--json") || !strings.Contains(out, "Exit codes") {
		t.Errorf("fetch --help does not document its flags and exit codes: %q", out)
	}
	for _, args := range [][]string{{"--version"}, {"-v"}, {"fetch", "--version"}} {
		if code, out, _ := propus(t, args...); code != 0 || !strings.HasPrefix(out, "propus ") {
			t.Errorf("propus %v: exit %d, %q", args, code, out)
		}
	}
	if code, _, errOut := propus(t, "--redirects", "sometimes"); code != exitUsage || !strings.Contains(errOut, "auto, ask or never") {
		t.Errorf("bad --redirects: exit %d, %q", code, errOut)
	}
	if code, _, errOut := propus(t, "--bogus"); code != exitUsage || !strings.Contains(errOut, "not defined: -bogus") {
		t.Errorf("unknown flag: exit %d, %q", code, errOut)
	}
	if code, _, errOut := propus(t, "fetch", "--bogus", "x"); code != exitUsage || !strings.Contains(errOut, "bogus") {
		t.Errorf("fetch with an unknown flag: exit %d, %q", code, errOut)
	}
}

func TestFetch(t *testing.T) {
	body := "# Title\r\n\x1b[31mred\x1b[0m \xff binary\x00\r\n"
	s := newServer(t, func(req string) string {
		switch {
		case strings.HasSuffix(req, "/missing"):
			return "51 Not here\r\n"
		case strings.Contains(req, "/search?"):
			return "20 text/plain\r\nyou said " + req[strings.Index(req, "?")+1:]
		case strings.HasSuffix(req, "/search"):
			return "10 Search for?\r\n"
		case strings.HasSuffix(req, "/old"):
			return "31 /search\r\n"
		case strings.HasSuffix(req, "/away"):
			return "30 gemini://elsewhere.example/\r\n"
		case strings.HasSuffix(req, "/slow"):
			return "hang"
		case strings.HasSuffix(req, "/big"):
			return "20 text/plain\r\n" + strings.Repeat("x", 2000)
		}
		return "20 text/gemini; lang=en\r\n" + body
	})

	code, out, errOut := propus(t, "fetch", s.url("/"))
	if code != 0 || out != body || !strings.Contains(errOut, "20 SUCCESS text/gemini; lang=en") {
		t.Errorf("fetch: exit %d, stdout %q, stderr %q", code, out, errOut)
	}
	code, out, _ = propus(t, "fetch", "--json", s.url("/"))
	var res map[string]any
	if err := json.Unmarshal([]byte(out), &res); err != nil || code != 0 || res["success"] != true ||
		res["status"] != 20.0 || res["meta"] != "text/gemini; lang=en" || !strings.HasPrefix(res["body"].(string), "# Title") {
		t.Errorf("--json: exit %d, %s", code, out)
	}
	if !strings.HasPrefix(out, `{"success":true,"status":20,"meta":`) {
		t.Errorf("--json key order: %s", out)
	}

	tests := []struct {
		args []string
		code int
		out  string // substring of stdout
		err  string // substring of stderr
	}{
		{[]string{s.url("/missing")}, 5, "", "51 NOT FOUND Not here"},
		{[]string{s.url("/search")}, 1, "", "10 INPUT Search for?"},
		{[]string{"--input", "a b&c", s.url("/search")}, 0, "you said a%20b%26c", ""},
		{[]string{s.url("/old")}, 3, "", "31 REDIRECT - PERMANENT /search"},
		{[]string{"--follow", "--input", "x", s.url("/old")}, 0, "you said x", ""},
		{[]string{"--follow", s.url("/away")}, 3, "", "not following a redirect to another host"},
		{[]string{"--timeout", "300", s.url("/slow")}, exitError, "", "Connection timeout"},
		{[]string{"--json", "--timeout", "300", s.url("/slow")}, exitError, `{"success":false,"error":"Connection timeout"}`, ""},
		{[]string{"--max-size", "1000", s.url("/big")}, exitError, "", "Response too large (max 1000 bytes)"},
		{[]string{"--max-size", "0", s.url("/big")}, 0, strings.Repeat("x", 2000), ""},
		{[]string{}, exitUsage, "", "URL is required"},
		{[]string{"--json"}, exitUsage, `{"success":false,"error":"URL is required"}`, ""},
		{[]string{"gemini://user@localhost/"}, exitUsage, "", "userinfo"},
		{[]string{"--identity", "nobody", s.url("/")}, exitFailure, "", "nobody"},
	}
	for _, tt := range tests {
		code, out, errOut := propus(t, append([]string{"fetch"}, tt.args...)...)
		if code != tt.code || !strings.Contains(out, tt.out) || !strings.Contains(errOut, tt.err) {
			t.Errorf("fetch %q: exit %d (want %d), stdout %.80q, stderr %q", tt.args, code, tt.code, out, errOut)
		}
	}
}

func TestFetchOutputFile(t *testing.T) {
	s := newServer(t, func(string) string { return "20 application/octet-stream\r\n\x00\x01\x02" })
	out := filepath.Join(t.TempDir(), "file.bin")
	if code, stdout, errOut := propus(t, "fetch", "-o", out, s.url("/f")); code != 0 || stdout != "" {
		t.Fatalf("exit %d, %q %q", code, stdout, errOut)
	}
	if b, err := os.ReadFile(out); err != nil || string(b) != "\x00\x01\x02" {
		t.Errorf("file holds %q, %v", b, err)
	}
}

func TestFetchTOFU(t *testing.T) {
	data := t.TempDir()
	t.Setenv("XDG_DATA_HOME", data)
	s := newServer(t, func(string) string { return "20 text/plain\r\nhi" })
	if code, _, errOut := propus(t, "fetch", s.url("/")); code != 0 {
		t.Fatalf("first fetch: %d %s", code, errOut)
	}
	store, err := tofu.Open(filepath.Join(data, "propus", "known_hosts"))
	if err != nil {
		t.Fatal(err)
	}
	pinned, ok := store.Lookup("localhost:" + strconv.Itoa(s.Port))
	if !ok {
		t.Fatal("the first fetch did not pin the certificate")
	}
	s.RotateCertificate()
	code, out, errOut := propus(t, "fetch", s.url("/"))
	if code != exitCertChanged || out != "" || !strings.Contains(errOut, pinned.Fingerprint) {
		t.Errorf("changed certificate: exit %d, stdout %q, stderr %q (want both fingerprints)", code, out, errOut)
	}
	if forget := "propus hosts forget localhost:" + strconv.Itoa(s.Port); !strings.Contains(errOut, forget) {
		t.Errorf("changed certificate: stderr %q does not suggest %q", errOut, forget)
	}
	s.mu.Lock()
	n := len(s.clients)
	s.mu.Unlock()
	if n != 1 {
		t.Errorf("the server received %d requests, want 1: the second must not be sent", n)
	}
}

// storedIdentity makes an identity called name in a fresh data directory
// ($XDG_DATA_HOME, set for the test), as propus id new would.
func storedIdentity(t *testing.T, name string) {
	t.Helper()
	data := t.TempDir()
	t.Setenv("XDG_DATA_HOME", data)
	id, err := identity.Create(name, identity.ECDSAP256, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	if err := (identity.Store{Dir: filepath.Join(data, "propus", "identities")}).Add(id); err != nil {
		t.Fatal(err)
	}
}

func TestFetchIdentity(t *testing.T) {
	storedIdentity(t, "alice")
	s := newServer(t, func(string) string { return "20 text/plain\r\nhello" })
	if code, _, errOut := propus(t, "fetch", "--identity", "alice", s.url("/")); code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.clients) != 1 || s.clients[0] == nil || s.clients[0].Subject.CommonName != "alice" {
		t.Errorf("the server saw client certificates %v", s.clients)
	}
}

// On a terminal a declared charset is decoded and a body that is not text
// is not written (stderr says its type and size, and how to save it); a
// pipe gets the bytes as received.
func TestFetchToTerminal(t *testing.T) {
	s := newServer(t, func(req string) string {
		if strings.HasSuffix(req, "/png") {
			return "20 image/png\r\n\x89PNG\r\n\x1a\n" + strings.Repeat("\x00", 2000)
		}
		return "20 text/gemini; charset=iso-8859-1\r\n# Caf\xe9\r\n"
	})
	get := func(path string, tty bool) (string, string) {
		u, err := client.ParseURL(s.url(path))
		if err != nil {
			t.Fatal(err)
		}
		resp, err := (&client.Client{}).Do(t.Context(), &client.Request{URL: u})
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var out, errOut bytes.Buffer
		if err := writeBody(resp, "", &out, tty, &errOut); err != nil {
			t.Fatal(err)
		}
		return out.String(), errOut.String()
	}
	if out, _ := get("/", true); out != "# Café\n" {
		t.Errorf("a Latin-1 page on a terminal: %q", out)
	}
	if out, _ := get("/", false); out != "# Caf\xe9\r\n" {
		t.Errorf("a Latin-1 page to a pipe: %q", out)
	}
	out, errOut := get("/png", true)
	if out != "" || !strings.Contains(errOut, "not written to the terminal: image/png, 2.0 KiB; save it with -o FILE") {
		t.Errorf("a PNG on a terminal: stdout %q, stderr %q", out, errOut)
	}
}

// A redirect that fails under --follow is a protocol error (7), not a
// usage error; -o files get the mode downloads get.
func TestFetchFollowFailsAndFileMode(t *testing.T) {
	s := newServer(t, func(req string) string {
		switch {
		case strings.HasSuffix(req, "/loop"):
			return "30 /loop\r\n"
		case strings.HasSuffix(req, "/empty"):
			return "30 \r\n"
		}
		return "20 application/octet-stream\r\nbytes"
	})
	for _, path := range []string{"/loop", "/empty"} {
		if code, _, errOut := propus(t, "fetch", "--follow", s.url(path)); code != exitError {
			t.Errorf("--follow %s: exit %d (want %d), %q", path, code, exitError, errOut)
		}
	}
	old := syscall.Umask(0o022)
	defer syscall.Umask(old)
	out := filepath.Join(t.TempDir(), "file.bin")
	if code, _, errOut := propus(t, "fetch", "-o", out, s.url("/f")); code != 0 {
		t.Fatalf("exit %d, %q", code, errOut)
	}
	if st, err := os.Stat(out); err != nil || st.Mode().Perm() != 0o644 {
		t.Errorf("-o made %v, %v; want mode 0644 as downloads", st.Mode(), err)
	}
}
