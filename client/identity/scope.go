package identity

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"

	"propus/tofu/hostport"
)

// Scope is where an identity is used: one host, one port, and every path
// that begins with Path. The specification scopes a certificate made in
// answer to a 60 this way (see ScopeFor); like other clients, Scope compares
// paths as text, so a scope for /alice also covers /alice-bob.
type Scope struct {
	// Host is the host name or IP address (without brackets), compared
	// ignoring case. ScopeFor and ParseScope normalise it as
	// hostport.NormalizeHost does. A scope with an empty Host matches
	// nothing.
	Host string
	// Port is the port; 0 stands for hostport.DefaultPort.
	Port int
	// Path is the path prefix, unescaped as in url.URL.Path; "" stands
	// for "/", the whole host.
	Path string
}

// ScopeFor returns the scope a status 60 on u gives: u's host (as
// hostport.NormalizeHost writes it: lower-case, punycode, no trailing dot)
// and port (hostport.DefaultPort if u names none), and u's path and
// everything below it. The query and fragment are ignored, an empty path
// is "/", and "." and ".." segments are resolved. If u's host or port is
// not valid the scope matches nothing.
func ScopeFor(u *url.URL) Scope {
	host, port, ok := hostPort(u)
	if !ok {
		port = -1
	}
	return Scope{Host: host, Port: port, Path: cleanPath(u.Path)}
}

// Matches reports whether s covers u: u's scheme is gemini, its host,
// normalised as ScopeFor does, equals s.Host ignoring case, its port
// (hostport.DefaultPort if it names none) equals s.Port, and its path, with
// "." and ".." segments resolved, begins with s.Path. The query and
// fragment do not matter.
func (s Scope) Matches(u *url.URL) bool {
	if u == nil || s.Host == "" || !strings.EqualFold(u.Scheme, "gemini") {
		return false
	}
	if host, port, ok := hostPort(u); !ok || !strings.EqualFold(host, s.Host) || port != s.port() {
		return false
	}
	return strings.HasPrefix(cleanPath(u.Path), s.path())
}

// String returns the scope as a URL with an explicit port, as in
// "gemini://example.com:1965/alice". ParseScope reads it back.
func (s Scope) String() string {
	u := url.URL{
		Scheme: "gemini",
		Host:   net.JoinHostPort(s.Host, strconv.Itoa(s.port())),
		Path:   s.path(),
	}
	return u.String()
}

// ParseScope parses a scope written as a gemini URL, such as
// "gemini://example.com/alice", or without the scheme, as
// "example.com:1965/alice". The URL must have a host and a valid port (or
// none, meaning hostport.DefaultPort), and no user information, query or fragment.
// The result is normalised as ScopeFor normalises.
func ParseScope(str string) (Scope, error) {
	sc, err := parseScope(str)
	if err != nil {
		return Scope{}, fmt.Errorf("invalid scope %q: %w", str, err)
	}
	return sc, nil
}

func parseScope(str string) (Scope, error) {
	s := strings.TrimSpace(str)
	if !strings.Contains(s, "://") {
		s = "gemini://" + s
	}
	u, err := url.Parse(s)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return Scope{}, err
	}
	switch {
	case !strings.EqualFold(u.Scheme, "gemini"):
		return Scope{}, fmt.Errorf("scheme is %q, not gemini", u.Scheme)
	case u.Hostname() == "":
		return Scope{}, errors.New("no host")
	case u.User != nil:
		return Scope{}, errors.New("has user information")
	case u.RawQuery != "" || u.ForceQuery:
		return Scope{}, errors.New("has a query")
	case u.Fragment != "" || strings.Contains(s, "#"):
		return Scope{}, errors.New("has a fragment")
	}
	if !validHost(u.Hostname()) {
		return Scope{}, fmt.Errorf("invalid host %q", u.Hostname())
	}
	if _, err := hostport.ParsePort(u.Port()); err != nil {
		return Scope{}, fmt.Errorf("invalid port %q", u.Port())
	}
	return ScopeFor(u), nil
}

// normalize returns s as ScopeFor would have made it.
func (s Scope) normalize() Scope {
	host, _ := normalHost(s.Host)
	return Scope{Host: host, Port: s.port(), Path: s.path()}
}

// problem says what is wrong with s for storing, or returns "".
func (s Scope) problem() string {
	switch {
	case s.Host == "":
		return "scope has no host"
	case !validHost(s.Host):
		return fmt.Sprintf("scope has invalid host %q", s.Host)
	case s.Port < 0 || s.Port > 65535:
		return fmt.Sprintf("scope has invalid port %d", s.Port)
	}
	return ""
}

func (s Scope) port() int {
	if s.Port == 0 {
		return hostport.DefaultPort
	}
	return s.Port
}

func (s Scope) path() string {
	return cleanPath(s.Path)
}

// hostPort returns u's host as normalHost returns it, its port
// (hostport.DefaultPort if it names none), and whether both are valid.
func hostPort(u *url.URL) (host string, port int, ok bool) {
	host, hostOK := normalHost(u.Hostname())
	port, err := hostport.ParsePort(u.Port())
	return host, port, hostOK && err == nil
}

// normalHost returns h normalised by hostport.NormalizeHost and true, or,
// when that fails, h in lower case and false.
func normalHost(h string) (string, bool) {
	n, err := hostport.NormalizeHost(h)
	if err != nil {
		return strings.ToLower(h), false
	}
	return n, true
}

// validHost reports whether hostport.NormalizeHost accepts h.
func validHost(h string) bool {
	_, ok := normalHost(h)
	return ok
}

// cleanPath makes p absolute ("" is "/") and resolves its "." and ".."
// segments as RFC 3986 section 5.2.4 does, so that "/alice/../bob" is not
// taken to be below "/alice". Empty segments ("//") are kept.
func cleanPath(p string) string {
	if !strings.HasPrefix(p, "/") {
		p = "/" + p
	}
	if !strings.Contains(p, "/.") {
		return p
	}
	segs := strings.Split(p[1:], "/")
	out := make([]string, 0, len(segs))
	for i, seg := range segs {
		last := i == len(segs)-1
		switch seg {
		case ".":
		case "..":
			if len(out) > 0 {
				out = out[:len(out)-1]
			}
		default:
			out = append(out, seg)
			continue
		}
		if last {
			out = append(out, "") // "/a/." and "/a/b/.." end in "/"
		}
	}
	return "/" + strings.Join(out, "/")
}
