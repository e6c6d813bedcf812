package oracle

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/storage"
	"github.com/chromedp/chromedp"
)

// seen is what Chromium did with a case.
type seen struct {
	Inline, Nonce, Wrong, Attr, Evil, Data bool // the page's probe scripts that ran
	Eval                                   bool // eval() of a string was allowed
	Base                                   bool // a relative script after the injected <base> ran from the attacker's origin
	BaseURI                                string
	Violations                             []string // "directive disposition" of each securitypolicyviolation event

	Object      bool   // the attacker's origin was asked for the <object>
	Form        bool   // the form posted to the attacker's origin
	ImgReferer  string // the Referer of the cross-origin <img>; "-" when it was not requested
	LinkReferer string // the Referer of the link followed to another origin
	Framed      bool   // the page rendered in a frame of the attacker's origin
	Sniffed     bool   // the script sent as text/plain ran
	Cookies     []*network.Cookie
	Upgraded    bool   // http://host/ was rewritten to https:// (HSTS)
	UpgradedSub bool   // http://sub.host/ was
	URL         string // the page's URL, after any redirect
	Tail        bool   // the page's last probe (the link) is in the document: Chromium parsed it to the end
}

// watch notes every CSP violation the page reports, from before its own
// scripts run and whatever its policy says: DevTools injects it.
const watch = `window.__viol=[];document.addEventListener('securitypolicyviolation',function(e){window.__viol.push(e.effectiveDirective+' '+e.disposition)});`

// markers reads what the probes marked. DevTools' own evaluation is exempt
// from the page's CSP, but a string handed to setTimeout is compiled in the
// page under its policy, as eval is (CSP3 §4.4 EnsureCSPDoesNotBlockStringCompilation).
const markers = `(async function(){setTimeout("window.__eval=1",0);await new Promise(function(r){setTimeout(r,20)});
return JSON.stringify({Inline:!!window.__inline,Nonce:!!window.__nonce,Wrong:!!window.__wrong,Attr:!!window.__attr,
Evil:!!window.__evil,Data:!!window.__data,Eval:!!window.__eval,Base:!!window.__base,BaseURI:document.baseURI,URL:location.href,Tail:!!document.getElementById('link'),Violations:window.__viol||[]})})()`

// newTab opens a tab in a browser context of its own. A worker keeps its
// tab for many cases: each case has its own host, so HSTS state cannot
// carry over, and the cookies are cleared after each.
func (b *chrome) newTab() (context.Context, context.CancelFunc, error) {
	tab, cancel := chromedp.NewContext(b.ctx, chromedp.WithNewBrowserContext())
	if _, err := chromedp.Call(tab, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: watch}); err != nil {
		cancel()
		return nil, nil, fmt.Errorf("open tab: %w", err)
	}
	return tab, cancel, nil
}

