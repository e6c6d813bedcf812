package csp

import (
	"slices"
	"strings"
	"testing"

	"github.com/hardscan/hardscan/scan/finding"
)

// evaluatorRow is one CSP string of google/csp-evaluator's tests
// (checks/security_checks_test.ts, checks/parser_checks_test.ts) and what
// its check found, carried as our own row: flagged says whether the check
// reported it at the severity that names the same risk as hardscan's
// finding (HIGH for script injection, any for syntax and notes).
type evaluatorRow struct {
	name    string // the evaluator's test name
	csp     string
	check   string // the evaluator's check, see evaluatorFlags
	flagged bool
	// known explains a deliberate difference, citing the spec.
	known string
}

// Source: github.com/google/csp-evaluator, checks/security_checks_test.ts
// and checks/parser_checks_test.ts (CSP3 expectations; the CSP1 variants
// of two tests are not carried: no browser applies CSP1 rules today).
var evaluatorRows = []evaluatorRow{
	{"CheckScriptUnsafeInlineInScriptSrc", "default-src https:; script-src 'unsafe-inline'; script-src-elem 'unsafe-inline';", "unsafe-inline", true, ""},
	{"CheckScriptUnsafeInlineInDefaultSrc", "default-src 'unsafe-inline'", "unsafe-inline", true, ""},
	{"CheckScriptUnsafeHashesInScriptSrc", "script-src 'unsafe-hashes' 'sha256-1DCfk1NYWuHMfoobarfoobar='", "unsafe-hashes", true, ""},
	{"CheckScriptUnsafeInlineInDefaultSrcAndNotInScriptSrc", "default-src 'unsafe-inline'; script-src https:; script-src-attr https:; script-src-elem https:", "unsafe-inline", false, ""},
	{"CheckScriptUnsafeInlineWithNonce", "script-src 'unsafe-inline' 'nonce-foobar'; script-src-elem 'unsafe-inline' 'nonce-foobar';", "unsafe-inline", false, ""},
	{"CheckScriptUnsafeInlineWithMalformedNonce", "script-src 'unsafe-inline' 'nonce-invalid$';", "unsafe-inline", true, ""},
	{"CheckScriptUnsafeInlineWithMalformedHash", "script-src 'unsafe-inline' 'sha256-invalid$';", "unsafe-inline", true, ""},
	{"CheckScriptUnsafeEvalInScriptSrc", "default-src https:; script-src 'unsafe-eval'; script-src-attr 'unsafe-eval'; script-src-elem 'unsafe-eval';", "unsafe-eval", true, ""},
	{"CheckScriptUnsafeEvalInDefaultSrc", "default-src 'unsafe-eval'", "unsafe-eval", true, ""},
	{"CheckPlainUrlSchemesInScriptSrc", "script-src data: http: https: sthInvalid:", "wide script-src", true, ""},
	{"CheckPlainUrlSchemesInObjectSrc", "object-src data: http: https: sthInvalid:", "wide object-src", true, ""},
	{"CheckPlainUrlSchemesInBaseUri", "base-uri data: http: https: sthInvalid:", "wide base-uri", true, ""},
	{"CheckPlainUrlSchemesMixed", "default-src https:; object-src data: sthInvalid:", "wide script-src and object-src", true, ""},
	{"CheckPlainUrlSchemesDangerousDirectivesOK", "default-src https:; object-src 'none'; script-src 'none'; base-uri 'none'", "wide any", false, ""},
	{"CheckWildcardsInScriptSrc", "script-src * http://* //*; script-src-attr * http://* //*; script-src-elem * http://* //*", "wide script-src", true, ""},
	{"CheckWildcardsInObjectSrc", "object-src * http://* //*", "wide object-src", true, ""},
	{"CheckWildcardsInBaseUri", "base-uri * http://* //*", "wide base-uri", true, ""},
	{"CheckWildcardsSchemesMixed", "default-src *; object-src * ignore.me.com", "wide script-src and object-src", true, ""},
	{"CheckWildcardsDangerousDirectivesOK", "default-src *; object-src *.foo.bar; script-src 'none'; base-uri 'none'", "wide any", false, ""},
	{"CheckMissingDirectivesMissingObjectSrc", "script-src 'none'", "missing", true, ""},
	{"CheckMissingDirectivesMissingScriptSrc", "object-src 'none'", "missing", true, ""},
	{"CheckMissingDirectivesObjectSrcSelf", "object-src 'self'", "missing", true, ""},
	{"CheckMissingDirectivesMissingBaseUriInNonceCsp", "script-src 'nonce-123'; object-src 'none'", "missing", true, ""},
	{"CheckMissingDirectivesMissingBaseUriInHashWStrictDynamicCsp", "script-src 'sha256-123456' 'strict-dynamic'; object-src 'none'", "missing", true, ""},
	{"CheckMissingDirectivesMissingBaseUriInHashCsp", "script-src 'sha256-123456'; object-src 'none'", "missing", false, ""},
	{"CheckMissingDirectivesScriptAndObjectSrcSet", "script-src 'none'; object-src 'none'", "missing", false, ""},
	{"CheckMissingDirectivesDefaultSrcSet", "default-src https:;", "missing", false,
		"CSP3 §6.7.2.9: under default-src https: the relative scripts an injected <base> points at the attacker's https origin load, so hardscan fails csp.base-uri as well; the evaluator reports that policy only as a wide script-src"},
	{"CheckMissingDirectivesDefaultSrcSetToNone", "default-src 'none';", "missing", false, ""},
	{"checkScriptAllowlistBypassJSONPBypass", "script-src *.google.com", "bypass", true, ""},
	{"checkScriptAllowlistBypassWithNoneAndJSONPBypass", "script-src *.google.com 'none'; script-src-elem *.google.com 'none'", "bypass", false,
		"CSP3 §6.7.2.5 and §2.3.1: 'none' counts only as the whole source list; next to *.google.com it is ignored and the host is allowed, so the JSONP bypass stands (the evaluator treats the list as 'none')"},
	{"checkScriptAllowlistBypassJSONPBypassEvalRequired", "script-src https://googletagmanager.com 'unsafe-eval'; script-src-elem https://googletagmanager.com 'unsafe-eval'", "bypass", true, ""},
	{"checkScriptAllowlistBypassJSONPBypassEvalRequiredNotPresent", "script-src https://googletagmanager.com; script-src-elem https://googletagmanager.com;", "bypass", false, ""},
	{"checkScriptAllowlistBypassAngularBypass", "script-src gstatic.com; script-src-elem gstatic.com", "bypass", true, ""},
	{"checkScriptAllowlistBypassNoBypassWarningOnly", "script-src foo.bar; script-src-elem foo.bar", "bypass", false, ""},
	{"checkScriptAllowlistBypassNoBypassSelfWarningOnly", "script-src 'self'; script-src-attr 'self'; script-src-elem 'self'", "bypass", false, ""},
	{"checkFlashObjectAllowlistBypassFlashBypass", "object-src https://*.googleapis.com", "object bypass", true,
		"Flash bypasses need a Flash player, which no browser has run since 2021 (Chromium 88, Firefox 85): an allowed SWF host opens nothing, so hardscan has no Flash bypass list"},
	{"checkFlashObjectAllowlistBypassNoFlashBypass", "object-src https://foo.bar", "object bypass", false, ""},
	{"checkFlashObjectAllowlistBypassSelfAllowed", "object-src 'self'", "object bypass", false, ""},
	{"CheckIpSource", "script-src 8.8.8.8; font-src //127.0.0.1 https://[::1] not.an.ip", "ip sources 3", true,
		"CSP3 §2.3.1: a host-source has neither a scheme-relative form (//host) nor an IPv6 literal, so //127.0.0.1 and https://[::1] match nothing; hardscan reports them as sources browsers ignore (csp.syntax) and only 8.8.8.8 as an IP source"},
	{"CheckDeprecatedDirectiveReportUriWithReportTo", "report-uri foo.bar/csp;report-to abc", "deprecated", false, ""},
	{"CheckDeprecatedDirectiveWithoutReportUriButWithReportTo", "report-to abc", "deprecated", false, ""},
	{"CheckDeprecatedDirectiveReflectedXss", "reflected-xss block", "deprecated", true, ""},
	{"CheckDeprecatedDirectiveReferrer", "referrer origin", "deprecated", true, ""},
	{"CheckDeprecatedDirectivePrefetchSrc", "prefetch-src test", "deprecated", true, ""},
	{"CheckNonceLengthWithLongNonce", "script-src 'nonce-veryLongRandomNonce'", "short nonce", false, ""},
	{"CheckNonceLengthWithShortNonce", "script-src 'nonce-short'", "short nonce", true, ""},
	{"CheckNonceLengthInvalidCharset", "script-src 'nonce-***notBase64***'", "bad nonce", true, ""},
	{"CheckSrcHttp", "script-src http://foo.bar https://test.com; report-uri http://test.com", "http sources 2", true, ""},
	{"checkScriptUnsafeInline_notOverriddenForScriptSrcElem", "script-src 'nonce-aaaaaaaaaa' strict-dynamic; script-src-elem 'unsafe-inline';", "unsafe-inline", true, ""},
	// checks/parser_checks_test.ts
	{"CheckUnknownDirective", "foobar-src http:", "syntax foobar-src", true, ""},
	{"CheckMissingSemicolon", "default-src foo.bar script-src 'none'", "missing-semicolon default-src", true, ""},
	{"CheckInvalidKeywordForgottenSingleTicks", "script-src strict-dynamic nonce-test sha256-asdf", "syntax tokens 3", true, ""},
	{"CheckInvalidKeywordUnknownKeyword", "script-src 'foo-bar'", "syntax tokens 1", true, ""},
	{"CheckInvalidKeywordMalformedNonce", "script-src 'nonce-invalid$'", "syntax tokens 1", true, ""},
	{"CheckInvalidKeywordMalformedHash", "script-src 'sha256-invalid$'", "syntax tokens 1", true, ""},
	{"CheckInvalidKeywordAllowsRequireTrustedTypesForScript", "require-trusted-types-for 'script'", "syntax tokens 1", false, ""},
	{"CheckInvalidKeywordAllowsTrustedTypesAllowDuplicateKeyword", "trusted-types 'allow-duplicates' policy1", "syntax tokens 1", false, ""},
}

