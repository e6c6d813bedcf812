package cli

import (
	"bufio"
	"bytes"
	"context"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hardscan/hardscan/scan/gate"
	"golang.org/x/net/html"
)

// htmlPage runs hardscan with -f html and returns the page.
func htmlPage(t *testing.T, args ...string) []byte {
	t.Helper()
	out := filepath.Join(t.TempDir(), "report.html")
	o := runArgs(t, append(args, "-f", "html", "-o", out)...)
	if o.code != gate.ExitOK && o.code != gate.ExitFindings {
		t.Fatalf("exit %d: %s", o.code, o.stderr)
	}
	page, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	return page
}

// threeSites scans three replicas behind three names: a default Pleroma, a
// default Akkoma and a Pleroma with HSTS on.
func threeSites(t *testing.T) []string {
	t.Helper()
	var args, urls []string
	for _, s := range []struct{ scenario, host string }{
		{"pleroma-2.7-default", "social.example"},
		{"akkoma-default", "akkoma.example"},
		{"pleroma-2.7-sts", "hardened.example"},
	} {
		site := scenario(t, s.scenario)
		site.Host = s.host
		args = append(args, startSite(t, site)...)
		urls = append(urls, s.host)
	}
	return append(args, urls...)
}

// The HTML report is self-contained (docs/contract.md): nothing in it names a resource
// to fetch. Parsed, not grepped: every element and attribute is looked at.
func TestHTMLSelfContained(t *testing.T) {
	for name, page := range map[string][]byte{"demo": htmlPage(t, "--demo"), "three": htmlPage(t, threeSites(t)...)} {
		doc, err := html.Parse(bytes.NewReader(page))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		var csp string
		var walk func(*html.Node)
		walk = func(n *html.Node) {
			if n.Type == html.ElementNode {
				switch n.Data {
				case "script", "img", "link", "iframe", "object", "embed", "video", "audio", "source", "form", "base":
					t.Errorf("%s: the page has a <%s>", name, n.Data)
				}
				for _, a := range n.Attr {
					switch {
					case a.Key == "src" || a.Key == "srcset" || a.Key == "action" || a.Key == "style" || strings.HasPrefix(a.Key, "on"):
						t.Errorf("%s: <%s %s=%q>", name, n.Data, a.Key, a.Val)
					case a.Key == "href" && !strings.HasPrefix(a.Val, "#"):
						t.Errorf("%s: <%s href=%q> leaves the page", name, n.Data, a.Val)
					case n.Data == "meta" && strings.EqualFold(a.Key, "http-equiv") && strings.EqualFold(a.Val, "content-security-policy"):
						for _, b := range n.Attr {
							if b.Key == "content" {
								csp = b.Val
							}
						}
					}
				}
			}
			if n.Type == html.TextNode && n.Parent != nil && n.Parent.Data == "style" &&
				(strings.Contains(n.Data, "url(") || strings.Contains(n.Data, "@import")) {
				t.Errorf("%s: the style loads something", name)
			}
			for c := n.FirstChild; c != nil; c = c.NextSibling {
				walk(c)
			}
		}
		walk(doc)
		if !strings.HasPrefix(csp, "default-src 'none'; style-src 'sha256-") {
			t.Errorf("%s: CSP %q, want default-src 'none' and the style by its hash", name, csp)
		}
	}
}

