package main

import (
	"bytes"
	"context"
	"crypto/tls"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"propus/client"
	"propus/client/identity"
	"propus/testserver"
)

// syncBuffer is a bytes.Buffer safe for a server's goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// startServe runs `propus serve` with flags on a free port and returns its
// base URL and logs; the server stops when the test ends.
func startServe(t *testing.T, cfg serveConfig) (string, *syncBuffer, *syncBuffer) {
	t.Helper()
	var stdout, stderr syncBuffer
	cfg.stdout, cfg.stderr = &stdout, &stderr
	if cfg.host == "" {
		cfg.host = "127.0.0.1"
	}
	if cfg.hostname == "" {
		cfg.hostname = "localhost"
	}
	if cfg.indexFile == "" {
		cfg.indexFile = "index.gmi"
	}
	if cfg.cgiDir == "" {
		cfg.cgiDir = "cgi-bin"
	}
	if cfg.certDir == "" {
		cfg.certDir = t.TempDir()
	}
	if cfg.cgiTimeout == 0 {
		cfg.cgiTimeout = 5 * time.Second
	}
	inst, err := buildServer(&cfg)
	if err != nil {
		t.Fatal(err)
	}
	srv, ln := inst.srv, inst.lns[0]
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- serveUntil(ctx, srv, ln) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("serve stopped with %v", err)
		}
	})
	return "gemini://" + cfg.hostname + ":" + strconv.Itoa(ln.Addr().(*net.TCPAddr).Port), &stdout, &stderr
}

func fetchBody(t *testing.T, rawURL string) (*client.Response, string) {
	t.Helper()
	var c client.Client
	resp, err := c.Get(context.Background(), rawURL)
	if err != nil {
		t.Fatalf("%s: %v", rawURL, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, string(b)
}

func TestServe(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "index.gmi"), []byte("# Home\n"), 0o644)
	os.MkdirAll(filepath.Join(dir, "cgi-bin"), 0o755)
	os.WriteFile(filepath.Join(dir, "cgi-bin", "hello"), []byte("#!/bin/sh\nprintf '20 text/plain\\r\\nhello %s' \"$QUERY_STRING\"\n"), 0o755)
	base, stdout, stderr := startServe(t, serveConfig{dir: dir, lang: "en", rateLimit: "100/m"})

	resp, body := fetchBody(t, base+"/")
	if resp.Status != 20 || resp.Meta != "text/gemini; lang=en" || body != "# Home\n" {
		t.Errorf("index: %d %q %q", resp.Status, resp.Meta, body)
	}
	if resp, body = fetchBody(t, base+"/cgi-bin/hello?x"); resp.Status != 20 || body != "hello x" {
		t.Errorf("cgi: %d %q %q", resp.Status, resp.Meta, body)
	}
	if resp, _ = fetchBody(t, strings.Replace(base, "localhost", "127.0.0.1", 1)+"/"); resp.Status != 53 {
		t.Errorf("another host: %d %q, want 53", resp.Status, resp.Meta)
	}
	if !strings.Contains(stderr.String(), "SHA256:") {
		t.Errorf("the certificate's fingerprint is not printed: %q", stderr.String())
	}
	if !strings.Contains(stdout.String(), `"`+base+`/" 20 "text/gemini; lang=en" 32`) {
		t.Errorf("access log: %q", stdout.String())
	}
}

func TestServeKeepsItsCertificate(t *testing.T) {
	certDir := t.TempDir()
	first, _, _ := startServe(t, serveConfig{dir: t.TempDir(), certDir: certDir})
	r1, _ := fetchBody(t, first+"/")
	second, _, _ := startServe(t, serveConfig{dir: t.TempDir(), certDir: certDir})
	r2, _ := fetchBody(t, second+"/")
	if !r1.Certificate.Equal(r2.Certificate) {
		t.Error("a second start made a new certificate")
	}
	key, err := os.Stat(filepath.Join(certDir, "localhost.key"))
	if err != nil || key.Mode().Perm() != 0o600 {
		t.Errorf("key file: %v %v", key.Mode(), err)
	}
}

