// Package result holds the report's data model: what one run found about each
// target, shaped exactly as the JSON report (docs/report.schema.json). The
// scanner fills it, every renderer in report/ reads it, and --baseline reads
// it back from JSON.
package result

import (
	"encoding/json"
	"time"

	"github.com/hardscan/hardscan/scan/finding"
)

// SchemaVersion is the version of the JSON report's shape.
const SchemaVersion = 2

// Report is one run over one or more targets.
type Report struct {
	SchemaVersion int       `json:"schema_version"`
	Tool          Tool      `json:"tool"`
	StartedAt     time.Time `json:"started_at"`
	DurationMS    int64     `json:"duration_ms"`
	Summary       Summary   `json:"summary"`
	Targets       []*Target `json:"targets"`
	Changes       []Change  `json:"changes"`
	Incomplete    bool      `json:"incomplete,omitempty"`
}

// Tool names the program that wrote the report.
type Tool struct {
	Name    string `json:"name"`
	Version string `json:"version"`
}

// Summary counts targets, target errors and findings by severity.
type Summary struct {
	Targets int `json:"targets"`
	Errors  int `json:"errors"`
	finding.Counts
}

// The kinds of target: a scanned URL, or a local file audited.
const (
	KindSite   = "site"
	KindUnit   = "unit"
	KindConfig = "config"
)

// Target is everything learned about one scanned URL (or one audited file).
// A local file (Kind unit or config) has Path instead of URL and none of a
// site's fields; MarshalJSON leaves them out.
type Target struct {
	Kind      string              `json:"kind"`
	URL       string              `json:"url,omitempty"`
	Path      string              `json:"path,omitempty"`
	Profile   string              `json:"profile"`
	Software  *Software           `json:"software"`
	Error     *string             `json:"error"`
	Grade     string              `json:"grade,omitempty"`
	Status    int                 `json:"status"`
	TLS       *TLS                `json:"tls"`
	Redirects Redirects           `json:"redirects"`
	Headers   map[string][]string `json:"headers"`
	Cookies   []Cookie            `json:"cookies"`
	Findings  []finding.Finding   `json:"findings"`
	Summary   finding.Counts      `json:"summary"`
	// Changes are this target's changes against a baseline: set (never
	// nil) only with --baseline, and written only on ndjson lines; the
	// JSON report lists them once, in Report.Changes.
	Changes []Change `json:"changes,omitzero"`
	// Line is the input line the target came from (-i FILE), 0 otherwise.
	Line int `json:"line,omitempty"`
	// Index orders targets as they were given; local audits come first
	// with -1. It is not part of the report.
	Index int `json:"-"`
}

// NewSite is an empty target for the URL u, every list non-nil so that
// JSON shows [] and {} rather than null.
func NewSite(u string) *Target {
	return &Target{Kind: KindSite, URL: u, Headers: map[string][]string{}, Cookies: []Cookie{}, Findings: []finding.Finding{},
		Redirects: Redirects{HTTP: []string{}, HTTPS: []string{}}}
}

// NewLocal is an empty target for a local file of kind KindUnit or KindConfig.
func NewLocal(kind, path string) *Target {
	return &Target{Kind: kind, Path: path, Findings: []finding.Finding{}}
}

// IsSite reports whether t is a scanned URL (an older report has no kind).
func (t *Target) IsSite() bool { return t.Kind == KindSite || t.Kind == "" }

// Name is what a report calls the target: its URL, or its file's path.
func (t *Target) Name() string {
	if t.IsSite() {
		return t.URL
	}
	return t.Path
}

// localTarget is the JSON shape of a local file: no site fields.
type localTarget struct {
	Kind     string            `json:"kind"`
	Path     string            `json:"path"`
	Error    *string           `json:"error"`
	Findings []finding.Finding `json:"findings"`
	Summary  finding.Counts    `json:"summary"`
	Changes  []Change          `json:"changes,omitzero"`
}

// MarshalJSON writes a site with every field and a local file with only
// its own.
func (t *Target) MarshalJSON() ([]byte, error) { return json.Marshal(t.JSONValue()) }

// siteJSON is a Target without its methods, so that encoding it does not
// call MarshalJSON again.
type siteJSON Target

// JSONValue is what t's JSON is made from: the report writers encode it
// directly, since a MarshalJSON's bytes are parsed and compacted again by
// encoding/json, which costs a scan of thousands of targets real time.
func (t *Target) JSONValue() any {
	if !t.IsSite() {
		return localTarget{Kind: t.Kind, Path: t.Path, Error: t.Error, Findings: t.Findings, Summary: t.Summary, Changes: t.Changes}
	}
	if t.Kind == "" {
		s := *t
		s.Kind = KindSite
		return (*siteJSON)(&s)
	}
	return (*siteJSON)(t)
}

// Software is what the instance says it runs (NodeInfo, /api/v1/instance, Server).
type Software struct {
	Name    string `json:"name"`
	Version string `json:"version"`
}

// TLS describes the certificate of the HTTPS endpoint.
type TLS struct {
	Verified bool      `json:"verified"`
	Version  string    `json:"version"`
	NotAfter time.Time `json:"not_after"`
	DaysLeft int       `json:"days_left"`
}

// Redirects lists every hop of the HTTP and HTTPS fetches, the start URL first.
type Redirects struct {
	HTTP  []string `json:"http"`
	HTTPS []string `json:"https"`
}

// Cookie is one Set-Cookie line as the report shows it (never its value).
type Cookie struct {
	Name     string `json:"name"`
	SetBy    string `json:"set_by"`
	Secure   bool   `json:"secure"`
	HTTPOnly bool   `json:"http_only"`
	SameSite string `json:"same_site"`
	Path     string `json:"path"`
	Domain   string `json:"domain"`
}

// Change is one finding whose severity differs from the baseline's; Was or
// Now is empty when the finding appeared or disappeared.
type Change struct {
	URL     string `json:"url"`
	ID      string `json:"id"`
	Subject string `json:"subject"`
	Was     string `json:"was"`
	Now     string `json:"now"`
}

// Finish fills the per-target and the run's summaries from the findings.
func (r *Report) Finish() {
	r.Summary = Summary{}
	for _, t := range r.Targets {
		t.Summary = finding.Tally(t.Findings)
		r.Summary.Add(t)
	}
}

// Add counts one target and its findings (finding.Tally) into the run's
// summary.
func (s *Summary) Add(t *Target) {
	s.Targets++
	if t.Error != nil {
		s.Errors++
	}
	c := finding.Tally(t.Findings)
	s.Pass += c.Pass
	s.Info += c.Info
	s.Warn += c.Warn
	s.Fail += c.Fail
}
