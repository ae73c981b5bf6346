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
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"propus/client/identity"
	"propus/testserver"
	"propus/tofu"
	"propus/tofu/hostport"
)

const serveHelp = `Serves a directory over Gemini: static files, directory listings and CGI
scripts, with jetforce's flags. Without --tls-certfile, a self-signed
certificate for --hostname is made once, kept in the data directory and
reused; its fingerprint is printed at start. The access log goes to stdout,
errors to stderr. SIGHUP reloads the certificates (--tls-certfile and
--vhost ones too) without dropping a connection. SIGINT or SIGTERM stops it
cleanly: responses in flight finish, for up to 10 seconds, then it exits 0.
SIGUSR1 reopens the --access-log and --error-log files (after a rotation).

Under abuse: a client holds at most --max-conns-per-ip connections, a
response to a client that does not read is dropped, and with --rate-limit
malformed requests and failed handshakes count too (at twice the limit a
client's connections are closed before the handshake).

Differences from jetforce: requests with a fragment are refused (59); hidden
files are never served or listed; symbolic links that leave --dir are
refused; CGI scripts get no HOSTNAME, run in their own directory and time out
(--cgi-timeout); a CGI header must have a two-digit status; --rate-limit's
"h" means hours; the generated key is mode 0600 and lives in the data
directory; --vhost serves more hosts, each with its own certificate.

Titan uploads (titan://HOSTNAME/path;size=N;mime=TYPE;token=TOKEN, then N
bytes) are on when --titan-token or --titan-identity is given: an upload
with one of the tokens, or from a client certificate with one of the
fingerprints, is written into --dir (atomically, mode 0644, missing
directories made) and answered 30 with its gemini URL; size=0 deletes.
Hidden names, the CGI directory, paths ending in / and links that leave
--dir are refused, and so is an upload over --titan-max-size before its
body is read. Each upload and refusal is logged to the error log, never the
token. Tokens given as flags are visible to other users of this machine in
the process list.`

// serveConfig is what the serve flags say.
type serveConfig struct {
	host, hostname               string
	port                         int
	certFile, keyFile            string
	caFile, caPath               string
	dir, cgiDir, indexFile, lang string
	rateLimit                    string
	maxConnsPerIP                int
	regenerate                   bool
	listen                       listenFlag
	accessLog, errorLog          string
	zones                        zoneFlag
	cgiTimeout                   time.Duration
	vhosts                       vhostFlag
	certDir                      string
	titanTokens                  tokenFlag
	titanIdentities              fingerprintFlag
	titanMaxSize                 int64
	stdout, stderr               io.Writer
}

// tokenFlag collects --titan-token TOKEN values; String never shows one.
type tokenFlag []string

func (l *tokenFlag) String() string { return "" }

func (l *tokenFlag) Set(s string) error {
	if s == "" {
		return errors.New("a token must not be empty")
	}
	*l = append(*l, s)
	return nil
}

// fingerprintFlag collects --titan-identity FINGERPRINT values.
type fingerprintFlag []string

func (l *fingerprintFlag) String() string { return "" }

func (l *fingerprintFlag) Set(s string) error {
	fp, err := testserver.ParseFingerprint(s)
	if err != nil {
		return fmt.Errorf("%q is not a certificate fingerprint (SHA256: and 64 hex digits, as propus id show prints)", s)
	}
	*l = append(*l, fp)
	return nil
}

// listenFlag collects --listen ADDR:PORT values.
type listenFlag []string

func (l *listenFlag) String() string { return strings.Join(*l, ",") }

func (l *listenFlag) Set(s string) error {
	if _, port, err := net.SplitHostPort(s); err != nil || port == "" {
		return errors.New("want ADDR:PORT, such as 0.0.0.0:1965 or [::]:1965")
	}
	*l = append(*l, s)
	return nil
}

// zoneFlag collects --cert-zone PATH=FINGERPRINT[,FINGERPRINT...] values.
type zoneFlag testserver.CertificateZones

func (z *zoneFlag) String() string { return "" }

