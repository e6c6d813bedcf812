package cli

import (
	"net"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/hardscan/hardscan/scan/finding"
	"github.com/hardscan/hardscan/scan/result"
)

// TestRealApache scans Debian's Apache with Pleroma's shipped
// pleroma-apache.conf (testdata/apache), whose port-80 redirect has no
// trailing slash: the deep URL's path is glued onto the host name.
func TestRealApache(t *testing.T) {
	const bin = "/usr/sbin/apache2"
	if _, err := os.Stat(bin); err != nil {
		t.Skip("apache2 is not installed (Debian package apache2): the real-Apache test needs it")
	}
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "run"), 0o755); err != nil {
		t.Fatal(err)
	}
	ca, _ := writeCerts(t, dir)
	backend := httptest.NewServer(pleromaBackend())
	t.Cleanup(backend.Close)
	vars := map[string]string{
		"@DIR@":     dir,
		"@HTTPS@":   freePort(t),
		"@HTTP@":    freePort(t),
		"@BACKEND@": strings.TrimPrefix(backend.URL, "http://"),
		"@USER@":    "",
	}
	if os.Geteuid() == 0 {
		// Apache will not run its children as root; they need to reach
		// the mutex files under the test's directory.
		vars["@USER@"] = "User www-data\nGroup www-data"
		for d := dir; d != os.TempDir() && d != "/" && d != "."; d = filepath.Dir(d) {
			_ = os.Chmod(d, 0o755)
		}
	}
	renderConf(t, "testdata/apache/apache2.conf", filepath.Join(dir, "apache2.conf"), vars)
	renderConf(t, "testdata/apache/pleroma-apache.conf", filepath.Join(dir, "pleroma-apache.conf"), vars)

	https := "127.0.0.1:" + vars["@HTTPS@"]
	out := startDaemon(t, exec.Command(bin, "-f", filepath.Join(dir, "apache2.conf"), "-DFOREGROUND"),
		https, filepath.Join(dir, "error.log"), 10*time.Second)

	o := runArgs(t, "--cacert", ca, "--backend-port", "0", "--resolve", "*:443:"+https,
		"--resolve", "*:80:127.0.0.1:"+vars["@HTTP@"], "-p", "pleroma", "-f", "json", "https://apache.test/")
	tg := onlyTarget(t, o)
	if tg.Error != nil {
		log, _ := os.ReadFile(filepath.Join(dir, "error.log"))
		t.Fatalf("target error %q\n%s%s", *tg.Error, out.String(), log)
	}
	for _, w := range []struct {
		key, reason string
		sev         finding.Severity
	}{
		{"https.redirect", "ok", finding.Pass},                // / goes to https://apache.test, the same host
		{"https.redirect.path", "host-mangled", finding.Fail}, // /hardscan/deep goes to https://apache.testhardscan/deep
		{"hsts", "ok", finding.Pass},
		{"headers.error-page", "ok", finding.Pass}, // `Header always set`, and Pleroma's own 404 headers
		{"site.down", "ok", finding.Pass},
	} {
		f := findKey(tg, w.key)
		switch {
		case f == nil:
			t.Errorf("%s: not reported, want %s %s", w.key, w.sev, w.reason)
		case f.Reason != w.reason || f.Severity != w.sev:
			t.Errorf("%s: %s %s, want %s %s (%s)", w.key, f.Severity, f.Reason, w.sev, w.reason, f.Message)
		}
	}
	if t.Failed() {
		t.Logf("findings:\n%s", dumpTarget(tg))
	}
}

// findKey finds the finding "id" or "id[subject]".
func findKey(tg *result.Target, k string) *finding.Finding {
	for i := range tg.Findings {
		if key(tg.Findings[i]) == k {
			return &tg.Findings[i]
		}
	}
	return nil
}

// waitListening waits until addr accepts connections, failing the test
// with diag() when the server exits first or takes over 10 seconds.
// startDaemon starts a real server in the foreground, stops it (SIGTERM,
// then after grace a kill) when the test ends, and waits until addr
// accepts connections; what it printed goes to the returned builder, and
// with its error log into a failure's message.
func startDaemon(t *testing.T, cmd *exec.Cmd, addr, errorLog string, grace time.Duration) *strings.Builder {
	t.Helper()
	out := &strings.Builder{}
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		t.Fatalf("start %s: %v", filepath.Base(cmd.Path), err)
	}
	exited := make(chan error, 1)
	done := make(chan struct{}) // closed once the server has exited
	go func() { err := cmd.Wait(); close(done); exited <- err }()
	t.Cleanup(func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-done:
		case <-time.After(grace):
			_ = cmd.Process.Kill()
			<-done
		}
	})
	waitListening(t, addr, exited, func() string {
		log, _ := os.ReadFile(errorLog)
		return out.String() + string(log)
	})
	return out
}

func waitListening(t *testing.T, addr string, exited <-chan error, diag func() string) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); ; {
		select {
		case err := <-exited:
			t.Fatalf("server exited: %v\n%s", err, diag())
		default:
		}
		if c, err := net.DialTimeout("tcp", addr, time.Second); err == nil {
			_ = c.Close()
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("nothing listens on %s after 10s\n%s", addr, diag())
		}
		time.Sleep(20 * time.Millisecond)
	}
}
