package header

import (
	"errors"
	"strings"

	"github.com/hardscan/hardscan/scan/finding"
)

// X-Frame-Options strengths, weakest first.
const (
	xfoNone = iota
	xfoSameOrigin
	xfoDeny
)

// xfoEffect follows the HTML Standard's "check a navigation response's
// adherence to X-Frame-Options": the lower-cased values form a set; several
// values block framing if any is a known one; otherwise deny, sameorigin, or
// nothing at all.
func xfoEffect(vs []string) (int, []string) {
	set := map[string]bool{}
	var order []string
	for _, v := range splitList(vs) {
		v = strings.ToLower(v)
		if !set[v] {
			set[v] = true
			order = append(order, v)
		}
	}
	switch {
	case len(set) > 1 && (set["deny"] || set["sameorigin"] || set["allowall"]):
		return xfoDeny, order
	case len(set) > 1:
		return xfoNone, order
	case set["deny"]:
		return xfoDeny, order
	case set["sameorigin"]:
		return xfoSameOrigin, order
	}
	return xfoNone, order
}

func wantXFO(want string) (int, error) {
	switch strings.ToLower(strings.TrimSpace(want)) {
	case "":
		return xfoSameOrigin, nil
	case "deny":
		return xfoDeny, nil
	case "sameorigin":
		return xfoSameOrigin, nil
	}
	return 0, errors.New(`want "DENY" or "SAMEORIGIN"`)
}

func validXFO(want string) error { _, err := wantXFO(want); return err }

func judgeXFO(vs []string, want string, in Input) verdict {
	w, _ := wantXFO(want)
	got, set := xfoEffect(vs)
	var v verdict
	switch {
	case got == xfoNone:
		v.useless, v.reason = true, "invalid"
		v.msg = "X-Frame-Options value is not understood by browsers, so it gives no clickjacking protection; send DENY"
		for _, s := range set {
			if strings.HasPrefix(s, "allow-from") {
				v.reason = "allow-from"
				v.msg = "ALLOW-FROM is obsolete and ignored by browsers, so this gives no clickjacking protection; send DENY or SAMEORIGIN, or list origins in CSP frame-ancestors"
			}
		}
	case got < w:
		v.sev, v.reason = finding.Warn, "weaker"
		v.msg = "SAMEORIGIN lets pages of this site frame each other; send DENY"
	case len(set) > 1:
		v.msg = "the X-Frame-Options values together block all framing (HTML Standard), which is at least as strict as wanted"
	default:
		v.msg = "clickjacking protection is on"
	}
	switch {
	case in.CSPFrameAncestors:
		// Browsers ignore X-Frame-Options when frame-ancestors is present.
		if v.useless || v.sev > finding.Info {
			v.sev = finding.Info
		}
		v.useless = false
		v.msg = "CSP frame-ancestors governs framing and browsers ignore X-Frame-Options; " + v.msg
	case in.CSPFrameAncestorsOpen:
		// The HTML Standard skips X-Frame-Options whenever an enforced
		// policy has frame-ancestors, even one that allows every origin.
		v = verdict{useless: true, reason: "ignored",
			msg: "browsers ignore X-Frame-Options because the enforced CSP has frame-ancestors, and that frame-ancestors lets any site frame the page: there is no clickjacking protection"}
	}
	return v
}

// judgeXCTO follows Fetch's "determine nosniff": only the first value counts.
func judgeXCTO(vs []string, _ string, _ Input) verdict {
	list := splitList(vs)
	if len(list) > 0 && strings.EqualFold(list[0], "nosniff") {
		return verdict{msg: "MIME sniffing is off"}
	}
	return verdict{useless: true, reason: "invalid", msg: "browsers read only the first X-Content-Type-Options value and it is not nosniff, so MIME sniffing stays on; send nosniff"}
}

func validXCTO(want string) error {
	if !strings.EqualFold(want, "nosniff") {
		return errors.New(`the only value is "nosniff"`)
	}
	return nil
}
