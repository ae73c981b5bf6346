// Package gemtext parses and serialises gemtext, the line-oriented
// document format of the Gemini protocol (text/gemini).
//
// A document is a sequence of [Line] values, each tagged with a [Kind].
// The parser is streaming: [Parser.Next] returns each line as soon as its
// terminating newline has been read, so a client can render a page while
// it is still arriving. [Parse], [All] and [ParseAll] are conveniences
// built on the same parser. Nothing here knows about terminals or URL
// resolution: link URLs are returned exactly as written, and text
// (including invalid UTF-8) is passed through untouched.
//
// Parsing rules, beyond the specification's wording:
//
//   - Lines end at LF; one CR immediately before the LF (or at the end of
//     the input) is dropped. Any other CR is content.
//   - A UTF-8 byte order mark at the very start of the input is dropped.
//   - "Whitespace" means space and horizontal tab (the grammar's WSP).
//   - There is no limit on line length.
//
// Serialising parsed lines with [Document.WriteTo] yields text that parses
// back to the same lines.
//
// Usage:
//
//	p := gemtext.NewParser(resp.Body)
//	for {
//		line, err := p.Next()
//		if err == io.EOF {
//			break
//		} else if err != nil {
//			return err
//		}
//		switch line.Kind {
//		case gemtext.Link:
//			fmt.Println("link:", line.URL, line.Text)
//		case gemtext.Heading:
//			fmt.Println(strings.Repeat("#", line.Level), line.Text)
//		}
//	}
//
// or, with the iterator form:
//
//	for line, err := range gemtext.All(r) {
//		if err != nil {
//			return err
//		}
//		draw(line)
//	}
package gemtext
