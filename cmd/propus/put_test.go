package main

import (
	"bytes"
	"crypto/tls"
	"crypto/x509"
	"io"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"propus/testserver"
	"propus/tofu"
)

// titanRequest is what the Titan fixture received on one connection.
type titanRequest struct {
	line   string // the request line, without CRLF
	body   string
	client *x509.Certificate // the client certificate, or nil
}

// titanServer is a Titan server on 127.0.0.1 for these tests: it reads
// each request line and as many bytes as its size parameter says, records
// them and answers with reply(line).
type titanServer struct {
	port  int
	reply func(line string) string
	mu    sync.Mutex
	cert  tls.Certificate
	got   []titanRequest
}

var sizeParam = regexp.MustCompile(`;size=(\d+)`)

func newTitanServer(t *testing.T, reply func(line string) string) *titanServer {
	t.Helper()
	s := &titanServer{reply: reply}
	s.rotate(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s.port = ln.Addr().(*net.TCPAddr).Port
	cfg := &tls.Config{
		ClientAuth: tls.RequestClientCert,
		GetCertificate: func(*tls.ClientHelloInfo) (*tls.Certificate, error) {
			s.mu.Lock()
			defer s.mu.Unlock()
			return &s.cert, nil
		},
	}
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				defer conn.Close()
				conn.SetDeadline(time.Now().Add(10 * time.Second))
				s.serve(tls.Server(conn, cfg))
			}()
		}
	}()
	t.Cleanup(func() { ln.Close(); wg.Wait() })
	return s
}

// rotate gives the server a new certificate.
func (s *titanServer) rotate(t *testing.T) {
	cert, err := testserver.GenerateCertificate([]string{"localhost"}, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	s.mu.Lock()
	s.cert = cert
	s.mu.Unlock()
}

func (s *titanServer) serve(tc *tls.Conn) {
	if tc.Handshake() != nil {
		return
	}
	var line []byte
	b := make([]byte, 1)
	for len(line) < 2048 && !bytes.HasSuffix(line, []byte("\r\n")) {
		if _, err := tc.Read(b); err != nil {
			return
		}
		line = append(line, b[0])
	}
	r := titanRequest{line: strings.TrimSuffix(string(line), "\r\n")}
	if certs := tc.ConnectionState().PeerCertificates; len(certs) > 0 {
		r.client = certs[0]
	}
	if m := sizeParam.FindStringSubmatch(r.line); m != nil {
		n, _ := strconv.Atoi(m[1])
		body := make([]byte, n)
		k, _ := io.ReadFull(tc, body)
		r.body = string(body[:k])
	}
	s.mu.Lock()
	s.got = append(s.got, r)
	s.mu.Unlock()
	io.WriteString(tc, s.reply(r.line))
	tc.Close()
}

func (s *titanServer) requests() []titanRequest {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]titanRequest(nil), s.got...)
}

// last returns the last request received, and fails the test when none
// came.
func (s *titanServer) last(t *testing.T) titanRequest {
	t.Helper()
	got := s.requests()
	if len(got) == 0 {
		t.Fatal("the server received no request")
	}
	return got[len(got)-1]
}

func (s *titanServer) host() string { return "localhost:" + strconv.Itoa(s.port) }

// redirectToUpload answers an upload with a 30 to the gemini URL written.
func redirectToUpload(line string) string {
	path, _, _ := strings.Cut(line, ";")
	return "30 " + strings.Replace(path, "titan://", "gemini://", 1) + "\r\n"
}