// A real browser renders the demo's page and a three-target page: it loads
// nothing from the network and logs no console message (a CSP violation,
// a style the hash does not allow, an error). The screenshots are written
// to docs/ with -update, for a person to look at.
func TestHTMLInChromium(t *testing.T) {
	chromium, err := exec.LookPath("chromium")
	if err != nil {
		t.Skip("chromium is not installed (Debian: apt-get install chromium)")
	}
	pages := []struct {
		name          string
		page          []byte
		width, height int
	}{
		{"report-demo", htmlPage(t, "--demo"), 1000, 2000},
		{"report-three-targets", htmlPage(t, threeSites(t)...), 1000, 2000},
		{"report-demo-phone", htmlPage(t, "--demo"), 412, 2400},
	}
	for _, p := range pages {
		t.Run(p.name, func(t *testing.T) {
			console, requests, shot := render(t, chromium, p.page, p.width, p.height)
			for _, line := range console {
				t.Errorf("console: %s", line)
			}
			for _, req := range requests {
				t.Errorf("the page made a request: %q", req)
			}
			if *update && p.name != "report-demo-phone" {
				if err := os.WriteFile(filepath.Join("..", "..", "docs", p.name+".png"), shot, 0o644); err != nil {
					t.Fatal(err)
				}
			}
		})
	}
	// The harness sees what it looks for: a style the page's CSP does not
	// allow and an image to fetch are reported.
	t.Run("a bad page is caught", func(t *testing.T) {
		bad := []byte(`<!DOCTYPE html><html><head><meta http-equiv="Content-Security-Policy" content="style-src 'none'">` +
			`<style>body{color:red}</style></head><body><img src="http://fetch.example/x.png"></body></html>`)
		console, requests, _ := render(t, chromium, bad, 400, 300)
		if len(console) == 0 || len(requests) == 0 {
			t.Errorf("a page with a refused style and an image: console %q, requests %q; the checks above see nothing", console, requests)
		}
	})
}

// render loads page in headless Chromium and returns its console lines,
// the requests it sent (the browser's own aside) and a screenshot.
func render(t *testing.T, chromium string, page []byte, width, height int) (console, requests []string, shot []byte) {
	t.Helper()
	dir := t.TempDir()
	file := filepath.Join(dir, "page.html")
	if err := os.WriteFile(file, page, 0o644); err != nil {
		t.Fatal(err)
	}
	proxy := startRecorder(t)
	png := filepath.Join(dir, "page.png")
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, chromium,
		"--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
		"--disable-component-update", "--disable-sync", "--no-first-run", "--hide-scrollbars",
		"--user-data-dir="+filepath.Join(dir, "profile"),
		"--enable-logging=stderr", "--v=0",
		// Whatever the browser fetches goes to the recorder, loopback included.
		"--proxy-server=http://"+proxy.addr, "--proxy-bypass-list=<-loopback>",
		"--window-size="+strconv.Itoa(width)+","+strconv.Itoa(height), "--screenshot="+png,
		"file://"+file)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("chromium: %v\n%s", err, stderr.String())
	}
	sc := bufio.NewScanner(&stderr)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		if strings.Contains(sc.Text(), ":CONSOLE") {
			console = append(console, sc.Text())
		}
	}
	for _, req := range proxy.requests() {
		if !browserOwn(req) {
			requests = append(requests, req)
		}
	}
	shot, err := os.ReadFile(png)
	if err != nil || !bytes.HasPrefix(shot, []byte("\x89PNG")) {
		t.Fatalf("no screenshot: %v", err)
	}
	return console, requests, shot
}

// browserOwn reports whether a proxied request line is Chromium's own
// traffic (updates, time, accounts), which no flag fully silences; a page
// fetch would name its own host.
func browserOwn(req string) bool {
	for _, host := range []string{".google.com", ".googleapis.com", ".gvt1.com", ".gstatic.com"} {
		if i := strings.Index(req, host); i > 0 && strings.IndexByte(req[:i], ' ') >= 0 {
			return true
		}
	}
	return false
}

// recorder is a proxy that answers nothing and remembers each request line.
type recorder struct {
	addr string
	mu   sync.Mutex
	seen []string
}

func startRecorder(t *testing.T) *recorder {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	r := &recorder{addr: ln.Addr().String()}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				_ = c.SetDeadline(time.Now().Add(5 * time.Second))
				line, _ := bufio.NewReader(c).ReadString('\n')
				r.mu.Lock()
				r.seen = append(r.seen, strings.TrimSpace(line))
				r.mu.Unlock()
			}()
		}
	}()
	return r
}

func (r *recorder) requests() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.seen...)
}
