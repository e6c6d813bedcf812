package oracle

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"runtime"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"
)

// outcome is one case run through hardscan and Chromium.
type outcome struct {
	c        *ocase
	host     string
	checks   []check
	err      error
	took     time.Duration
	scanTook time.Duration
	// retried: the first run disagreed and a second agreed.
	retried  bool
	firstRun string // what the first run disagreed on
}

// TestChromiumAgrees is the differential test: every case of the corpus,
// scanned by hardscan and loaded in Chromium; each verdict that a browser
// can show must match what Chromium did.
func TestChromiumAgrees(t *testing.T) {
	if testing.Short() {
		t.Skip("the browser oracle loads hundreds of pages; not in -short")
	}
	if _, err := os.Stat(chromiumPath); err != nil {
		t.Skipf("no %s: the browser oracle needs Debian's chromium", chromiumPath)
	}
	cases := corpus(t)
	if f := os.Getenv("ORACLE_CASES"); f != "" { // a substring of case names, to iterate on a few
		var some []ocase
		for _, c := range cases {
			if strings.Contains(c.name, f) {
				some = append(some, c)
			}
		}
		cases = some
	}
	l := newLab(t)
	b := startChromium(t, l.httpsAddr, l.httpAddr, l.ca.PEM, l.leaf)
	hosts := make([]string, len(cases))
	for i := range cases {
		hosts[i] = fmt.Sprintf("c%d.%s", i, siteDomain)
		if cases[i].http1 {
			hosts[i] = fmt.Sprintf("c%d.%s", i, h1Domain)
		}
		l.register(&cases[i], hosts[i])
	}

	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	start := time.Now()
	results := make([]outcome, len(cases))
	work := make(chan int)
	var wg sync.WaitGroup
	for range workers() {
		wg.Go(func() {
			tab, closeTab, err := b.newTab()
			if err != nil {
				t.Error(err)
				for range work {
				}
				return
			}
			defer closeTab()
			for i := range work {
				results[i] = runCase(ctx, l, tab, &cases[i], hosts[i])
				if !results[i].agrees() {
					// Once more on a fresh host: a page that lost a
					// subresource to a busy machine is no disagreement,
					// one that disagrees twice is.
					// A page that did not load at all (net::ERR_ABORTED
					// on a loaded machine) gets a third try: it said
					// nothing either way.
					again := "r" + hosts[i]
					for try := 0; try < 2; try++ {
						l.register(&cases[i], again)
						r := runCase(ctx, l, tab, &cases[i], again)
						if r.agrees() {
							r.retried, r.firstRun = true, results[i].summary()
							results[i] = r
							break
						}
						if r.err == nil {
							break // it disagreed twice
						}
						again = "r" + again
					}
				}
				if testing.Verbose() {
					t.Logf("%s: %s (scan %s)", cases[i].name, results[i].took, results[i].scanTook)
				}
			}
		})
	}
	for i := range cases {
		work <- i
	}
	close(work)
	wg.Wait()

	tab := tally(results)
	t.Logf("verdicts checked against Chromium %s (%s), %d cases in %s:\n%s", b.major(), b.version, len(cases), time.Since(start).Round(time.Second), tab.String(b.major()))
	if testing.Verbose() {
		t.Logf("cases that did not agree: %q", tab.bad)
		if os.Getenv("ORACLE_CASES") != "" { // iterating on a few: show every check
			for _, r := range results {
				for _, ch := range r.checks {
					t.Logf("%s | %s | Chromium %s | hardscan %s", r.c.name, ch.what, ch.chromium, ch.hardscan)
				}
			}
		}
	}
	for _, r := range results {
		if r.err != nil {
			t.Errorf("%s (%s): %v", r.c.name, r.c.source, r.err)
			continue
		}
		for _, ch := range r.checks {
			switch {
			case ch.limit != "":
				t.Logf("hardscan's stated limit: %s: %s: Chromium %s, hardscan %s: %s", r.c.name, ch.what, ch.chromium, ch.hardscan, ch.limit)
			case ch.departs != "" && ch.agree:
				t.Errorf("%s (%s, %s)\n\t%s: Chromium %s\n\thardscan: %s\n\trecorded as a departure of Chromium's, but they agree now: drop it from departures", r.c.name, r.c.source, r.host, ch.what, ch.chromium, ch.hardscan)
			case ch.departs != "":
				t.Logf("departure, recorded: %s: %s: Chromium %s, hardscan %s: %s", r.c.name, ch.what, ch.chromium, ch.hardscan, ch.departs)
			case !ch.agree:
				t.Errorf("%s (%s, %s)\n\t%s: Chromium %s\n\thardscan: %s", r.c.name, r.c.source, r.host, ch.what, ch.chromium, ch.hardscan)
			}
		}
		if r.retried {
			t.Logf("%s: agreed on the second run; the first said: %s", r.c.name, r.firstRun)
		}
	}
	for _, k := range kinds {
		if n := tab.cases[k]; n < 20 {
			t.Errorf("%s: %d cases, want at least 20", k, n)
		}
		for _, v := range allVariants {
			if n := tab.variants[k][v]; n < minPerVariant && os.Getenv("ORACLE_CASES") == "" {
				t.Errorf("%s: %d cases sent %s, want at least %d", k, n, v, minPerVariant)
			}
		}
	}
	if len(cases) < 300 {
		t.Errorf("%d cases, want at least 300", len(cases))
	}
}

