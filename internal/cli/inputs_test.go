package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/hardscan/hardscan/fixtures/vhost"
	"github.com/hardscan/hardscan/scan/gate"
	"github.com/hardscan/hardscan/scan/result"
)

// TestMain lets the tests run this test binary as hardscan itself
// (HARDSCAN_TEST_MAIN=1), to send it real signals and lower its
// RLIMIT_NOFILE without building a second binary; it handles signals as
// main.go does.
func TestMain(m *testing.M) {
	if os.Getenv("HARDSCAN_TEST_MAIN") == "1" {
		ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
		code := Run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
		stop()
		os.Exit(code)
	}
	os.Exit(m.Run())
}

// countingListener is a target that counts the connections it gets, to
// prove that a usage error comes before any network traffic.
func countingListener(t *testing.T) (addr string, conns *atomic.Int64) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	conns = &atomic.Int64{}
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			conns.Add(1)
			c.Close()
		}
	}()
	return ln.Addr().String(), conns
}

// runBounded runs the command and fails the test if it takes longer than
// limit: what a hang looks like.
func runBounded(t *testing.T, limit time.Duration, ctx context.Context, stdin io.Reader, args ...string) outcome {
	t.Helper()
	var stdout, stderr bytes.Buffer
	done := make(chan int, 1)
	go func() { done <- run(ctx, args, stdin, &stdout, &stderr) }()
	select {
	case code := <-done:
		return outcome{code: code, stdout: stdout.String(), stderr: stderr.String()}
	case <-time.After(limit):
		t.Fatalf("hardscan %s: still running after %s", strings.Join(args, " "), limit)
	}
	return outcome{}
}

