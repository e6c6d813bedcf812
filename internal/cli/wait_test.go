package cli

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"
	"unsafe"

	"github.com/hardscan/hardscan/fixtures/hostile"
	"github.com/hardscan/hardscan/scan/gate"
)

// openPTY opens a pseudo-terminal: what hardscan writes to tty shows up,
// as a terminal would get it, in what read returns once tty is closed.
func openPTY(t *testing.T) (tty *os.File, read func() string) {
	t.Helper()
	m, err := os.OpenFile("/dev/ptmx", os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		t.Skipf("no pseudo-terminal: %v", err)
	}
	var unlock int32
	if _, _, e := syscall.Syscall(syscall.SYS_IOCTL, m.Fd(), syscall.TIOCSPTLCK, uintptr(unsafe.Pointer(&unlock))); e != 0 {
		m.Close()
		t.Skipf("unlockpt: %v", e)
	}
	var n uint32
	if _, _, e := syscall.Syscall(syscall.SYS_IOCTL, m.Fd(), syscall.TIOCGPTN, uintptr(unsafe.Pointer(&n))); e != 0 {
		m.Close()
		t.Skipf("ptsname: %v", e)
	}
	s, err := os.OpenFile(fmt.Sprintf("/dev/pts/%d", n), os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		m.Close()
		t.Skipf("open the pty's terminal: %v", err)
	}
	var buf bytes.Buffer
	done := make(chan struct{})
	go func() {
		_, _ = io.Copy(&buf, m) // ends with EIO once the terminal side is closed
		close(done)
	}()
	t.Cleanup(func() { s.Close(); m.Close() })
	return s, func() string {
		s.Close()
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			t.Fatal("the pty did not drain")
		}
		return buf.String()
	}
}

// A target that accepts the connection and never answers: on a terminal a
// line says what hardscan waits for while it waits, and is gone before
// the prompt; off a terminal nothing is drawn.
func TestWaitLineOnATerminal(t *testing.T) {
	old := waitAfter
	waitAfter = 300 * time.Millisecond
	t.Cleanup(func() { waitAfter = old })
	_, args := startHostile(t, hostile.Silent)
	args = append(args, "--timeout", "1s", "-p", "modern", "-f", "table", "--backend-port", "0", "https://example.tld/")

	tty, read := openPTY(t)
	var stdout bytes.Buffer
	code := run(context.Background(), args, strings.NewReader(""), &stdout, tty)
	got := read()
	if code != gate.ExitErrors {
		t.Errorf("exit %d, want 3", code)
	}
	const want = "waiting for example.tld: TLS handshake…"
	i := strings.LastIndex(got, want)
	if i < 0 {
		t.Fatalf("the terminal got %q, want a line %q", got, want)
	}
	if rest := got[i:]; !strings.Contains(rest, "\r\x1b[K") {
		t.Errorf("the wait line is never cleared: %q", rest)
	}
	if !strings.Contains(stdout.String(), "the TLS handshake did not finish") {
		t.Errorf("the report does not say what did not answer:\n%s", stdout.String())
	}

	var stderr bytes.Buffer
	run(context.Background(), args, strings.NewReader(""), io.Discard, &stderr)
	if strings.Contains(stderr.String(), "waiting") {
		t.Errorf("off a terminal, stderr got %q", stderr.String())
	}
}
