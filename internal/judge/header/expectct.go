package header

import (
	"errors"
	"fmt"
	"strings"

	"github.com/hardscan/hardscan/internal/check"
	"github.com/hardscan/hardscan/scan/finding"
)

// expectCT is a parsed Expect-CT value (RFC 9163 §2.1).
type expectCT struct {
	maxAge  int64
	enforce bool
	report  string
}

// parseExpectCT reads "enforce, max-age=N, report-uri=\"...\"": a comma
// list of directives, names case-insensitive, values token or quoted-string,
// each at most once, max-age required.
func parseExpectCT(v string) (expectCT, error) {
	var e expectCT
	seen := map[string]bool{}
	for _, d := range splitList([]string{v}) {
		if d == "" {
			continue
		}
		name, value, hasValue := strings.Cut(d, "=")
		name = strings.ToLower(strings.Trim(name, " \t"))
		value = strings.Trim(value, " \t")
		if seen[name] {
			return e, fmt.Errorf("directive %s repeated", name)
		}
		seen[name] = true
		if len(value) >= 2 && value[0] == '"' && value[len(value)-1] == '"' {
			value = strings.ReplaceAll(value[1:len(value)-1], `\`, "")
		}
		switch name {
		case "max-age":
			n, err := digits(value)
			if !hasValue || err != nil {
				return e, fmt.Errorf("max-age %q is not a number", value)
			}
			e.maxAge = n
		case "enforce":
			if hasValue {
				return e, errors.New("enforce takes no value")
			}
			e.enforce = true
		case "report-uri":
			e.report = value
		}
	}
	if !seen["max-age"] {
		return e, errors.New("max-age is missing")
	}
	return e, nil
}

// digits reads 1*DIGIT, clamping at a century of seconds.
func digits(s string) (int64, error) {
	if s == "" {
		return 0, errors.New("empty")
	}
	var n int64
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, errors.New("not a digit")
		}
		if n < 1<<40 {
			n = n*10 + int64(s[i]-'0')
		}
	}
	return n, nil
}

func validExpectCT(want string) error { _, err := parseExpectCT(want); return err }

func judgeExpectCT(vs []string, want string, _ Input) verdict {
	got, err := parseExpectCT(vs[0])
	if err != nil {
		return verdict{sev: finding.Warn, reason: check.Invalid, msg: "Expect-CT does not parse (" + err.Error() + "); it is obsolete anyway, so fix or remove it"}
	}
	if want == "" {
		return verdict{msg: "Expect-CT is valid"}
	}
	w, _ := parseExpectCT(want)
	switch {
	case w.enforce && !got.enforce:
		return verdict{sev: finding.Warn, reason: check.NoEnforce, msg: "Expect-CT lacks enforce, which the profile asks for; add it"}
	case got.maxAge < w.maxAge:
		return verdict{sev: finding.Warn, reason: check.MaxAgeShort, msg: fmt.Sprintf("Expect-CT max-age=%d is shorter than %d; raise it", got.maxAge, w.maxAge)}
	}
	return verdict{msg: "Expect-CT is at least as strict as the profile asks"}
}