// Every local input that cannot be read, is not a regular file, is beyond
// its cap or is not what its flag says is a usage error (2), one line,
// found before any network traffic (docs/contract.md, "Exit status").
func TestLocalInputsAreUsageErrors(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	write := func(name string, data []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, data, 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	brackets := write("brackets.exs", bytes.Repeat([]byte("["), 4<<20))
	notConfig := write("readme.exs", []byte("Just some notes about the server.\n"))
	notUnit := write("notes.service", []byte("This is not a unit.\nIt has no sections.\n"))
	var paths strings.Builder
	paths.WriteString(`{"name": "many", "cookie_paths": [`)
	for i := range 200_000 {
		if i > 0 {
			paths.WriteString(",")
		}
		paths.WriteString(`"/"`)
	}
	paths.WriteString("]}")
	manyPaths := write("many.json", []byte(paths.String()))
	// A unit with more drop-ins than the cap, and one whose drop-ins
	// together pass the total cap.
	units := filepath.Join(dir, "units")
	manyDropIns := filepath.Join(units, "many.service")
	os.MkdirAll(manyDropIns+".d", 0o755)
	os.WriteFile(manyDropIns, []byte("[Service]\nExecStart=/bin/true\n"), 0o600)
	for i := range 300 {
		os.WriteFile(filepath.Join(manyDropIns+".d", fmt.Sprintf("%03d.conf", i)), []byte("[Service]\nPrivateTmp=true\n"), 0o600)
	}
	bigDropIns := filepath.Join(units, "big.service")
	os.MkdirAll(bigDropIns+".d", 0o755)
	os.WriteFile(bigDropIns, []byte("[Service]\nExecStart=/bin/true\n"), 0o600)
	chunk := append([]byte("[Service]\n"), bytes.Repeat([]byte("# padding padding padding padding\n"), (3<<20)/34)...)
	for i := range 4 {
		os.WriteFile(filepath.Join(bigDropIns+".d", fmt.Sprintf("%d.conf", i)), chunk, 0o600)
	}
	readOnly := filepath.Join(dir, "ro")
	os.Mkdir(readOnly, 0o500)

	addr, conns := countingListener(t)
	target := []string{"--resolve", "*:*:" + addr, "-p", "modern", "a.test"}
	tests := []struct {
		name string
		args []string
		want string // in the one line on stderr
	}{
		{"--unit on a FIFO", []string{"--unit", fifo}, "not a regular file (a FIFO)"},
		{"--config on a FIFO", []string{"--config", fifo}, "not a regular file (a FIFO)"},
		{"-p on a FIFO", append([]string{"-p", fifo}, target[:2]...), "not a regular file (a FIFO)"},
		{"--baseline on a FIFO", append([]string{"--baseline", fifo}, target...), "not a regular file (a FIFO)"},
		{"--cacert on a FIFO", append([]string{"--cacert", fifo}, target...), "not a regular file (a FIFO)"},
		{"-i on a FIFO", []string{"-i", fifo}, "not a regular file (a FIFO)"},
		{"--baseline /dev/zero", append([]string{"--baseline", "/dev/zero"}, target...), "not a regular file"},
		{"--cacert /dev/zero", append([]string{"--cacert", "/dev/zero"}, target...), "not a regular file"},
		{"--unit on a directory", []string{"--unit", dir}, "not a regular file (a directory)"},
		{"--config that is not Elixir config", []string{"--config", notConfig}, "not an Elixir config file"},
		{"--unit that is not a unit", []string{"--unit", notUnit}, "not a systemd unit file"},
		{"4 MiB of [ in a config", []string{"--config", brackets}, "cap of 250000 tokens"},
		{"200,000 cookie paths", append([]string{"-p", manyPaths}, target[:2]...), "cap of 16"},
		{"300 drop-ins", []string{"--unit", manyDropIns}, "more than 256 drop-ins"},
		{"drop-ins beyond the total size", []string{"--unit", bigDropIns}, "8 MiB total cap"},
		{"-o into a directory", append([]string{"-o", dir}, target...), "is a directory"},
		{"-o into a missing folder", append([]string{"-o", filepath.Join(dir, "missing", "r.json")}, target...), "-o " + filepath.Join(dir, "missing", "r.json") + ": the folder " + filepath.Join(dir, "missing") + " does not exist"},
		{"--accept into a missing folder", append([]string{"--accept", "--baseline", filepath.Join(dir, "missing", "a.json")}, target...), "--baseline " + filepath.Join(dir, "missing", "a.json") + ": the folder " + filepath.Join(dir, "missing") + " does not exist"},
		{"-o into a missing relative folder", append([]string{"-o", "no-such-folder/r.json"}, target...), "-o no-such-folder/r.json: the folder no-such-folder does not exist"},
		{"-o to a FIFO nothing reads", append([]string{"-o", fifo}, target...), "FIFO that nothing reads"},
	}
	if os.Geteuid() != 0 { // root may write into a 0500 folder
		tests = append(tests, struct {
			name string
			args []string
			want string
		}{"-o into a read-only folder", append([]string{"-o", filepath.Join(readOnly, "r.json")}, target...), "permission denied"})
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := runBounded(t, 10*time.Second, context.Background(), strings.NewReader(""), append(tt.args, "--no-progress")...)
			if o.code != gate.ExitUsage {
				t.Errorf("exit %d, want 2; stderr %q", o.code, o.stderr)
			}
			lines := strings.Split(strings.TrimRight(o.stderr, "\n"), "\n")
			if !strings.HasPrefix(lines[0], "hardscan: ") || !strings.Contains(lines[0], tt.want) {
				t.Errorf("stderr %q: want one line 'hardscan: ...' with %q", o.stderr, tt.want)
			}
			if len(lines) > 2 || (len(lines) == 2 && !strings.HasPrefix(lines[1], "hint: ")) {
				t.Errorf("stderr has more than an error and a hint: %q", o.stderr)
			}
			if strings.Contains(o.stderr, ".tmp-") {
				t.Errorf("stderr names a temporary file: %q", o.stderr)
			}
			if n := conns.Load(); n != 0 {
				t.Errorf("%d connections before the usage error", n)
			}
		})
	}
}

// A never-closing stdin, with or without a first line, stops on a signal
// within a second with exit 130.
func TestNeverClosingStdinStopsOnSignal(t *testing.T) {
	addr, _ := countingListener(t)
	for _, first := range []string{"", "a.test\n"} {
		r, w, err := os.Pipe()
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { r.Close(); w.Close() })
		io.WriteString(w, first)
		ctx, cancel := context.WithCancel(context.Background())
		time.AfterFunc(300*time.Millisecond, cancel)
		start := time.Now()
		o := runBounded(t, 5*time.Second, ctx, r, "-i", "-", "-f", "json", "--no-progress", "--resolve", "*:*:"+addr, "-p", "modern")
		if took := time.Since(start); took > 300*time.Millisecond+time.Second {
			t.Errorf("first line %q: took %s, want within a second of the signal", first, took)
		}
		if o.code != gate.ExitInterrupted || !strings.Contains(o.stderr, "interrupted") {
			t.Errorf("first line %q: exit %d stderr %q, want 130", first, o.code, o.stderr)
		}
		if o.stdout != "" {
			var rep result.Report
			if err := json.Unmarshal([]byte(o.stdout), &rep); err != nil || !rep.Incomplete {
				t.Errorf("first line %q: stdout is neither empty nor a report marked incomplete: %v\n%s", first, err, o.stdout)
			}
		}
	}
}

