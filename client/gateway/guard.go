package gateway

import (
	"mime"
	"net/http"
	"net/url"
	"slices"
	"strings"
)

// csp is the Content-Security-Policy of every response: no script at all,
// styles and images from the gateway only, forms only to the gateway.
const csp = "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"

// guard sets the headers every response carries and applies the request
// rules: the Host header must name the gateway; a cross-origin Origin is
// refused unless CORSOrigins names it; a POST must be JSON or same-origin.
func (g *Gateway) guard(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", csp)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("X-Robots-Tag", "noindex, nofollow")
		h.Set("Cache-Control", "no-store")
		api := strings.HasPrefix(r.URL.Path, "/api/")

		if !g.hostAllowed(r.Host) {
			refuse(w, api, http.StatusMisdirectedRequest, "Unknown host: this gateway does not serve "+r.Host)
			return
		}
		origin := r.Header.Get("Origin")
		same := sameOrigin(r)
		if origin != "" && !same {
			if !slices.Contains(g.CORSOrigins, origin) {
				refuse(w, api, http.StatusForbidden, "Cross-origin request refused")
				return
			}
			h.Set("Access-Control-Allow-Origin", origin)
			h.Add("Vary", "Origin")
			if r.Method == http.MethodOptions && api {
				h.Set("Access-Control-Allow-Methods", "POST")
				h.Set("Access-Control-Allow-Headers", "Content-Type")
				h.Set("Access-Control-Max-Age", "600")
				w.WriteHeader(http.StatusNoContent)
				return
			}
		}
		if r.Method == http.MethodPost && !same && !isJSON(r.Header.Get("Content-Type")) {
			refuse(w, api, http.StatusUnsupportedMediaType, "Content-Type must be application/json")
			return
		}
		next.ServeHTTP(w, r)
	})
}

// sameOrigin reports whether the request provably comes from a page of the
// gateway itself: its Origin names the Host it was sent to, or the browser
// says so in Sec-Fetch-Site. (A form posted from a page with
// Referrer-Policy: no-referrer, as every page of the gateway is, carries
// "Origin: null".)
func sameOrigin(r *http.Request) bool {
	if origin := r.Header.Get("Origin"); origin != "" && origin != "null" {
		u, err := url.Parse(origin)
		return err == nil && (u.Scheme == "http" || u.Scheme == "https") && strings.EqualFold(u.Host, r.Host)
	}
	return r.Header.Get("Sec-Fetch-Site") == "same-origin"
}

func isJSON(contentType string) bool {
	mt, _, err := mime.ParseMediaType(contentType)
	return err == nil && mt == "application/json"
}

// refuse answers a request the guard turns away: JSON on the API, plain
// text elsewhere.
func refuse(w http.ResponseWriter, api bool, code int, msg string) {
	if api {
		writeAPIError(w, code, msg)
		return
	}
	http.Error(w, msg, code)
}