// workers is how many tabs load at once: enough to overlap the waits on
// two cores without starving the browser.
func workers() int {
	return min(8, 2*runtime.GOMAXPROCS(0)+2)
}

func runCase(ctx context.Context, l *lab, tab context.Context, c *ocase, host string) (out outcome) {
	out = outcome{c: c, host: host}
	t0 := time.Now()
	defer func() { out.took = time.Since(t0) }()
	v, model, err := l.scan(ctx, c, host)
	out.scanTook = time.Since(t0)
	if err != nil {
		out.err = err
		return out
	}
	s, err := browse(ctx, tab, l, c, host)
	if err != nil {
		out.err = err
		return out
	}
	out.checks = compare(c, v, s, host)
	if c.has(kindCookie) {
		out.checks = append(out.checks, compareStore(model, s.Cookies, time.Now())...)
	}
	if d, ok := departures[c.name]; ok {
		for i := range out.checks {
			if out.checks[i].what == d.what {
				out.checks[i].departs = d.why
			}
		}
	}
	return out
}

// agrees: no error, and every check agrees or is a recorded departure
// that still departs.
func (o outcome) agrees() bool {
	if o.err != nil {
		return false
	}
	for _, ch := range o.checks {
		if !ch.ok() {
			return false
		}
	}
	return true
}

// summary names what disagreed, in one line.
func (o outcome) summary() string {
	if o.err != nil {
		return o.err.Error()
	}
	var parts []string
	for _, ch := range o.checks {
		if !ch.ok() {
			parts = append(parts, ch.what+": Chromium "+ch.chromium)
		}
	}
	return strings.Join(parts, "; ")
}

// register serves a case at host: "/" (or a hop to /home), the nosniff
// page and its script, and the cookie paths.
func (l *lab) register(c *ocase, host string) {
	// The framing of a recorded message is the server's own: our server
	// writes its own length, coding and connection fields.
	framing := map[string]bool{"content-length": true, "transfer-encoding": true, "connection": true, "keep-alive": true, "content-encoding": true}
	sub := func(r reply) reply {
		var hs []field
		for _, f := range r.header {
			if !framing[strings.ToLower(f.name)] {
				hs = append(hs, field{f.name, strings.ReplaceAll(f.value, "{host}", host)})
			}
		}
		r.header = hs
		return r
	}
	root := sub(c.root)
	// The page is the probes' HTML, whatever the recorded type was (an API
	// answer's JSON): Chromium must parse it as a document.
	root.header = append(dropField(root.header, "Content-Type"), field{"Content-Type", "text/html; charset=utf-8"})
	head := c.head
	if c.pad > 0 {
		padding := "<!--" + strings.Repeat(" ", c.pad) + "-->"
		if c.padFirst {
			head = padding + head
		} else {
			head += padding
		}
	}
	root.body = document(host, head, strings.ReplaceAll(c.rawBody, "{host}", host), nonces(append(root.values("Content-Security-Policy"), metaPolicies(c.head)...)), c.full())
	routes := map[string]reply{"/": root}
	if c.first != nil {
		p := c.rootPath
		if p == "" {
			p = "/home"
		}
		routes["/"], routes[p] = sub(*c.first), root
	}
	for _, cr := range c.cookies {
		routes[cr.path] = sub(cr.reply)
	}
	if c.plain != nil {
		routes["http:/"] = sub(*c.plain)
	}
	script := reply{header: append([]field{{"Content-Type", "text/plain"}}, xcto(root)...)}
	if c.script != nil {
		script = sub(*c.script)
	}
	script.body = "window.__plain=1;"
	routes["/plain.js"] = script
	routes["/nosniff-page"] = reply{body: `<!doctype html><script src="/plain.js"></script>`}
	l.serve(host, routes)
}

