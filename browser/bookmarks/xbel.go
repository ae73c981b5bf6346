package bookmarks

import (
	"bufio"
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"propus/client"
)

// metadataOwner is the owner of the XBEL <metadata> element that carries
// propus's own fields (the tags). Metadata of other owners is ignored.
const metadataOwner = "propus"

// xmlBookmark is a <bookmark> element as ReadXBEL decodes it.
type xmlBookmark struct {
	Href  string `xml:"href,attr"`
	Added string `xml:"added,attr"`
	Title string `xml:"title"`
	Info  struct {
		Metadata []struct {
			Owner string `xml:"owner,attr"`
			Tags  string `xml:"tags"`
		} `xml:"metadata"`
	} `xml:"info"`
}

// ReadXBEL reads bookmarks from an XBEL document: the bookmarks.xml that
// Amfora writes (<xbel version="1.0"> holding <bookmark href="..."> elements
// with a <title>) and what WriteXBEL writes. Bookmarks are returned in
// document order. A <folder>'s <title> becomes a segment of the Folder path
// of the bookmarks inside it (nested folders give "Outer/Inner"; a folder
// without a title adds no segment, and a "/" in a title nests). Tags come from
// <info><metadata owner="propus"><tags>a,b</tags></metadata></info>; the
// added attribute, if it is RFC 3339, gives Added. Everything else (other
// metadata, desc, separators, aliases, empty folders) is ignored, as are
// bookmarks without an href.
//
// Text is made safe for a terminal (sanitize.Line) and normalised as the
// store does: titles trimmed, folder segments trimmed, tags split on commas.
// Duplicate URLs are all returned; the Store keeps the first.
//
// An empty document (nothing but white space) holds no bookmarks. Anything
// that is not well-formed XBEL is a *ParseError carrying the line (its Path
// is empty).
func ReadXBEL(r io.Reader) ([]Bookmark, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, err
	}
	return parseXBEL("", data)
}

// parseXBEL is ReadXBEL on bytes already read; path goes into a
// *ParseError.
func parseXBEL(path string, data []byte) ([]Bookmark, error) {
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, nil
	}
	d := xml.NewDecoder(bytes.NewReader(data))
	tokLine := 1 // where the latest token starts
	fail := func(err error) error {
		line := tokLine
		var se *xml.SyntaxError
		if errors.As(err, &se) {
			line = se.Line
			err = errors.New(se.Msg)
		}
		return &ParseError{Store: "bookmarks", Path: path, Line: line, Err: err}
	}

	type frame struct {
		name   string // element name
		folder bool   // a <folder>
		title  string // the folder's title, once read
		titled bool   // the folder's title was read
	}
	var (
		stack    []frame
		out      []Bookmark
		sawRoot  bool
		finished bool // </xbel> was read
	)
	folderPath := func() string {
		var segs []string
		for _, f := range stack {
			if f.folder && f.title != "" {
				segs = append(segs, f.title)
			}
		}
		return strings.Join(segs, "/")
	}
	for {
		tokLine, _ = d.InputPos()
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fail(err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if finished {
				return nil, fail(errors.New("content after </xbel>"))
			}
			if len(stack) == 0 {
				if t.Name.Local != "xbel" {
					return nil, fail(fmt.Errorf("not an XBEL file: the root element is <%s>, want <xbel>", t.Name.Local))
				}
				sawRoot = true
				stack = append(stack, frame{name: "xbel"})
				continue
			}
			top := &stack[len(stack)-1]
			switch t.Name.Local {
			case "folder":
				// A folder's children come after its title, so a title
				// that was not seen by now never will be.
				top.titled = true
				stack = append(stack, frame{name: "folder", folder: true})
			case "title":
				if !top.folder || top.titled {
					if err := d.Skip(); err != nil {
						return nil, fail(err)
					}
					continue
				}
				var title string
				if err := d.DecodeElement(&title, &t); err != nil {
					return nil, fail(err)
				}
				top.title = cleanFolder(title)
				top.titled = true
			case "bookmark":
				top.titled = true
				var xb xmlBookmark
				if err := d.DecodeElement(&xb, &t); err != nil {
					return nil, fail(err)
				}
				b := Bookmark{URL: xb.Href, Title: xb.Title, Folder: folderPath()}
				if xb.Added != "" {
					if at, err := time.Parse(time.RFC3339, strings.TrimSpace(xb.Added)); err == nil {
						b.Added = at
					}
				}
				for _, m := range xb.Info.Metadata {
					if m.Owner == metadataOwner {
						b.Tags = append(b.Tags, m.Tags)
					}
				}
				b = clean(b)
				if client.CheckURL(b.URL) != nil {
					continue
				}
				out = append(out, b)
			default:
				// info, desc, separator, alias, and anything unknown.
				if err := d.Skip(); err != nil {
					return nil, fail(err)
				}
			}
		case xml.EndElement:
			// The decoder checks that end tags match start tags.
			stack = stack[:len(stack)-1]
			if len(stack) == 0 {
				finished = true
			}
		case xml.CharData:
			if len(stack) == 0 && len(bytes.TrimSpace(t)) != 0 {
				lead := len(t) - len(bytes.TrimLeft(t, " \t\r\n"))
				tokLine += bytes.Count(t[:lead], []byte("\n"))
				return nil, fail(errors.New("text outside the <xbel> element"))
			}
		}
	}
	if !sawRoot {
		return nil, fail(errors.New("not an XBEL file: no <xbel> element"))
	}
	if !finished {
		tokLine, _ = d.InputPos()
		return nil, fail(errors.New("unexpected end of file: <xbel> is not closed"))
	}
	return out, nil
}

