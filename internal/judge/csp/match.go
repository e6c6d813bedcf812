package csp

import (
	"net/url"
	"strconv"
	"strings"

	parse "github.com/hardscan/hardscan/internal/parse/csp"
)

// atom is the set of URLs of one scheme that a source matches. Schemes are
// those of request URLs: a WebSocket request is fetched as http or https
// (WebSockets Standard, "establish a WebSocket connection"), which is why
// CSP3's scheme-part matching lets ws: and wss: match them.
type atom struct {
	scheme string
	host   string // "" any, "h" exactly h, ".h" any subdomain of h
	port   int    // -1 any port
	path   string // "" any, ending in "/" a prefix, else exact
}

var defaultPort = map[string]int{"http": 80, "https": 443, "ws": 80, "wss": 443, "ftp": 21}

// requestSchemes are the request URL schemes a source's scheme-part
// matches (CSP3 §6.7.2.9 "scheme-part matching"), with ws folded into http.
func requestSchemes(s string) []string {
	switch s {
	case "http", "ws":
		return []string{"http", "https"}
	case "https", "wss":
		return []string{"https"}
	}
	return []string{s}
}

// appendAtoms appends to out what a scheme or host source matches for a
// page at origin (nil: assume an https page). Callers pass a small array
// of their own, since this runs for every source judged.
func appendAtoms(out []atom, s Source, origin *url.URL) []atom {
	switch s.Kind {
	case KindScheme:
		for _, sch := range requestSchemes(s.Scheme) {
			out = append(out, atom{scheme: sch, port: -1})
		}
		return out
	case KindHost:
	default:
		return out
	}
	var schemes []string
	switch {
	case s.Scheme != "":
		schemes = requestSchemes(s.Scheme)
	case s.Host == "*" && s.Port == "" && s.Path == "":
		// CSP3 §6.7.2.8: a lone * matches HTTP(S) and the page's own scheme.
		schemes = []string{"http", "https"}
		if origin != nil && origin.Scheme != "http" && origin.Scheme != "https" && origin.Scheme != "" {
			schemes = append(schemes, parse.Lower(origin.Scheme))
		}
	case origin != nil && origin.Scheme != "":
		schemes = requestSchemes(parse.Lower(origin.Scheme))
	default:
		schemes = []string{"https"}
	}
	host := strings.TrimSuffix(s.Host, ".")
	switch {
	case host == "*":
		host = ""
	case strings.HasPrefix(host, "*."):
		host = host[1:]
	}
	for _, sch := range schemes {
		a := atom{scheme: sch, host: host, path: s.Path}
		switch {
		case s.Host == "*" && s.Scheme == "" && s.Port == "" && s.Path == "":
			a.port = -1 // a lone * matches before any port check (CSP3 §6.7.2.8)
		case s.Port == "*":
			a.port = -1
		case s.Port == "":
			a.port = defaultPort[sch]
		default:
			n, err := strconv.Atoi(s.Port)
			if err != nil || n > 65535 {
				n = -2 // matches no URL
			}
			a.port = n
		}
		out = append(out, a)
	}
	return out
}

// selfAtoms is what 'self' matches (CSP3 §6.7.2.8): the origin, and its
// host over https (and wss) on the same or default port.
func selfAtoms(origin *url.URL) []atom {
	if origin == nil || origin.Hostname() == "" {
		return nil
	}
	sch := parse.Lower(origin.Scheme)
	host := parse.Lower(strings.TrimSuffix(origin.Hostname(), "."))
	port := defaultPort[sch]
	explicit := false
	if p := origin.Port(); p != "" {
		if n, err := strconv.Atoi(p); err == nil && n != port {
			port, explicit = n, true
		}
	}
	out := []atom{{scheme: sch, host: host, port: port}}
	if sch == "http" {
		p := 443
		if explicit {
			p = port
		}
		out = append(out, atom{scheme: "https", host: host, port: p})
	}
	return out
}

// page is the scanned page a set is judged for: its URL, and what 'self'
// matches there, worked out once per Judge rather than once per set.
type page struct {
	url  *url.URL
	self []atom
}

