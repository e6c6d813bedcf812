// Package hsts judges Strict-Transport-Security values (parsed by package
// sts) against a profile's expectation, including hstspreload's stricter
// eligibility rules.
package hsts

import (
	"errors"
	"fmt"
	"strings"

	"github.com/hardscan/hardscan/internal/check"
	"github.com/hardscan/hardscan/internal/parse/sts"
	"github.com/hardscan/hardscan/scan/finding"
)

// Expect is the HSTS part of a profile; the zero value expects no HSTS.
type Expect struct {
	// Required makes a missing header a fail.
	Required bool `json:"required"`
	// MinMaxAge is the least acceptable max-age in seconds, e.g. 31536000.
	MinMaxAge int64 `json:"min_max_age"`
	// IncludeSubDomains asks for the includeSubDomains directive.
	IncludeSubDomains bool `json:"include_subdomains"`
	// Hint is accepted in profile files written for hardscan 0.1 and no longer
	// read: the fix comes from the check catalogue, per platform.
	Hint string `json:"hint,omitempty"`
}

// Validate names the first bad field.
func (e Expect) Validate() error {
	if e.MinMaxAge < 0 {
		return errors.New("hsts.min_max_age: must be >= 0")
	}
	return nil
}

// ID is the check id of Judge's finding.
const ID = check.HSTS

// Judge judges the Strict-Transport-Security values of the first HTTPS
// response of a host, in order. Only the first value counts (RFC 6797 §8.1);
// more than one is at least a warning, as it is usually a proxy adding a
// second copy.
func Judge(values []string, exp Expect) []finding.Finding {
	f := finding.Finding{ID: ID, Expected: exp.expected(), Vars: map[string]string{"value": exp.recommended()}}
	if len(values) == 0 {
		f.Actual, f.Reason = "(absent)", check.Absent
		if exp.Required {
			f.Severity = finding.Fail
			f.Message = "no Strict-Transport-Security header: browsers will accept a downgrade to plain HTTP"
		} else {
			f.Severity = finding.Info
			f.Message = "no Strict-Transport-Security header is sent; add one to make browsers refuse plain HTTP"
		}
		return []finding.Finding{f}
	}
	f.Actual = values[0]
	f.Severity, f.Reason, f.Message = exp.judgeFirst(values[0])
	if len(values) > 1 {
		f.Reason = check.Duplicate
		if f.Severity < finding.Warn {
			f.Severity = finding.Warn
		}
		f.Actual = strings.Join(values, " | ")
		f.Message = fmt.Sprintf("%d Strict-Transport-Security headers are sent and browsers use only the first (RFC 6797 §8.1); remove the duplicate (often a proxy such as nginx adding its own); first header: %s",
			len(values), f.Message)
	}
	out := []finding.Finding{f}
	for _, n := range Notes(values[0]) {
		out = append(out, finding.Finding{ID: IDSyntax, Subject: n.Directive, Reason: n.Reason, Severity: finding.Info,
			Expected: "each directive once, no empty directive", Actual: values[0], Message: n.Message})
	}
	return out
}

// IDSyntax is the check id of the notes on a valid value's form.
const IDSyntax = check.HSTSSyntax

// The reasons Judge gives besides "ok", as the catalogue declares them.
const (
	ReasonAbsent            = check.Absent
	ReasonDuplicate         = check.Duplicate
	ReasonInvalid           = check.Invalid
	ReasonMaxAgeZero        = check.MaxAgeZero
	ReasonMaxAgeShort       = check.MaxAgeShort
	ReasonNoSubDomains      = check.NoIncludeSubdomains
	ReasonPreloadIneligible = check.NotEligible

	ReasonEmptyDirective    = check.EmptyDirective
	ReasonRepeatedDirective = check.RepeatedDirective
)

