package cli

import (
	"bufio"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"net"
	"net/url"
	"strings"

	"golang.org/x/net/idna"
)

// parseTarget turns what a user wrote into the https URL to scan. A bare host
// means https://host/; http:// is scanned as https:// (the plain-HTTP probe
// is part of every scan). Credentials in a URL are refused, never echoed.
func parseTarget(raw string) (*url.URL, error) {
	s := strings.TrimSpace(raw)
	if s == "" {
		return nil, errors.New("empty URL")
	}
	if !strings.Contains(s, "://") {
		s = "https://" + s
	}
	u, err := url.Parse(s)
	if err != nil {
		// url.Error repeats the input, which may hold a password.
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return nil, fmt.Errorf("bad URL: %w", err)
	}
	if u.User != nil {
		return nil, fmt.Errorf("bad URL %s: credentials in a URL are refused (they would be sent and reported); use -H 'Authorization: ...' instead", u.Redacted())
	}
	switch strings.ToLower(u.Scheme) {
	case "https", "http":
	default:
		return nil, fmt.Errorf("bad URL %s: scheme %q is not supported: hardscan scans https:// (and probes http://)", u.Redacted(), u.Scheme)
	}
	host := u.Hostname()
	if host == "" {
		return nil, fmt.Errorf("bad URL %q: no host", raw)
	}
	if ip := net.ParseIP(host); ip == nil {
		ascii, err := idna.Lookup.ToASCII(strings.TrimSuffix(host, "."))
		if err != nil {
			return nil, fmt.Errorf("bad URL: host %q: %w", host, err)
		}
		host = ascii
	} else if strings.Contains(host, ":") {
		host = "[" + host + "]"
	}
	if p := u.Port(); p != "" {
		host += ":" + p
	}
	out := &url.URL{Scheme: "https", Host: strings.ToLower(host), Path: u.Path, RawPath: u.RawPath, RawQuery: u.RawQuery}
	if out.Path == "" {
		out.Path = "/"
	}
	return out, nil
}

// job is one target to scan, in input order.
type job struct {
	index int
	line  int // line number in the -i file, 0 for command-line URLs
	raw   string
	url   *url.URL
	err   error
}

// seenSet remembers targets by a 64-bit hash, so that a list of a million
// URLs is deduplicated without keeping its strings.
type seenSet map[uint64]struct{}

func (s seenSet) add(u *url.URL) bool {
	h := fnv.New64a()
	_, _ = io.WriteString(h, u.String())
	k := h.Sum64()
	if _, ok := s[k]; ok {
		return false
	}
	s[k] = struct{}{}
	return true
}

// maxLine caps one line of a -i list; a longer line is an error for that
// line alone, and the list goes on.
const maxLine = 64 << 10

// listReader yields the targets of a -i file one line at a time: blank lines
// and # comments are skipped; a bad line becomes a job carrying its error.
type listReader struct {
	r       *bufio.Reader
	line    int
	pending *listItem // read by peek, not yet returned
}

// listItem is one target line, or the error of a line that could not be
// used (err set, raw its start).
type listItem struct {
	line int
	raw  string
	err  error
}

func newListReader(r io.Reader) *listReader {
	return &listReader{r: bufio.NewReaderSize(r, maxLine)}
}

// next returns the next target line, or ok false at the end; err is a
// read error that ends the list.
func (l *listReader) next() (it listItem, ok bool, err error) {
	if p := l.pending; p != nil {
		l.pending = nil
		return *p, true, nil
	}
	for {
		b, rerr := l.r.ReadSlice('\n')
		if len(b) == 0 && rerr == io.EOF {
			return listItem{}, false, nil
		}
		l.line++
		if rerr == bufio.ErrBufferFull {
			start := strings.ToValidUTF8(string(b[:64]), "?") + "..."
			for rerr == bufio.ErrBufferFull {
				_, rerr = l.r.ReadSlice('\n')
			}
			if rerr != nil && rerr != io.EOF {
				return listItem{}, false, fmt.Errorf("line %d: %w", l.line, rerr)
			}
			return listItem{line: l.line, raw: start, err: fmt.Errorf("longer than the %d KiB line cap", maxLine>>10)}, true, nil
		}
		if rerr != nil && rerr != io.EOF {
			return listItem{}, false, fmt.Errorf("line %d: %w", l.line, rerr)
		}
		text := strings.TrimSpace(string(b))
		if i := strings.Index(text, "#"); i == 0 || (i > 0 && (text[i-1] == ' ' || text[i-1] == '\t')) {
			text = strings.TrimSpace(text[:i])
		}
		if text == "" {
			continue
		}
		return listItem{line: l.line, raw: text}, true, nil
	}
}

// peek reads ahead to the first target line, so that an empty or unreadable
// list is a usage error before any scan starts; next returns it first.
func (l *listReader) peek() error {
	it, ok, err := l.next()
	if err != nil {
		return err
	}
	if !ok {
		return errors.New("no targets in the list")
	}
	l.pending = &it
	return nil
}
