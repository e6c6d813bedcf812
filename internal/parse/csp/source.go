package csp

import "strings"

// Kind says what grammar a source expression matched (CSP3 §2.3.1).
type Kind int

// The kinds of source expression.
const (
	KindBad     Kind = iota // matches no grammar; it allows nothing
	KindKeyword             // 'self', 'unsafe-inline' ...
	KindNonce               // 'nonce-<base64>'
	KindHash                // 'sha256-<base64>' and friends
	KindScheme              // https:
	KindHost                // *.example.com, https://cdn.example.com:443/path, *
)

// Source is one parsed source expression. Raw keeps the text as written so
// that String round-trips; the other fields are normalised (lower case).
type Source struct {
	Kind    Kind
	Raw     string
	Keyword string // KindKeyword: lower case, with quotes, e.g. 'self'
	Alg     string // KindHash: sha256, sha384 or sha512
	Value   string // KindNonce, KindHash: the base64 value
	Scheme  string // KindScheme, KindHost: lower case, without ":"; "" when absent
	Host    string // KindHost: lower case, "*" or "*.example.com" for wildcards
	Port    string // KindHost: "", "*" or digits
	Path    string // KindHost: "" or beginning with "/"
	Problem string // KindBad, or a valid source that is likely a mistake: why
}

// String returns the source as written.
func (s Source) String() string { return s.Raw }

// keywords are the keyword-sources CSP3 and its extensions define.
var keywords = map[string]bool{
	"'self'": true, "'none'": true, "'unsafe-inline'": true, "'unsafe-eval'": true,
	"'strict-dynamic'": true, "'unsafe-hashes'": true, "'wasm-unsafe-eval'": true,
	"'report-sample'": true, "'inline-speculation-rules'": true,
}

// ParseSource reads one source expression (CSP3 §2.3.1). ABNF literals are
// case-insensitive, so keywords, "nonce-", hash algorithms, schemes and
// hosts match in any case.
func ParseSource(tok string) Source {
	s := Source{Raw: tok}
	if len(tok) >= 2 && tok[0] == '\'' && tok[len(tok)-1] == '\'' {
		return parseQuoted(s, tok[1:len(tok)-1])
	}
	if strings.ContainsAny(tok, "'\"") {
		s.Problem = "quotes must be ASCII single quotes around the whole keyword"
		return s
	}
	if sch, ok := strings.CutSuffix(tok, ":"); ok && validScheme(sch) {
		s.Kind, s.Scheme = KindScheme, Lower(sch)
		return s
	}
	h := Source{Raw: tok}
	if !parseHost(&h, tok) {
		s.Problem = "not a valid source expression"
		return s
	}
	// A bare word that names a keyword or a nonce is a host by the grammar,
	// but it is almost always a missing pair of quotes.
	if h.Scheme == "" && h.Port == "" && h.Path == "" {
		n := h.Host
		if keywords["'"+n+"'"] || strings.HasPrefix(n, "nonce-") || strings.HasPrefix(n, "sha256-") ||
			strings.HasPrefix(n, "sha384-") || strings.HasPrefix(n, "sha512-") {
			s.Problem = "keyword without quotes: write '" + tok + "'"
			return s
		}
	}
	return h
}

func parseQuoted(s Source, inner string) Source {
	l := Lower(inner)
	switch {
	case keywords["'"+l+"'"]:
		s.Kind, s.Keyword = KindKeyword, "'"+l+"'"
	case strings.HasPrefix(l, "nonce-") && validBase64(inner[6:]):
		s.Kind, s.Value = KindNonce, inner[6:]
	case (strings.HasPrefix(l, "sha256-") || strings.HasPrefix(l, "sha384-") || strings.HasPrefix(l, "sha512-")) &&
		validBase64(inner[7:]):
		s.Kind, s.Alg, s.Value = KindHash, l[:6], inner[7:]
	default:
		s.Problem = "unknown keyword"
	}
	return s
}

// parseHost reads host-source = [ scheme-part "://" ] host-part [ ":"
// port-part ] [ path-part ].
func parseHost(s *Source, tok string) bool {
	rest := tok
	if i := strings.Index(rest, "://"); i >= 0 {
		if !validScheme(rest[:i]) {
			return false
		}
		s.Scheme, rest = Lower(rest[:i]), rest[i+3:]
	}
	end := strings.IndexAny(rest, ":/")
	if end < 0 {
		end = len(rest)
	}
	host := rest[:end]
	if !validHost(host) {
		return false
	}
	s.Host, rest = Lower(host), rest[end:]
	if p, ok := strings.CutPrefix(rest, ":"); ok {
		end = strings.IndexByte(p, '/')
		if end < 0 {
			end = len(p)
		}
		port := p[:end]
		if port != "*" && !allDigits(port) {
			return false
		}
		s.Port, rest = port, p[end:]
	}
	if rest != "" {
		if rest[0] != '/' {
			return false
		}
		s.Path = rest
	}
	s.Kind = KindHost
	return true
}

// validHost checks host-part = "*" / [ "*." ] 1*host-char *( "." 1*host-char ) [ "." ].
func validHost(h string) bool {
	if h == "*" {
		return true
	}
	h = strings.TrimPrefix(h, "*.")
	h = strings.TrimSuffix(h, ".")
	if h == "" {
		return false
	}
	for label := range strings.SplitSeq(h, ".") {
		if label == "" {
			return false
		}
		for i := 0; i < len(label); i++ {
			c := label[i]
			if !isAlpha(c) && !isDigit(c) && c != '-' {
				return false
			}
		}
	}
	return true
}

// validScheme checks scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ).
func validScheme(s string) bool {
	if s == "" || !isAlpha(s[0]) {
		return false
	}
	for i := 1; i < len(s); i++ {
		c := s[i]
		if !isAlpha(c) && !isDigit(c) && c != '+' && c != '-' && c != '.' {
			return false
		}
	}
	return true
}

// validBase64 checks base64-value = 1*( ALPHA / DIGIT / "+" / "/" / "-" / "_" ) *2( "=" ).
func validBase64(v string) bool {
	body := strings.TrimRight(v, "=")
	if body == "" || len(v)-len(body) > 2 {
		return false
	}
	for i := 0; i < len(body); i++ {
		c := body[i]
		if !isAlpha(c) && !isDigit(c) && c != '+' && c != '/' && c != '-' && c != '_' {
			return false
		}
	}
	return true
}

func allDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) {
			return false
		}
	}
	return true
}

func isAlpha(c byte) bool { return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' }
func isDigit(c byte) bool { return '0' <= c && c <= '9' }

// Lower is ASCII lowercase; CSP never folds non-ASCII letters.
func Lower(s string) string {
	for i := 0; i < len(s); i++ {
		if 'A' <= s[i] && s[i] <= 'Z' {
			b := []byte(s)
			for j := i; j < len(b); j++ {
				if 'A' <= b[j] && b[j] <= 'Z' {
					b[j] += 'a' - 'A'
				}
			}
			return string(b)
		}
	}
	return s
}
