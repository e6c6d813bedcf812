package probe

import (
	"fmt"
	"net"
	"strconv"
	"strings"
)

// Resolve is one --resolve rule: connect to Addr when dialing Host:Port.
// As with curl, Host or Port may be "*". Addr may carry a port of its own
// (127.0.0.1:8443, [::1]:8443), which replaces Port: tests and benchmarks use
// it to send a host's 443 and 80 to unprivileged loopback ports.
type Resolve struct {
	Host string
	Port string
	Addr string // an IP literal, or IP:port
}

// ParseResolve reads HOST:PORT:ADDR[:PORT2]. ADDR is an IP literal; an IPv6
// one is written in brackets.
func ParseResolve(s string) (Resolve, error) {
	host, rest, ok := strings.Cut(s, ":")
	if !ok || host == "" {
		return Resolve{}, fmt.Errorf("--resolve %q: want HOST:PORT:ADDR", s)
	}
	port, addr, ok := strings.Cut(rest, ":")
	if !ok || addr == "" {
		return Resolve{}, fmt.Errorf("--resolve %q: want HOST:PORT:ADDR", s)
	}
	if port != "*" {
		if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 {
			return Resolve{}, fmt.Errorf("--resolve %q: port %q is not a number from 1 to 65535", s, port)
		}
	}
	ip, addrPort, err := splitAddr(addr)
	if err != nil {
		return Resolve{}, fmt.Errorf("--resolve %q: %w", s, err)
	}
	r := Resolve{Host: strings.ToLower(strings.TrimSuffix(host, ".")), Port: port, Addr: ip}
	if addrPort != "" {
		r.Addr = net.JoinHostPort(ip, addrPort)
	}
	return r, nil
}

// splitAddr separates an address and its optional port: 127.0.0.1,
// 127.0.0.1:8443, [::1], [::1]:8443 or a bare ::1.
func splitAddr(addr string) (ip, port string, err error) {
	switch {
	case strings.HasPrefix(addr, "["):
		end := strings.Index(addr, "]")
		if end < 0 {
			return "", "", fmt.Errorf("address %q: missing ]", addr)
		}
		ip = addr[1:end]
		if rest := addr[end+1:]; rest != "" {
			if !strings.HasPrefix(rest, ":") {
				return "", "", fmt.Errorf("address %q: junk after ]", addr)
			}
			port = rest[1:]
		}
	case strings.Count(addr, ":") == 1:
		ip, port, _ = strings.Cut(addr, ":")
	default:
		ip = addr
	}
	if net.ParseIP(ip) == nil {
		return "", "", fmt.Errorf("address %q is not an IP address", ip)
	}
	if port != "" {
		if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 {
			return "", "", fmt.Errorf("port %q is not a number from 1 to 65535", port)
		}
	}
	return ip, port, nil
}

// lookup returns where to connect for host:port, and whether a rule matched.
// The first matching rule wins, as in curl. A port no rule names goes to the
// address of the host's first rule that carries no port of its own: a user
// who says example.tld:443 is at 192.0.2.1 means its port 80 is there too,
// and asking DNS instead would scan another machine.
func lookup(rules []Resolve, host, port string) (string, bool) {
	host = strings.ToLower(strings.TrimSuffix(host, "."))
	for _, r := range rules {
		if (r.Host == "*" || r.Host == host) && (r.Port == "*" || r.Port == port) {
			if _, p, err := net.SplitHostPort(r.Addr); err == nil && p != "" {
				return r.Addr, true
			}
			return net.JoinHostPort(r.Addr, port), true
		}
	}
	for _, r := range rules {
		if r.Host == host && net.ParseIP(r.Addr) != nil { // a bare IP: no port of its own
			return net.JoinHostPort(r.Addr, port), true
		}
	}
	return "", false
}

// names reports whether a rule names host (or every host), so that it is
// never looked up in DNS.
func names(rules []Resolve, host string) bool {
	host = strings.ToLower(strings.TrimSuffix(host, "."))
	for _, r := range rules {
		if r.Host == "*" || r.Host == host {
			return true
		}
	}
	return false
}
