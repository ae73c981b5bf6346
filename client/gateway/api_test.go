package gateway

import (
	"fmt"
	"io"
	"net"
	"strings"
	"testing"
	"time"

	"propus/client"
	"propus/testserver"
	"propus/tofu"
)

// hijack returns a handler that takes over the connection and runs f on it.
func hijack(f func(tc net.Conn, raw net.Conn)) testserver.Handler {
	return testserver.HandlerFunc(func(w testserver.ResponseWriter, r *testserver.Request) {
		tc, raw := w.(testserver.Hijacker).Hijack()
		f(tc, raw)
	})
}

// wait blocks a handler until the test ends or the server closes.
func wait(t *testing.T) testserver.Handler {
	done := make(chan struct{})
	t.Cleanup(func() { close(done) })
	return testserver.HandlerFunc(func(w testserver.ResponseWriter, r *testserver.Request) {
		select {
		case <-done:
		case <-r.Context().Done():
		}
	})
}

// TestAPIContract checks each row of Port of Call's contract, as propus
// keeps it and where propus is right instead.
func TestAPIContract(t *testing.T) {
	fiveMiB := strings.Repeat("x", client.DefaultMaxSize)
	tests := []struct {
		name    string
		handler testserver.Handler // the capsule; nil: none
		path    string             // requested on the capsule
		body    string             // the API request; %s is the capsule's URL + path
		code    int
		want    string
	}{
		{"page", testserver.Page("text/gemini", "# Hi\n"), "/", `{"url":"%s"}`, 200,
			`{"success":true,"status":20,"meta":"text/gemini","body":"# Hi\n"}`},
		{"the port stays in the request line", testserver.HandlerFunc(func(w testserver.ResponseWriter, r *testserver.Request) {
			w.WriteHeader(20, "text/plain")
			io.WriteString(w, r.RawURL)
		}), "/x", `{"url":"%s"}`, 200, `{"success":true,"status":20,"meta":"text/plain","body":"%s"}`},
		{"non-2x has an empty body", testserver.Reply(51, "Not here"), "/", `{"url":"%s"}`, 200,
			`{"success":true,"status":51,"meta":"Not here","body":""}`},
		{"a redirect is not followed", testserver.Reply(31, "/new"), "/", `{"url":"%s"}`, 200,
			`{"success":true,"status":31,"meta":"/new","body":""}`},
		{"charset decoded", testserver.Page("text/plain; charset=iso-8859-1", "caf\xe9"), "/", `{"url":"%s"}`, 200,
			`{"success":true,"status":20,"meta":"text/plain; charset=iso-8859-1","body":"café"}`},
		{"5 MiB exactly", testserver.Page("text/plain", fiveMiB), "/", `{"url":"%s"}`, 200,
			`{"success":true,"status":20,"meta":"text/plain","body":"` + fiveMiB + `"}`},
		{"over 5 MiB", testserver.Page("text/plain", fiveMiB+"y"), "/", `{"url":"%s"}`, 500,
			`{"success":false,"error":"Response too large (max 5MB)"}`},
		{"closes without a byte", testserver.Raw(""), "/", `{"url":"%s"}`, 500,
			`{"success":false,"error":"No response from server"}`},
		{"no CRLF", testserver.Raw("20 text/gemini"), "/", `{"url":"%s"}`, 500,
			`{"success":false,"error":"Invalid Gemini response format"}`},
		{"no space", testserver.Raw("20text/gemini\r\n"), "/", `{"url":"%s"}`, 500,
			`{"success":false,"error":"Invalid Gemini header format"}`},
		{"META too long", testserver.Raw("20 " + strings.Repeat("m", 1025) + "\r\n"), "/", `{"url":"%s"}`, 500,
			`{"success":false,"error":"Invalid Gemini header format"}`},
		{"status not a number", testserver.Raw("2x text/gemini\r\n"), "/", `{"url":"%s"}`, 500,
			`{"success":false,"error":"Invalid status code"}`},
		{"status out of range", testserver.Raw("99 what\r\n"), "/", `{"url":"%s"}`, 500,
			`{"success":false,"error":"Invalid status code"}`},
		{"lenient: undefined code in a class", testserver.Raw("29 text/gemini\r\nhi"), "/", `{"url":"%s"}`, 200,
			`{"success":true,"status":29,"meta":"text/gemini","body":"hi"}`},
		{"lenient: no META on a failure", testserver.Raw("51\r\n"), "/", `{"url":"%s"}`, 200,
			`{"success":true,"status":51,"meta":"","body":""}`},
		{"lenient: bare LF", testserver.Raw("20 text/gemini\nhi"), "/", `{"url":"%s"}`, 200,
			`{"success":true,"status":20,"meta":"text/gemini","body":"hi"}`},
		{"reset mid-body", hijack(func(tc, raw net.Conn) {
			io.WriteString(tc, "20 text/plain\r\npart of it")
			raw.(*net.TCPConn).SetLinger(0)
			raw.Close()
		}), "/", `{"url":"%s"}`, 500, `reset`},
		{"silent server", wait(t), "/", `{"url":"%s","timeout":200}`, 500,
			`{"success":false,"error":"Connection timeout"}`},
		{"trickling server: timeout is a total deadline", hijack(func(tc, raw net.Conn) {
			io.WriteString(tc, "20 text/plain\r\n")
			for i := 0; i < 500; i++ {
				if _, err := io.WriteString(tc, "."); err != nil {
					return
				}
				time.Sleep(20 * time.Millisecond) // the trickle itself, not a wait for a result
			}
		}), "/", `{"url":"%s","timeout":"300"}`, 500, `{"success":false,"error":"Connection timeout"}`},
		{"gemini:// optional", testserver.Page("text/gemini", "ok"), "/", `{"url":"%s"}`, 200,
			`{"success":true,"status":20,"meta":"text/gemini","body":"ok"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ts := capsule(t, tt.handler)
			target := ts.URL + tt.path
			if tt.name == "gemini:// optional" {
				target = strings.TrimPrefix(target, "gemini://")
			}
			base := serve(t, local(ts.Port))
			resp, got := apiCall(t, base, fmt.Sprintf(tt.body, target))
			want := tt.want
			if strings.Contains(want, "%s") {
				want = fmt.Sprintf(want, target)
			}
			if resp.StatusCode != tt.code {
				t.Errorf("HTTP %d, want %d: %.200s", resp.StatusCode, tt.code, got)
			}
			if want == "reset" {
				if !strings.HasPrefix(got, `{"success":false,"error":"Connection reset by the server after `) {
					t.Errorf("got %.200s, want the reset mid-body said in words", got)
				}
				return
			}
			if got != want {
				t.Errorf("got  %.300s\nwant %.300s", got, want)
			}
			if ct := resp.Header.Get("Content-Type"); ct != "application/json" {
				t.Errorf("Content-Type %q", ct)
			}
		})
	}
}

