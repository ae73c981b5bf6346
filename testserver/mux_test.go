package testserver

import (
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"sync"
	"testing"
)

// echo answers with name and the sorted route parameters.
func echo(name string) Handler {
	return HandlerFunc(func(w ResponseWriter, r *Request) {
		fmt.Fprint(w, name)
		for _, k := range slices.Sorted(maps.Keys(r.Params)) {
			fmt.Fprintf(w, " %s=%s", k, r.Params[k])
		}
	})
}

func TestMux(t *testing.T) {
	m := NewMux()
	m.Handle(".*", echo("catch-all"))
	m.Handle("/blog/(?P<year>[0-9]{4})/(?P<slug>[^/]+)", echo("post"))
	m.Handle("/layered", echo("first"))
	m.Handle("/layered", echo("second")) // registered last: wins
	m.Handle("/docs", echo("docs"))
	m.HandleStrict("/strict", echo("strict"))
	m.HandleStrict("/strict-dir/", echo("strict-dir"))
	m.Handle("LocalHost/host-only", echo("host-route"))
	m.HandleFunc("/func", func(w ResponseWriter, _ *Request) { io.WriteString(w, "func") })

	only := NewMux()
	only.Handle("/only", echo("only"))

	ts, _ := quietServer(t, HandlerFunc(func(w ResponseWriter, r *Request) {
		if strings.HasPrefix(r.URL.Path, "/only") || r.URL.Path == "/none" {
			only.ServeGemini(w, r)
			return
		}
		m.ServeGemini(w, r)
	}), 0)
	byName := "gemini://localhost:" + fmt.Sprint(ts.Port)
	for _, tc := range []struct {
		url, want string
	}{
		{ts.URL + "/anything", "20 text/gemini\r\ncatch-all"},
		{ts.URL, "20 text/gemini\r\ncatch-all"},
		{ts.URL + "/blog/2026/hello-world", "20 text/gemini\r\npost slug=hello-world year=2026"},
		{ts.URL + "/blog/2026/hello-world/", "20 text/gemini\r\npost slug=hello-world year=2026"},
		{ts.URL + "/blog/26/hello-world", "20 text/gemini\r\ncatch-all"},
		{ts.URL + "/layered", "20 text/gemini\r\nsecond"},
		{ts.URL + "/docs", "20 text/gemini\r\ndocs"},
		{ts.URL + "/docs/", "20 text/gemini\r\ndocs"},        // loose: the trailing slash is ignored
		{ts.URL + "/strict", "20 text/gemini\r\nstrict"},     // strict: exact
		{ts.URL + "/strict/", "20 text/gemini\r\ncatch-all"}, // strict: no match with the slash
		{ts.URL + "/strict-dir/", "20 text/gemini\r\nstrict-dir"},
		{ts.URL + "/strict-dir", "20 text/gemini\r\ncatch-all"},
		{byName + "/host-only", "20 text/gemini\r\nhost-route"}, // host matched case-insensitively
		{ts.URL + "/host-only", "20 text/gemini\r\ncatch-all"},  // another host
		{ts.URL + "/func", "20 text/gemini\r\nfunc"},
		{ts.URL + "/only", "20 text/gemini\r\nonly"},
		{ts.URL + "/only/more", "51 Not found\r\n"}, // the pattern matches the whole path
		{ts.URL + "/none", "51 Not found\r\n"},
	} {
		rep := rawExchange(t, ts.Addr, tc.url+"\r\n")
		if rep.Data != tc.want {
			t.Errorf("%s: got %q, want %q", tc.url, rep.Data, tc.want)
		}
	}
}

func TestMuxMiddlewareOrder(t *testing.T) {
	var mu sync.Mutex
	var order []string
	note := func(s string) {
		mu.Lock()
		order = append(order, s)
		mu.Unlock()
	}
	trace := func(name string) Middleware {
		return func(next Handler) Handler {
			return HandlerFunc(func(w ResponseWriter, r *Request) {
				note(name + ">")
				next.ServeGemini(w, r)
				note("<" + name)
			})
		}
	}
	m := NewMux()
	m.Use(trace("a"), trace("b"))
	m.Use(trace("c"))
	m.Handle("/x", HandlerFunc(func(w ResponseWriter, r *Request) { note("x") }))
	ts, _ := quietServer(t, m, 0)
	for _, tc := range []struct {
		path, reply string
		order       []string
	}{
		{"/x", "20 text/gemini\r\n", []string{"a>", "b>", "c>", "x", "<c", "<b", "<a"}},
		// A request no route matches goes through the middleware too.
		{"/missing", "51 Not found\r\n", []string{"a>", "b>", "c>", "<c", "<b", "<a"}},
	} {
		rep := rawExchange(t, ts.Addr, ts.URL+tc.path+"\r\n")
		mu.Lock()
		got := order
		order = nil
		mu.Unlock()
		if rep.Data != tc.reply || !slices.Equal(got, tc.order) {
			t.Errorf("%s: got %q after %q, want %q after %q", tc.path, rep.Data, got, tc.reply, tc.order)
		}
	}
}

func TestMuxBadPatternPanics(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("Handle with a pattern that does not compile did not panic")
		}
	}()
	NewMux().Handle("/(", echo("x"))
}

func TestChain(t *testing.T) {
	var order []string
	mw := func(name string) Middleware {
		return func(next Handler) Handler {
			return HandlerFunc(func(w ResponseWriter, r *Request) {
				order = append(order, name)
				next.ServeGemini(w, r)
			})
		}
	}
	h := Chain(HandlerFunc(func(ResponseWriter, *Request) { order = append(order, "h") }), mw("outer"), mw("inner"))
	h.ServeGemini(nil, nil)
	if want := []string{"outer", "inner", "h"}; !slices.Equal(order, want) {
		t.Errorf("order %q, want %q", order, want)
	}
}
