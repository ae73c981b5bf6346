package client

// Clone returns a new Client with every setting of c (all its exported
// fields), which the caller may change without touching c, as
// http.Transport.Clone does. The clone shares c's TLS session cache —
// c.SessionCache, or the cache c keeps for itself when that is nil — so
// that sessions resume across the two. c may be in use.
func (c *Client) Clone() *Client {
	cache := c.SessionCache
	if cache == nil && !c.DisableResumption {
		cache = c.sessionCache()
	}
	return &Client{
		TrustCertificate:  c.TrustCertificate,
		DialContext:       c.DialContext,
		DialTimeout:       c.DialTimeout,
		HandshakeTimeout:  c.HandshakeTimeout,
		HeaderTimeout:     c.HeaderTimeout,
		IdleTimeout:       c.IdleTimeout,
		MaxSize:           c.MaxSize,
		SessionCache:      cache,
		DisableResumption: c.DisableResumption,
	}
}