func TestServeFlags(t *testing.T) {
	if code, out, _ := propus(t, "serve", "--help"); code != 0 || !strings.Contains(out, "--rate-limit") || !strings.Contains(out, "--tls-certfile") {
		t.Errorf("serve --help: %d %q", code, out)
	}
	for _, args := range [][]string{
		{"serve", "--rate-limit", "lots"},
		{"serve", "--tls-certfile", "x.pem"},
		{"serve", "--vhost", "nodir"},
		{"serve", "extra"},
	} {
		if code, _, errOut := propus(t, append(args, "--port", "0")...); code != exitUsage || errOut == "" {
			t.Errorf("%v: exit %d, %q", args, code, errOut)
		}
	}
}

func TestServeVirtualHosts(t *testing.T) {
	main, other := t.TempDir(), t.TempDir()
	os.WriteFile(filepath.Join(main, "index.gmi"), []byte("main site\n"), 0o644)
	os.WriteFile(filepath.Join(other, "index.gmi"), []byte("other site\n"), 0o644)
	var vh vhostFlag
	if err := vh.Set("other.test=" + other); err != nil {
		t.Fatal(err)
	}
	base, _, _ := startServe(t, serveConfig{dir: main, vhosts: vh})
	addr := strings.TrimPrefix(base, "gemini://localhost")
	for host, want := range map[string]string{"localhost": "main site\n", "other.test": "other site\n"} {
		var c client.Client
		req, _ := client.NewRequest("gemini://" + host + addr + "/")
		req.Host = "127.0.0.1" + addr
		resp, err := c.Do(context.Background(), req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if string(body) != want || resp.Certificate.Subject.CommonName != host {
			t.Errorf("%s: %q from a certificate for %q", host, body, resp.Certificate.Subject.CommonName)
		}
	}
}

func TestServeExitCodes(t *testing.T) {
	taken, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer taken.Close()
	port := strconv.Itoa(taken.Addr().(*net.TCPAddr).Port)
	broken := filepath.Join(t.TempDir(), "broken.pem")
	os.WriteFile(broken, []byte("not PEM"), 0o644)
	for _, args := range [][]string{
		{"serve", "--port", port, "--dir", t.TempDir()},
		{"serve", "--port", "0", "--tls-certfile", broken, "--tls-keyfile", broken},
	} {
		if code, _, errOut := propus(t, args...); code != exitFailure || errOut == "" {
			t.Errorf("%v: exit %d, %q; want %d", args, code, errOut, exitFailure)
		}
	}
}

// TestServeReloadsCertificates checks that reloading (SIGHUP's job)
// presents the certificate now in the files to new connections.
func TestServeReloadsCertificates(t *testing.T) {
	dir := t.TempDir()
	certFile, keyFile := filepath.Join(dir, "c.pem"), filepath.Join(dir, "k.pem")
	write := func() {
		cert, err := testserver.GenerateCertificate([]string{"localhost"}, time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		id := &identity.Identity{Name: "localhost", Certificate: cert, Leaf: cert.Leaf}
		if err := id.Save(certFile, keyFile); err != nil {
			t.Fatal(err)
		}
	}
	write()
	cfg := serveConfig{dir: dir, hostname: "localhost", host: "127.0.0.1", certFile: certFile, keyFile: keyFile,
		indexFile: "index.gmi", cgiDir: "cgi-bin", stdout: io.Discard, stderr: io.Discard}
	inst, err := buildServer(&cfg)
	if err != nil {
		t.Fatal(err)
	}
	go inst.srv.Serve(inst.lns[0])
	defer inst.srv.Close()
	base := "gemini://localhost:" + strconv.Itoa(inst.lns[0].Addr().(*net.TCPAddr).Port) + "/"
	r1, _ := fetchBody(t, base)
	write()
	if err := inst.reload(); err != nil {
		t.Fatal(err)
	}
	r2, _ := fetchBody(t, base)
	if r1.Certificate.Equal(r2.Certificate) {
		t.Error("the reloaded server still presents the old certificate")
	}
}

// TestServeShutdownCutsIsNoError stops a server while a CGI response
// outlasts the grace period: serveUntil reports no error.
func TestServeShutdownCutsIsNoError(t *testing.T) {
	old := shutdownGrace
	shutdownGrace = 100 * time.Millisecond
	defer func() { shutdownGrace = old }()
	dir := t.TempDir()
	os.MkdirAll(filepath.Join(dir, "cgi-bin"), 0o755)
	os.WriteFile(filepath.Join(dir, "cgi-bin", "slow"), []byte("#!/bin/sh\nprintf '20 text/plain\\r\\nstart\\n'\nexec sleep 5\n"), 0o755)
	cfg := serveConfig{dir: dir, hostname: "localhost", host: "127.0.0.1", indexFile: "index.gmi", cgiDir: "cgi-bin",
		cgiTimeout: 10 * time.Second, certDir: t.TempDir(), stdout: io.Discard, stderr: io.Discard}
	inst, err := buildServer(&cfg)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- serveUntil(ctx, inst.srv, inst.lns[0]) }()
	var c client.Client
	resp, err := c.Get(context.Background(), "gemini://localhost:"+strconv.Itoa(inst.lns[0].Addr().(*net.TCPAddr).Port)+"/cgi-bin/slow")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if _, err := resp.Body.Read(make([]byte, 6)); err != nil {
		t.Fatal(err)
	}
	cancel()
	if err := <-done; err != nil {
		t.Errorf("serveUntil: %v, want nil", err)
	}
}

// TestServeMissingKey checks that a generated certificate whose key is
// gone stops the server with an error saying so, and that --regenerate
// makes a new one.
func TestServeMissingKey(t *testing.T) {
	certDir := t.TempDir()
	base, _, _ := startServe(t, serveConfig{dir: t.TempDir(), certDir: certDir})
	r1, _ := fetchBody(t, base+"/")
	os.Remove(filepath.Join(certDir, "localhost.key"))
	cfg := serveConfig{dir: t.TempDir(), hostname: "localhost", host: "127.0.0.1", certDir: certDir, stdout: io.Discard, stderr: io.Discard}
	if _, err := buildServer(&cfg); err == nil || !strings.Contains(err.Error(), "localhost.key is missing") || !strings.Contains(err.Error(), "--regenerate") {
		t.Fatalf("got %v, want an error naming the missing key and --regenerate", err)
	}
	second, _, _ := startServe(t, serveConfig{dir: t.TempDir(), certDir: certDir, regenerate: true})
	if r2, _ := fetchBody(t, second+"/"); r1.Certificate.Equal(r2.Certificate) {
		t.Error("--regenerate kept the old certificate")
	}
}

// TestServeListenTwice serves on IPv4 and IPv6 loopback at once.
func TestServeListenTwice(t *testing.T) {
	if l, err := net.Listen("tcp", "[::1]:0"); err != nil {
		t.Skipf("no IPv6 loopback: %v", err)
	} else {
		l.Close()
	}
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "index.gmi"), []byte("# Home\n"), 0o644)
	var listen listenFlag
	for _, a := range []string{"127.0.0.1:0", "[::1]:0"} {
		if err := listen.Set(a); err != nil {
			t.Fatal(err)
		}
	}
	if listen.Set("nowhere") == nil {
		t.Error("--listen nowhere accepted")
	}
	cfg := serveConfig{dir: dir, hostname: "localhost", listen: listen, indexFile: "index.gmi", cgiDir: "cgi-bin",
		certDir: t.TempDir(), stdout: io.Discard, stderr: io.Discard}
	inst, err := buildServer(&cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer inst.srv.Close()
	for _, ln := range inst.lns {
		go inst.srv.Serve(ln)
	}
	for _, ln := range inst.lns {
		var c client.Client
		req, _ := client.NewRequest("gemini://localhost:" + strconv.Itoa(ln.Addr().(*net.TCPAddr).Port) + "/")
		req.Host = ln.Addr().String()
		resp, err := c.Do(context.Background(), req)
		if err != nil {
			t.Fatalf("%s: %v", ln.Addr(), err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.Status != 20 || string(body) != "# Home\n" {
			t.Errorf("%s: %d %q", ln.Addr(), resp.Status, body)
		}
	}
}

// TestServeLogFileReopen rotates a log file as logrotate does and
// checks that Reopen (SIGUSR1's job) writes to a new file of the name.
func TestServeLogFileReopen(t *testing.T) {
	path := filepath.Join(t.TempDir(), "access.log")
	f, err := openLogFile(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	io.WriteString(f, "one\n")
	if err := os.Rename(path, path+".1"); err != nil {
		t.Fatal(err)
	}
	io.WriteString(f, "two\n")
	if err := f.Reopen(); err != nil {
		t.Fatal(err)
	}
	io.WriteString(f, "three\n")
	old, _ := os.ReadFile(path + ".1")
	cur, _ := os.ReadFile(path)
	if string(old) != "one\ntwo\n" || string(cur) != "three\n" {
		t.Errorf("rotated %q, current %q", old, cur)
	}
}

// TestServeCertZones guards a path with --cert-zone.
func TestServeCertZones(t *testing.T) {
	dir := t.TempDir()
	os.MkdirAll(filepath.Join(dir, "members"), 0o755)
	os.WriteFile(filepath.Join(dir, "members", "index.gmi"), []byte("# Members\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "index.gmi"), []byte("# Home\n"), 0o644)
	alice, err := testserver.GenerateCertificate([]string{"alice"}, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	bob, err := testserver.GenerateCertificate([]string{"bob"}, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	var zones zoneFlag
	if err := zones.Set("/members/=" + strings.ToLower(identity.CertificateHash(alice.Leaf))); err != nil {
		t.Fatal(err)
	}
	for _, bad := range []string{"members=SHA256:00", "/x", "/x=SHA256:zz", "/x=" + identity.CertificateHash(alice.Leaf)[:20]} {
		if zones.Set(bad) == nil {
			t.Errorf("--cert-zone %q accepted", bad)
		}
	}
	base, _, _ := startServe(t, serveConfig{dir: dir, zones: zones})
	for _, tt := range []struct {
		path   string
		cert   *tls.Certificate
		status client.Status
	}{
		{"/", nil, 20},
		{"/members/", nil, 60},
		{"/members/", &bob, 61},
		{"/members/", &alice, 20},
	} {
		req, _ := client.NewRequest(base + tt.path)
		req.Certificate = tt.cert
		var c client.Client
		resp, err := c.Do(context.Background(), req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.Status != tt.status {
			t.Errorf("%s with %v: got %d %q, want %d", tt.path, tt.cert != nil, resp.Status, resp.Meta, tt.status)
		}
	}
}

// TestServeSignals runs the propus binary: SIGHUP reloads the
// certificates while a download goes on, SIGUSR1 reopens a rotated
// access log, and SIGTERM lets the download in flight finish, then exits
// 0.
func TestServeSignals(t *testing.T) {
	bin := buildPropus(t)
	tmp := t.TempDir()
	dir := filepath.Join(tmp, "site")
	os.MkdirAll(filepath.Join(dir, "cgi-bin"), 0o755)
	os.WriteFile(filepath.Join(dir, "index.gmi"), []byte("# Home\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "cgi-bin", "tick"), []byte("#!/bin/sh\nprintf '20 text/plain\\r\\n'\n"+
		"for i in 1 2 3 4 5 6 7 8; do echo tick $i; sleep 0.1; done\n"), 0o755)
	accessLog, errorLog := filepath.Join(tmp, "access.log"), filepath.Join(tmp, "error.log")
	cmd := exec.Command(bin, "serve", "--port", "0", "--dir", dir, "--access-log", accessLog, "--error-log", errorLog)
	cmd.Env = append(os.Environ(), "XDG_DATA_HOME="+filepath.Join(tmp, "data"), "XDG_CONFIG_HOME="+filepath.Join(tmp, "config"))
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var waitErr error
	exited := make(chan struct{})
	go func() {
		waitErr = cmd.Wait()
		close(exited)
	}()
	t.Cleanup(func() {
		cmd.Process.Kill()
		<-exited
	})
	logged := func(file, want string) string { // waits for want in file
		t.Helper()
		deadline := time.Now().Add(10 * time.Second)
		for {
			b, err := os.ReadFile(file)
			if err == nil && strings.Contains(string(b), want) {
				return string(b)
			}
			if time.Now().After(deadline) {
				t.Fatalf("%s lacks %q: %q", filepath.Base(file), want, b)
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
	startup := logged(errorLog, " on 127.0.0.1:")
	_, port, _ := strings.Cut(startup[strings.LastIndex(startup, " on 127.0.0.1:"):], ":")
	base := "gemini://localhost:" + strings.TrimSpace(strings.SplitN(port, "\n", 2)[0])
	// download fetches the ticking script; started is closed once its
	// header is in.
	download := func() (started chan struct{}, body chan string) {
		started, body = make(chan struct{}), make(chan string, 1)
		go func() {
			var c client.Client
			resp, err := c.Get(context.Background(), base+"/cgi-bin/tick")
			close(started)
			if err != nil {
				body <- err.Error()
				return
			}
			defer resp.Body.Close()
			b, err := io.ReadAll(resp.Body)
			if err != nil || resp.Truncated() {
				body <- fmt.Sprintf("%q cut: %v", b, err)
				return
			}
			body <- string(b)
		}()
		return started, body
	}
	want := "tick 1\ntick 2\ntick 3\ntick 4\ntick 5\ntick 6\ntick 7\ntick 8\n"

	started, body := download()
	<-started
	cmd.Process.Signal(syscall.SIGHUP)
	logged(errorLog, "SIGHUP: certificates reloaded")
	if got := <-body; got != want {
		t.Errorf("download across SIGHUP: %q", got)
	}
	if err := os.Rename(accessLog, accessLog+".1"); err != nil {
		t.Fatal(err)
	}
	cmd.Process.Signal(syscall.SIGUSR1)
	logged(accessLog, "") // created again
	fetchBody(t, base+"/")
	logged(accessLog, `"`+base+`/" 20 "text/gemini" 23`)

	started, body = download()
	<-started
	cmd.Process.Signal(syscall.SIGTERM)
	if got := <-body; got != want {
		t.Errorf("download across SIGTERM: %q", got)
	}
	select {
	case <-exited:
		if waitErr != nil {
			t.Errorf("serve after SIGTERM: %v, want exit 0", waitErr)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("serve still runs 15 s after SIGTERM")
	}
}

// titanUpload writes a raw titan request line and body to the server of
// base (a gemini://localhost:PORT URL) over TLS, with cert if not nil,
// and returns the reply.
func titanUpload(t *testing.T, base, line, body string, cert *tls.Certificate) string {
	t.Helper()
	cfg := &tls.Config{InsecureSkipVerify: true, ServerName: "localhost"}
	if cert != nil {
		cfg.Certificates = []tls.Certificate{*cert}
	}
	addr := "127.0.0.1" + strings.TrimPrefix(base, "gemini://localhost")
	tc, err := tls.DialWithDialer(&net.Dialer{Timeout: 5 * time.Second}, "tcp", addr, cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer tc.Close()
	tc.SetDeadline(time.Now().Add(10 * time.Second))
	go io.WriteString(tc, line+"\r\n"+body)
	reply, err := io.ReadAll(tc)
	if err != nil {
		t.Fatal(err)
	}
	return string(reply)
}

func TestServeTitan(t *testing.T) {
	dir := t.TempDir()
	os.Mkdir(filepath.Join(dir, "cgi"), 0o755)
	alice, err := testserver.GenerateCertificate([]string{"alice"}, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	var ids fingerprintFlag
	if err := ids.Set(strings.ToUpper(identity.CertificateHash(alice.Leaf))); err != nil {
		t.Fatal(err)
	}
	base, stdout, stderr := startServe(t, serveConfig{dir: dir, cgiDir: "cgi", titanTokens: tokenFlag{"hunter2"}, titanIdentities: ids, titanMaxSize: 100})
	port := strings.TrimPrefix(base, "gemini://localhost:")
	titan := "titan://localhost:" + port
	if !strings.Contains(stderr.String(), "propus serve: Titan uploads on: titan://localhost:"+port+"/ writes into "+dir) {
		t.Errorf("start-up: %q", stderr.String())
	}
	for _, tt := range []struct {
		line, body string
		cert       *tls.Certificate
		want       string
	}{
		{titan + "/notes/a.gmi;size=5;token=hunter2", "# Hi\n", nil, "30 " + base + "/notes/a.gmi\r\n"},
		{titan + "/b.txt;size=2;mime=text/plain", "hi", &alice, "30 " + base + "/b.txt\r\n"},
		{titan + "/c.txt;size=2;token=wrong", "hi", nil, "59 Titan token not accepted\r\n"},
		{titan + "/c.txt;size=2", "hi", nil, "60 Titan upload needs a token or an authorised client certificate\r\n"},
		{titan + "/c.txt;size=101;token=hunter2", "", nil, "59 Upload too large: 101 bytes; the limit is 100 bytes\r\n"},
		{titan + "/cgi/x.sh;size=2;token=hunter2", "hi", nil, "50 Uploads to the CGI directory are not allowed\r\n"},
		{"titan://127.0.0.1:" + port + "/c.txt;size=2;token=hunter2", "hi", nil, "53 This server does not allow proxy requests\r\n"},
	} {
		if got := titanUpload(t, base, tt.line, tt.body, tt.cert); got != tt.want {
			t.Errorf("%s: %q, want %q", tt.line, got, tt.want)
		}
	}
	if resp, body := fetchBody(t, base+"/notes/a.gmi"); resp.Status != 20 || body != "# Hi\n" {
		t.Errorf("the upload served back: %d %q", resp.Status, body)
	}
	if got, _ := os.ReadFile(filepath.Join(dir, "b.txt")); string(got) != "hi" {
		t.Errorf("b.txt: %q", got)
	}
	if _, err := os.Stat(filepath.Join(dir, "c.txt")); err == nil {
		t.Error("a refused upload was written")
	}
	// Titan logs each request before its reply is sent.
	if !strings.Contains(stderr.String(), `titan: 127.0.0.1:`) || !strings.Contains(stderr.String(), ` token#1 "/notes/a.gmi" 5/5 bytes text/gemini: 30 `) {
		t.Errorf("error log: %q", stderr.String())
	}
	if strings.Contains(stderr.String()+stdout.String(), "hunter2") {
		t.Errorf("a log shows the token:\n%s\n%s", stderr.String(), stdout.String())
	}
}

func TestServeTitanOff(t *testing.T) {
	dir := t.TempDir()
	base, _, stderr := startServe(t, serveConfig{dir: dir})
	line := "titan://localhost:" + strings.TrimPrefix(base, "gemini://localhost:") + "/a.gmi;size=2;token=x"
	if got := titanUpload(t, base, line, "hi", nil); got != "53 This server does not allow proxy requests\r\n" {
		t.Errorf("Titan off: %q", got)
	}
	if strings.Contains(stderr.String(), "Titan uploads") {
		t.Errorf("start-up: %q", stderr.String())
	}
	if entries, _ := os.ReadDir(dir); len(entries) > 0 {
		t.Errorf("written: %v", entries)
	}
}

func TestServeTitanFlags(t *testing.T) {
	var cfg serveConfig
	fs := serveFlags(&cfg)
	fp := identity.HashPrefix + strings.Repeat("ab", 32)
	err := fs.Parse([]string{"--titan-token", "one", "--titan-token", "two", "--titan-identity", strings.Repeat("AB:", 31) + "AB",
		"--titan-identity", fp, "--titan-max-size", "512"})
	if err != nil || !slices.Equal(cfg.titanTokens, []string{"one", "two"}) || !slices.Equal(cfg.titanIdentities, []string{fp, fp}) || cfg.titanMaxSize != 512 {
		t.Errorf("parsed: %v %q %q %d", err, cfg.titanTokens, cfg.titanIdentities, cfg.titanMaxSize)
	}
	cfg = serveConfig{}
	if serveFlags(&cfg).Parse(nil); cfg.titanMaxSize != testserver.DefaultTitanMaxSize || len(cfg.titanTokens)+len(cfg.titanIdentities) > 0 {
		t.Errorf("defaults: %+v", cfg)
	}
	code, out, _ := propus(t, "serve", "--help")
	for _, f := range []string{"-titan-token TOKEN", "-titan-identity FINGERPRINT", "-titan-max-size bytes", "Titan uploads"} {
		if code != 0 || !strings.Contains(out, f) {
			t.Errorf("serve --help lacks %q", f)
		}
	}
	if !strings.Contains(out, "(default 8388608)") {
		t.Errorf("serve --help does not say the default size: %q", out)
	}
	for _, args := range [][]string{
		{"serve", "--titan-token", ""},
		{"serve", "--titan-identity", "SHA256:1234"},
		{"serve", "--titan-token", "x", "--titan-max-size", "0"},
		{"serve", "--titan-max-size", "8MiB"},
	} {
		if code, _, errOut := propus(t, append(args, "--port", "0")...); code != exitUsage || errOut == "" {
			t.Errorf("%v: exit %d, %q", args, code, errOut)
		}
	}
}
