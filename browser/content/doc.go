// Package content holds the browser's content-handling helpers: how a 2x
// response is shown (Classify), saving a body to disk (Download, FileName)
// and handing a URL or file to an external program (Open, SplitCommand).
// Decoding a body from its charset is package client/charset's.
//
// There is no UI here. Every function is safe to call from any goroutine,
// typically from inside a Bubble Tea command, and the ones that can block
// take a context. Nothing here makes text safe for the terminal except
// FileName: what comes from the network (MIME parameters) still goes
// through package sanitize before it is shown.
package content
