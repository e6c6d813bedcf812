package replica

import (
	"fmt"
	"io"
	"log"
	"sort"
)

// nodeinfo routes a Pleroma-family replica answers for software detection.
func pleromaNodeInfo(wellKnown, doc string) map[string]Route {
	return map[string]Route{
		"/.well-known/nodeinfo": {Doc: wellKnown},
		"/nodeinfo/2.0.json":    {Doc: doc},
		"/nodeinfo/2.1.json":    {Doc: doc},
	}
}

func with(routes map[string]Route, more map[string]Route) map[string]Route {
	out := make(map[string]Route, len(routes)+len(more))
	for k, v := range routes {
		out[k] = v
	}
	for k, v := range more {
		out[k] = v
	}
	return out
}

// Scenarios are the named replicas tests and --demo serve.
var Scenarios = map[string]Site{
	// A default Pleroma 2.7: HSTS off (sts: false), everything else on.
	"pleroma-2.7-default": {
		Routes: with(pleromaNodeInfo("pleroma-2.7_well-known-nodeinfo.json", "pleroma-2.7_nodeinfo-2.0.json"),
			map[string]Route{"/": {File: "pleroma-2.7_default_GET-root.http"}}),
	},
	// Pleroma 2.7 with config :pleroma, :http_security, sts: true.
	"pleroma-2.7-sts": {
		Routes: with(pleromaNodeInfo("pleroma-2.7_well-known-nodeinfo.json", "pleroma-2.7_nodeinfo-2.0.json"),
			map[string]Route{"/": {File: "pleroma-2.7_hardened-sts_GET-root.http"}}),
	},
	// Pleroma 2.4 with :http_security disabled and secure_cookie_flag off,
	// its backend on every interface and no HTTP redirect.
	"pleroma-insecure": {
		Routes: with(pleromaNodeInfo("pleroma-2.7_well-known-nodeinfo.json", "pleroma-2.7_nodeinfo-2.0.json"),
			map[string]Route{
				"/":                    {File: "pleroma-2.7_insecure_http-security-disabled_GET-root.http"},
				"/web/getting-started": {File: "pleroma-2.4_insecure_http-security-disabled_secure-cookie-off_GET-web-getting-started.http"},
			}),
		HTTP:    HTTPServe,
		Backend: true,
	},
	// Pleroma 2.4 as shipped: the session cookie comes from /web/getting-started.
	"pleroma-2.4-default": {
		Routes: with(pleromaNodeInfo("pleroma-2.7_well-known-nodeinfo.json", "pleroma-2.4_nodeinfo-2.0.json"),
			map[string]Route{
				"/":                    {File: "pleroma-2.7_default_GET-root.http"},
				"/web/getting-started": {File: "pleroma-2.4_default_GET-web-getting-started_cookie.http"},
			}),
	},
	"akkoma-default": {
		Routes: map[string]Route{
			"/":                     {File: "akkoma-2025.10_default_GET-root.http"},
			"/web/getting-started":  {File: "akkoma-2025.10_default_GET-web-getting-started_cookie.http"},
			"/.well-known/nodeinfo": {Doc: "pleroma-2.7_well-known-nodeinfo.json"},
			"/nodeinfo/2.0.json":    {Doc: "akkoma-2025.10_nodeinfo-2.1.json"},
			"/nodeinfo/2.1.json":    {Doc: "akkoma-2025.10_nodeinfo-2.1.json"},
		},
	},
	"mastodon-default": {
		Routes: map[string]Route{
			"/":                     {File: "mastodon-4.3_nginx_GET-root.http"},
			"/auth/sign_in":         {File: "mastodon-4.3_nginx_GET-auth-sign_in_cookie.http"},
			"/.well-known/nodeinfo": {Doc: "mastodon-4.3_well-known-nodeinfo.json"},
			"/nodeinfo/2.0":         {Doc: "mastodon-4.3_nodeinfo-2.0.json"},
		},
	},
}

// Scenario returns a copy of the named scenario.
func Scenario(name string) (Site, error) {
	s, ok := Scenarios[name]
	if !ok {
		names := make([]string, 0, len(Scenarios))
		for n := range Scenarios {
			names = append(names, n)
		}
		sort.Strings(names)
		return Site{}, fmt.Errorf("%w %q (have %v)", errNoSuchScenario, name, names)
	}
	s.Routes = with(s.Routes, nil)
	return s, nil
}

// quietLog keeps the servers' own complaints (TLS handshakes a test aborts on
// purpose) out of test output.
func quietLog() *log.Logger { return log.New(io.Discard, "", 0) }
