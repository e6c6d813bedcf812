package oracle

import (
	"context"
	"fmt"
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
	for _, r := range results {
		if r.err != nil {
			t.Errorf("%s (%s): %v", r.c.name, r.c.source, r.err)
			continue
		}
		for _, ch := range r.checks {
			if !ch.agree {
				t.Errorf("%s (%s, %s)\n\t%s: Chromium %s\n\thardscan: %s", r.c.name, r.c.source, r.host, ch.what, ch.chromium, ch.hardscan)
			}
		}
	}
	for _, k := range kinds {
		if n := tab.cases[k]; n < 20 {
			t.Errorf("%s: %d cases, want at least 20", k, n)
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
	v, _, err := l.scan(ctx, c, host)
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
	return out
}

// register serves a case at host: "/" (or a hop to /home), the nosniff
// page and its script, and the cookie paths.
func (l *lab) register(c *ocase, host string) {
	sub := func(r reply) reply {
		hs := make([]field, len(r.header))
		for i, f := range r.header {
			hs[i] = field{f.name, strings.ReplaceAll(f.value, "{host}", host)}
		}
		r.header = hs
		return r
	}
	root := sub(c.root)
	root.body = document(host, c.head, nonces(root.values("Content-Security-Policy")), c.full())
	routes := map[string]reply{"/": root}
	if c.first != nil {
		routes["/"], routes["/home"] = sub(*c.first), root
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
	total, ok    int
}

func tally(rs []outcome) table {
	t := table{cases: map[kind]int{}, agree: map[kind]int{}}
	for _, r := range rs {
		t.total++
		good := r.err == nil
		by := map[kind]bool{}
		for _, ch := range r.checks {
			if _, ok := by[ch.kind]; !ok {
				by[ch.kind] = true
			}
			by[ch.kind] = by[ch.kind] && ch.agree
			good = good && ch.agree
		}
		for k, ok := range by {
			t.cases[k]++
			if ok {
				t.agree[k]++
			}
		}
		if good {
			t.ok++
		}
	}
	return t
}

func (t table) String(major string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "| kind | cases | agree |\n|---|---:|---:|\n")
	ks := append([]kind(nil), kinds...)
	sort.SliceStable(ks, func(i, j int) bool { return false })
	for _, k := range ks {
		fmt.Fprintf(&b, "| %s | %d | %d |\n", k, t.cases[k], t.agree[k])
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
	return cs
}
