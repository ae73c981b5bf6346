package gateway

import (
	"fmt"
	"net/http"
	"net/netip"
	"strconv"
	"strings"
	"sync"
	"testing"

	"propus/testserver"
)

// TestSSRF: targets that are not public are refused at dial time, whatever
// name or spelling reaches them, unless AllowPrivate is set.
func TestSSRF(t *testing.T) {
	ts := capsule(t, testserver.Page("text/gemini", "secret"))
	port := strconv.Itoa(ts.Port)
	g := &Gateway{AllowPorts: []int{ts.Port}}
	base := serve(t, g)
	for _, target := range []string{
		"gemini://127.0.0.1:" + port + "/",
		"gemini://[::1]:" + port + "/",
		"gemini://10.0.0.1:" + port + "/",
		"gemini://[::ffff:127.0.0.1]:" + port + "/",
		"gemini://localhost:" + port + "/", // a name that resolves to a private address
		"gemini://169.254.169.254:" + port + "/",
		"gemini://100.64.0.1:" + port + "/",
		"gemini://0.0.0.0:" + port + "/",
	} {
		resp, got := apiCall(t, base, `{"url":"`+target+`","timeout":2000}`)
		if resp.StatusCode != http.StatusForbidden || !strings.HasPrefix(got, `{"success":false,"error":"Blocked: `) || strings.Contains(got, "secret") {
			t.Errorf("%s: HTTP %d %s", target, resp.StatusCode, got)
		}
	}
	// The HTML view dials through the same check.
	if resp, body := do(t, "GET", base+"/gemini/127.0.0.1:"+port+"/", ""); resp.StatusCode != http.StatusForbidden || strings.Contains(body, "secret") {
		t.Errorf("HTML view: HTTP %d", resp.StatusCode)
	}

	allowed := serve(t, &Gateway{AllowPrivate: true, AllowPorts: []int{ts.Port}})
	if resp, got := apiCall(t, allowed, `{"url":"gemini://localhost:`+port+`/"}`); resp.StatusCode != 200 || !strings.Contains(got, "secret") {
		t.Errorf("--allow-private: HTTP %d %s", resp.StatusCode, got)
	}
}

// TestAllowedPorts: only 1965 and AllowPorts are dialled.
func TestAllowedPorts(t *testing.T) {
	ts := capsule(t, testserver.Page("text/gemini", "hi"))
	base := serve(t, &Gateway{AllowPrivate: true})
	resp, got := apiCall(t, base, fmt.Sprintf(`{"url":"%s/"}`, ts.URL))
	want := fmt.Sprintf(`{"success":false,"error":"Blocked: %s is on port %d, which is not allowed (see --allow-port)"}`, ts.Addr, ts.Port)
	if resp.StatusCode != http.StatusForbidden || got != want {
		t.Errorf("HTTP %d %s, want %s", resp.StatusCode, got, want)
	}
}

func TestPrivateReason(t *testing.T) {
	for addr, want := range map[string]string{
		"8.8.8.8": "", "2001:4860:4860::8888": "", "1.1.1.1": "",
		"127.0.0.1": "a loopback address", "127.8.9.10": "a loopback address", "::1": "a loopback address",
		"10.1.2.3": "a private address", "172.16.0.1": "a private address", "192.168.1.1": "a private address", "fd00::1": "a private address",
		"169.254.169.254": "a link-local address", "fe80::1": "a link-local address",
		"224.0.0.1": "a multicast or broadcast address", "ff02::1": "a multicast or broadcast address", "255.255.255.255": "a multicast or broadcast address",
		"0.0.0.0": "an unspecified address", "::": "an unspecified address", "0.1.2.3": "an unspecified address",
		"100.64.0.1": "a shared (CGNAT) address", "100.127.255.254": "a shared (CGNAT) address",
		"::ffff:127.0.0.1": "an IPv4 address embedded in IPv6", "::ffff:8.8.8.8": "an IPv4 address embedded in IPv6",
		"64:ff9b::a00:1": "an IPv4 address embedded in IPv6", "2002:a00:1::1": "an IPv4 address embedded in IPv6",
		"198.18.0.1": "a reserved address", "240.0.0.1": "a reserved address",
	} {
		if got := privateReason(netip.MustParseAddr(addr)); got != want {
			t.Errorf("privateReason(%s) = %q, want %q", addr, got, want)
		}
	}
}

