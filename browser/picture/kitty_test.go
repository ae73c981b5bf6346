package picture

import (
	"bytes"
	"encoding/base64"
	"image"
	"image/png"
	"strconv"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi/kitty"
)

// kittyCommand is one parsed APC G command.
type kittyCommand struct {
	opts    map[string]string
	payload string
}

// parseKitty splits s into its kitty graphics commands, failing on
// anything else.
func parseKitty(t *testing.T, s string) []kittyCommand {
	t.Helper()
	var cmds []kittyCommand
	for s != "" {
		if !strings.HasPrefix(s, "\x1b_G") {
			t.Fatalf("not a kitty command: %.40q", s)
		}
		end := strings.Index(s, "\x1b\\")
		if end < 0 {
			t.Fatalf("unterminated kitty command: %.40q", s)
		}
		body := s[3:end]
		s = s[end+2:]
		control, payload, _ := strings.Cut(body, ";")
		c := kittyCommand{opts: map[string]string{}, payload: payload}
		for kv := range strings.SplitSeq(control, ",") {
			k, v, _ := strings.Cut(kv, "=")
			c.opts[k] = v
		}
		cmds = append(cmds, c)
	}
	return cmds
}

// untmux undoes tmux passthrough wrapping of each sequence in s.
func untmux(t *testing.T, s string) string {
	t.Helper()
	var out strings.Builder
	for s != "" {
		if !strings.HasPrefix(s, "\x1bPtmux;") {
			t.Fatalf("not wrapped for tmux: %.40q", s)
		}
		s = s[len("\x1bPtmux;"):]
		// The wrapped sequence has every ESC doubled; a single ESC
		// followed by \ ends the passthrough.
		for {
			if strings.HasPrefix(s, "\x1b\x1b") {
				out.WriteByte(0x1b)
				s = s[2:]
			} else if strings.HasPrefix(s, "\x1b\\") {
				s = s[2:]
				break
			} else if s == "" {
				t.Fatal("unterminated passthrough")
			} else {
				out.WriteByte(s[0])
				s = s[1:]
			}
		}
	}
	return out.String()
}

func TestKitty(t *testing.T) {
	// Noise does not compress: the PNG needs several chunks.
	src := image.NewNRGBA(image.Rect(0, 0, 300, 200))
	for i := range src.Pix {
		src.Pix[i] = uint8(i*7919>>3) ^ uint8(i>>9)
	}
	for _, tmux := range []bool{false, true} {
		p, err := Render(src, Kitty, 40, 20, Options{Cell: image.Pt(10, 20), ID: 42, Tmux: tmux})
		if err != nil {
			t.Fatal(err)
		}
		// 300×200 fits 400×400 pixels as it is: 30×10 cells.
		if p.Cells != image.Pt(30, 10) || len(p.Lines) != 10 {
			t.Fatalf("Cells %v, %d lines; want 30×10", p.Cells, len(p.Lines))
		}
		escape, release := p.Escape, p.Release
		if tmux {
			escape, release = untmux(t, escape), untmux(t, release)
		}
		if release != "\x1b_Ga=d,d=I,i=42,q=2\x1b\\" {
			t.Errorf("Release = %q", release)
		}
		cmds := parseKitty(t, escape)
		if len(cmds) < 3 {
			t.Fatalf("%d chunks, want several", len(cmds))
		}
		first := cmds[0].opts
		for k, v := range map[string]string{"a": "T", "U": "1", "f": "100", "i": "42", "c": "30", "r": "10", "q": "2", "m": "1"} {
			if first[k] != v {
				t.Errorf("first chunk %s=%q, want %q (%v)", k, first[k], v, first)
			}
		}
		var payload strings.Builder
		for i, c := range cmds {
			if len(c.payload) > kitty.MaxChunkSize || len(c.payload)%4 != 0 && i < len(cmds)-1 {
				t.Errorf("chunk %d has %d bytes", i, len(c.payload))
			}
			wantM := "1"
			if i == len(cmds)-1 {
				wantM = "0"
			}
			if c.opts["m"] != wantM {
				t.Errorf("chunk %d: m=%q, want %s", i, c.opts["m"], wantM)
			}
			if i > 0 && (len(c.opts) != 2 || c.opts["q"] != "2") {
				t.Errorf("chunk %d has options %v, want q and m only", i, c.opts)
			}
			payload.WriteString(c.payload)
		}
		data, err := base64.StdEncoding.DecodeString(payload.String())
		if err != nil {
			t.Fatal(err)
		}
		img, err := png.Decode(bytes.NewReader(data))
		if err != nil {
			t.Fatal(err)
		}
		if img.Bounds() != src.Bounds() {
			t.Errorf("transmitted %v, want %v", img.Bounds(), src.Bounds())
		}
		checkWidths(t, p.Lines, 40)
		checkPlaceholders(t, p.Lines, 42, p.Cells)
	}
}

// checkPlaceholders decodes the placeholder lines back: the image id in
// the 256-colour foreground, then in each cell U+10EEEE with the
// diacritics of its row and column.
func checkPlaceholders(t *testing.T, lines []string, id int, cells image.Point) {
	t.Helper()
	pen := "\x1b[38;5;" + strconv.Itoa(id) + "m"
	for row, line := range lines {
		if !strings.HasPrefix(line, pen) {
			t.Fatalf("line %d does not start with the id's colour: %.30q", row, line)
		}
		body, rest, ok := strings.Cut(line[len(pen):], "\x1b[39m")
		if !ok || strings.Trim(rest, " ") != "" {
			t.Fatalf("line %d: %q", row, line)
		}
		runes := []rune(body)
		if len(runes) != 3*cells.X {
			t.Fatalf("line %d has %d runes, want %d", row, len(runes), 3*cells.X)
		}
		for col := range cells.X {
			cell := runes[3*col : 3*col+3]
			if cell[0] != kitty.Placeholder || diacriticIndex(cell[1]) != row || diacriticIndex(cell[2]) != col {
				t.Fatalf("cell %d,%d = %U", row, col, cell)
			}
		}
	}
}

// diacriticIndex returns the index of r in kitty's diacritics table, or -1.
func diacriticIndex(r rune) int {
	for i := range kittyMaxCells {
		if kitty.Diacritic(i) == r {
			return i
		}
	}
	return -1
}

// A picture wider than the diacritics table is limited to it.
func TestKittyMaxCells(t *testing.T) {
	p, err := Render(testImage(4000, 10, false), Kitty, 500, 5, Options{Cell: image.Pt(1, 2)})
	if err != nil {
		t.Fatal(err)
	}
	if p.Cells.X != kittyMaxCells {
		t.Errorf("Cells %v, want %d columns", p.Cells, kittyMaxCells)
	}
	// Out of the table, kitty.Diacritic gives its first entry.
	if kitty.Diacritic(kittyMaxCells) != kitty.Diacritic(0) || kitty.Diacritic(kittyMaxCells-1) == kitty.Diacritic(0) {
		t.Error("kittyMaxCells is not the length of the diacritics table")
	}
}

// One chunk: no m key at all.
func TestKittyOneChunk(t *testing.T) {
	p, err := Render(testImage(4, 4, false), Kitty, 10, 10, Options{})
	if err != nil {
		t.Fatal(err)
	}
	cmds := parseKitty(t, p.Escape)
	if len(cmds) != 1 || cmds[0].opts["m"] != "" || cmds[0].opts["i"] != "1" {
		t.Errorf("commands %v", cmds)
	}
}
