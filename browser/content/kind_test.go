package content

import "testing"

func TestClassify(t *testing.T) {
	tests := []struct {
		meta                string
		kind                Kind
		mime, charset, lang string
	}{
		{"", Gemtext, "text/gemini", "", ""},
		{"   ", Gemtext, "text/gemini", "", ""},
		{"text/gemini", Gemtext, "text/gemini", "", ""},
		{"text/gemini; charset=utf-8; lang=en", Gemtext, "text/gemini", "utf-8", "en"},
		{`text/gemini; lang="en,fr"`, Gemtext, "text/gemini", "", "en,fr"},
		{"TEXT/GEMINI; Charset=ISO-8859-1", Gemtext, "text/gemini", "ISO-8859-1", ""},
		{"text/gemini;lang=de-CH;foo=bar", Gemtext, "text/gemini", "", "de-CH"},
		// Not valid MIME (unquoted comma, stray ";"), still read leniently.
		{"text/gemini; lang=en,fr", Gemtext, "text/gemini", "", "en,fr"},
		{"text/gemini; charset=utf-8;", Gemtext, "text/gemini", "utf-8", ""},
		{`text/plain; charset="windows-1252" ;; x`, PlainText, "text/plain", "windows-1252", ""},
		{"text/plain", PlainText, "text/plain", "", ""},
		{"text/plain; charset=us-ascii", PlainText, "text/plain", "us-ascii", ""},
		{"text/markdown", PlainText, "text/markdown", "", ""},
		{"text/x-diff; charset=KOI8-R", PlainText, "text/x-diff", "KOI8-R", ""},
		{"image/png", Downloadable, "image/png", "", ""},
		{"application/octet-stream", Downloadable, "application/octet-stream", "", ""},
		{"application/pdf; name=x.pdf", Downloadable, "application/pdf", "", ""},
		{"garbage", Downloadable, "garbage", "", ""},
		{"!!! ???", Downloadable, "!!! ???", "", ""},
		{"; charset=utf-8", Downloadable, "", "utf-8", ""},
		{"texts/gemini", Downloadable, "texts/gemini", "", ""},
	}
	for _, tt := range tests {
		kind, mime, charset, lang := Classify(tt.meta)
		if kind != tt.kind || mime != tt.mime || charset != tt.charset || lang != tt.lang {
			t.Errorf("Classify(%q) = %v, %q, %q, %q; want %v, %q, %q, %q",
				tt.meta, kind, mime, charset, lang, tt.kind, tt.mime, tt.charset, tt.lang)
		}
	}
}

func TestKindString(t *testing.T) {
	tests := []struct {
		k    Kind
		want string
	}{
		{Gemtext, "gemtext"},
		{PlainText, "plain text"},
		{Downloadable, "download"},
		{Kind(7), "Kind(7)"},
	}
	for _, tt := range tests {
		if got := tt.k.String(); got != tt.want {
			t.Errorf("Kind(%d).String() = %q, want %q", int(tt.k), got, tt.want)
		}
	}
}