// TestHostOriginContentType: the rules that keep a web page from using the
// gateway to reach into the user's network.
func TestHostOriginContentType(t *testing.T) {
	ts := capsule(t, testserver.Page("text/gemini", "hi"))
	g := local(ts.Port)
	g.CORSOrigins = []string{"https://app.example"}
	base := serve(t, g)
	host := strings.TrimPrefix(base, "http://")
	body := fmt.Sprintf(`{"url":"%s/"}`, ts.URL)
	api := base + "/api/gemini/fetch"
	tests := []struct {
		name    string
		method  string
		url     string
		body    string
		headers []string
		code    int
	}{
		{"JSON", "POST", api, body, []string{"Content-Type", "application/json"}, 200},
		{"JSON with charset", "POST", api, body, []string{"Content-Type", "application/json; charset=utf-8"}, 200},
		{"localhost", "POST", api, body, []string{"Content-Type", "application/json", "Host", "localhost:" + strings.Split(host, ":")[1]}, 200},
		{"a rebinding name in Host", "POST", api, body, []string{"Content-Type", "application/json", "Host", "evil.example:" + strings.Split(host, ":")[1]}, http.StatusMisdirectedRequest},
		{"a rebinding name in Host, HTML", "GET", base + "/", "", []string{"Host", "evil.example"}, http.StatusMisdirectedRequest},
		{"cross-origin", "POST", api, body, []string{"Content-Type", "application/json", "Origin", "https://evil.example"}, http.StatusForbidden},
		{"Origin null", "POST", api, body, []string{"Content-Type", "application/json", "Origin", "null"}, http.StatusForbidden},
		{"cross-origin GET", "GET", base + "/gemini/127.0.0.1:" + strconv.Itoa(ts.Port) + "/", "", []string{"Origin", "https://evil.example"}, http.StatusForbidden},
		{"CORS origin", "POST", api, body, []string{"Content-Type", "application/json", "Origin", "https://app.example"}, 200},
		{"CORS preflight", "OPTIONS", api, "", []string{"Origin", "https://app.example", "Access-Control-Request-Method", "POST"}, http.StatusNoContent},
		{"CORS origin, form", "POST", api, body, []string{"Content-Type", "text/plain", "Origin", "https://app.example"}, http.StatusUnsupportedMediaType},
		{"same origin", "POST", api, body, []string{"Content-Type", "application/json", "Origin", base}, 200},
		{"form POST without Origin", "POST", api, body, []string{"Content-Type", "application/x-www-form-urlencoded"}, http.StatusUnsupportedMediaType},
		{"text/plain POST", "POST", api, body, []string{"Content-Type", "text/plain"}, http.StatusUnsupportedMediaType},
		{"no Content-Type", "POST", api, body, nil, http.StatusUnsupportedMediaType},
		{"same-origin form POST (Sec-Fetch-Site)", "POST", api, body, []string{"Content-Type", "text/plain", "Sec-Fetch-Site", "same-origin"}, 200},
		{"same-origin text POST (Origin)", "POST", api, body, []string{"Content-Type", "text/plain", "Origin", base}, 200},
		{"same-origin form POST from a no-referrer page", "POST", base + "/gemini/127.0.0.1:" + strconv.Itoa(ts.Port) + "/", "input=x", []string{"Content-Type", "application/x-www-form-urlencoded", "Origin", "null", "Sec-Fetch-Site", "same-origin"}, http.StatusSeeOther},
		{"cross-site form POST to the answer route", "POST", base + "/gemini/127.0.0.1:" + strconv.Itoa(ts.Port) + "/", "input=x", []string{"Content-Type", "application/x-www-form-urlencoded", "Sec-Fetch-Site", "cross-site"}, http.StatusUnsupportedMediaType},
	}
	for _, tt := range tests {
		resp, got := do(t, tt.method, tt.url, tt.body, tt.headers...)
		if resp.StatusCode != tt.code {
			t.Errorf("%s: HTTP %d, want %d: %.200s", tt.name, resp.StatusCode, tt.code, got)
		}
		if tt.name == "CORS origin" && resp.Header.Get("Access-Control-Allow-Origin") != "https://app.example" {
			t.Errorf("CORS: Access-Control-Allow-Origin %q", resp.Header.Get("Access-Control-Allow-Origin"))
		}
		if tt.name == "cross-origin" && resp.Header.Get("Access-Control-Allow-Origin") != "" {
			t.Errorf("cross-origin: Access-Control-Allow-Origin %q", resp.Header.Get("Access-Control-Allow-Origin"))
		}
	}
}