// lighthouseRows: github.com/google/csp-evaluator lighthouse/
// lighthouse_checks_test.ts, evaluateForFailure: the policies a page
// enforces together, and whether Lighthouse reports a HIGH failure (a
// missing or wide script-src, object-src or base-uri); its STRICT_CSP
// advice on allow-lists is not a failure there either.
var lighthouseRows = []struct {
	name     string
	policies []string
	high     bool
}{
	{"robust nonce-based policy", []string{"script-src 'nonce-aaaaaaaaaa'; object-src 'none'; base-uri 'none'"}, false},
	{"robust hash-based policy", []string{"script-src 'sha256-aaaaaaaaaa'; object-src 'none'"}, false},
	{"policy not attempt", []string{"block-all-mixed-content"}, true},
	{"policy not robust", []string{"script-src *.google.com; object-src 'none'"}, false},
	{"robust policy and not robust policy", []string{"script-src *.google.com; object-src 'none'", "script-src 'nonce-aaaaaaaaaa'; base-uri 'none'"}, false},
	{"split across many policies", []string{"object-src 'none'", "script-src 'nonce-aaaaaaaaaa'", "base-uri 'none'"}, false},
	{"split across many policies with default-src", []string{"default-src 'none'", "base-uri 'none'"}, false},
	{"split across many policies some mixed useless policies", []string{"object-src 'none'", "script-src 'nonce-aaaaaaaaaa'", "base-uri 'none'", "block-all-mixed-content"}, false},
	{"split across many policies with allowlist", []string{"object-src 'none'", "script-src 'nonce-aaaaaaaaaa'", "base-uri 'none'", "script-src *"}, false},
	{"not robust and not attempt", []string{"block-all-mixed-content", "script-src *.google.com"}, true},
	{"robust check only CSPs with script-src", []string{"script-src https://example.com", "object-src 'none'"}, false},
	{"two not attempt", []string{"block-all-mixed-content", "block-all-mixed-content"}, true},
	{"two not attempt somewhat", []string{"block-all-mixed-content; object-src 'none'", "block-all-mixed-content"}, true},
	{"base-uri split across many policies", []string{"script-src 'nonce-aaaaaaaaaaa'; object-src 'none'", "base-uri 'none'"}, false},
	{"base-uri not set", []string{"script-src 'nonce-aaaaaaaaaaa'; object-src 'none'"}, true},
	{"base-uri not set in either policy", []string{"script-src 'nonce-aaaaaaaaaaa'; object-src 'none'", "block-all-mixed-content"}, true},
	{"check wildcards", []string{"script-src 'none'; object-src *"}, true},
	{"check wildcards on multiple", []string{"script-src 'none'; object-src *", "object-src 'none'"}, false},
	{"check plain url schemes", []string{"script-src 'strict-dynamic' 'nonce-random123' 'unsafe-inline' https:; base-uri 'none'; object-src https:"}, true},
}

