package gateway

import (
	"net/url"
	"strconv"
	"strings"

	"propus/client"
	"propus/gemtext"
)

// block is one piece of a rendered gemtext page.
type block struct {
	Kind     string // h1 h2 h3 p blank link list quote pre
	Text     string
	Items    []string // list
	Alt      string   // pre: the alt text, shown as a caption
	N        int      // link: its number
	Href     string   // link: where it goes ("" when it does not parse)
	External bool     // link: another scheme, left as a plain link
	Scheme   string   // link: that scheme
}

// renderGemtext turns a gemtext document into blocks: consecutive list
// items into one list, a preformatted run into one block with its alt text,
// links resolved against base and numbered, gemini links through the
// gateway. It also returns the first heading, for the title.
func renderGemtext(doc gemtext.Document, base *url.URL) (blocks []block, title string) {
	var pre *block
	var preLines []string // the open block's lines, joined when it ends
	endPre := func() {
		pre.Text = strings.Join(preLines, "\n")
		blocks = append(blocks, *pre)
		pre, preLines = nil, nil
	}
	n := 0
	for _, l := range doc {
		switch l.Kind {
		case gemtext.PreformatToggle:
			if pre == nil {
				pre = &block{Kind: "pre", Alt: l.Text}
			} else {
				endPre()
			}
			continue
		case gemtext.Preformatted:
			if pre != nil {
				preLines = append(preLines, l.Text)
				continue
			}
		}
		switch l.Kind {
		case gemtext.Heading:
			blocks = append(blocks, block{Kind: "h" + strconv.Itoa(min(max(l.Level, 1), 3)), Text: l.Text})
			if title == "" {
				title = l.Text
			}
		case gemtext.ListItem:
			if k := len(blocks); k > 0 && blocks[k-1].Kind == "list" {
				blocks[k-1].Items = append(blocks[k-1].Items, l.Text)
			} else {
				blocks = append(blocks, block{Kind: "list", Items: []string{l.Text}})
			}
		case gemtext.Quote:
			blocks = append(blocks, block{Kind: "quote", Text: l.Text})
		case gemtext.Link:
			n++
			blocks = append(blocks, linkBlock(n, l, base))
		default:
			if strings.TrimSpace(l.Text) == "" {
				blocks = append(blocks, block{Kind: "blank"})
			} else {
				blocks = append(blocks, block{Kind: "p", Text: l.Text})
			}
		}
	}
	if pre != nil { // unclosed at the end of the document
		endPre()
	}
	return blocks, title
}

func linkBlock(n int, l gemtext.Line, base *url.URL) block {
	b := block{Kind: "link", N: n, Text: l.Text}
	if b.Text == "" {
		b.Text = l.URL
	}
	u, err := client.Resolve(base, l.URL)
	if err != nil {
		return b
	}
	if u.Scheme == "gemini" {
		b.Href = gatewayPath("/gemini/", u)
		return b
	}
	if !linkSchemes[strings.ToLower(u.Scheme)] {
		return b // javascript:, data: and the like stay text
	}
	b.Href, b.External, b.Scheme = u.String(), true, u.Scheme
	return b
}

// linkSchemes are the other schemes left as plain links.
var linkSchemes = map[string]bool{
	"http": true, "https": true, "gopher": true, "finger": true, "spartan": true, "nex": true,
	"titan": true, "mailto": true, "ftp": true, "irc": true, "ircs": true, "xmpp": true, "news": true,
}

// gatewayPath is where the gateway serves the gemini URL u under prefix
// ("/gemini/" or "/raw/"): the host, its port if not 1965, path and query.
func gatewayPath(prefix string, u *url.URL) string {
	p := prefix + u.Host + u.EscapedPath()
	if u.RawQuery != "" || u.ForceQuery {
		p += "?" + u.RawQuery
	}
	return p
}