func newPage(origin *url.URL) *page { return &page{url: origin, self: selfAtoms(origin)} }

// set is a normalised source list, indexed so that asking whether it
// covers a source costs little even for huge lists. Lists of a few atoms,
// nearly all of them, are scanned in place: building maps for them would
// cost more than every lookup they answer.
type set struct {
	page    *page
	sources []Source
	kw      keywordSet
	nonce   bool
	hashes  map[string]bool
	flat    []atom             // every atom, until there are more than flatMax
	buckets map[string]*bucket // the atoms by scheme, once there are
}

// keywordSet holds the distinct keywords of a source list, a handful at
// most (CSP3 defines nine), so a list serves better than a map.
type keywordSet []string

func (k *keywordSet) add(kw string) {
	if !k.has(kw) {
		*k = append(*k, kw)
	}
}

func (k keywordSet) has(kw string) bool {
	for _, x := range k {
		if x == kw {
			return true
		}
	}
	return false
}

type bucket struct {
	any   []atom
	exact map[string][]atom
	wild  map[string][]atom // keyed by ".suffix"
}

// flatMax is the number of atoms up to which a set is scanned in place.
const flatMax = 32

// maxScan bounds the atoms compared per lookup, so that thousands of
// sources for one host cannot make judging quadratic.
const maxScan = 4096

func newSet(srcs []Source, pg *page) *set {
	// Maps are made on first write: most source lists are a few entries,
	// and this runs for every directive of every target.
	s := &set{page: pg, sources: srcs}
	for _, src := range srcs {
		switch src.Kind {
		case KindKeyword:
			s.kw.add(src.Keyword)
			if src.Keyword == "'self'" {
				s.addAtoms(pg.self)
			}
		case KindNonce:
			s.nonce = true
		case KindHash:
			if s.hashes == nil {
				s.hashes = map[string]bool{}
			}
			s.hashes[src.Alg+"-"+src.Value] = true
		case KindScheme, KindHost:
			var buf [3]atom
			s.addAtoms(appendAtoms(buf[:0], src, pg.url))
		}
	}
	return s
}

func (s *set) addAtoms(as []atom) {
	if s.buckets == nil {
		if len(s.flat)+len(as) <= flatMax {
			s.flat = append(s.flat, as...)
			return
		}
		flat := s.flat
		s.flat, s.buckets = nil, map[string]*bucket{}
		s.index(flat)
	}
	s.index(as)
}

func (s *set) index(as []atom) {
	for _, a := range as {
		b := s.buckets[a.scheme]
		if b == nil {
			b = &bucket{}
			s.buckets[a.scheme] = b
		}
		switch {
		case a.host == "":
			b.any = append(b.any, a)
		case a.host[0] == '.':
			if b.wild == nil {
				b.wild = map[string][]atom{}
			}
			b.wild[a.host] = append(b.wild[a.host], a)
		default:
			if b.exact == nil {
				b.exact = map[string][]atom{}
			}
			b.exact[a.host] = append(b.exact[a.host], a)
		}
	}
}

// covers reports whether everything src allows, s allows too.
func (s *set) covers(src Source) bool {
	switch src.Kind {
	case KindBad:
		return true // allows nothing
	case KindKeyword:
		switch src.Keyword {
		case "'none'", "'report-sample'":
			return true
		case "'self'":
			if s.kw.has("'self'") {
				return true
			}
			as := s.page.self
			return len(as) > 0 && s.coversAtoms(as)
		case "'wasm-unsafe-eval'":
			// 'unsafe-eval' allows WebAssembly compilation too (CSP3 §4.3).
			return s.kw.has(src.Keyword) || s.kw.has("'unsafe-eval'")
		}
		return s.kw.has(src.Keyword)
	case KindNonce:
		// Nonces change with every response: any nonce stands for the nonce.
		return s.nonce
	case KindHash:
		return s.hashes[src.Alg+"-"+src.Value]
	}
	var buf [3]atom
	as := appendAtoms(buf[:0], src, s.page.url)
	return len(as) > 0 && s.coversAtoms(as)
}

