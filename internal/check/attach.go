package check

import (
	"slices"
	"strings"

	"github.com/hardscan/hardscan/scan/finding"
)

// Target is what decides which fix snippets apply to a finding: the
// application the target runs and the web servers that may be in front.
type Target struct {
	App     Platform   // pleroma, akkoma, mastodon; "" for any other site
	Servers []Platform // the server in front; every one of Servers when unknown
	Host    string     // the scanned host, for {{host}} in a snippet
	// Port is the scanned URL's HTTPS port, for {{https_port}}: the server
	// block or virtual host to edit listens there. "" means 443.
	Port string
}

// ServersFrom reads a Server header (its first product token) and names the
// web server that sent it; when it names none hardscan knows, every web
// server is returned, since the fix must still be there for the admin.
func ServersFrom(server string) []Platform {
	product, _, _ := strings.Cut(strings.TrimSpace(server), "/")
	product, _, _ = strings.Cut(product, " ")
	switch strings.ToLower(product) {
	case "nginx", "openresty", "angie":
		return []Platform{Nginx}
	case "apache", "apache-coyote":
		return []Platform{Apache}
	case "caddy":
		return []Platform{Caddy}
	case "lighttpd":
		return []Platform{Lighttpd}
	case "haproxy":
		return []Platform{HAProxy}
	}
	return slices.Clone(Servers)
}

// AppFrom names the application platform of a detected software name, or "".
func AppFrom(software string) Platform {
	for _, a := range Apps {
		if strings.EqualFold(software, string(a)) {
			return a
		}
	}
	return ""
}

// Attach fills each finding's Refs from the catalogue and, for every
// finding that is not a pass, its Fix: the snippets for t's platforms,
// with the finding's values written in.
func Attach(fs []finding.Finding, t Target) {
	for i := range fs {
		f := &fs[i]
		c, ok := Lookup(f.ID)
		if !ok {
			continue // the catalogue test keeps this from happening
		}
		f.Refs = c.Refs
		if f.Refs == nil {
			f.Refs = []string{}
		}
		f.Fix = nil
		if f.Severity == finding.Pass || f.Reason == SiteDownReason {
			// A header a down site's error page lacks is unknown: the fix
			// is site.down's (start the application), not to add it.
			continue
		}
		f.Fix = c.fixFor(*f, t)
	}
}

// fixFor builds the fix of f for t, or nil when the check has none for its
// reason or none for t's platforms.
func (c *Check) fixFor(f finding.Finding, t Target) *finding.Fix {
	i := c.ruleFor(f)
	if i < 0 {
		return nil
	}
	rule := c.Fixes[i]
	snips := rule.pick(t)
	if len(snips) == 0 {
		return nil
	}
	fix := &finding.Fix{Summary: fill(rule.Summary, f, t)}
	for _, s := range snips {
		s.File = fill(s.File, f, t)
		s.Code = fill(s.Code, f, t)
		fix.Snippets = append(fix.Snippets, s)
	}
	return fix
}

// ruleFor is the index of the first fix rule for f's reason and id, or -1.
func (c *Check) ruleFor(f finding.Finding) int {
	for i, rule := range c.Fixes {
		if rule.covers(f.Reason) && (len(rule.IDs) == 0 || slices.Contains(rule.IDs, f.ID)) {
			return i
		}
	}
	return -1
}

// pick keeps the snippets for t's platforms: its application's, and its web
// servers' unless the application sends the header itself. Systemd
// snippets always apply: only unit checks have them.
func (rule Fix) pick(t Target) []finding.Snippet {
	hasApp := false
	for _, s := range rule.Snippets {
		if t.App != "" && Platform(s.Platform) == t.App {
			hasApp = true
		}
	}
	var out []finding.Snippet
	for _, s := range rule.Snippets {
		p := Platform(s.Platform)
		switch {
		case p == Systemd:
		case t.App != "" && p == t.App:
		case slices.Contains(t.Servers, p) && !(rule.AppOwned && hasApp):
		default:
			continue
		}
		out = append(out, s)
	}
	return out
}

// fill writes the values into a template: {{name}} from the finding's Vars,
// and {{subject}}, {{expected}}, {{actual}}, {{id}}, {{host}} and
// {{https_port}} from the
// finding and the target; {{name|lower}} writes the value in lower case
// (nginx's samesite=lax). Double braces, since nginx and Caddy use single
// ones themselves.
func fill(tmpl string, f finding.Finding, t Target) string {
	if !strings.Contains(tmpl, "{{") {
		return tmpl
	}
	var b strings.Builder
	b.Grow(len(tmpl) + 64) // most values are a header or a short policy
	for {
		i := strings.Index(tmpl, "{{")
		if i < 0 {
			break
		}
		j := strings.Index(tmpl[i:], "}}")
		if j < 0 {
			break
		}
		b.WriteString(tmpl[:i])
		b.WriteString(value(tmpl[i+2:i+j], f, t))
		tmpl = tmpl[i+j+2:]
	}
	b.WriteString(tmpl)
	return b.String()
}

func value(name string, f finding.Finding, t Target) string {
	if base, ok := strings.CutSuffix(name, "|lower"); ok {
		return strings.ToLower(value(base, f, t))
	}
	if v, ok := f.Vars[name]; ok {
		return v
	}
	switch name {
	case "subject":
		return f.Subject
	case "expected":
		return f.Expected
	case "actual":
		return f.Actual
	case "id":
		return f.ID
	case "host":
		if t.Host == "" {
			return "example.tld"
		}
		return t.Host
	case "https_port":
		if t.Port == "" {
			return "443"
		}
		return t.Port
	}
	return "{{" + name + "}}"
}
