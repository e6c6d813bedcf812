// Package replica serves recorded responses of real instances from loopback
// HTTPS and HTTP servers with a certificate authority of their own, so that
// tests, benchmarks and --demo scan something real without any network.
//
// The recorded response heads in responses/ were rebuilt from what Pleroma,
// Akkoma and Mastodon send for the host example.tld; a Site replays them for
// any host name by rewriting example.tld.
package replica
