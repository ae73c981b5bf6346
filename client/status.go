package client

import "strconv"

// Status is a Gemini response status code (10–69).
type Status int

// The status codes defined by the Gemini specification (v0.24.1).
const (
	StatusInput                    Status = 10
	StatusSensitiveInput           Status = 11
	StatusSuccess                  Status = 20
	StatusRedirect                 Status = 30
	StatusPermanentRedirect        Status = 31
	StatusTemporaryFailure         Status = 40
	StatusServerUnavailable        Status = 41
	StatusCGIError                 Status = 42
	StatusProxyError               Status = 43
	StatusSlowDown                 Status = 44
	StatusPermanentFailure         Status = 50
	StatusNotFound                 Status = 51
	StatusGone                     Status = 52
	StatusProxyRequestRefused      Status = 53
	StatusBadRequest               Status = 59
	StatusCertificateRequired      Status = 60
	StatusCertificateNotAuthorised Status = 61
	StatusCertificateNotValid      Status = 62
)

var statusNames = map[Status]string{
	StatusInput:                    "INPUT",
	StatusSensitiveInput:           "SENSITIVE INPUT",
	StatusSuccess:                  "SUCCESS",
	StatusRedirect:                 "REDIRECT - TEMPORARY",
	StatusPermanentRedirect:        "REDIRECT - PERMANENT",
	StatusTemporaryFailure:         "TEMPORARY FAILURE",
	StatusServerUnavailable:        "SERVER UNAVAILABLE",
	StatusCGIError:                 "CGI ERROR",
	StatusProxyError:               "PROXY ERROR",
	StatusSlowDown:                 "SLOW DOWN",
	StatusPermanentFailure:         "PERMANENT FAILURE",
	StatusNotFound:                 "NOT FOUND",
	StatusGone:                     "GONE",
	StatusProxyRequestRefused:      "PROXY REQUEST REFUSED",
	StatusBadRequest:               "BAD REQUEST",
	StatusCertificateRequired:      "CLIENT CERTIFICATE REQUIRED",
	StatusCertificateNotAuthorised: "CERTIFICATE NOT AUTHORISED",
	StatusCertificateNotValid:      "CERTIFICATE NOT VALID",
}

// Class returns the status class: the code with its second digit zeroed
// (StatusSuccess for 20–29, StatusRedirect for 30–39, …).
func (s Status) Class() Status { return s / 10 * 10 }

// Valid reports whether s lies in the range a server may send (10–69).
func (s Status) Valid() bool { return s >= 10 && s <= 69 }

// Defined reports whether s is one of the codes the specification defines.
func (s Status) Defined() bool {
	_, ok := statusNames[s]
	return ok
}

// Canonical returns the status a client acts on: s itself when it is
// defined, else its class (an undefined 29 acts as 20).
func (s Status) Canonical() Status {
	if s.Defined() || !s.Valid() {
		return s
	}
	return s.Class()
}

// String returns the specification's name of the status, such as
// "NOT FOUND". An undefined code inside a defined class is named after its
// class ("SUCCESS (29)"); anything else is "UNKNOWN (n)".
func (s Status) String() string {
	if name, ok := statusNames[s]; ok {
		return name
	}
	if s.Valid() {
		return statusNames[s.Class()] + " (" + strconv.Itoa(int(s)) + ")"
	}
	return "UNKNOWN (" + strconv.Itoa(int(s)) + ")"
}
