package testserver

import (
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"propus/client/identity"
)

// titanSetup is a test server with Titan uploads into a temporary
// directory, which it also serves over gemini.
type titanSetup struct {
	ts      *TestServer
	dir     string
	records chan TitanRecord
}

// newTitanServer starts a server whose TitanHandler is tn (its Dir set to
// a new temporary directory, its Log to a channel of 100 records) for
// localhost only,
// with the given read timeout (0: the default).
func newTitanServer(t *testing.T, tn *Titan, readTimeout time.Duration) *titanSetup {
	t.Helper()
	s := &titanSetup{dir: t.TempDir(), records: make(chan TitanRecord, 100)}
	tn.Dir = s.dir
	tn.Log = func(r TitanRecord) { s.records <- r }
	s.ts = NewUnstartedServer(t, &FileServer{Root: s.dir})
	s.ts.Server.ReadTimeout = readTimeout
	s.ts.Server.TitanHandler = SingleHost("localhost", s.ts.Port, tn)
	s.ts.Start()
	return s
}

// url returns the titan URL of path with params on the server.
func (s *titanSetup) url(path, params string) string {
	return fmt.Sprintf("titan://localhost:%d%s;%s", s.ts.Port, path, params)
}

// record waits for the next record Titan logs.
func (s *titanSetup) record(t *testing.T) TitanRecord {
	t.Helper()
	select {
	case r := <-s.records:
		return r
	case <-time.After(10 * time.Second):
		t.Fatal("Titan logged nothing")
		return TitanRecord{}
	}
}

// titanRequest is a raw titan exchange.
type titanRequest struct {
	line       string           // without CRLF
	body       string           // sent after the line
	cert       *tls.Certificate // the client certificate, if any
	closeWrite bool             // end the stream (close_notify) after the body
	hangUp     bool             // close the connection after the body, reading nothing
}

