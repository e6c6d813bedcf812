package oracle

import (
	"fmt"
	"math"
	"sort"
	"strings"
	"time"

	"github.com/chromedp/cdproto/network"

	"github.com/hardscan/hardscan/internal/judge/cookie"
	"github.com/hardscan/hardscan/internal/parse/setcookie"
)

// ageLimit is RFC 6265bis §5.6.1 and §5.6.2's cookie-age-limit: an Expires
// or Max-Age further out than 400 days is cut to 400 days.
const ageLimit = 400 * 24 * time.Hour

// modelled is a cookie hardscan's store model keeps after the visit.
type modelled struct {
	key  cookie.Key
	line setcookie.Seen
}

// storeModel applies every Set-Cookie line hardscan saw, in order, to one
// store as RFC 6265bis §5.7 does (Chromium keeps one store for the whole
// visit): a line the judge rejects is dropped, a line with the key of a
// stored cookie replaces it, and a deletion removes it. It is built from
// hardscan's own parser, its rejection rules (cookie.Judge), KeyOf and
// Deletes: what the judge believes browsers store.
func storeModel(seen []setcookie.Seen, exp cookie.Expect, now time.Time) []modelled {
	store := map[cookie.Key]setcookie.Seen{}
	var order []cookie.Key
	for _, s := range seen {
		rejected := false
		for _, f := range cookie.Judge([]setcookie.Seen{s}, exp, now) {
			rejected = rejected || f.ID == "cookie.rejected"
		}
		if rejected {
			continue
		}
		k := cookie.KeyOf(s.Cookie, s.SetBy)
		if s.Cookie.Deletes(now) {
			delete(store, k)
			continue
		}
		if _, ok := store[k]; !ok {
			order = append(order, k)
		}
		store[k] = s
	}
	var out []modelled
	for _, k := range order {
		if s, ok := store[k]; ok {
			out = append(out, modelled{k, s})
		}
	}
	return out
}

// expiry is when the model says the cookie expires: Max-Age wins over
// Expires (§5.7 step 14); neither is a session cookie; both are cut to
// the age limit.
func expiry(c setcookie.Cookie, now time.Time) (time.Time, bool) {
	var at time.Time
	switch {
	case c.HasMaxAge:
		at = now.Add(time.Duration(min(c.MaxAge, int64(ageLimit/time.Second))) * time.Second)
	case c.HasExpires:
		at = c.ExpiresAt
	default:
		return time.Time{}, false
	}
	if at.After(now.Add(ageLimit)) {
		at = now.Add(ageLimit)
	}
	return at, true
}

// chromiumKey is a stored cookie's key as Chromium reports it: a domain
// cookie's Domain has a leading dot, a host-only one is the host.
func chromiumKey(c *network.Cookie) cookie.Key {
	return cookie.Key{Name: c.Name, Domain: strings.TrimPrefix(c.Domain, "."), Path: c.Path, HostOnly: !strings.HasPrefix(c.Domain, ".")}
}

// compareStore sets the store model against Storage.getCookies: the same
// cookies (name, domain, host-only, path), and for each the attributes
// Chromium keeps: Secure, HttpOnly, SameSite, session or not, and the
// expiry within two minutes (the scan and the visit are not at the same
// instant).
func compareStore(model []modelled, stored []*network.Cookie, now time.Time) []check {
	var out []check
	byKey := map[cookie.Key]*network.Cookie{}
	for _, c := range stored {
		byKey[chromiumKey(c)] = c
	}
	keyDesc := func(k cookie.Key) string {
		how := "domain " + k.Domain
		if k.HostOnly {
			how = "host-only " + k.Domain
		}
		return fmt.Sprintf("%q (%s, path %s)", k.Name, how, k.Path)
	}
	inModel := map[cookie.Key]bool{}
	for _, m := range model {
		inModel[m.key] = true
		c := byKey[m.key]
		out = append(out, check{kind: kindCookie, what: "Chromium stores " + keyDesc(m.key), hardscan: "the store model keeps it: " + setcookie.Redact(m.line.Cookie.Raw),
			chromium: yesNo(c != nil), agree: c != nil})
		if c == nil {
			continue
		}
		mc := m.line.Cookie
		at, persistent := expiry(mc, now)
		expires := time.Unix(0, int64(c.Expires*float64(time.Second)))
		for _, a := range []struct {
			what      string
			want, got string
		}{
			{"Secure", yesNo(mc.Secure), yesNo(c.Secure)},
			{"HttpOnly", yesNo(mc.HTTPOnly), yesNo(c.HTTPOnly)},
			{"SameSite", orUnset(mc.SameSite), orUnset(string(c.SameSite))},
			{"a session cookie", yesNo(!persistent), yesNo(c.Session)},
		} {
			out = append(out, check{kind: kindCookie, what: fmt.Sprintf("the stored cookie %s: %s", keyDesc(m.key), a.what),
				hardscan: "store model: " + a.want, chromium: a.got, agree: a.want == a.got})
		}
		if persistent && !c.Session && !math.IsInf(c.Expires, 0) {
			d := expires.Sub(at)
			out = append(out, check{kind: kindCookie, what: fmt.Sprintf("the stored cookie %s: expires", keyDesc(m.key)),
				hardscan: "store model: " + at.UTC().Format(time.RFC3339), chromium: expires.UTC().Format(time.RFC3339),
				agree: d < 2*time.Minute && d > -2*time.Minute})
		}
	}
	var extra []string
	for k := range byKey {
		if !inModel[k] {
			extra = append(extra, keyDesc(k))
		}
	}
	sort.Strings(extra)
	for _, e := range extra {
		out = append(out, check{kind: kindCookie, what: "Chromium stores " + e, hardscan: "the store model has no such cookie", chromium: "yes"})
	}
	return out
}

func orUnset(s string) string {
	if s == "" {
		return "unset"
	}
	return s
}
