//go:build unix

package testserver

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"math/big"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"propus/client"
)

// cgiSite is a document root with a cgi-bin directory, for CGI tests.
type cgiSite struct {
	t    *testing.T
	root string
}

func newCGISite(t *testing.T) *cgiSite {
	t.Helper()
	return &cgiSite{t: t, root: t.TempDir()}
}

// path returns the absolute file name of rel under the root.
func (s *cgiSite) path(rel string) string { return filepath.Join(s.root, filepath.FromSlash(rel)) }

// file writes rel with body and perm.
func (s *cgiSite) file(rel, body string, perm os.FileMode) {
	s.t.Helper()
	name := s.path(rel)
	if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
		s.t.Fatal(err)
	}
	if err := os.WriteFile(name, []byte(body), perm); err != nil {
		s.t.Fatal(err)
	}
	if err := os.Chmod(name, perm); err != nil { // whatever the umask
		s.t.Fatal(err)
	}
}

// script writes rel as an executable /bin/sh script running body.
func (s *cgiSite) script(rel, body string) {
	s.t.Helper()
	s.file(rel, "#!/bin/sh\n"+body, 0o755)
}

// symlink makes rel a symbolic link to target.
func (s *cgiSite) symlink(target, rel string) {
	s.t.Helper()
	if err := os.Symlink(target, s.path(rel)); err != nil {
		s.t.Fatal(err)
	}
}

// cgiRawGet sends line as the request line and returns the whole
// response as received.
func cgiRawGet(t *testing.T, ts *TestServer, line string) string {
	t.Helper()
	conn, err := tls.Dial("tcp", ts.Addr, &tls.Config{InsecureSkipVerify: true})
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(10 * time.Second))
	if _, err := io.WriteString(conn, line+"\r\n"); err != nil {
		t.Fatal(err)
	}
	b, err := io.ReadAll(conn)
	if err != nil {
		t.Fatalf("%s: %v after %q", line, err, b)
	}
	return string(b)
}

// cgiFetch requests path with the client and certificate (nil: none) and
// returns the response and its body.
func cgiFetch(t *testing.T, ts *TestServer, path string, cert *tls.Certificate) (*client.Response, string) {
	t.Helper()
	req, err := client.NewRequest(ts.URL + path)
	if err != nil {
		t.Fatal(err)
	}
	req.Certificate = cert
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	resp, err := ts.Client().Do(ctx, req)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("%s: reading the body: %v", path, err)
	}
	return resp, string(body)
}

// cgiCertificate makes a certificate with common name cn (none when
// empty), signed by parent and parentKey, or self-signed when parent is
// nil. isCA makes it a certificate authority.
func cgiCertificate(t *testing.T, cn string, isCA bool, parent *x509.Certificate, parentKey *ecdsa.PrivateKey) (tls.Certificate, *ecdsa.PrivateKey) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 100))
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber:          serial,
		Subject:               pkix.Name{CommonName: cn},
		NotBefore:             time.Now().Add(-time.Hour).Truncate(time.Second),
		NotAfter:              time.Now().Add(24 * time.Hour).Truncate(time.Second),
		KeyUsage:              x509.KeyUsageDigitalSignature,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth},
		BasicConstraintsValid: true,
	}
	if isCA {
		tmpl.IsCA, tmpl.KeyUsage, tmpl.ExtKeyUsage = true, x509.KeyUsageCertSign, nil
	}
	if parent == nil {
		parent, parentKey = tmpl, key
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, parent, &key.PublicKey, parentKey)
	if err != nil {
		t.Fatal(err)
	}
	leaf, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key, Leaf: leaf}, key
}

// cgiEnvScript prints the environment the script was started with, one
// VAR=value a line, after a first line telling where it came from:
// "proc" (exactly as received) or "shell" (through env(1), which adds
// the variables the shell itself exports).
const cgiEnvScript = `printf '20 text/plain\r\n'
if [ -r /proc/$$/environ ]; then
	echo proc
	tr '\000' '\n' < /proc/$$/environ
else
	echo shell
	unset PWD OLDPWD SHLVL
	env
fi
`

