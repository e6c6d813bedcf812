package oracle

import (
	"fmt"
	"strings"
)

// kind is one family of verdicts a browser can show.
type kind string

// The kinds, in the order of the table.
const (
	kindScript   kind = "csp scripts" // inline, handler, eval, nonce, other origin
	kindDocument kind = "csp base/object/form"
	kindFraming  kind = "framing"
	kindCookie   kind = "cookies"
	kindReferrer kind = "referrer"
	kindNosniff  kind = "nosniff"
	kindHSTS     kind = "hsts"
)

var kinds = []kind{kindScript, kindDocument, kindFraming, kindCookie, kindReferrer, kindNosniff, kindHSTS}

// ocase is one response (or short chain) served to hardscan and to
// Chromium. root is the page: its header fields, and head HTML that goes
// before the probes the harness adds to the body.
type ocase struct {
	name    string
	source  string // where the case comes from: a table test, a recording, or generated
	profile string // built-in profile; "modern" when empty
	kinds   []kind // what is observed beyond the scripts of the page
	root    reply
	head    string // HTML in <head>: <meta> policies
	// rawBody, when set, is the page's own HTML as a table case wrote it;
	// the probes follow it.
	rawBody string
	// rootPath is where first redirects to; /home when empty.
	rootPath string
	// first, when set, is served at "/" and redirects to /home, where root
	// is served: a same-host hop.
	first *reply
	// cookies are further responses at their paths that set cookies, as
	// the profile's cookie paths are fetched.
	cookies []pathReply
	// plain, when set, is what http://host/ answers (Chromium visits it
	// first; the probe fetches it as it always does).
	plain *reply
	// http1: served over HTTP/1.1 only, whose head may carry bytes (control
	// characters in values) that HTTP/2 refuses.
	http1 bool
	// pad is that many spaces in an HTML comment in <head>, after head's
	// own HTML or, with padFirst, before it: br-encoded, a decompression
	// bomb whose decoded size is far over the probe's body cap.
	pad      int
	padFirst bool
	// script is what /plain.js answers for the nosniff observation; the
	// root's X-Content-Type-Options fields when nil.
	script *reply
}

type pathReply struct {
	path string
	reply
}

// has reports whether the case observes k. Scripts are observed on every
// page, since every page load shows them.
func (c *ocase) has(k kind) bool {
	if k == kindScript {
		return c.full()
	}
	for _, x := range c.kinds {
		if x == k {
			return true
		}
	}
	return false
}

// full says the page carries every CSP probe: for the CSP kinds, and for
// the cases of the table tests and recordings, which have a bit of all.
func (c *ocase) full() bool {
	if c.source != "generated" {
		return true
	}
	for _, k := range c.kinds {
		if k != kindDocument {
			return false
		}
	}
	return true
}

// fields makes header fields from "Name: value" lines.
func fields(lines ...string) []field {
	var fs []field
	for _, l := range lines {
		name, value, ok := strings.Cut(l, ":")
		if !ok {
			panic("header line without a colon: " + l)
		}
		fs = append(fs, field{strings.TrimSpace(name), strings.TrimLeft(value, " ")})
	}
	return fs
}

func (r reply) values(name string) []string {
	var vs []string
	for _, f := range r.header {
		if strings.EqualFold(f.name, name) {
			vs = append(vs, f.value)
		}
	}
	return vs
}

// pageNonce is the nonce the generated policies carry; the page tags one
// script with it.
const pageNonce = "b3JhY2xlLW5vbmNlLTIwMjY"

// document is the page served for a case: the case's head HTML, then the
// probes, each of which marks on window that it ran or is seen from
// outside (the attacker's origin notes its requests).
func document(host, head, raw string, nonces []string, full bool) string {
	q := "c=" + host
	var b strings.Builder
	if raw != "" {
		b.WriteString(raw + "\n")
	} else {
		b.WriteString("<!doctype html><html><head>" + head + "<title>oracle</title></head><body>\n")
	}
	if !full { // the referrer probes and the inline script only: a lighter page for the other kinds
		b.WriteString("<script>window.__inline=1</script>\n")
		fmt.Fprintf(&b, "<img src=\"https://%s/ref?%s&amp;k=img\" alt=\"\">\n", evilHost, q)
		fmt.Fprintf(&b, "<a id=\"link\" href=\"https://%s/ref?%s&amp;k=link\">link</a>\n", evilHost, q)
		b.WriteString("</body></html>\n")
		return b.String()
	}
	b.WriteString("<script>window.__inline=1</script>\n")
	for _, n := range nonces {
		fmt.Fprintf(&b, "<script nonce=\"%s\">window.__nonce=1</script>\n", htmlEscape(n))
	}
	b.WriteString("<script nonce=\"d3Jvbmctbm9uY2UtMDAwMA\">window.__wrong=1</script>\n")
	b.WriteString("<img src=\"/missing.png\" onerror=\"window.__attr=1\" alt=\"\">\n")
	fmt.Fprintf(&b, "<script src=\"https://%s/s.js?%s\"></script>\n", evilHost, q)
	b.WriteString("<script src=\"data:text/javascript,window.__data=1\"></script>\n")
	fmt.Fprintf(&b, "<object data=\"https://%s/o?%s&amp;k=object\" type=\"image/png\"></object>\n", evilHost, q)
	fmt.Fprintf(&b, "<img src=\"https://%s/ref?%s&amp;k=img\" alt=\"\">\n", evilHost, q)
	fmt.Fprintf(&b, "<a id=\"link\" href=\"https://%s/ref?%s&amp;k=link\">link</a>\n", evilHost, q)
	fmt.Fprintf(&b, "<form id=\"form\" method=\"post\" action=\"https://%s/form?%s&amp;k=form\"><input name=\"a\" value=\"1\"></form>\n", evilHost, q)
	fmt.Fprintf(&b, "<base href=\"https://%s/\">\n", evilHost)
	// What an injected <base> achieves: relative scripts after it load
	// from the attacker's origin if script-src lets them (a nonce does).
	fmt.Fprintf(&b, "<script src=\"b.js?%s&amp;k=base\"></script>\n", q)
	for _, n := range nonces {
		fmt.Fprintf(&b, "<script nonce=\"%s\" src=\"b.js?%s&amp;k=base-nonce\"></script>\n", htmlEscape(n), q)
	}
	b.WriteString("</body></html>\n")
	return b.String()
}
