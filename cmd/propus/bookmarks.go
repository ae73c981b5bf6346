package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"

	"propus/browser/bookmarks"
	"propus/browser/sanitize"
)

var bookmarksCommands = []subcommand{
	{"import", "import an XBEL file (Amfora's bookmarks.xml as it is)", runBookmarksImport},
	{"export", "print the bookmarks as XBEL or gemtext", runBookmarksExport},
	{"list", "list the bookmarks", runBookmarksList},
}

func runBookmarks(e *env, args []string) int {
	return runGroup(e, "bookmarks", "Manages bookmarks, kept as XBEL in\n"+e.paths.bookmarks+".", bookmarksCommands, args)
}

// openBookmarks opens the store, printing the error if its file is broken.
func openBookmarks(e *env, fs *flag.FlagSet) (*bookmarks.Store, bool) {
	store, err := bookmarks.Open(e.paths.bookmarks)
	if err != nil {
		failf(e, fs, "%v%s", err, brokenFile)
		return nil, false
	}
	return store, true
}

func runBookmarksImport(e *env, args []string) int {
	fs := subFlags("bookmarks", "import", "FILE", "Adds the bookmarks of an XBEL file, such as Amfora's bookmarks.xml, that are\nnot bookmarked yet. Existing bookmarks are left as they are.")
	pos, code, ok := parseSub(e, fs, args, "FILE")
	if !ok {
		return code
	}
	f, err := os.Open(pos[0])
	if err != nil {
		return failf(e, fs, "%v", err)
	}
	defer f.Close()
	bs, err := bookmarks.ReadXBEL(f)
	if err != nil {
		var pe *bookmarks.ParseError
		if errors.As(err, &pe) {
			return failf(e, fs, "%s:%d: %v", pos[0], pe.Line, pe.Err)
		}
		return failf(e, fs, "%s: %v", pos[0], err)
	}
	store, ok := openBookmarks(e, fs)
	if !ok {
		return exitFailure
	}
	added, skipped, err := store.Import(bs)
	if err != nil {
		return failf(e, fs, "%v", err)
	}
	if len(skipped) == 0 {
		fmt.Fprintf(e.stdout, "Imported %s.\n", count(added, "bookmark", "bookmarks"))
		return exitOK
	}
	fmt.Fprintf(e.stdout, "Imported %s; skipped %s:\n", count(added, "bookmark", "bookmarks"), count(len(skipped), "bookmark", "bookmarks"))
	for _, sk := range skipped {
		fmt.Fprintf(e.stdout, "  %s %s: %s\n", sanitize.Line(sk.Bookmark.URL), sanitize.Line(sk.Bookmark.Title), sanitize.Line(sk.Reason))
	}
	return exitOK
}

func runBookmarksExport(e *env, args []string) int {
	fs := subFlags("bookmarks", "export", "[--format xbel|gemtext]", "Prints the bookmarks to stdout: as XBEL (which Amfora and propus import) or\nas a gemtext page.")
	format := fs.String("format", "xbel", "output `format`: xbel or gemtext")
	_, code, ok := parseSub(e, fs, args)
	if !ok {
		return code
	}
	write := map[string]func(io.Writer, []bookmarks.Bookmark) error{
		"xbel":    bookmarks.WriteXBEL,
		"gemtext": bookmarks.WriteGemtext,
	}[strings.ToLower(*format)]
	if write == nil {
		return usagef(e, fs, "unknown --format %q: use xbel or gemtext", *format)
	}
	store, ok := openBookmarks(e, fs)
	if !ok {
		return exitFailure
	}
	if err := write(e.stdout, store.List()); err != nil {
		return failf(e, fs, "%v", err)
	}
	return exitOK
}

func runBookmarksList(e *env, args []string) int {
	fs := subFlags("bookmarks", "list", "", "Lists the bookmarks: folder, title, URL and tags.")
	_, code, ok := parseSub(e, fs, args)
	if !ok {
		return code
	}
	store, ok := openBookmarks(e, fs)
	if !ok {
		return exitFailure
	}
	bs := store.List()
	if len(bs) == 0 {
		fmt.Fprintln(e.stdout, "No bookmarks.")
		return exitOK
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "FOLDER\tTITLE\tURL\tTAGS")
	for _, b := range bs {
		folder, title, tags := b.Folder, b.Title, strings.Join(b.Tags, ",")
		if folder == "" {
			folder = "-"
		}
		if title == "" {
			title = "-"
		}
		if tags == "" {
			tags = "-"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", sanitize.Line(folder), sanitize.Line(title), sanitize.Line(b.URL), sanitize.Line(tags))
	}
	tw.Flush()
	return exitOK
}
