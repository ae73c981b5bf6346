package client

import (
	"errors"
	"strconv"
)

// The errors a request can end with. They carry the wording of the Port of
// Call reference, which `propus fetch --json` prints as it is; the errors
// Do returns wrap them with what happened, so test with errors.Is.
var (
	// ErrTimeout: a dial, handshake, header or body deadline passed.
	ErrTimeout = errors.New("Connection timeout")
	// ErrNoResponse: the server closed the connection without a byte.
	ErrNoResponse = errors.New("No response from server")
)

// DefaultMaxSize is the body cap used when Client.MaxSize is zero: 5 MiB.
const DefaultMaxSize = 5 << 20

// TooLargeError is returned by a response body that grows past the
// client's cap.
type TooLargeError struct {
	Max int64 // the cap, in bytes
}

func (e *TooLargeError) Error() string {
	return "Response too large (max " + formatSize(e.Max) + ")"
}

func formatSize(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return strconv.FormatInt(n>>20, 10) + "MB"
	case n >= 1<<10 && n%(1<<10) == 0:
		return strconv.FormatInt(n>>10, 10) + "KB"
	}
	return strconv.FormatInt(n, 10) + " bytes"
}

// HeaderError reports a response header that breaks the protocol's rules.
type HeaderError struct {
	Header string // the bytes received, cut short when very long
	Reason string // what is wrong, as a phrase
}

func (e *HeaderError) Error() string {
	return "malformed response header " + strconv.Quote(shorten(e.Header, 60)) + ": " + e.Reason
}
