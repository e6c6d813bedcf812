package csp

import "sort"

// known are the directives of CSP3 and its living extensions.
var known = map[string]bool{
	"base-uri": true, "child-src": true, "connect-src": true, "default-src": true,
	"fenced-frame-src": true, "font-src": true, "form-action": true, "frame-ancestors": true,
	"frame-src": true, "img-src": true, "manifest-src": true, "media-src": true,
	"object-src": true, "report-to": true, "report-uri": true, "require-trusted-types-for": true,
	"sandbox": true, "script-src": true, "script-src-attr": true, "script-src-elem": true,
	"style-src": true, "style-src-attr": true, "style-src-elem": true, "trusted-types": true,
	"upgrade-insecure-requests": true, "webrtc": true, "worker-src": true,
}

// deprecated directives were removed from the specs or never shipped
// widely; browsers ignore most of them.
var deprecated = map[string]bool{
	"block-all-mixed-content": true, "plugin-types": true, "prefetch-src": true,
	"referrer": true, "reflected-xss": true, "navigate-to": true, "require-sri-for": true,
	"disown-opener": true,
}

// sourceList directives take a source list (CSP3 §2.3.1); the others take
// tokens of their own (sandbox flags, report URLs, policy names).
var sourceList = map[string]bool{
	"base-uri": true, "child-src": true, "connect-src": true, "default-src": true,
	"fenced-frame-src": true, "font-src": true, "form-action": true, "frame-ancestors": true,
	"frame-src": true, "img-src": true, "manifest-src": true, "media-src": true,
	"object-src": true, "script-src": true, "script-src-attr": true, "script-src-elem": true,
	"style-src": true, "style-src-attr": true, "style-src-elem": true, "worker-src": true,
	"prefetch-src": true, "navigate-to": true,
}

// valueless directives mean something by being present.
var valueless = map[string]bool{
	"upgrade-insecure-requests": true, "block-all-mixed-content": true,
}

// Known reports a directive of CSP3 or its living extensions (lower case).
func Known(name string) bool { return known[name] }

// Deprecated reports a directive removed from the specs or never shipped
// widely.
func Deprecated(name string) bool { return deprecated[name] }

// TakesSourceList reports a directive whose value is a source list, which
// ParsePolicy parses into Directive.Sources.
func TakesSourceList(name string) bool { return sourceList[name] }

// Valueless reports a directive that means something by being present and
// takes no value.
func Valueless(name string) bool { return valueless[name] }

// KnownNames returns the known directives, sorted.
func KnownNames() []string {
	names := make([]string, 0, len(known))
	for n := range known {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}
