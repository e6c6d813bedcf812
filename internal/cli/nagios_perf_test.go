package cli

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/hardscan/hardscan/internal/replica"
	"github.com/hardscan/hardscan/scan/finding"
)

// This file reads performance data as the monitoring-plugins development
// guidelines define it ("Performance data" and "Threshold and ranges"):
//
//	'label'=value[UOM];[warn];[crit];[min];[max]
//
// space separated; a label holds anything but '=' and "'", quoted with
// single quotes when it has a space ('' is a quote); value, min and max
// are [-0-9.] or value "U"; UOM is none, s, ms, us, %, B, KB, MB, TB or c;
// trailing empty fields may be dropped. warn and crit are ranges,
// [@]start:end: start <= end; "start:" is not needed when start is 0; an
// empty end is +infinity; "~" as start is -infinity; a value outside
// start..end (inclusive) alerts, or inside it with a leading "@".

type perfItem struct {
	label, uom string
	value      float64
	warn, crit *perfRange // nil: no threshold
	min, max   *float64
}

type perfRange struct {
	start, end         float64
	negInf, posInf, in bool
}

// alerts reports whether v raises the alert the range defines.
func (r perfRange) alerts(v float64) bool {
	inside := (r.negInf || v >= r.start) && (r.posInf || v <= r.end)
	if r.in {
		return inside
	}
	return !inside
}

var perfNumber = regexp.MustCompile(`^-?[0-9]+(\.[0-9]+)?$`)

func parsePerfNumber(s string) (float64, error) {
	if !perfNumber.MatchString(s) {
		return 0, fmt.Errorf("%q is not a number of [-0-9.]", s)
	}
	return strconv.ParseFloat(s, 64)
}

func parsePerfRange(s string) (*perfRange, error) {
	if s == "" {
		return nil, nil
	}
	r := &perfRange{}
	s, r.in = strings.CutPrefix(s, "@")
	start, end, hasColon := strings.Cut(s, ":")
	if !hasColon {
		start, end = "0", s
	}
	switch start {
	case "~":
		r.negInf = true
	case "":
		return nil, fmt.Errorf("range %q: empty start before ':' (write 0 or leave out the ':')", s)
	default:
		v, err := parsePerfNumber(start)
		if err != nil {
			return nil, fmt.Errorf("range %q: start: %w", s, err)
		}
		r.start = v
	}
	if end == "" {
		if !hasColon {
			return nil, fmt.Errorf("empty range")
		}
		r.posInf = true
	} else {
		v, err := parsePerfNumber(end)
		if err != nil {
			return nil, fmt.Errorf("range %q: end: %w", s, err)
		}
		r.end = v
	}
	if !r.negInf && !r.posInf && r.start > r.end {
		return nil, fmt.Errorf("range %q: start above end", s)
	}
	return r, nil
}

var perfUOMs = map[string]bool{"": true, "s": true, "ms": true, "us": true, "%": true, "B": true, "KB": true, "MB": true, "TB": true, "c": true}

// parsePerfdata splits and checks the text after a plugin output's '|'.
func parsePerfdata(s string) ([]perfItem, error) {
	var items []perfItem
	for s = strings.TrimLeft(s, " "); s != ""; s = strings.TrimLeft(s, " ") {
		var label string
		if strings.HasPrefix(s, "'") {
			i := 1
			for ; i < len(s); i++ {
				if s[i] == '\'' {
					if i+1 < len(s) && s[i+1] == '\'' {
						label += "'"
						i++
						continue
					}
					break
				}
				label += string(s[i])
			}
			if i >= len(s) {
				return nil, fmt.Errorf("unterminated quoted label in %q", s)
			}
			s = s[i+1:]
			if !strings.HasPrefix(s, "=") {
				return nil, fmt.Errorf("quoted label %q not followed by '='", label)
			}
			s = s[1:]
		} else {
			var ok bool
			label, s, ok = strings.Cut(s, "=")
			if !ok || strings.ContainsAny(label, " '") {
				return nil, fmt.Errorf("%q is not label=value", label)
			}
		}
		if label == "" {
			return nil, errors.New("empty label")
		}
		field, rest, _ := strings.Cut(s, " ")
		s = rest
		parts := strings.Split(field, ";")
		if len(parts) > 5 {
			return nil, fmt.Errorf("%s: more than value;warn;crit;min;max", label)
		}
		for len(parts) < 5 {
			parts = append(parts, "")
		}
		it := perfItem{label: label}
		num := strings.TrimRightFunc(parts[0], func(r rune) bool { return !(r >= '0' && r <= '9') && r != '.' })
		it.uom = parts[0][len(num):]
		if !perfUOMs[it.uom] {
			return nil, fmt.Errorf("%s: unit %q is not one of the guidelines'", label, it.uom)
		}
		v, err := parsePerfNumber(num)
		if err != nil {
			return nil, fmt.Errorf("%s: value: %w", label, err)
		}
		it.value = v
		if it.warn, err = parsePerfRange(parts[1]); err != nil {
			return nil, fmt.Errorf("%s: warn: %w", label, err)
		}
		if it.crit, err = parsePerfRange(parts[2]); err != nil {
			return nil, fmt.Errorf("%s: crit: %w", label, err)
		}
		for i, p := range []**float64{&it.min, &it.max} {
			if parts[3+i] == "" {
				continue
			}
			v, err := parsePerfNumber(parts[3+i])
			if err != nil {
				return nil, fmt.Errorf("%s: min/max: %w", label, err)
			}
			*p = &v
		}
		items = append(items, it)
	}
	return items, nil
}