// TestAPINeverAnswers: a server that accepts TCP and never starts TLS
// answers "Connection timeout" at the request's deadline.
func TestAPINeverAnswers(t *testing.T) {
	port := hang(t)
	base := serve(t, local(port))
	start := time.Now()
	resp, got := apiCall(t, base, fmt.Sprintf(`{"url":"gemini://127.0.0.1:%d/","timeout":250}`, port))
	if resp.StatusCode != 500 || got != `{"success":false,"error":"Connection timeout"}` {
		t.Errorf("HTTP %d %s", resp.StatusCode, got)
	}
	if d := time.Since(start); d < 250*time.Millisecond || d > 5*time.Second {
		t.Errorf("answered after %s, want about 250ms", d)
	}
}

// TestAPITimeoutClamped: a timeout under 100 ms (here as a numeric string)
// waits 100 ms.
func TestAPITimeoutClamped(t *testing.T) {
	port := hang(t)
	base := serve(t, local(port))
	start := time.Now()
	_, got := apiCall(t, base, fmt.Sprintf(`{"url":"gemini://127.0.0.1:%d/","timeout":"1"}`, port))
	if d := time.Since(start); got != `{"success":false,"error":"Connection timeout"}` || d < MinTimeout {
		t.Errorf("%s after %s, want a timeout after at least %s", got, d, MinTimeout)
	}
}

func TestParseTimeout(t *testing.T) {
	for raw, want := range map[string]time.Duration{
		"": DefaultTimeout, "null": DefaultTimeout, "5000": 5 * time.Second, `"5000"`: 5 * time.Second,
		"1": MinTimeout, "-5": MinTimeout, "99999999": MaxTimeout, `" 250 "`: 250 * time.Millisecond, "1500.5": 1500500 * time.Microsecond,
	} {
		if got, ok := parseTimeout([]byte(raw)); !ok || got != want {
			t.Errorf("parseTimeout(%s) = %s, %v; want %s", raw, got, ok, want)
		}
	}
	for _, raw := range []string{"true", `"soon"`, `"NaN"`, `"Inf"`, "[1]", "{}"} {
		if _, ok := parseTimeout([]byte(raw)); ok {
			t.Errorf("parseTimeout(%s) accepted", raw)
		}
	}
}

