package testserver

import (
	"bufio"
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"propus/client"
)

// requestTable is every row of the bad-request table that ParseRequest
// decides, plus normalisation cases; it seeds FuzzParseRequest too.
var requestTable = []struct {
	line   string
	status client.Status // 0: accepted
	url    string        // the normalised URL when accepted
}{
	{"gemini://h:1965/", 0, "gemini://h/"},
	{"gemini://h:7000/", 0, "gemini://h:7000/"},
	{"gemini://h:7000", 0, "gemini://h:7000/"}, // empty path: no redirect
	{"gemini://h/", 0, "gemini://h/"},
	{"gemini://H.Example:7000/Path", 0, "gemini://h.example:7000/Path"},
	{"GEMINI://h/", 0, "gemini://h/"},
	{"gemini://h/a/../b/./c", client.StatusBadRequest, ""}, // not canonical
	{"gemini://localhost/../../", client.StatusBadRequest, ""},
	{"gemini://h/%2e%2E/x", client.StatusBadRequest, ""},
	{"gemini://h/.%2e", client.StatusBadRequest, ""},
	{"gemini://h/a/%2E", client.StatusBadRequest, ""},
	{"gemini://h/a%2F..%2Fb", client.StatusBadRequest, ""},
	{"gemini://h/a/..b/.c/...", 0, "gemini://h/a/..b/.c/..."},
	{"gemini://h/search?hello%20world", 0, "gemini://h/search?hello%20world"},
	{"gemini://h/?", 0, "gemini://h/?"},
	{"gemini://bücher.example/", 0, "gemini://xn--bcher-kva.example/"},
	{"gemini://[::1]:7000/", 0, "gemini://[::1]:7000/"},
	{"gemini://127.0.0.1:7000/", 0, "gemini://127.0.0.1:7000/"},
	{"gemini://h/" + strings.Repeat("a", 1024-len("gemini://h/")), 0, "gemini://h/" + strings.Repeat("a", 1024-len("gemini://h/"))},
	{"gemini://h/" + strings.Repeat("a", 1025-len("gemini://h/")), client.StatusBadRequest, ""},
	{"/", client.StatusBadRequest, ""},
	{"//h:7000/", client.StatusBadRequest, ""},
	{"", client.StatusBadRequest, ""},
	{"Hello Gemini!", client.StatusBadRequest, ""},
	{"gemini://u@h/", client.StatusBadRequest, ""},
	{"gemini://u:p@h/", client.StatusBadRequest, ""},
	{"gemini://h/#x", client.StatusBadRequest, ""},
	{"gemini://h/#", client.StatusBadRequest, ""},
	{"\uFEFFgemini://h/", client.StatusBadRequest, ""},
	{"gemini://h/\xff", client.StatusBadRequest, ""},
	{"gemini://h/\x00", client.StatusBadRequest, ""},
	{"gemini://h/\t", client.StatusBadRequest, ""},
	{"gemini://h/\n", client.StatusBadRequest, ""},
	{"gemini:", client.StatusBadRequest, ""},
	{"gemini:opaque", client.StatusBadRequest, ""},
	{"gemini:///path", client.StatusBadRequest, ""},
	{"gemini://h:99999/", client.StatusBadRequest, ""},
	{"gemini://h:port/", client.StatusBadRequest, ""},
	{"gemini://h%zz/", client.StatusBadRequest, ""},
	{"https://h:7000/", client.StatusProxyRequestRefused, ""},
	{"http://h/", client.StatusProxyRequestRefused, ""},
	{"http:", client.StatusProxyRequestRefused, ""},
	{"gopher://h:70/", client.StatusProxyRequestRefused, ""},
	{"data:text/plain,hello", client.StatusProxyRequestRefused, ""},
	{"titan://h/upload;size=3", client.StatusProxyRequestRefused, ""},
}

func TestParseRequest(t *testing.T) {
	for _, tc := range requestTable {
		u, err := ParseRequest(tc.line)
		if tc.status == 0 {
			if err != nil || u.String() != tc.url {
				t.Errorf("ParseRequest(%q) = %v, %v; want %q", tc.line, u, err, tc.url)
			}
			continue
		}
		var re *RequestError
		if !errors.As(err, &re) || re.Status != tc.status || re.Meta == "" {
			t.Errorf("ParseRequest(%q) = %v, %v; want a %d RequestError", tc.line, u, err, tc.status)
			continue
		}
		if want := tc.status.String() + ": " + re.Meta; err.Error() != want {
			t.Errorf("Error() = %q, want %q", err.Error(), want)
		}
	}
}