// The parser itself, on the guidelines' own examples.
func TestPerfRangeParser(t *testing.T) {
	for _, tc := range []struct {
		rng          string
		alert, quiet []float64
	}{
		{"10", []float64{-1, 11}, []float64{0, 5, 10}},
		{"10:", []float64{-5, 9.9}, []float64{10, 1e9}},
		{"~:10", []float64{11}, []float64{-1e9, 10}},
		{"10:20", []float64{9, 21}, []float64{10, 15, 20}},
		{"@10:20", []float64{10, 15, 20}, []float64{9, 21}},
	} {
		r, err := parsePerfRange(tc.rng)
		if err != nil {
			t.Fatalf("%s: %v", tc.rng, err)
		}
		for _, v := range tc.alert {
			if !r.alerts(v) {
				t.Errorf("%s: %v does not alert", tc.rng, v)
			}
		}
		for _, v := range tc.quiet {
			if r.alerts(v) {
				t.Errorf("%s: %v alerts", tc.rng, v)
			}
		}
	}
	for _, bad := range []string{"20:10", ":5", "x", "1;2", "@"} {
		if _, err := parsePerfRange(bad); err == nil {
			t.Errorf("range %q parsed", bad)
		}
	}
	items, err := parsePerfdata("a=1 'b c'=2;3;4 'it''s'=5s")
	if err != nil || len(items) != 3 || items[1].label != "b c" || items[2].label != "it's" || items[2].uom != "s" {
		t.Errorf("quoted labels: %+v %v", items, err)
	}
}

// Every performance datum hardscan writes follows the guidelines, and the
// certificate's thresholds alert exactly when the tls.expiry check warns
// or fails: warn below 21 days left, critical below 7.
func TestNagiosPerfdata(t *testing.T) {
	known := map[string]bool{"fail": true, "warn": true, "info": true, "pass": true, "errors": true,
		"regressions": true, "grade_score": true, "cert_days_left": true}
	for _, cert := range []replica.CertKind{replica.CertValid, replica.CertExpiring, replica.CertExpired} {
		site := scenario(t, "pleroma-2.7-sts")
		site.Cert = cert
		args := with(startSite(t, site), "-p", "pleroma", "example.tld")
		o := runArgs(t, with(args, "-f", "nagios")...)
		_, perfText, _ := strings.Cut(strings.SplitN(o.stdout, "\n", 2)[0], " | ")
		items, err := parsePerfdata(perfText)
		if err != nil {
			t.Fatalf("cert %v: %q: %v", cert, perfText, err)
		}
		js := runArgs(t, with(args, "-f", "json")...)
		tg := onlyTarget(t, js)
		expiry := find(tg, "tls.expiry")
		if expiry == nil {
			t.Fatalf("cert %v: no tls.expiry finding", cert)
		}
		seen := map[string]bool{}
		for _, it := range items {
			if !known[it.label] {
				t.Errorf("label %q is not one README documents", it.label)
			}
			if seen[it.label] {
				t.Errorf("label %q twice", it.label)
			}
			seen[it.label] = true
			if it.min != nil && it.value < *it.min || it.max != nil && it.value > *it.max {
				t.Errorf("%s=%v outside its min..max", it.label, it.value)
			}
			if it.label != "cert_days_left" {
				continue
			}
			if it.warn == nil || it.crit == nil {
				t.Fatalf("cert_days_left has no warn or crit range: %q", perfText)
			}
			if it.value != float64(tg.TLS.DaysLeft) {
				t.Errorf("cert_days_left=%v, the report says %d", it.value, tg.TLS.DaysLeft)
			}
			for days := -30.0; days <= 400; days++ {
				if got, want := it.crit.alerts(days), days < 7; got != want {
					t.Errorf("crit range: %v days left alerts %v, want %v", days, got, want)
				}
				if got, want := it.warn.alerts(days), days < 21; got != want {
					t.Errorf("warn range: %v days left alerts %v, want %v", days, got, want)
				}
			}
			// And at the scanned value, the state the check gave.
			if got, want := it.warn.alerts(it.value), expiry.Severity >= finding.Warn; got != want {
				t.Errorf("%v days: warn alert %v, tls.expiry is %s", it.value, got, expiry.Severity)
			}
			if got, want := it.crit.alerts(it.value), expiry.Severity >= finding.Fail; got != want {
				t.Errorf("%v days: crit alert %v, tls.expiry is %s", it.value, got, expiry.Severity)
			}
		}
		if !seen["cert_days_left"] || !seen["grade_score"] {
			t.Errorf("cert %v: perfdata %q lacks cert_days_left or grade_score", cert, perfText)
		}
	}
}