// TestAPIRequestErrors: what the API answers before it fetches anything.
func TestAPIRequestErrors(t *testing.T) {
	base := serve(t, local())
	tests := []struct {
		method, path, ctype, body string
		code                      int
		want                      string
	}{
		{"POST", "/api/gemini/fetch", "application/json", `{}`, 400, `{"success":false,"error":"URL is required"}`},
		{"POST", "/api/gemini/fetch", "application/json", `{"url":""}`, 400, `{"success":false,"error":"URL is required"}`},
		{"POST", "/api/gemini/fetch", "application/json", `{"url":null}`, 400, `{"success":false,"error":"URL is required"}`},
		{"POST", "/api/gemini/fetch", "application/json", `{"url":5}`, 400, `{"success":false,"error":"Invalid request: \"url\" must be a string"}`},
		{"POST", "/api/gemini/fetch", "application/json", `{"url":"x.org","timeout":true}`, 400, `{"success":false,"error":"Invalid request: \"timeout\" must be a number of milliseconds"}`},
		{"POST", "/api/gemini/fetch", "application/json", `{"url":`, 400, `{"success":false,"error":"Invalid JSON body"}`},
		{"POST", "/api/gemini/fetch", "application/json", `[1,2]`, 400, `{"success":false,"error":"Invalid JSON body"}`},
		{"POST", "/api/gemini/fetch", "application/json", `not json`, 400, `{"success":false,"error":"Invalid JSON body"}`},
		{"POST", "/api/gemini/fetch", "application/json", `{"url":"https://example.org/"}`, 400, `{"success":false,"error":"Invalid Gemini URL format"}`},
		{"POST", "/api/gemini/fetch", "application/json", `{"url":"gemini://example.org:99999/"}`, 400, `{"success":false,"error":"Invalid Gemini URL format"}`},
		{"POST", "/api/gemini/fetch", "application/json", `{"url":"gemini://"}`, 400, `{"success":false,"error":"Invalid Gemini URL format"}`},
		{"POST", "/api/gemini/fetch", "application/json", `{"url":"` + strings.Repeat("a", MaxRequestBody) + `"}`, 413, `{"success":false,"error":"Request body too large (max 1MB)"}`},
		{"GET", "/api/gemini/fetch", "", "", 405, `{"success":false,"error":"Method not allowed. Use POST."}`},
		{"PUT", "/api/gemini/fetch", "application/json", `{}`, 405, `{"success":false,"error":"Method not allowed. Use POST."}`},
		{"DELETE", "/api/gemini/fetch", "", "", 405, `{"success":false,"error":"Method not allowed. Use POST."}`},
		{"POST", "/api/gopher/fetch", "application/json", `{}`, 404, `{"success":false,"error":"Not found"}`},
		{"GET", "/api/", "", "", 405, `{"success":false,"error":"Method not allowed. Use POST."}`},
		{"GET", "/api/gopher/fetch", "", "", 405, `{"success":false,"error":"Method not allowed. Use POST."}`},
		{"POST", "/api/", "application/json", `{}`, 404, `{"success":false,"error":"Not found"}`},
	}
	for _, tt := range tests {
		resp, got := do(t, tt.method, base+tt.path, tt.body, "Content-Type", tt.ctype)
		if resp.StatusCode != tt.code || got != tt.want {
			t.Errorf("%s %s %.40s: HTTP %d %s, want %d %s", tt.method, tt.path, tt.body, resp.StatusCode, got, tt.code, tt.want)
		}
		if tt.code == 405 && resp.Header.Get("Allow") != "POST" {
			t.Errorf("%s: Allow %q", tt.method, resp.Header.Get("Allow"))
		}
		for h, v := range map[string]string{"Content-Type": "application/json", "Cache-Control": "no-store",
			"X-Content-Type-Options": "nosniff", "X-Frame-Options": "DENY"} {
			if resp.Header.Get(h) != v {
				t.Errorf("%s %s: %s is %q, want %q", tt.method, tt.path, h, resp.Header.Get(h), v)
			}
		}
	}
}

// TestAPICertificate: a self-signed capsule is trusted on first use; a
// changed certificate is refused, naming both fingerprints.
func TestAPICertificate(t *testing.T) {
	ts := capsule(t, testserver.Page("text/gemini", "hello"))
	g := local(ts.Port)
	g.Hosts = &tofu.Store{}
	base := serve(t, g)
	body := fmt.Sprintf(`{"url":"%s/"}`, ts.URL)
	if resp, got := apiCall(t, base, body); resp.StatusCode != 200 || !strings.Contains(got, `"success":true`) {
		t.Fatalf("first sight: HTTP %d %s", resp.StatusCode, got)
	}
	old := tofu.PublicKeyPin(ts.Certificate())
	cert := ts.RotateCertificate()
	resp, got := apiCall(t, base, body)
	want := fmt.Sprintf(`{"success":false,"error":"Certificate changed for %s: the pinned key is %s, the server presented %s; not trusted"}`,
		ts.Addr, old, tofu.PublicKeyPin(cert))
	if resp.StatusCode != 500 || got != want {
		t.Errorf("changed: HTTP %d\n got %s\nwant %s", resp.StatusCode, got, want)
	}
}
