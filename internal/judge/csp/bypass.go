package csp

import (
	_ "embed" // the bypass list is data
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/hardscan/hardscan/internal/check"
	"github.com/hardscan/hardscan/scan/finding"
)

// bypassData lists script URLs known to serve JSONP or AngularJS; see the
// file's header for its source and licence.
//
//go:embed bypass_hosts.txt
var bypassData string

// bypassURL is one entry of bypass_hosts.txt.
type bypassURL struct {
	kind      string // check.JSONP or check.AngularJS, the reason it gives
	needsEval bool   // the JSONP bypass works only with 'unsafe-eval'
	url       string // scheme-relative, as listed
	src       Source // the URL as an https host source, to ask a set whether it allows it
}

// bypassURLs is the parsed list, read the first time a policy names hosts
// for scripts rather than at every start (--help, --unit).
var bypassURLs = sync.OnceValue(func() []bypassURL { return parseBypass(bypassData) })

// parseBypass reads the list; a malformed line is a build defect, which
// the package's tests catch.
func parseBypass(data string) []bypassURL {
	var out []bypassURL
	for _, line := range strings.Split(data, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || line[0] == '#' {
			continue
		}
		kind, u, ok := strings.Cut(line, " ")
		if !ok || !strings.HasPrefix(u, "//") {
			panic("csp: bad line in bypass_hosts.txt: " + line)
		}
		b := bypassURL{kind: kind, url: u, src: ParseSource("https:" + u)}
		if kind == "jsonp-eval" {
			b.kind, b.needsEval = check.JSONP, true
		}
		if b.src.Kind != KindHost || (b.kind != check.JSONP && b.kind != check.AngularJS) {
			panic("csp: bad line in bypass_hosts.txt: " + line)
		}
		out = append(out, b)
	}
	return out
}

// bypassHosts reports the script sources that let an attacker's markup
// load a JSONP endpoint or an old AngularJS from an allowed host, which
// runs script of the attacker's choosing (CSP Evaluator's allow-list
// bypass, rated high there): a fail, like any script injection (docs/contract.md, "Checks").
// Only where every enforced policy allows the URL for script elements; a
// policy already open to any host is failed by csp.script-src instead, and
// 'strict-dynamic' makes browsers ignore host sources.
func (j *judge) bypassHosts() {
	elem := j.restricting("script-src-elem")
	if len(elem) == 0 || len(dangerousInEffect(elem)) > 0 {
		return
	}
	// Only a host source of the first policy can allow a listed URL (the
	// others must allow it too): most policies have none, and then the
	// list is not walked at all.
	var hosts []string
	for _, src := range elem[0].set.sources {
		if src.Kind == KindHost && src.Host != "*" {
			hosts = append(hosts, strings.TrimSuffix(src.Host, "."))
		}
	}
	if len(hosts) == 0 {
		return
	}
	eval := false
	if rs := j.restricting("script-src"); len(rs) > 0 {
		eval = inEffect(rs, ParseSource("'unsafe-eval'"))
	}
	type hit struct {
		kinds []string
		urls  []string
	}
	hits := map[string]*hit{} // by the allowing source as written
	var order []string
	for _, b := range bypassURLs() {
		if (b.needsEval && !eval) || !mayMatch(hosts, b.src.Host) || !inEffect(elem, b.src) {
			continue
		}
		by := allowing(elem[0], b.src)
		if by == "" {
			continue // allowed as the site's own origin ('self'), not by an allow-listed host
		}
		h := hits[by]
		if h == nil {
			h = &hit{}
			hits[by] = h
			order = append(order, by)
		}
		if !slices.Contains(h.kinds, b.kind) {
			h.kinds = append(h.kinds, b.kind)
		}
		h.urls = append(h.urls, b.url)
	}
	dir := elem[0].dir.Name
	what := map[string]string{check.JSONP: "JSONP endpoints", check.AngularJS: "AngularJS libraries"}
	for _, by := range order {
		h := hits[by]
		var served []string
		for _, k := range h.kinds {
			served = append(served, what[k])
		}
		urls := h.urls
		more := ""
		if len(urls) > 3 {
			more = fmt.Sprintf(" and %d more", len(urls)-3)
			urls = urls[:3]
		}
		j.out.add(finding.Finding{ID: check.CSPBypassHost, Reason: h.kinds[0], Severity: finding.Fail, Subject: by,
			Expected: "no script source on a host that serves JSONP or AngularJS", Actual: dir + " " + by,
			Message: fmt.Sprintf("%s allows %s, which serves %s (%s%s): injected markup can load them and run any script despite the allow-list; use nonces or hashes with 'strict-dynamic', or allow only the exact script URLs",
				dir, by, strings.Join(served, " and "), strings.Join(urls, " "), more),
			Vars: map[string]string{"directive": dir, "source": by, "url": h.urls[0]}})
	}
}

// allowing names the host source of r, as written, that allows src; ""
// when none does.
func allowing(r restriction, src Source) string {
	for _, s := range r.set.sources {
		if s.Kind == KindHost && newSet([]Source{s}, r.set.page).covers(src) {
			return s.Raw
		}
	}
	return ""
}

// mayMatch is a cheap first test: whether one of hosts (as a source
// writes them, "*.x" for wildcards) could match host h.
func mayMatch(hosts []string, h string) bool {
	for _, s := range hosts {
		if s == h || (strings.HasPrefix(s, "*.") && strings.HasSuffix(h, s[1:])) {
			return true
		}
	}
	return false
}
