package check

// The members of the families: each id's own title and the reasons its
// judge can give for it (a fetch directive never says unsafe-inline; only
// ProtectHome says hides-service). --list-checks prints them, and Validate
// holds a profile override of a member to them. The judge package's
// catalogue test fails on a reason listed here that no judge gives for the
// id, and on one a judge gives that is not listed.

// Member is one family member's entry.
type Member struct {
	Title   string
	Reasons []Reason
}

// members is the table of the families' members, by id.
var members = memberTable()

// cspSource are the reasons of a source-list directive: compared with the
// profile's list, or required to restrict something.
var cspSource = []Reason{Absent, ExtraSource, WideSource, WasmUnsafeEval}

func memberTable() map[string]Member {
	members := map[string]Member{}
	cspMember := func(name, what string, reasons ...Reason) {
		if len(reasons) == 0 {
			reasons = cspSource
		}
		members[CSPDirective(name)] = Member{Title: what, Reasons: reasons}
	}
	unitMember := func(directive, what string, reasons ...Reason) {
		members[Unit(directive)] = Member{Title: what, Reasons: reasons}
	}
	configMember := func(key, what string, reasons ...Reason) {
		members[Config(key)] = Member{Title: what, Reasons: append([]Reason{Unknown}, reasons...)}
	}

	cspMember("base-uri", "the URLs a <base> element may set (a missing one lets injected markup re-point relative URLs)")
	cspMember("child-src", "where workers and nested frames may load from (falls back to default-src)")
	cspMember("connect-src", "where scripts may connect: fetch, XHR, WebSocket, EventSource (falls back to default-src)")
	cspMember("default-src", "the fallback for every fetch directive not set")
	cspMember("fenced-frame-src", "where fenced frames may load from (falls back to frame-src, child-src, default-src)")
	cspMember("font-src", "where fonts may load from (falls back to default-src)")
	cspMember("form-action", "where forms may submit to (no fallback)")
	cspMember("frame-ancestors", "who may frame the page (no fallback; ignored in <meta>)")
	cspMember("frame-src", "where frames may load from (falls back to child-src, default-src)")
	cspMember("img-src", "where images may load from (falls back to default-src)")
	cspMember("manifest-src", "where the web app manifest may load from (falls back to default-src)")
	cspMember("media-src", "where audio and video may load from (falls back to default-src)")
	cspMember("object-src", "where plugins (<object>, <embed>) may load from; 'none' is best (falls back to default-src)")
	cspMember("report-to", "the reporting endpoint group for violations", Absent)
	cspMember("report-uri", "the URL violations are reported to (deprecated for report-to)", Absent)
	cspMember("require-trusted-types-for", "makes DOM sinks take Trusted Types only", Absent)
	cspMember("sandbox", "the sandbox flags the page runs under", Absent, ExtraSource)
	cspMember("script-src", "where scripts may load from, and whether inline script and eval run (falls back to default-src)",
		"absent", "extra-source", "wide-source", "wasm-unsafe-eval", "unsafe-inline", "unsafe-eval", "unsafe-hashes", "self")
	cspMember("script-src-attr", "inline event handlers (falls back to script-src, default-src)")
	cspMember("script-src-elem", "<script> elements (falls back to script-src, default-src)")
	cspMember("style-src", "where style sheets may load from, and inline styles (falls back to default-src)")
	cspMember("style-src-attr", "style= attributes (falls back to style-src, default-src)")
	cspMember("style-src-elem", "<style> and <link rel=stylesheet> (falls back to style-src, default-src)")
	cspMember("trusted-types", "the Trusted Types policies the page may create", Absent)
	cspMember("upgrade-insecure-requests", "makes the browser fetch http: subresources over https", Absent)
	cspMember("webrtc", "whether WebRTC may connect", Absent)
	cspMember("worker-src", "where workers may load from (falls back to child-src, script-src, default-src)")

	unitMember("PrivateTmp", "the service gets a /tmp of its own (the guide's)", Off)
	unitMember("ProtectHome", "/home, /root and /run/user hidden or read-only (the guide's)", Off, OffHomeUsed, HidesService)
	unitMember("ProtectSystem", "/usr, /boot and /etc read-only: full or strict (the guide's)", Weak, Off)
	unitMember("PrivateDevices", "no access to physical devices (the guide's)", Off)
	unitMember("NoNewPrivileges", "no privilege gain through setuid or file capabilities (the guide's)", Off)
	unitMember("CapabilityBoundingSet", "CAP_SYS_ADMIN out of the capability bounding set (the guide's)", CapSysAdmin)
	for _, e := range []struct{ directive, what string }{
		{"ProtectKernelTunables", "/proc/sys and /sys read-only"},
		{"ProtectKernelModules", "no kernel module loading"},
		{"ProtectKernelLogs", "the kernel log unreadable"},
		{"ProtectControlGroups", "the cgroup tree read-only"},
		{"ProtectClock", "the system clock unchangeable"},
		{"ProtectHostname", "the host name unchangeable"},
		{"ProtectProc", "other users' processes hidden"},
		{"ProcSubset", "/proc shows processes only, not kernel knobs"},
		{"RestrictAddressFamilies", "only the socket families the service needs"},
		{"RestrictNamespaces", "no new namespaces"},
		{"RestrictRealtime", "no realtime scheduling"},
		{"RestrictSUIDSGID", "no setuid or setgid files created"},
		{"LockPersonality", "the execution domain locked"},
		{"MemoryDenyWriteExecute", "no memory both writable and executable"},
		{"SystemCallFilter", "only the system calls a service needs"},
		{"SystemCallArchitectures", "system calls of the native architecture only"},
		{"PrivateUsers", "the service sees no other users"},
		{"RemoveIPC", "IPC objects removed when the service stops"},
	} {
		unitMember(e.directive, e.what+" (scored; info when off)", Off)
	}

	configMember("http.ip", "Pleroma listens on loopback (or a unix socket), behind the proxy", Exposed, NotAnAddress)
	configMember("secure_cookie_flag", "the session cookie is marked Secure", Off, NotBoolean)
	configMember("http_security.enabled", "Pleroma sends its security headers", Off, NotBoolean)
	configMember("http_security.sts", "Pleroma sends Strict-Transport-Security (and the headers are enabled)", NoEffect, Off)
	configMember("http_security.sts_max_age", "HSTS max-age is at least a year", Short, NotInteger)
	configMember("http_security.ct_max_age", "Expect-CT's max-age: obsolete, information only", Obsolete)
	configMember("http_security.referrer_policy", "the Referrer-Policy Pleroma sends is same-origin or stricter", NotString, Invalid, Weaker)
	return members
}

// reasonsOf is every reason besides OK that id can give: its own when it
// is a member with an entry, else its check's.
func reasonsOf(id string, c *Check) []Reason {
	if m, ok := members[id]; ok {
		return m.Reasons
	}
	return c.Reasons
}

// OwnEntry returns the entry of a family member that has one.
func OwnEntry(id string) (Member, bool) {
	m, ok := members[id]
	return m, ok
}
