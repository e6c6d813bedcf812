package header

import (
	"errors"
	"strings"

	"github.com/hardscan/hardscan/internal/check"
	"github.com/hardscan/hardscan/scan/finding"
)

// xss is a parsed X-XSS-Protection value.
type xss struct {
	on, block bool
}

// parseXSS reads "0", "1", "1; mode=block" and "1; report=URI" the way
// Chromium's auditor did: after "0" nothing matters; after "1" only the
// mode and report directives are allowed.
func parseXSS(v string) (xss, error) {
	v = strings.Trim(v, " \t")
	if v == "" {
		return xss{}, errors.New("empty value")
	}
	switch v[0] {
	case '0':
		return xss{}, nil
	case '1':
	default:
		return xss{}, errors.New(`the value must start with 0 or 1`)
	}
	x := xss{on: true}
	rest := strings.TrimLeft(v[1:], " \t")
	if rest == "" {
		return x, nil
	}
	if rest[0] != ';' {
		return xss{}, errors.New(`expected ";" after 1`)
	}
	for _, d := range strings.Split(rest[1:], ";") {
		name, value, _ := strings.Cut(d, "=")
		name, value = strings.ToLower(strings.Trim(name, " \t")), strings.Trim(value, " \t")
		switch {
		case name == "" && value == "":
		case name == "mode" && strings.EqualFold(value, "block"):
			x.block = true
		case name == "report" && value != "":
		default:
			return xss{}, errors.New("unknown directive " + name)
		}
	}
	return x, nil
}

func validXSS(want string) error { _, err := parseXSS(want); return err }

func judgeXSS(vs []string, want string, _ Input) verdict {
	got, err := parseXSS(vs[0])
	if err != nil {
		return verdict{sev: finding.Warn, reason: check.Invalid, msg: "X-XSS-Protection is not understood (" + err.Error() + ")"}
	}
	w, _ := parseXSS(want)
	switch {
	case !got.on:
		if w.on {
			return verdict{msg: "X-XSS-Protection is 0, which today's advice (OWASP) prefers to the profile's 1; mode=block"}
		}
		return verdict{msg: "the XSS auditor is off, as today's advice says"}
	case !got.block:
		return verdict{sev: finding.Warn, reason: check.Unsafe, msg: "X-XSS-Protection: 1 without mode=block let old auditors rewrite pages, which leaked data across sites"}
	case want != "" && !w.on:
		return verdict{sev: finding.Info, reason: check.Legacy, msg: "1; mode=block is harmless today since no browser has an XSS auditor, but could leak data in old ones"}
	}
	return verdict{msg: "X-XSS-Protection is 1; mode=block, as the profile asks"}
}
