package check

import "github.com/hardscan/hardscan/scan/finding"

// dropIn is a systemd drop-in made with systemctl edit, which keeps the
// shipped unit as it is and survives upgrades.
func dropIn(code string) finding.Snippet {
	return finding.Snippet{Platform: string(Systemd), Lang: "ini",
		File: "a drop-in: systemctl edit {{unit}} (it writes /etc/systemd/system/{{unit}}.d/override.conf)",
		Code: code + "\n# then: systemctl restart {{unit}}"}
}

// config is a config :pleroma line for both Pleroma and Akkoma, for the
// config.<key> members ids.
func config(summary, code string, ids []string, reasons ...Reason) Fix {
	return Fix{Reasons: reasons, IDs: ids, Summary: summary, Snippets: pleromaAkkoma(code)}
}

func localFixes() map[string][]Fix {
	ids := func(keys ...string) []string {
		out := make([]string, len(keys))
		for i, k := range keys {
			out[i] = Config(k)
		}
		return out
	}
	return map[string][]Fix{
		// The unit judge sets {{line}} (Directive=value) and {{unit}}.
		"unit.<Directive>": {
			{Reasons: []Reason{OffHomeUsed}, IDs: []string{Unit("ProtectHome")}, Summary: "hide /home from the service but keep {{home}}, where it lives",
				Snippets: one(dropIn("[Service]\nProtectHome=tmpfs\nBindPaths={{home}}"))},
			{Reasons: []Reason{HidesService}, IDs: []string{Unit("ProtectHome")}, Summary: "keep {{home}} visible to the service",
				Snippets: one(dropIn("[Service]\nBindPaths={{home}}"))},
			{Reasons: []Reason{Off, Weak, CapSysAdmin}, Summary: "set {{line}} in the [Service] section",
				Snippets: one(dropIn("[Service]\n{{line}}"))},
		},
		// unknown (a value computed at start) and obsolete (ct_max_age)
		// are notes that need no change.
		"config.<key>": {
			config("make Pleroma listen on loopback only, behind the web server",
				"config :pleroma, Pleroma.Web.Endpoint,\n  http: [ip: {127, 0, 0, 1}]", ids("http.ip"), Exposed, NotAnAddress),
			config("mark the session cookie Secure (and __Host-)",
				"config :pleroma, Pleroma.Web.Endpoint,\n  secure_cookie_flag: true", ids("secure_cookie_flag"), Off, NotBoolean),
			config("send Pleroma's security headers", httpSecurityOn, ids("http_security.enabled"), Off, NotBoolean),
			config("send Strict-Transport-Security (once HTTPS works)", "config :pleroma, :http_security,\n  enabled: true,\n  sts: true",
				ids("http_security.sts"), Off, NotBoolean, NoEffect),
			config("send HSTS with a max-age of a year", "config :pleroma, :http_security,\n  sts_max_age: 31_536_000",
				ids("http_security.sts_max_age"), Short, NotInteger),
			config("send Referrer-Policy: same-origin", "config :pleroma, :http_security,\n  referrer_policy: \"same-origin\"",
				ids("http_security.referrer_policy"), NotString, Invalid, Weaker),
		},
	}
}
