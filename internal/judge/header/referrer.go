package header

import (
	"errors"
	"fmt"
	"strings"

	"github.com/hardscan/hardscan/internal/check"
	"github.com/hardscan/hardscan/scan/finding"
)

// referrerOrder lists the policies from what leaks most to what leaks
// least; origin and origin-when-cross-origin leak alike across sites.
var referrerOrder = []string{
	"unsafe-url",
	"no-referrer-when-downgrade",
	"origin-when-cross-origin",
	"strict-origin-when-cross-origin",
	"strict-origin",
	"same-origin",
	"no-referrer",
}

func referrerRank(p string) int {
	switch p {
	case "origin":
		return referrerRank("origin-when-cross-origin")
	}
	return rankOf(referrerOrder, p)
}

// ParseReferrerPolicy applies W3C Referrer Policy's "parse a referrer policy
// from a Referrer-Policy header" to every header value in order: the last
// recognised token wins and unknown tokens are skipped. It returns "" when
// no token is recognised. Tokens match ASCII case-insensitively, as Chromium
// and Firefox do.
func ParseReferrerPolicy(values []string) string { return parseReferrer(values, "") }

// parseReferrer trims extra as well as tabs and spaces around each token.
func parseReferrer(values []string, extra string) string {
	policy := ""
	for _, v := range values {
		for _, tok := range strings.Split(v, ",") {
			tok = strings.ToLower(strings.Trim(tok, " \t"+extra))
			if referrerRank(tok) >= 0 {
				policy = tok
			}
		}
	}
	return policy
}

// metaReferrer reads <meta name=referrer content>, with the HTML
// Standard's legacy keywords.
func metaReferrer(content string) string {
	v := strings.ToLower(strings.Trim(content, " \t\n\f\r"))
	switch v {
	case "never":
		return "no-referrer"
	case "default":
		return "strict-origin-when-cross-origin"
	case "always":
		return "unsafe-url"
	case "origin-when-crossorigin":
		return "origin-when-cross-origin"
	}
	if referrerRank(v) >= 0 {
		return v
	}
	return ""
}

func validReferrer(want string) error {
	if referrerRank(strings.ToLower(strings.TrimSpace(want))) < 0 {
		return errors.New("not a referrer policy")
	}
	return nil
}

func judgeReferrer(vs []string, want string, in Input) verdict {
	got, from := ParseReferrerPolicy(vs), "Referrer-Policy"
	for _, m := range in.MetaReferrer {
		if p := metaReferrer(m); p != "" {
			got, from = p, `<meta name="referrer">`
		}
	}
	// Chromium trims a form feed around a token as well (HTML whitespace),
	// so "unsafe-url\f", which the spec ignores, sends full URLs there.
	if lax := parseReferrer(vs, "\f"); lax != got && referrerRank(lax) >= 0 && referrerRank(lax) <= referrerRank("no-referrer-when-downgrade") && len(in.MetaReferrer) == 0 {
		return verdict{sev: finding.Fail, reason: check.Unsafe, msg: fmt.Sprintf("the Referrer-Policy has a form feed around %s: the spec ignores the token, but Chromium trims it and sends full URLs to other sites; send a valid policy without control bytes", lax)}
	}
	if got == "" {
		return verdict{useless: true, reason: check.Invalid, msg: "no Referrer-Policy token is recognised, so the browser default strict-origin-when-cross-origin applies; send a valid policy"}
	}
	if want == "" {
		want = "strict-origin-when-cross-origin"
	}
	want = strings.ToLower(strings.TrimSpace(want))
	r, w := referrerRank(got), referrerRank(want)
	switch {
	case r >= w:
		return verdict{msg: fmt.Sprintf("the effective referrer policy is %s (from %s), at least as strict as %s", got, from, want)}
	case r <= referrerRank("no-referrer-when-downgrade"):
		return verdict{sev: finding.Fail, reason: check.Unsafe, msg: fmt.Sprintf("the effective referrer policy is %s (from %s), which sends full URLs to other sites", got, from)}
	}
	return verdict{sev: finding.Warn, reason: check.Weaker, msg: fmt.Sprintf("the effective referrer policy is %s (from %s), weaker than %s", got, from, want)}
}
