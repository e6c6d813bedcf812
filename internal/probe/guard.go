package probe

import (
	"context"
	"fmt"
	"net/netip"
	"syscall"
)

// Address classes a client may be kept from connecting to: the addresses of
// the machine itself and of the networks around it, which a service that
// scans on behalf of others must not reach for them (server-side request
// forgery).
const (
	ClassLoopback    = "loopback"    // 127.0.0.0/8, ::1 (RFC 1122, RFC 4291)
	ClassPrivate     = "private"     // RFC 1918, RFC 4193 fc00::/7, site-local fec0::/10
	ClassLinkLocal   = "link-local"  // 169.254.0.0/16 (cloud metadata at .169.254), fe80::/10
	ClassCGNAT       = "cgnat"       // 100.64.0.0/10, shared address space (RFC 6598)
	ClassMulticast   = "multicast"   // 224.0.0.0/4, ff00::/8
	ClassUnspecified = "unspecified" // 0.0.0.0/8 ("this network", RFC 1122), ::
	ClassReserved    = "reserved"    // 240.0.0.0/4 with the broadcast address (RFC 1112)
)

// Classes lists every class Classify returns, in a fixed order.
var Classes = []string{ClassLoopback, ClassPrivate, ClassLinkLocal, ClassCGNAT, ClassMulticast, ClassUnspecified, ClassReserved}

var (
	cgnat    = netip.MustParsePrefix("100.64.0.0/10")
	thisNet  = netip.MustParsePrefix("0.0.0.0/8")
	reserved = netip.MustParsePrefix("240.0.0.0/4")
	siteLoc  = netip.MustParsePrefix("fec0::/10")
	// IPv6 forms that carry an IPv4 address a gateway connects to: the
	// deprecated IPv4-compatible ::a.b.c.d (RFC 4291 2.5.5.1), NAT64's
	// well-known prefix (RFC 6052) and 6to4 (RFC 3056).
	compat = netip.MustParsePrefix("::/96")
	nat64  = netip.MustParsePrefix("64:ff9b::/96")
	sixTo4 = netip.MustParsePrefix("2002::/16")
)

// Classify names the class of a special-purpose address, or returns ""
// for an address on the public internet. IPv6 forms that embed an IPv4
// address (::ffff:127.0.0.1, ::127.0.0.1, 64:ff9b::a00:1, 2002:a00:1::)
// are judged by the IPv4 address, since that is where the packets go.
func Classify(ip netip.Addr) string {
	ip = ip.WithZone("")
	if v4, ok := embedded4(ip); ok {
		ip = v4
	}
	switch {
	case !ip.IsValid(), ip.IsUnspecified(), thisNet.Contains(ip):
		return ClassUnspecified
	case ip.IsLoopback():
		return ClassLoopback
	case ip.IsPrivate(), siteLoc.Contains(ip):
		return ClassPrivate
	case ip.IsLinkLocalUnicast():
		return ClassLinkLocal
	case cgnat.Contains(ip):
		return ClassCGNAT
	case ip.IsMulticast():
		return ClassMulticast
	case reserved.Contains(ip):
		return ClassReserved
	}
	return ""
}

// embedded4 returns the IPv4 address an IPv6 one carries, if it does.
func embedded4(ip netip.Addr) (netip.Addr, bool) {
	if ip.Is4In6() {
		return ip.Unmap(), true
	}
	if !ip.Is6() {
		return ip, false
	}
	b := ip.As16()
	switch {
	case compat.Contains(ip) && !ip.IsUnspecified() && !ip.IsLoopback():
		return netip.AddrFrom4([4]byte(b[12:16])), true
	case nat64.Contains(ip):
		return netip.AddrFrom4([4]byte(b[12:16])), true
	case sixTo4.Contains(ip):
		return netip.AddrFrom4([4]byte(b[2:6])), true
	}
	return ip, false
}

// AddrPolicy says which addresses a client connects to: every public one,
// and of the special-purpose ones (Classify) only those Allow contains, or
// all of them with AllowSpecial.
type AddrPolicy struct {
	AllowSpecial bool
	Allow        []netip.Prefix
}

// RefusedError is a connection AddrPolicy refused before it was made.
type RefusedError struct {
	Addr  netip.AddrPort
	Class string // one of Classes
}

func (e *RefusedError) Error() string {
	return fmt.Sprintf("refused to connect to %s, a %s address", e.Addr.Addr().WithZone(""), e.Class)
}

// Check returns a *RefusedError for an address the policy refuses.
func (p AddrPolicy) Check(addr netip.AddrPort) error {
	class := Classify(addr.Addr())
	if class == "" || p.AllowSpecial {
		return nil
	}
	ip := addr.Addr().WithZone("")
	v4, _ := embedded4(ip)
	for _, n := range p.Allow {
		if n.Contains(ip) || n.Contains(v4) {
			return nil
		}
	}
	return &RefusedError{Addr: addr, Class: class}
}

// ParseNet reads a CIDR (10.0.0.0/8, fd00::/8) or a single address; an
// IPv4-mapped prefix (::ffff:10.0.0.0/104) is read as its IPv4 one.
func ParseNet(s string) (netip.Prefix, error) {
	p, err := netip.ParsePrefix(s)
	if err != nil {
		ip, err2 := netip.ParseAddr(s)
		if err2 != nil || ip.Zone() != "" {
			return netip.Prefix{}, fmt.Errorf("%q is not a CIDR such as 10.0.0.0/8 or fd00::/8", s)
		}
		p = netip.PrefixFrom(ip, ip.BitLen())
	}
	if p.Addr().Is4In6() && p.Bits() >= 96 {
		p = netip.PrefixFrom(p.Addr().Unmap(), p.Bits()-96)
	}
	return p.Masked(), nil
}

// control runs Options.Guard from the dialer, once for each address it
// tries, after name resolution and before connect(2): no packet leaves for
// an address the guard refuses, and a name that resolves differently from
// one dial to the next (DNS rebinding) is checked every time.
func (c *Client) control(ctx context.Context, network, address string, _ syscall.RawConn) error {
	ap, err := netip.ParseAddrPort(address)
	if err != nil {
		return fmt.Errorf("connect to %s: not an address the guard can check: %w", address, err)
	}
	return c.opt.Guard(ctx, ap)
}