// TestRateLimits: per client, per host and in flight, each 429 with
// Retry-After.
func TestRateLimits(t *testing.T) {
	ts := capsule(t, testserver.Page("text/gemini", "hi"))
	body := fmt.Sprintf(`{"url":"%s/"}`, ts.URL)

	perClient := serve(t, &Gateway{AllowPrivate: true, AllowPorts: []int{ts.Port}, ClientRate: 0.001, ClientBurst: 2})
	for i := range 3 {
		resp, got := apiCall(t, perClient, body)
		if i < 2 && resp.StatusCode != 200 || i == 2 && (resp.StatusCode != 429 || resp.Header.Get("Retry-After") == "" ||
			!strings.Contains(got, "Too many requests: too many fetches from your address")) {
			t.Errorf("per client, request %d: HTTP %d %s (Retry-After %q)", i+1, resp.StatusCode, got, resp.Header.Get("Retry-After"))
		}
	}

	perHost := serve(t, &Gateway{AllowPrivate: true, AllowPorts: []int{ts.Port}, HostRate: 0.001, HostBurst: 1})
	apiCall(t, perHost, body)
	if resp, got := apiCall(t, perHost, body); resp.StatusCode != 429 || !strings.Contains(got, "too many fetches from 127.0.0.1") {
		t.Errorf("per host: HTTP %d %s", resp.StatusCode, got)
	}
	if resp, _ := do(t, "GET", perHost+"/gemini/127.0.0.1:"+strconv.Itoa(ts.Port)+"/", ""); resp.StatusCode != 429 || resp.Header.Get("Retry-After") == "" {
		t.Errorf("per host, HTML: HTTP %d", resp.StatusCode)
	}
}

// TestConnectionLimit: fetches in progress past MaxConnsPerClient, or past
// MaxConns, are refused while the others wait on a silent capsule.
func TestConnectionLimit(t *testing.T) {
	for _, tt := range []struct {
		name string
		set  func(*Gateway)
		want string
	}{
		{"per client", func(g *Gateway) { g.MaxConnsPerClient = 2 }, "too many fetches in progress from your address"},
		{"in all", func(g *Gateway) { g.MaxConns = 2 }, "the gateway is busy"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			started := make(chan struct{}, 4)
			release := make(chan struct{})
			ts := capsule(t, testserver.HandlerFunc(func(w testserver.ResponseWriter, r *testserver.Request) {
				started <- struct{}{}
				<-release
				w.WriteHeader(20, "text/gemini")
			}))
			g := local(ts.Port)
			tt.set(g)
			base := serve(t, g)
			body := fmt.Sprintf(`{"url":"%s/"}`, ts.URL)
			var wg sync.WaitGroup
			for range 2 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					apiCall(t, base, body)
				}()
			}
			<-started
			<-started
			resp, got := apiCall(t, base, body)
			close(release)
			wg.Wait()
			if resp.StatusCode != 429 || resp.Header.Get("Retry-After") != "1" || !strings.Contains(got, tt.want) {
				t.Errorf("third fetch: HTTP %d %s", resp.StatusCode, got)
			}
		})
	}
}

// TestServerTimeouts: NewServer sets every http.Server limit.
func TestServerTimeouts(t *testing.T) {
	s := NewServer("127.0.0.1:0", &Gateway{})
	if s.ReadHeaderTimeout <= 0 || s.ReadTimeout <= 0 || s.WriteTimeout <= MaxTimeout || s.IdleTimeout <= 0 || s.MaxHeaderBytes <= 0 {
		t.Errorf("server limits: %+v", s)
	}
}
