package gateway

import (
	"crypto/x509"
	"errors"
	"net"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"golang.org/x/time/rate"

	"propus/client"
	"propus/tofu"
	"propus/tofu/hostport"
)

// The limits a Gateway uses when its fields are zero.
const (
	DefaultTimeout           = 10 * time.Second // a fetch without "timeout"
	MinTimeout               = 100 * time.Millisecond
	MaxTimeout               = 60 * time.Second
	DefaultMaxConns          = 64
	DefaultMaxConnsPerClient = 8
	DefaultClientRate        = rate.Limit(5) // fetches a second per client IP
	DefaultClientBurst       = 20
	DefaultHostRate          = rate.Limit(5) // fetches a second per capsule
	DefaultHostBurst         = 20
)

// MaxRequestBody caps the body of an API request: 1 MiB, as Port of Call.
const MaxRequestBody = 1 << 20

// A Gateway serves Port of Call's POST /api/gemini/fetch and an HTML view
// of Gemini space. Its zero value is a safe gateway for one person on
// loopback: public targets on port 1965 only, an in-memory known-hosts
// store, the Host header limited to loopback names and the default limits.
// Set the fields before the first request; do not change them after.
type Gateway struct {
	// Hosts checks server certificates (trust on first use). Nil means a
	// store in memory only.
	Hosts *tofu.Store

	// AllowPrivate lets the gateway dial loopback, private and other
	// non-public addresses: for a local capsule under test.
	AllowPrivate bool
	// AllowPorts are ports dialled besides Gemini's, hostport.DefaultPort.
	AllowPorts []int

	// Hostnames are the names the Host header may carry (a port after
	// them is ignored). Empty means localhost, 127.0.0.1 and ::1.
	Hostnames []string
	// CORSOrigins are the cross-origin Origins allowed to call the API
	// ("https://example.org", exactly). Any other cross-origin request is
	// refused with 403.
	CORSOrigins []string

	// Public turns on what a gateway open to the Internet owes capsule
	// authors: each capsule's robots.txt is honoured for "User-agent:
	// webproxy".
	Public bool
	// BlockHosts are capsule host names never fetched (opt-outs).
	BlockHosts []string

	// MaxConns and MaxConnsPerClient bound upstream fetches in progress,
	// in all and per client IP; ClientRate/ClientBurst and
	// HostRate/HostBurst bound fetches a second per client IP and per
	// capsule host. Zero means the Default… value; rate.Inf turns a rate
	// off.
	MaxConns, MaxConnsPerClient int
	ClientRate, HostRate        rate.Limit
	ClientBurst, HostBurst      int

	// MaxSize caps a capsule's body in bytes; zero means
	// client.DefaultMaxSize (5 MiB, Port of Call's cap).
	MaxSize int64

	// Logf logs each fetch (without its query, so an answer to a prompt
	// is never logged) and problems saving known hosts. Nil logs nothing.
	Logf func(format string, args ...any)

	once    sync.Once
	mux     *http.ServeMux
	base    *client.Client
	limits  *limiter
	robots  *robotsCache
	blocked map[string]bool
}

func (g *Gateway) init() {
	g.once.Do(func() {
		if g.Hosts == nil {
			g.Hosts = &tofu.Store{}
		}
		ports := map[int]bool{hostport.DefaultPort: true}
		for _, p := range g.AllowPorts {
			ports[p] = true
		}
		max := g.MaxSize
		if max == 0 {
			max = client.DefaultMaxSize
		}
		g.base = &client.Client{
			DialContext: (&dialer{allowPrivate: g.AllowPrivate, ports: ports}).DialContext,
			MaxSize:     max,
		}
		g.limits = newLimiter(g)
		g.robots = &robotsCache{}
		g.blocked = map[string]bool{}
		for _, h := range g.BlockHosts {
			g.blocked[blockKey(h)] = true
		}
		g.mux = http.NewServeMux()
		g.routes(g.mux)
	})
}

// ServeHTTP answers the API and the HTML view.
func (g *Gateway) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	g.init()
	g.guard(g.mux).ServeHTTP(w, r)
}

func (g *Gateway) routes(mux *http.ServeMux) {
	mux.HandleFunc("POST /api/gemini/fetch", g.serveFetch)
	mux.HandleFunc("/api/", methodNotAllowed)
	mux.HandleFunc("POST /api/", func(w http.ResponseWriter, r *http.Request) {
		writeAPIError(w, http.StatusNotFound, "Not found")
	})
	mux.HandleFunc("GET /{$}", g.serveHome)
	mux.HandleFunc("GET /robots.txt", serveRobots)
	mux.HandleFunc("GET /style.css", serveStyle)
	mux.HandleFunc("GET /gemini/{rest...}", g.servePage)
	mux.HandleFunc("POST /gemini/{rest...}", g.serveAnswer)
	mux.HandleFunc("GET /raw/{rest...}", g.serveRaw)
}

// trust is the known-hosts check for one fetch: it records the store's
// decision, for the page footer.
func (g *Gateway) trust(res *tofu.Result) func(string, []*x509.Certificate) error {
	return func(address string, chain []*x509.Certificate) error {
		r, err := g.Hosts.Check(address, chain)
		var saveErr *tofu.SaveError
		if errors.As(err, &saveErr) {
			g.logf("gateway: known hosts not saved: %v", saveErr)
			err = nil
		}
		*res = r
		return err
	}
}

func (g *Gateway) logf(format string, args ...any) {
	if g.Logf != nil {
		g.Logf(format, args...)
	}
}

// blockKey is the form a host name is blocked and looked up under: as
// requests carry it (punycode, lower case, no trailing dot), so that
// "bücher.example" blocks "xn--bcher-kva.example".
func blockKey(host string) string {
	if h, err := hostport.NormalizeHost(host); err == nil {
		return h
	}
	return strings.ToLower(strings.TrimSuffix(host, "."))
}

// hostAllowed reports whether the Host header names this gateway.
func (g *Gateway) hostAllowed(hostport string) bool {
	host := strings.ToLower(strings.TrimSuffix(hostOnly(hostport), "."))
	names := g.Hostnames
	if len(names) == 0 {
		names = []string{"localhost", "127.0.0.1", "::1"}
	}
	return host != "" && slices.ContainsFunc(names, func(n string) bool { return strings.EqualFold(strings.Trim(n, "[]"), host) })
}

// hostOnly returns the host of "host:port", "[v6]:port" or a bare host.
func hostOnly(hostport string) string {
	if h, _, err := net.SplitHostPort(hostport); err == nil {
		return h
	}
	return strings.Trim(hostport, "[]")
}
