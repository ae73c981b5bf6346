package testserver

import (
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"propus/client"
)

// get fetches url with c and returns the header and body as one string.
func get(t *testing.T, c *client.Client, url string) (string, *client.Response, error) {
	t.Helper()
	resp, err := c.Get(t.Context(), url)
	if err != nil {
		return "", nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	return fmt.Sprintf("%d %s\r\n%s", resp.Status, resp.Meta, body), resp, err
}

func TestTestServerURLs(t *testing.T) {
	sni := make(chan string, 1)
	ts := NewServer(t, HandlerFunc(func(w ResponseWriter, r *Request) {
		sni <- r.ServerName
		fmt.Fprintf(w, "%s", r.URL)
	}))
	if want := fmt.Sprintf("gemini://127.0.0.1:%d", ts.Port); ts.URL != want || ts.Addr != want[len("gemini://"):] {
		t.Errorf("URL %q, Addr %q; want %q", ts.URL, ts.Addr, want)
	}
	for _, tc := range []struct {
		url, sni string
	}{
		{ts.URL + "/a", ""}, // no SNI for an IP literal
		{ts.URLFor("/b"), "localhost"},
	} {
		got, _, err := get(t, ts.Client(), tc.url)
		if want := "20 text/gemini\r\n" + tc.url; err != nil || got != want {
			t.Errorf("%s: %q, %v; want %q", tc.url, got, err, want)
		}
		if s := <-sni; s != tc.sni {
			t.Errorf("%s: SNI %q, want %q", tc.url, s, tc.sni)
		}
	}
	if want := fmt.Sprintf("gemini://localhost:%d/b", ts.Port); ts.URLFor("/b") != want {
		t.Errorf("URLFor: %q, want %q", ts.URLFor("/b"), want)
	}
}

func TestTestServerCertificate(t *testing.T) {
	ts := NewServer(t, Page("text/gemini", "hi"))
	cert := ts.Certificate()
	for _, name := range []string{"localhost", "127.0.0.1", "::1"} {
		if err := cert.VerifyHostname(name); err != nil {
			t.Errorf("certificate: %v", err)
		}
	}
	_, resp, err := get(t, ts.Client(), ts.URL+"/")
	if err != nil || !resp.Certificate.Equal(cert) {
		t.Errorf("the server presented another certificate (%v)", err)
	}
}

// pinned returns a client that trusts only cert, and keeps TLS sessions.
func pinned(cert *x509.Certificate) *client.Client {
	return &client.Client{TrustCertificate: func(_ string, chain []*x509.Certificate) error {
		if !chain[0].Equal(cert) {
			return errors.New("certificate changed")
		}
		return nil
	}}
}

func TestTestServerRotateCertificate(t *testing.T) {
	ts := NewServer(t, Page("text/gemini", "hi"))
	old := ts.Certificate()
	oldClient := pinned(old)
	for _, url := range []string{ts.URL + "/", ts.URLFor("/")} {
		// Twice: the second request resumes the first's session.
		for i := range 2 {
			_, resp, err := get(t, oldClient, url)
			if err != nil {
				t.Fatalf("before rotation: %v", err)
			}
			if i == 1 && !resp.TLS.DidResume {
				t.Errorf("%s: the session was not resumed before the rotation", url)
			}
		}
	}

	rotated := ts.RotateCertificate()
	if rotated.Equal(old) || !ts.Certificate().Equal(rotated) {
		t.Fatal("RotateCertificate did not change the certificate")
	}
	for _, url := range []string{ts.URL + "/", ts.URLFor("/")} {
		// The old certificate's client must see the new certificate, even
		// with a session from before the rotation to resume.
		if _, _, err := get(t, oldClient, url); err == nil || !strings.Contains(err.Error(), "certificate changed") {
			t.Errorf("%s: the client that pinned the old certificate got %v, want a rejection", url, err)
		}
		got, resp, err := get(t, ts.Client(), url)
		if err != nil || got != "20 text/gemini\r\nhi" || !resp.Certificate.Equal(rotated) {
			t.Errorf("%s: a fresh Client got %q, %v", url, got, err)
		}
		if _, _, err := get(t, pinned(rotated), url); err != nil {
			t.Errorf("%s: a client that pinned the new certificate: %v", url, err)
		}
	}
}

// fakeTB records the cleanups NewServer registers.
type fakeTB struct {
	mu       sync.Mutex
	cleanups []func()
}

func (*fakeTB) Helper() {}

func (f *fakeTB) Cleanup(fn func()) {
	f.mu.Lock()
	f.cleanups = append(f.cleanups, fn)
	f.mu.Unlock()
}

func (*fakeTB) Fatalf(format string, args ...any) { panic(fmt.Sprintf(format, args...)) }

func (f *fakeTB) cleanup() {
	for i := len(f.cleanups) - 1; i >= 0; i-- {
		f.cleanups[i]()
	}
}

// refused reports whether nothing listens on addr any more.
func refused(addr string) bool {
	c, err := net.DialTimeout("tcp", addr, time.Second)
	if err == nil {
		c.Close()
	}
	return err != nil
}

func TestTestServerClose(t *testing.T) {
	ts := NewServer(t, Page("text/gemini", "hi"))
	if _, _, err := get(t, ts.Client(), ts.URL+"/"); err != nil {
		t.Fatal(err)
	}
	ts.Close()
	ts.Close() // idempotent
	if !refused(ts.Addr) {
		t.Error("still listening after Close")
	}
	if _, _, err := get(t, ts.Client(), ts.URL+"/"); err == nil {
		t.Error("a request succeeded after Close")
	}
}

func TestTestServerCleanupCloses(t *testing.T) {
	for _, start := range []bool{true, false} {
		tb := &fakeTB{}
		var ts *TestServer
		if start {
			ts = NewServer(tb, Page("text/gemini", "hi"))
			if _, _, err := get(t, ts.Client(), ts.URL+"/"); err != nil {
				t.Fatal(err)
			}
		} else {
			ts = NewUnstartedServer(tb, Page("text/gemini", "hi"))
		}
		tb.cleanup()
		if !refused(ts.Addr) {
			t.Errorf("started %v: still listening after the test's cleanup", start)
		}
		ts.Close() // and Close after the cleanup does no harm
	}
}

func TestTestServerStartTwicePanics(t *testing.T) {
	ts := NewServer(t, Page("text/gemini", "hi"))
	defer func() {
		if recover() == nil {
			t.Error("a second Start did not panic")
		}
	}()
	ts.Start()
}