// titanExchange dials addr over TLS with SNI localhost, writes the
// request line and body, and returns the reply ("" after hangUp). The
// reply is read while the body is written, since the server may answer
// first.
func titanExchange(t *testing.T, addr string, req titanRequest) string {
	t.Helper()
	cfg := &tls.Config{InsecureSkipVerify: true, ServerName: "localhost"}
	if req.cert != nil {
		cfg.Certificates = []tls.Certificate{*req.cert}
	}
	tc, err := tls.DialWithDialer(&net.Dialer{Timeout: 5 * time.Second}, "tcp", addr, cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer tc.Close()
	tc.SetDeadline(time.Now().Add(10 * time.Second))
	written := make(chan error, 1)
	go func() {
		_, err := io.WriteString(tc, req.line+"\r\n"+req.body)
		if err == nil && req.closeWrite {
			err = tc.CloseWrite()
		}
		written <- err
	}()
	if req.hangUp {
		if err := <-written; err != nil {
			t.Fatal(err)
		}
		return ""
	}
	reply, err := io.ReadAll(tc)
	if err != nil && len(reply) == 0 {
		t.Fatalf("%q: %v", req.line, err)
	}
	<-written // an error is fine: the server may refuse before the body
	return string(reply)
}

// upload sends a titan request for path with params and body, and
// returns the reply and what Titan logged.
func (s *titanSetup) upload(t *testing.T, path, params, body string) (string, TitanRecord) {
	t.Helper()
	reply := titanExchange(t, s.ts.Addr, titanRequest{line: s.url(path, params), body: body})
	return reply, s.record(t)
}

// files lists every name under dir, hidden ones too, with a "/" after
// directories.
func files(t *testing.T, dir string) []string {
	t.Helper()
	var names []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || p == dir {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		if d.IsDir() {
			rel += "/"
		}
		names = append(names, filepath.ToSlash(rel))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return names
}

func TestTitanUploadOverwriteDelete(t *testing.T) {
	s := newTitanServer(t, &Titan{Tokens: []string{"other", "secret"}}, 0)
	want := fmt.Sprintf("30 gemini://localhost:%d/notes/2026/a.gmi\r\n", s.ts.Port)

	reply, rec := s.upload(t, "/notes/2026/a.gmi", "size=7;token=secret", "# Hello")
	if reply != want {
		t.Fatalf("upload: %q, want %q", reply, want)
	}
	if rec.Who != "token#2" || rec.Path != "/notes/2026/a.gmi" || rec.Size != 7 || rec.Received != 7 || rec.MIME != "text/gemini" || rec.Status != 30 {
		t.Errorf("record: %+v", rec)
	}
	file := filepath.Join(s.dir, "notes", "2026", "a.gmi")
	info, err := os.Stat(file)
	if err != nil || info.Mode().Perm() != 0o644 {
		t.Fatalf("the file: %v %v", info, err)
	}
	resp, err := s.ts.Client().Get(t.Context(), s.ts.URLFor("/notes/2026/a.gmi"))
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.Status != 20 || string(body) != "# Hello" {
		t.Errorf("served back: %d %q", resp.Status, body)
	}

	if reply, rec = s.upload(t, "/notes/2026/a.gmi", "mime=text%2Fplain;size=3;token=secret", "new"); reply != want || rec.MIME != "text/plain" {
		t.Fatalf("overwrite: %q %+v", reply, rec)
	}
	if got, _ := os.ReadFile(file); string(got) != "new" {
		t.Errorf("after the overwrite: %q", got)
	}

	reply, _ = s.upload(t, "/notes/2026/a.gmi", "size=0;token=secret", "")
	if want := fmt.Sprintf("30 gemini://localhost:%d/notes/2026/\r\n", s.ts.Port); reply != want {
		t.Errorf("delete: %q, want %q", reply, want)
	}
	if _, err := os.Stat(file); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("the deleted file: %v", err)
	}
	if reply, _ = s.upload(t, "/notes/2026/a.gmi", "size=0;token=secret", ""); reply != "51 Not found\r\n" {
		t.Errorf("deleting again: %q", reply)
	}
	if reply, _ = s.upload(t, "/top.gmi", "token=secret;size=0", ""); reply != "51 Not found\r\n" {
		t.Errorf("deleting a missing top-level file: %q", reply)
	}
	if got := files(t, s.dir); !slices.Equal(got, []string{"notes/", "notes/2026/"}) {
		t.Errorf("left behind: %q", got)
	}
}

func TestTitanDeleteAnswersParent(t *testing.T) {
	s := newTitanServer(t, &Titan{Tokens: []string{"secret"}}, 0)
	os.WriteFile(filepath.Join(s.dir, "top.gmi"), []byte("x"), 0o644)
	reply, _ := s.upload(t, "/top.gmi", "size=0;token=secret", "")
	if want := fmt.Sprintf("30 gemini://localhost:%d/\r\n", s.ts.Port); reply != want {
		t.Errorf("delete: %q, want %q", reply, want)
	}
}

func TestTitanTooBig(t *testing.T) {
	s := newTitanServer(t, &Titan{Tokens: []string{"secret"}, MaxSize: 10}, 0)
	// No body is sent: the answer must come without one.
	reply, rec := s.upload(t, "/big.bin", "size=11;token=secret", "")
	if reply != "59 Upload too large: 11 bytes; the limit is 10 bytes\r\n" || rec.Received != 0 {
		t.Errorf("too big: %q %+v", reply, rec)
	}
	if reply, _ = s.upload(t, "/ok.bin", "size=10;token=secret", "0123456789"); !strings.HasPrefix(reply, "30 ") {
		t.Errorf("at the limit: %q", reply)
	}
	if got := files(t, s.dir); !slices.Equal(got, []string{"ok.bin"}) {
		t.Errorf("files: %q", got)
	}
}

func TestTitanDefaultMaxSize(t *testing.T) {
	s := newTitanServer(t, &Titan{Tokens: []string{"secret"}}, 0)
	reply, _ := s.upload(t, "/big.bin", fmt.Sprintf("size=%d;token=secret", DefaultTitanMaxSize+1), "")
	if want := fmt.Sprintf("59 Upload too large: %d bytes; the limit is %d bytes\r\n", DefaultTitanMaxSize+1, DefaultTitanMaxSize); reply != want {
		t.Errorf("%q, want %q", reply, want)
	}
}

// TestTitanCutShort: a body that ends early, a client that hangs up and
// one too slow for the read timeout all leave nothing behind: no file, no
// temporary file, no directory made for it.
func TestTitanCutShort(t *testing.T) {
	s := newTitanServer(t, &Titan{Tokens: []string{"secret"}}, time.Second)
	s.ts.Server.MinWriteRate = 1 << 30 // no time earned by the bytes sent
	os.WriteFile(filepath.Join(s.dir, "keep.gmi"), []byte("old"), 0o644)
	for _, tt := range []struct {
		name string
		req  titanRequest
	}{
		{"short body", titanRequest{line: s.url("/new/dir/a.gmi", "size=10;token=secret"), body: "abc", closeWrite: true}},
		{"hang-up", titanRequest{line: s.url("/new/dir/a.gmi", "size=10;token=secret"), body: "abc", hangUp: true}},
		{"slow", titanRequest{line: s.url("/new/dir/a.gmi", "size=10;token=secret"), body: "abc"}},
		{"slow overwrite", titanRequest{line: s.url("/keep.gmi", "size=10;token=secret"), body: "abc"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			reply := titanExchange(t, s.ts.Addr, tt.req)
			rec := s.record(t)
			if !tt.req.hangUp && reply != "59 Upload incomplete: received 3 of 10 bytes\r\n" {
				t.Errorf("reply: %q", reply)
			}
			if rec.Status != 59 || rec.Received != 3 || rec.Err == nil {
				t.Errorf("record: %+v", rec)
			}
			if strings.HasPrefix(tt.name, "slow") && !errors.Is(rec.Err, os.ErrDeadlineExceeded) {
				t.Errorf("not cut at the deadline: %v", rec.Err)
			}
			if got := files(t, s.dir); !slices.Equal(got, []string{"keep.gmi"}) {
				t.Errorf("left behind: %q", got)
			}
			if got, _ := os.ReadFile(filepath.Join(s.dir, "keep.gmi")); string(got) != "old" {
				t.Errorf("keep.gmi: %q", got)
			}
		})
	}
}

func TestTitanPaths(t *testing.T) {
	s := newTitanServer(t, &Titan{Tokens: []string{"secret"}}, 0)
	outside := t.TempDir()
	for _, d := range []string{"cgi-bin", "dir", ".git", "pub"} {
		os.Mkdir(filepath.Join(s.dir, d), 0o755)
	}
	for link, target := range map[string]string{
		"out":     outside,
		"rel-out": filepath.Join("..", filepath.Base(outside)),
		"scripts": "cgi-bin",
		"secrets": ".git",
		"pub/up":  "../cgi-bin",
	} {
		if err := os.Symlink(target, filepath.Join(s.dir, link)); err != nil {
			t.Skipf("no symbolic links here: %v", err)
		}
	}
	before := files(t, s.dir)
	for _, tt := range []struct {
		path, want string
	}{
		{"/../x.gmi", "59 Invalid URL: dot segments are not allowed"},
		{"/%2e%2e/x.gmi", "59 Invalid URL: dot segments are not allowed"},
		{"/dir/%2E%2E/%2e%2e/x.gmi", "59 Invalid URL: dot segments are not allowed"},
		{"/..%2fx.gmi", "59 Invalid URL: an encoded slash or backslash in the path"},
		{"/dir%2Fx.gmi", "59 Invalid URL: an encoded slash or backslash in the path"},
		{"/dir%5cx.gmi", "59 Invalid URL: an encoded slash or backslash in the path"},
		{"/.hidden", "50 Uploads to hidden names are not allowed"},
		{"/.git/config", "50 Uploads to hidden names are not allowed"},
		{"/dir/.env", "50 Uploads to hidden names are not allowed"},
		{"/new/.d/x.gmi", "50 Uploads to hidden names are not allowed"},
		{"/cgi-bin/x.sh", "50 Uploads to the CGI directory are not allowed"},
		{"/CGI-BIN/x.sh", "50 Uploads to the CGI directory are not allowed"},
		{"/cgi-bin", "50 Uploads to the CGI directory are not allowed"},
		{"/scripts/x.sh", "50 Uploads to the CGI directory are not allowed"},
		{"/pub/up/x.sh", "50 Uploads to the CGI directory are not allowed"},
		{"/secrets/config", "50 Uploads to hidden names are not allowed"},
		{"/out/x.gmi", "50 Uploads through a link that leaves the directory are not allowed"},
		{"/rel-out/x.gmi", "50 Uploads through a link that leaves the directory are not allowed"},
		{"/out/new/x.gmi", "50 Uploads through a link that leaves the directory are not allowed"},
		{"/dir/", "59 Cannot upload to a directory (the path ends in /)"},
		{"/", "59 Cannot upload to a directory (the path ends in /)"},
		{"/dir", "50 Cannot replace or delete a directory"},
	} {
		for _, size := range []string{"3", "0"} {
			// Requests refused by the parser reach no Titan and leave
			// no record.
			line := s.url(tt.path, "size="+size+";token=secret")
			if reply := titanExchange(t, s.ts.Addr, titanRequest{line: line, body: "abc"}); reply != tt.want+"\r\n" {
				t.Errorf("%s (size %s): %q, want %q", tt.path, size, reply, tt.want)
			}
		}
	}
	if got := files(t, s.dir); !slices.Equal(got, before) {
		t.Errorf("the directory changed: %q, was %q", got, before)
	}
	if got := files(t, outside); len(got) > 0 {
		t.Errorf("written outside: %q", got)
	}
	// A link that stays inside, to a visible directory, is followed.
	os.Symlink("dir", filepath.Join(s.dir, "alias"))
	if reply, _ := s.upload(t, "/alias/x.gmi", "size=3;token=secret", "abc"); !strings.HasPrefix(reply, "30 ") {
		t.Errorf("through an inner link: %q", reply)
	}
	if got, _ := os.ReadFile(filepath.Join(s.dir, "dir", "x.gmi")); string(got) != "abc" {
		t.Errorf("through an inner link: %q", got)
	}
}

func TestTitanAParentIsAFile(t *testing.T) {
	s := newTitanServer(t, &Titan{Tokens: []string{"secret"}}, 0)
	os.WriteFile(filepath.Join(s.dir, "a.gmi"), []byte("x"), 0o644)
	if reply, _ := s.upload(t, "/a.gmi/b.gmi", "size=3;token=secret", "abc"); reply != "50 A parent of the path is not a directory\r\n" {
		t.Errorf("%q", reply)
	}
}

func TestTitanCredentials(t *testing.T) {
	alice, err := GenerateCertificate([]string{"alice"}, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	bob, err := GenerateCertificate([]string{"bob"}, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	old, err := GenerateCertificate([]string{"old"}, -time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	// Alice's fingerprint as other tools write it: upper case, colons.
	hex := strings.ToUpper(strings.TrimPrefix(identity.CertificateHash(alice.Leaf), identity.HashPrefix))
	var pairs []string
	for i := 0; i < len(hex); i += 2 {
		pairs = append(pairs, hex[i:i+2])
	}
	aliceColons := strings.Join(pairs, ":")
	const token = "s3cr;t /é=x"
	const encoded = "s3cr%3Bt%20%2F%C3%A9%3Dx"
	tokens := []string{"", token}
	ids := []string{aliceColons, identity.CertificateHash(old.Leaf), "not a fingerprint"}
	for _, tt := range []struct {
		name          string
		tokens, ids   []string
		params        string
		cert          *tls.Certificate
		want, wantWho string
	}{
		{"token", tokens, nil, "token=" + encoded, nil, "30 ", "token#2"},
		{"token unencoded where it may be", []string{"abc~!$&'()*+,:@"}, nil, "token=abc~!$&'()*+,:@", nil, "30 ", "token#1"},
		{"no token", tokens, nil, "", nil, "59 Titan upload needs a token", "-"},
		{"empty token", tokens, nil, "token=", nil, "59 Titan upload needs a token", "-"},
		{"wrong token", tokens, nil, "token=s3cr", nil, "59 Titan token not accepted", "bad-token"},
		{"token prefix", tokens, nil, "token=" + encoded + "x", nil, "59 Titan token not accepted", "bad-token"},
		{"a certificate where tokens are wanted", tokens, nil, "", &alice, "59 Titan upload needs a token", "SHA256:"},
		{"nothing", tokens, ids, "", nil, "60 Titan upload needs a token or an authorised client certificate", "-"},
		{"nothing, identities only", nil, ids, "", nil, "60 Titan upload needs an authorised client certificate", "-"},
		{"other certificate", tokens, ids, "", &bob, "61 Certificate not authorised for Titan uploads", "SHA256:"},
		{"authorised certificate", nil, ids, "", &alice, "30 ", identity.ShortHash(identity.CertificateHash(alice.Leaf), 16)},
		{"authorised certificate and a wrong token", tokens, ids, "token=nope", &alice, "30 ", "SHA256:"},
		{"other certificate and the token", tokens, ids, "token=" + encoded, &bob, "30 ", "token#2"},
		{"expired certificate", nil, ids, "", &old, "62 Certificate expired", "SHA256:"},
		{"nothing configured", nil, nil, "token=x", &alice, "50 Titan uploads are not configured", "SHA256:"},
		{"only an empty token configured", []string{""}, nil, "token=", nil, "50 Titan uploads are not configured", "-"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			s := newTitanServer(t, &Titan{Tokens: tt.tokens, Identities: tt.ids}, 0)
			params := "size=2"
			if tt.params != "" {
				params += ";" + tt.params
			}
			reply := titanExchange(t, s.ts.Addr, titanRequest{line: s.url("/f.txt", params), body: "hi", cert: tt.cert})
			rec := s.record(t)
			if !strings.HasPrefix(reply, tt.want) || !strings.HasPrefix(rec.Who, tt.wantWho) {
				t.Errorf("%q by %q, want %q by %q", reply, rec.Who, tt.want, tt.wantWho)
			}
			written := files(t, s.dir)
			if strings.HasPrefix(tt.want, "30 ") != slices.Equal(written, []string{"f.txt"}) {
				t.Errorf("files: %q", written)
			}
			if strings.Contains(rec.String(), "s3cr") {
				t.Errorf("the log shows the token: %s", rec)
			}
		})
	}
}

func TestTitanOff(t *testing.T) {
	ts := NewServer(t, &FileServer{Root: t.TempDir()})
	line := fmt.Sprintf("titan://localhost:%d/x.gmi;size=2;token=t", ts.Port)
	if reply := titanExchange(t, ts.Addr, titanRequest{line: line, body: "hi"}); reply != "53 This server does not allow proxy requests\r\n" {
		t.Errorf("Titan off: %q", reply)
	}
}

func TestTitanOtherHostOrScheme(t *testing.T) {
	s := newTitanServer(t, &Titan{Tokens: []string{"secret"}}, 0)
	for _, line := range []string{
		fmt.Sprintf("titan://127.0.0.1:%d/x.gmi;size=2;token=secret", s.ts.Port),
		fmt.Sprintf("titan://localhost:%d/x.gmi;size=2;token=secret", s.ts.Port+1),
		fmt.Sprintf("https://localhost:%d/x.gmi;size=2;token=secret", s.ts.Port),
	} {
		if reply := titanExchange(t, s.ts.Addr, titanRequest{line: line, body: "hi"}); reply != "53 This server does not allow proxy requests\r\n" {
			t.Errorf("%s: %q", line, reply)
		}
	}
	// A gemini request still reaches the handler.
	os.WriteFile(filepath.Join(s.dir, "x.gmi"), []byte("page"), 0o644)
	line := fmt.Sprintf("gemini://localhost:%d/x.gmi", s.ts.Port)
	if reply := titanExchange(t, s.ts.Addr, titanRequest{line: line}); reply != "20 text/gemini\r\npage" {
		t.Errorf("gemini: %q", reply)
	}
	if got := files(t, s.dir); !slices.Equal(got, []string{"x.gmi"}) {
		t.Errorf("files: %q", got)
	}
}

func TestTitanBadParameters(t *testing.T) {
	s := newTitanServer(t, &Titan{Tokens: []string{"secret"}}, 0)
	for params, want := range map[string]string{
		"token=secret":                    "59 Bad Titan request: size= is missing",
		"size=;token=secret":              "59 Bad Titan request: size= must be a number of bytes",
		"size=-1;token=secret":            "59 Bad Titan request: size= must be a number of bytes",
		"size=1e3;token=secret":           "59 Bad Titan request: size= must be a number of bytes",
		"size=99999999999999999999":       "59 Bad Titan request: size= must be a number of bytes",
		"size=2;size=2;token=secret":      "59 Bad Titan request: size= given twice",
		"size=2;mime=;token=secret":       "59 Bad Titan request: mime= is not a media type",
		"size=2;token=secret;token=other": "59 Bad Titan request: token= given twice",
		"size=2;token":                    "59 Bad Titan request: a parameter without a value (want name=value)",
	} {
		if reply := titanExchange(t, s.ts.Addr, titanRequest{line: s.url("/x.gmi", params), body: "hi"}); reply != want+"\r\n" {
			t.Errorf("%s: %q, want %q", params, reply, want)
		}
	}
	if got := files(t, s.dir); len(got) > 0 {
		t.Errorf("files: %q", got)
	}
}

func TestTitanAccessLogHidesToken(t *testing.T) {
	access, errs := make(chanWriter, 4), new(syncBuffer)
	dir := t.TempDir()
	ts := NewUnstartedServer(t, &FileServer{Root: dir})
	ts.Server.AccessLog = access
	ts.Server.ErrorLog = log.New(errs, "", 0)
	ts.Server.TitanHandler = &Titan{Dir: dir, Tokens: []string{"hunter2"}, Log: func(r TitanRecord) { ts.Server.ErrorLog.Print(r) }}
	ts.Start()
	line := fmt.Sprintf("titan://localhost:%d/x.gmi;token=hunter2;size=2", ts.Port)
	if reply := titanExchange(t, ts.Addr, titanRequest{line: line, body: "hi"}); !strings.HasPrefix(reply, "30 ") {
		t.Fatalf("%q", reply)
	}
	wantAccess := fmt.Sprintf(`"titan://localhost:%d/x.gmi;token=***;size=2" 30 `, ts.Port)
	// The access line is written after the reply: wait for it.
	select {
	case got := <-access:
		if !strings.Contains(got, wantAccess) || strings.Contains(got, "hunter2") {
			t.Errorf("access log: %q, want %q", got, wantAccess)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("no access log line")
	}
	if got := errs.String(); !strings.Contains(got, `titan: 127.0.0.1:`) || !strings.Contains(got, `token#1 "/x.gmi" 2/2 bytes text/gemini: 30 "gemini://localhost:`) || strings.Contains(got, "hunter2") {
		t.Errorf("error log: %q", got)
	}
}

// chanWriter sends what is written to it on the channel, a write at a
// time.
type chanWriter chan string

func (c chanWriter) Write(p []byte) (int, error) {
	c <- string(p)
	return len(p), nil
}

func TestParseFingerprint(t *testing.T) {
	want := "SHA256:" + strings.Repeat("ab", 32)
	for _, in := range []string{want, strings.ToUpper(want), "sha256:" + strings.Repeat("AB", 32), strings.Repeat("ab", 32),
		strings.TrimSuffix(strings.Repeat("AB:", 32), ":"), "  " + want + "\n"} {
		if got, err := ParseFingerprint(in); got != want || err != nil {
			t.Errorf("ParseFingerprint(%q) = %q, %v", in, got, err)
		}
	}
	for _, in := range []string{"", "SHA256:", "SHA256:" + strings.Repeat("ab", 31), strings.Repeat("zz", 32), "SHA1:" + strings.Repeat("ab", 32)} {
		if got, err := ParseFingerprint(in); err == nil {
			t.Errorf("ParseFingerprint(%q) = %q", in, got)
		}
	}
}
