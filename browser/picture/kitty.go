package picture

import (
	"bytes"
	"encoding/base64"
	"image"
	"image/png"
	"strconv"
	"strings"

	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/ansi/kitty"
)

// kittyMaxCells is the most rows or columns a placeholder can address: the
// length of kitty's row/column diacritics table.
const kittyMaxCells = 297

// renderKitty transmits img, fitted into cols×rows cells, as a PNG with the
// kitty graphics protocol and a virtual placement (a=T, U=1), and returns
// placeholder lines that show it: each cell is U+10EEEE with the
// diacritics of its row and column, in the foreground colour whose
// 256-colour index is the image id.
func renderKitty(img image.Image, cols, rows int, o Options) (Picture, error) {
	cols, rows = min(cols, kittyMaxCells), min(rows, kittyMaxCells)
	size := Fit(img.Bounds().Size(), image.Pt(cols*o.Cell.X, rows*o.Cell.Y))
	if size == (image.Point{}) {
		return Picture{}, nil
	}
	cells := image.Pt(divCeil(size.X, o.Cell.X), divCeil(size.Y, o.Cell.Y))

	var data bytes.Buffer
	enc := png.Encoder{CompressionLevel: png.BestSpeed}
	if err := enc.Encode(&data, scale(img, size)); err != nil {
		return Picture{}, err
	}
	opts := kitty.Options{
		Action:           kitty.TransmitAndPut,
		Format:           kitty.PNG,
		Quiet:            2,
		ID:               o.ID,
		Columns:          cells.X,
		Rows:             cells.Y,
		VirtualPlacement: true,
	}
	transmit := kittyChunks(base64.StdEncoding.EncodeToString(data.Bytes()), opts.Options(), o.Tmux)
	release := ansi.KittyGraphics(nil, "a=d", "d=I", "i="+strconv.Itoa(o.ID), "q=2")
	if o.Tmux {
		release = ansi.TmuxPassthrough(release)
	}

	pen := "\x1b[38;5;" + strconv.Itoa(o.ID) + "m"
	lines := make([]string, cells.Y)
	var b strings.Builder
	for row := range cells.Y {
		b.Reset()
		b.WriteString(pen)
		for col := range cells.X {
			b.WriteRune(kitty.Placeholder)
			b.WriteRune(kitty.Diacritic(row))
			b.WriteRune(kitty.Diacritic(col))
		}
		b.WriteString("\x1b[39m")
		lines[row] = padLine(b.String(), cells.X, cols)
	}
	return Picture{Lines: lines, Cells: cells, Escape: transmit, Release: release}, nil
}

// kittyChunks returns the kitty graphics commands that send payload in
// chunks of kitty.MaxChunkSize bytes, the first with opts, every one but
// the last with m=1, each wrapped for tmux passthrough when tmux is set.
func kittyChunks(payload string, opts []string, tmux bool) string {
	var b strings.Builder
	for first := true; first || payload != ""; first = false {
		n := min(len(payload), kitty.MaxChunkSize)
		chunk := payload[:n]
		payload = payload[n:]
		var o []string
		if first {
			o = append(o, opts...)
		} else {
			o = append(o, "q=2")
		}
		if !first || payload != "" {
			o = append(o, "m="+strconv.Itoa(boolInt(payload != "")))
		}
		cmd := ansi.KittyGraphics([]byte(chunk), o...)
		if tmux {
			cmd = ansi.TmuxPassthrough(cmd)
		}
		b.WriteString(cmd)
	}
	return b.String()
}

// boolInt is 1 for true, 0 for false.
func boolInt(v bool) int {
	if v {
		return 1
	}
	return 0
}