// cgiParseEnv parses cgiEnvScript's output.
func cgiParseEnv(t *testing.T, body string) map[string]string {
	t.Helper()
	source, rest, _ := strings.Cut(body, "\n")
	env := map[string]string{}
	for line := range strings.Lines(rest) {
		name, value, ok := strings.Cut(strings.TrimSuffix(line, "\n"), "=")
		if !ok {
			t.Fatalf("not a variable: %q", line)
		}
		env[name] = value
	}
	if source == "shell" {
		delete(env, "_") // set by some shells for the commands they run
	}
	return env
}

func TestCGIEnvironment(t *testing.T) {
	site := newCGISite(t)
	site.script("cgi-bin/env.sh", cgiEnvScript)

	ca, caKey := cgiCertificate(t, "Test CA", true, nil, nil)
	trusted := x509.NewCertPool()
	trusted.AddCert(ca.Leaf)
	alice, _ := cgiCertificate(t, "alice", false, nil, nil)
	bob, _ := cgiCertificate(t, "bob", false, ca.Leaf, caKey)
	anonymous, _ := cgiCertificate(t, "", false, nil, nil)

	always := []string{"GATEWAY_INTERFACE", "SERVER_PROTOCOL", "SERVER_SOFTWARE", "GEMINI_URL",
		"SCRIPT_NAME", "PATH_INFO", "QUERY_STRING", "SERVER_NAME", "SERVER_PORT",
		"REMOTE_ADDR", "REMOTE_HOST", "TLS_CIPHER", "TLS_VERSION"}
	withCert := append(slices.Clone(always), "AUTH_TYPE", "REMOTE_USER", "TLS_CLIENT_HASH",
		"TLS_CLIENT_HASH_B64", "TLS_CLIENT_NOT_BEFORE", "TLS_CLIENT_NOT_AFTER",
		"TLS_CLIENT_SERIAL_NUMBER", "TLS_CLIENT_AUTHORISED")

	tests := []struct {
		name  string
		cgi   CGI
		path  string
		cert  *tls.Certificate
		names []string
		want  map[string]string // besides what every row checks
	}{
		{"no certificate", CGI{Hostname: "example.test"}, "/cgi-bin/env.sh/extra/path?a%20b", nil, always, map[string]string{
			"SCRIPT_NAME": "/cgi-bin/env.sh", "PATH_INFO": "/extra/path", "QUERY_STRING": "a%20b",
			"SERVER_NAME": "example.test"}},
		{"no path info, configured port", CGI{Hostname: "example.test", Port: 1965}, "/cgi-bin/env.sh", nil, always, map[string]string{
			"SCRIPT_NAME": "/cgi-bin/env.sh", "PATH_INFO": "", "QUERY_STRING": "", "SERVER_PORT": "1965"}},
		{"no hostname configured", CGI{}, "/cgi-bin/env.sh", nil, always, map[string]string{
			"SERVER_NAME": "127.0.0.1"}},
		{"self-signed certificate", CGI{}, "/cgi-bin/env.sh", &alice, withCert, map[string]string{
			"AUTH_TYPE": "CERTIFICATE", "REMOTE_USER": "alice", "TLS_CLIENT_AUTHORISED": "0"}},
		{"certificate signed by a trusted CA", CGI{ClientCAs: trusted}, "/cgi-bin/env.sh", &bob, withCert, map[string]string{
			"REMOTE_USER": "bob", "TLS_CLIENT_AUTHORISED": "1"}},
		{"self-signed certificate, CAs configured", CGI{ClientCAs: trusted}, "/cgi-bin/env.sh", &alice, withCert, map[string]string{
			"TLS_CLIENT_AUTHORISED": "0"}},
		{"CA-signed certificate, no CAs configured", CGI{}, "/cgi-bin/env.sh", &bob, withCert, map[string]string{
			"TLS_CLIENT_AUTHORISED": "0"}},
		{"certificate without a common name", CGI{}, "/cgi-bin/env.sh", &anonymous, withCert, map[string]string{
			"REMOTE_USER": ""}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := tt.cgi
			c.Root = site.root
			ts := NewServer(t, &c)
			resp, body := cgiFetch(t, ts, tt.path, tt.cert)
			if resp.Status != client.StatusSuccess {
				t.Fatalf("got %d %q, want 20", resp.Status, resp.Meta)
			}
			env := cgiParseEnv(t, body)
			names := slices.Sorted(func(yield func(string) bool) {
				for name := range env {
					if !yield(name) {
						return
					}
				}
			})
			if want := slices.Sorted(slices.Values(tt.names)); !slices.Equal(names, want) {
				t.Errorf("variables:\n got %q\nwant %q", names, want)
			}
			want := map[string]string{
				"GATEWAY_INTERFACE": "CGI/1.1",
				"SERVER_PROTOCOL":   "GEMINI",
				"SERVER_SOFTWARE":   Software,
				"GEMINI_URL":        ts.URL + tt.path,
				"SERVER_PORT":       strconv.Itoa(ts.Port),
				"REMOTE_ADDR":       "127.0.0.1",
				"REMOTE_HOST":       "127.0.0.1",
				"TLS_CIPHER":        tls.CipherSuiteName(resp.TLS.CipherSuite),
				"TLS_VERSION":       "TLSv1.3",
			}
			if cert := tt.cert; cert != nil {
				sum := sha256.Sum256(cert.Leaf.Raw)
				want["TLS_CLIENT_HASH"] = "SHA256:" + strings.ToUpper(hex.EncodeToString(sum[:]))
				want["TLS_CLIENT_HASH_B64"] = base64.URLEncoding.EncodeToString(sum[:])
				want["TLS_CLIENT_NOT_BEFORE"] = cert.Leaf.NotBefore.UTC().Format("2006-01-02T15:04:05Z")
				want["TLS_CLIENT_NOT_AFTER"] = cert.Leaf.NotAfter.UTC().Format("2006-01-02T15:04:05Z")
				want["TLS_CLIENT_SERIAL_NUMBER"] = cert.Leaf.SerialNumber.String()
			}
			for name, value := range tt.want {
				want[name] = value
			}
			for name, value := range want {
				if got, ok := env[name]; !ok || got != value {
					t.Errorf("%s = %q, want %q", name, got, value)
				}
			}
		})
	}
}

