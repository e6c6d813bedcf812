// Package probe is hardscan's network side: a client that dials with
// --resolve rules and its own TLS verification, follows the HTTPS and the
// plain-HTTP redirect chains, fetches the error page, the profile's cookie
// paths and the backend port, and detects the software (NodeInfo,
// /api/v1/instance, Server). It parses Set-Cookie lines (package setcookie)
// but judges nothing.
package probe
