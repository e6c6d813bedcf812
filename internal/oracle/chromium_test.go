package oracle

import (
	"context"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/chromedp"
)

// chromiumPath is Debian's Chromium, as CI installs it.
const chromiumPath = "/usr/bin/chromium"

// browserCtx is one headless Chromium for every case; cases run in
// browser contexts of their own (cookies and HSTS state apart).
type chrome struct {
	ctx     context.Context
	version string // e.g. "156.0.8078.129"
}

// startChromium launches Chromium with every name resolved to the loopback
// servers (port 443 to https, 80 to plain) and the leaf certificate trusted:
// the test CA goes into an NSS database under $HOME, so certificates verify
// as valid and HSTS is honoured (Chromium ignores HSTS from a connection
// with certificate errors, RFC 6797 §8.1 note 2).
func startChromium(t *testing.T, httpsAddr, httpAddr string, caPEM []byte, leaf *x509.Certificate) *chrome {
	t.Helper()
	if _, err := os.Stat(chromiumPath); err != nil {
		t.Skipf("no %s: the browser oracle needs Debian's chromium", chromiumPath)
	}
	home := t.TempDir()
	trustCA(t, home, caPEM)
	spki := sha256.Sum256(leaf.RawSubjectPublicKeyInfo)
	rules := fmt.Sprintf("MAP *:443 %s, MAP *:80 %s, MAP * ~NOTFOUND", httpsAddr, httpAddr)
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(chromiumPath),
		chromedp.Headless,
		chromedp.NoSandbox, // CI runs as root
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-site-isolation-trials", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("disable-extensions", true),
		chromedp.Flag("disable-features", "SitePerProcess,IsolateOrigins,Translate,HttpsUpgrades,HttpsFirstBalancedModeAutoEnable,MediaRouter,OptimizationHints"),
		chromedp.Flag("host-resolver-rules", rules),
		chromedp.Flag("ignore-certificate-errors-spki-list", base64.StdEncoding.EncodeToString(spki[:])),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.Env("HOME=" + home),
	}
	actx, cancelA := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(actx)
	t.Cleanup(func() { cancel(); cancelA() })
	start, cancelStart := context.WithTimeout(ctx, 60*time.Second)
	defer cancelStart()
	_ = start
	v, err := chromedp.CallBrowser(ctx, browser.GetVersion, cdp.Empty{})
	if err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	ver := v.Product
	if i := strings.IndexByte(ver, '/'); i >= 0 {
		ver = ver[i+1:]
	}
	return &chrome{ctx: ctx, version: ver}
}

// trustCA makes the NSS database Chromium reads on Linux ($HOME/.pki/nssdb)
// and adds the test CA to it as a trusted issuer of server certificates.
func trustCA(t *testing.T, home string, caPEM []byte) {
	t.Helper()
	certutil, err := exec.LookPath("certutil")
	if err != nil || os.Getenv("ORACLE_NO_NSS") != "" {
		return // the SPKI flag still trusts the leaf
	}
	db := home + "/.pki/nssdb"
	if err := os.MkdirAll(db, 0o700); err != nil {
		t.Fatal(err)
	}
	pemFile := home + "/ca.pem"
	if err := os.WriteFile(pemFile, caPEM, 0o600); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{
		{"-N", "-d", "sql:" + db, "--empty-password"},
		{"-A", "-d", "sql:" + db, "-n", "hardscan-test-ca", "-t", "C,,", "-i", pemFile},
	} {
		if out, err := exec.Command(certutil, args...).CombinedOutput(); err != nil {
			t.Fatalf("certutil %s: %v\n%s", strings.Join(args, " "), err, out)
		}
	}
}

// major is Chromium's major version, as the table names it.
func (c *chrome) major() string {
	v, _, _ := strings.Cut(c.version, ".")
	return v
}
