package exsconfig

import (
	"fmt"
	"path/filepath"
	"strings"

	"github.com/hardscan/hardscan/internal/check"
	"github.com/hardscan/hardscan/scan/finding"
)

// oneYear is the HSTS max-age the guide and Pleroma's default use.
const oneYear = 31_536_000

// setting is a value resolved from the file or Pleroma's default.
type setting struct {
	v       Value
	from    string // "prod.secret.exs line 9" or "Pleroma's default"
	def     bool   // the file does not set it
	unknown string // why the value cannot be judged, or ""
}

// Actual formats the value with its origin.
func (s setting) actual() string {
	if s.unknown != "" {
		return "unknown (" + s.unknown + ")"
	}
	return clip(s.v.String()) + " (" + s.from + ")"
}

// resolve finds app/key/path, falling back to def (Pleroma's default from
// config/config.exs) when the file does not set it.
func (c *Config) resolve(def Value, app, key string, path ...string) setting {
	full := append([]string{key}, path...)
	if line := c.unreadableAfter(app, atomKey(key), path...); line > 0 {
		return setting{unknown: fmt.Sprintf("line %d could not be read", line)}
	}
	v, ok := c.Get(app, full...)
	if !ok {
		return setting{v: def, from: "Pleroma's default", def: true}
	}
	s := setting{v: v, from: fmt.Sprintf("%s line %d", filepath.Base(c.Path), v.Line)}
	if v.Kind == Opaque {
		s.unknown = "computed when Pleroma starts: " + clip(v.Str)
	}
	return s
}

func tuple(ns ...int64) Value {
	v := Value{Kind: Tuple}
	for _, n := range ns {
		v.Items = append(v.Items, Value{Kind: Int, Int: n})
	}
	return v
}

var (
	vTrue  = Value{Kind: Bool, Bool: true}
	vFalse = Value{Kind: Bool}
)

// Judge returns one finding for each setting of the guide: config.http.ip,
// config.secure_cookie_flag and config.http_security.{enabled, sts,
// sts_max_age, ct_max_age, referrer_policy}. Subjects are empty.
func Judge(c *Config) []finding.Finding {
	if c == nil {
		return nil
	}
	enabled := c.resolve(vTrue, "pleroma", "http_security", "enabled")
	return []finding.Finding{
		judgeIP(c.resolve(tuple(127, 0, 0, 1), "pleroma", "Pleroma.Web.Endpoint", "http", "ip")),
		judgeFlag(check.Config("secure_cookie_flag"), c.resolve(vTrue, "pleroma", "Pleroma.Web.Endpoint", "secure_cookie_flag"),
			"the session cookie is marked Secure",
			"the session cookie is sent over plain HTTP too: remove secure_cookie_flag: false, or set it to true, under config :pleroma, Pleroma.Web.Endpoint"),
		judgeFlag(check.Config("http_security.enabled"), enabled,
			"Pleroma sends its security headers",
			"Pleroma sends none of its security headers (CSP, X-Frame-Options, Referrer-Policy...): set enabled: true under config :pleroma, :http_security"),
		judgeSTS(c.resolve(vFalse, "pleroma", "http_security", "sts"), enabled),
		judgeMaxAge(c.resolve(Value{Kind: Int, Int: oneYear}, "pleroma", "http_security", "sts_max_age")),
		judgeCT(c.resolve(Value{Kind: Int, Int: 2_592_000}, "pleroma", "http_security", "ct_max_age")),
		judgeReferrer(c.resolve(Value{Kind: String, Str: "same-origin"}, "pleroma", "http_security", "referrer_policy")),
	}
}

// unknownFinding is the info finding for a value only known at run time.
func unknownFinding(id, expected string, s setting) finding.Finding {
	return finding.Finding{ID: id, Reason: check.Unknown, Severity: finding.Info, Expected: expected, Actual: s.actual(),
		Message: "hardscan cannot judge this setting because its value is " + s.unknown + "; check it by hand."}
}

