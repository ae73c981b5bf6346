package about

import (
	"errors"
	"net/url"
	"strconv"
	"strings"
	"time"

	"propus/browser/load"
	"propus/browser/sanitize"
	"propus/client"
	"propus/tofu"
)

// The pages propus makes for what is not a page: a response that is not
// 2x, a load that failed or was cancelled, a redirect not followed.

// StatusText is the page of a response that is not 2x: it names the
// status and shows the server's META (sanitised with the page's text).
func StatusText(status client.Status, meta string) string {
	var b strings.Builder
	b.WriteString("# " + strconv.Itoa(int(status)) + " " + status.String() + "\n\n")
	says := func() {
		if meta != "" {
			b.WriteString("The server says:\n> " + meta + "\n")
		}
	}
	switch status.Class() {
	case client.StatusInput:
		b.WriteString("The page asks for input:\n> " + meta + "\n\nPress r to answer it.\n")
	case client.StatusRedirect:
		b.WriteString("The page has moved. Press 1 to go there:\n=> " + meta + "\n")
	case client.StatusTemporaryFailure:
		if status == client.StatusSlowDown {
			b.WriteString("The server asks you to slow down.\n")
		}
		says()
		b.WriteString("\nThis may work later: press r to reload, H to go back.\n")
	case client.StatusPermanentFailure:
		says()
		b.WriteString("\nPress H to go back.\n")
	case client.StatusCertificateRequired:
		says()
		b.WriteString("\nThis page needs a client certificate (an identity). Press r to reload and choose one.\n")
	}
	return b.String()
}

// ErrorText is the page of a load that failed before a header arrived.
func ErrorText(err error) string {
	var b strings.Builder
	var changed *tofu.ChangedError
	switch {
	case errors.As(err, &changed):
		b.WriteString("# The server's certificate has changed\n\n")
		b.WriteString("propus stopped before sending anything: the certificate " + changed.Address +
			" presents is not the one pinned on an earlier visit, and the pinned one has not expired. This can mean someone is between you and the server.\n\n")
		b.WriteString("## Pinned\n* " + changed.Old.Fingerprint + "\n* valid until " + changed.Old.Expires.Format(time.DateOnly) +
			"\n* first seen " + changed.Old.FirstSeen.Format(time.DateOnly) + "\n")
		b.WriteString("## Presented now\n* " + changed.New.Fingerprint + "\n* valid until " + changed.New.Expires.Format(time.DateOnly) +
			"\n* subject " + sanitize.Line(changed.NewSubject) + "\n")
		b.WriteString("\nIf you know the server changed its certificate, press r to be asked again, or forget its pin:\n=> " + KnownHosts + " Known hosts\n")
	case errors.Is(err, client.ErrTimeout):
		b.WriteString("# Connection timeout\n\n" + err.Error() + "\n\nThe server may be slow or down: press r to try again.\n")
	case errors.Is(err, client.ErrNoResponse):
		b.WriteString("# No response\n\n" + err.Error() + "\n\nPress r to try again.\n")
	default:
		b.WriteString("# Could not load the page\n\n" + err.Error() + "\n\nPress r to try again, H to go back.\n")
	}
	return b.String()
}

// CancelledText is the page of a load cancelled before the server
// answered: the tab keeps its address, for r to try again.
func CancelledText(u *url.URL) string {
	return "# Cancelled\n\nThe load of " + u.String() + " was cancelled before the server answered: nothing was shown.\n\nPress r to try again, H to go back.\n"
}

// RedirectErrorText is the page of a redirect that is not followed
// (status raw): it names the problem and the chain, and links the last
// target, if there is one, for the user to follow by hand.
func RedirectErrorText(raw client.Status, err *client.RedirectError) string {
	var b strings.Builder
	title, _, _ := strings.Cut(err.Reason, " (") // the details, which may quote the target, go below
	b.WriteString("# " + strings.ToUpper(title[:1]) + title[1:] + "\n\n")
	b.WriteString("propus follows redirects by itself, but stopped here: " + err.Reason + ". The chain:\n")
	for _, u := range err.Via {
		b.WriteString("* " + load.ElideQuery(u) + "\n")
	}
	b.WriteString("* then " + strconv.Itoa(int(raw)) + " " + raw.String() + " to " + err.Target + "\n")
	// The last hop alone, resolved as RedirectTarget resolves every hop.
	if to, e := client.RedirectTarget(err.Via[len(err.Via)-1:], err.Target, 0); e == nil {
		b.WriteString("\n=> " + to.String() + " Follow the last redirect by hand\n")
	}
	return b.String()
}