func TestReadRequestLine(t *testing.T) {
	url1024 := "gemini://h/" + strings.Repeat("a", 1024-len("gemini://h/"))
	for _, tc := range []struct {
		name, wire, line string
		err              error // errNoRequest, a *RequestError (tooLong) or nil
	}{
		{"CRLF", "gemini://h/\r\n", "gemini://h/", nil},
		{"bytes after CRLF", "gemini://h/\r\nmore\r\n", "gemini://h/", nil},
		{"empty line", "\r\n", "", nil},
		{"1024 bytes", url1024 + "\r\n", url1024, nil},
		{"1025 bytes", url1024 + "a\r\n", "", tooLong},
		{"1025 bytes, no terminator", url1024 + "a", "", tooLong},
		{"1024 bytes and CR, then more", url1024 + "\rx", "", tooLong},
		{"bare LF", "gemini://h/\n", "", errNoRequest},
		{"LF then CRLF", "gemini://h/\nx\r\n", "gemini://h/\nx", nil}, // ParseRequest refuses it
		{"no terminator", "gemini://h/", "", errNoRequest},
		{"CR alone", "gemini://h/\r", "", errNoRequest},
		{"nothing", "", "", errNoRequest},
	} {
		line, err := readRequestLine(bufio.NewReader(strings.NewReader(tc.wire)))
		var re *RequestError
		switch {
		case tc.err == tooLong:
			if !errors.As(err, &re) || re.Status != client.StatusBadRequest {
				t.Errorf("%s: %q, %v; want 59", tc.name, line, err)
			}
		case !errors.Is(err, tc.err) || tc.err == nil && line != tc.line:
			t.Errorf("%s: %q, %v; want %q, %v", tc.name, line, err, tc.line, tc.err)
		}
	}
}

// tooLong stands for a 59 RequestError in TestReadRequestLine's table.
var tooLong = errors.New("too long")

func TestRequestContextAndParams(t *testing.T) {
	r := &Request{Params: map[string]string{"slug": "x"}}
	if r.Context() != context.Background() {
		t.Error("a Request without a context should report context.Background")
	}
	if r.Param("slug") != "x" || r.Param("missing") != "" {
		t.Errorf("Param: %q %q", r.Param("slug"), r.Param("missing"))
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	r2 := r.WithContext(ctx)
	if r2 == r || r2.Context() != ctx || r.Context() != context.Background() {
		t.Error("WithContext must return a copy with the new context and leave r alone")
	}
}

func TestRequestFields(t *testing.T) {
	got := make(chan *Request, 1)
	ctxErr := make(chan error, 1)
	ts := NewServer(t, HandlerFunc(func(w ResponseWriter, r *Request) {
		ctxErr <- r.Context().Err()
		got <- r
	}))
	id, err := GenerateCertificate([]string{"alice"}, 24*time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	req, err := client.NewRequest(ts.URLFor("/p?q"))
	if err != nil {
		t.Fatal(err)
	}
	req.Certificate = &id
	resp, err := ts.Client().Do(t.Context(), req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	r := <-got
	switch {
	case r.RawURL != ts.URLFor("/p?q"):
		t.Errorf("RawURL %q", r.RawURL)
	case r.URL.Path != "/p" || r.URL.RawQuery != "q" || r.URL.Hostname() != "localhost":
		t.Errorf("URL %q", r.URL)
	case !strings.HasPrefix(r.RemoteAddr, "127.0.0.1:") || r.LocalAddr != ts.Addr:
		t.Errorf("RemoteAddr %q, LocalAddr %q", r.RemoteAddr, r.LocalAddr)
	case r.TLS == nil || r.ServerName != "localhost":
		t.Errorf("TLS %v, ServerName %q", r.TLS, r.ServerName)
	case r.Certificate == nil || !r.Certificate.Equal(id.Leaf):
		t.Errorf("Certificate %v, want the client's", r.Certificate)
	}
	if err := <-ctxErr; err != nil {
		t.Errorf("the context was done while the handler ran: %v", err)
	}
	select {
	case <-r.Context().Done():
	case <-time.After(5 * time.Second):
		t.Error("the context is not done after the connection closed")
	}
}