// browse loads the case in the tab and observes it.
func browse(ctx, tab context.Context, l *lab, c *ocase, host string) (*seen, error) {
	id := chromedp.FromContext(tab).BrowserContextID
	defer func() {
		_, _ = chromedp.CallBrowser(tab, storage.ClearCookies, storage.ClearCookiesParams{BrowserContextID: id})
	}()
	s := &seen{ImgReferer: "-", LinkReferer: "-"}
	pageURL := "https://" + host + "/?from=oracle" // a query, so that a full URL differs from the origin
	nav := func(u string) error {
		if os.Getenv("ORACLE_DEBUG") != "" {
			t0 := time.Now()
			defer func() { fmt.Fprintf(os.Stderr, "nav %s %s\n", u, time.Since(t0)) }()
		}
		nctx, ncancel := context.WithTimeout(tab, 15*time.Second)
		defer ncancel()
		if err := chromedp.Do(nctx, chromedp.Navigate(u)); err != nil {
			return fmt.Errorf("navigate %s: %w", u, err)
		}
		return nil
	}
	if c.plain != nil {
		if err := nav("http://" + host + "/"); err != nil {
			return nil, err
		}
	}
	// Framing and nosniff are observed on pages of their own (the frame
	// loads the page, the nosniff page its script): a case of only those
	// kinds skips the visit of the page itself, which saves a load.
	if c.full() || c.has(kindDocument) || c.has(kindReferrer) || c.has(kindCookie) || c.has(kindHSTS) {
		if err := nav(pageURL); err != nil {
			return nil, err
		}
		if err := settled(tab, host); err != nil {
			return nil, err
		}
		raw, err := chromedp.Run(tab, chromedp.Evaluate[string](markers, chromedp.EvalAwaitPromise))
		if err != nil {
			return nil, fmt.Errorf("read the page: %w", err)
		}
		if err := json.Unmarshal([]byte(raw), s); err != nil {
			return nil, fmt.Errorf("read the page: %w", err)
		}
	}
	for _, h := range l.evilHits(host) {
		switch h.path {
		case "/o?object":
			s.Object = true
		case "/ref?img":
			s.ImgReferer = h.referer
		}
	}
	// The form first: when CSP blocks it the page stays, ready for the
	// link; when it posts, the page is loaded again for the link.
	if c.has(kindDocument) {
		if _, err := chromedp.Run(tab, chromedp.Evaluate[bool](`document.getElementById('form').submit(),true`)); err != nil {
			return nil, fmt.Errorf("submit the form: %w", err)
		}
		blocked := func() bool {
			v, _ := chromedp.Run(tab, chromedp.Evaluate[bool](`(window.__viol||[]).some(function(v){return v.indexOf('form-action enforce')===0})`, chromedp.EvalIgnoreExceptions))
			return v
		}
		_, s.Form = waitHit(ctx, l, host, "/form?form", blocked)
	}
	if c.has(kindReferrer) {
		if s.Form {
			if err := nav(pageURL); err != nil {
				return nil, err
			}
			if err := settled(tab, host); err != nil {
				return nil, err
			}
		}
		if _, err := chromedp.Run(tab, chromedp.Evaluate[bool](`document.getElementById('link').click(),true`)); err != nil {
			return nil, fmt.Errorf("follow the link: %w", err)
		}
		if h, ok := waitHit(ctx, l, host, "/ref?link", nil); ok {
			s.LinkReferer = h.referer
		}
	}
	for _, cr := range c.cookies {
		if err := nav("https://" + host + cr.path); err != nil {
			return nil, err
		}
	}
	if c.has(kindCookie) {
		res, err := chromedp.CallBrowser(tab, storage.GetCookies, storage.GetCookiesParams{BrowserContextID: id})
		if err != nil {
			return nil, fmt.Errorf("cookies: %w", err)
		}
		s.Cookies = res.Cookies
	}
	if c.has(kindFraming) {
		if err := nav("https://" + evilHost + "/frame?c=framer&u=https://" + host + "/"); err != nil {
			return nil, err
		}
		// The frame either commits the page or Chromium's error page;
		// until one of them, it is still loading.
		decided := false
		for deadline := time.Now().Add(5 * time.Second); !decided && time.Now().Before(deadline); {
			ft, err := chromedp.Call(tab, page.GetFrameTree, cdp.Empty{})
			if err != nil {
				return nil, fmt.Errorf("frame tree: %w", err)
			}
			if len(ft.FrameTree.ChildFrames) == 1 {
				f := ft.FrameTree.ChildFrames[0].Frame
				switch {
				case strings.HasPrefix(f.URL, "chrome-error:") || f.UnreachableURL != "":
					s.Framed, decided = false, true
				case strings.HasPrefix(f.URL, "https://"+host+"/"):
					s.Framed, decided = true, true
				}
			}
			if !decided {
				time.Sleep(25 * time.Millisecond)
			}
		}
		if !decided {
			return nil, fmt.Errorf("the framed page neither loaded nor failed")
		}
	}
	if c.has(kindNosniff) {
		if err := nav("https://" + host + "/nosniff-page"); err != nil {
			return nil, err
		}
		if err := settled(tab, host); err != nil {
			return nil, err
		}
		var err error
		s.Sniffed, err = chromedp.Run(tab, chromedp.Evaluate[bool](`!!window.__plain`))
		if err != nil {
			return nil, fmt.Errorf("nosniff page: %w", err)
		}
	}
	if c.has(kindHSTS) {
		for _, h := range []string{host, "sub." + host} {
			if h != host && !s.Upgraded {
				break // only the host's own includeSubDomains reaches its subdomains
			}
			before := len(l.plainHits(h))
			if err := nav("http://" + h + "/hsts-check"); err != nil {
				return nil, err
			}
			up := len(l.plainHits(h)) == before
			if h == host {
				s.Upgraded = up
			} else {
				s.UpgradedSub = up
			}
		}
	}
	return s, nil
}

// settled waits until the tab shows a loaded document of host: a
// navigation reused tab may still report the previous page's events.
func settled(tab context.Context, host string) error {
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); {
		ok, err := chromedp.Run(tab, chromedp.Evaluate[bool](`document.readyState==='complete'&&location.hostname===`+strconvQuote(host), chromedp.EvalIgnoreExceptions))
		if err == nil && ok {
			return nil
		}
		time.Sleep(25 * time.Millisecond)
	}
	return fmt.Errorf("the page of %s did not finish loading", host)
}

func strconvQuote(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// waitHit waits until the attacker's origin saw path for the case, or done
// says it never will, or two seconds pass.
func waitHit(ctx context.Context, l *lab, host, path string, done func() bool) (hit, bool) {
	deadline := time.Now().Add(2 * time.Second)
	for time.Now().Before(deadline) && ctx.Err() == nil {
		for _, h := range l.evilHits(host) {
			if h.path == path {
				return h, true
			}
		}
		if done != nil && done() {
			return hit{}, false
		}
		time.Sleep(20 * time.Millisecond)
	}
	return hit{}, false
}
