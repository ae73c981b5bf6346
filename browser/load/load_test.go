package load

import (
	"crypto/tls"
	"errors"
	"io"
	"net/url"
	"path/filepath"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"

	"propus/browser/content"
	"propus/client"
	"propus/gemtext"
	"propus/testserver"
	"propus/tofu"
)

func mustURL(t *testing.T, s string) *url.URL {
	t.Helper()
	u, err := url.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// drain runs the stream's commands until the body is done, and returns
// the lines.
func drain(t *testing.T, s *Stream) []gemtext.Line {
	t.Helper()
	var lines []gemtext.Line
	for {
		c := s.Next()().(ChunkMsg)
		lines = append(lines, c.Lines...)
		if c.Done {
			if c.Err != nil {
				t.Fatal(c.Err)
			}
			return lines
		}
	}
}

func hostsStore(t *testing.T) *tofu.Store {
	t.Helper()
	hosts, err := tofu.Open(filepath.Join(t.TempDir(), "known_hosts"))
	if err != nil {
		t.Fatal(err)
	}
	return hosts
}

// A load over real TLS: the header, then the body in batches, with the
// key it was started with; the first visit is pinned in the handshake.
func TestFetch(t *testing.T) {
	t.Parallel()
	mux := testserver.NewMux()
	mux.Handle("/", testserver.Page("text/gemini; lang=fr", "# Bonjour\n=> /x Lien\n"))
	mux.Handle("/plain", testserver.Page("text/plain", "a\r\nb\n"))
	mux.Handle("/file", testserver.HandlerFunc(func(w testserver.ResponseWriter, r *testserver.Request) {
		w.WriteHeader(client.StatusSuccess, "application/zip")
		w.Write([]byte("PK"))
		w.Flush()
		<-t.Context().Done() // the body stays open
	}))
	s := testserver.NewServer(t, mux)
	l := New(nil, hostsStore(t))
	defer l.Close()
	ctx, cancel := l.Context()
	defer cancel()

	key := Key{Tab: 3, Seq: 7}
	h := l.Fetch(ctx, Request{Key: key, URL: mustURL(t, s.URL+"/")})().(HeaderMsg)
	if h.LoadKey() != key || h.Status != client.StatusSuccess || h.MIME != "text/gemini" || h.Lang != "fr" || h.Trust.Outcome != tofu.FirstSight {
		t.Fatalf("header %+v", h)
	}
	if lines := drain(t, h.Stream); len(lines) != 2 || lines[0].Kind != gemtext.Heading || lines[1].URL != "/x" {
		t.Errorf("lines %+v", lines)
	}

	h = l.Fetch(ctx, Request{Key: key, URL: mustURL(t, s.URL+"/plain")})().(HeaderMsg)
	if lines := drain(t, h.Stream); len(lines) != 2 || lines[0].Kind != gemtext.Preformatted || lines[0].Text != "a" {
		t.Errorf("plain text lines %+v", lines)
	}

	h = l.Fetch(ctx, Request{Key: key, URL: mustURL(t, s.URL+"/file")})().(HeaderMsg)
	if h.Kind != content.Downloadable || h.Resp == nil || h.Stream != nil {
		t.Fatalf("a download: %+v", h)
	}
	h.Discard()                                        // a stale one is closed
	if _, err := io.ReadAll(h.Resp.Body); err == nil { // closed: an error, not a wait for the rest
		t.Error("Discard left the body open")
	}
}

// An identity that does not load is not sent, and the header says why.
func TestFetchIdentityNotice(t *testing.T) {
	t.Parallel()
	s := testserver.NewServer(t, testserver.Page("text/gemini", "# Hi\n"))
	l := New(nil, nil)
	defer l.Close()
	ctx, cancel := l.Context()
	defer cancel()
	fail := func() (string, *tls.Certificate, error) { return "", nil, errors.New("identity alice not sent: gone") }
	h := l.Fetch(ctx, Request{URL: mustURL(t, s.URL+"/"), Identity: fail})().(HeaderMsg)
	if h.Notice != "identity alice not sent: gone" || h.Identity != "" {
		t.Errorf("header %+v", h)
	}
	drain(t, h.Stream)
}

// A changed certificate refuses the load before anything is sent, and
// names the certificate refused.
func TestFetchChangedCertificate(t *testing.T) {
	t.Parallel()
	s := testserver.NewServer(t, testserver.Page("text/gemini", "# Hi\n"))
	hosts := hostsStore(t)
	l := New(nil, hosts)
	defer l.Close()
	ctx, cancel := l.Context()
	defer cancel()
	u := mustURL(t, s.URL+"/")
	drain(t, l.Fetch(ctx, Request{URL: u})().(HeaderMsg).Stream)
	s.RotateCertificate()
	e, ok := l.Fetch(ctx, Request{URL: u})().(ErrMsg)
	if !ok || e.Cert == nil {
		t.Fatalf("after the rotation: %#v", e)
	}
	if _, changed := errors.AsType[*tofu.ChangedError](e.Err); !changed {
		t.Errorf("the error is %v", e.Err)
	}
}

// Close cancels every load the loader started; Reopen starts afresh.
func TestCloseCancels(t *testing.T) {
	t.Parallel()
	s := testserver.NewServer(t, testserver.HandlerFunc(func(w testserver.ResponseWriter, r *testserver.Request) {
		<-t.Context().Done()
	}))
	l := New(&client.Client{}, nil)
	ctx, cancel := l.Context()
	defer cancel()
	done := make(chan tea.Msg)
	go func() { done <- l.Fetch(ctx, Request{URL: mustURL(t, s.URL+"/")})() }()
	l.Close()
	if e, ok := (<-done).(ErrMsg); !ok || !IsCanceled(e.Err) {
		t.Errorf("after Close: %#v", e)
	}
}

func TestChainStatus(t *testing.T) {
	t.Parallel()
	via := []*url.URL{mustURL(t, "gemini://a.example/one?secret"), mustURL(t, "gemini://a.example/two"), mustURL(t, "gemini://b.example/three")}
	if got := ChainStatus(via, 100); got != "↪ 2 redirects: /one?… → /two → gemini://b.example/three" {
		t.Errorf("wide: %q", got)
	}
	if got := ChainStatus(via, 40); got != "↪ 2 redirects from /one?…" {
		t.Errorf("narrow: %q", got)
	}
	if got := ChainStatus(via[:1], 100); got != "" {
		t.Errorf("no hop: %q", got)
	}
}

func TestURLHelpers(t *testing.T) {
	t.Parallel()
	u := mustURL(t, "gemini://a.example/p?q=1#f")
	if got := WithoutQuery(u).String(); got != "gemini://a.example/p" {
		t.Errorf("WithoutQuery: %q", got)
	}
	if got := ElideQuery(u); got != "gemini://a.example/p?…" || !strings.Contains(u.String(), "q=1") {
		t.Errorf("ElideQuery: %q (u %s)", got, u)
	}
	if SchemeOf("HTTPS://x") != "https" || SchemeOf("/relative") != "" {
		t.Error("SchemeOf")
	}
}
