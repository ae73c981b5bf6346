package about

// homeText is about:home.
const homeText = `# propus

A terminal browser for Gemini space.

Press o to open a URL, ? for every key, q to quit.

## Moving
* j and k (or the arrows) scroll; space and PgDn page; g and G go to the top and the bottom
* Tab and Shift-Tab select links, Enter follows; type a link's number to follow it
* H or Backspace goes back, L forward; r reloads; u goes up a level, U to the site's root
* B bookmarks the page; S subscribes to its feed, F shows your feeds
* / searches the page (n and N move between matches); O shows its outline; \ its source; i its details
* t opens a tab, T the selected link in a new tab, w closes one; gt and gT switch between them

## Places
=> gemini://geminiprotocol.net/ Project Gemini
=> gemini://geminiprotocol.net/docs/specification.gmi The specification
=> about:bookmarks Your bookmarks (B adds the page you are on)
=> about:feeds Your feeds: new posts of the gemlogs you follow (S subscribes to one)
=> about:history Your history: the pages you have visited
=> about:known-hosts Known hosts: the certificates propus has pinned
=> about:identities Your identities: the client certificates you present, and where
`