// evaluatorFlags says whether hardscan's findings on a policy name what
// the evaluator's check names.
func evaluatorFlags(check string, fs []finding.Finding) bool {
	by := map[string]finding.Finding{}
	count := map[string]int{}
	for _, f := range fs {
		by[f.ID] = f
		if f.Subject != "" {
			by[f.ID+" "+f.Subject] = f
		}
		count[f.ID]++
	}
	says := func(id, text string) bool { return strings.Contains(by[id].Message, text) }
	wide := func(name string) bool {
		return by["csp."+name].Reason == "wide-source" || says("csp."+name, " allows ") && by["csp."+name].Severity == finding.Fail
	}
	switch check {
	case "unsafe-inline":
		return says("csp.script-src", "'unsafe-inline' is in effect")
	case "unsafe-eval":
		return says("csp.script-src", "'unsafe-eval' is in effect")
	case "unsafe-hashes":
		return says("csp.script-src", "'unsafe-hashes'")
	case "wide script-src", "wide object-src", "wide base-uri":
		return wide(strings.TrimPrefix(check, "wide "))
	case "wide script-src and object-src":
		return wide("script-src") && wide("object-src")
	case "wide any":
		return wide("script-src") || wide("object-src") || wide("base-uri")
	case "missing":
		return by["csp.script-src"].Reason == "absent" || by["csp.object-src"].Reason == "absent" ||
			by["csp.base-uri"].Reason == "absent" && by["csp.base-uri"].Severity == finding.Fail
	case "bypass":
		return count["csp.bypass-host"] > 0
	case "object bypass":
		return by["csp.bypass-host object-src"].ID != ""
	case "ip sources 3":
		return count["csp.ip-source"] == 3
	case "deprecated":
		return count["csp.deprecated"] > 0
	case "short nonce":
		return by["csp.nonce script-src"].Reason == "short"
	case "bad nonce":
		return by["csp.syntax script-src"].ID != "" || by["csp.nonce script-src"].ID != ""
	case "http sources 2":
		return count["csp.http-source"] == 2
	case "syntax foobar-src":
		return by["csp.syntax foobar-src"].ID != ""
	case "missing-semicolon default-src":
		return by["csp.syntax default-src"].Reason == CodeMissingSemicolon
	case "syntax tokens 3", "syntax tokens 1":
		return count["csp.syntax"] > 0
	}
	panic("no such evaluator check: " + check)
}

