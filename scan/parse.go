package scan

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"strings"

	"golang.org/x/net/idna"
)

// ParseTarget turns what a user wrote into the https URL to scan. A bare host
// means https://host/; http:// is scanned as https:// (the plain-HTTP probe
// is part of every scan). Credentials in a URL are refused, never echoed.
func ParseTarget(raw string) (*url.URL, error) {
	s := strings.TrimSpace(raw)
	if s == "" {
		return nil, errors.New("empty URL")
	}
	if !strings.Contains(s, "://") {
		s = "https://" + s
	}
	u, err := url.Parse(s)
	if err != nil {
		// url.Error repeats the input, which may hold a password.
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return nil, fmt.Errorf("bad URL %q: %w", redactRaw(raw), err)
	}
	if u.User != nil {
		return nil, fmt.Errorf("bad URL %s: credentials in a URL are refused (they would be sent and reported); use -H 'Authorization: ...' instead", u.Redacted())
	}
	switch strings.ToLower(u.Scheme) {
	case "https", "http":
	default:
		return nil, fmt.Errorf("bad URL %s: scheme %q is not supported: hardscan scans https:// (and probes http://)", u.Redacted(), u.Scheme)
	}
	host := u.Hostname()
	if host == "" {
		return nil, fmt.Errorf("bad URL %q: no host", raw)
	}
	if ip := net.ParseIP(host); ip == nil {
		ascii, err := idna.Lookup.ToASCII(strings.TrimSuffix(host, "."))
		if err != nil {
			return nil, fmt.Errorf("bad URL %q: host %q: %w", redactRaw(raw), host, err)
		}
		host = ascii
	} else if strings.Contains(host, ":") {
		host = "[" + host + "]"
	}
	if p := u.Port(); p != "" {
		host += ":" + p
	}
	out := &url.URL{Scheme: "https", Host: strings.ToLower(host), Path: u.Path, RawPath: u.RawPath, RawQuery: u.RawQuery}
	if out.Path == "" {
		out.Path = "/"
	}
	return out, nil
}

// redactRaw is what the user wrote, for an error message, with anything
// before an '@' in the authority (a password, perhaps) hidden: a URL that
// does not parse cannot be redacted by net/url.
func redactRaw(raw string) string {
	s := strings.TrimSpace(raw)
	scheme, rest, ok := strings.Cut(s, "://")
	if !ok {
		scheme, rest = "", s
	}
	end := strings.IndexAny(rest, "/?#")
	if end < 0 {
		end = len(rest)
	}
	if at := strings.LastIndex(rest[:end], "@"); at >= 0 {
		rest = "xxxxx" + rest[at:]
	}
	if ok {
		return scheme + "://" + rest
	}
	return rest
}
