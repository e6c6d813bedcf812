package report

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/hardscan/hardscan/scan/finding"
	"github.com/hardscan/hardscan/scan/result"
)

// viaEncodingJSON is what appendSite must equal: encoding/json's line for
// the same target.
func viaEncodingJSON(t *testing.T, tg *result.Target) []byte {
	t.Helper()
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(jsonTarget(tg).JSONValue()); err != nil {
		t.Fatal(err)
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
}

// hostileStrings are strings a server can put in a header or a cookie, which the
// report must quote exactly as encoding/json would.
var hostileStrings = []string{
	"", "plain", `quote " and \ backslash`, "<script>&amp;</script>", "\x00\x01\x1f\x7f",
	"\b\f\n\r\t", "bad utf-8 \xff\xfe and \xc3", "line\u2028sep\u2029para", "é ü 日本 🔒", "\xed\xa0\x80 surrogate",
}

// fullSite sets every field of a site, each hostileStrings string somewhere.
func fullSite(s string) *result.Target {
	errText := "error " + s
	return &result.Target{
		Kind: result.KindSite, URL: "https://example.tld/" + s, Path: "/p" + s, Profile: "pleroma" + s,
		Software: &result.Software{Name: "pleroma" + s, Version: "2.7" + s},
		Error:    &errText, Grade: "B" + s, Status: 200,
		TLS:       &result.TLS{Verified: true, Version: "TLS 1.3" + s, NotAfter: time.Date(2027, 3, 7, 12, 34, 50, 123456789, time.FixedZone("x", 3600)), DaysLeft: -3},
		Redirects: result.Redirects{HTTP: []string{"http://example.tld/", s}, HTTPS: []string{}},
		Headers:   map[string][]string{"x-a" + s: {s, "v"}, "content-security-policy": {"default-src 'none'"}, "x-empty": nil, "X-Upper": {"u"}},
		Cookies:   []result.Cookie{{Name: s, SetBy: "/", Secure: true, HTTPOnly: true, SameSite: "Lax" + s, Path: "/" + s, Domain: s}},
		Findings: []finding.Finding{
			{ID: "csp.script-src", Reason: "extra-source" + s, Severity: finding.Warn, Subject: s, Expected: "e" + s, Actual: "a" + s, Message: "m" + s,
				Fix:  &finding.Fix{Summary: "do " + s, Snippets: []finding.Snippet{{Platform: "nginx", File: "f" + s, Code: "add_header X \"" + s + "\" always;\n", Lang: "nginx"}, {Platform: "p", Code: s}}},
				Refs: []string{"https://r/" + s}, Accepted: &finding.Accepted{Was: finding.Fail, Reason: "r" + s}},
			{ID: "hsts", Severity: finding.Pass, Fix: &finding.Fix{}, Refs: []string{}},
			{ID: "x", Severity: finding.Info},
		},
		Summary: finding.Counts{Pass: 1, Info: 2, Warn: 3, Fail: 4},
		Changes: []result.Change{{URL: "u" + s, ID: "i", Subject: s, Was: "pass", Now: "fail"}},
		Line:    7,
		Index:   1,
	}
}

// A field added to the report's types must be added to appendSite too:
// fullSite sets every field, so that the comparison sees each one written.
func TestFullSiteSetsEveryField(t *testing.T) {
	var walk func(path string, v reflect.Value)
	walk = func(path string, v reflect.Value) {
		switch v.Kind() {
		case reflect.Pointer:
			if !v.IsNil() {
				walk(path, v.Elem())
			}
		case reflect.Slice:
			if v.Len() > 0 {
				walk(path+"[0]", v.Index(0))
			}
		case reflect.Struct:
			if v.Type() == reflect.TypeFor[time.Time]() {
				return
			}
			for i := range v.NumField() {
				f := v.Type().Field(i)
				if f.Tag.Get("json") == "-" {
					continue
				}
				if v.Field(i).IsZero() {
					t.Errorf("fullSite leaves %s.%s unset", path, f.Name)
				}
				walk(path+"."+f.Name, v.Field(i))
			}
		}
	}
	walk("Target", reflect.ValueOf(fullSite("x")))
}

func TestAppendSiteIsEncodingJSON(t *testing.T) {
	cases := map[string]*result.Target{
		"new site":          result.NewSite("https://example.tld/"),
		"zero, no kind":     {},
		"no changes field":  {Kind: result.KindSite, URL: "https://a/", Changes: nil},
		"empty changes":     {Kind: result.KindSite, URL: "https://a/", Changes: []result.Change{}},
		"negative status":   {Kind: result.KindSite, Status: -1, Line: -2},
		"path on a site":    {Kind: result.KindSite, Path: "/etc/x"},
		"nil lists in copy": {Kind: result.KindSite, Findings: []finding.Finding{{Refs: nil, Fix: &finding.Fix{Snippets: []finding.Snippet{}}}}},
	}
	for _, s := range hostileStrings {
		cases["hostile "+s] = fullSite(s)
	}
	for _, r := range []*result.Report{fixture()} {
		for _, tg := range r.Targets {
			cases["fixture "+tg.Name()] = tg
		}
	}
	for name, tg := range cases {
		want := viaEncodingJSON(t, tg)
		got, err := appendSite(nil, jsonTarget(tg))
		if err != nil {
			t.Fatalf("%q: %v", name, err)
		}
		if !bytes.Equal(got, want) {
			i := 0
			for i < len(got) && i < len(want) && got[i] == want[i] {
				i++
			}
			t.Errorf("%q: differs from encoding/json at byte %d:\n got %s\nwant %s", name, i, tail(got, i), tail(want, i))
		}
	}
}

func tail(b []byte, i int) string {
	start := max(i-40, 0)
	return strings.ToValidUTF8(string(b[start:min(len(b), i+40)]), "?")
}

// A bad severity is an error, as encoding/json's MarshalText call makes it.
func TestAppendSiteBadSeverity(t *testing.T) {
	tg := result.NewSite("https://a/")
	tg.Findings = []finding.Finding{{ID: "x", Severity: finding.Severity(9)}}
	if _, err := appendSite(nil, jsonTarget(tg)); err == nil {
		t.Error("no error for severity 9")
	}
	var buf bytes.Buffer
	if err := encodeTarget(&buf, tg); err == nil || buf.Len() != 0 {
		t.Errorf("encodeTarget: %v, %d bytes written; want an error and nothing", err, buf.Len())
	}
}

func FuzzAppendString(f *testing.F) {
	for _, s := range hostileStrings {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		var buf bytes.Buffer
		enc := json.NewEncoder(&buf)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(s); err != nil {
			t.Fatal(err)
		}
		want := bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
		if got := appendString(nil, s); !bytes.Equal(got, want) {
			t.Errorf("appendString(%q) = %s, want %s", s, got, want)
		}
	})
}

// BenchmarkEncodeTarget measures an NDJSON line of a Pleroma-sized target.
func BenchmarkEncodeTarget(b *testing.B) {
	tg := fullSite("pleroma")
	for range 40 {
		tg.Findings = append(tg.Findings, tg.Findings[0])
	}
	var buf bytes.Buffer
	b.ReportAllocs()
	for b.Loop() {
		buf.Reset()
		if err := encodeTarget(&buf, tg); err != nil {
			b.Fatal(err)
		}
	}
	b.SetBytes(int64(buf.Len()))
}
