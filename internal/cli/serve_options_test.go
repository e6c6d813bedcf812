package cli

import (
	"context"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/hardscan/hardscan/scan/gate"
)

// serve checks its target and client options as the scan command does,
// before it listens: a --cacert FIFO exits 2 at once with the same line,
// instead of blocking on the read.
func TestServeOptionsAsScan(t *testing.T) {
	fifo := filepath.Join(t.TempDir(), "fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	for _, tc := range []struct{ name, flag, value string }{
		{"cacert FIFO", "--cacert", fifo},
		{"cacert directory", "--cacert", t.TempDir()},
		{"bad resolve", "--resolve", "nope"},
		{"bad timeout", "--timeout", "0s"},
		{"unknown profile", "-p", "plerom"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			var scanErr, serveErr strings.Builder
			start := time.Now()
			code := run(ctx, []string{"serve", "--listen", "127.0.0.1:0", "--allow", "x", tc.flag, tc.value}, strings.NewReader(""), &strings.Builder{}, &serveErr)
			if took := time.Since(start); code != gate.ExitUsage || took > 2*time.Second {
				t.Fatalf("serve %s %s: exit %d after %v, want %d at once; stderr %q", tc.flag, tc.value, code, took, gate.ExitUsage, serveErr.String())
			}
			if c := run(ctx, []string{tc.flag, tc.value, "a.test"}, strings.NewReader(""), &strings.Builder{}, &scanErr); c != gate.ExitUsage {
				t.Fatalf("scan %s %s: exit %d, want %d", tc.flag, tc.value, c, gate.ExitUsage)
			}
			if serveErr.String() != scanErr.String() {
				t.Errorf("serve says %q, the scan command %q", serveErr.String(), scanErr.String())
			}
		})
	}
}