func (z *zoneFlag) Set(s string) error {
	p, list, ok := strings.Cut(s, "=")
	if !ok || !strings.HasPrefix(p, "/") || list == "" {
		return errors.New("want PATH=FINGERPRINT[,FINGERPRINT...], such as /members/=SHA256:1A2B…")
	}
	fps := strings.Split(list, ",")
	for _, fp := range fps {
		hex, ok := strings.CutPrefix(strings.ToUpper(strings.TrimSpace(fp)), "SHA256:")
		if !ok || len(hex) != 64 || strings.Trim(hex, "0123456789ABCDEF") != "" {
			return fmt.Errorf("%q is not a certificate fingerprint (SHA256: and 64 hex digits, as propus id list shows)", fp)
		}
	}
	*z = append(*z, testserver.Zone{Path: p, Fingerprints: fps})
	return nil
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

// serveFlags returns the flag set of propus serve, which fills cfg.
func serveFlags(cfg *serveConfig) *flag.FlagSet {
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
	fs.Var(&cfg.listen, "listen", "listen on `ADDR:PORT` instead of --host and --port; repeatable (e.g. 0.0.0.0:1965 and [::]:1965)")
	fs.StringVar(&cfg.accessLog, "access-log", "", "append the access log to `FILE` instead of stdout (SIGUSR1 reopens it)")
	fs.StringVar(&cfg.errorLog, "error-log", "", "append errors and CGI scripts' stderr to `FILE` instead of stderr (SIGUSR1 reopens it)")
	fs.Var(&cfg.zones, "cert-zone", "a zone, `PATH=FINGERPRINT[,...]`: requests under PATH need a client certificate (60) with one of these SHA256: fingerprints (else 61); repeatable")
	fs.BoolVar(&cfg.regenerate, "regenerate", false, "replace the generated certificates with new ones (clients that pinned the old ones will see a change)")
	fs.IntVar(&cfg.maxConnsPerIP, "max-conns-per-ip", testserver.DefaultMaxConnsPerIP, "connections one client IP (IPv6: /64) may hold at once; -1 for no cap")
	fs.DurationVar(&cfg.cgiTimeout, "cgi-timeout", 10*time.Second, "longest a CGI script may run")
	fs.Var(&cfg.vhosts, "vhost", "serve another host from its own directory (and certificate, chosen by SNI): `HOST=DIR[:CERTFILE:KEYFILE]`; repeatable")
	fs.Var(&cfg.titanTokens, "titan-token", "allow Titan uploads with this `TOKEN` (token=…); repeatable")
	fs.Var(&cfg.titanIdentities, "titan-identity", "allow Titan uploads from the client certificate with this `FINGERPRINT` (SHA256:…, as propus id show prints); repeatable")
	fs.Int64Var(&cfg.titanMaxSize, "titan-max-size", testserver.DefaultTitanMaxSize, "the largest Titan upload, in `bytes`")
	fs.Usage = usageFunc(fs, "[flags]", serveHelp)
	return fs
}

func runServe(e *env, args []string) int {
	cfg := serveConfig{stdout: e.stdout, stderr: e.stderr, certDir: filepath.Join(e.paths.dataDir, "certs")}
	fs := serveFlags(&cfg)
	pos, done, code := parseFlags(fs, args, e.stdout, e.stderr)
	if done {
		return code
	}
	if len(pos) > 0 {
		fmt.Fprintf(e.stderr, "propus serve: unexpected argument %q (see propus serve --help)\n", pos[0])
		return exitUsage
	}
	var logs []*logFile
	for _, l := range []struct {
		path string
		w    *io.Writer
	}{{cfg.accessLog, &cfg.stdout}, {cfg.errorLog, &cfg.stderr}} {
		if l.path == "" {
			continue
		}
		f, err := openLogFile(l.path)
		if err != nil {
			fmt.Fprintf(e.stderr, "propus serve: %v\n", err)
			return exitFailure
		}
		defer f.Close()
		logs = append(logs, f)
		*l.w = f
	}
	inst, err := buildServer(&cfg)
	if err != nil {
		fmt.Fprintf(e.stderr, "propus serve: %v\n", err)
		if errors.As(err, new(*usageError)) {
			return exitUsage
		}
		return exitFailure
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, syscall.SIGHUP, syscall.SIGUSR1)
	defer signal.Stop(sigs)
	go func() {
		for sig := range sigs {
			if sig == syscall.SIGUSR1 {
				for _, f := range logs {
					if err := f.Reopen(); err != nil {
						fmt.Fprintf(cfg.stderr, "propus serve: SIGUSR1: %v\n", err)
					}
				}
				continue
			}
			if err := inst.reload(); err != nil {
				fmt.Fprintf(cfg.stderr, "propus serve: SIGHUP: keeping the old certificates: %v\n", err)
			} else {
				fmt.Fprintf(cfg.stderr, "propus serve: SIGHUP: certificates reloaded\n")
			}
		}
	}()
	for _, ln := range inst.lns[1:] {
		go func() {
			if err := inst.srv.Serve(ln); !errors.Is(err, testserver.ErrServerClosed) {
				fmt.Fprintf(cfg.stderr, "propus serve: %s: %v\n", ln.Addr(), err)
			}
		}()
	}
	if err := serveUntil(ctx, inst.srv, inst.lns[0]); err != nil {
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

// shutdownGrace is how long responses in flight may take to finish when
// the server stops.
var shutdownGrace = 10 * time.Second

// usageError is a flag value buildServer cannot use: the usage exit code.
type usageError struct{ err error }

func (e *usageError) Error() string { return e.err.Error() }
func (e *usageError) Unwrap() error { return e.err }

// serveUntil serves on ln until ctx is done, then shuts down, letting
// responses in flight finish for up to shutdownGrace; those still running
// then are cut, which is no failure.
func serveUntil(ctx context.Context, srv *testserver.Server, ln net.Listener) error {
	return runUntil(ctx, srv, ln, testserver.ErrServerClosed, srv.ErrorLog)
}

// runUntil is serveUntil for any server; closed is the error its Serve
// returns after Shutdown; errLog, if not nil, says when responses were cut.
func runUntil(ctx context.Context, srv shutdowner, ln net.Listener, closed error, errLog *log.Logger) error {
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), shutdownGrace)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil && errLog != nil {
		errLog.Printf("responses still running after %v were cut", shutdownGrace)
	}
	if serr := <-errc; !errors.Is(serr, closed) {
		return serr
	}
	return nil
}

// serveInstance is a server built from the flags, its listeners, and how
// to reload its certificates.
type serveInstance struct {
	srv    *testserver.Server
	lns    []net.Listener
	reload func() error
}

// buildServer turns the flags into a listening server. Errors in flag
// values are *usageError.
func buildServer(cfg *serveConfig) (*serveInstance, error) {
	titanOn := len(cfg.titanTokens) > 0 || len(cfg.titanIdentities) > 0
	if titanOn && cfg.titanMaxSize <= 0 {
		return nil, &usageError{errors.New("--titan-max-size: must be a positive number of bytes")}
	}
	var limiter *testserver.RateLimiter
	if cfg.rateLimit != "" {
		rl, err := testserver.ParseRateLimit(cfg.rateLimit)
		if err != nil {
			return nil, &usageError{fmt.Errorf("--rate-limit: %w", err)}
		}
		limiter = testserver.NewRateLimiter(rl)
	}
	hostname, err := hostport.NormalizeHost(cfg.hostname)
	if err != nil {
		return nil, &usageError{fmt.Errorf("--hostname: %w", err)}
	}
	names := []string{hostname}
	for _, v := range cfg.vhosts {
		name, err := hostport.NormalizeHost(v.host)
		if err != nil {
			return nil, &usageError{fmt.Errorf("--vhost %s: %w", v.host, err)}
		}
		names = append(names, name)
	}
	cas, err := loadCAs(cfg.caFile, cfg.caPath)
	if err != nil {
		return nil, err
	}
	var getCert atomic.Pointer[func(*tls.ClientHelloInfo) (*tls.Certificate, error)]
	reload := func() error {
		get, err := loadCertificates(cfg, names)
		if err == nil {
			getCert.Store(&get)
		}
		return err
	}
	if err := reload(); err != nil {
		return nil, err
	}
	cfg.regenerate = false // once: SIGHUP reloads what was made
	addrs := []string(cfg.listen)
	if len(addrs) == 0 {
		addrs = []string{net.JoinHostPort(cfg.host, strconv.Itoa(cfg.port))}
	}
	var lns []net.Listener
	port := -1 // the port every listener has, else 0: no port check
	for _, a := range addrs {
		ln, err := net.Listen("tcp", a)
		if err != nil {
			for _, l := range lns {
				l.Close()
			}
			return nil, err
		}
		lns = append(lns, ln)
		if p := ln.Addr().(*net.TCPAddr).Port; port == -1 || port == p {
			port = p
		} else {
			port = 0
		}
	}
	hosts := map[string]testserver.Handler{hostname: siteHandler(cfg, cfg.dir, hostname, port, cas)}
	for i, v := range cfg.vhosts {
		hosts[names[i+1]] = siteHandler(cfg, v.dir, names[i+1], port, cas)
	}
	var h testserver.Handler = &testserver.VirtualHosts{Port: port, Hosts: hosts}
	if len(cfg.zones) > 0 {
		h = testserver.CertificateZones(cfg.zones).Middleware(h)
	}
	srv := &testserver.Server{
		Handler: h,
		TLSConfig: &tls.Config{GetCertificate: func(hello *tls.ClientHelloInfo) (*tls.Certificate, error) {
			return (*getCert.Load())(hello)
		}},
		MaxConnsPerIP: cfg.maxConnsPerIP,
		RateLimiter:   limiter,
		AccessLog:     cfg.stdout,
		ErrorLog:      log.New(cfg.stderr, "", log.LstdFlags),
	}
	for _, ln := range lns {
		fmt.Fprintf(cfg.stderr, "propus serve: gemini://%s:%d/ from %s on %s\n", hostname, ln.Addr().(*net.TCPAddr).Port, cfg.dir, ln.Addr())
	}
	if titanOn {
		titan := &testserver.Titan{Dir: cfg.dir, CGIDir: cfg.cgiDir, Tokens: cfg.titanTokens, Identities: cfg.titanIdentities,
			MaxSize: cfg.titanMaxSize, Log: func(r testserver.TitanRecord) { srv.ErrorLog.Print(r) }}
		srv.TitanHandler = testserver.SingleHost(hostname, port, titan)
		host := hostname
		if port > 0 && port != hostport.DefaultPort {
			host = net.JoinHostPort(hostname, strconv.Itoa(port))
		}
		fmt.Fprintf(cfg.stderr, "propus serve: Titan uploads on: titan://%s/ writes into %s (%s, %s, at most %s)\n",
			host, cfg.dir, count(len(cfg.titanTokens), "token", "tokens"), count(len(cfg.titanIdentities), "identity", "identities"),
			count(int(cfg.titanMaxSize), "byte", "bytes"))
	}
	return &serveInstance{srv: srv, lns: lns, reload: reload}, nil
}

// logFile is a log file opened for appending that Reopen opens afresh
// under its name, for log rotation (SIGUSR1).
type logFile struct {
	path string
	mu   sync.Mutex
	f    *os.File
}

func openLogFile(path string) (*logFile, error) {
	l := &logFile{path: path}
	return l, l.Reopen()
}

// Write appends p to the file.
func (l *logFile) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.f.Write(p)
}