func judgeIP(s setting) finding.Finding {
	id, want := check.Config("http.ip"), "{127, 0, 0, 1}"
	if s.unknown != "" {
		return unknownFinding(id, want, s)
	}
	f := finding.Finding{ID: id, Reason: check.OK, Expected: want + " (loopback)", Actual: s.actual()}
	v := s.v
	switch {
	case v.Kind == Tuple && len(v.Items) == 2 && v.Items[0].Kind == Atom && v.Items[0].Str == "local":
		f.Message = "Pleroma listens on a unix socket, not on the network."
	case isLoopback(v):
		f.Message = "Pleroma listens on loopback only, behind the reverse proxy."
	case ipTuple(v):
		f.Severity, f.Reason = finding.Fail, check.Exposed
		where := "on " + v.String()
		if allZero(v) {
			where = "on every interface"
		}
		f.Message = fmt.Sprintf("Pleroma listens %s, so its port is reachable without the reverse proxy: set http: [ip: {127, 0, 0, 1}] under config :pleroma, Pleroma.Web.Endpoint.", where)
	default:
		f.Severity, f.Reason = finding.Warn, check.NotAnAddress
		f.Message = "ip is not an address tuple Pleroma understands: set http: [ip: {127, 0, 0, 1}] under config :pleroma, Pleroma.Web.Endpoint."
	}
	return f
}

// ipTuple reports whether v is an IPv4 or IPv6 address tuple.
func ipTuple(v Value) bool {
	if v.Kind != Tuple || len(v.Items) != 4 && len(v.Items) != 8 {
		return false
	}
	max := int64(255)
	if len(v.Items) == 8 {
		max = 65535
	}
	for _, it := range v.Items {
		if it.Kind != Int || it.Int < 0 || it.Int > max {
			return false
		}
	}
	return true
}

func allZero(v Value) bool {
	for _, it := range v.Items {
		if it.Int != 0 {
			return false
		}
	}
	return true
}

// isLoopback accepts 127.0.0.0/8, ::1 and ::ffff:127.0.0.0/104.
func isLoopback(v Value) bool {
	if !ipTuple(v) {
		return false
	}
	n := v.Items
	if len(n) == 4 {
		return n[0].Int == 127
	}
	for _, it := range n[:5] {
		if it.Int != 0 {
			return false
		}
	}
	if n[5].Int == 0 && n[6].Int == 0 && n[7].Int == 1 {
		return true
	}
	return n[5].Int == 0xffff && n[6].Int>>8 == 127
}

// judgeFlag judges a boolean that must be true; Elixir treats nil as false.
func judgeFlag(id string, s setting, good, bad string) finding.Finding {
	if s.unknown != "" {
		return unknownFinding(id, "true", s)
	}
	f := finding.Finding{ID: id, Reason: check.OK, Expected: "true", Actual: s.actual()}
	switch {
	case s.v.Kind == Bool && s.v.Bool:
		f.Message = good + "."
	case s.v.Kind == Bool || s.v.Kind == Nil:
		f.Severity, f.Reason = finding.Fail, check.Off
		f.Message = bad + "."
	default:
		f.Severity, f.Reason = finding.Warn, check.NotBoolean
		f.Message = "the value is not a boolean: write true."
	}
	return f
}

func judgeSTS(s, enabled setting) finding.Finding {
	id := check.Config("http_security.sts")
	if s.unknown != "" {
		return unknownFinding(id, "true", s)
	}
	f := finding.Finding{ID: id, Reason: check.OK, Expected: "true", Actual: s.actual()}
	on := s.v.Kind == Bool && s.v.Bool
	switch {
	case on && enabled.unknown == "" && !(enabled.v.Kind == Bool && enabled.v.Bool):
		f.Severity, f.Reason = finding.Fail, check.NoEffect
		f.Message = "sts: true has no effect while http_security is disabled: set enabled: true under config :pleroma, :http_security."
	case on:
		f.Message = "Pleroma sends Strict-Transport-Security."
	default:
		f.Severity, f.Reason = finding.Fail, check.Off
		off := "HSTS is off"
		if s.def {
			off += " (Pleroma's default is sts: false)"
		}
		f.Message = off + ": once HTTPS works, add the line `config :pleroma, :http_security, sts: true` to prod.secret.exs."
	}
	return f
}

