// Package identity manages Gemini client certificates, which browsers call
// identities: it creates them, saves and loads them as PEM files, keeps them
// in a directory (Store) and remembers where each one is used (Scopes).
//
// A server asks for a client certificate with status 60. The specification
// scopes a certificate made in answer to that to the host and port that sent
// the 60 and to the path of the request and everything below it. ScopeFor
// computes that scope, and Scopes.For finds the identity to present for a
// later request. Like other clients, Scope matches paths by textual prefix,
// so a scope for /alice also covers /alice-bob.
//
// The package never decides on its own to send a certificate: the browser
// must ask the user before it creates or uses an identity, and it should warn
// before it sends one over TLS 1.2, where the certificate travels in clear.
//
// A browser that gets a 60 for u and lets the user create "alice":
//
//	store := identity.Store{Dir: identitiesDir}
//	id, err := identity.Create("alice", identity.ECDSAP256, 365*24*time.Hour)
//	if err != nil {
//		return err
//	}
//	if err := store.Add(id); err != nil {
//		return err
//	}
//	scopes, err := identity.LoadScopes(scopesFile)
//	if err != nil {
//		return err
//	}
//	if err := scopes.Add(id.Name, identity.ScopeFor(u)); err != nil {
//		return err
//	}
//	if err := scopes.Save(); err != nil {
//		return err
//	}
//
// and before each later request:
//
//	if name, ok := scopes.For(u); ok {
//		id, err := store.Get(name)
//		if err != nil {
//			return err
//		}
//		req.Certificate = &id.Certificate
//	}
package identity
