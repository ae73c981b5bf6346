package client

import (
	"crypto/tls"
	"errors"
	"io"
	"net"
	"strconv"
	"strings"
	"syscall"
)

// Stage is how far a request had got when it failed.
type Stage int

const (
	// StageConnect is opening the TCP connection (name lookup included).
	StageConnect Stage = iota
	// StageHandshake is the TLS handshake.
	StageHandshake
	// StageRequest is sending the request line.
	StageRequest
	// StageHeader is waiting for the response header.
	StageHeader
	// StageBody is reading the response body.
	StageBody
)

// doing returns what the stage does, for an error that NetError does not
// word: "connecting to HOST:PORT".
func (s Stage) doing(address string) string {
	switch s {
	case StageHandshake:
		return "TLS handshake with " + address
	case StageRequest:
		return "sending the request to " + address
	case StageHeader:
		return "reading the response header from " + address
	case StageBody:
		return "reading the body from " + address
	}
	return "connecting to " + address
}

// during returns the stage as a phrase that follows "… by HOST:PORT".
func (s Stage) during() string {
	switch s {
	case StageHandshake:
		return " during the TLS handshake"
	case StageRequest:
		return " while the request was sent"
	case StageHeader:
		return " before it answered"
	case StageBody:
		return " while the page was read"
	}
	return ""
}

// NetError is a network failure of a request, put in words a user can
// read: "Connection refused by example.org:1965", "No such host
// example.org", "Connection reset by the server after 12 KiB". Do and a
// response body return it for the failures it knows (refused, reset,
// unreachable, unknown host, a server that does not speak TLS or refuses
// the handshake, a TLS handshake that fails); errors.Is and errors.As reach Err, the error from
// package net, crypto/tls or syscall.
type NetError struct {
	Stage    Stage  // how far the request had got
	Address  string // the HOST:PORT the request went to
	Received int64  // body bytes read before the failure (StageBody)
	Err      error  // the error from package net, crypto/tls or io
}

func (e *NetError) Error() string {
	var dns *net.DNSError
	var record tls.RecordHeaderError
	switch {
	case errors.As(e.Err, &dns) && dns.IsNotFound:
		return "No such host " + host(e.Address)
	case errors.As(e.Err, &dns):
		return "Could not look up " + host(e.Address) + " (no answer from the name server)"
	case errors.Is(e.Err, syscall.ECONNREFUSED):
		return "Connection refused by " + e.Address
	case errors.Is(e.Err, syscall.ECONNRESET) || errors.Is(e.Err, syscall.ECONNABORTED):
		if e.Stage == StageBody {
			return "Connection reset by the server after " + bytesInWords(e.Received)
		}
		return "Connection reset by " + e.Address + e.Stage.during()
	case errors.Is(e.Err, syscall.EPIPE):
		return "Connection closed by " + e.Address + e.Stage.during()
	case errors.Is(e.Err, syscall.ENETUNREACH):
		return "Network unreachable: no route to " + e.Address
	case errors.Is(e.Err, syscall.EHOSTUNREACH):
		return "Host unreachable: no route to " + e.Address
	case errors.As(e.Err, &record):
		return e.Address + " does not speak TLS: it is not a Gemini server"
	case errors.Is(e.Err, io.EOF) || errors.Is(e.Err, io.ErrUnexpectedEOF):
		return "Connection closed by " + e.Address + e.Stage.during()
	}
	if alert, ok := strings.CutPrefix(e.Err.Error(), "remote error: tls: "); ok {
		return e.Address + " refused the TLS handshake (" + alert + ")"
	}
	if reason, ok := strings.CutPrefix(e.Err.Error(), "tls: "); ok {
		return "The TLS handshake with " + e.Address + " failed (" + reason + ")"
	}
	msg := "Connection to " + e.Address + " failed" + e.Stage.during()
	var errno syscall.Errno
	if errors.As(e.Err, &errno) {
		msg += " (" + errno.Error() + ")"
	}
	return msg
}

// Unwrap returns e.Err.
func (e *NetError) Unwrap() error { return e.Err }

// netError returns err as a *NetError when it is a network failure that
// NetError words, else nil. An error of the TrustCertificate hook is none
// of these: it is returned as the hook made it.
func netError(err error, stage Stage, address string, received int64) *NetError {
	var dns *net.DNSError
	var record tls.RecordHeaderError
	var op *net.OpError
	switch {
	case errors.As(err, &dns), errors.As(err, &record), errors.As(err, &op),
		stage != StageConnect && (errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF)),
		stage == StageHandshake && strings.HasPrefix(err.Error(), "tls: "):
		return &NetError{Stage: stage, Address: address, Received: received, Err: err}
	}
	return nil
}

// host returns the host of a HOST:PORT address.
func host(address string) string {
	if h, _, err := net.SplitHostPort(address); err == nil {
		return h
	}
	return address
}

// bytesInWords says a byte count the way a person would: "1 byte",
// "600 bytes", "12 KiB", "4.2 MiB".
func bytesInWords(n int64) string {
	switch {
	case n == 1:
		return "1 byte"
	case n < 1<<10:
		return strconv.FormatInt(n, 10) + " bytes"
	case n < 1<<20:
		return strconv.FormatInt(n>>10, 10) + " KiB"
	}
	return strconv.FormatFloat(float64(n)/(1<<20), 'f', 1, 64) + " MiB"
}
