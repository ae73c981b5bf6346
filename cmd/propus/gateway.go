package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"net"
	"net/http"
	"net/netip"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"syscall"

	"golang.org/x/time/rate"

	"propus/client/gateway"
	"propus/tofu"
)

const gatewayHelp = `Serves Port of Call's HTTP API, POST /api/gemini/fetch, and an HTML view of
Gemini space (http://ADDR/gemini/HOST/PATH) for web browsers.

Safe by default: only public addresses on port 1965 are dialled (checked on
the address actually dialled), the Host header must name the gateway,
cross-origin requests and form posts are refused, and requests are limited
in size, number and rate. On a loopback address the gateway is for you: it
checks certificates against your known hosts. On any other address it is in
public mode: it keeps a known-hosts file of its own, serves a robots.txt
that disallows everything and honours each capsule's robots.txt for
"User-agent: webproxy".`

func runGateway(e *env, args []string) int {
	g, listen, path, code := gatewayFromFlags(e, args)
	if g == nil {
		return code
	}
	fail := func(err error) int {
		fmt.Fprintf(e.stderr, "propus gateway: %v\n", err)
		return exitFailure
	}
	ln, err := net.Listen("tcp", listen)
	if err != nil {
		return fail(err)
	}
	mode := "personal mode (known hosts: " + path + ")"
	if g.Public {
		mode = "public mode (known hosts: " + path + "; robots.txt honoured)"
	}
	fmt.Fprintf(e.stderr, "propus gateway: listening on http://%s/ in %s\n", ln.Addr(), mode)
	if g.AllowPrivate {
		fmt.Fprintln(e.stderr, "propus gateway: warning: --allow-private: loopback, private and link-local targets can be fetched")
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := runUntil(ctx, gateway.NewServer(listen, g), ln, http.ErrServerClosed, log.New(e.stderr, "", 0)); err != nil {
		return fail(err)
	}
	return exitOK
}

// gatewayFromFlags builds the gateway the flags describe and returns it
// with the address to listen on and the known-hosts file it uses; or nil
// and the exit code when the command should stop.
func gatewayFromFlags(e *env, args []string) (*gateway.Gateway, string, string, int) {
	fs := flag.NewFlagSet("gateway", flag.ContinueOnError)
	listen := fs.String("listen", "127.0.0.1:8065", "listen on `ADDR:PORT`")
	allowPrivate := fs.Bool("allow-private", false, "allow loopback, private and other non-public targets (to test a local capsule)")
	var ports, hostnames, origins, blocked stringsFlag
	fs.Var(&ports, "allow-port", "also dial port `N` (repeatable; 1965 always)")
	fs.Var(&hostnames, "hostname", "a `NAME` the gateway is reached by, for the Host check (repeatable; default: the --listen host, and localhost on loopback)")
	fs.Var(&origins, "cors-origin", "let the web page at `ORIGIN` (scheme://host[:port], exactly) call the API (repeatable)")
	fs.Var(&blocked, "block-host", "never fetch from capsule `HOST` (an opt-out; repeatable)")
	knownHosts := fs.String("known-hosts", "", "known-hosts `FILE` (default: yours on loopback, gateway_known_hosts in the data directory in public mode)")
	clientRate := fs.Float64("rate", float64(gateway.DefaultClientRate), "fetches a second allowed per client address (`N`)")
	hostRate := fs.Float64("host-rate", float64(gateway.DefaultHostRate), "fetches a second allowed per capsule host (`N`)")
	maxConns := fs.Int("max-conns", gateway.DefaultMaxConns, "upstream fetches in progress at most (`N`)")
	perClient := fs.Int("max-conns-per-client", gateway.DefaultMaxConnsPerClient, "upstream fetches in progress at most per client address (`N`)")
	fs.Usage = usageFunc(fs, "[flags]", gatewayHelp)
	pos, done, code := parseFlags(fs, args, e.stdout, e.stderr)
	if done {
		return nil, "", "", code
	}
	fail := func(code int, format string, args ...any) (*gateway.Gateway, string, string, int) {
		fmt.Fprintf(e.stderr, "propus gateway: "+format+"\n", args...)
		return nil, "", "", code
	}
	if len(pos) > 0 {
		return fail(exitUsage, "unexpected argument %q (see propus gateway --help)", pos[0])
	}
	host, _, err := net.SplitHostPort(*listen)
	if err != nil {
		return fail(exitUsage, "--listen %q: want ADDR:PORT", *listen)
	}
	g := &gateway.Gateway{
		AllowPrivate: *allowPrivate, CORSOrigins: origins, BlockHosts: blocked,
		ClientRate: rate.Limit(*clientRate), HostRate: rate.Limit(*hostRate),
		MaxConns: *maxConns, MaxConnsPerClient: *perClient,
		Logf: log.New(e.stderr, "", log.LstdFlags).Printf,
	}
	for _, p := range ports {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 || n > 65535 {
			return fail(exitUsage, "--allow-port %q: want a port number", p)
		}
		g.AllowPorts = append(g.AllowPorts, n)
	}
	addr, err := netip.ParseAddr(host)
	loopback := host == "localhost" || err == nil && addr.IsLoopback()
	g.Public = !loopback
	g.Hostnames = append(g.Hostnames, hostnames...)
	switch {
	case loopback:
		g.Hostnames = append(g.Hostnames, "localhost", "127.0.0.1", "::1")
	case host != "" && (err != nil || !addr.IsUnspecified()):
		g.Hostnames = append(g.Hostnames, host)
	case len(hostnames) == 0:
		return fail(exitUsage, "listening on all addresses needs --hostname NAME (the names the gateway is reached by)")
	}
	path := *knownHosts
	if path == "" {
		path = e.paths.knownHosts
		if g.Public {
			path = filepath.Join(e.paths.dataDir, "gateway_known_hosts")
		}
	}
	if g.Hosts, err = tofu.Open(path); err != nil {
		return fail(exitFailure, "%v (fix or move the file; propus will not overwrite it)", err)
	}
	return g, *listen, path, exitOK
}
