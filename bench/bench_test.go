package main

import (
	"path/filepath"
	"strings"
	"testing"
)

// TestServersCountWhatTheBareLoopAsked runs the bare loop on three targets
// against each server and checks the server-side counts against what the
// loop is known to make: the floor's requests, by path, and one TLS
// handshake a target (the bare loop keeps one connection a host).
func TestServersCountWhatTheBareLoopAsked(t *testing.T) {
	const n = 3
	recipe := floor([]string{"/web/getting-started"})
	for _, mode := range []string{"h1", "h2", "nginx"} {
		t.Run(mode, func(t *testing.T) {
			dir := t.TempDir()
			l, err := startLab(mode, dir, n)
			if err == errNoNginx {
				t.Skip(err)
			}
			if err != nil {
				t.Fatal(err)
			}
			defer l.close()
			list := filepath.Join(dir, "list.txt")
			if err := writeList(list, l.hosts(n)); err != nil {
				t.Fatal(err)
			}
			if err := l.reset(); err != nil {
				t.Fatal(err)
			}
			https, http := l.addrs()
			res, err := bareRun(bareConfig{list: list, caFile: l.caFile(), conc: 2, httpsAddr: https, httpAddr: http, recipe: strings.Join(recipe, ",")})
			if err != nil {
				t.Fatal(err)
			}
			if res.Targets != n || res.Errors != 0 {
				t.Fatalf("bare loop: %d targets, %d with errors; want %d, 0", res.Targets, res.Errors, n)
			}
			c, err := l.counts()
			if err != nil {
				t.Fatal(err)
			}
			if want := int64(n * len(recipe)); c.requests != want {
				t.Errorf("%d requests counted, the loop made %d", c.requests, want)
			}
			if c.handshakes != n {
				t.Errorf("%d TLS handshakes counted, the loop made %d", c.handshakes, n)
			}
			for _, key := range recipe {
				if c.byPath[key] != n {
					t.Errorf("%q counted %d times, want %d (all: %v)", key, c.byPath[key], n, c.byPath)
				}
			}
			if len(c.spans) != n {
				t.Errorf("%d hosts timed, want %d", len(c.spans), n)
			}
			if b := beyondFloor(c.byPath, n, recipe); b != "" {
				t.Errorf("beyond the floor: %s", b)
			}
			// A second reset starts from zero.
			if err := l.reset(); err != nil {
				t.Fatal(err)
			}
			if c, err := l.counts(); err != nil || c.requests != 0 || c.handshakes != 0 {
				t.Errorf("after reset: %+v, %v; want nothing counted", c, err)
			}
		})
	}
}
