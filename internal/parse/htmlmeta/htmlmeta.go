// Package htmlmeta finds the policies an HTML document declares in its
// <head>: <meta http-equiv="Content-Security-Policy"> and <meta
// name="referrer">. It follows the HTML Standard's "in head" insertion mode
// closely enough to know where the head ends, without building a tree.
package htmlmeta

import (
	"bytes"
	"errors"
	"fmt"
	"io"

	"golang.org/x/net/html"
)

// Head holds the content= values found in <head>, in document order.
type Head struct {
	CSP      []string // <meta http-equiv="Content-Security-Policy" content=...>
	Referrer []string // <meta name="referrer" content=...>
}

// MayHaveMeta reports whether body holds "<meta" in any ASCII case. A
// document without it has no <meta> element, since a tag name is never a
// character reference, so Parse would find nothing: callers skip it.
func MayHaveMeta(body []byte) bool {
	const tag = "<meta"
	for i := bytes.IndexByte(body, '<'); i >= 0 && i+len(tag) <= len(body); {
		if bytes.EqualFold(body[i:i+len(tag)], []byte(tag)) {
			return true
		}
		j := bytes.IndexByte(body[i+1:], '<')
		if j < 0 {
			break
		}
		i += j + 1
	}
	return false
}

// headTags are the start tags that the "in head" insertion mode keeps in
// the head (HTML Standard 13.2.6.4.4); any other start tag ends the head.
var headTags = map[string]bool{
	"base": true, "basefont": true, "bgsound": true, "link": true, "meta": true,
	"title": true, "noscript": true, "noframes": true, "style": true,
	"script": true, "template": true, "head": true, "html": true,
}

// rawText are the head elements whose content the tokenizer returns as
// text: that text is the element's, it does not end the head.
var rawText = map[string]bool{
	"title": true, "noscript": true, "noframes": true, "style": true, "script": true,
}

// Parse reads at most limit bytes of r and returns the meta policies of
// the document's head. It stops at </head>, at <body> or at anything else
// that implicitly ends the head, so meta elements in the body (which
// browsers ignore for CSP) are never returned. truncated reports that the
// limit was reached before the head ended.
func Parse(r io.Reader, limit int64) (h Head, truncated bool, err error) {
	if limit < 0 {
		limit = 0
	}
	lr := &limitReader{r: r, n: limit}
	z := html.NewTokenizer(lr)
	template := 0 // meta inside <template> belongs to the template's content
	raw := ""     // the open raw-text element (script, style, title ...)
	for first := true; ; first = false {
		tt := z.Next()
		switch tt {
		case html.ErrorToken:
			if e := z.Err(); e != nil && !errors.Is(e, io.EOF) {
				return h, lr.over, fmt.Errorf("read html head: %w", e)
			}
			if lr.err != nil {
				return h, lr.over, fmt.Errorf("read html head: %w", lr.err)
			}
			return h, lr.over, nil
		case html.TextToken:
			// Non-whitespace text ends the head ("anything else"). A
			// byte order mark is consumed by decoding, before tokenizing.
			text := z.Text()
			if first {
				text = bytes.TrimPrefix(text, []byte("\ufeff"))
			}
			if raw == "" && template == 0 && len(bytes.Trim(text, "\t\n\f\r ")) > 0 {
				return h, false, nil
			}
		case html.EndTagToken:
			name, _ := z.TagName()
			if string(name) == raw {
				raw = ""
			}
			switch string(name) {
			case "head", "body", "html", "br":
				if template == 0 {
					return h, false, nil
				}
			case "template":
				if template > 0 {
					template--
				}
			}
		case html.StartTagToken, html.SelfClosingTagToken:
			name, hasAttr := z.TagName()
			tag := string(name)
			if !headTags[tag] {
				if template == 0 {
					return h, false, nil
				}
				continue
			}
			if rawText[tag] { // the tokenizer reads <script/> raw too
				raw = tag
			}
			switch {
			case tag == "template" && tt == html.StartTagToken:
				template++
			case tag == "meta" && hasAttr && template == 0:
				h.add(z)
			}
		}
	}
}

// add records one meta element's policy, if it declares one. Only the
// first of repeated attributes counts, as in the HTML tokenizer's spec.
func (h *Head) add(z *html.Tokenizer) {
	var equiv, name, content string
	var haveEquiv, haveName, haveContent bool
	for more := true; more; {
		var k, v []byte
		k, v, more = z.TagAttr()
		switch string(k) {
		case "http-equiv":
			if !haveEquiv {
				equiv, haveEquiv = string(v), true
			}
		case "name":
			if !haveName {
				name, haveName = string(v), true
			}
		case "content":
			if !haveContent {
				content, haveContent = string(v), true
			}
		}
	}
	// An absent or empty content attribute declares nothing (HTML Standard,
	// "Content security policy state" and the "referrer" metadata name).
	if content == "" {
		return
	}
	if asciiEqualFold(equiv, "content-security-policy") {
		h.CSP = append(h.CSP, content)
	}
	if asciiEqualFold(name, "referrer") {
		h.Referrer = append(h.Referrer, content)
	}
}

// asciiEqualFold is the HTML Standard's "ASCII case-insensitive" match;
// strings.EqualFold would also fold non-ASCII letters such as U+212A.
func asciiEqualFold(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := 0; i < len(a); i++ {
		x, y := a[i], b[i]
		if 'A' <= x && x <= 'Z' {
			x += 'a' - 'A'
		}
		if 'A' <= y && y <= 'Z' {
			y += 'a' - 'A'
		}
		if x != y {
			return false
		}
	}
	return true
}

// limitReader reads at most n bytes and then notes whether r had more.
type limitReader struct {
	r    io.Reader
	n    int64
	over bool  // r holds more than the limit
	err  error // a read error other than EOF
}

func (l *limitReader) Read(p []byte) (int, error) {
	if l.n <= 0 {
		if !l.over && l.err == nil {
			var one [1]byte
			// Bounded: a reader may return 0, nil a few times.
			for range 100 {
				k, err := l.r.Read(one[:])
				if k > 0 {
					l.over = true
					break
				}
				if err != nil {
					if !errors.Is(err, io.EOF) {
						l.err = err
					}
					break
				}
			}
		}
		return 0, io.EOF
	}
	if int64(len(p)) > l.n {
		p = p[:l.n]
	}
	k, err := l.r.Read(p)
	l.n -= int64(k)
	if err != nil && !errors.Is(err, io.EOF) {
		l.err = err
		return k, io.EOF
	}
	return k, err
}