func TestCGIScriptPath(t *testing.T) {
	site := newCGISite(t)
	info := `printf '20 text/plain\r\n%s|%s\n' "$SCRIPT_NAME" "$PATH_INFO"` + "\n"
	site.script("cgi-bin/info.sh", info)
	site.script("cgi-bin/sub/deep.sh", info)
	site.script("bin/real.sh", info)
	site.script("cgi-bin/.hidden.sh", info)
	site.script("cgi-bin/.dir/x.sh", info)
	site.file("cgi-bin/plain.txt", "plain\n", 0o644)
	site.file("cgi-bin/.env", "SECRET=1\n", 0o644)
	site.file("index.gmi", "# Home\n", 0o644)
	site.symlink("../bin/real.sh", "cgi-bin/link.sh")
	site.symlink(site.path("bin/real.sh"), "cgi-bin/absolute.sh")
	outside := t.TempDir()
	if err := os.WriteFile(filepath.Join(outside, "out.sh"), []byte("#!/bin/sh\n"+info), 0o755); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"out.sh", "."} {
		rel, err := filepath.Rel(site.path("cgi-bin"), filepath.Join(outside, name))
		if err != nil {
			t.Fatal(err)
		}
		site.symlink(rel, map[string]string{"out.sh": "cgi-bin/escape.sh", ".": "cgi-bin/escdir"}[name])
	}
	fallback := HandlerFunc(func(w ResponseWriter, r *Request) {
		w.WriteHeader(client.StatusSuccess, "text/plain")
		io.WriteString(w, "fallback "+r.URL.Path)
	})
	ts := NewServer(t, &CGI{Root: site.root, Fallback: fallback})

	const ok = "20 text/plain\r\n"
	const notFound = "51 Not found\r\n"
	tests := []struct {
		name, path, want string
	}{
		{"script", "/cgi-bin/info.sh", ok + "/cgi-bin/info.sh|\n"},
		{"trailing slash", "/cgi-bin/info.sh/", ok + "/cgi-bin/info.sh|/\n"},
		{"path info", "/cgi-bin/info.sh/extra/path", ok + "/cgi-bin/info.sh|/extra/path\n"},
		{"path info with trailing slash", "/cgi-bin/info.sh/extra/", ok + "/cgi-bin/info.sh|/extra/\n"},
		{"path info is decoded", "/cgi-bin/info.sh/a%20b", ok + "/cgi-bin/info.sh|/a b\n"},
		{"query is not path info", "/cgi-bin/info.sh/x?q=1", ok + "/cgi-bin/info.sh|/x\n"},
		{"double slashes collapse", "/cgi-bin//sub//deep.sh//a//b//", ok + "/cgi-bin/sub/deep.sh|/a/b/\n"},
		{"split at the first executable", "/cgi-bin/info.sh/sub/deep.sh", ok + "/cgi-bin/info.sh|/sub/deep.sh\n"},
		{"hidden path info is the script's", "/cgi-bin/info.sh/.x", ok + "/cgi-bin/info.sh|/.x\n"},
		{"relative symbolic link inside the root", "/cgi-bin/link.sh/x", ok + "/cgi-bin/link.sh|/x\n"},
		{"hidden script", "/cgi-bin/.hidden.sh", notFound},
		{"hidden directory", "/cgi-bin/.dir/x.sh", notFound},
		{"hidden plain file", "/cgi-bin/.env", notFound},
		{"dot segments", "/cgi-bin/%2e%2e/index.gmi", "59 Invalid URL: dot segments are not allowed\r\n"},
		{"symbolic link leaving the root", "/cgi-bin/escape.sh", notFound},
		{"directory link leaving the root", "/cgi-bin/escdir/out.sh", notFound},
		{"absolute symbolic link", "/cgi-bin/absolute.sh", notFound},
		{"non-executable file", "/cgi-bin/plain.txt", ok + "fallback /cgi-bin/plain.txt"},
		{"non-executable file with more path", "/cgi-bin/plain.txt/x", ok + "fallback /cgi-bin/plain.txt/x"},
		{"cgi directory", "/cgi-bin/", ok + "fallback /cgi-bin/"},
		{"cgi directory without slash", "/cgi-bin", ok + "fallback /cgi-bin"},
		{"sub-directory", "/cgi-bin/sub/", ok + "fallback /cgi-bin/sub/"},
		{"missing script", "/cgi-bin/missing.sh/x", ok + "fallback /cgi-bin/missing.sh/x"},
		{"outside the cgi directory", "/index.gmi", ok + "fallback /index.gmi"},
		{"name that only starts like the cgi directory", "/cgi-binx/info.sh", ok + "fallback /cgi-binx/info.sh"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := cgiRawGet(t, ts, ts.URL+tt.path); got != tt.want {
				t.Errorf("%s:\n got %q\nwant %q", tt.path, got, tt.want)
			}
		})
	}
}

