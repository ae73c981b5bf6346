package main

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// The demo's wiki written with Titan and its image seen, as a user would
// in tmux: E on the scratch page runs $EDITOR (here a script that adds a
// line), u uploads, the demo's server asks for its token, and the page
// comes back with the line; then the demo's PNG shows in half blocks.
func TestEndToEndTitanAndImage(t *testing.T) {
	needTmux(t)
	bin := buildPropus(t)
	editor := filepath.Join(t.TempDir(), "editor.sh")
	const added = "A line the editor added."
	if err := os.WriteFile(editor, []byte("#!/bin/sh\necho '"+added+"' >> \"$1\"\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	port := strconv.Itoa(freePort(t))
	scratch := "gemini://localhost:" + port + "/wiki/scratch.gmi"
	s := startTmux(t, bin, 100, 30, []string{"EDITOR=" + editor}, "demo", "--port", port, "--no-restore")
	s.waitFor("the demo's home page", func(sc screen) bool { return sc.contains(demoHomeTitle) })

	s.send("o")
	s.waitFor("the open prompt", func(sc screen) bool { return strings.HasPrefix(sc.status(), "Open:") })
	s.typeText(scratch)
	s.send("Enter")
	s.waitFor("the scratch page", func(sc screen) bool { return sc.contains("# Scratch page") && sc.bar() == scratch })
	s.send("E")
	s.waitFor("the upload asked about after the editor", func(sc screen) bool {
		return sc.contains("to "+scratch+" with Titan?") && sc.contains("u upload")
	})
	s.send("u")
	s.waitFor("the token asked for", func(sc screen) bool { return strings.HasPrefix(sc.status(), "Titan token:") })
	s.typeText("demo")
	s.send("Enter")
	s.waitFor("the page as uploaded, and the upload said", func(sc screen) bool {
		return sc.contains(added) && strings.HasPrefix(sc.status(), "Uploaded ") && sc.bar() == scratch
	})

	s.send("o")
	s.waitFor("the open prompt", func(sc screen) bool { return strings.HasPrefix(sc.status(), "Open:") })
	s.typeText("/download/propus.png")
	s.send("Enter")
	s.waitFor("the PNG in half blocks, with its caption", func(sc screen) bool {
		return sc.contains("▀▀▀▀") && sc.contains("PNG · 64×64 · 159 B · s save · v open outside")
	})
	s.quit()
}
