package main

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"propus/client"
	"propus/client/identity"
	"propus/testserver"
	"propus/tofu"
)

const serveHelp = `Serves a directory over Gemini: static files, directory listings and CGI
scripts, with jetforce's flags. Without --tls-certfile, a self-signed
certificate for --hostname is made once, kept in the data directory and
reused; its fingerprint is printed at start. The access log goes to stdout,
errors to stderr. SIGINT or SIGTERM stops it cleanly (responses in flight
finish, for up to 10 seconds).

Differences from jetforce: requests with a fragment are refused (59); hidden
files are never served or listed; symbolic links that leave --dir are
refused; CGI scripts get no HOSTNAME, run in their own directory and time out
(--cgi-timeout); a CGI header must have a two-digit status; --rate-limit's
"h" means hours; the generated key is mode 0600 and lives in the data
directory; --vhost serves more hosts, each with its own certificate.`

// serveConfig is what the serve flags say.
type serveConfig struct {
	host, hostname               string
	port                         int
	certFile, keyFile            string
	caFile, caPath               string
	dir, cgiDir, indexFile, lang string
	rateLimit                    string
	cgiTimeout                   time.Duration
	vhosts                       vhostFlag
	certDir                      string
	stdout, stderr               io.Writer
}

// vhostFlag collects --vhost HOST=DIR[:CERTFILE:KEYFILE] values.
type vhostFlag []vhost

type vhost struct{ host, dir, certFile, keyFile string }

func (v *vhostFlag) String() string { return "" }

func (v *vhostFlag) Set(s string) error {
	host, rest, ok := strings.Cut(s, "=")
	if !ok || host == "" || rest == "" {
		return errors.New("want HOST=DIR or HOST=DIR:CERTFILE:KEYFILE")
	}
	parts := strings.Split(rest, ":")
	switch len(parts) {
	case 1:
		*v = append(*v, vhost{host: host, dir: parts[0]})
	case 3:
		*v = append(*v, vhost{host: host, dir: parts[0], certFile: parts[1], keyFile: parts[2]})
	default:
		return errors.New("want HOST=DIR or HOST=DIR:CERTFILE:KEYFILE")
	}
	return nil
}

