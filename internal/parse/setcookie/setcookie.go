// Package setcookie parses Set-Cookie lines as RFC 6265bis user agents do:
// one line at a time, never merged, each attribute's last value kept.
package setcookie

import (
	"errors"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Seen is one Set-Cookie line and the URL whose response carried it; that
// may be an http:// hop of a redirect chain. Lines of the same Visit (one
// redirect chain, followed with one cookie store) are applied to one store
// in order, so a later line replaces or deletes an earlier one.
type Seen struct {
	Cookie Cookie
	SetBy  *url.URL
	Visit  int
}

// Cookie is one parsed Set-Cookie line; attributes hold the last value of
// each, as the storage model uses the last one (RFC 6265bis §5.7).
type Cookie struct {
	Name, Value string
	Secure      bool
	HTTPOnly    bool
	// SameSite is "Strict", "Lax", "None", or "" when absent or unrecognised.
	SameSite string
	// Path is the last valid Path attribute, or "" for the default path.
	Path string
	// HasPath is true when any Path attribute was sent, valid or not.
	HasPath bool
	// Domain is the last Domain attribute, lower-cased, leading dot removed.
	Domain    string
	HasDomain bool
	// MaxAge is the last Max-Age in seconds, when HasMaxAge.
	MaxAge    int64
	HasMaxAge bool
	// Expires is the last Expires value, unparsed.
	Expires string
	// ExpiresAt is the last Expires that parses as a cookie-date
	// (RFC 6265bis §5.6.1; others are ignored), when HasExpires.
	ExpiresAt   time.Time
	HasExpires  bool
	Partitioned bool
	// Raw is the line as received.
	Raw string
}

// Limits of RFC 6265bis §5.6 (name+value, and each attribute value).
const (
	maxNameValue = 4096
	maxAttrValue = 1024
	maxLine      = 64 << 10
)

// Parse reads one Set-Cookie value by RFC 6265bis §5.6. It returns an error
// where a browser would ignore the line entirely.
func Parse(line string) (Cookie, error) {
	c := Cookie{Raw: line}
	if len(line) > maxLine {
		return c, errors.New("set-cookie line too long")
	}
	for i := 0; i < len(line); i++ {
		if b := line[i]; (b < 0x20 && b != '\t') || b == 0x7f {
			return c, errors.New("control character in set-cookie line (RFC 6265bis §5.6 step 1)")
		}
	}
	pair, attrs, _ := strings.Cut(line, ";")
	if name, value, ok := strings.Cut(pair, "="); ok {
		c.Name, c.Value = trimWSP(name), trimWSP(value)
	} else {
		// A nameless cookie: the whole pair is the value.
		c.Value = trimWSP(pair)
	}
	if c.Name == "" && c.Value == "" {
		return c, errors.New("empty cookie name and value")
	}
	if len(c.Name)+len(c.Value) > maxNameValue {
		return c, errors.New("cookie name and value longer than 4096 bytes")
	}
	for attrs != "" {
		var av string
		av, attrs, _ = strings.Cut(attrs, ";")
		name, value, _ := strings.Cut(av, "=")
		name, value = trimWSP(name), trimWSP(value)
		if len(value) > maxAttrValue {
			continue
		}
		c.attribute(strings.ToLower(name), value)
	}
	return c, nil
}

func (c *Cookie) attribute(name, value string) {
	switch name {
	case "expires":
		c.Expires = value
		if t, ok := ParseDate(value); ok {
			c.ExpiresAt, c.HasExpires = t, true
		}
	case "max-age":
		if n, ok := maxAge(value); ok {
			c.MaxAge, c.HasMaxAge = n, true
		}
	case "domain":
		// §5.7 step 7 takes the last Domain attribute, empty or not, and
		// an empty one (or "." alone) leaves the cookie host-only, as
		// Chromium does: RFC 6265's "ignore an empty Domain" is gone
		// from §5.6.3.
		c.Domain = strings.ToLower(strings.TrimPrefix(value, "."))
		c.HasDomain = c.Domain != ""
	case "path":
		c.HasPath = true
		if value == "" || value[0] != '/' {
			c.Path = "" // §5.6.4: the default path applies.
			return
		}
		c.Path = value
	case "secure":
		c.Secure = true
	case "httponly":
		c.HTTPOnly = true
	case "samesite":
		switch strings.ToLower(value) {
		case "strict":
			c.SameSite = "Strict"
		case "lax":
			c.SameSite = "Lax"
		case "none":
			c.SameSite = "None"
		default:
			c.SameSite = "" // §5.6.7: an unknown value means no value.
		}
	case "partitioned":
		c.Partitioned = true
	}
}

// maxAge reads §5.6.2's Max-Age: an optional '-', then digits; anything
// else ignores the attribute. Huge values clamp.
func maxAge(v string) (int64, bool) {
	neg := strings.HasPrefix(v, "-")
	digits := strings.TrimPrefix(v, "-")
	if digits == "" {
		return 0, false
	}
	var n int64
	for i := 0; i < len(digits); i++ {
		d := digits[i]
		if d < '0' || d > '9' {
			return 0, false
		}
		if n < 1<<53 {
			n = n*10 + int64(d-'0')
		}
	}
	if neg {
		return -n, true
	}
	return n, true
}

func trimWSP(s string) string { return strings.Trim(s, " \t") }

// Deletes reports whether the line only removes the cookie at now: a
// Max-Age of zero or less sets the earliest expiry (RFC 6265bis §5.6.2), and
// without Max-Age an Expires in the past does the same (§5.6.1; Max-Age
// wins over Expires, §5.7), so the browser evicts any stored cookie of that
// name, domain and path and stores nothing, as Plug's and Rack's
// delete_cookie and Express's clearCookie do on logout.
func (c Cookie) Deletes(now time.Time) bool {
	if c.HasMaxAge {
		return c.MaxAge <= 0
	}
	return c.HasExpires && !c.ExpiresAt.After(now)
}

// How says which attribute deletes the cookie.
func (c Cookie) How() string {
	if c.HasMaxAge {
		return "Max-Age=" + strconv.FormatInt(c.MaxAge, 10)
	}
	return "Expires=" + c.Expires + ", in the past"
}

// Prefix returns the cookie's name prefix, matched case-insensitively as
// current browsers do, or "".
func Prefix(name string) string {
	for _, p := range []string{"__Host-", "__Secure-"} {
		if len(name) >= len(p) && strings.EqualFold(name[:len(p)], p) {
			return p
		}
	}
	return ""
}

// Redact hides a Set-Cookie line's value and keeps its name and attributes,
// which are what the checks are about: a session cookie can hold a token
// (Pleroma's holds the OAuth token), and reports travel to dashboards and
// mail. A line without a value is returned as it is.
func Redact(line string) string {
	pair, attrs, hasAttrs := strings.Cut(line, ";")
	name, value, hasValue := strings.Cut(pair, "=")
	if !hasValue || strings.TrimSpace(value) == "" {
		return line
	}
	out := name + "=[redacted]"
	if hasAttrs {
		out += ";" + attrs
	}
	return out
}
