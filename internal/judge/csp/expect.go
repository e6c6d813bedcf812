package csp

import (
	"errors"
	"fmt"
	"net/url"
	"sort"
	"strings"
	"sync"

	parse "github.com/hardscan/hardscan/internal/parse/csp"
)

// Expect is the CSP part of a profile. The zero value expects nothing.
type Expect struct {
	// Required makes a missing enforced CSP a fail (otherwise info).
	Required bool `json:"required"`
	// Directives maps a directive to its expected source list; {host} and
	// {origin} are replaced from the scanned URL; any 'nonce-...' stands for
	// the server's per-response nonce; an empty list for a valueless
	// directive (upgrade-insecure-requests) means "must be present".
	Directives map[string][]string `json:"directives"`
	// Require lists directives that must restrict something even when not
	// in Directives; missing object-src or base-uri is a fail, others warn.
	Require []string `json:"require"`
	// Hint is accepted in profile files written for hardscan 0.1 and no longer
	// read: the fix comes from the check catalogue, per platform.
	Hint string `json:"hint,omitempty"`
}

// Validate reports the first bad field, named as in the profile file.
func (e Expect) Validate() error {
	sample, _ := url.Parse("https://example.tld")
	for _, name := range sortedKeys(e.Directives) {
		field := "csp.directives." + name
		if err := checkName(name); err != nil {
			return fmt.Errorf("%s: %w", field, err)
		}
		list := e.Directives[name]
		if parse.Valueless(name) && len(list) > 0 {
			return fmt.Errorf("%s: %s takes no value, use an empty list", field, name)
		}
		if !parse.TakesSourceList(name) {
			continue
		}
		for _, raw := range list {
			tok, ok := substitute(raw, sample)
			if !ok {
				return fmt.Errorf("%s: %q: unknown placeholder (want {host} or {origin})", field, raw)
			}
			if len(parse.SplitSpace(tok)) != 1 {
				return fmt.Errorf("%s: %q: one source a list entry", field, raw)
			}
			if s := ParseSource(tok); s.Problem != "" {
				return fmt.Errorf("%s: %q: %s", field, raw, s.Problem)
			}
		}
	}
	for i, name := range e.Require {
		if err := checkName(name); err != nil {
			return fmt.Errorf("csp.require[%d]: %w", i, err)
		}
	}
	return nil
}

func checkName(name string) error {
	if name == "" {
		return errors.New("empty directive name")
	}
	if name != parse.Lower(name) {
		return fmt.Errorf("%q: directive names are lower case", name)
	}
	if !parse.Known(name) && !parse.Deprecated(name) {
		return fmt.Errorf("%q: unknown directive", name)
	}
	return nil
}

// substitute replaces {host} (host[:port]) and {origin} (scheme://host[:port])
// in an expected source; ok is false for another placeholder or when the
// origin is unknown.
func substitute(raw string, origin *url.URL) (string, bool) {
	if !strings.Contains(raw, "{") {
		return raw, true
	}
	if origin == nil || origin.Host == "" {
		return "", false
	}
	host := parse.Lower(origin.Host)
	s := strings.ReplaceAll(raw, "{host}", host)
	s = strings.ReplaceAll(s, "{origin}", parse.Lower(origin.Scheme)+"://"+host)
	if strings.ContainsAny(s, "{}") {
		return "", false
	}
	return s, true
}

// expected parses the expected list of name for origin; entries with
// placeholders are dropped when the origin is unknown.
func expected(list []string, origin *url.URL) []Source {
	out := make([]Source, 0, len(list))
	for _, raw := range list {
		if !strings.Contains(raw, "{") {
			out = append(out, profileSource(raw))
		} else if tok, ok := substitute(raw, origin); ok {
			out = append(out, ParseSource(tok))
		}
	}
	return out
}

// profileSources caches the parsed sources of profiles, which every target
// asks for again. Only entries without a placeholder are kept: they are
// the profiles' own words, so the cache stays as small as the profiles.
var profileSources sync.Map // string -> Source

func profileSource(raw string) Source {
	if s, ok := profileSources.Load(raw); ok {
		return s.(Source)
	}
	s := ParseSource(raw)
	profileSources.Store(raw, s)
	return s
}

func sortedKeys(m map[string][]string) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}

// Policy writes the profile's policy for origin as a header value, the one
// a fix recommends: default-src first, then every directive the profile
// names, then object-src 'none' and base-uri 'none' where the profile
// requires them without naming them.
func (e Expect) Policy(origin *url.URL) string {
	return e.policy(func(name string) []Source { return expected(e.Directives[name], origin) })
}

// policy is Policy with the expected sources of each directive from
// sources, which a Judge call has already worked out.
func (e Expect) policy(sources func(name string) []Source) string {
	names := sortedKeys(e.Directives)
	var parts []string
	add := func(name string) {
		list := e.Directives[name]
		if parse.TakesSourceList(name) {
			parts = append(parts, strings.TrimSpace(name+" "+orNothing(sources(name))))
		} else {
			parts = append(parts, strings.TrimSpace(name+" "+strings.Join(list, " ")))
		}
	}
	if _, ok := e.Directives["default-src"]; ok {
		add("default-src")
	} else {
		parts = append(parts, "default-src 'self'")
	}
	for _, n := range names {
		if n != "default-src" {
			add(n)
		}
	}
	for _, n := range e.Require {
		if _, ok := e.Directives[n]; ok {
			continue
		}
		switch n {
		case "object-src", "base-uri", "frame-ancestors", "form-action":
			parts = append(parts, n+" 'none'")
		}
	}
	return strings.Join(parts, "; ")
}