func runServe(e *env, args []string) int {
	cfg := serveConfig{stdout: e.stdout, stderr: e.stderr, certDir: filepath.Join(e.paths.dataDir, "certs")}
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.StringVar(&cfg.host, "host", "127.0.0.1", "address to listen on (\"\" for every interface)")
	fs.IntVar(&cfg.port, "port", 1965, "port to listen on")
	fs.StringVar(&cfg.hostname, "hostname", "localhost", "the server's host name: requests for other hosts are refused (53)")
	fs.StringVar(&cfg.certFile, "tls-certfile", "", "server certificate `file` (PEM); without it a self-signed one is made and kept")
	fs.StringVar(&cfg.keyFile, "tls-keyfile", "", "server private key `file` (PEM)")
	fs.StringVar(&cfg.caFile, "tls-cafile", "", "CA certificates (PEM `file`) that make a client certificate TLS_CLIENT_AUTHORISED")
	fs.StringVar(&cfg.caPath, "tls-capath", "", "a `directory` of CA certificates (PEM files), as --tls-cafile")
	fs.StringVar(&cfg.dir, "dir", ".", "the `directory` to serve")
	fs.StringVar(&cfg.cgiDir, "cgi-dir", "cgi-bin", "CGI `directory`, relative to --dir")
	fs.StringVar(&cfg.indexFile, "index-file", "index.gmi", "the file served for a directory")
	fs.StringVar(&cfg.lang, "default-lang", "", "language added to text/gemini responses (lang=…)")
	fs.StringVar(&cfg.rateLimit, "rate-limit", "", "requests per client IP, as `N/[P]unit` with unit s, m, h or d (e.g. 60/5m)")
	fs.DurationVar(&cfg.cgiTimeout, "cgi-timeout", 10*time.Second, "longest a CGI script may run")
	fs.Var(&cfg.vhosts, "vhost", "serve another host from its own directory (and certificate, chosen by SNI): `HOST=DIR[:CERTFILE:KEYFILE]`; repeatable")
	fs.Usage = usageFunc(fs, "[flags]", serveHelp)
	pos, done, code := parseFlags(fs, args, e.stdout, e.stderr)
	if done {
		return code
	}
	if len(pos) > 0 {
		fmt.Fprintf(e.stderr, "propus serve: unexpected argument %q (see propus serve --help)\n", pos[0])
		return exitUsage
	}
	srv, ln, err := buildServer(&cfg)
	if err != nil {
		fmt.Fprintf(e.stderr, "propus serve: %v\n", err)
		return exitUsage
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := serveUntil(ctx, srv, ln); err != nil {
		fmt.Fprintf(e.stderr, "propus serve: %v\n", err)
		return exitFailure
	}
	return exitOK
}

// shutdowner is what runUntil runs: a testserver.Server or an http.Server.
type shutdowner interface {
	Serve(net.Listener) error
	Shutdown(context.Context) error
}

// serveUntil serves on ln until ctx is done, then shuts down, letting
// responses in flight finish for up to 10 seconds.
func serveUntil(ctx context.Context, srv *testserver.Server, ln net.Listener) error {
	return runUntil(ctx, srv, ln, testserver.ErrServerClosed)
}

// runUntil is serveUntil for any server; closed is the error its Serve
// returns after Shutdown.
func runUntil(ctx context.Context, srv shutdowner, ln net.Listener, closed error) error {
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	err := srv.Shutdown(sctx)
	if serr := <-errc; !errors.Is(serr, closed) {
		return serr
	}
	return err
}

// buildServer turns the flags into a listening server.
func buildServer(cfg *serveConfig) (*testserver.Server, net.Listener, error) {
	var limiter *testserver.RateLimiter
	if cfg.rateLimit != "" {
		rl, err := testserver.ParseRateLimit(cfg.rateLimit)
		if err != nil {
			return nil, nil, fmt.Errorf("--rate-limit: %w", err)
		}
		limiter = testserver.NewRateLimiter(rl)
	}
	cas, err := loadCAs(cfg.caFile, cfg.caPath)
	if err != nil {
		return nil, nil, err
	}
	ln, err := net.Listen("tcp", net.JoinHostPort(cfg.host, strconv.Itoa(cfg.port)))
	if err != nil {
		return nil, nil, err
	}
	port := ln.Addr().(*net.TCPAddr).Port
	errLog := log.New(cfg.stderr, "", log.LstdFlags)

	hostname, err := client.NormalizeHost(cfg.hostname)
	if err != nil {
		ln.Close()
		return nil, nil, fmt.Errorf("--hostname: %w", err)
	}
	mainCert, err := serverCertificate(cfg, hostname, cfg.certFile, cfg.keyFile)
	if err != nil {
		ln.Close()
		return nil, nil, err
	}
	hosts := map[string]testserver.Handler{hostname: siteHandler(cfg, cfg.dir, hostname, port, cas)}
	certs := map[string]*tls.Certificate{hostname: &mainCert}
	for _, v := range cfg.vhosts {
		name, err := client.NormalizeHost(v.host)
		if err != nil {
			ln.Close()
			return nil, nil, fmt.Errorf("--vhost %s: %w", v.host, err)
		}
		hosts[name] = siteHandler(cfg, v.dir, name, port, cas)
		cert, err := serverCertificate(cfg, name, v.certFile, v.keyFile)
		if err != nil {
			ln.Close()
			return nil, nil, err
		}
		certs[name] = &cert
	}
	var h testserver.Handler = &testserver.VirtualHosts{Port: port, Hosts: hosts}
	if limiter != nil {
		h = limiter.Middleware(h)
	}
	srv := &testserver.Server{
		Handler:   h,
		TLSConfig: &tls.Config{GetCertificate: testserver.SNICertificates(certs, &mainCert)},
		AccessLog: cfg.stdout,
		ErrorLog:  errLog,
	}
	fmt.Fprintf(cfg.stderr, "propus serve: gemini://%s:%d/ from %s on %s\n", hostname, port, cfg.dir, ln.Addr())
	return srv, ln, nil
}

// siteHandler serves one host's directory: CGI under the cgi dir, static
// files elsewhere.
func siteHandler(cfg *serveConfig, dir, hostname string, port int, cas *x509.CertPool) testserver.Handler {
	files := &testserver.FileServer{Root: dir, IndexFile: cfg.indexFile, DefaultLang: cfg.lang}
	cgi := &testserver.CGI{Root: dir, Dir: cfg.cgiDir, Timeout: cfg.cgiTimeout, Hostname: hostname, Port: port,
		ClientCAs: cas, Fallback: files, Stderr: cfg.stderr}
	return testserver.HandlerFunc(func(w testserver.ResponseWriter, r *testserver.Request) {
		if cgi.Matches(r) {
			cgi.ServeGemini(w, r)
			return
		}
		files.ServeGemini(w, r)
	})
}

// serverCertificate loads the given certificate files, or the kept
// self-signed certificate for hostname (made on first use), and prints
// its fingerprint.
func serverCertificate(cfg *serveConfig, hostname, certFile, keyFile string) (tls.Certificate, error) {
	var cert tls.Certificate
	var err error
	switch {
	case certFile != "" && keyFile != "":
		cert, err = testserver.LoadCertificate(certFile, keyFile)
	case certFile != "" || keyFile != "":
		return cert, errors.New("give both --tls-certfile and --tls-keyfile, or neither")
	default:
		var created bool
		cert, created, err = testserver.LoadOrCreateCertificate(cfg.certDir, hostname)
		if err == nil && created {
			fmt.Fprintf(cfg.stderr, "propus serve: made a self-signed certificate for %s in %s\n", hostname, cfg.certDir)
		}
	}
	if err != nil {
		return cert, err
	}
	leaf := cert.Leaf
	if leaf == nil {
		if leaf, err = x509.ParseCertificate(cert.Certificate[0]); err != nil {
			return cert, err
		}
		cert.Leaf = leaf
	}
	fmt.Fprintf(cfg.stderr, "propus serve: certificate for %s: hash %s (expires %s); public key pin %s (what TOFU clients such as propus show)\n",
		hostname, identity.CertificateHash(leaf), leaf.NotAfter.Format("2006-01-02"), tofu.PublicKeyPin(leaf))
	return cert, nil
}

// loadCAs reads the CA certificates of --tls-cafile and --tls-capath.
func loadCAs(file, dir string) (*x509.CertPool, error) {
	if file == "" && dir == "" {
		return nil, nil
	}
	pool := x509.NewCertPool()
	var files []string
	if file != "" {
		files = append(files, file)
	}
	if dir != "" {
		entries, err := os.ReadDir(dir)
		if err != nil {
			return nil, fmt.Errorf("--tls-capath: %w", err)
		}
		for _, e := range entries {
			if !e.IsDir() {
				files = append(files, filepath.Join(dir, e.Name()))
			}
		}
	}
	for _, f := range files {
		pem, err := os.ReadFile(f)
		if err != nil {
			return nil, err
		}
		if !pool.AppendCertsFromPEM(pem) && f == file {
			return nil, fmt.Errorf("--tls-cafile %s: no PEM certificate in it", f)
		}
	}
	return pool, nil
}