func TestCSPEvaluatorSuite(t *testing.T) {
	agree, documented := 0, 0
	for _, r := range evaluatorRows {
		fs := Judge(hdr(r.csp), Expect{})
		got := evaluatorFlags(r.check, fs)
		switch {
		case got == r.flagged && r.known != "":
			t.Errorf("csp-evaluator %s agrees now; drop its note (%s)", r.name, r.known)
		case got == r.flagged:
			agree++
		case r.known != "":
			documented++
			t.Logf("csp-evaluator %s: %q: hardscan %v, the evaluator %v: %s", r.name, r.csp, got, r.flagged, r.known)
		default:
			var lines []string
			for _, f := range fs {
				lines = append(lines, f.ID+" "+f.Subject+" "+f.Severity.String()+" "+f.Reason+": "+f.Message)
			}
			t.Errorf("csp-evaluator %s: %q, check %s: hardscan %v, the evaluator %v\n%s", r.name, r.csp, r.check, got, r.flagged, strings.Join(lines, "\n"))
		}
	}
	for _, r := range lighthouseRows {
		fs := Judge(hdr(r.policies...), Expect{})
		got := false
		for _, f := range fs {
			switch f.ID {
			case "csp.script-src", "csp.object-src", "csp.base-uri":
				got = got || f.Severity == finding.Fail
			}
		}
		if got != r.high {
			t.Errorf("csp-evaluator lighthouse %s: %q: hardscan fails script-src, object-src or base-uri: %v, Lighthouse fails it (HIGH): %v", r.name, r.policies, got, r.high)
			continue
		}
		agree++
	}
	n, a, d := evaluatorParserCases(t)
	t.Logf("suite csp-evaluator (google/csp-evaluator checks and parser tests): %d cases, %d agree, %d documented differences",
		len(evaluatorRows)+len(lighthouseRows)+n, agree+a, documented+d)
}

