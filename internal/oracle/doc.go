// Package oracle checks hardscan's verdicts against a real browser. Its
// tests serve each response of a corpus on loopback, load it in headless
// Chromium through the DevTools protocol, observe what Chromium enforces
// (which scripts run, whether the page is framed, which cookies are stored,
// which Referer is sent, whether HSTS upgrades http://) and compare that
// with what hardscan's judges say of the same response. The package has no
// code outside its tests: nothing of it is linked into hardscan.
package oracle