func TestCGIDirAndNoFallback(t *testing.T) {
	site := newCGISite(t)
	site.script("apps/run/hello.sh", "printf '20 text/plain\\r\\n%s\\n' \"$SCRIPT_NAME\"\n")
	site.script("cgi-bin/hello.sh", "printf '20 text/plain\\r\\nwrong\\n'\n")
	site.file("apps/run/plain.txt", "plain\n", 0o644)
	ts := NewServer(t, &CGI{Root: site.root, Dir: "/apps/run/"})
	tests := []struct{ path, want string }{
		{"/apps/run/hello.sh", "20 text/plain\r\n/apps/run/hello.sh\n"},
		{"/apps/run/plain.txt", "51 Not found\r\n"},
		{"/apps/run/", "51 Not found\r\n"},
		{"/cgi-bin/hello.sh", "51 Not found\r\n"},
	}
	for _, tt := range tests {
		if got := cgiRawGet(t, ts, ts.URL+tt.path); got != tt.want {
			t.Errorf("%s:\n got %q\nwant %q", tt.path, got, tt.want)
		}
	}
}

func TestCGIMatches(t *testing.T) {
	tests := []struct {
		dir, path string
		want      bool
	}{
		{"", "/cgi-bin", true},
		{"", "/cgi-bin/", true},
		{"", "/cgi-bin/x.sh/y", true},
		{"", "//cgi-bin//x.sh", true},
		{"", "/cgi-binx", false},
		{"", "/", false},
		{"", "/docs/cgi-bin/x", false},
		{"cgi-bin", "/cgi-bin/x", true},
		{"/apps/run/", "/apps/run/x", true},
		{"apps/run", "/apps/run", true},
		{"apps/run", "/apps", false},
		{"apps/run", "/apps/runner", false},
	}
	for _, tt := range tests {
		u, err := ParseRequest("gemini://localhost" + tt.path)
		if err != nil {
			t.Fatal(err)
		}
		c := &CGI{Dir: tt.dir}
		if got := c.Matches(&Request{URL: u}); got != tt.want {
			t.Errorf("Dir %q: Matches(%q) = %v, want %v", tt.dir, tt.path, got, tt.want)
		}
	}
}

