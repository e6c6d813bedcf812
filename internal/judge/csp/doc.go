// Package csp judges the Content-Security-Policy a page enforces (W3C CSP
// Level 3) against a profile's expectation: directive by directive as
// source sets, with CSP3's fallback lists, every enforced policy applying
// at once, nonces, hashes and 'strict-dynamic' understood. The policies
// are parsed by internal/parse/csp. It is pure: strings in, findings out.
package csp
