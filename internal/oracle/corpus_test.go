package oracle

import (
	"encoding/json"
	"io/fs"
	"net/url"
	"os"
	"strings"
	"testing"

	"github.com/hardscan/hardscan/internal/replica"
)

// tableCase is one response case of the judges' table tests, as
// internal/judge writes them to its testdata (TestResponsesExport).
type tableCase struct {
	Name    string     `json:"name"`
	Profile string     `json:"profile"`
	Host    string     `json:"host"`
	First   *tableHop  `json:"first"`
	Root    tableHop   `json:"root"`
	Body    string     `json:"body"`
	HTTP    *tableHop  `json:"http"`
	Cookies []tableHop `json:"cookies"`
}

type tableHop struct {
	Path   string `json:"path"`
	Status int    `json:"status"`
	Header []struct {
		Name  string `json:"name"`
		Value string `json:"value"`
	} `json:"header"`
}

const tableCases = "../judge/testdata/responses.json"

// judgeTableCases are the judges' own table cases, served at a host of
// ours: the case's host name becomes ours wherever it is written.
func judgeTableCases(t *testing.T) []ocase {
	t.Helper()
	raw, err := os.ReadFile(tableCases)
	if err != nil {
		t.Fatalf("the judges' cases: %v", err)
	}
	var tcs []tableCase
	if err := json.Unmarshal(raw, &tcs); err != nil {
		t.Fatalf("%s: %v", tableCases, err)
	}
	var out []ocase
	for _, tc := range tcs {
		if strings.Contains(tc.Host, ":") {
			continue // a port of its own: Chromium's rules map 443 and 80 only
		}
		if leavesHost(tc.Host, tc.Root) {
			continue // the page it leads to is not served: the verdict is the exporter's stop, which no browser shows
		}
		own := strings.NewReplacer(tc.Host, "{host}")
		conv := func(h tableHop) reply {
			r := reply{status: h.Status}
			for _, f := range h.Header {
				r.header = append(r.header, field{f.Name, own.Replace(f.Value)})
			}
			return r
		}
		c := ocase{name: "table/" + tc.Name, source: "judge table", profile: tc.Profile, root: conv(tc.Root), rawBody: own.Replace(tc.Body)}
		if tc.First != nil {
			f := conv(*tc.First)
			c.first, c.rootPath = &f, pathOnly(tc.Root.Path)
		}
		if tc.HTTP != nil {
			p := conv(*tc.HTTP)
			c.plain = &p
		}
		for _, h := range tc.Cookies {
			c.cookies = append(c.cookies, pathReply{pathOnly(h.Path), conv(h)})
		}
		c.kinds = kindsOf(&c)
		out = append(out, c)
	}
	return out
}

// leavesHost reports whether the case's root redirects to another host,
// whose page the harness does not serve.
func leavesHost(host string, root tableHop) bool {
	if root.Status < 300 || root.Status > 399 {
		return false
	}
	for _, f := range root.Header {
		if strings.EqualFold(f.Name, "Location") {
			u, err := url.Parse(f.Value)
			return err == nil && u.Host != "" && !strings.EqualFold(u.Hostname(), host)
		}
	}
	return false
}

func pathOnly(uri string) string {
	p, _, _ := strings.Cut(uri, "?")
	return p
}

// recordedCases are the recorded Pleroma, Akkoma and Mastodon response
// heads, each under its software's profile, sent as is, gzip- and
// brotli-encoded.
func recordedCases(t *testing.T) []ocase {
	t.Helper()
	entries, err := fs.ReadDir(os.DirFS("../replica/responses"), ".")
	if err != nil {
		t.Fatal(err)
	}
	var out []ocase
	for _, e := range entries {
		if !strings.HasSuffix(e.Name(), ".http") {
			continue
		}
		rec, err := replica.Response(e.Name())
		if err != nil {
			t.Fatal(err)
		}
		sw, _, _ := strings.Cut(e.Name(), "-")
		own := strings.NewReplacer(replica.RecordedHost, "{host}")
		r := reply{status: rec.Status}
		for _, name := range sortedNames(rec.Header) {
			if strings.EqualFold(name, "Content-Length") || strings.EqualFold(name, "Content-Encoding") || strings.EqualFold(name, "Transfer-Encoding") {
				continue
			}
			for _, v := range rec.Header[name] {
				r.header = append(r.header, field{name, own.Replace(v)})
			}
		}
		if r.status >= 300 && r.status < 400 {
			r.status = 200 // the page itself, to load; its Location is dropped
			r.header = dropField(r.header, "Location")
		}
		for _, enc := range encodings {
			c := ocase{name: "recorded/" + e.Name(), source: "recorded", profile: sw, root: r}
			c.root.encoding = enc
			if enc != "" {
				c.name += " (" + enc + ")"
			}
			c.kinds = kindsOf(&c)
			out = append(out, c)
		}
	}
	return out
}

func dropField(fs []field, name string) []field {
	var out []field
	for _, f := range fs {
		if !strings.EqualFold(f.name, name) {
			out = append(out, f)
		}
	}
	return out
}

// kindsOf is what a case's responses bear on: the kinds whose headers
// (or <meta>) they carry.
func kindsOf(c *ocase) []kind {
	all := []reply{c.root}
	if c.first != nil {
		all = append(all, *c.first)
	}
	for _, cr := range c.cookies {
		all = append(all, cr.reply)
	}
	if c.plain != nil {
		all = append(all, *c.plain)
	}
	has := func(name string) bool {
		for _, r := range all {
			if len(r.values(name)) > 0 {
				return true
			}
		}
		return false
	}
	body := strings.ToLower(c.rawBody + c.head)
	var ks []kind
	if has("Content-Security-Policy") || has("Content-Security-Policy-Report-Only") || strings.Contains(body, "content-security-policy") {
		ks = append(ks, kindDocument)
	}
	if has("X-Frame-Options") || strings.Contains(strings.ToLower(strings.Join(c.root.values("Content-Security-Policy"), ",")), "frame-ancestors") {
		ks = append(ks, kindFraming)
	}
	if has("Set-Cookie") {
		ks = append(ks, kindCookie)
	}
	if has("Referrer-Policy") || strings.Contains(body, "referrer") {
		ks = append(ks, kindReferrer)
	}
	if has("X-Content-Type-Options") {
		ks = append(ks, kindNosniff)
	}
	if has("Strict-Transport-Security") {
		ks = append(ks, kindHSTS)
	}
	return ks
}
