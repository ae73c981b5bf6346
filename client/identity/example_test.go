package identity_test

import (
	"fmt"
	"net/url"

	"propus/client/identity"
)

func ExampleScopeFor() {
	// The server answered 60 to a request for this URL.
	u, _ := url.Parse("gemini://Example.com/alice?query")
	scope := identity.ScopeFor(u)
	fmt.Println(scope)

	for _, s := range []string{
		"gemini://example.com/alice/posts/",
		"gemini://example.com/alice-bob",
		"gemini://example.com/",
		"gemini://example.com:1966/alice",
	} {
		v, _ := url.Parse(s)
		fmt.Println(s, scope.Matches(v))
	}
	// Output:
	// gemini://example.com:1965/alice
	// gemini://example.com/alice/posts/ true
	// gemini://example.com/alice-bob true
	// gemini://example.com/ false
	// gemini://example.com:1966/alice false
}

func ExampleScopes_For() {
	var scopes identity.Scopes
	_ = scopes.Add("capsule", identity.Scope{Host: "example.com", Path: "/"})
	_ = scopes.Add("alice", identity.Scope{Host: "example.com", Path: "/alice/"})

	for _, s := range []string{"gemini://example.com/alice/inbox", "gemini://example.com/news", "gemini://other.example/"} {
		u, _ := url.Parse(s)
		name, ok := scopes.For(u)
		fmt.Println(s, name, ok)
	}
	// Output:
	// gemini://example.com/alice/inbox alice true
	// gemini://example.com/news capsule true
	// gemini://other.example/  false
}
