package about

import (
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"

	tea "charm.land/bubbletea/v2"

	"propus/browser/bookmarks"
	"propus/browser/dialog"
	"propus/browser/sanitize"
)

// bookmarksPage is about:bookmarks: the bookmarks by folder (with
// ?tag=TAG only those tagged TAG), the tags, and links that edit
// (?edit=URL) or remove (?remove=URL) one.
type bookmarksPage struct{ env *Env }

func (h *bookmarksPage) page(r request) (string, func() string) {
	bs := h.env.Bookmarks
	if bs == nil {
		return "# Bookmarks\n\nBookmarks are off.\n", nil
	}
	list := bs.List()
	if len(list) == 0 {
		return "# Bookmarks\n\nNo bookmark yet: press B on a page to keep it here.\n", nil
	}
	tag := r.query.Get("tag")
	shown := list
	if tag != "" {
		shown = slices.DeleteFunc(slices.Clone(list), func(bm bookmarks.Bookmark) bool {
			return !slices.ContainsFunc(bm.Tags, func(t string) bool { return strings.EqualFold(t, tag) })
		})
	}
	var page, b strings.Builder
	if err := bookmarks.WriteGemtext(&page, shown); err != nil {
		page.WriteString("\n" + err.Error() + "\n")
	}
	head, rest, _ := strings.Cut(page.String(), "\n")
	b.WriteString(head + "\n")
	if tag != "" {
		b.WriteString("\nThe bookmarks tagged “" + sanitize.Line(tag) + "”.\n=> " + Bookmarks + " Every bookmark\n")
	} else {
		b.WriteString("\nB on a page bookmarks it, or changes its bookmark. Press / to search this page.\n")
	}
	b.WriteString(rest)
	if tags := tagCounts(list); len(tags) > 0 && tag == "" {
		b.WriteString("\n## Tags\n")
		for _, tc := range tags {
			b.WriteString("=> " + Bookmarks + "?" + url.Values{"tag": {tc.tag}}.Encode() + " " + tc.tag + " (" + strconv.Itoa(tc.n) + ")\n")
		}
	}
	b.WriteString("\n## Edit a bookmark (title, folder, tags)\n")
	for _, bm := range shown {
		b.WriteString("=> " + Bookmarks + "?edit=" + url.QueryEscape(bm.URL) + " Edit " + bm.Title + "\n")
	}
	b.WriteString("\n## Remove a bookmark\n")
	for _, bm := range shown {
		b.WriteString("=> " + Bookmarks + "?remove=" + url.QueryEscape(bm.URL) + " Remove " + bm.Title + "\n")
	}
	return b.String(), nil
}

func (h *bookmarksPage) acts(r request) bool {
	return r.query.Get("edit") != "" || r.query.Get("remove") != ""
}

// act opens the editor of a bookmark, or asks before removing one.
func (h *bookmarksPage) act(r request) Action {
	bs := h.env.Bookmarks
	target := r.query.Get("edit")
	if target == "" {
		target = r.query.Get("remove")
	}
	if bs == nil {
		return Action{Flash: "Bookmarks are off", Err: true}
	}
	b, ok := bs.Find(target)
	if !ok {
		return Action{Flash: "No bookmark for " + sanitize.Line(target), Err: true}
	}
	if r.query.Get("edit") != "" {
		d, cmd := dialog.NewBookmark(h.env.Dialogs, target, b, true)
		return Action{Dialog: d, Cmd: cmd}
	}
	return h.env.ask("Remove the bookmark "+sanitize.Line(b.Title)+"?\n"+sanitize.Line(target), "remove it", func() tea.Msg {
		return changed(Bookmarks, "Removed the bookmark: "+b.Title, bs.Remove(target))
	})
}

// EditBookmark opens the bookmark editor for the page at address titled
// title: a new bookmark, or the one there is.
func (rt *Router) EditBookmark(address, title string) Action {
	bs := rt.env.Bookmarks
	if bs == nil {
		return Action{Flash: "Bookmarks are off", Err: true}
	}
	b, exists := bs.Find(address)
	if !exists {
		b = bookmarks.Bookmark{Title: title}
	}
	d, cmd := dialog.NewBookmark(rt.env.Dialogs, address, b, exists)
	return Action{Dialog: d, Cmd: cmd}
}

// SaveBookmark writes b as the bookmark editor left it.
func (rt *Router) SaveBookmark(b bookmarks.Bookmark) tea.Cmd {
	bs := rt.env.Bookmarks
	if bs == nil {
		return nil
	}
	verb := "Bookmarked"
	if old, ok := bs.Find(b.URL); ok {
		b.Added, verb = old.Added, "Updated the bookmark"
	}
	return func() tea.Msg {
		err := bs.Add(b)
		if err != nil {
			return changed(Bookmarks, "", fmt.Errorf("Bookmark not saved: %w", err))
		}
		return changed(Bookmarks, verb+": "+b.Title, nil)
	}
}

// OfferBookmarkUpdate asks, after a permanent redirect, whether a
// bookmark that points at the old address should follow it to the new
// one; nil when no bookmark points there.
func (rt *Router) OfferBookmarkUpdate(from, to *url.URL) dialog.Dialog {
	bs := rt.env.Bookmarks
	if bs == nil {
		return nil
	}
	b, ok := bs.Find(from.String())
	if !ok {
		return nil
	}
	return rt.env.ask("The page of your bookmark "+sanitize.Line(b.Title)+" has moved for good:\n"+
		sanitize.Line(from.String())+"\n→ "+sanitize.Line(to.String())+"\nUpdate the bookmark to the new address?",
		"update the bookmark", func() tea.Msg {
			nb := b
			nb.URL = to.String()
			return changed(Bookmarks, "Updated the bookmark: "+b.Title, bs.Update(from.String(), nb))
		}).Dialog
}

// tagCount is a tag and how many bookmarks have it.
type tagCount struct {
	tag string
	n   int
}

// tagCounts returns the tags of bs, sorted, with their counts.
func tagCounts(bs []bookmarks.Bookmark) []tagCount {
	n := map[string]int{}
	for _, b := range bs {
		for _, t := range b.Tags {
			n[t]++
		}
	}
	var out []tagCount
	for t, c := range n {
		out = append(out, tagCount{t, c})
	}
	slices.SortFunc(out, func(a, b tagCount) int { return strings.Compare(strings.ToLower(a.tag), strings.ToLower(b.tag)) })
	return out
}
