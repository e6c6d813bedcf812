package serve

import (
	"errors"
	"fmt"
	"net"
	"net/netip"
	"net/url"
	"strconv"
	"strings"

	"golang.org/x/net/idna"
)

// hostOf returns the host a browser would connect to for u, in the form
// --allow patterns are matched against: lower-case ASCII (IDNA's UTS #46
// mapping, so fullwidth letters and ideographic full stops become the
// ASCII a browser looks up, and look-alikes become xn-- labels that match
// nothing written in ASCII), without a trailing dot, an IPv4 address in
// dotted decimal whichever way the URL wrote it (2130706433, 0x7f.1), an
// IPv6 one in its RFC 5952 form without brackets. It also returns the port
// a browser would use, "" for the scheme's default. What a browser would
// refuse, or read otherwise than Go's dialer, is an error: credentials,
// zones, percent-encoding, a port outside 1-65535.
func hostOf(u *url.URL) (host, port string, err error) {
	if u.User != nil {
		return "", "", errors.New("credentials in a URL are refused: the host would be hard to tell")
	}
	if strings.Contains(u.Host, "%") {
		return "", "", fmt.Errorf("host %q: percent-encoding and zones are refused", u.Host)
	}
	raw := u.Hostname()
	if raw == "" {
		return "", "", errors.New("no host")
	}
	port, err = portOf(u)
	if err != nil {
		return "", "", err
	}
	if strings.HasPrefix(u.Host, "[") {
		ip, err := netip.ParseAddr(raw)
		if err != nil || !ip.Is6() {
			return "", "", fmt.Errorf("host [%s] is not an IPv6 address", raw)
		}
		return ip.String(), port, nil
	}
	name := strings.TrimSuffix(raw, ".")
	ascii, err := idna.Lookup.ToASCII(name)
	if err != nil || ascii == "" {
		return "", "", fmt.Errorf("host %q is not a valid name (IDNA): %v", raw, err)
	}
	ascii = strings.ToLower(ascii)
	if endsInNumber(ascii) {
		ip, err := parseIPv4(ascii)
		if err != nil {
			return "", "", fmt.Errorf("host %q: %w", raw, err)
		}
		return ip.String(), port, nil
	}
	return ascii, port, nil
}

// canonical returns u with the host hostOf reads, so that the scan connects
// to the very host that was matched against --allow.
func canonical(u *url.URL) (*url.URL, string, error) {
	host, port, err := hostOf(u)
	if err != nil {
		return nil, "", err
	}
	out := *u
	out.Host = host
	if strings.Contains(host, ":") {
		out.Host = "[" + host + "]"
	}
	if port != "" {
		out.Host = net.JoinHostPort(host, port)
	}
	return &out, host, nil
}

// portOf reads u's port as a browser does (leading zeros dropped), and
// returns "" for the scheme's default.
func portOf(u *url.URL) (string, error) {
	p := u.Port()
	if p == "" {
		return "", nil
	}
	n, err := strconv.Atoi(p)
	if err != nil || n < 1 || n > 65535 {
		return "", fmt.Errorf("port %q: want a number from 1 to 65535", p)
	}
	if (u.Scheme == "https" && n == 443) || (u.Scheme == "http" && n == 80) {
		return "", nil
	}
	return strconv.Itoa(n), nil
}

// endsInNumber is the URL Standard's "ends in a number checker": a host
// whose last label is a number is an IPv4 address to a browser, in
// whatever base it is written.
func endsInNumber(host string) bool {
	labels := strings.Split(host, ".")
	last := labels[len(labels)-1]
	if last == "" {
		if len(labels) == 1 {
			return false
		}
		last = labels[len(labels)-2]
	}
	if last != "" && strings.Trim(last, "0123456789") == "" {
		return true
	}
	_, err := ipv4Number(last)
	return err == nil
}

// parseIPv4 is the URL Standard's IPv4 parser: up to four parts, each
// decimal, octal (leading 0) or hexadecimal (0x), the last filling the
// bytes the others leave.
func parseIPv4(host string) (netip.Addr, error) {
	parts := strings.Split(host, ".")
	if parts[len(parts)-1] == "" && len(parts) > 1 {
		parts = parts[:len(parts)-1]
	}
	if len(parts) > 4 {
		return netip.Addr{}, errors.New("more than four parts in an IPv4 address")
	}
	nums := make([]uint64, len(parts))
	for i, p := range parts {
		n, err := ipv4Number(p)
		if err != nil {
			return netip.Addr{}, fmt.Errorf("IPv4 part %q: %w", p, err)
		}
		nums[i] = n
	}
	var v uint64
	for i, n := range nums[:len(nums)-1] {
		if n > 255 {
			return netip.Addr{}, fmt.Errorf("IPv4 part %d is over 255", n)
		}
		v |= n << (8 * (3 - i))
	}
	last := nums[len(nums)-1]
	if last >= 1<<(8*(5-len(nums))) {
		return netip.Addr{}, errors.New("IPv4 address out of range")
	}
	v |= last
	return netip.AddrFrom4([4]byte{byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v)}), nil
}

func ipv4Number(s string) (uint64, error) {
	if s == "" {
		return 0, errors.New("empty")
	}
	base := 10
	switch {
	case strings.HasPrefix(s, "0x") || strings.HasPrefix(s, "0X"):
		s, base = s[2:], 16
		if s == "" {
			return 0, nil
		}
	case len(s) > 1 && s[0] == '0':
		s, base = s[1:], 8
	}
	n, err := strconv.ParseUint(s, base, 64)
	if err != nil {
		return 0, errors.New("not a number")
	}
	return n, nil
}

// normalPattern is an --allow pattern in the form hostOf writes hosts: an
// IP address canonical, without brackets; a name lower case, its
// non-ASCII labels as xn-- labels.
func normalPattern(p string) (string, error) {
	p = strings.TrimSuffix(strings.ToLower(strings.TrimSpace(p)), ".")
	if ip, err := netip.ParseAddr(strings.Trim(p, "[]")); err == nil {
		if ip.Zone() != "" {
			return "", fmt.Errorf("--allow %q: zones are refused", p)
		}
		return ip.String(), nil
	}
	labels := strings.Split(p, ".")
	for i, l := range labels {
		if l == "" && len(labels) > 1 {
			return "", fmt.Errorf("--allow %q: an empty label", p)
		}
		if strings.ContainsAny(l, "*?[\\") {
			continue
		}
		a, err := idna.Lookup.ToASCII(l)
		if err != nil {
			return "", fmt.Errorf("--allow %q: label %q: %v", p, l, err)
		}
		labels[i] = a
	}
	return strings.Join(labels, "."), nil
}