func writeTemp(t *testing.T, name, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// propusStdin runs the command line as propus does, with stdin.
func propusStdin(t *testing.T, stdin string, args ...string) (int, string, string) {
	t.Helper()
	t.Setenv("XDG_DATA_HOME", t.TempDir())
	var stdout, stderr bytes.Buffer
	code := run(args, strings.NewReader(stdin), &stdout, &stderr)
	return code, stdout.String(), stderr.String()
}

func TestPutFile(t *testing.T) {
	s := newTitanServer(t, redirectToUpload)
	page := "# Notes\r\nHello, Titan.\r\n"
	file := writeTemp(t, "notes.gmi", page)
	want(t, []string{"put", "titan://" + s.host() + "/notes.gmi", file, "--token", "s3cret word"}, exitOK,
		"Uploaded 24 B to gemini://"+s.host()+"/notes.gmi\n", "30 REDIRECT - TEMPORARY")
	if r := s.last(t); r.line != "titan://"+s.host()+"/notes.gmi;mime=text/gemini;size=24;token=s3cret%20word" || r.body != page {
		t.Errorf("the server received %q with the body %q", r.line, r.body)
	}

	// A gemini URL, or a bare host/path, is uploaded to with titan, and
	// the size is the file's own: there is no flag to say another.
	big := writeTemp(t, "big.bin", strings.Repeat("x", 3000))
	want(t, []string{"put", s.host() + "/files/big.bin?q=1", big}, exitOK, "Uploaded 2.9 KiB to gemini://"+s.host()+"/files/big.bin\n", "")
	if r := s.last(t); r.line != "titan://"+s.host()+"/files/big.bin;mime=application/octet-stream;size=3000" || len(r.body) != 3000 {
		t.Errorf("the server received %q with %d bytes", r.line, len(r.body))
	}
	n := len(s.requests())
	want(t, []string{"put", "--size", "3", "gemini://" + s.host() + "/x", big}, exitUsage, "", "flag provided but not defined: -size")
	want(t, []string{"put", "gemini://" + s.host() + "/x", big, "extra"}, exitUsage, "", `unexpected argument "extra"`)
	want(t, []string{"put", "https://" + s.host() + "/x", big}, exitUsage, "", "not a gemini or titan URL")
	want(t, []string{"put"}, exitUsage, "", "URL is required")
	want(t, []string{"put", "gemini://" + s.host() + "/x", filepath.Join(t.TempDir(), "missing")}, exitFailure, "", "no such file")
	want(t, []string{"put", "gemini://" + s.host() + "/x", t.TempDir()}, exitFailure, "", "not a regular file")
	want(t, []string{"put", "gemini://" + s.host() + "/x", writeTemp(t, "empty.gmi", "")}, exitUsage, "", "empty.gmi is empty: Titan servers take an upload of 0 bytes as a deletion (use --delete for that)")
	if len(s.requests()) != n {
		t.Errorf("a refused command line sent a request")
	}
}

func TestPutMIMEDefault(t *testing.T) {
	s := newTitanServer(t, redirectToUpload)
	tests := []struct {
		file string
		args []string
		mime string
	}{
		{"a.gemini", nil, "text/gemini"},
		{"A.GMI", nil, "text/gemini"},
		{"pic.png", nil, "image/png"},
		{"page.html", nil, "text/html%3B%20charset%3Dutf-8"},
		{"README", nil, "application/octet-stream"},
		{"pic.png", []string{"--mime", "text/plain; charset=iso-8859-1"}, "text/plain%3B%20charset%3Diso-8859-1"},
	}
	for _, tt := range tests {
		args := append([]string{"put", "gemini://" + s.host() + "/up", writeTemp(t, tt.file, "data")}, tt.args...)
		want(t, args, exitOK, "Uploaded 4 B", "")
		if r := s.last(t); !strings.Contains(r.line, ";mime="+tt.mime+";size=4") {
			t.Errorf("%s %q: the server received %q, want mime=%s", tt.file, tt.args, r.line, tt.mime)
		}
	}
}

func TestPutStdin(t *testing.T) {
	s := newTitanServer(t, redirectToUpload)
	for _, a := range [][]string{{"put", s.host() + "/in.gmi"}, {"put", s.host() + "/in.gmi", "-"}} {
		code, out, errOut := propusStdin(t, "=> / home\n", a...)
		if code != exitOK || out != "Uploaded 10 B to gemini://"+s.host()+"/in.gmi\n" {
			t.Errorf("%q: exit %d, stdout %q, stderr %q", a, code, out, errOut)
		}
		if r := s.last(t); r.line != "titan://"+s.host()+"/in.gmi;mime=text/gemini;size=10" || r.body != "=> / home\n" {
			t.Errorf("%q: the server received %q with the body %q", a, r.line, r.body)
		}
	}
	n := len(s.requests())
	if code, _, errOut := propusStdin(t, "", "put", s.host()+"/in.gmi"); code != exitUsage || !strings.Contains(errOut, "standard input is empty") {
		t.Errorf("empty stdin: exit %d, stderr %q", code, errOut)
	}
	defer func(m int64) { maxStdin = m }(maxStdin)
	maxStdin = 8
	if code, _, errOut := propusStdin(t, "123456789", "put", s.host()+"/in.gmi"); code != exitFailure ||
		!strings.Contains(errOut, "standard input is longer than 8 B: save it to a file and upload the file") {
		t.Errorf("long stdin: exit %d, stderr %q", code, errOut)
	}
	if len(s.requests()) != n {
		t.Errorf("a refused stdin sent a request")
	}
}

func TestPutDelete(t *testing.T) {
	s := newTitanServer(t, func(string) string { return "20 text/gemini\r\nDeleted.\r\n" })
	want(t, []string{"put", "--delete", "--token", "t", "titan://" + s.host() + "/old.gmi;mime=text/gemini;size=3"}, exitOK,
		"Deleted gemini://"+s.host()+"/old.gmi\n", "20 SUCCESS text/gemini")
	if r := s.last(t); r.line != "titan://"+s.host()+"/old.gmi;size=0;token=t" || r.body != "" {
		t.Errorf("the server received %q with the body %q", r.line, r.body)
	}
	want(t, []string{"put", "--delete", "gemini://" + s.host() + "/x", writeTemp(t, "f", "x")}, exitUsage, "", "--delete sends no FILE")
}

// A status other than 2x or 3x exits with its first digit, its meta
// cleaned of control sequences.
func TestPutErrorStatus(t *testing.T) {
	s := newTitanServer(t, func(line string) string {
		if strings.Contains(line, "/members/") {
			return "61 Not \x1b[31myours\x1b[0m\r\n"
		}
		return "59 File too large\r\n"
	})
	file := writeTemp(t, "a.gmi", "hi")
	code, out, errOut := propus(t, "put", "gemini://"+s.host()+"/members/a.gmi", file)
	if code != 6 || out != "" || errOut != "61 CERTIFICATE NOT AUTHORISED Not yours\n" {
		t.Errorf("61: exit %d, stdout %q, stderr %q", code, out, errOut)
	}
	want(t, []string{"put", "gemini://" + s.host() + "/a.gmi", file}, 5, "", "59 BAD REQUEST File too large")
}

func TestPutIdentity(t *testing.T) {
	storedIdentity(t, "alice")
	s := newTitanServer(t, redirectToUpload)
	want(t, []string{"put", "--identity", "alice", "gemini://" + s.host() + "/~alice/a.gmi", writeTemp(t, "a.gmi", "hi")}, exitOK, "Uploaded", "")
	if r := s.last(t); r.client == nil || r.client.Subject.CommonName != "alice" {
		t.Errorf("the server saw the client certificate %v", r.client)
	}
	want(t, []string{"put", "--identity", "nobody", "gemini://" + s.host() + "/a.gmi", writeTemp(t, "a.gmi", "hi")}, exitFailure, "", `no identity named "nobody"`)
}

// Known hosts are checked as fetch checks them, with the same store: a
// changed certificate is refused before anything is sent.
func TestPutTOFU(t *testing.T) {
	data := t.TempDir()
	t.Setenv("XDG_DATA_HOME", data)
	s := newTitanServer(t, redirectToUpload)
	file := writeTemp(t, "a.gmi", "hi")
	want(t, []string{"put", "titan://" + s.host() + "/a.gmi", file}, exitOK, "Uploaded", "")
	store, err := tofu.Open(filepath.Join(data, "propus", "known_hosts"))
	if err != nil {
		t.Fatal(err)
	}
	pinned, ok := store.Lookup(s.host())
	if !ok {
		t.Fatal("the upload did not pin the certificate under the host's gemini address")
	}
	s.rotate(t)
	code, out, errOut := propus(t, "put", "titan://"+s.host()+"/a.gmi", file)
	if code != exitCertChanged || out != "" || !strings.Contains(errOut, pinned.Fingerprint) ||
		!strings.Contains(errOut, "run propus hosts forget "+s.host()+" and upload again") {
		t.Errorf("changed certificate: exit %d, stdout %q, stderr %q", code, out, errOut)
	}
	// fetch refuses the host too: the pin is the same.
	want(t, []string{"fetch", "gemini://" + s.host() + "/a.gmi"}, exitCertChanged, "", pinned.Fingerprint)
	if n := len(s.requests()); n != 1 {
		t.Errorf("the server received %d requests, want 1", n)
	}
}