func (e Expect) judgeFirst(v string) (finding.Severity, string, string) {
	p, err := sts.Parse(v)
	if err != nil {
		return finding.Fail, ReasonInvalid, fmt.Sprintf("invalid Strict-Transport-Security header (%v), so browsers ignore it whole", err)
	}
	if p.MaxAge == 0 {
		return finding.Fail, ReasonMaxAgeZero, "max-age=0 tells browsers to forget this host's HSTS (RFC 6797 §6.1.1)"
	}
	if p.MaxAge < e.MinMaxAge {
		return finding.Fail, ReasonMaxAgeShort, fmt.Sprintf("max-age=%d is shorter than the expected %s", p.MaxAge, e.minText())
	}
	if e.IncludeSubDomains && !p.IncludeSubDomains {
		return finding.Warn, ReasonNoSubDomains, "includeSubDomains is missing, so subdomains can still be reached over plain HTTP"
	}
	return finding.Pass, "ok", fmt.Sprintf("HSTS is on for %s", duration(p.MaxAge))
}

// recommended is the header value a fix writes: the profile's minimum, at
// least a year, with includeSubDomains when the profile asks for it.
func (e Expect) recommended() string {
	s := fmt.Sprintf("max-age=%d", max(e.MinMaxAge, 31536000))
	if e.IncludeSubDomains {
		s += "; includeSubDomains"
	}
	return s
}

func (e Expect) expected() string {
	if e.MinMaxAge == 0 && !e.IncludeSubDomains {
		if e.Required {
			return "max-age>0"
		}
		return ""
	}
	s := fmt.Sprintf("max-age>=%d", e.MinMaxAge)
	if e.IncludeSubDomains {
		s += "; includeSubDomains"
	}
	return s
}

func (e Expect) minText() string {
	if e.MinMaxAge <= 0 {
		return "one year (31536000)"
	}
	return fmt.Sprintf("%d (%s)", e.MinMaxAge, duration(e.MinMaxAge))
}

// duration says a max-age in the unit an admin thinks in.
func duration(s int64) string {
	const day = 86400
	switch {
	case s >= 365*day && s%(365*day) == 0:
		return plural(s/(365*day), "year")
	case s >= day && s%day == 0:
		return plural(s/day, "day")
	default:
		return plural(s, "second")
	}
}

func plural(n int64, unit string) string {
	if n == 1 {
		return "1 " + unit
	}
	return fmt.Sprintf("%d %ss", n, unit)
}

// Note is one thing a valid value does that browsers pass over.
type Note struct {
	// Reason is ReasonEmptyDirective or ReasonRepeatedDirective.
	Reason string
	// Directive names the repeated directive; "" for empty ones.
	Directive string
	Message   string
}

// Notes are what a valid value does that browsers pass over: empty
// directives (a stray ';', which the §6.1 grammar allows) and directives
// repeated beyond the first, which RFC 6797 §6.1 forbids and browsers skip.
// It is empty for an invalid value, whose error says more.
func Notes(value string) []Note {
	if _, err := sts.Parse(value); err != nil {
		return nil
	}
	var notes []Note
	ds, semicolons, _ := sts.Split(value)
	// n directives need n-1 separators; each further ';' separates nothing.
	if empty := semicolons - len(ds) + 1; empty > 0 {
		notes = append(notes, Note{Reason: ReasonEmptyDirective,
			Message: plural(int64(empty), "empty directive") + " (a stray ';'): the grammar of RFC 6797 §6.1 allows it and browsers skip it, but it often marks a value edited by hand or a directive lost"})
	}
	count := map[string]int{}
	var order []string
	for _, d := range ds {
		if count[d.Name] == 0 {
			order = append(order, d.Name)
		}
		count[d.Name]++
	}
	for _, name := range order {
		if n := count[name]; n > 1 {
			notes = append(notes, Note{Reason: ReasonRepeatedDirective, Directive: name,
				Message: fmt.Sprintf("%s appears %d times: RFC 6797 §6.1 allows each directive once, but browsers act on max-age and includeSubDomains only and skip the others however often they come, so the policy still holds; send it once", name, n)})
		}
	}
	return notes
}
