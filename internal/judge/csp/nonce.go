package csp

import (
	"fmt"

	"github.com/hardscan/hardscan/internal/check"
	"github.com/hardscan/hardscan/scan/finding"
)

// reusedNonces reports a nonce of the page's header policies that a second
// response to the same URL carries too (CSP3 §7.1: a nonce must be unique
// per response). A nonce that never changes is written into the attacker's
// injected <script nonce=...> as easily as into the site's own: where it
// lets script elements run in every enforced policy that is script
// injection, a fail (docs/contract.md, "Checks"); elsewhere (styles) a warn.
func (j *judge) reusedNonces() {
	if len(j.in.Again) == 0 {
		return
	}
	again := map[string]bool{}
	for _, v := range j.in.Again {
		for _, p := range ParseList(v) {
			for _, d := range p.Directives {
				for _, s := range d.Sources {
					if s.Kind == KindNonce {
						again[s.Value] = true
					}
				}
			}
		}
	}
	if len(again) == 0 {
		return
	}
	inPage := map[string]bool{}
	for _, n := range j.in.PageNonces {
		inPage[n] = true
	}
	scripts := j.restricting("script-src-elem")
	noncesRun := len(scripts) > 0 && inEffect(scripts, Source{Kind: KindNonce})
	for _, p := range j.enforced[:j.headers] {
		forScripts, _ := effective(p, "script-src-elem")
		for _, d := range p.Directives {
			for _, s := range d.Sources {
				if s.Kind != KindNonce || !again[s.Value] {
					continue
				}
				f := finding.Finding{ID: check.CSPNonce, Reason: check.Reused, Severity: finding.Warn, Subject: d.Name,
					Expected: "a fresh nonce on every response", Actual: s.Raw + " in two responses",
					Vars: map[string]string{"directive": d.Name, "nonce": s.Raw}}
				page := ","
				if inPage[s.Value] {
					page = ", and the page's own <script> elements carry it,"
				}
				if d.Name == forScripts.Name && noncesRun {
					f.Severity = finding.Fail
					f.Message = fmt.Sprintf("%s nonce %s is the same in two responses%s so an injected <script nonce=%q> runs: a nonce must be random and new on every response (CSP3 §7.1)",
						d.Name, s.Raw, page, s.Value)
				} else {
					f.Message = fmt.Sprintf("%s nonce %s is the same in two responses%s so injected content can carry it: a nonce must be random and new on every response (CSP3 §7.1)",
						d.Name, s.Raw, page)
				}
				if j.in.Cached != "" {
					// The application makes fresh nonces; a cache in
					// front replays one page: the fix is the cache's.
					f.Reason = check.ReusedCached
					f.Vars["cached"] = j.in.Cached
					f.Message += fmt.Sprintf("; a shared cache served the page (%s), so every visitor gets the same nonce", j.in.Cached)
				}
				j.out.add(f)
			}
		}
	}
}