// Reopen opens the file by its name again, creating it when it was moved
// away, and closes the one it had.
func (l *logFile) Reopen() error {
	f, err := os.OpenFile(l.path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
	if err != nil {
		return fmt.Errorf("log file: %w", err)
	}
	l.mu.Lock()
	old := l.f
	l.f = f
	l.mu.Unlock()
	if old != nil {
		old.Close()
	}
	return nil
}

// Close closes the file.
func (l *logFile) Close() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.f.Close()
}

// loadCertificates loads the certificates of the host names (the main
// one first, then the --vhost ones in order) and returns the
// GetCertificate function that picks one by SNI.
func loadCertificates(cfg *serveConfig, names []string) (func(*tls.ClientHelloInfo) (*tls.Certificate, error), error) {
	certs := map[string]*tls.Certificate{}
	var main *tls.Certificate
	for i, name := range names {
		certFile, keyFile := cfg.certFile, cfg.keyFile
		if i > 0 {
			certFile, keyFile = cfg.vhosts[i-1].certFile, cfg.vhosts[i-1].keyFile
		}
		cert, err := serverCertificate(cfg, name, certFile, keyFile)
		if err != nil {
			return nil, err
		}
		certs[name] = &cert
		if i == 0 {
			main = &cert
		}
	}
	return testserver.SNICertificates(certs, main), nil
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
		return cert, &usageError{errors.New("give both --tls-certfile and --tls-keyfile, or neither")}
	default:
		created := cfg.regenerate
		if created {
			cert, err = testserver.RegenerateCertificate(cfg.certDir, hostname)
		} else {
			cert, created, err = testserver.LoadOrCreateCertificate(cfg.certDir, hostname)
		}
		if err == nil && created {
			fmt.Fprintf(cfg.stderr, "propus serve: made a self-signed certificate for %s in %s\n", hostname, cfg.certDir)
		}
		if errors.As(err, new(*testserver.IncompleteCertificateError)) {
			err = fmt.Errorf("%w (--regenerate makes a new one)", err)
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