func TestCGIHeader(t *testing.T) {
	site := newCGISite(t)
	site.script("cgi-bin/out.sh", fmt.Sprintf("exec cat '%s'\"$PATH_INFO\"\n", site.path("out")))
	ts := NewServer(t, &CGI{Root: site.root})
	const bad = "42 CGI error: bad header: "
	big := strings.Repeat("0123456789abcdef", 10000)
	tests := []struct {
		name, output string
		want         string // the exact response; "" for any bad-header 42
	}{
		{"LF line end", "20 text/plain\nhello\n", "20 text/plain\r\nhello\n"},
		{"CRLF line end", "20 text/plain\r\nhello", "20 text/plain\r\nhello"},
		{"no META", "20\n", "20 \r\n"},
		{"spaces before META", "20   text/gemini; lang=en\r\n", "20 text/gemini; lang=en\r\n"},
		{"UTF-8 META", "20 text/plain; title=café\n", "20 text/plain; title=café\r\n"},
		{"input", "10 Your name?\n", "10 Your name?\r\n"},
		{"redirect drops the body", "31 /elsewhere\nignored", "31 /elsewhere\r\n"},
		{"error drops the body", "51 gone\nignored", "51 gone\r\n"},
		{"large body", "20 text/plain\n" + big, "20 text/plain\r\n" + big},
		{"no output", "", bad + "the script printed nothing\r\n"},
		{"no line end", "20 text/plain", bad + "the script ended before the header's line end\r\n"},
		{"line over 2048 bytes", strings.Repeat("a", 3000) + "\n", bad + "no line end in the first 2048 bytes\r\n"},
		{"three-digit status", "200 text/plain\nbody", ""},
		{"one-digit status", "2 text/plain\n", ""},
		{"status above 69", "70 text/plain\n", ""},
		{"status below 10", "09 text/plain\n", ""},
		{"letters", "OK text/plain\n", ""},
		{"no space", "20text/plain\n", ""},
		{"blank line", "\n", ""},
		{"blank line with CR", "\r\n", ""},
		{"META over 1024 bytes", "20 " + strings.Repeat("m", 1100) + "\n", ""},
		{"CR inside META", "20 text/plain\rx\n", bad + "META holds a control character\r\n"},
		{"control character in META", "20 text/\x01plain\n", bad + "META holds a control character\r\n"},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			site.file("out/"+strconv.Itoa(i), tt.output, 0o644)
			got := cgiRawGet(t, ts, ts.URL+"/cgi-bin/out.sh/"+strconv.Itoa(i))
			if tt.want == "" {
				if !strings.HasPrefix(got, bad) || strings.Index(got, "\r\n") != len(got)-2 {
					t.Errorf("got %q, want one line %q…", got, bad)
				}
				return
			}
			if got != tt.want {
				if len(got) > 200 {
					got = got[:200] + "…"
				}
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestCGIStreaming(t *testing.T) {
	site := newCGISite(t)
	signal := filepath.Join(t.TempDir(), "go")
	site.script("cgi-bin/slow.sh", fmt.Sprintf(`printf '20 text/plain\r\nfirst\n'
while [ ! -e '%s' ]; do sleep 0.02; done
printf 'second\n'
`, signal))
	ts := NewServer(t, &CGI{Root: site.root})
	c := ts.Client()
	c.IdleTimeout = 5 * time.Second
	resp, err := c.Get(context.Background(), ts.URL+"/cgi-bin/slow.sh")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	first := make([]byte, len("first\n"))
	if _, err := io.ReadFull(resp.Body, first); err != nil || string(first) != "first\n" {
		t.Fatalf("before the script ended: read %q, %v; want \"first\\n\"", first, err)
	}
	if err := os.WriteFile(signal, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	rest, err := io.ReadAll(resp.Body)
	if err != nil || string(rest) != "second\n" {
		t.Fatalf("after: read %q, %v; want \"second\\n\"", rest, err)
	}
}

// cgiPIDScript returns script lines that start two background sleeps and
// record their process IDs and the script's own in file, one a line.
func cgiPIDScript(file string) string {
	return fmt.Sprintf("sleep 30 & echo $! >> '%[1]s'\nsleep 30 & echo $! >> '%[1]s'\necho $$ >> '%[1]s'\n", file)
}

// cgiReadPIDs returns the process IDs in file, waiting until it holds
// want of them.
func cgiReadPIDs(t *testing.T, file string, want int) []int {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		b, _ := os.ReadFile(file)
		var pids []int
		for _, f := range strings.Fields(string(b)) {
			pid, err := strconv.Atoi(f)
			if err != nil {
				t.Fatal(err)
			}
			pids = append(pids, pid)
		}
		if len(pids) >= want {
			return pids
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s holds %d process IDs, want %d", file, len(pids), want)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// cgiProcessGone reports whether process pid has ended: it no longer
// exists, or it is a zombie waiting for a parent that does not reap it
// (such as the init process of a container).
func cgiProcessGone(pid int) bool {
	if errors.Is(syscall.Kill(pid, 0), syscall.ESRCH) {
		return true
	}
	stat, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return false
	}
	_, after, _ := bytes.Cut(stat, []byte(") "))
	return bytes.HasPrefix(after, []byte("Z"))
}

// cgiWaitGone fails the test unless every process in pids ends within a
// few seconds.
func cgiWaitGone(t *testing.T, pids []int) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for _, pid := range pids {
		for !cgiProcessGone(pid) {
			if time.Now().After(deadline) {
				t.Fatalf("process %d still runs", pid)
			}
			time.Sleep(10 * time.Millisecond)
		}
	}
}

func TestCGITimeout(t *testing.T) {
	tests := []struct {
		name, output string
		status       client.Status
		meta, body   string
		truncated    bool
	}{
		{"before the header", "", client.StatusCGIError, "CGI process timed out", "", false},
		{"during the body", `printf '20 text/plain\r\npartial\n'`, client.StatusSuccess, "text/plain", "partial\n", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			site := newCGISite(t)
			pids := filepath.Join(t.TempDir(), "pids")
			site.script("cgi-bin/hang.sh", cgiPIDScript(pids)+tt.output+"\nwait\n")
			log := new(syncBuffer)
			ts := NewServer(t, &CGI{Root: site.root, Timeout: 300 * time.Millisecond, Stderr: log})
			start := time.Now()
			resp, body := cgiFetch(t, ts, "/cgi-bin/hang.sh", nil)
			if resp.Status != tt.status || resp.Meta != tt.meta || body != tt.body {
				t.Errorf("got %d %q %q, want %d %q %q", resp.Status, resp.Meta, body, tt.status, tt.meta, tt.body)
			}
			if resp.Truncated() != tt.truncated {
				t.Errorf("truncated (no close_notify): %v, want %v", resp.Truncated(), tt.truncated)
			}
			if d := time.Since(start); d > 5*time.Second {
				t.Errorf("answered after %v", d)
			}
			cgiWaitGone(t, cgiReadPIDs(t, pids, 3))
			if want := "/cgi-bin/hang.sh: killed: timed out after 300ms"; !strings.Contains(log.String(), want) {
				t.Errorf("log %q lacks %q", log, want)
			}
		})
	}
}

func TestCGIClientGoneKillsScript(t *testing.T) {
	site := newCGISite(t)
	pids := filepath.Join(t.TempDir(), "pids")
	site.script("cgi-bin/ticker.sh", cgiPIDScript(pids)+`printf '20 text/plain\r\n'
while :; do echo tick; sleep 0.05; done
`)
	log := new(syncBuffer)
	ts := NewServer(t, &CGI{Root: site.root, Timeout: time.Minute, Stderr: log})
	resp, err := ts.Client().Get(context.Background(), ts.URL+"/cgi-bin/ticker.sh")
	if err != nil {
		t.Fatal(err)
	}
	tick := make([]byte, len("tick\n"))
	if _, err := io.ReadFull(resp.Body, tick); err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	cgiWaitGone(t, cgiReadPIDs(t, pids, 3))
	if want := "killed: "; !strings.Contains(log.String(), want) {
		t.Errorf("log %q lacks %q", log, want)
	}
}

func TestCGIRequestContextKillsScript(t *testing.T) {
	site := newCGISite(t)
	pids := filepath.Join(t.TempDir(), "pids")
	site.script("cgi-bin/wait.sh", cgiPIDScript(pids)+"wait\n")
	ts := NewServer(t, &CGI{Root: site.root, Timeout: time.Minute})
	done := make(chan struct{})
	go func() {
		defer close(done)
		conn, err := tls.Dial("tcp", ts.Addr, &tls.Config{InsecureSkipVerify: true})
		if err != nil {
			return
		}
		defer conn.Close()
		conn.SetDeadline(time.Now().Add(10 * time.Second))
		io.WriteString(conn, ts.URL+"/cgi-bin/wait.sh\r\n")
		io.ReadAll(conn)
	}()
	procs := cgiReadPIDs(t, pids, 3)
	ts.Server.Close() // ends every request's context
	cgiWaitGone(t, procs)
	<-done
}

func TestCGIKillsLeftoversAtExit(t *testing.T) {
	site := newCGISite(t)
	pids := filepath.Join(t.TempDir(), "pids")
	// The background sleeps hold the script's stdout open: the response
	// ends only because they are killed when the script exits.
	site.script("cgi-bin/leave.sh", cgiPIDScript(pids)+"printf '20 text/plain\\r\\ndone\\n'\n")
	ts := NewServer(t, &CGI{Root: site.root, Timeout: time.Minute})
	resp, body := cgiFetch(t, ts, "/cgi-bin/leave.sh", nil)
	if resp.Status != client.StatusSuccess || body != "done\n" || resp.Truncated() {
		t.Errorf("got %d %q %q (truncated: %v), want 20 \"done\\n\"", resp.Status, resp.Meta, body, resp.Truncated())
	}
	cgiWaitGone(t, cgiReadPIDs(t, pids, 3))
}

func TestCGIProcess(t *testing.T) {
	site := newCGISite(t)
	const header = "printf '20 text/plain\\r\\n'\n"
	site.script("cgi-bin/stdin.sh", header+`if read line; then echo "got $line"; else echo eof; fi`+"\n")
	site.script("cgi-bin/sub/cwd.sh", header+"pwd -P\n")
	site.script("cgi-bin/argv.sh", header+`echo "$0 $#"`+"\n")
	site.script("cgi-bin/stderr.sh", header+"echo oops >&2\necho done\n")
	site.script("cgi-bin/exit.sh", header+"echo partial\nexit 3\n")
	site.file("cgi-bin/broken.sh", "#!/nonexistent/interpreter\n", 0o755)
	cwd, err := filepath.EvalSymlinks(site.path("cgi-bin/sub"))
	if err != nil {
		t.Fatal(err)
	}
	log := new(syncBuffer)
	ts := NewServer(t, &CGI{Root: site.root, Stderr: log})

	tests := []struct {
		name, path, want, wantLog string
	}{
		{"stdin is empty and closed", "/cgi-bin/stdin.sh", "20 text/plain\r\neof\n", ""},
		{"working directory is the script's", "/cgi-bin/sub/cwd.sh", "20 text/plain\r\n" + cwd + "\n", ""},
		{"the script's path is its only argument", "/cgi-bin/argv.sh", "20 text/plain\r\n" + site.path("cgi-bin/argv.sh") + " 0\n", ""},
		{"stderr goes to Stderr", "/cgi-bin/stderr.sh", "20 text/plain\r\ndone\n", "oops\n"},
		{"non-zero exit after the body", "/cgi-bin/exit.sh", "20 text/plain\r\npartial\n", "/cgi-bin/exit.sh: exit status 3"},
		{"script that cannot start", "/cgi-bin/broken.sh", "42 CGI error: the script could not be started\r\n", "/cgi-bin/broken.sh: "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := cgiRawGet(t, ts, ts.URL+tt.path); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
			if !strings.Contains(log.String(), tt.wantLog) {
				t.Errorf("log %q lacks %q", log, tt.wantLog)
			}
		})
	}
}
