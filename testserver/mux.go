package testserver

import (
	"regexp"
	"strings"
	"sync"
)

// Mux routes requests by host and path, as jetforce's application does.
//
// A pattern is an optional host followed by a path regular expression:
// "/blog/(?P<slug>[^/]+)" or "example.com/.*". The expression must match
// the whole decoded path; its named groups become Request.Params. A route
// with a host matches only that host (case-insensitive). Unless the route
// was added with HandleStrict, a trailing "/" of the path is ignored when
// matching ("/docs/" matches "/docs"). The route registered last wins, so
// specific routes can be layered over a catch-all. A request no route
// matches gets "51 Not found".
//
// The zero Mux is ready to use.
type Mux struct {
	mu     sync.RWMutex
	routes []route
	mw     []Middleware
}

type route struct {
	host   string
	re     *regexp.Regexp
	strict bool
	h      Handler
}

// NewMux returns an empty Mux.
func NewMux() *Mux { return new(Mux) }

// Handle registers h for pattern. It panics on a pattern that does not
// compile, as regexp.MustCompile does.
func (m *Mux) Handle(pattern string, h Handler) { m.add(pattern, h, false) }

// HandleFunc registers f for pattern.
func (m *Mux) HandleFunc(pattern string, f func(ResponseWriter, *Request)) {
	m.add(pattern, HandlerFunc(f), false)
}

// HandleStrict registers h for pattern with the trailing slash
// significant.
func (m *Mux) HandleStrict(pattern string, h Handler) { m.add(pattern, h, true) }

// Use adds middleware around every route of the mux.
func (m *Mux) Use(mw ...Middleware) {
	m.mu.Lock()
	m.mw = append(m.mw, mw...)
	m.mu.Unlock()
}

func (m *Mux) add(pattern string, h Handler, strict bool) {
	host, path := "", pattern
	if !strings.HasPrefix(pattern, "/") && !strings.HasPrefix(pattern, ".") && !strings.HasPrefix(pattern, "^") {
		if i := strings.IndexByte(pattern, '/'); i > 0 {
			host, path = strings.ToLower(pattern[:i]), pattern[i:]
		}
	}
	re := regexp.MustCompile(`^(?:` + strings.TrimSuffix(strings.TrimPrefix(path, "^"), "$") + `)$`)
	m.mu.Lock()
	m.routes = append(m.routes, route{host: host, re: re, strict: strict, h: h})
	m.mu.Unlock()
}

// ServeGemini dispatches the request to the route registered last that
// matches it.
func (m *Mux) ServeGemini(w ResponseWriter, r *Request) {
	m.mu.RLock()
	h, params := m.match(r)
	mw := m.mw
	m.mu.RUnlock()
	if params != nil {
		r2 := *r
		r2.Params = params
		r = &r2
	}
	Chain(h, mw...).ServeGemini(w, r)
}

func (m *Mux) match(r *Request) (Handler, map[string]string) {
	path := r.URL.Path
	if path == "" {
		path = "/"
	}
	loose := path
	if len(loose) > 1 {
		loose = strings.TrimSuffix(loose, "/")
	}
	for i := len(m.routes) - 1; i >= 0; i-- {
		rt := m.routes[i]
		if rt.host != "" && !strings.EqualFold(rt.host, r.URL.Hostname()) {
			continue
		}
		p := loose
		if rt.strict {
			p = path
		}
		sub := rt.re.FindStringSubmatch(p)
		if sub == nil && !rt.strict && p != path {
			sub = rt.re.FindStringSubmatch(path)
		}
		if sub == nil {
			continue
		}
		params := map[string]string{}
		for j, name := range rt.re.SubexpNames() {
			if name != "" {
				params[name] = sub[j]
			}
		}
		return rt.h, params
	}
	return HandlerFunc(NotFound), nil
}
