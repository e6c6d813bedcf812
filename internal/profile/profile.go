// Package profile holds what a scan expects of a site, as data: the headers,
// the CSP directives and their sources, HSTS, the session cookie, the HTTP
// redirect and the backend port. Built-in profiles are JSON files embedded
// from builtin/; a user's profile file has the same shape.
package profile

import (
	"bytes"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/hardscan/hardscan/internal/check"
	"github.com/hardscan/hardscan/internal/judge/cookie"
	"github.com/hardscan/hardscan/internal/judge/csp"
	"github.com/hardscan/hardscan/internal/judge/header"
	"github.com/hardscan/hardscan/internal/judge/hsts"
	"github.com/hardscan/hardscan/internal/localfile"
	"github.com/hardscan/hardscan/scan/finding"
)

// Profile is one set of expectations.
type Profile struct {
	Name        string `json:"name"`
	Description string `json:"description"`
	// CookiePaths are fetched to see the session cookie being set.
	CookiePaths []string `json:"cookie_paths"`
	// AuthCookiePaths are fetched only when -H gives credentials, for
	// software that sets its cookie only on authenticated requests.
	AuthCookiePaths []string `json:"auth_cookie_paths"`
	// BackendPort is the application server's own port, probed from
	// outside; 0 means none.
	BackendPort   int           `json:"backend_port"`
	Backend       Backend       `json:"backend"`
	HTTPSRedirect HTTPSRedirect `json:"https_redirect"`
	HSTS          hsts.Expect   `json:"hsts"`
	CSP           csp.Expect    `json:"csp"`
	Headers       header.Expect `json:"headers"`
	Cookies       cookie.Expect `json:"cookies"`
	// Overrides set chosen checks to a chosen severity: what an admin has
	// decided to accept.
	Overrides []Override `json:"overrides"`
}

// Backend is what the backend.exposed check says.
type Backend struct {
	// Hint is accepted in profile files written for hardscan 0.1 and no longer
	// read: the fix comes from the check catalogue, per platform.
	Hint string `json:"hint,omitempty"`
}

// HTTPSRedirect is what the https.redirect check expects.
type HTTPSRedirect struct {
	Required bool `json:"required"` // plain HTTP must redirect to https on the same host
	// Hint is accepted in profile files written for hardscan 0.1 and no longer
	// read: the fix comes from the check catalogue, per platform.
	Hint string `json:"hint,omitempty"`
}

// Override sets the severity of the findings with ID (and Subject, when not
// empty) to Severity. From and Below limit it to the software versions
// [From, Below) that auto-detection found, so that a profile can say what
// each release really sends; with a limit and no known version it does not
// apply.
type Override struct {
	ID       string `json:"id"`
	Subject  string `json:"subject,omitempty"`
	Severity string `json:"severity"`
	Reason   string `json:"reason"`
	// WhenReason limits the override to findings that give this reason
	// (a code from --list-checks), e.g. wide-source.
	WhenReason string `json:"when_reason,omitempty"`
	From       string `json:"from,omitempty"`
	Below      string `json:"below,omitempty"`
}

// applies reports whether o holds for the software version (empty: unknown).
func (o Override) applies(version string) bool {
	if o.From == "" && o.Below == "" {
		return true
	}
	v, ok := parseVersion(version)
	if !ok {
		return false
	}
	if o.From != "" {
		if from, _ := parseVersion(o.From); compareVersions(v, from) < 0 {
			return false
		}
	}
	if o.Below != "" {
		if below, _ := parseVersion(o.Below); compareVersions(v, below) >= 0 {
			return false
		}
	}
	return true
}

// parseVersion reads the leading dotted numbers of a version ("2.7.0",
// "2.4.5-rc1", "3.16.0+meta") .
func parseVersion(s string) ([]int, bool) {
	var out []int
	for _, part := range strings.Split(s, ".") {
		n, digits := 0, 0
		for _, r := range part {
			if r < '0' || r > '9' || digits == 9 {
				break
			}
			n = n*10 + int(r-'0')
			digits++
		}
		if digits == 0 {
			break
		}
		out = append(out, n)
		if digits != len(part) {
			break
		}
	}
	return out, len(out) > 0
}

// compareVersions compares dotted versions; missing parts count as 0.
func compareVersions(a, b []int) int {
	for i := 0; i < max(len(a), len(b)); i++ {
		var x, y int
		if i < len(a) {
			x = a[i]
		}
		if i < len(b) {
			y = b[i]
		}
		if x != y {
			if x < y {
				return -1
			}
			return 1
		}
	}
	return 0
}

//go:embed builtin/*.json
var builtin embed.FS

// Names lists the built-in profiles.
func Names() []string {
	entries, _ := builtin.ReadDir("builtin")
	names := make([]string, 0, len(entries))
	for _, e := range entries {
		names = append(names, strings.TrimSuffix(e.Name(), ".json"))
	}
	sort.Strings(names)
	return names
}

