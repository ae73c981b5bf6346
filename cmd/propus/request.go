package main

import (
	"fmt"
	"net/url"
	"time"

	"propus/client"
	"propus/client/identity"
	"propus/tofu"
)

// oneRequest makes the client and the request of a command that sends
// one (fetch, put): the known-hosts check, which says on stderr what it
// pins, every deadline set to timeout, and the request for u presenting
// the stored identity idName, if not "". Its errors are the files'
// (exit 1).
func oneRequest(e *env, timeout time.Duration, u *url.URL, idName string) (*client.Client, *client.Request, error) {
	hosts, err := tofu.Open(e.paths.knownHosts)
	if err != nil {
		return nil, nil, fmt.Errorf("%w (fix or move the file; propus will not overwrite it)", err)
	}
	c := &client.Client{
		TrustCertificate: trustNotice(hosts, e.stderr),
		DialTimeout:      timeout, HandshakeTimeout: timeout, HeaderTimeout: timeout, IdleTimeout: timeout,
	}
	req := &client.Request{URL: u}
	if idName != "" {
		id, err := (identity.Store{Dir: e.paths.identities}).Get(idName)
		if err != nil {
			return nil, nil, err
		}
		req.Certificate = &id.Certificate
	}
	return c, req, nil
}

// changedAdvice is the error of a refused certificate change, with what
// to do about it: forget the pin, then again (verb: "fetch", "upload").
func changedAdvice(changed *tofu.ChangedError, verb string) error {
	return fmt.Errorf("%w\nIf you know the server changed its certificate, run propus hosts forget %s and %s again.", changed, changed.Address, verb)
}
