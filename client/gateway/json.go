package gateway

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"strings"

	"propus/client"
	"propus/client/charset"
	"propus/tofu"
)

// Result is Port of Call's success shape:
// {"success":true,"status":20,"meta":"…","body":"…"}.
type Result struct {
	Success bool   `json:"success"`
	Status  int    `json:"status"`
	Meta    string `json:"meta"`
	Body    string `json:"body"`
}

// ErrorResult is Port of Call's error shape: {"success":false,"error":"…"}.
type ErrorResult struct {
	Success bool   `json:"success"`
	Error   string `json:"error"`
}

// The error texts of Port of Call for a response that does not parse.
const (
	errResponseFormat = "Invalid Gemini response format"
	errHeaderFormat   = "Invalid Gemini header format"
	errStatusCode     = "Invalid status code"
)

// NewResult reads the body of resp (a 2x body decoded from its declared
// charset to UTF-8, "" for any other status) and returns the success shape.
// The caller closes resp.Body.
func NewResult(resp *client.Response) (Result, error) {
	body, err := ReadBody(resp)
	if err != nil {
		return Result{}, err
	}
	return Result{Success: true, Status: int(resp.RawStatus), Meta: resp.Meta, Body: body}, nil
}

// ReadBody reads the whole body of resp, within the client's cap, and
// returns it as UTF-8: a text/* body is decoded from its declared charset
// (an unknown charset is passed through); other bytes are kept as they are.
func ReadBody(resp *client.Response) (string, error) {
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return "", err
	}
	mt, params := resp.MediaType()
	if !strings.HasPrefix(mt, "text/") || params["charset"] == "" {
		return string(b), nil
	}
	r, err := charset.Decoder(bytes.NewReader(b), params["charset"])
	if err != nil {
		return string(b), nil // unknown charset: shown as UTF-8
	}
	text, err := io.ReadAll(r)
	if err != nil {
		return string(b), nil
	}
	return string(text), nil
}

// ErrorText returns the error text of a failed fetch as Port of Call words
// it: "Connection timeout" (any deadline, the total one included), "No
// response from server", "Response too large (max 5MB)", "Invalid Gemini
// response format" (no CRLF), "Invalid Gemini header format" (no space, or
// META too long), "Invalid status code"; "Certificate changed …" naming
// both fingerprints; otherwise the error itself.
func ErrorText(err error) string {
	var (
		tooLarge *client.TooLargeError
		header   *client.HeaderError
		changed  *tofu.ChangedError
		urlErr   *client.URLError
		blocked  *BlockedError
	)
	switch {
	case errors.Is(err, client.ErrTimeout), errors.Is(err, context.DeadlineExceeded):
		return client.ErrTimeout.Error()
	case errors.Is(err, client.ErrNoResponse):
		return client.ErrNoResponse.Error()
	case errors.As(err, &tooLarge):
		return tooLarge.Error()
	case errors.As(err, &header):
		return headerText(header)
	case errors.As(err, &changed):
		return "Certificate changed for " + changed.Address + ": the pinned key is " + changed.Old.Fingerprint +
			", the server presented " + changed.New.Fingerprint + "; not trusted"
	case errors.As(err, &blocked):
		return blocked.Error()
	case errors.As(err, &urlErr) && urlErr.URL == "":
		return urlErr.Reason
	}
	return err.Error()
}

// headerText sorts a malformed header as Port of Call's parser does: no
// line end, then no space, then a status that is not one.
func headerText(e *client.HeaderError) string {
	switch {
	case strings.Contains(e.Reason, "line end"):
		return errResponseFormat
	case strings.Contains(e.Reason, "longer than"), !strings.Contains(e.Header, " "):
		return errHeaderFormat
	}
	return errStatusCode
}

// WriteJSON writes v as one line of JSON, with <, > and & as they are.
func WriteJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}
