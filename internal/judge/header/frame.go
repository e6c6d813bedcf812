package header

import (
	"errors"
	"strings"

	"github.com/hardscan/hardscan/internal/check"
	"github.com/hardscan/hardscan/scan/finding"
)

// X-Frame-Options strengths, weakest first.
const (
	xfoNone = iota
	xfoSameOrigin
	xfoDeny
)

// xfoEffect follows the HTML Standard's "check a navigation response's
// adherence to X-Frame-Options" as web-platform-tests check it today: the
// lower-cased values form a set, values other than deny, sameorigin and
// allowall are dropped (INVALID next to SAMEORIGIN is SAMEORIGIN), two
// different known values conflict and block all framing, and otherwise
// deny, sameorigin, or nothing at all.
func xfoEffect(vs []string) (int, []string) {
	set := map[string]bool{}
	known := map[string]bool{}
	var order []string
	for _, v := range splitList(vs) {
		v = strings.ToLower(v)
		if !set[v] {
			set[v] = true
			order = append(order, v)
		}
		if v == "deny" || v == "sameorigin" || v == "allowall" {
			known[v] = true
		}
	}
	set = known
	switch {
	case len(set) > 1:
		return xfoDeny, order
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
	case got == xfoNone && controlTrimmed(vs) != xfoNone:
		v.sev, v.reason = finding.Warn, check.ControlBytes
		v.msg = "X-Frame-Options has a vertical tab or form feed around its value: the HTML Standard trims only tabs and spaces, so browsers that follow it (as web-platform-tests expect) give no clickjacking protection, while Chromium trims them and honours the value; send the value without control bytes"
	case got == xfoNone:
		v.useless, v.reason = true, check.Invalid
		v.msg = "X-Frame-Options value is not understood by browsers, so it gives no clickjacking protection; send DENY"
		for _, s := range set {
			if strings.HasPrefix(s, "allow-from") {
				v.reason = check.AllowFrom
				v.msg = "ALLOW-FROM is obsolete and ignored by browsers, so this gives no clickjacking protection; send DENY or SAMEORIGIN, or list origins in CSP frame-ancestors"
			}
		}
	case got < w:
		v.sev, v.reason = finding.Warn, check.Weaker
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
		v = verdict{useless: true, reason: check.Ignored,
			msg: "browsers ignore X-Frame-Options because the enforced CSP has frame-ancestors, and that frame-ancestors lets any site frame the page: there is no clickjacking protection"}
	}
	return v
}

// controlTrimmed is the effect of vs once each value is also trimmed of
// vertical tabs and form feeds, as Chromium trims them.
func controlTrimmed(vs []string) int {
	var trimmed []string
	for _, v := range splitList(vs) {
		trimmed = append(trimmed, strings.Trim(v, " \t\v\f"))
	}
	got, _ := xfoEffect(trimmed)
	return got
}

// judgeXCTO follows Fetch's "determine nosniff": only the first value
// counts, and a form feed around it is stripped on purpose, though it is no
// HTTP whitespace (Fetch notes it; web-platform-tests fetch/nosniff expect
// "nosniff\f" to count and "nosniff\v" not). Chromium does not strip it:
// such a value is a warning.
func judgeXCTO(vs []string, _ string, _ Input) verdict {
	list := splitList(vs)
	if len(list) > 0 && strings.EqualFold(list[0], "nosniff") {
		return verdict{msg: "MIME sniffing is off"}
	}
	if len(list) > 0 && strings.EqualFold(strings.Trim(list[0], " \t\f"), "nosniff") {
		// Chromium 156 compares the value as sent and keeps sniffing (a
		// script served as text/plain runs), so the protection depends on
		// the browser.
		return verdict{sev: finding.Warn, reason: check.ControlBytes, msg: "X-Content-Type-Options has a form feed around nosniff: Fetch strips it, but Chromium does not and keeps sniffing; send nosniff without control bytes"}
	}
	return verdict{useless: true, reason: check.Invalid, msg: "browsers read only the first X-Content-Type-Options value and it is not nosniff, so MIME sniffing stays on; send nosniff"}
}

func validXCTO(want string) error {
	if !strings.EqualFold(want, "nosniff") {
		return errors.New(`the only value is "nosniff"`)
	}
	return nil
}
