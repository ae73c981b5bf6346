package gateway

import (
	"bytes"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"golang.org/x/time/rate"

	"propus/testserver"
)

// capsule starts a testserver with h and returns it.
func capsule(t *testing.T, h testserver.Handler) *testserver.TestServer {
	t.Helper()
	return testserver.NewServer(t, h)
}

// local is a gateway for tests against loopback capsules on ports: private
// targets allowed, no rate limits.
func local(ports ...int) *Gateway {
	return &Gateway{AllowPrivate: true, AllowPorts: ports, ClientRate: rate.Inf, HostRate: rate.Inf}
}

// serve starts g behind httptest and returns its base URL.
func serve(t *testing.T, g *Gateway) string {
	t.Helper()
	srv := httptest.NewServer(g)
	t.Cleanup(srv.Close)
	return srv.URL
}

// apiCall posts body to the API with Content-Type application/json and
// returns the status and the body.
func apiCall(t *testing.T, base, body string) (*http.Response, string) {
	t.Helper()
	return do(t, "POST", base+"/api/gemini/fetch", body, "Content-Type", "application/json")
}

// do sends one request with headers given as name, value pairs.
func do(t *testing.T, method, url, body string, headers ...string) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		if strings.EqualFold(headers[i], "Host") {
			req.Host = headers[i+1]
			continue
		}
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := noRedirect.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, string(bytes.TrimSuffix(b, []byte("\n")))
}

var noRedirect = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

// hang is a TCP listener on 127.0.0.1 that accepts connections and never
// writes a byte (not even a TLS handshake).
func hang(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var conns []net.Conn
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
		}
	}()
	t.Cleanup(func() {
		ln.Close()
		mu.Lock()
		defer mu.Unlock()
		for _, c := range conns {
			c.Close()
		}
	})
	return ln.Addr().(*net.TCPAddr).Port
}

// logBuffer collects a gateway's log lines.
type logBuffer struct {
	mu    sync.Mutex
	lines []string
}

func (l *logBuffer) Logf(format string, args ...any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.lines = append(l.lines, fmt.Sprintf(format, args...))
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return strings.Join(l.lines, "\n")
}
