package report

import (
	"slices"
	"strconv"
	"unicode/utf8"

	"github.com/hardscan/hardscan/scan/finding"
	"github.com/hardscan/hardscan/scan/result"
)

// appendSite writes a site target as encoding/json writes its JSONValue
// with HTML escaping off, byte for byte (jsonsite_test.go holds it to
// that), without reflection: a survey's report is mostly these lines, and
// encoding/json's walk of them cost as much CPU as judging them. t comes
// from jsonTarget, so its header names are already valid, lower-case keys.
func appendSite(b []byte, t *result.Target) ([]byte, error) {
	b = append(b, `{"kind":`...)
	kind := t.Kind
	if kind == "" {
		kind = result.KindSite
	}
	b = appendString(b, kind)
	if t.URL != "" {
		b = appendString(append(b, `,"url":`...), t.URL)
	}
	if t.Path != "" {
		b = appendString(append(b, `,"path":`...), t.Path)
	}
	b = appendString(append(b, `,"profile":`...), t.Profile)
	b = append(b, `,"software":`...)
	if s := t.Software; s == nil {
		b = append(b, "null"...)
	} else {
		b = appendString(append(b, `{"name":`...), s.Name)
		b = append(appendString(append(b, `,"version":`...), s.Version), '}')
	}
	b = append(b, `,"error":`...)
	b = appendStringPtr(b, t.Error)
	if t.Grade != "" {
		b = appendString(append(b, `,"grade":`...), t.Grade)
	}
	b = strconv.AppendInt(append(b, `,"status":`...), int64(t.Status), 10)
	b = append(b, `,"tls":`...)
	if s := t.TLS; s == nil {
		b = append(b, "null"...)
	} else {
		b = strconv.AppendBool(append(b, `{"verified":`...), s.Verified)
		b = appendString(append(b, `,"version":`...), s.Version)
		when, err := s.NotAfter.MarshalJSON()
		if err != nil {
			return nil, err
		}
		b = append(append(b, `,"not_after":`...), when...)
		b = append(strconv.AppendInt(append(b, `,"days_left":`...), int64(s.DaysLeft), 10), '}')
	}
	b = appendStrings(append(b, `,"redirects":{"http":`...), t.Redirects.HTTP)
	b = append(appendStrings(append(b, `,"https":`...), t.Redirects.HTTPS), '}')
	b = append(b, `,"headers":`...)
	if t.Headers == nil {
		b = append(b, "null"...)
	} else {
		b = append(b, '{')
		keys := make([]string, 0, len(t.Headers))
		for k := range t.Headers {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for i, k := range keys {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendStrings(append(appendString(b, k), ':'), t.Headers[k])
		}
		b = append(b, '}')
	}
	b, _ = appendList(append(b, `,"cookies":`...), t.Cookies, appendCookie)
	b, err := appendList(append(b, `,"findings":`...), t.Findings, appendFinding)
	if err != nil {
		return nil, err
	}
	b = appendCounts(append(b, `,"summary":`...), t.Summary)
	if t.Changes != nil { // omitzero: an empty list is written, a nil one is not
		b, _ = appendList(append(b, `,"changes":`...), t.Changes, appendChange)
	}
	if t.Line != 0 {
		b = strconv.AppendInt(append(b, `,"line":`...), int64(t.Line), 10)
	}
	return append(b, '}'), nil
}

// appendList writes list as a JSON array, each element with each, and a
// nil list as null, as encoding/json does.
func appendList[T any](b []byte, list []T, each func([]byte, *T) ([]byte, error)) ([]byte, error) {
	if list == nil {
		return append(b, "null"...), nil
	}
	b = append(b, '[')
	for i := range list {
		if i > 0 {
			b = append(b, ',')
		}
		var err error
		if b, err = each(b, &list[i]); err != nil {
			return nil, err
		}
	}
	return append(b, ']'), nil
}

func appendChange(b []byte, c *result.Change) ([]byte, error) {
	b = appendString(append(b, `{"url":`...), c.URL)
	b = appendString(append(b, `,"id":`...), c.ID)
	b = appendString(append(b, `,"subject":`...), c.Subject)
	b = appendString(append(b, `,"was":`...), c.Was)
	return append(appendString(append(b, `,"now":`...), c.Now), '}'), nil
}

func appendCookie(b []byte, c *result.Cookie) ([]byte, error) {
	b = appendString(append(b, `{"name":`...), c.Name)
	b = appendString(append(b, `,"set_by":`...), c.SetBy)
	b = strconv.AppendBool(append(b, `,"secure":`...), c.Secure)
	b = strconv.AppendBool(append(b, `,"http_only":`...), c.HTTPOnly)
	b = appendString(append(b, `,"same_site":`...), c.SameSite)
	b = appendString(append(b, `,"path":`...), c.Path)
	return append(appendString(append(b, `,"domain":`...), c.Domain), '}'), nil
}

func appendFinding(b []byte, f *finding.Finding) ([]byte, error) {
	b = appendString(append(b, `{"id":`...), f.ID)
	b = appendString(append(b, `,"reason":`...), f.Reason)
	sev, err := f.Severity.MarshalText()
	if err != nil {
		return nil, err
	}
	b = appendString(append(b, `,"severity":`...), string(sev))
	b = appendString(append(b, `,"subject":`...), f.Subject)
	b = appendString(append(b, `,"expected":`...), f.Expected)
	b = appendString(append(b, `,"actual":`...), f.Actual)
	b = appendString(append(b, `,"message":`...), f.Message)
	b = append(b, `,"fix":`...)
	if fx := f.Fix; fx == nil {
		b = append(b, "null"...)
	} else {
		b = appendString(append(b, `{"summary":`...), fx.Summary)
		b, _ = appendList(append(b, `,"snippets":`...), fx.Snippets, appendSnippet)
		b = append(b, '}')
	}
	b = appendStrings(append(b, `,"refs":`...), f.Refs)
	b = append(b, `,"accepted":`...)
	if a := f.Accepted; a == nil {
		b = append(b, "null"...)
	} else {
		was, err := a.Was.MarshalText()
		if err != nil {
			return nil, err
		}
		b = appendString(append(b, `{"was":`...), string(was))
		b = append(appendString(append(b, `,"reason":`...), a.Reason), '}')
	}
	return append(b, '}'), nil
}

func appendSnippet(b []byte, s *finding.Snippet) ([]byte, error) {
	b = appendString(append(b, `{"platform":`...), s.Platform)
	b = appendString(append(b, `,"file":`...), s.File)
	b = appendString(append(b, `,"code":`...), s.Code)
	if s.Lang != "" {
		b = appendString(append(b, `,"lang":`...), s.Lang)
	}
	return append(b, '}'), nil
}

func appendCounts(b []byte, c finding.Counts) []byte {
	b = strconv.AppendInt(append(b, `{"pass":`...), int64(c.Pass), 10)
	b = strconv.AppendInt(append(b, `,"info":`...), int64(c.Info), 10)
	b = strconv.AppendInt(append(b, `,"warn":`...), int64(c.Warn), 10)
	return append(strconv.AppendInt(append(b, `,"fail":`...), int64(c.Fail), 10), '}')
}

func appendStringPtr(b []byte, s *string) []byte {
	if s == nil {
		return append(b, "null"...)
	}
	return appendString(b, *s)
}

func appendStrings(b []byte, ss []string) []byte {
	if ss == nil {
		return append(b, "null"...)
	}
	b = append(b, '[')
	for i, s := range ss {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendString(b, s)
	}
	return append(b, ']')
}

const hexDigits = "0123456789abcdef"

// appendString quotes s as encoding/json does without HTML escaping:
// control characters escaped, invalid UTF-8 as U+FFFD, and U+2028 and
// U+2029 escaped, since JavaScript reads them as line ends.
func appendString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		if c := s[i]; c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xF])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(append(b, s[start:i]...), `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			b = append(append(b, s[start:i]...), '\\', 'u', '2', '0', '2', hexDigits[r&0xF])
			i += size
			start = i
			continue
		}
		i += size
	}
	return append(append(b, s[start:]...), '"')
}