func judgeMaxAge(s setting) finding.Finding {
	id := check.Config("http_security.sts_max_age")
	want := ">= 31536000 (one year)"
	if s.unknown != "" {
		return unknownFinding(id, want, s)
	}
	f := finding.Finding{ID: id, Reason: check.OK, Expected: want, Actual: s.actual()}
	switch {
	case s.v.Kind == Int && s.v.Int >= oneYear:
		f.Message = "HSTS max-age is at least a year."
	case s.v.Kind == Int:
		f.Severity, f.Reason = finding.Warn, check.Short
		f.Message = "HSTS max-age is under a year: set sts_max_age: 31_536_000 (or more) under config :pleroma, :http_security."
	default:
		f.Severity, f.Reason = finding.Warn, check.NotInteger
		f.Message = "sts_max_age is not an integer number of seconds: set sts_max_age: 31_536_000 under config :pleroma, :http_security."
	}
	return f
}

func judgeCT(s setting) finding.Finding {
	id := check.Config("http_security.ct_max_age")
	if s.unknown != "" {
		return unknownFinding(id, "any", s)
	}
	return finding.Finding{ID: id, Reason: check.Obsolete, Severity: finding.Info, Expected: "any (Expect-CT is obsolete)", Actual: s.actual(),
		Message: "Expect-CT is obsolete (Chrome removed it in version 107, Firefox never had it): this value changes nothing, leave it."}
}

// referrerRank orders policies by how much leaves the site (W3C Referrer
// Policy), least first.
var referrerRank = map[string]int{
	"no-referrer": 0, "same-origin": 1, "strict-origin": 2, "strict-origin-when-cross-origin": 3,
	"origin": 4, "origin-when-cross-origin": 4, "no-referrer-when-downgrade": 5, "unsafe-url": 6,
}

func judgeReferrer(s setting) finding.Finding {
	id := check.Config("http_security.referrer_policy")
	want := "same-origin or no-referrer"
	if s.unknown != "" {
		return unknownFinding(id, want, s)
	}
	f := finding.Finding{ID: id, Reason: check.OK, Expected: want, Actual: s.actual()}
	if s.v.Kind != String && s.v.Kind != Charlist {
		f.Severity, f.Reason = finding.Warn, check.NotString
		f.Message = `referrer_policy is not a string: set referrer_policy: "same-origin" under config :pleroma, :http_security.`
		return f
	}
	// The header is a comma list; the last recognised token wins.
	policy := ""
	for _, tok := range strings.Split(s.v.Str, ",") {
		tok = strings.ToLower(strings.TrimSpace(tok))
		if _, ok := referrerRank[tok]; ok {
			policy = tok
		}
	}
	switch {
	case policy == "":
		f.Severity, f.Reason = finding.Warn, check.Invalid
		f.Message = `browsers ignore this policy and fall back to strict-origin-when-cross-origin: set referrer_policy: "same-origin" under config :pleroma, :http_security.`
	case referrerRank[policy] <= referrerRank["same-origin"]:
		f.Message = "no referrer leaves the site."
	default:
		f.Severity, f.Reason = finding.Warn, check.Weaker
		f.Message = fmt.Sprintf(`%s sends the page address to other sites: set referrer_policy: "same-origin" under config :pleroma, :http_security.`, policy)
	}
	return f
}

// keys are the config.<key> ids Judge gives: the catalogue lists them as
// members, and a test holds the two lists equal.
var keys = []string{"http.ip", "secure_cookie_flag", "http_security.enabled", "http_security.sts",
	"http_security.sts_max_age", "http_security.ct_max_age", "http_security.referrer_policy"}
