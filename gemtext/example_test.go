package gemtext_test

import (
	"fmt"
	"os"
	"strings"

	"propus/gemtext"
)

const page = "# Welcome\r\n" +
	"Some text.\n" +
	"=> gemini://example.org/ Example\n" +
	"=>/relative\n" +
	"* item\n" +
	"> quoted\n" +
	"```ascii art\n" +
	"=> not a link\n" +
	"```\n"

func Example() {
	for line, err := range gemtext.All(strings.NewReader(page)) {
		if err != nil {
			fmt.Println("error:", err)
			return
		}
		switch line.Kind {
		case gemtext.Link:
			fmt.Printf("%-15s url=%q label=%q\n", line.Kind, line.URL, line.Text)
		case gemtext.Heading:
			fmt.Printf("%-15s level=%d %q\n", line.Kind, line.Level, line.Text)
		default:
			fmt.Printf("%-15s %q\n", line.Kind, line.Text)
		}
	}
	// Output:
	// Heading         level=1 "Welcome"
	// Text            "Some text."
	// Link            url="gemini://example.org/" label="Example"
	// Link            url="/relative" label=""
	// ListItem        "item"
	// Quote           "quoted"
	// PreformatToggle "ascii art"
	// Preformatted    "=> not a link"
	// PreformatToggle ""
}

func ExampleDocument_WriteTo() {
	doc, err := gemtext.ParseAll(strings.NewReader("#Title\n=>\tgemini://x/\t label \n>quote\n"))
	if err != nil {
		panic(err)
	}
	fmt.Println(doc.Title())
	doc.WriteTo(os.Stdout)
	// Output:
	// Title
	// # Title
	// => gemini://x/ label
	// > quote
}
