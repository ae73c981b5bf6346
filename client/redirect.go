package client

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"

	"propus/tofu/hostport"
)

// MaxRedirects is how many redirects a client follows for one request, as
// the specification requires.
const MaxRedirects = 5

// ErrUseLastResponse, returned by a Follow check, stops following and
// returns the last 3x response without an error (as in net/http).
var ErrUseLastResponse = errors.New("use last response")

// RedirectError reports a redirect that must not be followed.
type RedirectError struct {
	Via    []*url.URL // the chain so far, the original request first
	Target string     // the META of the 3x response
	Reason string     // "too many redirects", "redirect loop", …
}

func (e *RedirectError) Error() string {
	chain := make([]string, len(e.Via))
	for i, u := range e.Via {
		chain[i] = u.String()
	}
	return e.Reason + ": " + strings.Join(chain, " → ") + " → " + e.Target
}

// RedirectTarget returns where a 3x response to the last URL of via sends
// the client: meta resolved against that URL without its query (the query
// of a request is never carried over). via is the chain so far, the
// original request first. It fails with a *RedirectError for an empty or
// unparsable target, a target already in the chain (a loop) or a hop past
// max (MaxRedirects when max ≤ 0).
func RedirectTarget(via []*url.URL, meta string, max int) (*url.URL, error) {
	if max <= 0 {
		max = MaxRedirects
	}
	from := via[len(via)-1]
	fail := func(reason string) (*url.URL, error) {
		return nil, &RedirectError{Via: via, Target: meta, Reason: reason}
	}
	if strings.TrimSpace(meta) == "" {
		return fail("redirect without a target URL")
	}
	if len(via) > max {
		return fail(fmt.Sprintf("too many redirects (more than %d)", max))
	}
	base := *from
	base.RawQuery, base.ForceQuery = "", false
	to, err := Resolve(&base, meta)
	if err != nil {
		return fail("bad redirect target (" + err.Error() + ")")
	}
	for _, u := range via {
		if u.String() == to.String() {
			return fail("redirect loop")
		}
	}
	return to, nil
}

// CrossesOrigin reports whether a redirect from one URL to another changes
// the scheme, the host or the port: a hop the user should approve.
func CrossesOrigin(from, to *url.URL) bool {
	return !strings.EqualFold(from.Scheme, to.Scheme) || !strings.EqualFold(from.Hostname(), to.Hostname()) ||
		portOrDefault(from) != portOrDefault(to)
}

func portOrDefault(u *url.URL) string {
	if p := u.Port(); p != "" {
		return p
	}
	if isGemini(u) {
		return strconv.Itoa(hostport.DefaultPort)
	}
	return ""
}

// FollowPolicy says how far Client.Follow follows redirects and which
// hops it takes, as http.Client's CheckRedirect does.
type FollowPolicy struct {
	// Max is the most redirects followed for one request; 0 means
	// MaxRedirects.
	Max int
	// CheckRedirect is called before each hop that CrossesOrigin, with
	// the chain so far (the original request first; its last URL gave the
	// redirect) and the target. It returns nil to follow, ErrUseLastResponse
	// to stop and return the 3x response, or an error to fail. A nil
	// CheckRedirect stops at such hops as ErrUseLastResponse does.
	CheckRedirect func(via []*url.URL, to *url.URL) error
}

// Follow sends req and follows redirects as RedirectTarget allows, up to
// p.Max hops, asking p.CheckRedirect before a hop to another origin. A
// hop to a non-gemini URL, once allowed, returns the 3x response. An
// identity (req.Certificate) never follows to another origin. Follow
// returns the final response and the chain of URLs requested, the
// original first; with an error it also returns the last 3x response,
// if any.
func (c *Client) Follow(ctx context.Context, req *Request, p FollowPolicy) (*Response, []*url.URL, error) {
	u, err := Normalize(req.URL)
	if err != nil {
		return nil, nil, err
	}
	via := []*url.URL{u}
	r := *req
	r.URL = u
	for {
		resp, err := c.Do(ctx, &r)
		if err != nil || resp.Status.Class() != StatusRedirect {
			return resp, via, err
		}
		to, err := RedirectTarget(via, resp.Meta, p.Max)
		if err != nil {
			return resp, via, err
		}
		if CrossesOrigin(r.URL, to) {
			if p.CheckRedirect == nil {
				return resp, via, nil
			}
			if err := p.CheckRedirect(via, to); err != nil {
				if errors.Is(err, ErrUseLastResponse) {
					return resp, via, nil
				}
				return resp, via, err
			}
			r.Certificate = nil
		}
		if !isGemini(to) {
			return resp, via, nil
		}
		via = append(via, to)
		r.URL = to
		r.Host = ""
	}
}
