//go:build unix

package testserver

import (
	"crypto/tls"
	"io"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"propus/client"
)

// TestCGIClientLeavesBeforeHeader checks that a script still thinking
// about its header is killed as soon as its client goes away, not at the
// timeout.
func TestCGIClientLeavesBeforeHeader(t *testing.T) {
	site := newCGISite(t)
	pids := filepath.Join(t.TempDir(), "pids")
	site.script("cgi-bin/think.sh", cgiPIDScript(pids)+"wait\n")
	ts := NewServer(t, &CGI{Root: site.root, Timeout: time.Minute})
	conn, err := tls.Dial("tcp", ts.Addr, &tls.Config{InsecureSkipVerify: true})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.WriteString(conn, ts.URL+"/cgi-bin/think.sh\r\n"); err != nil {
		t.Fatal(err)
	}
	procs := cgiReadPIDs(t, pids, 3)
	conn.Close()
	cgiWaitGone(t, procs)
}

// TestCGIStderrCapped checks that a script's standard error reaches the
// log only up to maxCGIStderr bytes, the rest counted.
func TestCGIStderrCapped(t *testing.T) {
	site := newCGISite(t)
	site.script("cgi-bin/noisy.sh", `i=0
while [ $i -lt 3300 ]; do
	echo xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx
	i=$((i+1))
done >&2
printf '20 text/plain\r\nok'
`)
	log := new(syncBuffer)
	ts := NewServer(t, &CGI{Root: site.root, Stderr: log})
	if resp, body := cgiFetch(t, ts, "/cgi-bin/noisy.sh", nil); resp.Status != client.StatusSuccess || body != "ok" {
		t.Fatalf("got %d %q", resp.Status, body)
	}
	got := log.String()
	if n := strings.Count(got, "x"); n > maxCGIStderr {
		t.Errorf("%d bytes of standard error logged, want at most %d", n, maxCGIStderr)
	}
	if want := "/cgi-bin/noisy.sh: 145664 more bytes of standard error dropped"; !strings.Contains(got, want) {
		t.Errorf("log lacks %q", want)
	}
}

// TestCGISubjectControlCharacters checks that a client certificate whose
// subject holds a line break or an escape is refused with 62 before any
// script runs.
func TestCGISubjectControlCharacters(t *testing.T) {
	site := newCGISite(t)
	site.script("cgi-bin/env.sh", "printf '20 text/plain\\r\\n'\necho shell\nexec env\n")
	ts := NewServer(t, &CGI{Root: site.root})
	for _, cn := range []string{"alice\nINJECTED=1", "\x1b[31mred"} {
		cert, _ := cgiCertificate(t, cn, false, nil, nil)
		resp, body := cgiFetch(t, ts, "/cgi-bin/env.sh", &cert)
		if resp.Status != client.StatusCertificateNotValid || strings.Contains(body, "INJECTED") {
			t.Errorf("CN %q: got %d %q %q, want 62", cn, resp.Status, resp.Meta, body)
		}
	}
	cert, _ := cgiCertificate(t, "alice", false, nil, nil)
	if resp, _ := cgiFetch(t, ts, "/cgi-bin/env.sh", &cert); resp.Status != client.StatusSuccess {
		t.Errorf("CN alice: got %d %q, want 20", resp.Status, resp.Meta)
	}
}
