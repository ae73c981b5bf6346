package atomicfile

import (
	"errors"
	"fmt"
)

// ParseError reports a store's file that does not parse. A store never
// overwrites such a file: it says what is wrong and where, and leaves the
// mending to the user.
type ParseError struct {
	Store string // what the file holds, named in the message: "history", "bookmarks", …
	Path  string // the file; "" for a document that is not one (then the message has no path)
	Line  int    // 1-based line number
	Err   error  // what is wrong
}

// Error returns "the STORE file does not parse: PATH:LINE: problem" ("line
// LINE of the STORE data does not parse: problem" without a path).
func (e *ParseError) Error() string {
	if e.Path == "" {
		return fmt.Sprintf("line %d of the %s data does not parse: %v", e.Line, e.Store, e.Err)
	}
	return fmt.Sprintf("the %s file does not parse: %s:%d: %v", e.Store, e.Path, e.Line, e.Err)
}

// Unwrap returns e.Err.
func (e *ParseError) Unwrap() error { return e.Err }

// SaveError reports a change of a store that was not saved because the
// file could not be locked, read or written, or does not parse (then Err
// is a *ParseError and the file was left alone).
type SaveError struct {
	Store string // what the file holds, named in the message
	Path  string // the file
	Err   error  // why
}

// Error explains what was not saved and why.
func (e *SaveError) Error() string {
	if pe, ok := errors.AsType[*ParseError](e.Err); ok {
		return fmt.Sprintf("the change to the %s was not saved: %s does not parse (line %d: %v) and is left as it is; fix or remove it",
			e.Store, e.Path, pe.Line, pe.Err)
	}
	return fmt.Sprintf("the change to the %s was not saved to %s: %v", e.Store, e.Path, e.Err)
}

// Unwrap returns e.Err.
func (e *SaveError) Unwrap() error { return e.Err }
