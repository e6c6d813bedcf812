package check

// Reason is a stable code for why a finding got its severity; an entry
// lists the reasons its check can give as Reasons.
type Reason string

// The reasons, grouped by the checks that give them; several checks share
// the common ones. Judges name reasons by these constants and never by a
// string of their own, so that a misspelt reason is a build failure (a
// test of the judge package fails on a literal), and the judge package's
// catalogue test fails on a reason a judge gives that its entry does not
// list. They are untyped so that a finding's Reason, a string in the
// public data model, takes them as they are; the entries' lists are typed.
const (
	OK             = "ok"
	Absent         = "absent"
	Invalid        = "invalid"
	Weaker         = "weaker"
	Obsolete       = "obsolete"
	Duplicate      = "duplicate"
	Unsafe         = "unsafe"
	Short          = "short"
	Off            = "off"
	MaxAgeShort    = "max-age-short"
	SiteDownReason = "site-down" // a header a down site's error page lacks is unknown

	// https.redirect, https.redirect.path
	Refused     = "refused"
	NoAnswer    = "no-answer"
	NotProbed   = "not-probed"
	NoRedirect  = "no-redirect"
	NotHTTPS    = "not-https"
	OtherHost   = "other-host"
	HostMangled = "host-mangled"
	PathLost    = "path-lost"
	QueryLost   = "query-lost"

	// tls.*, backend.exposed, response.truncated, redirect.*, site.down,
	// headers.error-page
	NotVerified   = "not-verified"
	Expired       = "expired"
	ExpiresSoon   = "expires-soon"
	Expiring      = "expiring"
	HTTPAnswers   = "http-answers"
	Open          = "open"
	CappedBody    = "body"
	CappedCookies = "cookies"
	Undecoded     = "undecoded"
	Downgrade     = "downgrade"
	Stopped       = "stopped"
	OutsideAllow  = "outside-allow"
	ServerError   = "server-error"
	Missing       = "missing"

	// hsts.*
	MaxAgeZero          = "max-age-zero"
	NoIncludeSubdomains = "no-include-subdomains"
	EmptyDirective      = "empty-directive"
	RepeatedDirective   = "repeated-directive"
	NotEligible         = "not-eligible"

	// csp.*
	ReportOnly       = "report-only"
	Empty            = "empty"
	Syntax           = "syntax"
	MissingSemicolon = "missing-semicolon"
	Deprecated       = "deprecated"
	PlainHTTP        = "http"
	HTTPReport       = "http-report"
	IPAddress        = "ip"
	Reused           = "reused"
	ReusedCached     = "reused-cached"
	Meta             = "meta"
	MetaIgnored      = "meta-ignored"
	JSONP            = "jsonp"
	AngularJS        = "angular"
	ExtraSource      = "extra-source"
	WideSource       = "wide-source"
	WasmUnsafeEval   = "wasm-unsafe-eval"
	UnsafeInline     = "unsafe-inline"
	UnsafeEval       = "unsafe-eval"
	UnsafeHashes     = "unsafe-hashes"
	Self             = "self"

	// the other headers
	AllowFrom       = "allow-from"
	Ignored         = "ignored"
	FrameAncestors  = "frame-ancestors"
	ControlBytes    = "control-bytes"
	Legacy          = "legacy"
	NoEnforce       = "no-enforce"
	ServerVersion   = "server-version"
	RevealingHeader = "revealing-header"

	// cookie.*
	SetOverHTTP          = "set-over-http"
	NoSecure             = "no-secure"
	NoHTTPOnly           = "no-httponly"
	NoPrefix             = "no-prefix"
	Subdomains           = "subdomains"
	PrefixRules          = "prefix-rules"
	PublicSuffixDomain   = "public-suffix-domain"
	ForeignDomain        = "foreign-domain"
	SameSiteNoneInsecure = "samesite-none-insecure"
	SecureOverHTTP       = "secure-over-http"
	NamelessPrefix       = "nameless-prefix"
	NotSeen              = "not-seen"
	Deleted              = "deleted"
	Replaced             = "replaced"

	// unit.*, config.*
	OffHomeUsed  = "off-home-used"
	HidesService = "hides-service"
	Weak         = "weak"
	CapSysAdmin  = "cap-sys-admin"
	Score        = "score"
	IgnoredLines = "ignored-lines"
	Unknown      = "unknown"
	Exposed      = "exposed"
	NotAnAddress = "not-an-address"
	NotBoolean   = "not-boolean"
	NoEffect     = "no-effect"
	NotInteger   = "not-integer"
	NotString    = "not-string"
	Skipped      = "skipped"
)
