package header

import (
	"errors"
	"fmt"
	"strings"

	"github.com/hardscan/hardscan/internal/check"
	"github.com/hardscan/hardscan/internal/parse/sf"
	"github.com/hardscan/hardscan/scan/finding"
)

// ordered judges a header whose first value is one of a list of keywords,
// weakest first, where a stronger keyword satisfies a weaker want.
type ordered struct {
	name  string
	order []string
	dflt  string // what an empty want means
	// item parses the value as a Structured Field item token (RFC 8941).
	item bool
	// boolean parses it as a Structured Field boolean item, ?0 or ?1.
	boolean bool
	// exact compares bytes, as Fetch does for CORP.
	exact bool
	// alias ranks a keyword like another one.
	alias map[string]string
}

func (o ordered) value(vs []string) (string, error) {
	if o.item || o.boolean {
		it, err := sf.ParseItem(strings.Join(vs, ", "))
		switch {
		case err != nil:
			return "", err
		case o.boolean && it.Bare.Kind == sf.Boolean && it.Bare.Bool:
			return "?1", nil
		case o.boolean && it.Bare.Kind == sf.Boolean:
			return "?0", nil
		case o.boolean:
			return "", errors.New("not a boolean")
		case it.Bare.Kind != sf.Token:
			return "", errors.New("not a token")
		}
		return it.Bare.Str, nil
	}
	if o.exact {
		return strings.Trim(strings.Join(vs, ", "), " \t"), nil
	}
	list := splitList(vs)
	return strings.ToLower(list[0]), nil
}

func (o ordered) rank(v string) int {
	if a, ok := o.alias[v]; ok {
		v = a
	}
	if o.exact || o.item || o.boolean {
		for i, k := range o.order {
			if k == v {
				return i
			}
		}
		return -1
	}
	return rankOf(o.order, v)
}

func (o ordered) valid(want string) error {
	if o.rank(strings.TrimSpace(want)) < 0 {
		return fmt.Errorf("want one of %s", strings.Join(o.order, ", "))
	}
	return nil
}

func (o ordered) judge(vs []string, want string, _ Input) verdict {
	got, err := o.value(vs)
	r := o.rank(got)
	if err != nil || r < 0 {
		return verdict{useless: true, reason: check.Invalid, msg: fmt.Sprintf("%s value %q is not understood by browsers, so it does nothing", canonical(o.name), strings.Join(vs, ", "))}
	}
	if want == "" {
		want = o.dflt
	}
	if w := o.rank(strings.TrimSpace(want)); r < w {
		return verdict{sev: finding.Warn, reason: check.Weaker, msg: fmt.Sprintf("%s is %s, weaker than %s", canonical(o.name), got, want)}
	}
	return verdict{msg: fmt.Sprintf("%s is %s, at least as strict as %s", canonical(o.name), got, want)}
}

var (
	xpcdp = ordered{name: "x-permitted-cross-domain-policies", order: []string{"all", "by-ftp-filename", "by-content-type", "master-only", "none"},
		dflt: "all"}
	xdo  = ordered{name: "x-download-options", order: []string{"noopen"}, dflt: "noopen"}
	coop = ordered{name: "cross-origin-opener-policy", order: []string{"unsafe-none", "same-origin-allow-popups", "same-origin"},
		dflt: "unsafe-none", item: true,
		// Both keep this page's opener handle from popups only partly.
		alias: map[string]string{"noopener-allow-popups": "same-origin-allow-popups"}}
	coep = ordered{name: "cross-origin-embedder-policy", order: []string{"unsafe-none", "credentialless", "require-corp"},
		dflt: "unsafe-none", item: true,
		// Both enable cross-origin isolation.
		alias: map[string]string{"credentialless": "require-corp"}}
	corp = ordered{name: "cross-origin-resource-policy", order: []string{"cross-origin", "same-site", "same-origin"},
		dflt: "cross-origin", exact: true}
	// The HTML standard keys the agent cluster by origin only for the
	// boolean true; ?0 asks for the site-keyed one, where document.domain
	// works.
	oac = ordered{name: "origin-agent-cluster", order: []string{"?0", "?1"}, dflt: "?0", boolean: true}
)

// comparators judge the headers of the catalogue's header entries, by
// check id: the keyword ones above, the others in their own files.
var comparators = map[string]comparator{
	check.XFrameOptions:                 {judgeXFO, validXFO},
	check.XContentTypeOptions:           {judgeXCTO, validXCTO},
	check.ReferrerPolicy:                {judgeReferrer, validReferrer},
	check.XXSSProtection:                {judgeXSS, validXSS},
	check.XPermittedCrossDomainPolicies: {xpcdp.judge, xpcdp.valid},
	check.XDownloadOptions:              {xdo.judge, xdo.valid},
	check.ExpectCT:                      {judgeExpectCT, validExpectCT},
	check.PermissionsPolicy:             {judgePermissions, validPermissions},
	check.CrossOriginOpenerPolicy:       {coop.judge, coop.valid},
	check.CrossOriginEmbedderPolicy:     {coep.judge, coep.valid},
	check.CrossOriginResourcePolicy:     {corp.judge, corp.valid},
	check.OriginAgentCluster:            {oac.judge, oac.valid},
}
