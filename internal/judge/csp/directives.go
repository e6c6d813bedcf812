package csp

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
func effective(p Policy, name string) (Directive, bool) {
	if i, ok := effectiveIndex(p, name); ok {
		return p.Directives[i], true
	}
	return Directive{}, false
}

// effectiveIndex is effective's directive as an index into p.Directives.
func effectiveIndex(p Policy, name string) (int, bool) {
	list, ok := fallback[name]
	if !ok {
		list = []string{name}
	}
	for _, n := range list {
		for i, d := range p.Directives {
			if d.Name == n {
				return i, true
			}
		}
	}
	return 0, false
}
