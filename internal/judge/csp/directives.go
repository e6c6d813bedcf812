package csp

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

// metaIgnored directives have no effect in a <meta> policy (CSP3 §3.3).
var metaIgnored = map[string]bool{"frame-ancestors": true, "report-uri": true, "sandbox": true}

// fallback lists, from CSP3 §6.8.3 "get the effective directive" and
// §6.8.4 "directive fallback list": the directive itself comes first.
var fallback = map[string][]string{
	"script-src-elem":  {"script-src-elem", "script-src", "default-src"},
	"script-src-attr":  {"script-src-attr", "script-src", "default-src"},
	"script-src":       {"script-src", "default-src"},
	"style-src-elem":   {"style-src-elem", "style-src", "default-src"},
	"style-src-attr":   {"style-src-attr", "style-src", "default-src"},
	"style-src":        {"style-src", "default-src"},
	"worker-src":       {"worker-src", "child-src", "script-src", "default-src"},
	"child-src":        {"child-src", "default-src"},
	"frame-src":        {"frame-src", "child-src", "default-src"},
	"fenced-frame-src": {"fenced-frame-src", "frame-src", "child-src", "default-src"},
	"connect-src":      {"connect-src", "default-src"},
	"font-src":         {"font-src", "default-src"},
	"img-src":          {"img-src", "default-src"},
	"manifest-src":     {"manifest-src", "default-src"},
	"media-src":        {"media-src", "default-src"},
	"object-src":       {"object-src", "default-src"},
	"prefetch-src":     {"prefetch-src", "default-src"},
}

// scriptLike directives run the script pre-request checks, where
// 'strict-dynamic' disables host, scheme and 'self' sources (CSP3 §8.2).
var scriptLike = map[string]bool{
	"script-src": true, "script-src-elem": true, "script-src-attr": true, "worker-src": true,
}

// inlineLike directives govern inline content, where a nonce or hash
// disables 'unsafe-inline' (CSP3 §6.7.3.3).
var inlineLike = map[string]bool{
	"script-src": true, "script-src-elem": true, "script-src-attr": true,
	"style-src": true, "style-src-elem": true, "style-src-attr": true,
}

// effective returns the directive policy p applies for name, following
// the fallback list, and false when nothing restricts it.
func (p Policy) effective(name string) (Directive, bool) {
	list, ok := fallback[name]
	if !ok {
		list = []string{name}
	}
	for _, n := range list {
		if d, ok := p.Get(n); ok {
			return d, true
		}
	}
	return Directive{}, false
}
