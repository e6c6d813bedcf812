package probe

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestClassify(t *testing.T) {
	for _, tc := range []struct{ addr, want string }{
		{"127.0.0.1", ClassLoopback},
		{"127.255.0.9", ClassLoopback},
		{"::1", ClassLoopback},
		{"::ffff:127.0.0.1", ClassLoopback},
		{"::127.0.0.1", ClassLoopback}, // IPv4-compatible, RFC 4291 2.5.5.1
		{"64:ff9b::7f00:1", ClassLoopback},
		{"10.0.0.1", ClassPrivate},
		{"172.16.0.1", ClassPrivate},
		{"172.31.255.255", ClassPrivate},
		{"192.168.1.1", ClassPrivate},
		{"::ffff:10.0.0.1", ClassPrivate},
		{"2002:a00:1::1", ClassPrivate}, // 6to4 of 10.0.0.1
		{"fd00::1", ClassPrivate},
		{"fc00::1", ClassPrivate},
		{"fec0::1", ClassPrivate},
		{"169.254.169.254", ClassLinkLocal},
		{"::ffff:169.254.169.254", ClassLinkLocal},
		{"fe80::1", ClassLinkLocal},
		{"fe80::1%eth0", ClassLinkLocal},
		{"100.64.0.1", ClassCGNAT},
		{"100.127.255.255", ClassCGNAT},
		{"224.0.0.1", ClassMulticast},
		{"239.1.1.1", ClassMulticast},
		{"ff02::1", ClassMulticast},
		{"ff0e::1", ClassMulticast},
		{"0.0.0.0", ClassUnspecified},
		{"0.1.2.3", ClassUnspecified},
		{"::", ClassUnspecified},
		{"::ffff:0.0.0.0", ClassUnspecified},
		{"255.255.255.255", ClassReserved},
		{"240.0.0.1", ClassReserved},
		// Public: the neighbours of each range stay public.
		{"192.0.2.1", ""},
		{"172.32.0.1", ""},
		{"100.128.0.1", ""},
		{"100.63.255.255", ""},
		{"169.255.0.1", ""},
		{"11.0.0.1", ""},
		{"2001:db8::1", ""},
		{"2606:4700::1111", ""},
		{"::ffff:8.8.8.8", ""},
		{"64:ff9b::808:808", ""},
	} {
		if got := Classify(netip.MustParseAddr(tc.addr)); got != tc.want {
			t.Errorf("Classify(%s) = %q, want %q", tc.addr, got, tc.want)
		}
	}
}

func TestAddrPolicy(t *testing.T) {
	nets := func(ss ...string) []netip.Prefix {
		var ps []netip.Prefix
		for _, s := range ss {
			p, err := ParseNet(s)
			if err != nil {
				t.Fatal(err)
			}
			ps = append(ps, p)
		}
		return ps
	}
	for _, tc := range []struct {
		policy AddrPolicy
		addr   string
		want   string // the refused class, "" when allowed
	}{
		{AddrPolicy{}, "192.0.2.1:443", ""},
		{AddrPolicy{}, "127.0.0.1:443", ClassLoopback},
		{AddrPolicy{}, "[::ffff:127.0.0.1]:443", ClassLoopback},
		{AddrPolicy{}, "169.254.169.254:80", ClassLinkLocal},
		{AddrPolicy{AllowSpecial: true}, "169.254.169.254:80", ""},
		{AddrPolicy{Allow: nets("127.0.0.0/8")}, "127.0.0.1:443", ""},
		{AddrPolicy{Allow: nets("127.0.0.0/8")}, "[::ffff:127.0.0.1]:443", ""},
		{AddrPolicy{Allow: nets("127.0.0.0/8")}, "[::1]:443", ClassLoopback},
		{AddrPolicy{Allow: nets("::ffff:10.1.0.0/112")}, "10.1.2.3:443", ""},
		{AddrPolicy{Allow: nets("10.1.0.0/16")}, "10.2.0.1:443", ClassPrivate},
		{AddrPolicy{Allow: nets("fd00::/8")}, "[fd12::1]:443", ""},
		{AddrPolicy{Allow: nets("::1")}, "[::1]:443", ""},
	} {
		err := tc.policy.Check(netip.MustParseAddrPort(tc.addr))
		var re *RefusedError
		switch {
		case tc.want == "" && err != nil:
			t.Errorf("%+v refuses %s: %v", tc.policy, tc.addr, err)
		case tc.want != "" && (!errors.As(err, &re) || re.Class != tc.want):
			t.Errorf("%+v on %s: %v, want a refusal as %s", tc.policy, tc.addr, err, tc.want)
		}
	}
	for _, bad := range []string{"10.0.0.0/33", "example.org", "fe80::1%eth0", ""} {
		if _, err := ParseNet(bad); err == nil {
			t.Errorf("ParseNet(%q) accepted", bad)
		}
	}
}