// node is a folder in the tree WriteXBEL writes.
type node struct {
	name     string
	children []child // in order of first appearance
	folders  map[string]*node
}

// child is a bookmark or a subfolder of a node.
type child struct {
	b      *Bookmark
	folder *node
}

// tree groups bs by folder: each folder (and each bookmark within it)
// appears at the place of its first bookmark.
func tree(bs []Bookmark) *node {
	root := &node{}
	for i := range bs {
		n := root
		if bs[i].Folder != "" {
			for seg := range strings.SplitSeq(bs[i].Folder, "/") {
				sub := n.folders[seg]
				if sub == nil {
					if n.folders == nil {
						n.folders = map[string]*node{}
					}
					sub = &node{name: seg}
					n.folders[seg] = sub
					n.children = append(n.children, child{folder: sub})
				}
				n = sub
			}
		}
		n.children = append(n.children, child{b: &bs[i]})
	}
	return root
}

// flatten returns the bookmarks of n in the order WriteXBEL writes them.
func (n *node) flatten(out []Bookmark) []Bookmark {
	for _, c := range n.children {
		if c.b != nil {
			out = append(out, *c.b)
		} else {
			out = c.folder.flatten(out)
		}
	}
	return out
}

// fileOrder returns bs in the order they have in a file WriteXBEL wrote
// (and ReadXBEL reads back): grouped by folder.
func fileOrder(bs []Bookmark) []Bookmark {
	return tree(bs).flatten(make([]Bookmark, 0, len(bs)))
}

// WriteXBEL writes bs as an XBEL 1.0 document, the format of the store's
// file. Each bookmark is a <bookmark href="URL"> with a <title> (which is
// all Amfora reads), an added attribute in RFC 3339 when Added is set, and
// its tags in <info><metadata owner="propus"><tags>a,b</tags></metadata>
// </info>. Folders are nested <folder> elements with a <title>; a folder is
// written where its first bookmark is, holding all of its bookmarks, so
// bookmarks of one folder that are not adjacent in bs are brought together.
//
// Text is escaped; characters XML cannot hold become U+FFFD. Tags
// containing commas are split on them (the metadata is comma-separated).
func WriteXBEL(w io.Writer, bs []Bookmark) error {
	bw := bufio.NewWriter(w)
	bw.WriteString("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n")
	bw.WriteString("<!DOCTYPE xbel PUBLIC \"+//IDN python.org//DTD XML Bookmark Exchange Language 1.0//EN//XML\" \"http://www.python.org/topics/xml/dtds/xbel-1.0.dtd\">\n")
	bw.WriteString("<xbel version=\"1.0\">\n")
	cleaned := make([]Bookmark, len(bs))
	for i, b := range bs {
		cleaned[i] = clean(b)
	}
	writeNode(bw, tree(cleaned), 1)
	bw.WriteString("</xbel>\n")
	return bw.Flush()
}

