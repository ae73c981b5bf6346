package feeds

import (
	"context"
	"fmt"
	"net/url"

	"propus/browser/content"
	"propus/browser/sanitize"
	"propus/client"
)

// Fetch requests the feed at u with c and parses it (Parse, by the
// response's media type, decoded from its charset). It sends no client
// certificate: a feed is read anonymously. Redirects are followed up to
// maxHops (client.MaxRedirects if 0), but only within u's scheme, host
// and port: one that leaves them is an error naming where it goes, for
// the user to open and subscribe to by hand. Any other status than 2x and
// 3x is an error naming it. c's certificate check, timeouts and size cap
// apply.
func Fetch(ctx context.Context, c *client.Client, u *url.URL, maxHops int) (Feed, error) {
	via := []*url.URL{u}
	for {
		resp, err := c.Do(ctx, &client.Request{URL: u})
		if err != nil {
			return Feed{}, err
		}
		switch resp.Status.Class() {
		case client.StatusSuccess:
			defer resp.Body.Close()
			_, mime, charset, _ := content.Classify(resp.Meta)
			body, err := content.Decoder(resp.Body, charset)
			if err != nil {
				return Feed{}, err
			}
			return Parse(u, mime, body)
		case client.StatusRedirect:
			resp.Body.Close()
			to, err := client.RedirectTarget(via, resp.Meta, maxHops)
			if err != nil {
				return Feed{}, err
			}
			if client.CrossesOrigin(u, to) {
				return Feed{}, fmt.Errorf("%s redirects to another host, %s: open it to follow", u, to)
			}
			via, u = append(via, to), to
		default:
			resp.Body.Close()
			return Feed{}, fmt.Errorf("%d %s %s", int(resp.RawStatus), resp.RawStatus, sanitize.Line(resp.Meta))
		}
	}
}
