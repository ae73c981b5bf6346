// Package browser is propus's terminal browser: a Bubble Tea program of
// tabs, each with its own history, that loads Gemini pages as they stream
// in and lays out only what is on screen (package render).
//
// All network and disk I/O runs inside tea.Cmds that return typed
// messages. Every load carries its tab and a sequence number, so a reply
// that arrives after the user moved on never overwrites the page they are
// on. Every string from a server passes the one sanitiser
// (browser/sanitize) before it reaches the screen.
//
//	m := browser.New(browser.Options{Client: c, Hosts: hosts}, "gemini://geminiprotocol.net/")
//	_, err := tea.NewProgram(m).Run()
package browser
