// Package tabs holds the browser's tabs and their pages: a tab's
// history (back and forward, a few pages kept in memory), its load in
// flight and sequence number, a 44 being waited out, the answer to a
// sensitive prompt it never shows; a page's document, view and what
// its response said, and how the status line and the page info describe
// it; the tabs as a saved session. The root model (package browser)
// does the loading and showing; a tab and a page only keep state and
// answer questions about it.
package tabs