func (s *set) coversAtoms(as []atom) bool {
	for _, a := range as {
		if !s.coversAtom(a) {
			return false
		}
	}
	return true
}

func (s *set) coversAtom(a atom) bool {
	if s.buckets == nil {
		for _, b := range s.flat {
			if b.scheme == a.scheme && hostCovers(b.host, a.host) && (b.port == -1 || b.port == a.port) && pathCovers(b.path, a.path) {
				return true
			}
		}
		return false
	}
	b := s.buckets[a.scheme]
	if b == nil {
		return false
	}
	if anyCovers(b.any, a) {
		return true
	}
	if a.host == "" {
		return false
	}
	if a.host[0] != '.' && anyCovers(b.exact[a.host], a) {
		return true
	}
	// Wildcards *.x cover the host's proper subdomains, and *.y covers *.x
	// when x is y or a subdomain of y.
	h := a.host
	if h[0] == '.' {
		if anyCovers(b.wild[h], a) {
			return true
		}
		h = h[1:]
	}
	for i := strings.IndexByte(h, '.'); i >= 0; {
		if anyCovers(b.wild[h[i:]], a) {
			return true
		}
		j := strings.IndexByte(h[i+1:], '.')
		if j < 0 {
			break
		}
		i += j + 1
	}
	return false
}

// hostCovers is the bucket index's host rule for one pair: any host ("")
// covers all; a host covers itself; a wildcard ".y" covers the proper
// subdomains of y and the wildcards ".x" for x = y or under y.
func hostCovers(b, a string) bool {
	switch {
	case b == "":
		return true
	case a == "":
		return false
	case b[0] == '.':
		return strings.HasSuffix(a, b)
	}
	return a[0] != '.' && a == b
}

func anyCovers(bs []atom, a atom) bool {
	for i, b := range bs {
		if i == maxScan {
			return false
		}
		if (b.port == -1 || b.port == a.port) && pathCovers(b.path, a.path) {
			return true
		}
	}
	return false
}

// pathCovers follows CSP3's path-part matching: a path ending in "/" is a
// prefix, any other path must match exactly.
func pathCovers(b, a string) bool {
	if b == "" {
		return true
	}
	if a == "" {
		return false
	}
	if strings.HasSuffix(b, "/") {
		return strings.HasPrefix(a, b)
	}
	return a == b
}

// dropsAny reports whether normalize drops a source of ss even without a
// nonce, hash or 'strict-dynamic': a bad source, 'none' or 'report-sample'.
func dropsAny(ss []Source) bool {
	for _, s := range ss {
		if s.Kind == KindBad || (s.Kind == KindKeyword && (s.Keyword == "'none'" || s.Keyword == "'report-sample'")) {
			return true
		}
	}
	return false
}

// normalize returns the sources of d that allow something when d is used
// as the effective directive for name: bad sources, 'none' and
// 'report-sample' go; a nonce or hash disables 'unsafe-inline' (CSP3
// §6.7.3.3); 'strict-dynamic' disables host and scheme sources, 'self' and
// 'unsafe-inline' for scripts (CSP3 §8.2).
func normalize(name string, d Directive) []Source {
	var nonceOrHash, strict bool
	for _, s := range d.Sources {
		switch {
		case s.Kind == KindNonce || s.Kind == KindHash:
			nonceOrHash = true
		case s.Kind == KindKeyword && s.Keyword == "'strict-dynamic'":
			strict = true
		}
	}
	strict = strict && scriptLike[name]
	nonceOrHash = nonceOrHash && inlineLike[name]
	if !strict && !nonceOrHash && !dropsAny(d.Sources) {
		return d.Sources // nothing to drop: the callers only read it
	}
	out := make([]Source, 0, len(d.Sources))
	for _, s := range d.Sources {
		switch s.Kind {
		case KindBad:
			continue
		case KindKeyword:
			switch s.Keyword {
			case "'none'", "'report-sample'":
				continue
			case "'unsafe-inline'":
				if strict || nonceOrHash {
					continue
				}
			case "'self'":
				if strict {
					continue
				}
			}
		case KindScheme, KindHost:
			if strict {
				continue
			}
		}
		out = append(out, s)
	}
	return out
}
