package client

import (
	"bufio"
	"errors"
	"io"
	"strconv"
	"strings"
)

// MaxMetaLength is the longest META a response header may carry, in bytes.
const MaxMetaLength = 1024

// maxHeaderLength is two digits, a space, META and CRLF.
const maxHeaderLength = 2 + 1 + MaxMetaLength + 2

// ReadHeader reads one response header from r: two digits, a space, META,
// CRLF (a bare LF is tolerated). It returns the status as sent and META.
// It returns ErrNoResponse when r ends before the first byte, and a
// *HeaderError for everything else that is not a header: one or three
// digits, letters, a blank line, a status below 10 or above 69, META longer
// than MaxMetaLength bytes, or no line end before the stream closes.
func ReadHeader(r *bufio.Reader) (Status, string, error) {
	line, err := readLine(r, maxHeaderLength)
	switch {
	case err == io.EOF && len(line) == 0:
		return 0, "", ErrNoResponse
	case errors.Is(err, errLineTooLong):
		return 0, "", &HeaderError{Header: line, Reason: "META is longer than " + strconv.Itoa(MaxMetaLength) + " bytes"}
	case err == io.EOF || err == io.ErrUnexpectedEOF:
		return 0, "", &HeaderError{Header: line, Reason: "the connection closed before the header's line end (CRLF)"}
	case err != nil:
		return 0, "", err
	}
	return ParseHeader(line)
}

// ParseHeader parses a header line without its line end.
func ParseHeader(line string) (Status, string, error) {
	bad := func(reason string) (Status, string, error) {
		return 0, "", &HeaderError{Header: line, Reason: reason}
	}
	digits := 0
	for digits < len(line) && '0' <= line[digits] && line[digits] <= '9' {
		digits++
	}
	switch {
	case line == "":
		return bad("blank line instead of a status")
	case digits == 0:
		return bad("the status is not a number")
	case digits == 1:
		return bad("one-digit status (want two digits)")
	case digits > 2:
		return bad(strconv.Itoa(digits) + "-digit status (want two digits)")
	}
	status := Status((line[0]-'0')*10 + line[1] - '0')
	if !status.Valid() {
		return bad("status " + line[:2] + " is outside 10–69")
	}
	if len(line) == 2 {
		return status, "", nil
	}
	if line[2] != ' ' {
		return bad("no space after the status")
	}
	meta := strings.TrimLeft(line[3:], " ")
	if len(meta) > MaxMetaLength {
		return bad("META is longer than " + strconv.Itoa(MaxMetaLength) + " bytes")
	}
	return status, meta, nil
}

// WriteHeader writes a response header: status, a space, meta, CRLF. It
// refuses a status outside 10–69, or a meta that is too long or holds a
// line break, so a server never sends a header a client must reject.
func WriteHeader(w io.Writer, status Status, meta string) error {
	if !status.Valid() {
		return errors.New("gemini: status " + strconv.Itoa(int(status)) + " is outside 10–69")
	}
	if len(meta) > MaxMetaLength {
		return errors.New("gemini: META is longer than " + strconv.Itoa(MaxMetaLength) + " bytes")
	}
	if strings.ContainsAny(meta, "\r\n") {
		return errors.New("gemini: META holds a line break")
	}
	_, err := io.WriteString(w, strconv.Itoa(int(status))+" "+meta+"\r\n")
	return err
}

var errLineTooLong = errors.New("line too long")

// readLine reads up to and without a line end (LF, with one CR before it
// dropped), reading no more than max bytes. It returns what it has with
// io.EOF when the stream ends first, and errLineTooLong past max.
func readLine(r *bufio.Reader, max int) (string, error) {
	var b []byte
	for {
		c, err := r.ReadByte()
		if err != nil {
			return string(b), err
		}
		if c == '\n' {
			if n := len(b); n > 0 && b[n-1] == '\r' {
				b = b[:n-1]
			}
			return string(b), nil
		}
		if len(b) >= max {
			return string(b), errLineTooLong
		}
		b = append(b, c)
	}
}