func sortedNames(h http.Header) []string {
	names := make([]string, 0, len(h))
	for n := range h {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

func xcto(r reply) []field {
	var fs []field
	for _, f := range r.header {
		if strings.EqualFold(f.name, "X-Content-Type-Options") {
			fs = append(fs, f)
		}
	}
	return fs
}

// table counts cases per kind: run, and those whose every check agreed.
type table struct {
	cases, agree map[kind]int
	// variants counts, per kind, the cases sent in each variant.
	variants  map[kind]map[variant]int
	departs   map[kind]int // checks that agree by a recorded departure of Chromium's from the spec
	limits    map[kind]int // checks hardscan says it cannot decide (an undecodable body)
	total, ok int
	bad       []string // the cases that did not agree
}

func tally(rs []outcome) table {
	t := table{cases: map[kind]int{}, agree: map[kind]int{}, departs: map[kind]int{}, limits: map[kind]int{}, variants: map[kind]map[variant]int{}}
	for _, r := range rs {
		t.total++
		good := r.err == nil
		by := map[kind]bool{}
		for _, ch := range r.checks {
			if _, ok := by[ch.kind]; !ok {
				by[ch.kind] = true
			}
			by[ch.kind] = by[ch.kind] && ch.ok()
			good = good && ch.ok()
			if ch.departs != "" {
				t.departs[ch.kind]++
			}
			if ch.limit != "" {
				t.limits[ch.kind]++
			}
		}
		for k, ok := range by {
			t.cases[k]++
			if t.variants[k] == nil {
				t.variants[k] = map[variant]int{}
			}
			for _, v := range variantsOf(r.c) {
				t.variants[k][v]++
			}
			if ok {
				t.agree[k]++
			}
		}
		if good {
			t.ok++
		} else {
			t.bad = append(t.bad, r.c.name)
		}
	}
	return t
}

func (t table) String(major string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "| kind | cases | agree | gzip | br | repeated headers | redirects | checks where Chromium departs from the spec (recorded) | checks hardscan says it cannot see |\n|---|---:|---:|---:|---:|---:|---:|---:|---:|\n")
	for _, k := range kinds {
		v := t.variants[k]
		fmt.Fprintf(&b, "| %s | %d | %d | %d | %d | %d | %d | %d | %d |\n", k, t.cases[k], t.agree[k], v[variantGzip], v[variantBrotli], v[variantRepeated], v[variantRedirect], t.departs[k], t.limits[k])
	}
	verdict := "all agree"
	if t.ok != t.total {
		verdict = fmt.Sprintf("%d disagree", t.total-t.ok)
	}
	fmt.Fprintf(&b, "verdicts checked against Chromium %s: %d cases, %s\n", major, t.total, verdict)
	return b.String()
}

// corpus is every case: the generated ones, the recorded responses and
// the judges' own table cases.
func corpus(t *testing.T) []ocase {
	t.Helper()
	cs := generated()
	cs = append(cs, recordedCases(t)...)
	cs = append(cs, judgeTableCases(t)...)
	return cs
}

// variant is a way a case is sent that a judge could get wrong: an
// encoded body, a header field repeated, a redirect before the page.
type variant string

const (
	variantGzip     variant = "gzip-encoded"
	variantBrotli   variant = "brotli-encoded"
	variantRepeated variant = "with a repeated header field"
	variantRedirect variant = "behind a redirect"
)

var allVariants = []variant{variantGzip, variantBrotli, variantRepeated, variantRedirect}

// minPerVariant is how many cases of each kind each variant has at least.
const minPerVariant = 3

func variantsOf(c *ocase) []variant {
	var out []variant
	encs := c.root.encoding
	if c.first != nil {
		encs += "," + c.first.encoding
	}
	if c.script != nil {
		encs += "," + c.script.encoding
	}
	if strings.Contains(encs, "gzip") {
		out = append(out, variantGzip)
	}
	if strings.Contains(encs, "br") {
		out = append(out, variantBrotli)
	}
	repeated := func(r *reply) bool {
		if r == nil {
			return false
		}
		n := map[string]int{}
		for _, f := range r.header {
			n[strings.ToLower(f.name)]++
			if n[strings.ToLower(f.name)] > 1 {
				return true
			}
		}
		return false
	}
	if repeated(&c.root) || repeated(c.first) || repeated(c.script) {
		out = append(out, variantRepeated)
	}
	if c.first != nil || c.plain != nil && c.plain.status/100 == 3 {
		out = append(out, variantRedirect)
	}
	return out
}
