package testserver

import (
	"context"
	"io"
	"strconv"
	"strings"
	"testing"
	"time"

	"propus/client"
)

// hostsServer starts a test server whose handler is made by mk from the
// server's port.
func hostsServer(t *testing.T, mk func(port int) Handler) *TestServer {
	t.Helper()
	ts := NewUnstartedServer(t, nil)
	ts.Server.Handler = mk(ts.Port)
	ts.Start()
	return ts
}

// TestVirtualHostsHostAndPort sends the host and port rows of the
// bad-request table on the wire, byte for byte, to a server that answers
// for localhost only.
func TestVirtualHostsHostAndPort(t *testing.T) {
	const refused = "53 This server does not allow proxy requests"
	ok := Page("text/gemini", "ok\r\n")
	// The server's own port, the default port 1965 (not the one it
	// listens on) and no port check.
	own := hostsServer(t, func(port int) Handler { return SingleHost("localhost", port, ok) })
	dflt := hostsServer(t, func(int) Handler { return SingleHost("localhost", 1965, ok) })
	noCheck := hostsServer(t, func(int) Handler { return SingleHost("localhost", 0, ok) })
	p := strconv.Itoa(own.Port)

	tests := []struct {
		name string
		ts   *TestServer
		url  string
		want string
	}{
		{"host and port", own, "gemini://localhost:" + p + "/", "20 text/gemini"},
		{"empty path", own, "gemini://localhost:" + p, "20 text/gemini"},
		{"no port", own, "gemini://localhost/", "20 text/gemini"},
		{"upper-case host", own, "gemini://LocalHost:" + p + "/", "20 text/gemini"},
		{"trailing dot", own, "gemini://localhost.:" + p + "/", "20 text/gemini"},
		{"port with a leading zero", own, "gemini://localhost:0" + p + "/", "20 text/gemini"},
		{"IPv4 literal", own, "gemini://127.0.0.1:" + p + "/", refused},
		{"IPv6 literal", own, "gemini://[::1]:" + p + "/", refused},
		{"foreign host", own, "gemini://example.com:" + p + "/", refused},
		{"foreign host, no port", own, "gemini://example.com/", refused},
		{"suffix of the host", own, "gemini://host:" + p + "/", refused},
		{"wrong port", own, "gemini://localhost:1/", refused},
		{"explicit default port, other port served", own, "gemini://localhost:1965/", refused},
		{"explicit default port, 1965 served", dflt, "gemini://localhost:1965/", "20 text/gemini"},
		{"no port, 1965 served", dflt, "gemini://localhost/", "20 text/gemini"},
		{"listening port, 1965 served", dflt, "gemini://localhost:" + strconv.Itoa(dflt.Port) + "/", refused},
		{"any port, no check", noCheck, "gemini://localhost:7/", "20 text/gemini"},
		{"foreign host, no port check", noCheck, "gemini://example.com:7/", refused},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rep := rawExchange(t, tt.ts.Addr, tt.url+"\r\n")
			if got := header(rep.Data); got != tt.want {
				t.Errorf("%s: got %q, want %q", tt.url, got, tt.want)
			}
		})
	}
}

// TestVirtualHostsIDN checks that a Unicode host name in the request and
// in the keys, in either form, meet as punycode.
func TestVirtualHostsIDN(t *testing.T) {
	for _, key := range []string{"bücher.example", "xn--bcher-kva.example", "BÜCHER.example"} {
		t.Run(key, func(t *testing.T) {
			ts := hostsServer(t, func(port int) Handler {
				return SingleHost(key, port, Page("text/plain", "books"))
			})
			p := strconv.Itoa(ts.Port)
			for _, u := range []string{"gemini://bücher.example:" + p + "/", "gemini://xn--bcher-kva.example:" + p + "/", "gemini://BÜCHER.EXAMPLE/"} {
				if got := header(rawExchange(t, ts.Addr, u+"\r\n").Data); got != "20 text/plain" {
					t.Errorf("%s: got %q, want 20", u, got)
				}
			}
			if got := header(rawExchange(t, ts.Addr, "gemini://bucher.example/\r\n").Data); !strings.HasPrefix(got, "53 ") {
				t.Errorf("bucher.example: got %q, want 53", got)
			}
		})
	}
}

// TestVirtualHostsRoutes reaches two virtual hosts on one server, as a
// client that resolves both names to it would, and checks that each has
// its own handler and that another name is refused.
func TestVirtualHostsRoutes(t *testing.T) {
	ts := hostsServer(t, func(port int) Handler {
		return VirtualHosts{Port: port, Hosts: map[string]Handler{
			"a.test": Page("text/gemini", "site A"),
			"B.Test": Page("text/gemini", "site B"),
		}}
	})
	c := ts.Client()
	tests := []struct {
		host   string
		status client.Status
		body   string
	}{
		{"a.test", client.StatusSuccess, "site A"},
		{"b.test", client.StatusSuccess, "site B"},
		{"c.test", client.StatusProxyRequestRefused, ""},
		{"localhost", client.StatusProxyRequestRefused, ""},
	}
	for _, tt := range tests {
		t.Run(tt.host, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			req, err := client.NewRequest("gemini://" + tt.host + ":" + strconv.Itoa(ts.Port) + "/")
			if err != nil {
				t.Fatal(err)
			}
			req.Host = ts.Addr
			resp, err := c.Do(ctx, req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			body, err := io.ReadAll(resp.Body)
			if err != nil {
				t.Fatal(err)
			}
			if resp.Status != tt.status || string(body) != tt.body {
				t.Errorf("got %d %q body %q, want %d body %q", resp.Status, resp.Meta, body, tt.status, tt.body)
			}
		})
	}
}
