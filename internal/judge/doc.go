// Package judge turns what package probe fetched into findings: Site runs
// every header family's judge (csp, hsts, cookie, header) on the root
// response, the error page, the plain-HTTP answer and the redirect chain,
// and Grade sums the findings into a letter. It is pure: no network, no
// clock but the one passed in.
package judge