// runSelf runs this test binary as hardscan (see TestMain).
func runSelf(t *testing.T, shell string, args ...string) *exec.Cmd {
	t.Helper()
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	var cmd *exec.Cmd
	if shell != "" {
		cmd = exec.Command("/bin/sh", append([]string{"-c", shell + ` && exec "$0" "$@"`, self}, args...)...)
	} else {
		cmd = exec.Command(self, args...)
	}
	cmd.Env = append(os.Environ(), "HARDSCAN_TEST_MAIN=1")
	return cmd
}

// A real SIGINT to a process blocked reading a pipe that stays open. A
// child that had not yet installed its handler dies of the signal instead;
// that is retried with a longer start-up wait.
func TestSIGINTWithOpenStdin(t *testing.T) {
	for _, wait := range []time.Duration{500 * time.Millisecond, 2 * time.Second, 5 * time.Second} {
		cmd := runSelf(t, "", "-i", "-", "-f", "json", "--no-progress")
		w, err := cmd.StdinPipe()
		if err != nil {
			t.Fatal(err)
		}
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		time.Sleep(wait)
		cmd.Process.Signal(os.Interrupt)
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		select {
		case <-done:
		case <-time.After(time.Second):
			cmd.Process.Kill()
			<-done
			w.Close()
			t.Fatal("still running a second after SIGINT")
		}
		w.Close()
		if ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
			continue // killed before main ran: start again, wait longer
		}
		if code := cmd.ProcessState.ExitCode(); code != gate.ExitInterrupted {
			t.Errorf("exit %d, want 130; stderr %q", code, stderr.String())
		}
		return
	}
	t.Skip("the child never got far enough to catch SIGINT")
}

// With a low open-file limit, -c is lowered with one warning line and no
// target fails for want of descriptors.
func TestFDLimitCapsConcurrency(t *testing.T) {
	_, args := monServer(t, vhost.Options{})
	dir := t.TempDir()
	var list strings.Builder
	const n = 300
	for i := range n {
		fmt.Fprintf(&list, "h%03d.test\n", i)
	}
	listPath := filepath.Join(dir, "list.txt")
	os.WriteFile(listPath, []byte(list.String()), 0o600)
	out := filepath.Join(dir, "out.ndjson")
	cmd := runSelf(t, "ulimit -n 128", append(args, "-i", listPath, "-c", "512", "-f", "ndjson", "-o", out, "-p", "pleroma", "--fail-on", "never")...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("%v: %s", err, stderr.String())
	}
	lines := strings.Split(strings.TrimRight(stderr.String(), "\n"), "\n")
	if len(lines) != 1 || !strings.Contains(lines[0], "warning: -c 512 lowered to") || !strings.Contains(lines[0], "open-file limit is 128") {
		t.Errorf("stderr %q, want one warning line", stderr.String())
	}
	raw, _ := os.ReadFile(out)
	got, errs := 0, 0
	for _, line := range strings.Split(strings.TrimSpace(string(raw)), "\n") {
		var tg result.Target
		if err := json.Unmarshal([]byte(line), &tg); err != nil {
			t.Fatal(err)
		}
		got++
		if tg.Error != nil {
			errs++
			if errs == 1 {
				t.Errorf("target %s: %s", tg.URL, *tg.Error)
			}
		}
	}
	if got != n || errs != 0 {
		t.Errorf("%d targets, %d errors; want %d and 0", got, errs, n)
	}
}

// A line of 64 KiB or more in -i is an error for that line alone.
func TestLongLineIsOneError(t *testing.T) {
	_, args := monServer(t, vhost.Options{})
	list := "one.test\n" + strings.Repeat("x", 70_000) + "\ntwo.test\n"
	path := writeFile(t, "list.txt", list)
	o := runBounded(t, 30*time.Second, context.Background(), strings.NewReader(""), append(args, "-i", path, "-f", "json", "-p", "pleroma", "--fail-on", "never")...)
	var rep result.Report
	if err := json.Unmarshal([]byte(o.stdout), &rep); err != nil {
		t.Fatalf("%v: %s %s", err, o.stdout, o.stderr)
	}
	if len(rep.Targets) != 3 {
		t.Fatalf("%d targets, want 3", len(rep.Targets))
	}
	if tg := rep.Targets[1]; tg.Error == nil || !strings.Contains(*tg.Error, "line 2: longer than the 64 KiB line cap") || len(tg.URL) > 100 {
		t.Errorf("line 2: %+v", tg)
	}
	for _, i := range []int{0, 2} {
		if rep.Targets[i].Error != nil {
			t.Errorf("target %d: %s", i, *rep.Targets[i].Error)
		}
	}
	if o.code != gate.ExitErrors {
		t.Errorf("exit %d, want 3 for the bad line", o.code)
	}
}