// dialLog is a Guard for tests: it records each address it is asked
// about, refuses what policy refuses, and refuses anything outside
// loopback whatever policy says, so that a test never sends a packet off
// the machine even when the code under test is wrong.
type dialLog struct {
	policy AddrPolicy
	mu     sync.Mutex
	asked  []netip.AddrPort
	passed []netip.AddrPort
}

func (d *dialLog) guard(_ context.Context, ap netip.AddrPort) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.asked = append(d.asked, ap)
	if err := d.policy.Check(ap); err != nil {
		return err
	}
	if !ap.Addr().Unmap().IsLoopback() {
		return errors.New("test guard: no packet leaves loopback")
	}
	d.passed = append(d.passed, ap)
	return nil
}

func TestGuardRefusesBeforeConnect(t *testing.T) {
	for _, addr := range []string{"10.0.0.1", "169.254.169.254", "127.0.0.1", "[::1]", "[::ffff:127.0.0.1]", "[fe80::1]"} {
		t.Run(addr, func(t *testing.T) {
			log := &dialLog{}
			rule, err := ParseResolve("allowed.test:443:" + addr)
			if err != nil {
				t.Fatal(err)
			}
			c := NewClient(Options{Timeout: 2 * time.Second, Resolve: []Resolve{rule}, Guard: log.guard})
			u, _ := url.Parse("https://allowed.test/")
			_, err = c.Session().get(context.Background(), request{url: u})
			var re *RefusedError
			if !errors.As(err, &re) {
				t.Fatalf("GET through %s: %v, want a refusal", addr, err)
			}
			if len(log.asked) != 1 || len(log.passed) != 0 {
				t.Errorf("guard asked about %v, let %v through", log.asked, log.passed)
			}
		})
	}
}

// Every dial is checked, plain HTTP and the backend port's too, and a
// redirect the hook refuses is reported but not requested.
func TestGuardEveryDial(t *testing.T) {
	var hits sync.Map
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Store(r.Host+r.URL.Path, true)
		switch r.URL.Path {
		case "/":
			w.Header().Set("Location", "http://internal.test/secret")
			w.WriteHeader(http.StatusFound)
		case "/inside":
			w.Header().Set("Location", "http://allowed.test/end")
			w.WriteHeader(http.StatusFound)
		}
	}))
	defer srv.Close()
	ap := netip.MustParseAddrPort(srv.Listener.Addr().String())
	var rules []Resolve
	for _, h := range []string{"allowed.test", "internal.test"} {
		r, err := ParseResolve(h + ":80:" + ap.String())
		if err != nil {
			t.Fatal(err)
		}
		rules = append(rules, r)
	}
	log := &dialLog{policy: AddrPolicy{Allow: []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")}}}
	var redirects []string
	c := NewClient(Options{Timeout: 2 * time.Second, Resolve: rules, Guard: log.guard,
		AllowRedirect: func(to *url.URL) bool {
			redirects = append(redirects, to.String())
			return to.Hostname() == "allowed.test"
		}})
	s := c.Session()
	defer s.CloseIdle()

	u, _ := url.Parse("http://allowed.test/")
	ch, err := s.get(context.Background(), request{url: u, follow: true})
	if err != nil {
		t.Fatal(err)
	}
	if !ch.Disallowed || len(ch.Hops) != 1 || ch.Final().Location.String() != "http://internal.test/secret" {
		t.Errorf("chain %v (disallowed %v, stopped %q): want one hop whose Location is the refused redirect", ch.URLs(), ch.Disallowed, ch.Stopped)
	}
	if _, ok := hits.Load("internal.test/secret"); ok {
		t.Errorf("the refused redirect was requested")
	}
	if !strings.Contains(ch.Stopped, "internal.test") {
		t.Errorf("Stopped %q does not say where the redirect led", ch.Stopped)
	}

	in, _ := url.Parse("http://allowed.test/inside")
	if ch, err := s.get(context.Background(), request{url: in, follow: true}); err != nil || ch.Disallowed || len(ch.Hops) != 2 {
		t.Errorf("an allowed redirect: %v, %v; want it followed", ch, err)
	}
	asked := len(log.asked)
	if asked == 0 {
		t.Fatal("the guard was never asked")
	}

	// The backend port's own dial is checked too: refused by the policy
	// here (::1 is outside 127.0.0.0/8), so nothing connects.
	rb, err := ParseResolve("allowed.test:4000:[::1]")
	if err != nil {
		t.Fatal(err)
	}
	c2 := NewClient(Options{Timeout: 2 * time.Second, Resolve: []Resolve{rb}, Guard: log.guard})
	p := c2.Session().probeBackend(context.Background(), "allowed.test", 4000)
	if p.Open || len(log.asked) != asked+1 || len(log.passed) != asked {
		t.Errorf("backend probe: %+v; guard asked %d more times, passed %v", p, len(log.asked)-asked, log.passed[asked:])
	}
}