// evaluatorParserCases carries parser_test.ts: each policy's directives
// and their values, keywords and schemes lower-cased as the evaluator
// normalises them.
func evaluatorParserCases(t *testing.T) (cases, agree, documented int) {
	t.Helper()
	tests := []struct {
		name, csp string
		want      map[string][]string
	}{
		{"CspParser", "default-src 'none';" +
			"script-src 'nonce-unsafefoobar' 'unsafe-eval' 'unsafe-hashes'  'unsafe-inline' \n" +
			"https://example.com/foo.js foo.bar     'sha256-1DCfk1NYWuHMfoobarfoobar=';" +
			"script-src-elem 'self' 'unsafe-inline' https://apis.google.com https://www.googletagmanager.com https://www.google-analytics.com https://wchat.freshchat.com;" +
			"object-src 'none';" +
			"img-src 'self' https: data: blob:;" +
			"style-src 'self' 'unsafe-inline' 'sha256-1DCfk1NYWuHMfoobarfoobar=';" +
			"style-src-elem 'self' 'unsafe-inline' https://fonts.googleapis.com https://fonts.gstatic.com;" +
			"font-src *;" +
			"child-src *.example.com:9090;" +
			"upgrade-insecure-requests;\n" +
			"report-uri /csp/test",
			map[string][]string{
				"default-src":               {"'none'"},
				"script-src":                {"'nonce-unsafefoobar'", "'unsafe-eval'", "'unsafe-hashes'", "'unsafe-inline'", "https://example.com/foo.js", "foo.bar", "'sha256-1DCfk1NYWuHMfoobarfoobar='"},
				"script-src-elem":           {"'self'", "'unsafe-inline'", "https://apis.google.com", "https://www.googletagmanager.com", "https://www.google-analytics.com", "https://wchat.freshchat.com"},
				"object-src":                {"'none'"},
				"img-src":                   {"'self'", "https:", "data:", "blob:"},
				"style-src":                 {"'self'", "'unsafe-inline'", "'sha256-1DCfk1NYWuHMfoobarfoobar='"},
				"style-src-elem":            {"'self'", "'unsafe-inline'", "https://fonts.googleapis.com", "https://fonts.gstatic.com"},
				"font-src":                  {"*"},
				"child-src":                 {"*.example.com:9090"},
				"upgrade-insecure-requests": {},
				"report-uri":                {"/csp/test"},
			}},
		{"CspParserDuplicateDirectives", "default-src 'none';default-src foo.bar;object-src 'none';OBJECT-src foo.bar;",
			map[string][]string{"default-src": {"'none'"}, "object-src": {"'none'"}}},
		{"CspParserMixedCaseKeywords", "DEFAULT-src 'NONE';img-src 'sElf' HTTPS: Example.com/CaseSensitive;",
			map[string][]string{"default-src": {"'none'"}, "img-src": {"'self'", "https:", "Example.com/CaseSensitive"}}},
	}
	for _, tt := range tests {
		cases++
		p := ParsePolicy(tt.csp)
		got := map[string][]string{}
		for _, d := range p.Directives {
			vals := []string{}
			for i, v := range d.Value {
				if d.Sources != nil {
					switch s := d.Sources[i]; s.Kind {
					case KindKeyword:
						v = s.Keyword
					case KindScheme:
						v = s.Scheme + ":"
					}
				}
				vals = append(vals, v)
			}
			got[d.Name] = vals
		}
		same := len(got) == len(tt.want)
		for name, vals := range tt.want {
			same = same && slices.Equal(got[name], vals)
		}
		if !same {
			t.Errorf("csp-evaluator %s: %q parses to %q, the evaluator to %q", tt.name, tt.csp, got, tt.want)
			continue
		}
		agree++
	}
	return cases, agree, 0
}
