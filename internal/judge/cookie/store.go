package cookie

import (
	"net/url"
	"strings"

	"github.com/hardscan/hardscan/internal/parse/setcookie"
)

// Key is what identifies a stored cookie (RFC 6265bis §5.7 step 23): a new
// cookie with the same name, domain, host-only flag and path replaces the
// stored one, and a deletion removes it.
type Key struct {
	Name, Domain, Path string
	HostOnly           bool
}

// KeyOf is the key c gets when the response to u sets it: its Domain or,
// host-only, u's host; its Path or the default path of u (§5.1.4).
func KeyOf(c setcookie.Cookie, u *url.URL) Key {
	k := Key{Name: c.Name, Domain: c.Domain, Path: c.Path}
	if !c.HasDomain {
		k.HostOnly = true
		if u != nil {
			k.Domain = strings.ToLower(strings.TrimSuffix(u.Hostname(), "."))
		}
	}
	if k.Path == "" {
		k.Path = DefaultPath(u)
	}
	return k
}

// DefaultPath is RFC 6265bis §5.1.4's default-path of a request URL: its
// path up to, not including, the right-most '/', or "/" when that leaves
// nothing.
func DefaultPath(u *url.URL) string {
	if u == nil {
		return "/"
	}
	p := u.EscapedPath()
	if p == "" || p[0] != '/' {
		return "/"
	}
	i := strings.LastIndexByte(p, '/')
	if i == 0 {
		return "/"
	}
	return p[:i]
}
