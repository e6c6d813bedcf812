package csp

import parse "github.com/hardscan/hardscan/internal/parse/csp"

// The parsed forms are internal/parse/csp's; the judge and its callers
// name them here so that a policy parsed anywhere is judged as is.
type (
	Policy    = parse.Policy
	Directive = parse.Directive
	Source    = parse.Source
	Problem   = parse.Problem
	Kind      = parse.Kind
)

// The kinds of source expression and the parser's own reason codes.
const (
	KindBad     = parse.KindBad
	KindKeyword = parse.KindKeyword
	KindNonce   = parse.KindNonce
	KindHash    = parse.KindHash
	KindScheme  = parse.KindScheme
	KindHost    = parse.KindHost

	CodeMissingSemicolon = parse.CodeMissingSemicolon
)

// ParseList parses one serialized CSP list; see parse.ParseList.
func ParseList(value string) []Policy { return parse.ParseList(value) }

// ParseHeaders parses the values of repeated CSP headers, in order.
func ParseHeaders(values []string) []Policy {
	var out []Policy
	for _, v := range values {
		out = append(out, ParseList(v)...)
	}
	return out
}

// ParsePolicy parses one serialized policy; see parse.ParsePolicy.
func ParsePolicy(s string) Policy { return parse.ParsePolicy(s) }

// ParseSource reads one source expression; see parse.ParseSource.
func ParseSource(tok string) Source { return parse.ParseSource(tok) }

// FormatList serialises policies as one header value.
func FormatList(ps []Policy) string { return parse.FormatList(ps) }
