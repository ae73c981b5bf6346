package gateway

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"time"

	"propus/client"
	"propus/tofu"
)

// fetch sends one request for the client of r, within the limits: the
// target must not be blocked or disallowed by robots.txt, and the client
// and the capsule must be within their rates. d bounds each step; ctx the
// whole. The known-hosts decision is recorded in trust. The caller closes
// the body and then calls release.
func (g *Gateway) fetch(ctx context.Context, r *http.Request, u *url.URL, d time.Duration, trust *tofu.Result) (resp *client.Response, release func(), err error) {
	release, err = g.limits.acquire(r, strings.ToLower(u.Hostname()))
	if err != nil {
		return nil, nil, err
	}
	if err := g.checkTarget(ctx, u); err != nil { // after the limits: it may fetch robots.txt
		release()
		return nil, nil, err
	}
	c := g.client(d, trust)
	resp, err = c.Do(ctx, &client.Request{URL: u})
	if err != nil {
		release()
		g.logf("gateway: %s %s%s: %v", clientIP(r), u.Host, u.Path, err)
		return nil, nil, err
	}
	g.logf("gateway: %s %s%s → %d", clientIP(r), u.Host, u.Path, resp.RawStatus)
	return resp, release, nil
}

// client returns a client for one fetch: every deadline d, certificates
// checked against the known hosts with the decision recorded in trust.
func (g *Gateway) client(d time.Duration, trust *tofu.Result) *client.Client {
	c := g.base.Clone()
	c.DialTimeout, c.HandshakeTimeout, c.HeaderTimeout, c.IdleTimeout = d, d, d, d
	c.TrustCertificate = g.trust(trust)
	return c
}

// checkTarget refuses a capsule on the block list and, in public mode, a
// path its robots.txt disallows to web proxies.
func (g *Gateway) checkTarget(ctx context.Context, u *url.URL) error {
	host := blockKey(u.Hostname())
	if g.blocked[host] {
		return &BlockedError{Target: host, Reason: "has asked not to be reached through this gateway"}
	}
	if g.Public && !g.robotsAllow(ctx, u) {
		return &BlockedError{Target: u.Host + u.Path, Reason: "is disallowed to web proxies by the capsule's robots.txt"}
	}
	return nil
}
