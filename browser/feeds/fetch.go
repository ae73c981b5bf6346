package feeds

import (
	"context"
	"fmt"
	"net/url"

	"propus/browser/content"
	"propus/browser/sanitize"
	"propus/client"
	"propus/client/charset"
)

// Fetch requests the feed at u with c and parses it (Parse, by the
// response's media type, decoded from its charset). It sends no client
// certificate: a feed is read anonymously. Redirects are followed
// (client.Follow) up to maxHops (client.MaxRedirects if 0), but only
// within u's scheme, host and port: one that leaves them is an error
// naming where it goes, for the user to open and subscribe to by hand.
// Any other status than 2x and 3x is an error naming it. c's certificate
// check, timeouts and size cap apply.
func Fetch(ctx context.Context, c *client.Client, u *url.URL, maxHops int) (Feed, error) {
	resp, via, err := c.Follow(ctx, &client.Request{URL: u}, client.FollowPolicy{Max: maxHops, CheckRedirect: sameOrigin})
	if err != nil {
		return Feed{}, err
	}
	defer resp.Body.Close()
	if resp.Status.Class() != client.StatusSuccess {
		return Feed{}, fmt.Errorf("%d %s %s", int(resp.RawStatus), resp.RawStatus, sanitize.Line(resp.Meta))
	}
	_, mime, cs, _ := content.Classify(resp.Meta)
	body, err := charset.Decoder(resp.Body, cs)
	if err != nil {
		return Feed{}, err
	}
	return Parse(via[len(via)-1], mime, body)
}

// sameOrigin is Fetch's redirect check: every hop that leaves the origin
// is an error naming where it goes.
func sameOrigin(via []*url.URL, to *url.URL) error {
	return fmt.Errorf("%s redirects to another host, %s: open it to follow", via[len(via)-1], to)
}
