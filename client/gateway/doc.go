// Package gateway is propus's HTTP gateway to Gemini space: Port of Call's
// JSON endpoint, POST /api/gemini/fetch, with the same request and
// response, and an HTML view of capsules for web browsers.
//
// A Gateway is an http.Handler. It is safe by default: it dials only public
// addresses (checked at dial time on the address actually dialled, so DNS
// rebinding cannot get round it) on allowed ports, checks the Host header,
// refuses cross-origin requests and form posts, limits request bodies,
// upstream connections and request rates, and sends its HTML with a strict
// Content-Security-Policy and no JavaScript. Server certificates are checked
// against a known-hosts store (package tofu): self-signed capsules work, and
// a changed certificate is refused.
//
// The JSON shapes and error texts (Result, ErrorResult, ErrorText, ReadBody)
// are also what `propus fetch --json` prints.
package gateway