// Builtin returns the built-in profile called name.
func Builtin(name string) (*Profile, error) {
	raw, err := builtin.ReadFile("builtin/" + name + ".json")
	if err != nil {
		return nil, fmt.Errorf("no built-in profile %q (have %s)", name, strings.Join(Names(), ", "))
	}
	p, err := Parse(bytes.NewReader(raw))
	if err != nil {
		return nil, fmt.Errorf("built-in profile %s: %w", name, err)
	}
	return p, nil
}

// BuiltinJSON returns the built-in profile's file as it is embedded.
func BuiltinJSON(name string) ([]byte, error) {
	raw, err := builtin.ReadFile("builtin/" + name + ".json")
	if err != nil {
		return nil, fmt.Errorf("no built-in profile %q (have %s)", name, strings.Join(Names(), ", "))
	}
	return raw, nil
}

// MaxFileSize bounds a profile file; the built-in ones are a few KiB.
const MaxFileSize = 1 << 20

// MaxCookiePaths bounds cookie_paths and auth_cookie_paths together: each
// is a request made at once for every target (the built-in profiles name
// one or two).
const MaxCookiePaths = 16

// Load reads a profile file, without blocking on a FIFO and at most
// MaxFileSize bytes of it.
func Load(path string) (*Profile, error) {
	data, err := localfile.Read(path, MaxFileSize)
	if err != nil {
		return nil, fmt.Errorf("profile: %w", err)
	}
	p, err := Parse(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("profile %s: %w", path, err)
	}
	return p, nil
}

// Parse reads a profile's JSON strictly: an unknown field is an error that
// names it, and so is a value no check could use.
func Parse(r io.Reader) (*Profile, error) {
	dec := json.NewDecoder(r)
	dec.DisallowUnknownFields()
	var p Profile
	if err := dec.Decode(&p); err != nil {
		return nil, describeJSONError(err)
	}
	if dec.More() {
		return nil, errors.New("bad JSON: more than one value in the file")
	}
	if err := p.Validate(); err != nil {
		return nil, err
	}
	return &p, nil
}

func describeJSONError(err error) error {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		return fmt.Errorf("bad JSON at byte %d: %w", se.Offset, err)
	case errors.As(err, &te):
		return fmt.Errorf("field %s: want %s, got JSON %s", te.Field, te.Type, te.Value)
	case errors.Is(err, io.EOF):
		return errors.New("bad JSON: the file is empty")
	default:
		return fmt.Errorf("bad JSON: %w", err)
	}
}

// Validate checks every part and names the bad field.
func (p *Profile) Validate() error {
	if p.Name == "" {
		return errors.New("name: must not be empty")
	}
	if p.BackendPort < 0 || p.BackendPort > 65535 {
		return fmt.Errorf("backend_port: %d is not a port from 0 to 65535", p.BackendPort)
	}
	if n := len(p.CookiePaths) + len(p.AuthCookiePaths); n > MaxCookiePaths {
		return fmt.Errorf("cookie_paths: %d paths (with auth_cookie_paths), more than the cap of %d", n, MaxCookiePaths)
	}
	for i, path := range append(append([]string{}, p.CookiePaths...), p.AuthCookiePaths...) {
		if !strings.HasPrefix(path, "/") {
			return fmt.Errorf("cookie_paths[%d]: %q must start with /", i, path)
		}
	}
	for _, part := range []struct {
		name string
		v    interface{ Validate() error }
	}{{"hsts", p.HSTS}, {"csp", p.CSP}, {"headers", p.Headers}, {"cookies", p.Cookies}} {
		if err := part.v.Validate(); err != nil {
			return fmt.Errorf("%s: %w", part.name, err)
		}
	}
	for i, o := range p.Overrides {
		if err := check.Validate(o.ID, ""); err != nil {
			return fmt.Errorf("overrides[%d].id: %w", i, err)
		}
		if err := check.Validate(o.ID, o.WhenReason); err != nil {
			return fmt.Errorf("overrides[%d].when_reason: %w", i, err)
		}
		if _, err := finding.ParseSeverity(o.Severity); err != nil {
			return fmt.Errorf("overrides[%d].severity: %w", i, err)
		}
		for field, v := range map[string]string{"from": o.From, "below": o.Below} {
			if _, ok := parseVersion(v); v != "" && !ok {
				return fmt.Errorf("overrides[%d].%s: %q is not a version such as 2.5", i, field, v)
			}
		}
	}
	return nil
}

// Apply sets the severity of the findings an override names, for the
// software version found (empty when unknown).
func (p *Profile) Apply(fs []finding.Finding, version string) {
	for _, o := range p.Overrides {
		sev, err := finding.ParseSeverity(o.Severity)
		if err != nil || !o.applies(version) {
			continue
		}
		for i := range fs {
			f := &fs[i]
			if f.ID != o.ID || (o.Subject != "" && f.Subject != o.Subject) || (o.WhenReason != "" && f.Reason != o.WhenReason) || f.Severity == sev {
				continue
			}
			why := o.Reason
			if why == "" {
				why = "an override in profile " + p.Name
			}
			if f.Accepted == nil {
				f.Accepted = &finding.Accepted{Was: f.Severity}
			}
			f.Accepted.Reason = why
			f.Severity = sev
		}
	}
}
