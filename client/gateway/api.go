package gateway

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"

	"propus/client"
	"propus/tofu"
)

// The fixed texts of a request the API cannot read.
const (
	errBadJSON    = "Invalid JSON body"
	errURLType    = `Invalid request: "url" must be a string`
	errTimeout    = `Invalid request: "timeout" must be a number of milliseconds`
	errURLFormat  = "Invalid Gemini URL format"
	errURLMissing = "URL is required"
	errTooLarge   = "Request body too large (max 1MB)"
)

// fetchRequest is the API's request: {"url": "...", "timeout": 10000}.
type fetchRequest struct {
	URL     json.RawMessage `json:"url"`
	Timeout json.RawMessage `json:"timeout"`
}

// serveFetch is POST /api/gemini/fetch.
func (g *Gateway) serveFetch(w http.ResponseWriter, r *http.Request) {
	raw, d, code, msg := readFetchRequest(w, r)
	if msg != "" {
		writeAPIError(w, code, msg)
		return
	}
	u, err := client.ParseURL(raw)
	if err != nil || u.Scheme != "gemini" {
		writeAPIError(w, http.StatusBadRequest, errURLFormat)
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), d)
	defer cancel()
	var trust tofu.Result
	resp, release, err := g.fetch(ctx, r, u, d, &trust)
	if err != nil {
		writeFetchError(w, err)
		return
	}
	defer release()
	defer resp.Body.Close()
	res, err := NewResult(resp)
	if err != nil {
		writeFetchError(w, err)
		return
	}
	writeAPI(w, http.StatusOK, res)
}

// readFetchRequest reads and checks the request body. It returns the URL
// and the total deadline, or the HTTP status and error text to answer.
func readFetchRequest(w http.ResponseWriter, r *http.Request) (string, time.Duration, int, string) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxRequestBody))
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		return "", 0, http.StatusRequestEntityTooLarge, errTooLarge
	}
	var req fetchRequest
	if err != nil || json.Unmarshal(body, &req) != nil {
		return "", 0, http.StatusBadRequest, errBadJSON
	}
	var u string
	switch {
	case isNull(req.URL):
		return "", 0, http.StatusBadRequest, errURLMissing
	case json.Unmarshal(req.URL, &u) != nil:
		return "", 0, http.StatusBadRequest, errURLType
	case strings.TrimSpace(u) == "":
		return "", 0, http.StatusBadRequest, errURLMissing
	}
	d, ok := parseTimeout(req.Timeout)
	if !ok {
		return "", 0, http.StatusBadRequest, errTimeout
	}
	return u, d, 0, ""
}

// parseTimeout reads "timeout": absent or null is DefaultTimeout; a number
// or a numeric string of milliseconds is clamped to MinTimeout–MaxTimeout.
func parseTimeout(raw json.RawMessage) (time.Duration, bool) {
	if isNull(raw) {
		return DefaultTimeout, true
	}
	var ms float64
	if err := json.Unmarshal(raw, &ms); err != nil {
		var s string
		if json.Unmarshal(raw, &s) != nil {
			return 0, false
		}
		if ms, err = strconv.ParseFloat(strings.TrimSpace(s), 64); err != nil {
			return 0, false
		}
	}
	if math.IsNaN(ms) || math.IsInf(ms, 0) {
		return 0, false
	}
	d := time.Duration(ms * float64(time.Millisecond))
	return min(max(d, MinTimeout), MaxTimeout), true
}

func isNull(raw json.RawMessage) bool {
	return len(raw) == 0 || bytes.Equal(bytes.TrimSpace(raw), []byte("null"))
}

// writeFetchError answers a fetch that failed, as Port of Call does (500)
// unless a rule of the gateway refused it (fetchStatus).
func writeFetchError(w http.ResponseWriter, err error) {
	writeAPIError(w, fetchStatus(w, err, http.StatusInternalServerError), ErrorText(err))
}

// fetchStatus is the HTTP status for a failed fetch: 403 for a blocked
// target, 429 (with Retry-After set) for a limit, else def.
func fetchStatus(w http.ResponseWriter, err error, def int) int {
	var (
		blocked *BlockedError
		limit   *LimitError
	)
	switch {
	case errors.As(err, &blocked):
		return http.StatusForbidden
	case errors.As(err, &limit):
		w.Header().Set("Retry-After", strconv.Itoa(retrySeconds(limit.RetryAfter)))
		return http.StatusTooManyRequests
	}
	return def
}

func methodNotAllowed(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Allow", http.MethodPost)
	writeAPIError(w, http.StatusMethodNotAllowed, "Method not allowed. Use POST.")
}

func writeAPIError(w http.ResponseWriter, code int, msg string) {
	writeAPI(w, code, ErrorResult{Success: false, Error: msg})
}

func writeAPI(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	WriteJSON(w, v)
}