// -f json keeps input order however the targets finish.
func TestJSONInInputOrder(t *testing.T) {
	_, args := monServer(t, vhost.Options{})
	var list strings.Builder
	var want []string
	for i := range 60 {
		fmt.Fprintf(&list, "o%02d.test\n", i)
		want = append(want, fmt.Sprintf("https://o%02d.test/", i))
	}
	path := writeFile(t, "list.txt", list.String())
	out := filepath.Join(t.TempDir(), "r.json")
	o := runBounded(t, 60*time.Second, context.Background(), strings.NewReader(""), append(args, "-i", path, "-c", "16", "-f", "json", "-o", out, "-p", "pleroma", "--fail-on", "never")...)
	if o.code != gate.ExitOK {
		t.Fatalf("exit %d: %s", o.code, o.stderr)
	}
	rep := readReport(t, out)
	if got := urls(rep); strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("order:\n got %v\nwant %v", got, want)
	}
	if rep.Summary.Targets != 60 {
		t.Errorf("summary %+v", rep.Summary)
	}
}

// A write error stops the run at once, and a killed run's temporary file
// is cleaned up by the next.
func TestOutputErrors(t *testing.T) {
	srv, args := monServer(t, vhost.Options{})
	var list strings.Builder
	for i := range 200 {
		fmt.Fprintf(&list, "f%03d.test\n", i)
	}
	path := writeFile(t, "list.txt", list.String())
	if _, err := os.Stat("/dev/full"); err == nil {
		srv.Reset()
		o := runBounded(t, 60*time.Second, context.Background(), strings.NewReader(""), append(args, "-i", path, "-c", "2", "-f", "ndjson", "-o", "/dev/full", "-p", "pleroma")...)
		if o.code != gate.ExitErrors || !strings.Contains(o.stderr, "no space left on device") {
			t.Errorf("exit %d stderr %q", o.code, o.stderr)
		}
		if hosts := srv.Stats().Hosts; hosts > 10 {
			t.Errorf("%d of 200 hosts scanned after the first write failed", hosts)
		}
	}
	dir := t.TempDir()
	stale := filepath.Join(dir, ".r.json.tmp-4242")
	os.WriteFile(stale, []byte(`{"schema_ver`), 0o644)
	out := filepath.Join(dir, "r.json")
	o := runBounded(t, 30*time.Second, context.Background(), strings.NewReader(""), append(args, "-o", out, "-f", "json", "-p", "pleroma", "--fail-on", "never", "s.test")...)
	if o.code != gate.ExitOK {
		t.Fatalf("exit %d: %s", o.code, o.stderr)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 || entries[0].Name() != "r.json" {
		t.Errorf("left in the folder: %v", entries)
	}
}

// lockedBuffer is a stderr that a run still finishing in the background may
// write to while the test reads it.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// A signal stops the run within a second while it is blocked writing to a
// pipe that nobody reads.
func TestSignalWhileOutputBlocks(t *testing.T) {
	_, args := monServer(t, vhost.Options{})
	var list strings.Builder
	for i := range 400 {
		fmt.Fprintf(&list, "w%03d.test\n", i)
	}
	path := writeFile(t, "list.txt", list.String())
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	defer w.Close()
	ctx, cancel := context.WithCancel(context.Background())
	var stderr lockedBuffer
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, append(args, "-i", path, "-f", "ndjson", "-p", "pleroma"), strings.NewReader(""), w, &stderr)
	}()
	time.Sleep(2 * time.Second) // the pipe's 64 KiB fill up with a few targets
	cancel()
	select {
	case code := <-done:
		if code != gate.ExitInterrupted {
			t.Errorf("exit %d, want 130; stderr %q", code, stderr.String())
		}
	case <-time.After(time.Second):
		t.Fatal("still running a second after the signal")
	}
}