// writeNode writes the children of n at the given depth.
func writeNode(w *bufio.Writer, n *node, depth int) {
	ind := strings.Repeat(" ", depth)
	for _, c := range n.children {
		if c.folder != nil {
			w.WriteString(ind + "<folder>\n")
			w.WriteString(ind + " <title>" + escape(c.folder.name) + "</title>\n")
			writeNode(w, c.folder, depth+1)
			w.WriteString(ind + "</folder>\n")
			continue
		}
		b := c.b
		w.WriteString(ind + "<bookmark href=\"" + escape(b.URL) + "\"")
		if !b.Added.IsZero() {
			w.WriteString(" added=\"" + escape(b.Added.Format(time.RFC3339)) + "\"")
		}
		w.WriteString(">\n")
		w.WriteString(ind + " <title>" + escape(b.Title) + "</title>\n")
		if len(b.Tags) > 0 {
			w.WriteString(ind + " <info>\n")
			w.WriteString(ind + "  <metadata owner=\"" + metadataOwner + "\">\n")
			w.WriteString(ind + "   <tags>" + escape(strings.Join(b.Tags, ",")) + "</tags>\n")
			w.WriteString(ind + "  </metadata>\n")
			w.WriteString(ind + " </info>\n")
		}
		w.WriteString(ind + "</bookmark>\n")
	}
}

// escape returns s escaped for XML text and attribute values.
func escape(s string) string {
	var b strings.Builder
	_ = xml.EscapeText(&b, []byte(s)) // a strings.Builder does not fail
	return b.String()
}

// WriteGemtext writes bs as a gemtext page: "# Bookmarks", the top-level
// bookmarks, then a "## Folder" section for each folder that holds
// bookmarks (nested folders are sections named by their full path,
// "## Gemlogs/Tech"), each bookmark a "=> URL Title" line ("=> URL" when
// untitled), its tags after the title in brackets ("=> URL Title [news,
// tech]"). Folders come in the order WriteXBEL writes them.
func WriteGemtext(w io.Writer, bs []Bookmark) error {
	bw := bufio.NewWriter(w)
	bw.WriteString("# Bookmarks\n")
	cleaned := make([]Bookmark, len(bs))
	for i, b := range bs {
		cleaned[i] = clean(b)
	}
	var folders []string // in order of first appearance
	byFolder := map[string][]Bookmark{}
	for _, b := range fileOrder(cleaned) {
		if _, ok := byFolder[b.Folder]; !ok {
			folders = append(folders, b.Folder)
		}
		byFolder[b.Folder] = append(byFolder[b.Folder], b)
	}
	// Top-level bookmarks first, under the page heading.
	if top, ok := byFolder[""]; ok {
		bw.WriteString("\n")
		writeLinks(bw, top)
	}
	for _, f := range folders {
		if f == "" {
			continue
		}
		bw.WriteString("\n## " + f + "\n\n")
		writeLinks(bw, byFolder[f])
	}
	return bw.Flush()
}

// writeLinks writes a "=> URL Title [tags]" line for each of bs.
func writeLinks(w *bufio.Writer, bs []Bookmark) {
	for _, b := range bs {
		w.WriteString("=> " + b.URL)
		if b.Title != "" {
			w.WriteString(" " + b.Title)
		}
		if len(b.Tags) > 0 {
			if b.Title == "" {
				w.WriteString(" " + b.URL)
			}
			w.WriteString(" [" + strings.Join(b.Tags, ", ") + "]")
		}
		w.WriteString("\n")
	}
}
